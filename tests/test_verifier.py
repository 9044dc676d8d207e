"""The verifier: crops with exact pixels, rescoring by its formula, safe loading, candidate labels, and a few training
steps on a tiny generated set that really lower the loss."""

from __future__ import annotations

import json
import math
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from detector.engine import Detector, InferenceConfig
from detector.errors import TrainingError, WeightsError
from detector.types import Box, Detection
from detector.verifier import (
    VERIFIER_CLASSES,
    Verifier,
    VerifierNet,
    VerifierSpec,
    crop_box,
    crop_window,
    load_verifier,
    merge_verifiers,
    save_verifier,
)
from detector.verifier_train import CLOSE, NONE, SKIP, VerifierTrainConfig, label_candidate, train_verifier
from detector.weights import sha256_of
from detector.zoom import ZoomConfig

SPEC = VerifierSpec(input_size=8, context=2.0, min_crop_px=4.0, widths=(4, 4, 8, 8))


def _ramp(h: int = 100, w: int = 120) -> np.ndarray:
    """An image whose pixel (y, x) is (x, y, 7): crops can be checked by value."""
    img = np.zeros((h, w, 3), dtype=np.uint8)
    img[..., 0] = np.arange(w)[None, :]
    img[..., 1] = np.arange(h)[:, None]
    img[..., 2] = 7
    return img


def test_crop_is_the_square_around_the_box_with_context() -> None:
    img = _ramp()
    # box 40..44 x 50..54 (4 px): the crop is the 8 px square 38..46 x 48..56, already the input size
    crop = crop_box(img, Box(40, 50, 44, 54), SPEC)
    assert crop.shape == (8, 8, 3)
    assert crop[0, 0].tolist() == [38, 48, 7]
    assert crop[7, 7].tolist() == [45, 55, 7]


def test_crop_past_the_edge_is_grey() -> None:
    img = _ramp()
    crop = crop_box(img, Box(0, 0, 4, 4), SPEC)  # square -2..6: two columns and rows outside
    assert crop[0, 0].tolist() == [114, 114, 114]
    assert crop[1, 5].tolist() == [114, 114, 114]
    assert crop[2, 2].tolist() == [0, 0, 7]
    assert crop[7, 7].tolist() == [5, 5, 7]
    # entirely off the image: all grey, no error
    assert (crop_box(img, Box(500, 500, 510, 510), SPEC) == 114).all()


def test_large_boxes_are_shrunk_to_the_input_size() -> None:
    crop = crop_box(_ramp(), Box(30, 30, 62, 62), SPEC)  # 64 px square 14..78 -> 8 px
    assert crop.shape == (8, 8, 3)
    assert 14 <= int(crop[0, 0, 0]) <= 22 and 70 <= int(crop[7, 7, 0]) <= 78


def test_long_boxes_get_a_squeezed_window_and_square_ones_keep_theirs() -> None:
    wide = replace(SPEC, squeeze=2.0, long_context=1.25)
    assert crop_window(Box(0, 0, 50, 50), wide) == crop_window(Box(0, 0, 50, 50), SPEC) == (100.0, 100.0)
    assert crop_window(Box(0, 0, 150, 50), SPEC) == (300.0, 300.0)  # square: the pill a strip a sixth high
    # 3:1: across 2 x 50; along min(2 x 150, max(2 x 100, 1.25 x 150)) = 200; across max(100, 200 / 2)
    assert crop_window(Box(0, 0, 150, 50), wide) == (200.0, 100.0)
    # 6:1: along max(200, 1.25 x 300) = 375, so across grows to 375 / 2
    assert crop_window(Box(0, 0, 300, 50), wide) == (375.0, 187.5)
    assert crop_window(Box(0, 0, 50, 300), wide) == (187.5, 375.0)  # tall boxes the same way round
    assert crop_window(Box(0, 0, 2, 1), wide) == (4.0, 4.0)  # min_crop_px both ways
    # the crop: box 40..56 x 50..54 (4:1) -> window 20 x 10 around (48, 52), i.e. x 38..58, y 47..57, into 8 x 8
    crop = crop_box(_ramp(), Box(40, 50, 56, 54), wide)
    assert crop.shape == (8, 8, 3)
    assert 38 <= int(crop[0, 0, 0]) <= 40 and 56 <= int(crop[7, 7, 0]) <= 58
    assert 47 <= int(crop[0, 0, 1]) <= 48 and 56 <= int(crop[7, 7, 1]) <= 57
    square = crop_box(_ramp(), Box(40, 50, 56, 54), SPEC)  # 32 x 32 around it: rows 36..68
    assert int(square[0, 0, 1]) <= 38 and int(square[7, 7, 1]) >= 66


def test_the_window_is_kept_in_the_file_only_when_it_is_not_square() -> None:
    assert "squeeze" not in SPEC.to_dict() and "long_context" not in SPEC.to_dict()
    wide = replace(SPEC, squeeze=2.0, long_context=1.5)
    assert wide.to_dict()["squeeze"] == 2.0 and VerifierSpec.from_dict(wide.to_dict()) == wide
    assert VerifierSpec.from_dict(SPEC.to_dict()) == SPEC


def _verifier(max_candidates: int = 32) -> Verifier:
    torch.manual_seed(0)
    return Verifier(VerifierNet(SPEC), SPEC, max_candidates=max_candidates)


def test_rescore_is_the_geometric_mean_for_targets_and_leaves_text_alone() -> None:
    v = _verifier()
    img = _ramp()
    dets = [
        Detection(Box(10, 10, 20, 20), "close", 0.9),
        Detection(Box(60, 40, 70, 50), "skip", 0.5),
        Detection(Box(30, 70, 40, 80), "ja_char", 0.7),
    ]
    out = v.rescore(img, dets)
    probs = v.probabilities(np.stack([crop_box(img, d.box, SPEC) for d in dets[:2]]))
    want = {
        "close": math.sqrt(0.9 * probs[0, VERIFIER_CLASSES.index("close")]),
        "skip": math.sqrt(0.5 * probs[1, VERIFIER_CLASSES.index("skip")]),
        "ja_char": 0.7,
    }
    assert len(out) == 3
    for d in out:
        assert d.score == pytest.approx(want[d.label], abs=1e-6)
    assert [d.score for d in out] == sorted((d.score for d in out), reverse=True)


def test_rescore_keeps_only_the_best_candidates() -> None:
    v = _verifier(max_candidates=2)
    dets = [Detection(Box(5 * i, 5, 5 * i + 4, 9), "close", 0.2 + 0.1 * i) for i in range(5)]
    out = v.rescore(_ramp(), dets)
    assert len(out) == 2
    assert {d.box.x1 for d in out} == {15.0, 20.0}


def test_the_config_section_loads_the_verifier_with_its_settings(tmp_path: Path) -> None:
    from agent.config import VerifierSection

    path = tmp_path / "v.pt"
    save_verifier(path, VerifierNet(SPEC), SPEC, {"name": "t"})
    v = VerifierSection(weights=str(path), max_candidates=5).load()
    assert (v.max_candidates, v.source) == (5, str(path))
    assert VerifierSection(weights="").load() is None  # turned off
    assert VerifierSection(weights="", max_candidates=7).load(path).max_candidates == 7  # another file, same settings


