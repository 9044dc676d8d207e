"""The closer look at close candidates under the threshold (detector.zoom): the square geometry with exact numbers,
which candidates are looked at, how zoomed detections rescore them, how they refine the best boxes, and that the
engine's crops map back."""

from __future__ import annotations

from dataclasses import astuple, replace

import numpy as np
import pytest
import torch
from torchvision.ops import box_iou

import detector.engine as engine
from detector.engine import Detector, InferenceConfig
from detector.tiling import Tile, merge_detections
from detector.types import Box, Detection
from detector.zoom import (
    ZoomConfig,
    add_coarse,
    add_corner_closes,
    apply,
    candidates,
    coarse_blocked,
    coarse_geometry,
    coarse_targets,
    corner_boxes,
    corner_looks,
    refine,
    refine_targets,
    usable,
    zoom_square,
)

from .conftest import VERIFIER, record_batches

Z = ZoomConfig()  # context 4, box 135 px, band [0.1, 0.66), accept 0.9, text veto 0.2, IoU 0.4, 4 crops, refine 3


@pytest.mark.parametrize(
    ("box", "square"),
    [
        (Box(500, 1000, 540, 1030), Tile.square(440, 935, 160)),  # middle: 4 x 40 px, centred on (520, 1015)
        (Box(1040, 10, 1070, 40), Tile.square(960, 0, 120)),  # top-right corner: moved inside, still 120 px
        (Box(0, 2370, 20, 2400), Tile.square(0, 2280, 120)),  # bottom-left corner, 30 px high
        (Box(100, 100, 500, 500), Tile.square(0, 0, 1080)),  # 4 x 400 = 1600 px: the screen's short side
        (Box(10, 10, 11, 11), Tile.square(6, 6, 8)),  # never under 8 px
    ],
)
def test_zoom_square_exact_numbers(box, square):
    got = zoom_square(box, 1080, 2400, 4.0)
    assert got == square
    assert got.x >= 0 and got.x + got.w <= 1080 and got.y >= 0 and got.y + got.h <= 2400


def _det(label, score, x=100.0, y=100.0, s=40.0):
    return Detection(Box(x, y, x + s, y + s), label, score)


def test_candidates_are_close_in_the_band_best_first_capped():
    dets = [
        _det("close", 0.05),  # under the band
        _det("close", 0.3, x=200),
        _det("close", 0.59, x=300),
        _det("skip", 0.4, x=500),  # skips are not looked at
        _det("skip", 0.9, x=400),  # nor does a confident skip stop the closer look
        _det("ja_char", 0.5, x=600),
        _det("close", 0.1, x=700),
        _det("close", 0.2, x=800),
        _det("close", 0.15, x=900),
    ]
    got = candidates(dets, Z)
    assert [d.score for d in got] == [0.59, 0.3, 0.2, 0.15]  # 0.1 is the fifth: max_crops 4
    assert candidates(dets, ZoomConfig(low=0.25, high=0.5)) == []  # 0.59 >= high: the frame has a close to tap
    assert candidates(dets, ZoomConfig(low=0.25, high=0.6)) == [dets[2], dets[1]]
    assert candidates([*dets, _det("close", 0.66, x=950)], Z) == []  # a close at the threshold: no closer look


def test_apply_raises_a_candidate_confirmed_on_its_box():
    c = _det("close", 0.3)
    other = _det("close", 0.45, x=500)
    skip = _det("skip", 0.7, x=800)
    dets = [skip, other, c]
    zoomed = [Detection(Box(102, 98, 141, 139), "close", 0.95)]  # IoU with c ~0.86
    out = apply(dets, [c, other], zoomed, Z)
    # only c raised, and it takes the zoomed look's box; merged again, so best first
    assert out == [zoomed[0], skip, other]


def test_a_raised_loose_box_and_the_box_it_duplicates_become_one():
    """A loose candidate around a close the frame already has at 0.8: its zoomed box is that close, so after the
    merge one detection is left (the zoomed one), not a confident duplicate beside it."""
    tight = _det("close", 0.8, x=100, y=100, s=40)
    loose = Detection(Box(90, 90, 150, 150), "close", 0.3)  # IoU with tight 0.44: not merged before
    zoomed = [Detection(Box(99, 101, 140, 141), "close", 0.93)]  # IoU with loose ~0.46, with tight ~0.93
    assert apply([tight, loose], [loose], zoomed, Z) == [zoomed[0]]


@pytest.mark.parametrize(
    ("zoomed", "why"),
    [
        ([Detection(Box(100, 100, 140, 140), "close", 0.89)], "under accept"),
        ([Detection(Box(130, 130, 170, 170), "close", 0.99)], "another box (IoU ~0.07)"),
        (
            [Detection(Box(100, 100, 140, 140), "close", 0.99), Detection(Box(101, 100, 139, 140), "ja_char", 0.2)],
            "Japanese text on the box",
        ),
        ([Detection(Box(100, 100, 140, 140), "skip", 0.99)], "a skip is not a close"),
        ([], "nothing seen"),
    ],
)
def test_apply_leaves_the_candidate_alone(zoomed, why):
    c = _det("close", 0.3)
    assert apply([c], [c], zoomed, Z) == [c], why


