"""Pure geometry: which square tiles cover a screen, and how detections from overlapping tiles merge.

A tile is a square of the screen in native pixels; the engine resizes it to the model's input size. Tile side and
overlap are given for a 1080-px short side and scale with the screen, so a button has the same size in model
pixels on 720x1600, 1080x2400 and 1440x3120 screens. Neighbouring tiles overlap by at least ``min_overlap`` (the
largest target), so every target lies whole in some tile.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from detector.types import Box, Detection

REFERENCE_SHORT_SIDE = 1080


@dataclass(frozen=True, slots=True)
class Tile:
    x: int
    y: int
    size: int

    @property
    def box(self) -> Box:
        return Box(self.x, self.y, self.x + self.size, self.y + self.size)


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


def plan_tiles(
    width: int, height: int, tile_size: int = 480, min_overlap: int = 160, scale_with_screen: bool = True
) -> list[Tile]:
    """Tiles covering the whole ``width`` x ``height`` screen, row by row."""
    if width <= 0 or height <= 0:
        raise ValueError(f"screen size must be positive, got {width}x{height}")
    side, overlap = (
        scaled_tile(width, height, tile_size, min_overlap) if scale_with_screen else (tile_size, min_overlap)
    )
    return [
        Tile(x, y, side) for y in axis_positions(height, side, overlap) for x in axis_positions(width, side, overlap)
    ]


def _containment(inner: Box, outer: Box) -> float:
    ix = max(0.0, min(inner.x2, outer.x2) - max(inner.x1, outer.x1))
    iy = max(0.0, min(inner.y2, outer.y2) - max(inner.y1, outer.y1))
    return ix * iy / inner.area if inner.area > 0 else 0.0


def merge_detections(dets: list[Detection], iou_threshold: float = 0.5, containment: float = 0.7) -> list[Detection]:
    """Class-wise greedy NMS over detections from all tiles, best score first. A box is also dropped when
    ``containment`` of it lies inside a kept box of the same class (the cut-off half of a button seen by the tile
    next door). Returns the kept detections sorted by descending score."""
    kept: list[Detection] = []
    for d in sorted(dets, key=lambda d: -d.score):
        if any(
            k.label == d.label and (k.box.iou(d.box) > iou_threshold or _containment(d.box, k.box) >= containment)
            for k in kept
        ):
            continue
        kept.append(d)
    return kept
