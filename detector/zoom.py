"""A closer look at small or faint close candidates: the network again, on a magnified square around each.

The whole-screen pass sees a 24-px close as ~14 model pixels, near the smallest default box, and scores many of
them just under the tap threshold. For the few close candidates a frame has in a grey band below the threshold,
the engine cuts a square of ``context`` x the box's longer side around each (moved inside the screen, never
clipped), resizes it so the candidate becomes ``box_px`` reference pixels (the middle of the 24-150 px training
range) and runs those squares through the same network in one batch. A candidate whose zoomed look finds a close
on the same box (IoU >= ``match_iou``) scoring at least ``accept``, with no Japanese text on that box scoring
``text_veto`` or more, is replaced by that zoomed detection (its score and its better-fitting box). Scores are only
ever raised, and only of close candidates.

Candidates come from the whole-screen pass decoded down to ``floor`` (0.05, what ``closebot eval`` decodes to):
a 23-px close the network scores 0.1 never reaches the verifier at ``min_score`` 0.2, yet the closer look often
finds it at 0.95. Those the closer look does not raise are dropped again, so they change nothing else.

The screen's corners, where most closes sit, get the same look on a frame with no close at ``accept`` yet, whether
the whole-screen pass proposed anything there or not (``corners``): a square of ``context`` x ``corner_px`` in each,
magnified so that a ``corner_px`` box becomes ``box_px``, and every close found there scoring ``accept`` or more
with no Japanese text on its box joins the frame's detections. A 24-px x tucked into a corner is then ~28 model
pixels instead of ~14. On the six evaluation sets the four corners took the shipped pair from 1129 screens tapped
right to 1145 with the same 23 false taps (docs/experiments.md, "A closer look at the corners"). A square's side
decides which of its edges the network sees better: at 324 model px (10.125 cells of its 32-px coarsest map, the
last column mostly padding) the left one, so the right corners went through it mirrored (``corner_mirror: right``;
an x is the same mirrored); in whole cells (``corner_cells``: 320 px) the right one (``left`` then: 1967 screens
tapped right on ten sets, 33 false taps, against 1967 / 34, but a top-right close scheme of the shipped-weights test
lost; not shipped: docs/experiments.md, "Mirrored corners", "Closer looks in whole cells").

The boxes of a frame's best close and skip detections (``refine`` of them, scoring ``refine_min`` or more, after
the other looks) are fitted again last: a square of ``refine_context`` x the box's longer side around each, at the
same magnification, through the network alone (the verifier's scores are not needed to place a box), and each box
becomes the weighted mean (``refine_weight``) of its own and the best-scoring zoomed box of its class on it (IoU >=
``match_iou``); scores stay as they were and the frame is merged again. The whole-screen pass sees a small button at
~15 model pixels and boxes it loosely (a 28-px x boxed 40 px, a 63-px one 100 px); magnified, the network fits it
better; halfway between the two did best over both classes. Chosen on the val screens of synth7 and synth8,
checked on the six evaluation sets (docs/experiments.md, "Boxes refined by a closer look").

A frame that still has no close and no skip at ``accept`` after the corners' look gets one look more, coarse
(``coarse``): the whole screen once through the network at ``coarse`` x its training scale (0.6: a 1080x2400 screen
as 384x853 model px, shrunk from the frame the strips were cut from), so that a 260-px pill, which the strips see at
~160 model px, past the largest default boxes training filled, is seen at ~90. Its close and skip boxes verified to
``accept`` join the frame's detections. On the nine evaluation sets (docs/experiments.md, "A coarse look for large
buttons") it ran on 45% of the frames and took 1764 screens tapped right to 1772 with the same 32 false taps, ~21 ms
a look; 0.7 taps the same 1772 / 32 for ~25 ms.

Two guards on what the candidates' look raises, both off (0): ``text_line_gap``, a ja_char beside the zoomed close
in its line (detector.textline), and ``glyph_reach``, a bare zoomed close with a glyph of its own ink beside it in
its row of the frame (detector.glyphs). Magnified, a "×" written in a sentence, the x of a muted speaker or of a
count "×10" fills the network's view and is raised to 0.92-0.97; but on the ten judging sets each guard, at each
setting tried, tapped fewer screens right (1958-1965 against 1967) and made a false tap more on synth5, where closes
drawn like those marks are labelled (docs/experiments.md, "Guards on what the candidates' closer look raises").

The geometry here is pure (``zoom_square``, ``corner_boxes``, ``corner_looks``, ``coarse_geometry``); the engine
(``Detector``) runs the crops.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from detector.textline import beside_in_line
from detector.tiling import REFERENCE_SHORT_SIDE, Tile, merge_detections
from detector.types import Box, Detection


@dataclass(frozen=True)
class ZoomConfig:
    enabled: bool = True
    context: float = 4.0  # square side / the candidate box's longer side
    box_px: int = 135  # the candidate's longer side after zooming, in reference (1080-px screen) pixels
    floor: float = 0.05  # close candidates are decoded down to this network score (under min_score: only for this)
    low: float = 0.1  # close candidates scoring in [low, high) get the closer look
    high: float = 0.66  # policy.close_threshold's default (agent.config makes it follow the policy's)
    accept: float = 0.9  # the zoomed close's least score to replace the candidate's
    text_veto: float = 0.2  # a ja_char on the same box scoring this much keeps the candidate's score
    # a ja_char beside the zoomed close in its line, at most this many character heights away, keeps the candidate's
    # score too (detector.textline.beside_in_line; 0: off)
    text_line_gap: float = 0.0
    # a bare zoomed close (no plate, no outline) with a glyph of its own ink beside it in its row of the frame, at most
    # this many of its sides away, keeps the candidate's score (detector.glyphs.bare_mark_in_row: "×10", a muted
    # speaker's x; 0: off)
    glyph_reach: float = 0.0
    match_iou: float = 0.4  # a zoomed box is "the same box" as the candidate above this IoU
    max_crops: int = 4  # candidates looked at per frame, best score first
    corners: int = 4  # screen corners looked at on a frame with no close at ``accept`` (top two first; 0: none)
    corner_px: int = 70  # a corner look's box side in reference pixels: its square is ``context`` x that
    corner_mirror: Literal["none", "right", "left", "both"] = "right"  # which corner squares are seen mirrored
    # a candidate's or refining look's square as the network sees it: its side as scaled (none), or rounded to whole
    # cells of the network's coarsest map, to the nearest number of them or up (:func:`whole_cells`)
    whole_cells: Literal["none", "nearest", "up"] = "none"
    corner_cells: Literal["none", "nearest", "up"] = "none"  # the same for the corner look's squares
    refine: int = 3  # close/skip detections per frame whose boxes a closer look refines, best first (0: none)
    refine_min: float = 0.3  # the least score of a detection whose box is refined
    refine_weight: float = 0.5  # the zoomed box's share of the refined box (1: the zoomed box alone)
    refine_context: float = 2.5  # a refining look's square side / the box's longer side
    coarse: float = 0.6  # the coarse look's scale / the training scale, on a frame with no sure target (0: none)


def zoom_square(box: Box, width: int, height: int, context: float) -> Tile:
    """The square of side ``context`` x ``box``'s longer side centred on ``box``, moved (not clipped) to lie inside
    the ``width`` x ``height`` screen, so a close in a corner is seen at the same scale as one in the middle. Never
    larger than the screen's short side, never smaller than 8 px."""
    side = max(8, round(context * max(box.width, box.height)))
    return Tile.square_around(*box.center, side, width, height)  # a square of the screen, like a tile of the pass


