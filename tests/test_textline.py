"""Where a mark sits among characters: a text box beside it in its line (detector.textline), and a glyph of its ink
beside it in its row of pixels and whether it is bare (detector.glyphs), on small drawn images with exact boxes."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from detector.glyphs import bare_mark, bare_mark_in_row, glyph_beside
from detector.textline import beside_in_line
from detector.types import Box

X = Box(200, 200, 240, 240)  # a 40-px mark


def _screen(background: int = 245) -> np.ndarray:
    return np.full((440, 440, 3), background, np.uint8)


def _x(img: np.ndarray, box: Box = X, color=(40, 40, 40), thickness: int = 5) -> np.ndarray:
    x1, y1, x2, y2 = (int(v) for v in (box.x1, box.y1, box.x2, box.y2))
    cv2.line(img, (x1 + 4, y1 + 4), (x2 - 4, y2 - 4), color, thickness)
    cv2.line(img, (x2 - 4, y1 + 4), (x1 + 4, y2 - 4), color, thickness)
    return img


def _bar(img: np.ndarray, x: int, top: int = 196, bottom: int = 244, color=(40, 40, 40)) -> np.ndarray:
    """A digit "1": a 10-px bar of ink."""
    cv2.rectangle(img, (x, top), (x + 10, bottom), color, -1)
    return img


def test_a_lone_mark_has_no_glyph_beside_it():
    assert not glyph_beside(_x(_screen()), X, 1.0)


@pytest.mark.parametrize(
    ("left", "reach", "found", "why"),
    [
        (250, 0.5, True, "a digit 10 px right of it: '×1'"),
        (270, 0.5, False, "30 px away: more than half its side"),
        (270, 1.0, True, "within a whole side"),
        (180, 0.5, True, "left of it: '1×'"),
        (250, 0.0, False, "0: the guard off"),
    ],
)
def test_a_digit_beside_the_mark_is_a_glyph_in_its_row(left, reach, found, why):
    assert glyph_beside(_x(_bar(_screen(), left)), X, reach) is found, why


def test_a_glyph_above_or_below_is_not_in_its_row():
    img = _x(_bar(_screen(), 250, top=120, bottom=168))  # a line higher: its centre 76 px above the mark's
    assert not glyph_beside(img, X, 1.0)


def test_light_ink_on_dark_is_found_as_dark_ink_on_light():
    img = _x(_bar(_screen(25), 250, color=(120, 120, 120)), color=(120, 120, 120))  # grey "×1" on near-black
    assert glyph_beside(img, X, 0.5)
    assert glyph_beside(img[..., 0], X, 0.5)  # a grey image too


def test_a_glyph_over_a_photos_edge_is_found_by_the_marks_own_colour():
    """A muted speaker: the dark speaker half over a blue photo, the x on white. Ink is the x's colour, so the photo
    (which reaches the window's edge) is background and the speaker a glyph."""
    img = _screen()
    img[:, :185] = (40, 90, 160)  # the photo, left of the x
    _bar(img, 168, top=204, bottom=236)  # the speaker, dark, from the photo to 22 px left of the x
    cv2.rectangle(img, (178, 198), (190, 242), (40, 40, 40), -1)
    assert glyph_beside(_x(img), X, 0.5)
    alone = _x(_screen())
    alone[:, :185] = (40, 90, 160)  # the photo alone
    assert not glyph_beside(alone, X, 0.5)


def test_the_marks_plate_and_a_card_edge_are_no_glyphs():
    img = _screen()
    cv2.circle(img, (220, 220), 26, (180, 180, 180), -1)  # the plate, wider than the box
    _x(img, color=(255, 255, 255))
    cv2.rectangle(img, (0, 150), (300, 440), (90, 120, 200), 3)  # a card's border through the window, to its edges
    assert not glyph_beside(img, X, 1.0)


def test_a_tiny_box_and_the_screens_edge():
    assert not glyph_beside(_screen(), Box(10, 10, 11, 11), 1.0)  # under 2 px: nothing to measure
    img = _x(_bar(_screen(), 50), Box(0, 200, 40, 240))  # the window clipped at the screen's left edge
    assert glyph_beside(img, Box(0, 200, 40, 240), 0.5)


def test_beside_in_line_needs_a_box_of_its_height_in_its_line():
    assert beside_in_line(X, [Box(246, 198, 286, 242)], 0.5)
    assert not beside_in_line(X, [Box(246, 198, 286, 242)], 0.0)
    assert not beside_in_line(X, [Box(246, 140, 286, 184)], 0.5)  # the line above
    assert not beside_in_line(X, [Box(202, 200, 238, 240)], 0.5)  # on the mark itself: no neighbour


def test_a_bare_x_is_bare_and_a_plated_or_ringed_one_is_not():
    assert bare_mark(_x(_screen()), X)  # strokes on the page, boxed tightly
    plated = _screen()
    cv2.circle(plated, (220, 220), 20, (120, 120, 120), -1)  # a grey disc filling the box
    assert not bare_mark(_x(plated, color=(255, 255, 255)), X)
    ringed = _screen()
    cv2.circle(ringed, (220, 220), 18, (40, 40, 40), 3)  # an outline circle around the x
    assert not bare_mark(_x(ringed, Box(208, 208, 232, 232), thickness=3), X)
    squared = _screen()
    cv2.rectangle(squared, (201, 201), (238, 238), (40, 40, 40), 3)  # an x in a square outline
    assert not bare_mark(_x(squared, Box(208, 208, 232, 232), thickness=3), X)


def test_the_guard_is_bare_and_glyph_measured_once():
    """bare_mark_in_row measures the mark in one window for both tests: the same answers as the two tests apart."""
    bare_with_digit = _x(_bar(_screen(), 250))
    plated_with_digit = _bar(_screen(), 250)
    cv2.circle(plated_with_digit, (220, 220), 20, (120, 120, 120), -1)
    _x(plated_with_digit, color=(255, 255, 255))
    for img, want in ((bare_with_digit, True), (plated_with_digit, False), (_x(_screen()), False)):
        for reach in (0.0, 0.5, 1.0):
            both = bare_mark(img, X) and glyph_beside(img, X, reach)
            assert bare_mark_in_row(img, X, reach) is both is (want and reach > 0)