@pytest.mark.parametrize(
    ("text", "gap", "raised", "why"),
    [
        (Box(146, 98, 188, 142), 0.5, False, "a character 6 px right of it in its line"),
        (Box(52, 100, 94, 140), 0.5, False, "one left of it (the end of a line)"),
        (Box(170, 98, 212, 142), 0.5, True, "30 px away: more than half a character height"),
        (Box(170, 98, 212, 142), 1.0, False, "within a whole character height"),
        (Box(146, 40, 188, 84), 0.5, True, "on the line above"),
        (Box(146, 0, 300, 400), 0.5, True, "a box 10x its height is no character of its line"),
        (Box(146, 98, 188, 142), 0.0, True, "0: the guard off"),
    ],
)
def test_apply_does_not_raise_a_close_in_a_line_of_text(text, gap, raised, why):
    """A "×" written in a sentence, magnified, is a confident close: a candidate with a character beside it in its
    line keeps its score, whether the character is the frame's or the closer look's."""
    c = _det("close", 0.3)  # (100, 100) - (140, 140)
    best = Detection(Box(100, 100, 140, 140), "close", 0.97)
    cfg = replace(Z, text_line_gap=gap)
    char = Detection(text, "ja_char", 0.6)
    for dets, zoomed in (([c, char], [best]), ([c], [best, char])):
        assert (apply(dets, [c], zoomed, cfg)[0] == best) is raised, why


def test_apply_asks_the_glyph_test_about_the_zoomed_box_only_of_what_it_would_raise():
    c, weak = _det("close", 0.3), _det("close", 0.2, x=500)
    best = Detection(Box(101, 100, 140, 141), "close", 0.97)
    asked = []

    def glyph(box):
        asked.append(box)
        return True

    assert apply([c, weak], [c, weak], [best], Z, glyph=glyph) == [c, weak]  # a glyph beside it: not raised
    assert asked == [best.box]  # weak has no zoomed close at accept: nothing to ask
    assert apply([c], [c], [best], Z, glyph=lambda box: False) == [best]


def test_apply_never_lowers():
    c = _det("close", 0.95)
    assert apply([c], [c], [Detection(c.box, "close", 0.91)], Z) == [c]


def test_refine_targets_are_the_best_closes_and_skips_over_the_floor():
    dets = [
        _det("close", 0.95, x=100),
        _det("ja_char", 0.99, x=200),  # text is never refined
        _det("skip", 0.8, x=300),
        _det("close", 0.29, x=400),  # under refine_min 0.3
        _det("skip", 0.5, x=500),
        _det("close", 0.4, x=600),  # the fourth: refine 3
    ]
    assert refine_targets(dets, Z) == [dets[0], dets[2], dets[4]]
    assert refine_targets(dets, ZoomConfig(refine=1)) == [dets[0]]
    assert refine_targets(dets, ZoomConfig(refine=8, refine_min=0.25)) == [dets[0], dets[2], dets[4], dets[5], dets[3]]
    assert refine_targets(dets, ZoomConfig(refine=0)) == []


def test_refine_moves_each_box_halfway_to_its_zoomed_fit():
    """A 40-px box whose zoomed look boxes it 30 px (IoU 0.56) becomes the mean of the two, score and label kept;
    the zoomed look's own score does not matter, only which zoomed box is best on it."""
    loose = Detection(Box(100, 100, 140, 140), "close", 0.9)
    skip = Detection(Box(500, 500, 580, 540), "skip", 0.8)
    text = Detection(Box(800, 800, 830, 830), "ja_char", 0.7)
    zoomed = [
        Detection(Box(104, 106, 134, 136), "close", 0.6),  # the best close on it
        Detection(Box(102, 102, 138, 138), "close", 0.5),
        Detection(Box(100, 100, 140, 140), "skip", 0.99),  # another class: not a fit of a close
        Detection(Box(510, 500, 590, 540), "skip", 0.3),  # IoU 0.78 with the skip
    ]
    out = refine([loose, skip, text], [loose, skip], zoomed, Z)
    assert out == [
        Detection(Box(102, 103, 137, 138), "close", 0.9),
        Detection(Box(505, 500, 585, 540), "skip", 0.8),
        text,
    ]
    whole = refine([loose], [loose], zoomed, ZoomConfig(refine_weight=1.0))
    assert whole == [Detection(Box(104, 106, 134, 136), "close", 0.9)]
    assert refine([loose], [loose], zoomed, ZoomConfig(refine_weight=0.0)) == [loose]


@pytest.mark.parametrize(
    ("zoomed", "why"),
    [
        ([Detection(Box(130, 130, 170, 170), "close", 0.99)], "another box (IoU ~0.07)"),
        ([Detection(Box(100, 100, 140, 140), "skip", 0.99)], "a skip is not a close's fit"),
        ([], "nothing seen"),
    ],
)
def test_refine_leaves_a_box_without_a_zoomed_fit(zoomed, why):
    c = _det("close", 0.9)
    dets = [c, _det("skip", 0.7, x=500)]
    assert refine(dets, [c], zoomed, Z) is dets, why


def test_two_boxes_of_one_button_that_agree_once_refined_become_one():
    """A 29-px x found at 0.92 and a loose 48-px box around it at 0.72 (IoU 0.37: both kept by the merge at 0.5):
    refined towards the same zoomed fit, they overlap more than nms_iou and the better one is left."""
    tight = Detection(Box(100, 100, 129, 129), "close", 0.92)
    loose = Detection(Box(91, 91, 139, 139), "close", 0.72)
    assert tight.box.iou(loose.box) < 0.5
    zoomed = [Detection(Box(99, 99, 130, 130), "close", 0.97)]
    out = refine([tight, loose], [tight, loose], zoomed, Z)
    assert out == [Detection(Box(99.5, 99.5, 129.5, 129.5), "close", 0.92)]


@pytest.mark.parametrize(
    ("how", "sides"),
    [("none", (324, 203, 320, 10)), ("nearest", (320, 192, 320, 32)), ("up", (352, 224, 320, 32))],
)
def test_a_closer_looks_side_is_rounded_to_whole_cells_as_asked(how, sides):
    """324 model px (the closer look's 4 x 135 reference px) is 10.125 cells of 32: to the nearest whole number
    320, up 352; the refining look's 203 (6.34 cells) 192 or 224; a side of whole cells stays, and rounded none is
    under one cell ("none" leaves every side as it is)."""
    from detector.zoom import whole_cells

    assert tuple(whole_cells(s, 32, how) for s in (324, 203, 320, 10)) == sides


