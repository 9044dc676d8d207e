"""The speaker check: is a close candidate the x of a muted speaker?

A mute button's icon (a speaker with an x beside it) puts an x on many video ads, and that x is a confident close to
the SSD, to the verifier and to the closer looks: it was the browser sets' most frequent false tap (the x of 7 of
the 15 wrong taps on six browser sets), and as a close candidate of 0.3 or more it held the real skip back under
policy rule 5 on 7 browser screens. The verifier cannot tell: its window, twice the box, shows the x and hardly any
of the speaker. This check looks wider: a window of ``ACROSS`` x ``ALONG`` box sides around the candidate (the
speaker beside the x, a plate or a word beside a close), resized to ``WINDOW`` pixels, through a small network
trained from scratch to say "the x of a muted speaker" (:mod:`detector.speaker_train`).

After every other look, each close detection of a frame scoring ``min_score`` or more is shown to it, and those it
gives ``level`` or more are dropped: such a mark is neither tapped nor a close candidate holding a skip back. On the
ten judging sets (docs/experiments.md, "The speaker check") 5 false taps fewer for as many screens tapped right; on
eight sets no choice was made on, 10 fewer and 6 more right.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import torch
from torch import Tensor, nn

from detector.errors import WeightsError
from detector.types import Box, Detection
from detector.weights import read_checked, write_checked

log = logging.getLogger(__name__)
FORMAT = "closebot-speaker/1"
WINDOW = (120, 48)  # (width, height) of the network's input
ACROSS, ALONG = 6.0, 2.4  # the window's width and height in box sides (the box's longer side)


@dataclass(frozen=True)
class SpeakerConfig:
    """How the check is applied (``config.yaml`` ``detector.speaker``, beside its file): the least probability at
    which a close is taken for a muted speaker's x and dropped, and the least score of a close shown to it."""

    level: float = 0.999
    min_score: float = 0.3  # policy rule 5's close_blocks_skip: weaker closes neither tap nor hold a skip back


def window(image: np.ndarray, box: Box) -> np.ndarray:
    """The check's input for ``box`` on ``image`` (H, W, 3 uint8): ``ACROSS`` x ``ALONG`` of the box's longer side
    around its centre, resized to ``WINDOW`` (an area average when shrinking), grey (114) past the image's edges."""
    s = max(box.width, box.height, 4.0)
    cx, cy = box.center
    ww, wh = ACROSS * s, ALONG * s
    src = np.float32([[cx - ww / 2, cy - wh / 2], [cx + ww / 2, cy - wh / 2], [cx - ww / 2, cy + wh / 2]])
    dst = np.float32([[0, 0], [WINDOW[0], 0], [0, WINDOW[1]]])
    interp = cv2.INTER_AREA if ww > WINDOW[0] else cv2.INTER_LINEAR
    return cv2.warpAffine(
        image,
        cv2.getAffineTransform(src, dst),
        WINDOW,
        flags=interp,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(114, 114, 114),
    )


def _block(cin: int, cout: int, stride: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class SpeakerNet(nn.Module):
    """(N, 48, 120, 3) uint8 windows -> (N,) logits of "the x of a muted speaker". Eight 3x3 convolutions down to a
    3 x 8 map and one linear layer over all of it: where the ink lies (a speaker left of the x) is the point, so
    nothing is pooled away. About 12 M multiply-adds a window."""

    def __init__(self) -> None:
        super().__init__()
        widths = (16, 32, 64, 96)
        layers, cin = [], 3
        for w in widths:
            layers += [_block(cin, w, 2), _block(w, w, 1)]
            cin = w
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(widths[-1] * -(-WINDOW[1] // 16) * -(-WINDOW[0] // 16), 1)  # a 3 x 8 map
        self.register_buffer("mean", torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1) * 255, persistent=False)
        self.register_buffer("std", torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1) * 255, persistent=False)

    def forward(self, windows: Tensor) -> Tensor:
        x = (windows.permute(0, 3, 1, 2).float() - self.mean) / self.std
        return self.head(self.features(x).flatten(1)).squeeze(1)


def save_speaker(path: Path, net: SpeakerNet, manifest: dict[str, Any]) -> None:
    spec = {"window": list(WINDOW), "across": ACROSS, "along": ALONG}
    write_checked(path, FORMAT, spec, net.state_dict(), {**manifest, "format": FORMAT, "spec": spec})


class SpeakerCheck:
    """A loaded check: :meth:`probabilities` of boxes, :meth:`apply` to a frame's detections."""

    def __init__(self, net: SpeakerNet, cfg: SpeakerConfig, source: str = "<memory>", manifest: dict | None = None):
        self.net = net.eval()
        self.cfg = cfg
        self.source = source
        self.manifest = manifest or {}

    @classmethod
    def load(cls, path: Path | str, cfg: SpeakerConfig | None = None) -> SpeakerCheck:
        """The check in ``path``; every way the file can be wrong is a WeightsError naming it (never runs code)."""
        payload, manifest = read_checked(Path(path), FORMAT, "speaker check")
        spec = payload["spec"]
        if not isinstance(spec, dict) or tuple(spec.get("window", ())) != WINDOW or spec.get("across") != ACROSS:
            raise WeightsError(f"{path}: a speaker check of window {spec}, this closebot's is {WINDOW}, {ACROSS}")
        net = SpeakerNet()
        try:
            net.load_state_dict(payload["state_dict"], strict=True)
        except RuntimeError as e:
            raise WeightsError(f"{path}: tensors do not fit the speaker check's network: {e}") from e
        return cls(net, cfg or SpeakerConfig(), str(path), manifest)

    @torch.inference_mode()
    def probabilities(self, image: np.ndarray, boxes: list[Box]) -> np.ndarray:
        """(N,) probability that each of ``boxes`` on ``image`` is the x of a muted speaker."""
        if not boxes:
            return np.zeros(0, np.float32)
        windows = torch.from_numpy(np.stack([window(image, b) for b in boxes]))
        return torch.sigmoid(self.net(windows)).numpy()

    def apply(self, image: np.ndarray, dets: list[Detection]) -> list[Detection]:
        """``dets`` without the closes scoring ``min_score`` or more that the check takes for a muted speaker's x
        (probability ``level`` or more); ``dets`` itself when there is none."""
        shown = [d for d in dets if d.label == "close" and d.score >= self.cfg.min_score]
        if not shown:
            return dets
        p = self.probabilities(image, [d.box for d in shown])
        gone = {id(d) for d, v in zip(shown, p, strict=True) if v >= self.cfg.level}
        if gone:
            log.debug("speaker check: %d close(s) taken for a muted speaker's x", len(gone))
        return [d for d in dets if id(d) not in gone] if gone else dets
