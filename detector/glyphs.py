"""Where a mark sits among glyphs, asked of a frame's pixels: the closer look's glyph guard (detector.zoom's
``glyph_reach``; the engine calls :func:`bare_mark_in_row`). Pure functions over a uint8 image and a box."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from detector.types import Box

# What glyph_beside takes for "a glyph": a blob of ink of the mark's order of size, centred on its row.
GLYPH_HEIGHTS = (0.4, 2.5)  # blob height / the mark's longer side
GLYPH_WIDTHS = (0.15, 3.0)  # blob width / the mark's longer side
GLYPH_ROW = 0.5  # the blob's vertical centre at most this many mark sides from the mark's
GLYPH_INSIDE = 0.5  # a blob with more than this share of its width over the mark's is the mark (or its plate)
GLYPH_UP = 2.0  # the window glyphs are looked for in reaches this many of the mark's sides above and below its centre
# a pixel within this of the mark's colour in every channel is its ink: at least the first (0-255), else the second
# share of the mark's contrast with its surroundings (a dark x on a dark blur is ~20 apart from it)
INK_TOLERANCE = (8.0, 0.5)
# What bare_mark looks at: a patch in the middle of each edge of the box, from the first to the second share of its
# side in from the edge, the middle ``BARE_ALONG`` of it along the edge; an edge is bare when at least ``BARE_CLEAR``
# of its patch is the colour of the surroundings
BARE_DEPTH = (0.05, 0.25)
BARE_ALONG = 0.3
BARE_CLEAR = 0.9


@dataclass(frozen=True)
class _Mark:
    """A mark's box in a window of the frame around it, with the colours glyph_beside and bare_mark compare."""

    window: np.ndarray  # int16, (h, w, channels)
    box: tuple[int, int, int, int]  # the mark's box in window pixels, x1 y1 x2 y2
    origin: tuple[int, int]  # the window's top-left corner in frame pixels
    around: np.ndarray  # the median colour of a ring a quarter of the box's side around it
    color: np.ndarray  # the mark's colour: the side of Otsu's threshold inside the box least like ``around``
    tolerance: float  # a pixel this near a colour in every channel is that colour (``INK_TOLERANCE``)

    def near(self, pixels: np.ndarray, color: np.ndarray) -> np.ndarray:
        """Which of ``pixels`` (..., channels) are ``color`` within ``tolerance`` in every channel."""
        return np.abs(pixels - color).max(axis=-1) <= self.tolerance


def _mark(image: np.ndarray, box: Box, across: float, up: float) -> _Mark | None:
    """The mark in ``box`` of ``image`` (uint8, RGB or grey), in a window of ``across`` x its longer side left and
    right of it and ``up`` x that above and below its centre; None when there is nothing to measure."""
    s = max(box.width, box.height)
    if s < 2:
        return None
    cy = box.center[1]
    x0, x1 = max(0, int(box.x1 - across * s)), min(image.shape[1], int(math.ceil(box.x2 + across * s)))
    y0, y1 = max(0, int(cy - up * s)), min(image.shape[0], int(math.ceil(cy + up * s)))
    window = image[y0:y1, x0:x1].astype(np.int16)
    if window.ndim == 2:
        window = window[..., None]
    bx1, bx2 = max(0, int(box.x1) - x0), max(0, int(math.ceil(box.x2)) - x0)
    by1, by2 = max(0, int(box.y1) - y0), max(0, int(math.ceil(box.y2)) - y0)
    inside = window[by1:by2, bx1:bx2]
    r = max(1, round(s / 4))
    ring = np.zeros(window.shape[:2], bool)
    ring[max(0, by1 - r) : by2 + r, max(0, bx1 - r) : bx2 + r] = True
    ring[by1:by2, bx1:bx2] = False
    if inside.size == 0 or not ring.any():
        return None
    around = np.median(window[ring], axis=0)
    grey = np.ascontiguousarray(inside.mean(axis=2).astype(np.uint8))
    _, high = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    sides = [inside[high.astype(bool)], inside[~high.astype(bool)]]
    color = max((np.median(p, axis=0) for p in sides if len(p)), key=lambda c: float(np.abs(c - around).max()))
    tolerance = max(INK_TOLERANCE[0], INK_TOLERANCE[1] * float(np.abs(color - around).max()))
    return _Mark(window, (bx1, by1, bx2, by2), (x0, y0), around, color, tolerance)


