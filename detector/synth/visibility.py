"""Whether a labelled element shows on the finished screen: both generators (``closebot synth`` and the
browser-rendered sets of :mod:`detector.synth.browser`) keep a label only where it does.

A label on something no one can see teaches the network that a blank patch is a close (and scores a detector for
missing what no one could see): the browser sets labelled white marks on white pages where a background sprite was
transparent (11 of webeval8's 246 targets until 2026-12-05), ``closebot synth`` a white skip on a white card (1 of
synth5's 2919 targets) and glyphs a font lacks.

Two tests. :func:`drawn`: the box is not all one colour (what ``closebot synth`` can check on its finished picture).
:func:`shown_box`: the element changed the screen, compared with the same screen rendered with it hidden (what the
browser can check exactly: a white ring on a white card whose box reaches onto the dark page beyond the card's
corner is caught too); None when it changed nothing, else the box of what it changed. Where only part of an element
shows (a white plate on a white page, or a black translucent one over black, shows only its mark) that box is the
mark's: the sets label the element's box all the same, and ``scripts/webeval.py --label-shown`` labels what shows
instead, to measure how far the two conventions part (docs/experiments.md, "Plates that do not show": 14% of the
browser sets' buttons).
"""

from __future__ import annotations

import math

import numpy as np

from detector.types import Box

# levels of a channel: pixels within this many of one another are one colour (the faintest target drawn on purpose,
# a light translucent plate with a white x on a pale page, spans 4-5 over the page; PNG is exact, JPEG adds 0-1)
UNDRAWN_RANGE = 2


def _window(image: np.ndarray, box: Box) -> tuple[int, int, np.ndarray] | None:
    """The pixels ``box`` (image pixels, every pixel it touches) covers inside ``image``, as (x, y of the first,
    H x W [x channels] int16 of them); None when under one."""
    x1, y1 = max(0, math.floor(box.x1)), max(0, math.floor(box.y1))
    x2, y2 = min(image.shape[1], math.ceil(box.x2)), min(image.shape[0], math.ceil(box.y2))
    if x2 <= x1 or y2 <= y1:
        return None
    return x1, y1, image[y1:y2, x1:x2].astype(np.int16)


def _pixels(image: np.ndarray, box: Box) -> np.ndarray | None:
    """The pixels ``box`` covers (:func:`_window`), one row per pixel; None when under one."""
    w = _window(image, box)
    return None if w is None else w[2].reshape(-1, image.shape[2] if image.ndim == 3 else 1)


def drawn(image: np.ndarray, box: Box) -> bool:
    """Whether ``box`` of ``image`` (H x W x channels, or greyscale H x W) shows anything: some channel spans more
    than :data:`UNDRAWN_RANGE` levels in it. Colour, not grey: a grey x on a green page of the same lightness is one
    grey and plain to see. A box of under one whole pixel shows nothing."""
    px = _pixels(image, box)
    return px is not None and int((px.max(axis=0) - px.min(axis=0)).max()) > UNDRAWN_RANGE


def _changed(shown: np.ndarray, without: np.ndarray, box: Box) -> tuple[int, int, np.ndarray] | None:
    """Which pixels of ``box`` the element changed: some channel differs by more than :data:`UNDRAWN_RANGE` levels
    between ``shown`` and ``without`` (the same screen with the element hidden); as (x, y of the box's first pixel,
    H x W bool), None when the box covers under one pixel."""
    if shown.shape != without.shape:
        raise ValueError(f"screens of different sizes: {shown.shape} and {without.shape}")
    a, b = _window(shown, box), _window(without, box)
    if a is None or b is None:
        return None
    diff = np.abs(a[2] - b[2])
    return a[0], a[1], (diff.max(axis=2) if diff.ndim == 3 else diff) > UNDRAWN_RANGE


# a box whose pixels changed to within this share of its area shows to its edges (a circle's anti-aliased rim, a
# rounded square's corners): it keeps its box
WHOLE_SHARE = 0.8


def shown_box(shown: np.ndarray, without: np.ndarray, box: Box) -> Box | None:
    """The part of ``box`` whose pixels its element changed (some channel by more than :data:`UNDRAWN_RANGE` levels
    between ``shown`` and ``without``, the same screen with the element hidden): ``box`` itself when that part spans
    at least :data:`WHOLE_SHARE` of its area, else the bounding box of the changed pixels (image pixels, inside
    ``box``); None when the element changed nothing: it drew nothing one can see."""
    changed = _changed(shown, without, box)
    if changed is None or not changed[2].any():
        return None
    x1, y1, mask = changed
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    part = Box(
        max(box.x1, float(x1 + cols[0])),
        max(box.y1, float(y1 + rows[0])),
        min(box.x2, float(x1 + cols[-1] + 1)),
        min(box.y2, float(y1 + rows[-1] + 1)),
    )
    return box if part.area >= WHOLE_SHARE * box.area else part