@pytest.mark.parametrize(("how", "side", "refining"), [("none", 324, 203), ("nearest", 320, 192), ("up", 352, 224)])
def test_the_engines_closer_look_takes_the_whole_cells_setting(tiny_weights, how, side, refining):
    zoom = ZoomConfig(whole_cells=how)
    det = Detector.load(tiny_weights, InferenceConfig(runtime="torch", zoom=zoom))
    assert det.zoom_input_side(1080, 2400) == side and det.zoom_input_side(720, 1600) == side
    assert det.zoom_input_side(1080, 2400, 2.5) == refining
    seen = []

    def runner(batch: np.ndarray):  # no detections: only the squares' shape matters here
        seen.append(batch.shape)
        n, a = len(batch), det.anchors(batch.shape[1:3]).shape[0]
        return torch.zeros(n, a, 4), torch.zeros(n, a, 4)

    det.runner = runner
    det.look_closer(np.zeros((2400, 1080, 3), np.uint8), [Box(500, 1000, 540, 1040)], verify=False)
    assert seen == [(1, side, side, 3)]


@pytest.mark.parametrize(("how", "side"), [("none", 324), ("nearest", 320), ("up", 352)])
def test_the_corner_look_alone_takes_the_corner_cells_setting(tiny_weights, how, side):
    """``corner_cells`` sizes the corner look's squares only: the candidates' and refining looks stay 324 and 203
    (``whole_cells`` none), and a whole frame's corner look sends its four squares at the corner side."""
    det = Detector.load(tiny_weights, InferenceConfig(runtime="torch", zoom=ZoomConfig(corner_cells=how)), VERIFIER)
    assert det.zoom_input_side(1080, 2400, cells=det.cfg.zoom.corner_cells) == side
    assert det.zoom_input_side(1080, 2400) == 324 and det.zoom_input_side(1080, 2400, 2.5) == 203
    shapes = []

    def runner(batch: np.ndarray):  # nothing found anywhere: every look runs, the corners' among them
        shapes.append(batch.shape)
        n, a = len(batch), det.anchors(batch.shape[1:3]).shape[0]
        scores = torch.zeros(n, a, 4)
        scores[..., 0] = 1.0
        return torch.zeros(n, a, 4), scores

    det.runner = runner
    det.detect(np.zeros((2400, 1080, 3), np.uint8))
    assert (4, side, side, 3) in shapes


@pytest.mark.parametrize(("context", "side"), [(None, 324), (2.5, 203)])
def test_engine_crops_are_magnified_squares_that_map_back(tiny_weights, context, side):
    """look_closer cuts one square per candidate, all at the zoom's input side in one batch, and the origins it
    decodes with put a pixel of the crop back where it came from on the screen. A smaller context (the refining
    look's 2.5) cuts a smaller square at the same magnification."""
    det = Detector.load(tiny_weights, InferenceConfig(runtime="torch"))
    w, h = 1080, 2400
    assert det.zoom_input_side(w, h) == 324  # 4 x 135 reference px at the training scale (0.6 model px a pixel)
    assert det.zoom_input_side(1440, 3120) == 324 and det.zoom_input_side(720, 1600) == 324
    assert det.zoom_input_side(w, h, 2.5) == 203  # 2.5 x 135 = 338 reference px
    img = np.zeros((h, w, 3), np.uint8)
    marks = [Box(500, 1000, 540, 1040), Box(1050, 5, 1074, 29)]  # a 40-px mark mid-screen, a 24-px one in a corner
    for b in marks:
        img[int(b.y1) : int(b.y2), int(b.x1) : int(b.x2)] = 255
    seen: list[np.ndarray] = []

    def runner(batch: np.ndarray):
        seen.append(batch.copy())
        n = len(batch)
        a = det.anchors(batch.shape[1:3]).shape[0]
        return torch.zeros(n, a, 4), torch.zeros(n, a, 4)  # no detections

    det.runner = runner
    assert det.look_closer(img, marks, context) == []
    (batch,) = seen  # one forward pass for both
    assert batch.shape == (2, side, side, 3)
    for b, crop in zip(marks, batch, strict=True):
        sq = zoom_square(b, w, h, context or Z.context)
        k = sq.w / side
        ys, xs = np.nonzero(crop[..., 0] > 127)
        got = (sq.x + xs.min() * k, sq.y + ys.min() * k, sq.x + (xs.max() + 1) * k, sq.y + (ys.max() + 1) * k)
        assert got == pytest.approx((b.x1, b.y1, b.x2, b.y2), abs=1.5)
        # the mark is magnified to 135 reference px (81 model px) whatever the context
        assert xs.max() + 1 - xs.min() == pytest.approx(81, abs=2)


def test_detect_with_zoom_only_replaces_close_candidates_in_the_band(tiny_weights):
    """The same frame with the closer look off and on: one crop per candidate of the frame without it; every
    detection with it is one of the frame without it or a raised close candidate; nothing else changes. (That it
    does raise real small closes is tests/test_shipped_weights.py's: an untrained network has nothing to raise.)"""
    img = np.random.default_rng(0).integers(0, 256, (2400, 1080, 3), dtype=np.uint8)
    off = Detector.load(tiny_weights, InferenceConfig(runtime="torch", zoom=ZoomConfig(enabled=False)), VERIFIER)
    # an untrained network scores everything low: look at every close, accept any zoomed close scoring more
    loose = ZoomConfig(low=0.0, high=1.0, accept=0.0, max_crops=8, corners=0, refine=0)
    on = Detector.load(tiny_weights, InferenceConfig(runtime="torch", zoom=loose), VERIFIER)
    r_off, r_on = off.detect(img), on.detect(img)
    assert r_off.timings.zoom_crops == 0
    assert r_on.timings.zoom_crops == len(candidates(r_off.detections, on.cfg.zoom)) > 0
    before = set(r_off.detections)
    raised = [d for d in r_on.detections if d not in before]
    assert all(d.label == "close" for d in raised)
    assert len(raised) <= r_on.timings.zoom_crops
    assert len(r_on.detections) <= len(r_off.detections) + len(raised)
    untouched = [d for d in r_off.detections if d.label != "close"]
    assert all(d in r_on.detections for d in untouched)


