"""Pure geometry: which tiles cover a screen, and how detections from overlapping tiles merge.

A tile is a rectangle of the screen in native pixels; the engine resizes it at (a strip: near) the network's
training scale (``detector.engine.Detector.geometry``). Two shapes (``detector.inference.tile_shape``):

* ``strip`` (the default): tiles span the screen's short side whole and are ``tile_size`` long along the long side
  (a 1080x2400 portrait screen: 4 strips of 1080x720). No overlap across the short side, so a quarter fewer pixels
  go through the network than as squares.
* ``square``: ``tile_size`` squares in a grid (1080x2400: 8 tiles of 720).

Tile side and overlap are given for a 1080-px short side and scale with the screen, so a button has the same size in
model pixels on 720x1600, 1080x2400 and 1440x3120 screens. Neighbouring tiles overlap by at least ``min_overlap``
(the largest target), so every target lies whole in some tile.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from detector.types import Box, Detection

REFERENCE_SHORT_SIDE = 1080
# Native side of a training tile at the reference short side (resized to the model's input size, 288 -> scale 0.6).
TRAINING_TILE = 480
TileShape = Literal["square", "strip"]


@dataclass(frozen=True, slots=True)
class Tile:
    """A ``w`` x ``h`` rectangle of the screen at (``x``, ``y``), native pixels."""

    x: int
    y: int
    w: int
    h: int

    @classmethod
    def square(cls, x: int, y: int, side: int) -> Tile:
        return cls(x, y, side, side)

    @classmethod
    def square_around(cls, cx: float, cy: float, side: int, width: int, height: int) -> Tile:
        """The square of ``side`` px centred on (``cx``, ``cy``), moved (not clipped) to lie inside the ``width`` x
        ``height`` screen, so a point near an edge is seen at the same scale as one in the middle; never larger than
        the screen's short side."""
        side = min(side, width, height)
        x = min(max(0, round(cx - side / 2)), width - side)
        y = min(max(0, round(cy - side / 2)), height - side)
        return cls.square(x, y, side)

    @property
    def box(self) -> Box:
        return Box(self.x, self.y, self.x + self.w, self.y + self.h)


def axis_positions(length: int, tile: int, min_overlap: int) -> list[int]:
    """Evenly spread tile origins along one axis: first at 0, last flush with the end, overlaps >= min_overlap."""
    if length <= tile:
        return [0]
    if min_overlap >= tile:
        raise ValueError(f"min_overlap ({min_overlap}) must be smaller than the tile ({tile})")
    n = math.ceil((length - min_overlap) / (tile - min_overlap))
    n = max(n, 2)
    return [round(i * (length - tile) / (n - 1)) for i in range(n)]


def scaled_tile(width: int, height: int, tile_size: int, min_overlap: int) -> tuple[int, int]:
    """(tile side, overlap) in this screen's pixels, from values given for a 1080-px short side."""
    k = min(width, height) / REFERENCE_SHORT_SIDE
    return max(32, round(tile_size * k)), round(min_overlap * k)


def strip_across(short: int, scale: float, cell: int) -> int:
    """Model pixels across a strip spanning a screen's ``short`` side at ``scale`` model pixels per screen pixel,
    raised to whole cells of ``cell`` pixels (the coarsest map's): 1080 px at 0.6 is 648 -> 672. The engine cuts its
    strips so (``Detector.geometry``) and ``closebot train --crop-shape strip`` its training strips."""
    # (the 1e-9: 648.0000001 px, float error of 1080 x 0.6, is 21 cells, not 22)
    return max(cell, math.ceil(short * scale / cell - 1e-9) * cell)


def plan_tiles(
    width: int,
    height: int,
    tile_size: int,
    min_overlap: int,
    scale_with_screen: bool = True,
    shape: TileShape = "square",
) -> list[Tile]:
    """Tiles covering the whole ``width`` x ``height`` screen, row by row (the defaults are the config's:
    ``detector.inference``). Every tile of one plan has the same size; a strip never extends past the screen, a
    square on a screen smaller than itself does (the engine pads it grey)."""
    if width <= 0 or height <= 0:
        raise ValueError(f"screen size must be positive, got {width}x{height}")
    if shape not in ("strip", "square"):
        raise ValueError(f"unknown tile shape {shape!r}; expected 'strip' or 'square'")
    side, overlap = (
        scaled_tile(width, height, tile_size, min_overlap) if scale_with_screen else (tile_size, min_overlap)
    )
    if shape == "strip":
        if width <= height:  # portrait: full-width strips down the screen
            h = min(side, height)
            return [Tile(0, y, width, h) for y in axis_positions(height, h, overlap)]
        w = min(side, width)  # landscape: full-height strips across it
        return [Tile(x, 0, w, height) for x in axis_positions(width, w, overlap)]
    return [
        Tile.square(x, y, side)
        for y in axis_positions(height, side, overlap)
        for x in axis_positions(width, side, overlap)
    ]


def merge_detections(dets: list[Detection], iou_threshold: float = 0.5, containment: float = 0.7) -> list[Detection]:
    """Class-wise greedy NMS over detections from all tiles, best score first. A box is also dropped when
    ``containment`` of it lies inside a kept box of the same class (the cut-off half of a button seen by the tile
    next door). Returns the kept detections sorted by descending score (ties keep their input order).

    Vectorised: the pairwise IoU and containment of all boxes are computed at once (a text screen brings ~250
    boxes; the pairwise loop in Python cost ~17 ms a frame)."""
    if not dets:
        return []
    order = sorted(range(len(dets)), key=lambda i: -dets[i].score)
    b = np.array([[dets[i].box.x1, dets[i].box.y1, dets[i].box.x2, dets[i].box.y2] for i in order], dtype=np.float64)
    labels = np.array([dets[i].label for i in order])
    area = np.maximum(0.0, b[:, 2] - b[:, 0]) * np.maximum(0.0, b[:, 3] - b[:, 1])
    iw = np.maximum(0.0, np.minimum(b[:, None, 2], b[None, :, 2]) - np.maximum(b[:, None, 0], b[None, :, 0]))
    ih = np.maximum(0.0, np.minimum(b[:, None, 3], b[None, :, 3]) - np.maximum(b[:, None, 1], b[None, :, 1]))
    inter = iw * ih
    union = area[:, None] + area[None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = np.where(union > 0, inter / union, 0.0)
        inside = np.where(area[None, :] > 0, inter / area[None, :], 0.0)  # [k, d]: share of d inside k
    # suppress[k, d]: kept box k removes the lower-ranked box d
    suppress = (labels[:, None] == labels[None, :]) & ((iou > iou_threshold) | (inside >= containment))
    removed = np.zeros(len(order), dtype=bool)
    kept: list[Detection] = []
    for rank, i in enumerate(order):
        if removed[rank]:
            continue
        kept.append(dets[i])
        removed[rank + 1 :] |= suppress[rank, rank + 1 :]
    return kept
