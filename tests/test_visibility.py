"""detector.synth.visibility: a label is kept only where its element shows, its box not all one colour (``drawn``,
closebot synth) or changed against the screen without it (``shown_box``, the browser sets). A white mark on a
transparent sprite over a white page drew nothing and was labelled: README "Training data"."""

from __future__ import annotations

import numpy as np
import pytest

from detector.synth.visibility import UNDRAWN_RANGE, drawn, shown_box
from detector.types import Box


def _page() -> np.ndarray:
    gray = np.full((100, 200), 255, np.uint8)
    gray[10:30, 10:30] = 255 - 5  # the faintest plate drawn on purpose: 5 grey levels under the page
    gray[50:60, 150:160] = 0  # a black mark
    return gray


def test_a_uniform_box_shows_nothing_and_a_faint_one_something() -> None:
    gray = _page()
    assert not drawn(gray, Box(40, 40, 140, 90))  # white on white
    assert drawn(gray, Box(5, 5, 35, 35))  # the faint plate and the page around it
    assert not drawn(gray, Box(12, 12, 28, 28))  # inside the plate: one grey only
    assert drawn(gray, Box(140, 40, 170, 70))


def test_the_range_is_a_strict_bound_and_fractional_boxes_take_every_pixel_they_touch() -> None:
    gray = np.full((20, 20), 100, np.uint8)
    gray[5, 5] = 100 + UNDRAWN_RANGE
    assert not drawn(gray, Box(0, 0, 20, 20))  # JPEG's +-1 noise on a flat page is not a mark
    gray[5, 5] = 100 + UNDRAWN_RANGE + 1
    assert drawn(gray, Box(0, 0, 20, 20))
    assert drawn(gray, Box(5.9, 5.9, 6.1, 6.1))  # touches pixel (5, 5) and its neighbours at 100
    assert not drawn(gray, Box(6, 6, 20, 20))  # x2/y2 exclusive: pixel 5 is outside
    assert not drawn(gray, Box(25, 25, 40, 40))  # outside the image
    assert not drawn(gray, Box(3, 3, 3, 10))  # no width


def test_colour_counts_where_grey_does_not() -> None:
    page = np.zeros((40, 40, 3), np.uint8)
    page[:] = (99, 110, 175)  # a brick-red page (BGR) ...
    page[10:20, 10:20] = (128, 128, 128)  # ... and a grey x of its lightness and of its channels' mean
    luma = page.astype(np.float32) @ np.array([0.114, 0.587, 0.299], np.float32)
    assert np.ptp(np.round(luma)) <= UNDRAWN_RANGE and np.ptp(page.mean(axis=2)) <= UNDRAWN_RANGE  # one grey ...
    assert drawn(page, Box(5, 5, 25, 25))  # ... and plain to see
    assert not drawn(page, Box(22, 22, 40, 40))


def test_shown_box_asks_whether_the_element_changed_the_screen() -> None:
    """A white ring with a white x on a white card, its box reaching past the card's corner onto a dark page
    (webeval8's web_8_0086): the box shows something, but not the close; the same screen with the element hidden
    tells them apart."""
    without = np.full((60, 60, 3), 255, np.uint8)
    without[:, 30:] = 20  # the dark page beyond the card's edge, inside the close's box
    assert drawn(without, Box(10, 10, 50, 50))  # the one-colour test is fooled
    assert shown_box(without.copy(), without, Box(10, 10, 50, 50)) is None  # white x on white: nothing changed
    faint = without.copy()
    faint[20:40, 12:28] -= UNDRAWN_RANGE + 1  # a faint plate on the card
    assert shown_box(faint, without, Box(10, 10, 50, 50)) == Box(12, 20, 28, 40)
    assert shown_box(faint, without, Box(29, 10, 50, 50)) is None  # a box beside the change
    faint[20:40, 12:28] = 255 - UNDRAWN_RANGE
    assert shown_box(faint, without, Box(10, 10, 50, 50)) is None  # within the range: JPEG/AA noise, not a mark
    with pytest.raises(ValueError, match="different sizes"):
        shown_box(faint, without[:30], Box(0, 0, 10, 10))


def test_the_hidden_shot_covers_the_labelled_boxes_in_whole_css_pixels_inside_the_page() -> None:
    from detector.synth.browser import _clip

    assert _clip([[10.2, 20.7, 30.1, 40.0], [5, 25, 12, 26]]) == {"x": 5, "y": 20, "width": 26, "height": 20}
    assert _clip([[350.5, 790, 400, 900]]) == {"x": 350, "y": 790, "width": 10, "height": 10}  # cut at the page
    assert _clip([[-4, -3, 2.5, 1.5]]) == {"x": 0, "y": 0, "width": 3, "height": 2}
    assert _clip([[500, 900, 600, 1000]]) == {"x": 359, "y": 799, "width": 1, "height": 1}  # never empty


def test_shown_box_is_the_part_of_a_button_that_changed_the_screen() -> None:
    """A white plate on a white page with a black x (webeval's web_7_0090 draws one): what shows is the x, and its
    box; a plate that shows keeps its own box, also where its rim is anti-aliased or its corners are the page."""
    without = np.full((80, 80, 3), 255, np.uint8)
    plate = Box(10, 10, 70, 70)
    white = without.copy()
    white[30:50, 28:52] = 0  # only the x changed the screen: the plate is the page's white
    assert shown_box(white, without, plate) == Box(28, 30, 52, 50)
    grey = without.copy()
    yy, xx = np.mgrid[0:80, 0:80]
    grey[(yy - 40) ** 2 + (xx - 40) ** 2 <= 29**2] = 255 - UNDRAWN_RANGE - 3  # a faint circle: it shows
    grey[30:50, 28:52] = 0
    assert shown_box(grey, without, plate) is plate  # the circle's box (its corners are page) is kept whole
    assert shown_box(without.copy(), without, plate) is None  # nothing changed: undrawn
    part = shown_box(white, without, Box(35.5, 10, 70, 70.5))  # fractional boxes: the change, inside the box
    assert part == Box(35.5, 30, 52, 50)
    with pytest.raises(ValueError, match="different sizes"):
        shown_box(white, without[:40], plate)