@pytest.mark.parametrize("glyph_found", [True, False])
def test_detect_asks_the_glyph_test_on_the_frame_before_raising(tiny_weights, monkeypatch, glyph_found):
    """With ``glyph_reach`` set, the engine asks :func:`detector.glyphs.bare_mark_in_row` about each close it would
    raise, on the frame itself and with that reach, and raises it only when no glyph is found. (The closer look is
    faked to confirm every candidate at 0.99: an untrained network has nothing to raise.)"""
    img = np.random.default_rng(0).integers(0, 256, (2400, 1080, 3), dtype=np.uint8)
    loose = ZoomConfig(low=0.0, high=1.0, max_crops=8, corners=0, refine=0, coarse=0, glyph_reach=1.0)
    det = Detector.load(tiny_weights, InferenceConfig(runtime="torch", zoom=loose), VERIFIER)
    monkeypatch.setattr(det, "look_closer", lambda image, boxes, **kw: [Detection(b, "close", 0.99) for b in boxes])
    asked = []

    def glyph(image, box, reach):
        asked.append((image is img, box, reach))
        return glyph_found

    monkeypatch.setattr(engine, "bare_mark_in_row", glyph)
    got = det.detect(img)
    assert got.timings.zoom_crops > 0 and len(asked) == got.timings.zoom_crops
    assert {(same, reach) for same, _, reach in asked} == {(True, 1.0)}
    raised = [d for d in got.detections if d.score == 0.99]
    assert (raised == []) is glyph_found  # every candidate raised without a glyph beside it, none with one


@pytest.mark.parametrize(
    ("size", "corners", "squares"),
    [
        (
            (1080, 2400),
            4,
            [Tile.square(0, 0, 280), Tile.square(800, 0, 280), Tile.square(0, 2120, 280), Tile.square(800, 2120, 280)],
        ),
        ((1080, 2400), 2, [Tile.square(0, 0, 280), Tile.square(800, 0, 280)]),  # the top two first
        (
            (720, 1600),
            4,
            [Tile.square(0, 0, 187), Tile.square(533, 0, 187), Tile.square(0, 1413, 187), Tile.square(533, 1413, 187)],
        ),
        ((2400, 1080), 2, [Tile.square(0, 0, 280), Tile.square(2120, 0, 280)]),  # landscape: the short side scales
        ((1080, 2400), 0, []),
    ],
)
def test_corner_looks_are_the_squares_in_the_screen_corners(size, corners, squares):
    """70 reference px on each corner (46.7 on a 720-px-wide screen), 4 x that a side: the corners' squares."""
    w, h = size
    boxes = corner_boxes(w, h, ZoomConfig(corners=corners))
    assert [zoom_square(b, w, h, Z.context) for b in boxes] == squares


def test_corner_closes_join_when_sure_and_not_text():
    frame = [_det("close", 0.4, 500, 1000), _det("skip", 0.95, 900, 2300)]
    sure, unsure = _det("close", 0.93, 1040, 40, 24), _det("close", 0.85, 40, 40, 24)
    text_close, text = _det("close", 0.95, 40, 2360, 24), _det("ja_char", 0.3, 41, 2361, 24)
    assert set(add_corner_closes(frame, [sure, unsure, text_close, text], Z)) == {sure, *frame}
    assert add_corner_closes(frame, [unsure], Z) is frame  # nothing sure enough: the frame as it was
    # a corner close on a box the frame has already: one box, the higher score
    again = _det("close", 0.97, 500, 1000)
    assert set(add_corner_closes(frame, [again], Z)) == {again, frame[1]}


def test_detect_looks_at_the_corners_only_without_a_sure_close(tiny_weights):
    """With no close at ``accept`` the four corner squares are looked at besides the candidates, in one more batch;
    a frame with a close at ``accept`` gets no corner look. (Which corner closes join: the test above; that real ones
    do: tests/test_shipped_weights.py.)"""
    img = np.random.default_rng(0).integers(0, 256, (2400, 1080, 3), dtype=np.uint8)
    unsure = ZoomConfig(low=0.0, high=1.0, accept=1.0, max_crops=8, refine=0, coarse=0.0)  # nothing scores 1.0
    without = Detector.load(tiny_weights, InferenceConfig(runtime="torch", zoom=replace(unsure, corners=0)), VERIFIER)
    on = Detector.load(tiny_weights, InferenceConfig(runtime="torch", zoom=unsure), VERIFIER)
    r_without, r_on = without.detect(img), on.detect(img)
    assert r_without.timings.zoom_crops > 0
    assert r_on.timings.zoom_crops == r_without.timings.zoom_crops + 4
    assert r_on.detections == r_without.detections
    sure = replace(unsure, accept=0.0)  # every close is sure: no corner look (the candidates' squares still run)
    assert any(d.label == "close" for d in r_without.detections)
    r_sure = Detector.load(tiny_weights, InferenceConfig(runtime="torch", zoom=sure), VERIFIER).detect(img)
    assert r_sure.timings.zoom_crops == r_without.timings.zoom_crops


@pytest.mark.parametrize(
    ("mirror", "corners", "flags"),
    [
        ("none", 4, [False, False, False, False]),
        ("right", 4, [False, True, False, True]),  # top right and bottom right
        ("right", 2, [False, True]),
        ("left", 4, [True, False, True, False]),  # top left and bottom left
        ("both", 4, [False] * 4 + [True] * 4),
        ("both", 0, []),
    ],
)
def test_which_corner_squares_are_mirrored(mirror, corners, flags):
    """The corner look's boxes and one flag each; with ``both`` each corner twice, the second time mirrored."""
    z = ZoomConfig(corners=corners, corner_mirror=mirror)
    boxes, mirrored = corner_looks(1080, 2400, z)
    assert mirrored == flags
    assert boxes == corner_boxes(1080, 2400, z) * (2 if mirror == "both" else 1)