def coarse_geometry(width: int, height: int, scale: float, cell: int) -> tuple[float, tuple[int, int], tuple[int, int]]:
    """How the coarse look feeds a ``width`` x ``height`` screen to the network at ``scale`` model pixels per screen
    pixel (``coarse`` x the training scale): (the scale used, (width, height) of the resized screen, (height, width)
    of the model input). The short side is rounded to whole cells of the network's coarsest map (``cell`` px) as the
    strips' is, the scale follows it, and the long side is padded up to whole cells."""
    short = min(width, height)
    across = max(cell, round(short * scale / cell) * cell)
    k = across / short
    sw, sh = max(1, round(width * k)), max(1, round(height * k))
    return k, (sw, sh), (math.ceil(sh / cell) * cell, math.ceil(sw / cell) * cell)


def targets_from(dets: list[Detection], least: float) -> list[Detection]:
    """The close and skip detections scoring ``least`` or more: what the coarse look's three rules (below) ask of
    a frame's detections and of its own."""
    return [d for d in dets if d.label in ("close", "skip") and d.score >= least]


def coarse_targets(zoomed: list[Detection], accept: float) -> list[Detection]:
    """What the coarse look can use of its detections before they are verified: close and skip boxes scoring at
    least ``accept`` squared (the verifier's score, sqrt(network score x its probability), reaches ``accept`` from
    no less)."""
    return targets_from(zoomed, accept * accept)