def test_save_and_load_round_trip_and_refusals(tmp_path: Path) -> None:
    torch.manual_seed(1)
    net = VerifierNet(SPEC)
    path = tmp_path / "v.pt"
    save_verifier(path, net, SPEC, {"name": "test"})
    loaded = Verifier.load(path)
    x = torch.from_numpy(np.stack([crop_box(_ramp(), Box(10, 10, 20, 20), SPEC)]))
    assert torch.allclose(loaded.net(x), net.eval()(x))
    assert json.loads(path.with_suffix(".json").read_text())["format"] == "closebot-verifier/1"

    with pytest.raises(WeightsError, match="not found"):
        Verifier.load(tmp_path / "missing.pt")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    bad = tmp_path / "bad.pt"
    bad.write_bytes(bytes(data))
    bad.with_suffix(".json").write_text(path.with_suffix(".json").read_text())
    with pytest.raises(WeightsError, match="sha256"):
        Verifier.load(bad)
    other = tmp_path / "other.pt"
    torch.save({"format": "something-else"}, other)
    with pytest.raises(WeightsError, match="not a closebot verifier"):
        Verifier.load(other)


def _saved(tmp_path: Path, name: str, seed: int, spec: VerifierSpec = SPEC, detector: str = "ab12") -> Path:
    torch.manual_seed(seed)
    path = tmp_path / name
    save_verifier(path, VerifierNet(spec), spec, {"detector": {"file": "ssd.pt", "sha256": detector}})
    return path


def test_merged_verifiers_average_their_probabilities_and_refuse_what_does_not_fit(tmp_path: Path) -> None:
    a, b = _saved(tmp_path, "a.pt", 1), _saved(tmp_path, "b.pt", 2)
    merged = merge_verifiers([a, b], tmp_path / "ab.pt")
    assert merged.spec == replace(SPEC, members=2)
    assert [m["file"] for m in merged.manifest["members"]] == [str(a), str(b)]
    crops = np.stack([crop_box(_ramp(), Box(10 + 7 * i, 10, 20 + 7 * i, 20), SPEC) for i in range(4)])
    pa, pb = Verifier.load(a).probabilities(crops), Verifier.load(b).probabilities(crops)
    pm = Verifier.load(tmp_path / "ab.pt").probabilities(crops)
    assert not np.allclose(pa, pb, atol=1e-3)
    assert np.allclose(pm, (pa + pb) / 2, atol=1e-6)
    # a single network's spec is written as before ensembles existed (old files and crop-cache keys unchanged)
    assert "members" not in SPEC.to_dict() and VerifierSpec.from_dict(SPEC.to_dict()) == SPEC

    with pytest.raises(WeightsError, match="at least two"):
        merge_verifiers([a], tmp_path / "x.pt")
    # an ensemble's members join one by one: every network weighs the same
    c = _saved(tmp_path, "c.pt", 5)
    abc = merge_verifiers([tmp_path / "ab.pt", c], tmp_path / "abc.pt")
    assert abc.spec == replace(SPEC, members=3)
    assert [(m["file"], m.get("member")) for m in abc.manifest["members"]] == [
        (str(tmp_path / "ab.pt"), 0),
        (str(tmp_path / "ab.pt"), 1),
        (str(c), None),
    ]
    pc = Verifier.load(c).probabilities(crops)
    assert np.allclose(Verifier.load(tmp_path / "abc.pt").probabilities(crops), (pa + pb + pc) / 3, atol=1e-6)
    with pytest.raises(WeightsError, match="spec"):
        merge_verifiers([a, _saved(tmp_path, "w.pt", 3, replace(SPEC, widths=(4, 4, 8, 16)))], tmp_path / "x.pt")
    with pytest.raises(WeightsError, match="another SSD"):
        merge_verifiers([a, _saved(tmp_path, "d.pt", 4, detector="cd34")], tmp_path / "x.pt")
    assert not (tmp_path / "x.pt").exists()


def test_an_ensemble_can_be_made_of_given_networks_of_the_right_number() -> None:
    nets = [VerifierNet(SPEC), VerifierNet(SPEC)]
    both = VerifierNet(replace(SPEC, members=2), nets)
    assert list(both.members) == nets
    crops = torch.from_numpy(np.stack([crop_box(_ramp(), Box(10, 10, 20, 20), SPEC)]))
    with torch.no_grad():
        p = torch.stack([torch.softmax(n.eval()(crops), 1) for n in nets]).mean(0)
        assert torch.allclose(torch.softmax(both.eval()(crops), 1), p, atol=1e-6)
    with pytest.raises(ValueError, match="2 networks for a spec of 3"):
        VerifierNet(replace(SPEC, members=3), nets)


def test_verifiers_of_different_windows_merge_and_each_network_sees_its_own(tmp_path: Path, capsys) -> None:
    wide = replace(SPEC, squeeze=2.0, long_context=1.5)
    a, b = _saved(tmp_path, "a.pt", 1), _saved(tmp_path, "b.pt", 2)
    w = _saved(tmp_path, "w.pt", 3, wide)
    sq = merge_verifiers([a, b], tmp_path / "ab.pt")
    from agent.cli import main

    assert main(["merge-verifiers", str(tmp_path / "ab.pt"), str(w), "--out", str(tmp_path / "abw.pt")]) == 0
    assert capsys.readouterr().out.endswith(
        "3 networks averaged (" + f"{tmp_path / 'ab.pt'}, {w}), windows: 2 square, 1 squeezed 2\n"
    )
    mixed = load_verifier(tmp_path / "abw.pt")
    assert mixed.spec.members == 3 and mixed.spec.windows == ((1.0, 1.25, 2.0), (1.0, 1.25, 2.0), (2.0, 1.5, 2.0))
    assert mixed.spec.member_spec(2) == wide and mixed.spec.member_spec(0) == SPEC
    assert VerifierSpec.from_dict(mixed.spec.to_dict()) == mixed.spec
    assert "windows" not in sq.spec.to_dict()  # one window: written as before
    with pytest.raises(ValueError, match="windows"):
        crop_window(Box(0, 0, 30, 10), mixed.spec)  # no one window to crop

    img = _ramp()
    boxes = [Box(10, 10, 20, 20), Box(30, 40, 60, 50), Box(80, 20, 86, 44)]  # square, 3:1 wide, 1:4 tall
    p_sq = Verifier.load(tmp_path / "ab.pt").probabilities(np.stack([crop_box(img, x, SPEC) for x in boxes]))
    p_w = Verifier.load(w).probabilities(np.stack([crop_box(img, x, wide) for x in boxes]))
    v = Verifier.load(tmp_path / "abw.pt")
    assert [(p.spec.members, p.spec.squeeze) for p in v.parts] == [(2, 1.0), (1, 2.0)]
    members = list(v.net.members)  # the parts are the file's networks, not copies
    assert list(v.parts[0].net.members) == members[:2] and v.parts[1].net is members[2]
    # each window weighs the same: the two square networks are averaged first, then with the squeezed one
    assert np.allclose(v.box_probabilities(img, boxes), (p_sq + p_w) / 2, atol=1e-6)
    with pytest.raises(ValueError, match="different windows"):
        v.probabilities(np.stack([crop_box(img, boxes[0], SPEC)]))
    dets = [Detection(boxes[1], "close", 0.81)]
    assert v.rescore(img, dets)[0].score == pytest.approx(math.sqrt(0.81 * (p_sq[1, 1] + p_w[1, 1]) / 2), abs=1e-6)
    onnx = v.on_runtime("onnxruntime", threads=1)
    assert onnx.runtime == "onnxruntime" and onnx.parts[0].net is v.parts[0].net  # the same networks, exported
    assert np.allclose(onnx.box_probabilities(img, boxes), v.box_probabilities(img, boxes), atol=1e-5)

    # a file whose windows do not match its networks is refused, naming it
    bad = tmp_path / "bad.pt"
    spec = replace(mixed.spec, windows=mixed.spec.windows[:2], members=2)
    save_verifier(bad, VerifierNet(spec), spec, {})
    data = torch.load(bad, weights_only=True)
    data["spec"]["members"] = 3
    torch.save(data, bad)
    bad.with_suffix(".json").unlink()
    with pytest.raises(WeightsError, match="bad.pt: incomplete verifier file .2 windows for 3 networks"):
        Verifier.load(bad)