@pytest.mark.parametrize("size", [(1080, 2400), (2400, 1080), (720, 1600)])
def test_right_mirrors_exactly_the_squares_right_of_the_middle(size):
    w, h = size
    boxes, mirrored = corner_looks(w, h, ZoomConfig(corner_mirror="right"))
    assert mirrored == [(b.x1 + b.x2) / 2 > w / 2 for b in boxes] and sum(mirrored) == 2
    _, left = corner_looks(w, h, ZoomConfig(corner_mirror="left"))
    assert left == [not m for m in mirrored]


def test_a_box_mirrored_on_its_screen():
    assert Box(10, 20, 40, 60).mirrored(1080) == Box(1040, 20, 1070, 60)


def test_a_mirrored_square_is_the_mirrored_screen_s_square_mapped_back(tiny_weights):
    """look_closer with ``mirror``: the network sees the square mirrored left to right, and its boxes come back in
    screen pixels, x1 < x2: exactly the look at the same corner of the mirrored screen, mirrored back."""
    det = Detector.load(tiny_weights, InferenceConfig(runtime="torch", min_score=0.0))
    w, h = 1080, 2400
    img = np.random.default_rng(3).integers(0, 256, (h, w, 3), dtype=np.uint8)
    boxes = corner_boxes(w, h, Z)  # top left, top right, bottom left, bottom right
    mirrored = det.look_closer(img, boxes, verify=False, mirror=[True] * 4)
    flipped = np.ascontiguousarray(img[:, ::-1])
    plain = det.look_closer(flipped, [boxes[1], boxes[0], boxes[3], boxes[2]], verify=False)  # corners swap sides
    assert mirrored  # an untrained network at min_score 0: boxes everywhere
    assert all(d.box.x1 < d.box.x2 for d in mirrored)

    def key(d: Detection) -> tuple:
        return (d.label, round(d.score, 5), round(d.box.y1, 2), round(d.box.x1, 2))

    back = [replace(d, box=d.box.mirrored(w)) for d in plain]
    got, want = sorted(mirrored, key=key), sorted(back, key=key)
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        assert (a.label, a.score) == (b.label, pytest.approx(b.score, abs=1e-5))
        assert astuple(a.box) == pytest.approx(astuple(b.box), abs=1e-2)


def test_detect_looks_at_each_corner_twice_with_both(tiny_weights):
    """``corner_mirror: both``: the corner look is one batch of 8 squares, the last four the first four mirrored."""
    img = np.random.default_rng(0).integers(0, 256, (2400, 1080, 3), dtype=np.uint8)
    unsure = ZoomConfig(low=0.0, high=0.0, accept=1.0, refine=0, coarse=0.0)  # no candidates' look, corners only
    once = Detector.load(tiny_weights, InferenceConfig(runtime="torch", zoom=unsure), VERIFIER)
    twice = Detector.load(
        tiny_weights, InferenceConfig(runtime="torch", zoom=replace(unsure, corner_mirror="both")), VERIFIER
    )
    batches = record_batches(twice, keep=True)
    r_once, r_twice = once.detect(img), twice.detect(img)
    assert (r_once.timings.zoom_crops, r_twice.timings.zoom_crops) == (4, 8)
    corners = batches[-1]
    assert corners.shape[0] == 8
    assert np.array_equal(corners[4:], corners[:4, :, ::-1])


def test_no_closer_look_without_the_verifier(tiny_weights):
    """It was measured with the verifier vetting what it raises; the network alone, magnified, took an "x2" price
    for a close at 0.96 (tests/test_faults.py's rotation run). Without a verifier it is off, whatever the config."""
    img = np.random.default_rng(0).integers(0, 256, (2400, 1080, 3), dtype=np.uint8)
    loose = ZoomConfig(low=0.0, high=1.0, accept=0.0, max_crops=8)
    alone = Detector.load(tiny_weights, InferenceConfig(runtime="torch", zoom=loose))
    assert not alone.cfg.zoom.enabled
    assert alone.detect(img).timings.zoom_crops == 0
    assert Detector.load(tiny_weights, InferenceConfig(runtime="torch", zoom=loose), VERIFIER).cfg.zoom.enabled


def _two_close_anchors(det: Detector) -> tuple[torch.Tensor, int, int]:
    """The anchors of a 1080x2400 frame's tiles and two ~30-px ones well inside a tile: the faint and the kept close
    a fake network scores (0.15 and 0.5) in the faint-candidate tests."""
    mh, mw = det.input_dims(det.plan(1080, 2400)[0], 1080, 2400)
    anchors = det.anchors((mh, mw))
    wh = anchors[:, 2:] - anchors[:, :2]
    mid = (anchors[:, :2] + anchors[:, 2:]) / 2
    far = torch.tensor([mw - 100, mh - 100])
    ok = ((wh - 30).abs().max(dim=1).values < 8) & (mid > 100).all(dim=1) & (mid < far).all(dim=1)
    a_faint, a_kept = torch.nonzero(ok).flatten()[[0, -1]].tolist()
    return anchors, a_faint, a_kept