def add_coarse(
    dets: list[Detection], zoomed: list[Detection], cfg: ZoomConfig, nms_iou: float = 0.5
) -> list[Detection]:
    """``dets`` with every close and skip of the coarse look (``zoomed``, verified, screen pixels) scoring at least
    ``accept``, merged again (``merge_detections``)."""
    new = targets_from(zoomed, cfg.accept)
    return merge_detections(dets + new, nms_iou) if new else dets


def usable(zoomed: list[Detection], accept: float) -> list[Detection]:
    """What a verified closer look can still use of its ``zoomed`` detections before they are verified: every
    ja_char (the text veto) and the closes scoring at least ``accept`` squared. The candidates' and the corners'
    looks take nothing but closes verified to ``accept`` and the text on them, and the verifier's score,
    sqrt(network score x its probability), reaches ``accept`` only from a network score of ``accept`` squared (0.81
    for 0.9): the other closes and every skip were verified for nothing (on the bench's frames 34 of the 38 boxes
    such looks verified, ~4 ms a frame)."""
    least = accept * accept
    return [z for z in zoomed if z.label == "ja_char" or (z.label == "close" and z.score >= least)]


def candidates_blocked(dets: list[Detection], cfg: ZoomConfig) -> bool:
    """True when a close already scores ``high`` or more: the frame has its tap and gets no closer look."""
    return any(d.label == "close" and d.score >= cfg.high for d in dets)


def corners_blocked(dets: list[Detection], cfg: ZoomConfig) -> bool:
    """True when a close already scores ``accept`` or more: the frame has a sure tap and gets no corner look. (A
    close between ``high`` and ``accept`` does not block it: on the six evaluation sets, such frames where a corner
    held the real close were lost when the corner look waited for no close at ``high``.)"""
    return any(d.label == "close" and d.score >= cfg.accept for d in dets)


def coarse_blocked(dets: list[Detection], cfg: ZoomConfig) -> bool:
    """True when a close or a skip already scores ``accept`` or more: the frame has a sure target and gets no coarse
    look. (On the nine evaluation sets the coarse look won its 8 screens on frames with neither; waiting for no sure
    close alone, it ran on 1539 frames of 2950 instead of 1328, for the same taps.)"""
    return bool(targets_from(dets, cfg.accept))


def candidates(dets: list[Detection], cfg: ZoomConfig) -> list[Detection]:
    """The close detections that get a closer look: score in ``[low, high)``, best first, at most ``max_crops``;
    none when a close already scores ``high`` or more (the frame has its tap: on the saved detections of synth9 +
    synth5 val, looking closer there too raised 2 more false taps and no more closes, at twice the frames)."""
    if candidates_blocked(dets, cfg):
        return []
    band = [d for d in dets if d.label == "close" and cfg.low <= d.score < cfg.high]
    return sorted(band, key=lambda d: -d.score)[: cfg.max_crops]


