"""Where a mark sits among characters, as boxes: the geometry policy rule 3 (policies.decide) and the closer look's
text-line guard (detector.zoom) share. Pure functions over boxes (the same question asked of pixels:
detector.glyphs)."""

from __future__ import annotations

from detector.types import Box

LINE_HEIGHTS = (0.4, 2.5)  # mark height / neighbour height: a "×" in a sentence is smaller than a kanji
LINE_OVERLAP = 0.6  # the two share this much of the smaller height: the same line, not the one above
SAME_MARK_WIDTH = 0.3  # a box overlapping the mark by more than this share of the narrower width: no neighbour


def beside_in_line(box: Box, texts: list[Box], gap: float) -> bool:
    """True when a text box of a similar height sits beside ``box`` in the same line, at most ``gap`` of that box's
    height away (a box on ``box`` itself is no neighbour; ``gap`` 0: never)."""
    if gap <= 0:
        return False
    h, w = box.y2 - box.y1, box.x2 - box.x1
    for t in texts:
        th, tw = t.y2 - t.y1, t.x2 - t.x1
        if th <= 0 or h <= 0 or not (LINE_HEIGHTS[0] <= h / th <= LINE_HEIGHTS[1]):
            continue
        if min(box.y2, t.y2) - max(box.y1, t.y1) < LINE_OVERLAP * min(h, th):
            continue
        apart = max(t.x1 - box.x2, box.x1 - t.x2)  # horizontal gap; negative when they overlap
        if -SAME_MARK_WIDTH * min(w, tw) <= apart <= gap * th:
            return True
    return False