def test_faint_candidates_it_does_not_raise_are_dropped_again(tiny_weights):
    """A network scoring one close 0.15 (under min_score 0.2, decoded only for the closer look) and one 0.5: with a
    closer look that finds nothing, the 0.5 one is kept (rescored by the verifier) and the faint one is gone."""
    det = Detector.load(tiny_weights, InferenceConfig(runtime="torch"), VERIFIER)
    img = np.full((2400, 1080, 3), 200, np.uint8)
    anchors, a_faint, a_kept = _two_close_anchors(det)
    calls: list[int] = []

    def runner(batch: np.ndarray):
        calls.append(len(batch))
        n, a = len(batch), det.anchors(batch.shape[1:3]).shape[0]
        scores = torch.zeros(n, a, 4)
        scores[..., 0] = 1.0
        if len(calls) == 1:  # the whole-screen pass: tile 0 has both
            scores[0, a_faint] = torch.tensor([0.85, 0.15, 0.0, 0.0])
            scores[0, a_kept] = torch.tensor([0.5, 0.5, 0.0, 0.0])
        return torch.zeros(n, a, 4), scores

    det.runner = runner
    _, origins = det.cut(img, det.plan(1080, 2400))
    ox, oy, sx, sy = origins[0]
    expect = [
        Box(*(anchors[i] * torch.tensor([sx, sy, sx, sy]) + torch.tensor([ox, oy, ox, oy])).tolist())
        for i in (a_faint, a_kept)
    ]
    res = det.detect(img)
    boxes = [d.box for d in res.detections]
    assert not any(b.iou(expect[0]) > 0.9 for b in boxes)
    assert any(b.iou(expect[1]) > 0.9 for b in boxes)
    assert calls[0] == len(det.plan(1080, 2400))  # the tiles of the screen
    # the candidates' squares, the corners', then the whole screen once more (no sure close or skip: a coarse look)
    assert res.timings.coarse and res.timings.zoom_crops + 1 == sum(calls[1:])
    # the same network output at min_score 0.1 shows the faint one: it was there to drop
    det.cfg = InferenceConfig(runtime="torch", min_score=0.1)
    calls.clear()
    assert any(d.box.iou(expect[0]) > 0.9 for d in det.detect(img).detections)


@pytest.mark.parametrize(("kept_verified", "faint_verified"), [(0.9, False), (0.4, True)])
def test_faint_candidates_are_verified_only_when_a_closer_look_can_follow(tiny_weights, kept_verified, faint_verified):
    """Faint closes (under min_score) serve only the closer look, which a frame with a tappable close never gets:
    the verifier sees them only when no close reaches zoom.high after its first pass, and then only in the room
    (max_candidates) the stronger candidates left. (The refinement, off here, would show the verifier its crops too.)"""
    det = Detector.load(tiny_weights, InferenceConfig(runtime="torch", zoom=ZoomConfig(refine=0, coarse=0.0)), VERIFIER)
    img = np.full((2400, 1080, 3), 200, np.uint8)
    anchors, a_faint, a_kept = _two_close_anchors(det)
    pass_dims = det.input_dims(det.plan(1080, 2400)[0], 1080, 2400)

    def runner(batch: np.ndarray):
        n, a = len(batch), det.anchors(batch.shape[1:3]).shape[0]
        scores = torch.zeros(n, a, 4)
        scores[..., 0] = 1.0
        if batch.shape[1:3] == pass_dims:  # the whole-screen pass (the closer looks' squares are another size)
            scores[0, a_faint] = torch.tensor([0.85, 0.15, 0.0, 0.0])
            scores[0, a_kept] = torch.tensor([0.5, 0.5, 0.0, 0.0])
        return torch.zeros(n, a, 4), scores

    seen: list[tuple[list[float], int | None]] = []

    def rescore(image, dets, limit=None):  # a verifier that sets the kept close's score, records what it saw
        seen.append(([round(d.score, 2) for d in dets if d.label == "close"], limit))
        return [Detection(d.box, d.label, kept_verified if d.score > 0.2 else 0.05) for d in dets]

    det.runner = runner
    det.verifier.rescore = rescore
    det.detect(img)
    assert seen[0] == ([0.5], None)
    assert seen[1:2] == ([([0.15], det.verifier.max_candidates - 1)] if faint_verified else [])


def test_usable_keeps_the_text_and_the_closes_that_can_still_reach_accept():
    """sqrt(score x p) >= 0.9 needs a network score of 0.81 (p <= 1): the rest can not join once verified."""
    kept = [_det("close", 0.81), _det("close", 0.99, 300), _det("ja_char", 0.05, 500)]
    dropped = [_det("close", 0.8099), _det("skip", 0.99, 700)]
    assert usable(kept + dropped, 0.9) == kept
    assert usable(dropped, 0.9) == [] and usable(dropped, 0.5) == dropped[:1]


def test_the_verified_looks_show_the_verifier_only_what_they_can_use(tiny_weights):
    """The candidates' and the corners' looks take closes verified to ``accept`` and text: the verifier is shown
    their closes scoring accept squared (0.81) or more, and neither the others nor skips; their text stays."""
    det = Detector.load(tiny_weights, InferenceConfig(runtime="torch", zoom=ZoomConfig(refine=0, coarse=0.0)), VERIFIER)
    img = np.full((2400, 1080, 3), 200, np.uint8)
    _, _, a_kept = _two_close_anchors(det)
    pass_dims = det.input_dims(det.plan(1080, 2400)[0], 1080, 2400)
    side = det.zoom_input_side(1080, 2400)
    zoom_anchors = det.anchors((side, side))
    mid = (zoom_anchors[:, :2] + zoom_anchors[:, 2:]) / 2
    wh = zoom_anchors[:, 2:] - zoom_anchors[:, :2]
    apart = [i for i in range(len(zoom_anchors)) if (wh[i] - 40).abs().max() < 10]
    spots = [apart[0]] + [i for i in apart if (mid[i] - mid[apart[0]]).abs().min() > 60][:3]
    zoom_scores = {  # one square's boxes: two closes either side of 0.81, a sure skip, a character
        spots[0]: [0.15, 0.85, 0.0, 0.0],
        spots[1]: [0.2, 0.8, 0.0, 0.0],
        spots[2]: [0.01, 0.0, 0.99, 0.0],
        spots[3]: [0.5, 0.0, 0.0, 0.5],
    }

    def runner(batch: np.ndarray):
        n, a = len(batch), det.anchors(batch.shape[1:3]).shape[0]
        scores = torch.zeros(n, a, 4)
        scores[..., 0] = 1.0
        if batch.shape[1:3] == pass_dims:  # the whole-screen pass: one close candidate in the band
            scores[0, a_kept] = torch.tensor([0.5, 0.5, 0.0, 0.0])
        else:
            for i, v in zoom_scores.items():
                scores[:, i] = torch.tensor(v)
        return torch.zeros(n, a, 4), scores

    seen: list[list[tuple[str, float]]] = []

    def rescore(image, dets, limit=None):  # keeps the network's scores, records what it was shown
        seen.append(sorted((d.label, round(d.score, 2)) for d in dets))
        return dets

    det.runner = runner
    det.verifier.rescore = rescore
    res = det.detect(img)
    assert res.timings.zoom_crops == 1 + 4  # the candidate's square, then the corners'
    assert seen[0] == [("close", 0.5)]  # the whole-screen pass
    assert seen[1] == [("close", 0.85), ("ja_char", 0.5)]  # the candidate's look
    assert seen[2] == [("close", 0.85)] * 4 + [("ja_char", 0.5)] * 4  # the corners'


