"""Which detection, if any, to tap on one frame. Pure functions over typed detections: no I/O, no state.

Rules, in order:
1. ``ja_char`` is never a target.
2. A ``close`` needs ``close_threshold``; a ``skip`` needs ``skip_threshold``.
3. A close whose box overlaps Japanese text (``ja_overlap`` of its area covered by ja_char boxes) needs the higher
   ``close_over_text_threshold``: the user saw 残, 十, 区 taken for close at 0.84-0.95.
   A close that is also read as a character (a ja_char box on it) *and* has a ja_char beside it in its line of text
   (:func:`char_in_text_line`, ``text_line_gap``) is never tapped, whatever its score: marks written in a sentence
   were tapped as closes at 0.95-0.98 on held-out screens, above any threshold a real close could be held to.
4. Any qualifying close beats any skip; among equals the highest score wins.
5. A skip is tapped only when no close candidate scores ``close_blocks_skip`` or more: a close just under its
   threshold is most often the real target, and tapping the skip beside it is a wrong tap (the screen waits for a
   surer frame instead). A candidate on the skip itself (IoU with the skip's box at least ``close_on_skip_iou``) is
   the skip button read as a close as well, not a close beside it, and holds nothing back: the tap lands on that
   button either way.
6. The tap point is the centre of the chosen box, rounded to integer pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

from detector.textline import beside_in_line
from detector.types import Box, Detection


@dataclass(frozen=True)
class PolicyConfig:
    close_threshold: float = 0.66  # chosen on held-out screens (config.yaml, docs/experiments.md "Strips by default")
    skip_threshold: float = 0.7
    close_over_text_threshold: float = 0.9
    ja_overlap: float = 0.3
    close_blocks_skip: float = 0.3  # 1.0 turns rule 5 off
    close_on_skip_iou: float = 0.3  # rule 5's candidate on the skip itself; 0 turns that exception off
    text_line_gap: float = 0.5  # rule 3's "beside it in its line": gap in character heights; 0 turns it off


@dataclass(frozen=True)
class TapDecision:
    x: int
    y: int
    label: str
    score: float
    box: Box


def text_overlap(box: Box, texts: list[Box]) -> float:
    """Share of ``box`` covered by the union-free sum of text boxes (capped at 1)."""
    if box.area <= 0:
        return 0.0
    covered = 0.0
    for t in texts:
        ix = max(0.0, min(box.x2, t.x2) - max(box.x1, t.x1))
        iy = max(0.0, min(box.y2, t.y2) - max(box.y1, t.y1))
        covered += ix * iy
    return min(1.0, covered / box.area)


# A ja_char box this close to the candidate's is the network reading the same mark as text (rule 3).
SAME_BOX_IOU = 0.4


def char_in_text_line(box: Box, texts: list[Box], gap: float) -> bool:
    """True when ``box`` is read as a character (a text box on it with IoU >= ``SAME_BOX_IOU``) and another text
    box of a similar height sits beside it in the same line, at most ``gap`` of that box's height away
    (:func:`detector.textline.beside_in_line`)."""
    if gap <= 0 or not any(box.iou(t) >= SAME_BOX_IOU for t in texts):
        return False
    return beside_in_line(box, texts, gap)


def class_threshold(label: str, cfg: PolicyConfig) -> float:
    """Rule 2: the least score a ``close`` or ``skip`` needs (above 1 for anything else: never tapped)."""
    return {"close": cfg.close_threshold, "skip": cfg.skip_threshold}.get(label, float("inf"))


def qualifies(det: Detection, texts: list[Box], cfg: PolicyConfig) -> bool:
    need = class_threshold(det.label, cfg)
    if det.label == "close" and text_overlap(det.box, texts) >= cfg.ja_overlap:
        if char_in_text_line(det.box, texts, cfg.text_line_gap):
            return False
        need = cfg.close_over_text_threshold
    return det.score >= need


def tap_point(box: Box) -> tuple[int, int]:
    """Where a tap on ``box`` lands: its centre rounded to integer pixels (the frame's decision; rule 6's spots)."""
    cx, cy = box.center
    return int(round(cx)), int(round(cy))


def _best(candidates: list[Detection], label: str) -> TapDecision:
    best = max(candidates, key=lambda d: d.score)
    return TapDecision(*tap_point(best.box), label, best.score, best.box)


def decide(detections: list[Detection], cfg: PolicyConfig) -> TapDecision | None:
    """The one tap for this frame, or None."""
    texts = [d.box for d in detections if d.label == "ja_char"]
    closes = [d for d in detections if d.label == "close" and qualifies(d, texts, cfg)]
    if closes:  # rule 4
        return _best(closes, "close")
    skips = [d for d in detections if d.label == "skip" and qualifies(d, texts, cfg)]
    if not skips:
        return None
    skip = _best(skips, "skip")
    if any(
        d.label == "close" and d.score >= cfg.close_blocks_skip and not on_skip(d.box, skip.box, cfg)
        for d in detections
    ):
        return None  # rule 5
    return skip


def on_skip(close: Box, skip: Box, cfg: PolicyConfig) -> bool:
    """Rule 5's exception: a close candidate whose box is the skip's (IoU at least ``close_on_skip_iou``; never when
    that is 0) is the skip button read both ways."""
    return cfg.close_on_skip_iou > 0 and close.iou(skip) >= cfg.close_on_skip_iou
