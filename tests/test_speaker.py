"""The speaker check (detector.speaker): its window's geometry, the muted speakers it learns from, its file, what it
drops from a frame's detections, the config that turns it on, and a short training run from scratch."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from agent.config import load_config
from detector.engine import Detector, InferenceConfig
from detector.errors import ConfigError, WeightsError
from detector.speaker import ACROSS, ALONG, WINDOW, SpeakerCheck, SpeakerConfig, SpeakerNet, save_speaker, window
from detector.speaker_train import muted_name, muted_speakers, train_speaker, x_beside_speaker
from detector.types import Box, Detection

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "weights" / "closebot-speaker.pt"


def _speaker_mask(x_part: str = "x") -> np.ndarray:
    """A 128-px mask: a speaker (a box and a cone) with an x, waves or a slash beside or through it."""
    m = np.zeros((128, 128), np.uint8)
    cv2.fillPoly(m, [np.array([[10, 48], [34, 48], [66, 20], [66, 108], [34, 80], [10, 80]], np.int32)], 255)
    if x_part == "x":
        cv2.line(m, (80, 50), (108, 78), 255, 8)
        cv2.line(m, (80, 78), (108, 50), 255, 8)
    elif x_part == "waves":
        cv2.ellipse(m, (70, 64), (22, 34), 0, -60, 60, 255, 6)
        cv2.ellipse(m, (70, 64), (40, 50), 0, -60, 60, 255, 6)
    elif x_part == "slash":
        cv2.line(m, (8, 8), (120, 120), 255, 8)
    return m


def test_the_x_beside_a_speaker_is_found_and_waves_or_a_slash_are_not() -> None:
    found = x_beside_speaker(_speaker_mask("x"))
    assert found is not None
    (x1, y1, x2, y2), speaker = found
    assert speaker == (10, 20, 67, 109)  # the cone's and box's ink, ends exclusive
    assert 74 <= x1 <= 80 and 44 <= y1 <= 50 and 108 <= x2 <= 114 and 78 <= y2 <= 84
    assert x_beside_speaker(_speaker_mask("waves")) is None  # far taller than wide: not an x
    assert x_beside_speaker(_speaker_mask("slash")) is None  # fused with the speaker
    assert x_beside_speaker(_speaker_mask("none")) is None
    assert muted_name("volume-x") and muted_name("speaker-off") and muted_name("volume-mute-fill")
    assert not muted_name("volume-up") and not muted_name("volume-slash") and not muted_name("close-x")


def test_the_window_spans_six_by_two_point_four_box_sides_grey_past_the_edges() -> None:
    img = np.zeros((400, 600, 3), np.uint8)
    img[190:210, 290:310] = (255, 0, 0)  # the 20-px box, red
    img[190:210, 250:270] = (0, 255, 0)  # a green square two sides to its left
    w = window(img, Box(290, 190, 310, 210))
    assert w.shape == (WINDOW[1], WINDOW[0], 3) and (ACROSS, ALONG) == (6.0, 2.4)
    # 20 window px per box side: the box at x 50-70, y 14-34; the green square at x 10-30
    assert (w[20:28, 54:66] == (255, 0, 0)).all() and (w[20:28, 14:26] == (0, 255, 0)).all()
    assert (w[:10, :] == 0).all() and (w[40:, :] == 0).all()
    edge = window(img, Box(0, 0, 20, 20))  # the window reaches past the top-left corner: grey there
    assert (edge[:10, :40] == 114).all() and (edge[24:34, 60:70] == 0).all()


def _tiny_icons(root: Path) -> Path:
    """An icon cache of drawn masks in both splits: a muted speaker, an unmuted one, a close mark and a plus."""
    close = np.zeros((128, 128), np.uint8)
    cv2.line(close, (24, 24), (104, 104), 255, 14)
    cv2.line(close, (24, 104), (104, 24), 255, 14)
    plus = np.zeros((128, 128), np.uint8)
    plus[56:72, 16:112] = plus[16:112, 56:72] = 255
    masks = {"volume-x": _speaker_mask("x"), "volume-up": _speaker_mask("waves"), "close": close, "plus": plus}
    entries = []
    for split in ("train", "val"):
        for name, m in masks.items():
            role = "close" if name == "close" else "negative"
            path = f"{split}/{name}.png"
            (root / split).mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(root / path), m)
            entries.append({"set": split, "name": name, "role": role, "kind": "bare", "split": split, "path": path})
    (root / "index.json").write_text(json.dumps({"sets": {}, "mask_px": 128, "icons": entries}))
    return root


def test_a_short_training_run_writes_a_check_that_loads(tiny_dataset: Path, tmp_path: Path) -> None:
    """`closebot train-speaker` on the tiny generated set and a drawn icon cache: a file with its manifest, whose
    network the engine's loader accepts; a second epoch on the same windows lowers the training loss."""
    icons = _tiny_icons(tmp_path / "icons")
    assert [(s.split, s.path.name) for s in muted_speakers(icons)] == [
        ("train", "volume-x.png"),
        ("val", "volume-x.png"),
    ]
    res = train_speaker([tiny_dataset], icons, tmp_path / "s.pt", windows=600, epochs=2, progress=False)
    assert res["data"]["muted_speakers"] == {"train": 1, "val": 1} and res["data"]["windows"]["train"] == 600
    assert res["history"][1]["train_loss"] < res["history"][0]["train_loss"]
    assert 0 <= res["val"]["positives>=0.99"] <= 1 and np.isfinite(res["val"]["loss"])
    check = SpeakerCheck.load(tmp_path / "s.pt")
    assert json.loads((tmp_path / "s.json").read_text())["sha256"] == check.manifest["sha256"]
    assert check.probabilities(np.zeros((100, 100, 3), np.uint8), [Box(40, 40, 60, 60)]).shape == (1,)


