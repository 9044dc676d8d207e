"""Typed values that cross the detector's boundary. Policies and the agent never see tensors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Label = Literal["close", "skip", "ja_char"]
# Index 0 is the SSD background class; the model's label i maps to CLASSES[i - 1].
CLASSES: tuple[Label, ...] = ("close", "skip", "ja_char")
# Training precisions (`closebot train --precision`): bf16 runs the forward pass and loss under bfloat16 autocast.
PRECISIONS: tuple[str, ...] = ("fp32", "bf16")
# What a fine-tune may change (`closebot train --train-only`, detector.model.ClosebotSSD.train_only).
TRAIN_PARTS: tuple[str, ...] = ("all", "wide-anchors", "heads")
# what `closebot train` cuts from a screen (detector.data.CropPolicy.shape)
CROP_SHAPES: tuple[str, ...] = ("square", "strip")
# What `closebot train-verifier --train-only` trains of an --init file of several windows (detector.verifier_train).
VERIFIER_TRAIN_PARTS: tuple[str, ...] = ("all", "long-window")


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned box in pixels, x2/y2 exclusive-ish floats as the model predicts them."""

    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def width(self) -> float:
        return max(0.0, self.x2 - self.x1)

    @property
    def height(self) -> float:
        return max(0.0, self.y2 - self.y1)

    @property
    def area(self) -> float:
        return self.width * self.height

    @property
    def aspect(self) -> float:
        """The longer side over the shorter one: 1 for a square, 3 for a 3:1 pill either way round."""
        return max(self.width, self.height) / max(1e-6, min(self.width, self.height))

    @property
    def center(self) -> tuple[float, float]:
        return ((self.x1 + self.x2) / 2.0, (self.y1 + self.y2) / 2.0)

    def iou(self, other: Box) -> float:
        ix = max(0.0, min(self.x2, other.x2) - max(self.x1, other.x1))
        iy = max(0.0, min(self.y2, other.y2) - max(self.y1, other.y1))
        inter = ix * iy
        union = self.area + other.area - inter
        return inter / union if union > 0 else 0.0

    def mirrored(self, width: float) -> Box:
        """This box on its ``width``-px-wide screen mirrored left to right."""
        return Box(width - self.x2, self.y1, width - self.x1, self.y2)

    def contains(self, x: float, y: float) -> bool:
        return self.x1 <= x <= self.x2 and self.y1 <= y <= self.y2

    def as_list(self, ndigits: int = 1) -> list[float]:
        return [round(self.x1, ndigits), round(self.y1, ndigits), round(self.x2, ndigits), round(self.y2, ndigits)]


@dataclass(frozen=True, slots=True)
class Detection:
    """One detected object in screen pixels."""

    box: Box
    label: Label
    score: float


@dataclass(frozen=True, slots=True)
class GroundTruth:
    """One annotated object (from a VOC file), with the generator's style tag when it wrote one."""

    box: Box
    label: Label
    style: str = ""