def glyph_beside(image: np.ndarray, box: Box, reach: float) -> bool:
    """True when a glyph-like blob of the mark's own ink sits beside ``box`` in its row of ``image`` (uint8, RGB or
    grey), at most ``reach`` x the box's longer side away: the digits after a "×" ("×10"), the speaker of a
    muted-speaker icon, the character after a "×" in a sentence, each drawn in the colour of the mark. The mark's
    colour is the median of the side of Otsu's threshold inside the box least like the box's surroundings (a ring a
    quarter of its side wide); its ink in the window (``reach`` + 3 sides around the box across, 2 up and down) is
    every pixel near that colour in each channel (``INK_TOLERANCE``: half the mark's contrast with its
    surroundings). A blob touching the window's edge is background, not a glyph. ``reach`` 0: never."""
    m = _mark(image, box, reach + GLYPH_WIDTHS[1], GLYPH_UP) if reach > 0 else None
    return m is not None and _glyph_in_row(m, box, reach)


def _glyph_in_row(m: _Mark, box: Box, reach: float) -> bool:
    """:func:`glyph_beside` on a mark measured in a window at least ``reach`` + ``GLYPH_WIDTHS[1]`` of its sides
    across and ``GLYPH_UP`` up and down (room for the widest glyph starting ``reach`` away)."""
    s, cy = max(box.width, box.height), box.center[1]
    bx1, _, bx2, _ = m.box
    ink = m.near(m.window, m.color).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    wh, ww = ink.shape
    for left, top, w, h, _area in stats[1:n]:
        if left == 0 or top == 0 or left + w >= ww or top + h >= wh:
            continue  # touches the window's edge
        if not (GLYPH_HEIGHTS[0] <= h / s <= GLYPH_HEIGHTS[1] and GLYPH_WIDTHS[0] <= w / s <= GLYPH_WIDTHS[1]):
            continue
        if abs(m.origin[1] + top + h / 2 - cy) > GLYPH_ROW * s:
            continue
        over = min(left + w, bx2) - max(left, bx1)
        if over > GLYPH_INSIDE * w:
            continue  # the mark itself, or its plate
        apart = max(left - bx2, bx1 - (left + w))
        if apart <= reach * s:
            return True
    return False


def bare_mark(image: np.ndarray, box: Box) -> bool:
    """True when ``box`` of ``image`` holds a bare mark: the middle of at least three of its four edges shows the
    colour of its surroundings (``BARE_DEPTH``, ``BARE_ALONG``, ``BARE_CLEAR``), as between the arms of a "×" boxed
    tightly; a close on a plate or in an outline shows the plate or the outline there."""
    m = _mark(image, box, 0.5, 1.0)  # any window holding the ring around the box (a quarter of its side) will do
    return m is not None and _bare(m)


def _bare(m: _Mark) -> bool:
    """:func:`bare_mark` on a measured mark."""
    bx1, by1, bx2, by2 = m.box
    w, h = bx2 - bx1, by2 - by1
    d0, d1 = (max(1, round(f * min(w, h))) for f in BARE_DEPTH)
    a0, a1 = round((1 - BARE_ALONG) / 2 * w), round((1 + BARE_ALONG) / 2 * w)
    b0, b1 = round((1 - BARE_ALONG) / 2 * h), round((1 + BARE_ALONG) / 2 * h)
    inside = m.window[by1:by2, bx1:bx2]
    patches = [
        inside[d0:d1, a0:a1],  # top
        inside[h - d1 : h - d0, a0:a1],  # bottom
        inside[b0:b1, d0:d1],  # left
        inside[b0:b1, w - d1 : w - d0],  # right
    ]
    clear = [p.size > 0 and float(m.near(p, m.around).mean()) >= BARE_CLEAR for p in patches]
    return sum(clear) >= 3


def bare_mark_in_row(image: np.ndarray, box: Box, reach: float) -> bool:
    """The closer look's glyph guard: ``box`` holds a bare mark (:func:`bare_mark`) with a glyph of its own ink
    beside it in its row (:func:`glyph_beside`, ``reach``). Bare alone is too little (a close drawn as a plain x is
    bare) and a glyph alone too much: on the ten judging sets, with reach 1, the glyph test alone kept down closes
    beside a timer "4:59", a mute button or the word CLOSE of their own pill, 1957 screens right / 31 false taps
    against 1967 / 34 (docs/experiments.md); each of those closes sits on a plate or in an outline."""
    m = _mark(image, box, reach + GLYPH_WIDTHS[1], GLYPH_UP) if reach > 0 else None  # measured once for both
    return m is not None and _bare(m) and _glyph_in_row(m, box, reach)
