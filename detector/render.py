"""Pictures for people: a screen with its detections, labels, scores and the tap point; a sheet of wrong taps."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from detector.tiling import Tile
from detector.types import Detection, GroundTruth
from policies.decide import TapDecision

COLORS = {"close": (230, 40, 40), "skip": (40, 180, 40), "ja_char": (60, 120, 255)}  # RGB
TAP_RGB = (255, 230, 0)  # the tap point, outlined in black
TARGET_RGB = (0, 190, 0)  # a labelled close/skip on a failure sheet


def annotate(image: np.ndarray, detections: list[Detection], tap: TapDecision | None) -> np.ndarray:
    """A copy of the RGB ``image`` with boxes (ja_char thin), ``label score`` captions and a crosshair at the tap."""
    out = image.copy()
    scale = max(1.0, min(out.shape[:2]) / 1080)
    for d in sorted(detections, key=lambda d: d.label != "ja_char"):
        color = COLORS.get(d.label, (255, 255, 0))
        x1, y1, x2, y2 = (int(round(v)) for v in (d.box.x1, d.box.y1, d.box.x2, d.box.y2))
        thick = 1 if d.label == "ja_char" else max(2, int(3 * scale))
        cv2.rectangle(out, (x1, y1), (x2, y2), color, thick, cv2.LINE_AA)
        if d.label != "ja_char":
            text = f"{d.label} {d.score:.2f}"
            fs = 0.8 * scale
            (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, fs, 2)
            ty = y1 - 6 if y1 - th - 8 > 0 else y2 + th + 6
            cv2.rectangle(out, (x1, ty - th - 4), (x1 + tw + 4, ty + 4), color, -1)
            cv2.putText(out, text, (x1 + 2, ty), cv2.FONT_HERSHEY_SIMPLEX, fs, (255, 255, 255), 2, cv2.LINE_AA)
    if tap is not None:
        r = int(18 * scale)
        for color, w in (((0, 0, 0), 7), (TAP_RGB, 3)):
            cv2.circle(out, (tap.x, tap.y), r, color, w, cv2.LINE_AA)
            cv2.line(out, (tap.x - 2 * r, tap.y), (tap.x + 2 * r, tap.y), color, w, cv2.LINE_AA)
            cv2.line(out, (tap.x, tap.y - 2 * r), (tap.x, tap.y + 2 * r), color, w, cv2.LINE_AA)
    return out


def save_png(image: np.ndarray, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.png")
    if not cv2.imwrite(str(tmp), cv2.cvtColor(image, cv2.COLOR_RGB2BGR)):
        raise OSError(f"cannot write {path}")
    tmp.replace(path)


@dataclass(frozen=True)
class SheetCell:
    """One screen of a failure sheet: the RGB screen, its labelled targets, where the tap went (None: no tap)."""

    image: np.ndarray
    targets: tuple[GroundTruth, ...]  # the right button first: a miss's crop is centred on it
    tap: tuple[int, int] | None
    caption: str


def _cell_tile(c: SheetCell, cell_px: int, crop: float) -> np.ndarray:
    """The square crop of one cell, ``cell_px`` wide, with its targets and tap drawn on it."""
    h, w = c.image.shape[:2]
    if c.tap is not None:
        center: tuple[float, float] = c.tap
    elif c.targets:
        center = c.targets[0].box.center
    else:
        center = (w / 2, h / 2)
    sq = Tile.square_around(*center, int(crop * min(w, h)), w, h)
    x0, y0, side = sq.x, sq.y, sq.w
    tile = cv2.resize(c.image[y0 : y0 + side, x0 : x0 + side], (cell_px, cell_px), interpolation=cv2.INTER_AREA)
    k = cell_px / side  # screen px -> tile px: marks are drawn on the tile, crisp at any screen size

    def at(x: float, y: float) -> tuple[int, int]:
        return round((x - x0) * k), round((y - y0) * k)

    for g in c.targets:
        cv2.rectangle(tile, at(g.box.x1, g.box.y1), at(g.box.x2, g.box.y2), TARGET_RGB, 2, cv2.LINE_AA)
    if c.tap is not None:  # a yellow ring outlined in black, wide enough to leave what was tapped visible, and a dot
        r = max(12, cell_px // 6)
        cv2.circle(tile, at(*c.tap), r, (0, 0, 0), 4, cv2.LINE_AA)
        cv2.circle(tile, at(*c.tap), r, TAP_RGB, 2, cv2.LINE_AA)
        cv2.circle(tile, at(*c.tap), 4, (0, 0, 0), -1, cv2.LINE_AA)  # the tap point itself
        cv2.circle(tile, at(*c.tap), 2, TAP_RGB, -1, cv2.LINE_AA)
    return tile


def failure_sheet(cells: Iterable[SheetCell], cell_px: int = 320, cols: int = 4, crop: float = 0.45) -> np.ndarray:
    """One RGB picture of ``cells`` in a grid: each a square crop (``crop`` of the screen's shorter side) around the
    tap, or around the first target when nothing was tapped, with the targets boxed in green, the tap ringed in yellow
    and the caption above it. The crop keeps what a person needs to see why a tap was wrong: the button and its
    neighbours. ``cells`` may be a generator: one screen is held at a time."""
    bar, font = round(24 * cell_px / 320), 0.45 * cell_px / 320  # caption bar height, font scale (~35 chars a cell)
    tiles = []
    for c in cells:
        tile = _cell_tile(c, cell_px, crop)
        head = np.full((bar, cell_px, 3), 255, np.uint8)
        cv2.putText(head, c.caption, (4, bar - 7), cv2.FONT_HERSHEY_SIMPLEX, font, (0, 0, 0), 1, cv2.LINE_AA)
        tiles.append(np.vstack([head, tile]))
    if not tiles:
        raise ValueError("failure_sheet: no cells")
    rows, gap = math.ceil(len(tiles) / cols), 4
    th, tw = tiles[0].shape[:2]
    sheet = np.full((rows * th + (rows - 1) * gap, cols * tw + (cols - 1) * gap, 3), 200, np.uint8)
    for i, t in enumerate(tiles):
        r, k = divmod(i, cols)
        sheet[r * (th + gap) : r * (th + gap) + th, k * (tw + gap) : k * (tw + gap) + tw] = t
    return sheet