def test_detect_refines_the_best_boxes_last_in_one_more_batch(tiny_weights):
    """The same frame with the refinement off and on: one more crop per refine target of the frame without it (the
    other looks alike), and every detection with it has the label and score of one without it; only the targets'
    boxes can move. (That the refined boxes fit real buttons better: tests/test_shipped_weights.py.)"""
    img = np.random.default_rng(0).integers(0, 256, (2400, 1080, 3), dtype=np.uint8)
    base = ZoomConfig(low=0.0, high=1.0, accept=1.0, max_crops=8, refine=0, coarse=0.0)  # every candidate, none raised
    off = Detector.load(tiny_weights, InferenceConfig(runtime="torch", zoom=base), VERIFIER)
    on_cfg = replace(base, refine=4, refine_min=0.0)
    on = Detector.load(tiny_weights, InferenceConfig(runtime="torch", zoom=on_cfg), VERIFIER)
    r_off, r_on = off.detect(img), on.detect(img)
    targets = refine_targets(r_off.detections, on_cfg)
    assert len(targets) == 4
    assert r_on.timings.zoom_crops == r_off.timings.zoom_crops + 4
    kept = {(d.label, d.score) for d in r_off.detections}
    assert all((d.label, d.score) in kept for d in r_on.detections)
    moved = [d for d in r_on.detections if d not in r_off.detections]
    assert all(any((t.label, t.score) == (d.label, d.score) for t in targets) for d in moved)
    # the rest are kept, unless merged into a refined box of their class that now covers them (the merge's rule)
    for d in r_off.detections:
        if d not in targets and d not in r_on.detections:
            assert any(m.label == d.label and merge_detections([m, d]) == [m] for m in moved), d


@pytest.mark.parametrize(
    ("size", "scale", "geometry"),
    [
        # 0.7 x the training scale (0.6 model px a pixel at 1080 px wide): 453.6 px across, rounded to 14 cells
        ((1080, 2400), 0.42, (448 / 1080, (448, 996), (1024, 448))),
        ((2400, 1080), 0.42, (448 / 1080, (996, 448), (448, 1024))),  # landscape: the short side sets the scale
        ((720, 1600), 0.63, (448 / 720, (448, 996), (1024, 448))),  # the scale follows the screen: the same input
        ((1440, 3120), 0.315, (448 / 1440, (448, 971), (992, 448))),  # 970.67 rows, padded to 31 cells
        ((100, 100), 0.42, (0.32, (32, 32), (32, 32))),  # never under one cell
    ],
)
def test_coarse_geometry_exact_numbers(size, scale, geometry):
    k, resized, dims = coarse_geometry(*size, scale, 32)
    assert (k, resized, dims) == (pytest.approx(geometry[0]), geometry[1], geometry[2])


def test_coarse_targets_are_closes_and_skips_that_can_still_reach_accept():
    kept = [_det("close", 0.81), _det("skip", 0.95, 300)]
    dropped = [_det("close", 0.8), _det("skip", 0.5, 500), _det("ja_char", 0.99, 700)]
    assert coarse_targets(kept + dropped, 0.9) == kept


@pytest.mark.parametrize(
    ("frame", "blocked"),
    [
        ([_det("close", 0.9)], True),
        ([_det("skip", 0.95), _det("close", 0.3, 300)], True),  # a sure skip is a sure target too
        ([_det("close", 0.89), _det("skip", 0.89, 300), _det("ja_char", 0.99, 500)], False),
        ([], False),
    ],
)
def test_the_coarse_look_waits_for_a_frame_with_no_sure_close_or_skip(frame, blocked):
    assert coarse_blocked(frame, Z) is blocked


def test_coarse_closes_and_skips_join_when_sure():
    frame = [_det("close", 0.4, 500, 1000), _det("skip", 0.75, 900, 2300)]
    pill, skip = _det("close", 0.93, 300, 2000, 200), _det("skip", 0.95, 400, 200, 250)
    unsure, text = _det("close", 0.85, 40, 40), _det("ja_char", 0.99, 600, 600)
    assert set(add_coarse(frame, [pill, skip, unsure, text], Z)) == {pill, skip, *frame}
    assert add_coarse(frame, [unsure, text], Z) is frame  # nothing sure enough: the frame as it was
    again = _det("skip", 0.97, 900, 2300)  # the frame's skip seen again: one box, the higher score
    assert set(add_coarse(frame, [again], Z)) == {frame[0], again}