def test_a_wider_square_window_is_a_window_of_its_own(tmp_path: Path, capsys) -> None:
    # a square network of another context (``train-verifier --context 4``) beside a square and a squeezed one: three
    # windows, weighing the same; with long_from the short boxes go to both square windows, the long ones to all three
    wider, squeezed = replace(SPEC, context=4.0), replace(SPEC, squeeze=2.0, long_context=1.5)
    a, c, w = _saved(tmp_path, "a.pt", 1), _saved(tmp_path, "c.pt", 2, wider), _saved(tmp_path, "w.pt", 3, squeezed)
    from agent.cli import main

    out = tmp_path / "acw.pt"
    assert main(["merge-verifiers", str(a), str(c), str(w), "--out", str(out), "--long-from", "1.6"]) == 0
    assert capsys.readouterr().out.endswith(
        "windows: 1 square, 1 square of 4 box sides, 1 squeezed 2 (boxes from 1.6:1)\n"
    )
    spec = load_verifier(out).spec
    assert spec.windows == ((1.0, 1.25, 2.0), (1.0, 1.25, 4.0), (2.0, 1.5, 2.0))
    assert spec.member_spec(1) == wider and spec.member_spec(2) == squeezed
    img = _ramp()
    boxes = [Box(10, 10, 20, 20), Box(30, 40, 60, 50)]  # square, 3:1
    assert crop_window(boxes[0], wider) == (40.0, 40.0)  # 4 x its side
    p_a, p_c, p_w = (
        Verifier.load(f).probabilities(np.stack([crop_box(img, x, s) for x in boxes]))
        for f, s in ((a, SPEC), (c, wider), (w, squeezed))
    )
    assert not np.allclose(p_a[0], p_c[0], atol=1e-3)
    got = Verifier.load(out).box_probabilities(img, boxes)
    assert np.allclose(got[0], (p_a[0] + p_c[0]) / 2, atol=1e-6)
    assert np.allclose(got[1], (p_a[1] + p_c[1] + p_w[1]) / 3, atol=1e-6)

    # files written before the context was part of a window hold (squeeze, long_context) pairs: the spec's context
    old = spec.to_dict() | {"context": 2.0, "windows": [[1.0, 1.25], [2.0, 1.5]], "members": 2}
    assert VerifierSpec.from_dict(old).windows == ((1.0, 1.25, 2.0), (2.0, 1.5, 2.0))


def test_with_long_from_squeezed_windows_only_score_long_boxes(tmp_path: Path, capsys) -> None:
    wide = replace(SPEC, squeeze=2.0, long_context=1.5)
    a, w = _saved(tmp_path, "a.pt", 1), _saved(tmp_path, "w.pt", 3, wide)
    from agent.cli import main

    assert main(["merge-verifiers", str(a), str(w), "--out", str(tmp_path / "aw.pt"), "--long-from", "1.6"]) == 0
    assert capsys.readouterr().out.endswith("windows: 1 square, 1 squeezed 2 (boxes from 1.6:1)\n")
    spec = load_verifier(tmp_path / "aw.pt").spec
    assert spec.long_from == 1.6 and VerifierSpec.from_dict(spec.to_dict()) == spec
    assert all(p.spec.long_from == 0.0 for p in Verifier.load(tmp_path / "aw.pt").parts)
    assert "long_from" not in load_verifier(merge_verifiers([a, w], tmp_path / "all.pt").path).spec.to_dict()

    img = _ramp()
    boxes = [Box(10, 10, 20, 20), Box(30, 40, 60, 50), Box(80, 20, 86, 29), Box(80, 20, 86, 44)]  # 1, 3, 1.5, 4:1
    assert [b.aspect for b in boxes] == [1.0, 3.0, 1.5, 4.0]  # either way round
    p_a = Verifier.load(a).probabilities(np.stack([crop_box(img, x, SPEC) for x in boxes]))
    p_w = Verifier.load(w).probabilities(np.stack([crop_box(img, x, wide) for x in boxes]))
    got = Verifier.load(tmp_path / "aw.pt").box_probabilities(img, boxes)
    assert np.allclose(got[[0, 2]], p_a[[0, 2]], atol=1e-6)  # shorter than 1.6:1: the square network alone
    assert np.allclose(got[[1, 3]], (p_a[[1, 3]] + p_w[[1, 3]]) / 2, atol=1e-6)  # long: both windows
    assert not np.allclose(p_a[0], p_w[0], atol=1e-3)  # (so the two cases above are told apart)

    # a merge of one window, or of squeezed windows only, has no square networks to leave short boxes to
    with pytest.raises(WeightsError, match="long_from 1.6 needs files of a square window"):
        merge_verifiers([a, a], tmp_path / "x.pt", long_from=1.6)
    with pytest.raises(WeightsError, match="long_from 1.6 needs"):
        merge_verifiers([w, w], tmp_path / "x.pt", long_from=1.6)
    with pytest.raises(SystemExit) as e:
        main(["merge-verifiers", str(a), str(w), "--out", str(tmp_path / "x.pt"), "--long-from", "0.5"])
    assert e.value.code == 2 and not (tmp_path / "x.pt").exists()
    assert "argument --long-from: must be 0 (off) or at least 1, got 0.5" in capsys.readouterr().err


def test_the_mining_key_follows_the_crops_not_the_number_of_networks() -> None:
    from detector.verifier_train import mining_key

    cfg = VerifierTrainConfig(data=("d",), detector="ssd.pt", out="v.pt")
    key = mining_key(cfg, SPEC, "abc", [], [])
    assert mining_key(cfg, replace(SPEC, members=4), "abc", [], []) == key  # an ensemble crops as its members do
    assert mining_key(cfg, replace(SPEC, context=3.0), "abc", [], []) != key
    assert mining_key(cfg, replace(SPEC, squeeze=2.0), "abc", [], []) != key
    assert mining_key(replace(cfg, pills_per_screen=2, epochs=3), SPEC, "abc", [], []) == key
    assert mining_key(cfg, SPEC, "abd", [], []) != key


