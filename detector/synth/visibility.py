"""Whether a labelled box shows anything on the finished screen: both generators (``closebot synth`` and the
browser-rendered sets of :mod:`detector.synth.browser`) keep a label only where it does.

A label whose pixels are all one colour teaches the network that a blank patch is a close (and scores a detector
for missing what no one could see): the browser sets labelled white marks on white pages where a background sprite
was transparent (10 of webeval8's 246 targets until 2026-12-05), ``closebot synth`` a white skip on a white card
(1 of synth5's 2919 targets).
"""

from __future__ import annotations

import math

import numpy as np

from detector.types import Box

# levels of a channel: a box whose pixels all lie within this many of one another in every channel shows nothing
# (the faintest target drawn on purpose, a light translucent plate with a white x on a pale page, spans 4-5; PNG is
# exact, JPEG adds 0-1)
UNDRAWN_RANGE = 2


def drawn(image: np.ndarray, box: Box) -> bool:
    """Whether ``box`` (image pixels) of ``image`` (H x W x channels, or greyscale H x W) shows anything: some channel
    spans more than :data:`UNDRAWN_RANGE` levels in it. Colour, not grey: a grey x on a green page of the same
    lightness is one grey and plain to see. A box of under one whole pixel shows nothing."""
    x1, y1 = max(0, math.floor(box.x1)), max(0, math.floor(box.y1))
    x2, y2 = min(image.shape[1], math.ceil(box.x2)), min(image.shape[0], math.ceil(box.y2))
    if x2 <= x1 or y2 <= y1:
        return False
    crop = image[y1:y2, x1:x2].reshape(-1, image.shape[2] if image.ndim == 3 else 1)
    return int((crop.max(axis=0).astype(np.int16) - crop.min(axis=0)).max()) > UNDRAWN_RANGE