def apply(
    dets: list[Detection],
    looked: list[Detection],
    zoomed: list[Detection],
    cfg: ZoomConfig,
    nms_iou: float = 0.5,
    glyph: Callable[[Box], bool] | None = None,
) -> list[Detection]:
    """``dets`` with each candidate in ``looked`` replaced by the best zoomed close on its box (detections of the
    closer looks, in screen pixels) when that scores at least ``accept``, more than the candidate, and no zoomed
    ja_char on its box reaches ``text_veto``; nor when a ja_char (of the frame or the closer looks) sits beside the
    zoomed box in its line (``text_line_gap``: a "×" written in a sentence, magnified, is a confident close), or
    ``glyph`` (the engine's :func:`detector.glyphs.bare_mark_in_row` on the frame, with ``glyph_reach``) finds a
    bare mark with a glyph beside it in its row. The replacement keeps the zoomed box too: the closer look fits it
    better, and a loose candidate box raised to a high score would be a confident false positive beside the real
    button. The result is merged again (``merge_detections``), so a raised box and the one it duplicates are one."""
    texts = [d.box for d in (*dets, *zoomed) if d.label == "ja_char"] if cfg.text_line_gap > 0 else []
    new: dict[int, Detection] = {}
    for c in looked:
        best = confirmation(c, zoomed, cfg)
        if (
            best is None
            or beside_in_line(best.box, texts, cfg.text_line_gap)
            or (glyph is not None and glyph(best.box))
        ):
            continue
        new[id(c)] = best
    return _replaced(dets, new, nms_iou)


def confirmation(candidate: Detection, zoomed: list[Detection], cfg: ZoomConfig) -> Detection | None:
    """The zoomed close that would replace ``candidate`` before :func:`apply`'s guards: the best-scoring close of
    ``zoomed`` on its box (IoU >= ``match_iou``) when it scores at least ``accept`` and more than the candidate and
    no zoomed ja_char on that box reaches ``text_veto``; None otherwise."""
    same = _on_box(zoomed, candidate.box, cfg)
    best = max((z for z in same if z.label == "close"), key=lambda z: z.score, default=None)
    text = max((z.score for z in same if z.label == "ja_char"), default=0.0)
    if best is None or best.score < cfg.accept or best.score <= candidate.score or text >= cfg.text_veto:
        return None
    return best


def whole_cells(side: int, cell: int, how: str) -> int:
    """A closer look's model side ``side`` rounded to whole ``cell``s as ``how`` says (``none``: as it is). A side
    ending mid-cell leaves its last column and row of the coarsest map half padding: every training square was whole
    cells (288 px, 9 of 32), and strips of 648 px (20.25 cells) missed closes at their right and bottom edges."""
    if how == "none":
        return side
    cells = math.ceil(side / cell) if how == "up" else math.floor(side / cell + 0.5)
    return max(1, cells) * cell


def corner_boxes(width: int, height: int, cfg: ZoomConfig) -> list[Box]:
    """The boxes a corner look is centred on, top left, top right, bottom left, bottom right, the first
    ``cfg.corners`` of them: ``corner_px`` reference pixels (scaled with the screen's short side) on each screen
    corner, so that ``zoom_square`` (which moves a square inside the screen) gives the corner's square."""
    side = cfg.corner_px * min(width, height) / REFERENCE_SHORT_SIDE
    spots = [(0.0, 0.0), (float(width), 0.0), (0.0, float(height)), (float(width), float(height))]
    return [Box(x - side / 2, y - side / 2, x + side / 2, y + side / 2) for x, y in spots[: cfg.corners]]