def test_candidates_are_mined_as_the_runtime_cuts_the_screen() -> None:
    """The runtime's tile geometry reaches the miner's SSD and the cache key: crops mined on squares are not read
    back for strips (the default moved from squares to strips on 2026-12-06 with the key blind to it)."""
    from detector.verifier_train import Miner, mining_inference, mining_key

    cfg = VerifierTrainConfig(data=("d",), detector="ssd.pt", out="v.pt", mine_min_score=0.05)
    squares = replace(cfg, inference=InferenceConfig(tile_shape="square", min_score=0.5, threads=1))
    mined = mining_inference(squares)
    assert (mined.tile_shape, mined.min_score, mined.zoom.enabled, mined.threads) == ("square", 0.05, False, 1)
    assert Miner(squares).inference == mined and Miner(cfg).inference.tile_shape == "strip"
    key = mining_key(cfg, SPEC, "abc", [], [])
    assert mining_key(squares, SPEC, "abc", [], []) != key
    assert mining_key(replace(cfg, inference=InferenceConfig(tile_size=640)), SPEC, "abc", [], []) != key
    # the threads, the batch and the runtime's own threshold and closer look do not change the candidates
    same = InferenceConfig(threads=1, batch_size=4, min_score=0.7, zoom=ZoomConfig(enabled=False))
    assert mining_key(replace(cfg, inference=same), SPEC, "abc", [], []) == key


def test_candidate_labels_follow_the_ground_truth() -> None:
    truths = [(Box(100, 100, 140, 140), CLOSE), (Box(300, 100, 380, 140), SKIP)]
    assert label_candidate(Detection(Box(102, 101, 141, 139), "close", 0.9), truths, 0.4) == CLOSE
    assert label_candidate(Detection(Box(302, 101, 378, 139), "close", 0.9), truths, 0.4) == SKIP
    assert label_candidate(Detection(Box(500, 500, 540, 540), "skip", 0.9), truths, 0.4) == NONE
    # a loose box whose centre is on a true close is neither: left out of training
    assert label_candidate(Detection(Box(90, 90, 180, 180), "close", 0.9), truths, 0.4) is None


def _tiny_training(dataset: Path, weights: Path, tmp_path: Path, epochs: int) -> VerifierTrainConfig:
    """A few quick epochs of a small verifier on the tiny generated set, crops cached under ``tmp_path``."""
    return VerifierTrainConfig(
        data=(str(dataset),),
        detector=str(weights),
        out=str(tmp_path / "v.pt"),
        cache_dir=str(tmp_path / "cache"),
        val_screens=3,
        epochs=epochs,
        batch_size=16,
        max_per_screen=8,
        spec=VerifierSpec(input_size=32, widths=(8, 8, 16, 16)),
    )