def test_the_coarse_look_sees_the_whole_screen_smaller_and_maps_back(tiny_weights):
    """One input of the whole screen at 0.7 x the training scale (448 x 996 px on 14 x 32 cells, padded grey to 32
    rows of cells), and a box the network finds there comes back in screen pixels; only closes and skips that can
    still reach ``accept`` are verified."""
    det = Detector.load(tiny_weights, InferenceConfig(runtime="torch"), VERIFIER)
    w, h = 1080, 2400
    img = np.zeros((h, w, 3), np.uint8)
    img[1000:1270, 270:540] = 255  # a 270-px button
    seen: list[np.ndarray] = []
    dims = (1024, 448)
    anchors = det.anchors(dims)
    k = 448 / 1080
    target = torch.tensor([270 * k, 1000 * k, 540 * k, 1270 * k])
    a = int(box_iou(anchors, target[None])[:, 0].argmax())

    def runner(batch: np.ndarray):
        seen.append(batch.copy())
        n, m = len(batch), det.anchors(batch.shape[1:3]).shape[0]
        reg, scores = torch.zeros(n, m, 4), torch.zeros(n, m, 4)
        scores[..., 0] = 1.0
        scores[0, a] = torch.tensor([0.05, 0.95, 0.0, 0.0])
        scores[0, (a + 7) % m] = torch.tensor([0.0, 0.0, 0.0, 1.0])  # text: never verified here
        return reg, scores

    shown: list[list[str]] = []

    def rescore(image, dets, limit=None):
        shown.append([d.label for d in dets])
        return dets

    det.runner = runner
    det.verifier.rescore = rescore
    found = det.look_coarse(img, 0.7 * det.training_scale(w, h))
    (batch,) = seen
    assert batch.shape == (1, 1024, 448, 3)
    assert (batch[0, 996:] == 114).all()  # the padding
    ys, xs = np.nonzero(batch[0, :996, :, 0] > 127)
    assert (xs.min() / k, ys.min() / k, (xs.max() + 1) / k, (ys.max() + 1) / k) == pytest.approx(
        (270, 1000, 540, 1270), abs=3
    )
    assert shown == [["close"]]
    (close,) = found
    box = anchors[a] * torch.tensor([w / 448, h / 996, w / 448, h / 996])  # the pixels the resize kept, each way
    assert (close.label, close.score) == ("close", pytest.approx(0.95))
    assert (close.box.x1, close.box.y1, close.box.x2, close.box.y2) == pytest.approx(box.tolist(), abs=0.5)


def test_the_coarse_look_shrinks_the_frame_the_tiles_were_cut_from(tiny_weights):
    """Given the frame as the strips were cut from it (672 x 1493, ``cut_from``), the coarse look shrinks that
    instead of the full frame: the same input size and nearly the same pixels (an area average of an area average);
    a ``shrunk`` too small to shrink from is ignored."""
    det = Detector.load(tiny_weights, InferenceConfig(runtime="torch"), VERIFIER)
    w, h = 1080, 2400
    img = np.random.default_rng(1).integers(0, 256, (h, w, 3), dtype=np.uint8)
    img[1000:1270, 270:540] = 255
    _, _, shrunk = det.cut_from(img, det.plan(w, h))
    assert shrunk.shape == (1493, 672, 3)
    seen: list[np.ndarray] = []

    def runner(batch: np.ndarray):
        seen.append(batch.copy())
        n, m = len(batch), det.anchors(batch.shape[1:3]).shape[0]
        return torch.zeros(n, m, 4), torch.zeros(n, m, 4)

    det.runner = runner
    scale = 0.7 * det.training_scale(w, h)
    for given in (None, shrunk, shrunk[:500, :300]):
        assert det.look_coarse(img, scale, given) == []
    full, from_shrunk, too_small = seen
    assert full.shape == from_shrunk.shape == (1, 1024, 448, 3)
    assert (too_small == full).all()
    diff = np.abs(full.astype(int) - from_shrunk.astype(int))
    assert 0 < diff.mean() < 8 and (from_shrunk[0, 996:] == 114).all()
    assert (from_shrunk[0, 420:520, 120:220] == 255).all()  # the button's middle, white either way


def test_detect_looks_coarse_only_without_a_sure_close(tiny_weights):
    """After the corners' look, a frame with still no close or skip at ``accept`` gets one coarse look, in one more
    batch; a frame with one at ``accept`` gets none, nor does ``coarse: 0``."""
    img = np.random.default_rng(0).integers(0, 256, (2400, 1080, 3), dtype=np.uint8)
    unsure = ZoomConfig(low=0.0, high=1.0, accept=1.0, max_crops=8, refine=0, coarse=0.0)  # nothing scores 1.0
    without = Detector.load(tiny_weights, InferenceConfig(runtime="torch", zoom=unsure), VERIFIER)
    on = Detector.load(tiny_weights, InferenceConfig(runtime="torch", zoom=replace(unsure, coarse=0.7)), VERIFIER)
    shapes_without, shapes_on = record_batches(without), record_batches(on)
    r_without, r_on = without.detect(img), on.detect(img)
    assert r_on.timings.zoom_crops == r_without.timings.zoom_crops and r_on.timings.coarse
    assert not r_without.timings.coarse
    assert shapes_on == [*shapes_without, (1, 1024, 448, 3)]  # one batch more, the whole screen, last
    assert r_on.detections == r_without.detections  # nothing reaches accept 1.0
    sure = replace(unsure, accept=0.0, coarse=0.7)  # every close and skip is sure: no corner look, no coarse look
    sure_on = Detector.load(tiny_weights, InferenceConfig(runtime="torch", zoom=sure), VERIFIER)
    sure_off = Detector.load(tiny_weights, InferenceConfig(runtime="torch", zoom=replace(sure, coarse=0.0)), VERIFIER)
    shapes_sure_on, shapes_sure_off = record_batches(sure_on), record_batches(sure_off)
    r_sure = sure_on.detect(img)
    sure_off.detect(img)
    assert any(d.label in ("close", "skip") for d in r_sure.detections)  # at accept 0 any of them is sure
    assert shapes_sure_on == shapes_sure_off and not r_sure.timings.coarse