def test_a_tampered_or_foreign_file_is_refused_naming_it(tmp_path: Path, tiny_weights: Path) -> None:
    path = tmp_path / "s.pt"
    save_speaker(path, SpeakerNet(), {"what": "test"})
    SpeakerCheck.load(path)
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(WeightsError, match=f"{path}: sha256 differs"):
        SpeakerCheck.load(path)
    with pytest.raises(WeightsError, match="not a closebot speaker check file"):
        SpeakerCheck.load(tiny_weights)
    with pytest.raises(WeightsError, match="speaker check file not found"):
        SpeakerCheck.load(tmp_path / "missing.pt")


class _Says:
    """A check whose network says ``p`` for every window (its decisions are what is tested, not its weights)."""

    def __init__(self, p: float) -> None:
        self.p = p

    def __call__(self, windows: torch.Tensor) -> torch.Tensor:
        return torch.full((len(windows),), float(torch.logit(torch.tensor(self.p))))

    def eval(self):
        return self


def test_apply_drops_only_closes_it_takes_for_a_muted_speaker() -> None:
    img = np.zeros((200, 200, 3), np.uint8)
    dets = [
        Detection(Box(10, 10, 30, 30), "close", 0.9),
        Detection(Box(50, 50, 70, 70), "close", 0.25),  # under min_score: never shown
        Detection(Box(90, 90, 110, 110), "skip", 0.9),
        Detection(Box(130, 130, 150, 150), "ja_char", 0.9),
    ]
    cfg = SpeakerConfig(level=0.99, min_score=0.3)
    assert SpeakerCheck(_Says(0.995), cfg).apply(img, dets) == dets[1:]  # type: ignore[arg-type]
    assert SpeakerCheck(_Says(0.98), cfg).apply(img, dets) is dets  # type: ignore[arg-type]
    assert SpeakerCheck(_Says(0.98), replace(cfg, level=0.5)).apply(img, dets) == dets[1:]  # type: ignore[arg-type]


def test_the_shipped_check_tells_a_muted_speaker_from_a_close() -> None:
    """The shipped file on a drawn screen: the x beside a speaker is taken for a muted speaker's, the same x alone
    and an x on a plate are not."""
    check = SpeakerCheck.load(SHIPPED)
    img = np.full((600, 400, 3), 235, np.uint8)
    cv2.fillPoly(
        img, [np.array([[40, 110], [60, 110], [85, 88], [85, 152], [60, 130], [40, 130]], np.int32)], (40,) * 3
    )
    for a, b in (((98, 112), (116, 130)), ((98, 130), (116, 112))):
        cv2.line(img, a, b, (40, 40, 40), 4, cv2.LINE_AA)
        cv2.line(img, (a[0] + 200, a[1] + 200), (b[0] + 200, b[1] + 200), (40, 40, 40), 4, cv2.LINE_AA)
    cv2.circle(img, (307, 421), 24, (60, 60, 60), -1, cv2.LINE_AA)
    for a, b in (((296, 410), (318, 432)), ((296, 432), (318, 410))):
        cv2.line(img, a, b, (255, 255, 255), 4, cv2.LINE_AA)
    p = check.probabilities(img, [Box(96, 110, 118, 132), Box(296, 310, 318, 332), Box(282, 396, 332, 446)])
    assert p[0] >= check.cfg.level and p[1] < 0.5 and p[2] < 0.5, p


def test_the_engine_applies_the_check_last(tiny_weights: Path) -> None:
    """A check that drops every close it is shown leaves a frame none of them; without it the same frame keeps them
    (the tiny untrained network proposes closes everywhere), and everything else is as it was."""
    inf = replace(InferenceConfig(runtime="torch", min_score=0.01), zoom=replace(InferenceConfig().zoom, enabled=False))
    img = (np.random.default_rng(0).random((800, 360, 3)) * 255).astype(np.uint8)
    plain = Detector.load(tiny_weights, inf).detect(img)
    assert any(d.label == "close" for d in plain.detections)
    check = SpeakerCheck(_Says(1.0), SpeakerConfig(level=0.99, min_score=0.01))  # type: ignore[arg-type]
    checked = Detector.load(tiny_weights, inf, speaker=check).detect(img)
    assert checked.detections == [d for d in plain.detections if d.label != "close"]
    assert checked.timings.speaker_ms > 0


def test_config_turns_the_check_on_off_and_names_a_bad_value(tmp_path: Path) -> None:
    cfg = load_config()
    assert cfg.detector.speaker.weights == str(SHIPPED) and cfg.detector.speaker.level == 0.999
    assert isinstance(cfg.detector.speaker.load(), SpeakerCheck)
    off = tmp_path / "off.yaml"
    off.write_text("detector:\n  speaker:\n    weights: ''\n")
    assert load_config(off).detector.speaker.load() is None
    bad = tmp_path / "bad.yaml"
    bad.write_text("detector:\n  speaker:\n    level: 1.5\n")
    with pytest.raises(ConfigError, match=r"bad.yaml: 'detector.speaker.level=1.5' is invalid"):
        load_config(bad)