def test_training_on_a_tiny_set_lowers_the_loss(tiny_dataset: Path, tiny_weights: Path, tmp_path: Path, capsys) -> None:
    cfg = replace(_tiny_training(tiny_dataset, tiny_weights, tmp_path, epochs=12), lr=5e-3)
    res = train_verifier(cfg, show_progress=False)
    losses = [h["train_loss"] for h in res["history"]]
    assert sum(losses[-3:]) < 0.85 * sum(losses[:3]), losses  # epochs of 3 batches are noisy: means of three
    v = Verifier.load(tmp_path / "v.pt")
    det = Detector.load(tiny_weights, InferenceConfig(min_score=0.0), v)
    assert det.verifier.net is v.net and det.verifier.source == v.source  # maybe on ONNX Runtime: same network
    cached = {p.name for p in (tmp_path / "cache").iterdir()}
    assert res["mined"] and cached == {Path(res["cache"]).name, Path(res["cache"]).name.replace(".npz", "-val.npz")}
    assert not list(tmp_path.glob("*.npz"))  # nothing beside the output (which may be weights/)

    # fine-tuning: starts from the file (its spec, not the config's default) and names its parent; the mining
    # settings (and so the crop cache's key) are the same as the parent's run. With a learning rate of ~0 the weights
    # stay the parent's (a noisy first-epoch loss on 39 crops cannot tell a fine-tune from a fresh start; this can)
    tuned = train_verifier(
        replace(cfg, out=str(tmp_path / "v2.pt"), init=str(tmp_path / "v.pt"), spec=VerifierSpec(), epochs=1, lr=1e-9),
        show_progress=False,
    )
    v2 = load_verifier(tmp_path / "v2.pt")
    tuned_net = Verifier.load(tmp_path / "v2.pt").net
    for (name, a), b in zip(v.net.named_parameters(), tuned_net.parameters(), strict=True):
        assert torch.allclose(a, b, atol=1e-6), name  # not from scratch
    assert v2.spec == load_verifier(tmp_path / "v.pt").spec
    assert v2.manifest["parent"]["sha256"] == sha256_of(tmp_path / "v.pt")
    assert not tuned["mined"] and tuned["cache"] == res["cache"]
    # a new crop window over the parent's weights: the spec says so, and the crops are mined again for it
    squeezed = train_verifier(
        replace(cfg, out=str(tmp_path / "v4.pt"), init=str(tmp_path / "v.pt"), epochs=1, lr=1e-9, squeeze=2.0),
        show_progress=False,
    )
    assert load_verifier(tmp_path / "v4.pt").spec == replace(v2.spec, squeeze=2.0)
    assert squeezed["mined"] and squeezed["cache"] != res["cache"]
    wider = train_verifier(
        replace(cfg, out=str(tmp_path / "v3.pt"), init=str(tmp_path / "v.pt"), epochs=1, lr=1e-9, context=4.0),
        show_progress=False,
    )
    assert load_verifier(tmp_path / "v3.pt").spec == replace(v2.spec, context=4.0)
    assert wider["mined"] and wider["cache"] not in (res["cache"], squeezed["cache"])
    # a wider window at a larger input over the parent's weights (convolutions and a global pooling: any size runs)
    larger = train_verifier(
        replace(
            cfg,
            out=str(tmp_path / "v7.pt"),
            init=str(tmp_path / "v.pt"),
            epochs=1,
            lr=1e-9,
            context=4.0,
            input_size=128,
        ),
        show_progress=False,
    )
    v7 = Verifier.load(tmp_path / "v7.pt")
    assert v7.spec == replace(v2.spec, context=4.0, input_size=128)
    assert larger["mined"] and larger["cache"] not in (res["cache"], squeezed["cache"], wider["cache"])
    for (name, a), b in zip(v.net.named_parameters(), v7.net.parameters(), strict=True):
        assert torch.allclose(a, b, atol=1e-6), name  # the parent's weights, now shown 128-px crops
    assert v7.box_probabilities(np.zeros((200, 100, 3), np.uint8), [Box(10, 10, 40, 40)]).shape == (1, 3)
    # an ensemble of both windows fine-tunes each window's network on its own crops (both read from the caches above)
    # and comes back as one file with the parent's spec; a new window for it is refused
    merge_verifiers([tmp_path / "v.pt", tmp_path / "v4.pt"], tmp_path / "v5.pt")
    both = train_verifier(
        replace(cfg, out=str(tmp_path / "v6.pt"), init=str(tmp_path / "v5.pt"), epochs=1, lr=1e-9), show_progress=False
    )
    assert [(p["window"], p["cache"], p["mined"]) for p in both["parts"]] == [
        ([1.0, 1.25, 2.0], res["cache"], False),
        ([2.0, 1.25, 2.0], squeezed["cache"], False),
    ]
    v6 = load_verifier(tmp_path / "v6.pt")
    assert v6.spec == load_verifier(tmp_path / "v5.pt").spec and len(v6.manifest["windows"]) == 2
    for (name, a), b in zip(
        Verifier.load(tmp_path / "v5.pt").net.named_parameters(),
        Verifier.load(tmp_path / "v6.pt").net.parameters(),
        strict=True,
    ):
        assert torch.allclose(a, b, atol=1e-6), name
    with pytest.raises(TrainingError, match="windows of their own"):
        train_verifier(replace(cfg, out=str(tmp_path / "v7.pt"), init=str(tmp_path / "v5.pt"), squeeze=3.0))
    with pytest.raises(TrainingError, match="windows of their own"):
        train_verifier(replace(cfg, out=str(tmp_path / "v7.pt"), init=str(tmp_path / "v5.pt"), context=3.0))
    # the command: a line per window, then the whole; a verifier of one window keeps its one line
    from agent.cli import main

    command = ["train-verifier", "--data", str(tiny_dataset), "--detector-weights", str(tiny_weights), "--quiet"]
    command += ["--epochs", "1", "--lr", "1e-9", "--val-screens", "3", "--cache-dir", str(tmp_path / "cache")]
    capsys.readouterr()
    assert main([*command, "--init", str(tmp_path / "v5.pt"), "--out", str(tmp_path / "v8.pt")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": best epoch 1: val loss ")[0] for line in lines[:2]] == [
        "window squeeze 1.0 (1 network(s))",
        "window squeeze 2.0 (1 network(s))",
    ]
    assert all(line.endswith(f"; verifier {tmp_path / 'v8.pt'}") for line in lines) and len(lines) == 3
    assert lines[2].startswith("2 of 2 windows trained in ")
    assert load_verifier(tmp_path / "v8.pt").spec == load_verifier(tmp_path / "v5.pt").spec
    assert main([*command, "--init", str(tmp_path / "v.pt"), "--out", str(tmp_path / "v9.pt")]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("best epoch 1: val loss ") and line.endswith(f"; verifier {tmp_path / 'v9.pt'}")
    # the config's tile geometry is what the candidates were mined with, and the manifest says so
    assert load_verifier(tmp_path / "v9.pt").manifest["train"]["inference"]["tile_shape"] == "strip"
    squares = tmp_path / "squares.yaml"
    squares.write_text("detector:\n  inference:\n    tile_shape: square\n")
    assert (
        main([*command, "--init", str(tmp_path / "v.pt"), "--out", str(tmp_path / "v10.pt"), "--config", str(squares)])
        == 0
    )
    assert load_verifier(tmp_path / "v10.pt").manifest["train"]["inference"]["tile_shape"] == "square"

    # relabelling a screen (a harvest reviewed by hand) makes another key: mined again, the old cache untouched
    copy = tmp_path / "relabelled"
    shutil.copytree(tiny_dataset, copy)  # the fixture is shared by other tests
    first = train_verifier(replace(cfg, data=(str(copy),), out=str(tmp_path / "v3.pt"), epochs=1), show_progress=False)
    assert first["mined"]  # another folder: its own key
    xml = next(x for x in (copy / "Annotations").glob("*.xml") if "<name>close</name>" in x.read_text())
    xml.write_text(xml.read_text().replace("<name>close</name>", "<name>skip</name>", 1))
    again = train_verifier(replace(cfg, data=(str(copy),), out=str(tmp_path / "v3.pt"), epochs=1), show_progress=False)
    assert again["mined"] and again["cache"] != first["cache"] and Path(first["cache"]).is_file()


def _pool_with_sound_icon(tmp_path: Path):
    """The machine's train pool plus one drawn speaker mask named like a mute icon (CI has no icon cache)."""
    from PIL import Image, ImageDraw

    from detector.synth.assets import Glyph, load_pool

    mask = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    d = ImageDraw.Draw(mask)
    d.polygon([(8, 24), (20, 24), (36, 10), (36, 54), (20, 40), (8, 40)], fill=(0, 0, 0, 255))
    d.line([(42, 24), (56, 40)], fill=(0, 0, 0, 255), width=5)
    d.line([(42, 40), (56, 24)], fill=(0, 0, 0, 255), width=5)
    mask.save(tmp_path / "volume-x.png")
    pool = load_pool("train")
    speaker = Glyph(str(tmp_path / "volume-x.png"), "", "negative", "bare", "test:volume-x")
    return replace(pool, glyphs=(*pool.glyphs, speaker)), replace(pool, glyphs=())


def test_keep_parent_holds_a_fine_tune_near_its_parent(tiny_dataset: Path, tiny_weights: Path, tmp_path: Path) -> None:
    """`--keep-parent W`: the same fast fine-tune with W = 0 and W = 20 from one parent; on the crops it trained on,
    the second's class probabilities stay nearer the parent's (KL divergence), and the term is 0 on the parent
    itself. Without an --init file there is no parent to keep: refused before any mining."""
    from detector.verifier_train import CropSet, parent_divergence

    cfg = _tiny_training(tiny_dataset, tiny_weights, tmp_path, epochs=2)
    res = train_verifier(cfg, show_progress=False)
    crops = torch.from_numpy(CropSet.load(Path(res["cache"])).crops)
    parent = Verifier.load(tmp_path / "v.pt").net.eval()

    def drift(keep: float) -> float:
        out = tmp_path / f"keep{keep:g}.pt"
        train_verifier(
            replace(cfg, out=str(out), init=str(tmp_path / "v.pt"), epochs=3, lr=3e-2, keep_parent=keep),
            show_progress=False,
        )
        with torch.no_grad():
            return float(parent_divergence(Verifier.load(out).net.eval()(crops), parent, crops))

    with torch.no_grad():
        assert float(parent_divergence(parent(crops), parent, crops)) == pytest.approx(0.0, abs=1e-6)
    free, kept = drift(0.0), drift(20.0)
    assert kept < 0.5 * free, (kept, free)
    with pytest.raises(TrainingError, match="--keep-parent .* needs an --init file"):
        train_verifier(replace(cfg, keep_parent=1.0, cache_dir=str(tmp_path / "none")), show_progress=False)
    assert not (tmp_path / "none").exists()  # refused before mining


def test_long_only_trains_on_the_crops_of_long_boxes(tiny_dataset: Path, tiny_weights: Path, tmp_path: Path, capsys):
    from detector.errors import DatasetError
    from detector.verifier_train import CropSet

    cfg = _tiny_training(tiny_dataset, tiny_weights, tmp_path, epochs=1)
    res = train_verifier(cfg, show_progress=False)
    mined = [CropSet.load(Path(res["cache"])), CropSet.load(Path(res["cache"].replace(".npz", "-val.npz")))]
    for c in mined:  # each crop keeps its box's aspect; the untrained SSD proposes square and 2:1 boxes
        assert len(c.aspect) == len(c) and c.aspect.min() >= 1.0
        assert 0 < (c.aspect >= 1.6).sum() < len(c)

    def crops(path: Path, manifest: dict | None = None) -> list[int]:
        m = manifest or load_verifier(path).manifest
        return [sum(m["crops"][split].values()) for split in ("train", "val")]

    long = train_verifier(replace(cfg, out=str(tmp_path / "long.pt"), long_only=1.6), show_progress=False)
    assert not long["mined"] and long["cache"] == res["cache"]  # a choice among the same cached crops
    assert crops(tmp_path / "long.pt") == [int((c.aspect >= 1.6).sum()) for c in mined]
    with pytest.raises(DatasetError, match="no crops of boxes at least 50:1 long"):
        train_verifier(replace(cfg, out=str(tmp_path / "x.pt"), long_only=50.0), show_progress=False)

    # fine-tuning a file whose squeezed window only scores long boxes trains that window on long boxes only
    sq = replace(cfg, init=str(tmp_path / "v.pt"), epochs=1, lr=1e-9)
    squeezed = train_verifier(replace(sq, out=str(tmp_path / "w.pt"), squeeze=2.0), show_progress=False)
    wide = [CropSet.load(Path(squeezed["cache"])), CropSet.load(Path(squeezed["cache"].replace(".npz", "-val.npz")))]
    merge_verifiers([tmp_path / "v.pt", tmp_path / "w.pt"], tmp_path / "vw.pt", long_from=1.6)
    train_verifier(replace(sq, out=str(tmp_path / "vw2.pt"), init=str(tmp_path / "vw.pt")), show_progress=False)
    square_window, squeezed_window = load_verifier(tmp_path / "vw2.pt").manifest["windows"]
    assert crops(Path(), square_window) == [len(c) for c in mined]
    assert crops(Path(), squeezed_window) == [int((c.aspect >= 1.6).sum()) for c in wide]
    # with no box that long among them (a few harvested screens), that window is kept as it was, and says so
    merge_verifiers([tmp_path / "v.pt", tmp_path / "w.pt"], tmp_path / "vw50.pt", long_from=50.0)
    kept = train_verifier(replace(sq, out=str(tmp_path / "vw3.pt"), init=str(tmp_path / "vw50.pt"), lr=1e-3))
    assert kept["parts"][1] == {
        "window": [2.0, 1.25, 2.0],
        "networks": 1,
        "kept": "no crops of boxes at least 50:1 long to train or validate on",
    }
    before, after = Verifier.load(tmp_path / "vw50.pt").parts, Verifier.load(tmp_path / "vw3.pt").parts
    assert all(torch.equal(a, b) for a, b in zip(before[1].net.parameters(), after[1].net.parameters(), strict=True))
    assert not all(
        torch.equal(a, b) for a, b in zip(before[0].net.parameters(), after[0].net.parameters(), strict=True)
    )
    assert load_verifier(tmp_path / "vw3.pt").manifest["windows"][1]["kept"].startswith("no crops")

    from agent.cli import main

    command = ["train-verifier", "--data", str(tiny_dataset), "--detector-weights", str(tiny_weights), "--quiet"]
    command += ["--epochs", "1", "--val-screens", "3", "--cache-dir", str(tmp_path / "cache")]
    capsys.readouterr()
    assert main([*command, "--init", str(tmp_path / "vw50.pt"), "--out", str(tmp_path / "vw4.pt")]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "window squeeze 2.0 (1 network(s)): kept as it was (no crops of boxes at least 50:1 long to train or "
        f"validate on); verifier {tmp_path / 'vw4.pt'}"
    )
    with pytest.raises(SystemExit) as e:  # argparse's check (agent.arguments.off_or_at_least)
        main([*command, "--out", str(tmp_path / "y.pt"), "--long-only", "0.5"])
    assert e.value.code == 2 and not (tmp_path / "y.pt").exists()
    assert "argument --long-only: must be 0 (off) or at least 1, got 0.5" in capsys.readouterr().err


def test_train_only_long_window_trains_the_squeezed_window_alone(
    tiny_dataset: Path, tiny_weights: Path, tmp_path: Path, capsys
) -> None:
    from agent.cli import main

    cfg = _tiny_training(tiny_dataset, tiny_weights, tmp_path, epochs=1)
    train_verifier(cfg, show_progress=False)
    sq = replace(cfg, init=str(tmp_path / "v.pt"), epochs=1, lr=1e-9)
    train_verifier(replace(sq, out=str(tmp_path / "w.pt"), squeeze=2.0), show_progress=False)
    merge_verifiers([tmp_path / "v.pt", tmp_path / "w.pt"], tmp_path / "vw.pt", long_from=1.6)

    def params(path: Path) -> list[list[torch.Tensor]]:
        return [[q.detach().clone() for q in part.net.state_dict().values()] for part in Verifier.load(path).parts]

    res = train_verifier(
        replace(cfg, init=str(tmp_path / "vw.pt"), out=str(tmp_path / "l.pt"), lr=1e-2, train_only="long-window")
    )
    assert res["parts"][0] == {"window": [1.0, 1.25, 2.0], "networks": 1, "kept": "--train-only long-window"}
    assert "kept" not in res["parts"][1] and res["parts"][1]["window"] == [2.0, 1.25, 2.0]
    (sq_before, long_before), (sq_after, long_after) = params(tmp_path / "vw.pt"), params(tmp_path / "l.pt")
    assert all(torch.equal(a, b) for a, b in zip(sq_before, sq_after, strict=True))  # bit for bit, batch norm too
    assert not all(torch.equal(a, b) for a, b in zip(long_before, long_after, strict=True))
    written = load_verifier(tmp_path / "l.pt")
    assert written.spec == load_verifier(tmp_path / "vw.pt").spec and written.manifest["train"]["train_only"] == (
        "long-window"
    )
    # the squeezed window saw the long boxes only, as with --long-only
    from detector.verifier_train import CropSet

    cache = res["parts"][1]["cache"]
    wide = [CropSet.load(Path(cache)), CropSet.load(Path(cache.replace(".npz", "-val.npz")))]
    seen = written.manifest["windows"][1]["crops"]
    assert [sum(seen[split].values()) for split in ("train", "val")] == [int((c.aspect >= 1.6).sum()) for c in wide]
    assert 0 < sum(seen["train"].values()) < len(wide[0])

    with pytest.raises(TrainingError, match="--train-only long-window trains the squeezed window .* has one window"):
        train_verifier(replace(sq, out=str(tmp_path / "x.pt"), train_only="long-window"), show_progress=False)
    with pytest.raises(TrainingError, match="no --init file"):
        train_verifier(replace(cfg, out=str(tmp_path / "x.pt"), train_only="long-window"), show_progress=False)
    with pytest.raises(TrainingError, match="train_only 'wide-anchors': must be one of all, long-window"):
        train_verifier(replace(sq, out=str(tmp_path / "x.pt"), train_only="wide-anchors"), show_progress=False)
    assert not (tmp_path / "x.pt").exists()

    command = ["train-verifier", "--data", str(tiny_dataset), "--detector-weights", str(tiny_weights), "--quiet"]
    command += ["--epochs", "1", "--val-screens", "3", "--cache-dir", str(tmp_path / "cache")]
    capsys.readouterr()
    out = str(tmp_path / "l2.pt")
    assert main([*command, "--init", str(tmp_path / "vw.pt"), "--out", out, "--train-only", "long-window"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"window squeeze 1.0 (1 network(s)): kept as it was (--train-only long-window); verifier {out}"
    assert lines[1].startswith("window squeeze 2.0 (1 network(s)): best epoch 1")
    assert lines[2].startswith("1 of 2 windows trained in ")


def test_plate_matched_pairs_are_a_mute_button_and_a_close_off_the_true_buttons(
    tiny_dataset: Path, tmp_path: Path
) -> None:
    from detector.data import load_items
    from detector.errors import DatasetError
    from detector.verifier_train import pasted_pairs

    pool, no_icons = _pool_with_sound_icon(tmp_path)
    items = load_items([tiny_dataset], "train")[:4]
    pairs = pasted_pairs(items, pool, VerifierSpec(), 2, 0, "pairs", show_progress=False)
    # per screen up to 2 pairs, each button cropped exactly and once jittered: as many mute crops as close crops
    assert len(pairs) % 4 == 0 and 0 < len(pairs) <= 4 * 2 * 4
    assert pairs.counts() == {"none": len(pairs) // 2, "close": len(pairs) // 2, "skip": 0}
    assert pairs.crops.shape[1:] == (64, 64, 3) and set(pairs.source) == {4}
    # the same seed draws the same pairs; the crops differ between a mute button and the close beside it
    again = pasted_pairs(items, pool, VerifierSpec(), 2, 0, "pairs", show_progress=False)
    assert np.array_equal(pairs.crops, again.crops)
    assert not np.array_equal(pairs.crops[0], pairs.crops[2])
    # the validation report counts the pasted mute buttons that still pass and the pasted closes found
    from detector.verifier_train import evaluate_crops

    report = evaluate_crops(VerifierNet(VerifierSpec()), pairs)
    assert 0.0 <= report["mute_passed"] <= 1.0 and 0.0 <= report["pair_close_recall"] <= 1.0
    with pytest.raises(DatasetError, match="--icons"):
        pasted_pairs(items, no_icons, VerifierSpec(), 1, 0, "pairs", show_progress=False)


def test_detect_in_the_plans_own_tiles_proposes_what_detect_does(tiny_weights: Path) -> None:
    from detector.tiling import Tile
    from detector.zoom import ZoomConfig

    det = Detector.load(tiny_weights, InferenceConfig(min_score=0.2, zoom=ZoomConfig(enabled=False)))
    img = np.random.default_rng(0).integers(0, 256, (1200, 540, 3), dtype=np.uint8)
    full = det.detect(img).detections
    assert full  # the untrained network proposes plenty
    assert det.detect_in(img, det.plan(540, 1200)) == full
    assert det.detect_in(img, []) == []
    # one square: only boxes inside it
    sq = Tile.square_around(100, 1100, det.plan(540, 1200)[0].w, 540, 1200)
    part = det.detect_in(img, [sq])
    assert part and all(sq.box.contains(*d.box.center) and sq.box.iou(d.box) > 0 for d in part)


def test_candidates_on_each_pasted_negative_are_the_ssds_best_centred_on_it(
    tiny_dataset: Path, tiny_weights: Path, tmp_path: Path
) -> None:
    from detector.data import load_items
    from detector.tiling import Tile
    from detector.verifier_train import PAIR, PAIR_CANDIDATE, candidates_on, pasted_pairs
    from detector.zoom import ZoomConfig

    # squares: an untrained network scores thousands of boxes a tile just over min_score, and at the strips' scale
    # the per-frame caps (max_candidates, max_detections) keep other boxes in a batch of two tiles than in each alone
    det = Detector.load(
        tiny_weights, InferenceConfig(tile_shape="square", min_score=0.2, zoom=ZoomConfig(enabled=False))
    )
    img = np.random.default_rng(1).integers(0, 256, (1200, 540, 3), dtype=np.uint8)
    mutes = [Box(40, 60, 100, 120), Box(400, 900, 430, 930)]
    got = candidates_on(det, img, mutes, 2)
    side = 360  # the plan's tile on a 540x1200 screen: a square of 360 (a strip of 540x360)
    for m, boxes in zip(mutes, got, strict=True):  # per mute: the 2 best close/skip boxes centred on it
        seen = det.detect_in(img, [Tile.square_around(*m.center, side, 540, 1200)])
        best = sorted((d for d in seen if d.label != "ja_char" and m.contains(*d.box.center)), key=lambda d: -d.score)
        assert boxes == [d.box for d in best[:2]] and len(boxes) == 2
    # with strips (the default) the squares looked at are as large: the strip's shorter side, not its width
    strips = Detector.load(tiny_weights, InferenceConfig(min_score=0.2, zoom=ZoomConfig(enabled=False)))
    looked_at: list[list[Tile]] = []
    strips.detect_in = lambda image, tiles: looked_at.append(tiles) or []  # type: ignore[method-assign]
    assert candidates_on(strips, img, mutes, 2) == [[], []]
    assert looked_at == [[Tile.square_around(*m.center, side, 540, 1200) for m in mutes]]
    assert candidates_on(det, img, [], 2) == []
    # in the pairs: each screen's mute candidates follow its pairs, all of them "none"
    pool, _ = _pool_with_sound_icon(tmp_path)
    items = load_items([tiny_dataset], "train")[:3]
    plain = pasted_pairs(items, pool, VerifierSpec(), 1, 0, "pairs", show_progress=False)
    looked = pasted_pairs(items, pool, VerifierSpec(), 1, 0, "pairs", show_progress=False, detector=det, per_mute=2)
    found = looked.source == PAIR_CANDIDATE
    assert 0 < found.sum() <= 2 * 3 and set(looked.labels[found]) == {NONE}
    assert np.array_equal(looked.crops[looked.source == PAIR], plain.crops)  # the same pairs, drawn alike


def test_pills_are_a_close_a_skip_and_a_word_pill_and_the_ssds_candidates_on_the_word_pill(
    tiny_dataset: Path, tiny_weights: Path, tmp_path: Path
) -> None:
    from detector.data import load_items
    from detector.synth.assets import load_pool
    from detector.verifier_train import PAIR, PAIR_CANDIDATE, PILL, PILL_CANDIDATE, evaluate_crops, pasted_pairs
    from detector.zoom import ZoomConfig

    pool = replace(load_pool("train"), glyphs=())  # pills need no icon cache (CI has none)
    items = load_items([tiny_dataset], "train")[:4]
    pills = pasted_pairs(items, pool, VerifierSpec(), 0, 0, "pills", show_progress=False, pills=1)
    # per screen up to one group, each pill cropped exactly and once jittered: a word, a close and a skip pill each
    assert len(pills) % 6 == 0 and 0 < len(pills) <= 4 * 6 and set(pills.source) == {PILL}
    third = len(pills) // 3
    assert pills.counts() == {"none": third, "close": third, "skip": third}
    assert len(pills.aspect) == len(pills) and pills.aspect.min() > 1.5  # pills are long (their aspect is kept)
    report = evaluate_crops(VerifierNet(VerifierSpec()), pills)
    for key in ("word_pill_passed", "pill_close_recall", "pill_skip_recall"):
        assert 0.0 <= report[key] <= 1.0
    assert "mute_passed" not in report
    # with the SSD: its best candidates centred on each word pill, all "none", beside the same pills
    det = Detector.load(tiny_weights, InferenceConfig(min_score=0.2, zoom=ZoomConfig(enabled=False)))
    looked = pasted_pairs(
        items, pool, VerifierSpec(), 0, 0, "pills", show_progress=False, detector=det, per_mute=2, pills=1
    )
    found = looked.source == PILL_CANDIDATE
    assert 0 < found.sum() <= 2 * 4 and set(looked.labels[found]) == {NONE}
    assert np.array_equal(looked.crops[looked.source == PILL], pills.crops)
    assert evaluate_crops(VerifierNet(VerifierSpec()), looked)["word_pill_candidates"] == found.sum()
    # mute buttons and pills on the same screens: the SSD's candidates keep apart by what they sit on
    sound_pool, _ = _pool_with_sound_icon(tmp_path)
    both = pasted_pairs(
        items, sound_pool, VerifierSpec(), 1, 0, "both", show_progress=False, detector=det, per_mute=2, pills=1
    )
    assert {PAIR, PILL, PAIR_CANDIDATE, PILL_CANDIDATE} <= set(both.source)
    assert set(both.labels[(both.source == PAIR_CANDIDATE) | (both.source == PILL_CANDIDATE)]) == {NONE}


def test_counts_are_a_count_and_its_lone_sign_and_the_ssds_candidates_on_the_count(
    tiny_dataset: Path, tiny_weights: Path
) -> None:
    import random

    from detector.data import load_items
    from detector.synth.assets import load_pool
    from detector.verifier_train import COUNT, COUNT_CANDIDATE, draw_count, evaluate_crops, pasted_pairs
    from detector.zoom import ZoomConfig

    pool = replace(load_pool("train"), glyphs=())  # counts need no icon cache (CI has none)
    rng = random.Random(3)
    for _ in range(20):  # one font, size and colour: the sign alone is as tall, narrower, and inked alike
        count, sign = draw_count(rng, pool, 60)
        assert count.image.height == sign.image.height and count.image.width > sign.image.width
        assert not count.boxes and not sign.boxes  # no ja_char labels: what is cropped is what they are
        ink = [np.asarray(s.image)[..., :3][np.asarray(s.image)[..., 3] == 255] for s in (count, sign)]
        assert all(len(i) for i in ink) and np.array_equal(np.unique(ink[1], axis=0)[0], np.unique(ink[0], axis=0)[0])
    items = load_items([tiny_dataset], "train")[:4]
    counts = pasted_pairs(items, pool, VerifierSpec(), 0, 0, "counts", show_progress=False, counts=2)
    # per screen up to two groups, each cropped exactly and once jittered: as many counts (none) as signs (close)
    assert len(counts) % 4 == 0 and 0 < len(counts) <= 4 * 2 * 4 and set(counts.source) == {COUNT}
    assert counts.counts() == {"none": len(counts) // 2, "close": len(counts) // 2, "skip": 0}
    report = evaluate_crops(VerifierNet(VerifierSpec()), counts)
    assert 0.0 <= report["count_passed"] <= 1.0 and 0.0 <= report["count_sign_recall"] <= 1.0
    assert "mute_passed" not in report and "word_pill_passed" not in report
    # with the SSD: its best candidates centred on each count, all "none", beside the same counts
    det = Detector.load(
        tiny_weights, InferenceConfig(tile_shape="square", min_score=0.2, zoom=ZoomConfig(enabled=False))
    )
    looked = pasted_pairs(
        items, pool, VerifierSpec(), 0, 0, "counts", show_progress=False, detector=det, per_mute=2, counts=2
    )
    found = looked.source == COUNT_CANDIDATE
    assert 0 < found.sum() <= 2 * 2 * 4 and set(looked.labels[found]) == {NONE}
    assert np.array_equal(looked.crops[looked.source == COUNT], counts.crops)
    assert evaluate_crops(VerifierNet(VerifierSpec()), looked)["count_candidates"] == found.sum()


def test_pair_candidates_without_pairs_is_refused_before_any_work(tmp_path: Path, capsys) -> None:
    from agent.cli import main

    out = tmp_path / "v.pt"
    assert main(["train-verifier", "--data", str(tmp_path), "--out", str(out), "--pair-candidates"]) == 2
    assert "--pairs" in capsys.readouterr().err and not out.exists()
    for flag in ("--squeeze", "--context", "--long-context"):
        with pytest.raises(SystemExit) as e:
            main(["train-verifier", "--data", str(tmp_path), "--out", str(out), flag, "0.5"])
        assert e.value.code == 2 and not out.exists()
        assert f"argument {flag}: must be at least 1, got 0.5" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["train-verifier", "--data", str(tmp_path), "--out", str(out), "--input-size", "16"])
    assert e.value.code == 2 and not out.exists()
    assert "argument --input-size: must be 32 or more, got 16" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["train-verifier", "--data", str(tmp_path), "--out", str(out), "--long-only", "0.5"])
    assert e.value.code == 2 and not out.exists()
    assert "argument --long-only: must be 0 (off) or at least 1, got 0.5" in capsys.readouterr().err


def test_training_with_pair_candidates_reads_the_cache_and_reports_them(
    tiny_dataset: Path, tiny_weights: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    import detector.verifier_train as vt

    pool, _ = _pool_with_sound_icon(tmp_path)
    monkeypatch.setattr(vt, "load_pool", lambda split, icons: pool)  # the icon cache, as `closebot icons` makes it
    cfg = _tiny_training(tiny_dataset, tiny_weights, tmp_path, epochs=1)
    plain = train_verifier(replace(cfg, pairs_per_screen=1), show_progress=False)
    looked = train_verifier(replace(cfg, pairs_per_screen=1, pair_candidates=True), show_progress=False)
    assert not looked["mined"] and looked["cache"] == plain["cache"]  # the SSD on the pairs is outside the cache key
    val = looked["history"][0]
    assert "mute_candidates" not in plain["history"][0] and val["mute_candidates"] > 0
    assert 0.0 <= val["mute_candidates_passed"] <= 1.0
    # pairs are square: a run on long boxes only pastes none (nothing of them would be left) and says so
    monkeypatch.setattr(vt, "pasted_pairs", lambda *a, **k: pytest.fail("pairs pasted for a long-only run"))
    with caplog.at_level("INFO", logger="detector.verifier_train"):
        long = train_verifier(replace(cfg, pairs_per_screen=1, long_only=1.6, out=str(tmp_path / "l.pt")), False)
    assert not long["mined"]
    said = [r.getMessage() for r in caplog.records]
    assert "no mute/close pairs pasted: they are square, and boxes from 1.6:1 only are trained on" in said
    m = load_verifier(tmp_path / "l.pt").manifest
    assert m["detector"] == {"file": tiny_weights.name, "sha256": sha256_of(tiny_weights)} and m["parent"] is None


def test_mining_looks_at_each_screen_once_across_repeats_and_windows(
    tiny_dataset: Path, tiny_weights: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from detector.data import load_items
    from detector.verifier_train import Miner, mine

    cfg = _tiny_training(tiny_dataset, tiny_weights, tmp_path, epochs=1)
    items = load_items([tiny_dataset], "train")[:4]
    looked, loaded = [], []
    detect, load = Detector.detect, Detector.load
    monkeypatch.setattr(Detector, "detect", lambda self, img, *a, **k: looked.append(1) or detect(self, img, *a, **k))
    monkeypatch.setattr(Detector, "load", lambda *a, **k: loaded.append(1) or load(*a, **k))
    wide = replace(cfg.spec, squeeze=2.0, long_context=1.5)
    miner = Miner(cfg)
    assert not loaded  # a run whose crops all come from the cache never loads the SSD
    first = mine(miner, items + items[:2], cfg.spec, cfg, 0, "", False)  # two screens listed twice (harvested)
    assert len(looked) == 4 and len(loaded) == 1
    second = mine(miner, items, wide, cfg, 0, "", False)  # another window, the same screens: no new look
    assert len(looked) == 4 and miner.detector is miner.detector and len(loaded) == 1
    # exactly what a mining of its own gives
    fresh = mine(Miner(cfg), items, wide, cfg, 0, "", False)
    assert len(looked) == 8 and len(loaded) == 2
    assert np.array_equal(second.crops, fresh.crops) and np.array_equal(second.labels, fresh.labels)
    assert np.array_equal(second.aspect, fresh.aspect) and len(first) > len(second)
