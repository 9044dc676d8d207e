"""Whether a labelled element shows on the finished screen: both generators (``closebot synth`` and the
browser-rendered sets of :mod:`detector.synth.browser`) keep a label only where it does.

A label on something no one can see teaches the network that a blank patch is a close (and scores a detector for
missing what no one could see): the browser sets labelled white marks on white pages where a background sprite was
transparent (11 of webeval8's 246 targets until 2026-12-05), ``closebot synth`` a white skip on a white card (1 of
synth5's 2919 targets) and glyphs a font lacks.

Two tests. :func:`drawn`: the box is not all one colour (what ``closebot synth`` can check on its finished picture).
:func:`drawn_over`: the element changed the screen, compared with the same screen rendered with it hidden (what the
browser can check exactly: a white ring on a white card whose box reaches onto the dark page beyond the card's
corner is caught too).
"""

from __future__ import annotations

import math

import numpy as np

from detector.types import Box

# levels of a channel: pixels within this many of one another are one colour (the faintest target drawn on purpose,
# a light translucent plate with a white x on a pale page, spans 4-5 over the page; PNG is exact, JPEG adds 0-1)
UNDRAWN_RANGE = 2


def _pixels(image: np.ndarray, box: Box) -> np.ndarray | None:
    """The pixels ``box`` (image pixels, every pixel it touches) covers, one row per pixel; None when under one."""
    x1, y1 = max(0, math.floor(box.x1)), max(0, math.floor(box.y1))
    x2, y2 = min(image.shape[1], math.ceil(box.x2)), min(image.shape[0], math.ceil(box.y2))
    if x2 <= x1 or y2 <= y1:
        return None
    return image[y1:y2, x1:x2].reshape(-1, image.shape[2] if image.ndim == 3 else 1).astype(np.int16)


def drawn(image: np.ndarray, box: Box) -> bool:
    """Whether ``box`` of ``image`` (H x W x channels, or greyscale H x W) shows anything: some channel spans more
    than :data:`UNDRAWN_RANGE` levels in it. Colour, not grey: a grey x on a green page of the same lightness is one
    grey and plain to see. A box of under one whole pixel shows nothing."""
    px = _pixels(image, box)
    return px is not None and int((px.max(axis=0) - px.min(axis=0)).max()) > UNDRAWN_RANGE


def drawn_over(shown: np.ndarray, without: np.ndarray, box: Box) -> bool:
    """Whether the element in ``box`` changed the screen: some channel of some pixel of the box differs by more than
    :data:`UNDRAWN_RANGE` levels between ``shown`` and ``without`` (the same screen with the element hidden)."""
    if shown.shape != without.shape:
        raise ValueError(f"screens of different sizes: {shown.shape} and {without.shape}")
    a, b = _pixels(shown, box), _pixels(without, box)
    return a is not None and int(np.abs(a - b).max()) > UNDRAWN_RANGE
