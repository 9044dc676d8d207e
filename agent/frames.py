"""Cheap comparisons between frames: did the screen change, did the tapped region change."""

from __future__ import annotations

import cv2
import numpy as np

from detector.harvest import dhash
from detector.types import Box

SIGNATURE_SIZE = (36, 80)  # w, h of the grey thumbnail


def signature(image: np.ndarray) -> np.ndarray:
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    return cv2.resize(grey, SIGNATURE_SIZE, interpolation=cv2.INTER_AREA).astype(np.int16)


def same_pixels(a: np.ndarray | None, b: np.ndarray) -> bool:
    """Whether frame ``b`` is frame ``a`` again, pixel for pixel (a static screen captured twice)."""
    return a is not None and a.shape == b.shape and np.array_equal(a, b)


def is_blank(sig: np.ndarray, spread: int = 6) -> bool:
    """A black or uniform frame (screen off, a secure window captured as black): nothing to look for."""
    return int(sig.max()) - int(sig.min()) <= spread


def screen_changed(a: np.ndarray | None, b: np.ndarray | None, threshold: float = 3.0) -> bool:
    """Whole-screen change between two signatures (mean absolute grey difference)."""
    if a is None or b is None:
        return True
    return float(np.abs(a - b).mean()) > threshold


def region_changed(before: np.ndarray, after: np.ndarray, box: Box, threshold: float, grow: float = 0.5) -> bool:
    """Whether the region around ``box`` (grown by ``grow`` of its size each side) differs between the frames: the
    mean over its pixels of the largest difference of any colour channel exceeds ``threshold``. Colour, not grey: a
    25-px purple disc with a white x on a teal page, closed, changed the grey region by less than 10 levels (the two
    colours are one grey), and the daemon recorded a tap that closed the ad as ineffective."""
    if before.shape != after.shape:
        return True
    h, w = before.shape[:2]
    gx, gy = (box.x2 - box.x1) * grow, (box.y2 - box.y1) * grow
    x1, y1 = max(0, int(box.x1 - gx)), max(0, int(box.y1 - gy))
    x2, y2 = min(w, int(box.x2 + gx) + 1), min(h, int(box.y2 + gy) + 1)
    if x2 <= x1 or y2 <= y1:
        return False
    a = before[y1:y2, x1:x2].astype(np.int16)
    b = after[y1:y2, x1:x2].astype(np.int16)
    return float(np.abs(a - b).max(axis=2).mean()) > threshold


def look(image: np.ndarray, box: Box, grow: float = 0.5) -> int:
    """A 64-bit difference hash of the region around ``box``: the same button (or the same "×2") on a later frame
    hashes within a few bits, whatever else changed on screen."""
    h, w = image.shape[:2]
    gx, gy = (box.x2 - box.x1) * grow, (box.y2 - box.y1) * grow
    x1, y1 = max(0, int(box.x1 - gx)), max(0, int(box.y1 - gy))
    x2, y2 = min(w, int(box.x2 + gx) + 1), min(h, int(box.y2 + gy) + 1)
    if x2 - x1 < 2 or y2 - y1 < 2:
        return 0
    return dhash(image[y1:y2, x1:x2])
