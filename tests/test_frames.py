"""agent/frames.py: the cheap image comparisons the daemon decides with (blank frames, changes, looks)."""

from __future__ import annotations

import cv2
import numpy as np

from agent.frames import is_blank, look, region_changed, same_pixels, screen_changed, signature
from detector.types import Box


def screen(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    img = np.full((800, 400, 3), 90, np.uint8)
    for _ in range(30):
        x, y = rng.integers(0, 360), rng.integers(0, 760)
        img[y : y + 40, x : x + 40] = rng.integers(0, 255, 3)
    return img


def test_blank_and_changed() -> None:
    assert is_blank(signature(np.zeros((800, 400, 3), np.uint8)))
    assert not is_blank(signature(screen()))
    assert not screen_changed(signature(screen()), signature(screen()))
    assert screen_changed(signature(screen(0)), signature(screen(1)))
    assert screen_changed(None, signature(screen()))


def test_same_pixels_only_for_the_same_frame_again() -> None:
    a = screen()
    assert same_pixels(a, a.copy())
    b = a.copy()
    b[799, 399, 2] ^= 1  # one channel of one pixel, the last
    assert not same_pixels(a, b) and not screen_changed(signature(a), signature(b))
    assert not same_pixels(a, a[:, :200].copy()) and not same_pixels(None, a)


def test_region_changed_only_looks_around_the_box() -> None:
    a = screen()
    b = a.copy()
    b[700:760, 300:360] = 255 - b[700:760, 300:360]  # far from the box
    box = Box(20, 20, 80, 80)
    assert not region_changed(a, b, box, threshold=10)
    b[30:70, 30:70] = 255 - b[30:70, 30:70]
    assert region_changed(a, b, box, threshold=10)


def test_a_colour_change_at_one_grey_is_a_change() -> None:
    """The demo's 25-px close: a purple disc with a pink ring on a teal page (the colours of its frame; its white x
    left out), gone after the tap. In grey its region changes by 4.8 levels on average (disc and page are nearly one
    grey, 127 and 148); in colour by 17.2."""
    teal, purple, pink = (81, 178, 168), (149, 111, 153), (227, 46, 144)
    before = np.empty((200, 200, 3), np.uint8)
    before[:] = teal
    yy, xx = np.mgrid[:200, :200]
    r = np.hypot(yy - 100.5, xx - 100.5)
    before[r <= 12.5] = pink
    before[r <= 10.5] = purple
    after = before.copy()
    after[:] = teal
    box = Box(88, 88, 113, 113)
    grey = [cv2.cvtColor(f[75:126, 75:126], cv2.COLOR_RGB2GRAY).astype(int) for f in (before, after)]  # its region
    assert np.abs(grey[0] - grey[1]).mean() < 10  # what the grey check saw: "nothing changed"
    assert region_changed(before, after, box, threshold=10)
    assert not region_changed(before, before.copy(), box, threshold=10)


def test_look_is_the_same_for_the_same_spot_whatever_else_changed() -> None:
    a = screen()
    a[90:170, 90:170] = np.linspace(0, 255, 80, dtype=np.uint8)[None, :, None]  # something at the spot
    a[120:140, 95:165] = 20
    b = a.copy()
    box = Box(100, 100, 160, 160)
    b[600:800, :] = 0  # the rest of the screen changed
    assert look(a, box) == look(b, box)
    c = a.copy()
    c[90:170, 90:170] = c[90:170, 90:170][:, ::-1]  # what is at the spot changed
    assert (look(a, box) ^ look(c, box)).bit_count() > 6
    assert look(a, Box(0, 0, 1, 1)) >= 0  # a degenerate box never raises