def corner_looks(width: int, height: int, cfg: ZoomConfig) -> tuple[list[Box], list[bool]]:
    """The corner look's squares: the boxes they are centred on (:func:`corner_boxes`) and, for each, whether it goes
    through the network mirrored left to right (``corner_mirror``): ``right``, the right corners' (every corner's
    mark then lies at its square's left edge); ``left``, the left corners' (every mark at the right edge: in squares
    of whole cells, ``corner_cells``, the network sees that edge better); ``both``, every corner twice, as it is and
    then mirrored."""
    boxes = corner_boxes(width, height, cfg)
    if cfg.corner_mirror == "both":
        return boxes * 2, [False] * len(boxes) + [True] * len(boxes)
    right = [b.x1 + b.x2 > width for b in boxes]  # the square's centre right of the screen's middle
    return boxes, [(cfg.corner_mirror == "right" and r) or (cfg.corner_mirror == "left" and not r) for r in right]


def add_corner_closes(
    dets: list[Detection], zoomed: list[Detection], cfg: ZoomConfig, nms_iou: float = 0.5
) -> list[Detection]:
    """``dets`` with every close of the corner looks (``zoomed``, screen pixels) that scores at least ``accept``
    and has no zoomed ja_char on its box (IoU >= ``match_iou``) reaching ``text_veto``, merged again
    (``merge_detections``: one that duplicates a detection of the frame is one box, the higher score)."""
    texts = [z for z in zoomed if z.label == "ja_char" and z.score >= cfg.text_veto]
    new = [z for z in zoomed if z.label == "close" and z.score >= cfg.accept and not _on_box(texts, z.box, cfg)]
    return merge_detections(dets + new, nms_iou) if new else dets


def refine_targets(dets: list[Detection], cfg: ZoomConfig) -> list[Detection]:
    """The close and skip detections whose boxes get refined: score at least ``refine_min``, best first, at most
    ``refine`` (none when ``refine`` is 0)."""
    if not cfg.refine:
        return []
    targets = [d for d in dets if d.label in ("close", "skip") and d.score >= cfg.refine_min]
    return sorted(targets, key=lambda d: -d.score)[: cfg.refine]


def refine(
    dets: list[Detection],
    targets: list[Detection],
    zoomed: list[Detection],
    cfg: ZoomConfig,
    nms_iou: float = 0.5,
) -> list[Detection]:
    """``dets`` with the box of each of ``targets`` moved ``refine_weight`` of the way to the best-scoring zoomed
    detection of its class on it (IoU >= ``match_iou``; ``zoomed`` in screen pixels), scores and labels unchanged;
    merged again (``merge_detections``), so two boxes of one button that now agree are one."""
    w = cfg.refine_weight
    new: dict[int, Detection] = {}
    for t in targets:
        best = max((z for z in _on_box(zoomed, t.box, cfg) if z.label == t.label), key=lambda z: z.score, default=None)
        if best is not None:
            a, b = t.box, best.box
            mix = [(1 - w) * p + w * q for p, q in zip((a.x1, a.y1, a.x2, a.y2), (b.x1, b.y1, b.x2, b.y2), strict=True)]
            new[id(t)] = Detection(Box(*mix), t.label, t.score)
    return _replaced(dets, new, nms_iou)


def _on_box(zoomed: list[Detection], box: Box, cfg: ZoomConfig) -> list[Detection]:
    """The zoomed detections on ``box``: IoU with it at least ``match_iou``."""
    return [z for z in zoomed if z.box.iou(box) >= cfg.match_iou]


def _replaced(dets: list[Detection], new: dict[int, Detection], nms_iou: float) -> list[Detection]:
    """``dets`` with each detection keyed in ``new`` by its ``id`` replaced, merged again (``merge_detections``);
    ``dets`` itself when nothing is."""
    if not new:
        return dets
    return merge_detections([new.get(id(d), d) for d in dets], nms_iou)
