"""Screenshot pixels -> input coordinates (rotation, wm size override), and the phone-output parsers."""

from __future__ import annotations

import pytest

from agent.coords import DisplayInfo, parse_focused_package, parse_rotation, parse_wm_size, screen_to_input
from detector.errors import CoordinateError

P = (1080, 2400)


@pytest.mark.parametrize(
    ("point", "shot", "info", "expected"),
    [
        # portrait, no override: identity
        ((540, 1200), (1080, 2400), DisplayInfo(P), (540, 1200)),
        ((0, 0), (1080, 2400), DisplayInfo(P), (0, 0)),
        ((1079.9, 2399.9), (1080, 2400), DisplayInfo(P), (1079, 2399)),
        # override 720x1600: the screenshot stays physical, input is logical
        ((540, 1200), (1080, 2400), DisplayInfo(P, (720, 1600)), (360, 800)),
        ((1000, 200), (1080, 2400), DisplayInfo(P, (720, 1600)), (666, 133)),
        # landscape (rotation 1 and 3): screenshot and input both rotated, so width and height swap
        ((2000, 100), (2400, 1080), DisplayInfo(P, None, 1), (2000, 100)),
        ((2000, 100), (2400, 1080), DisplayInfo(P, (720, 1600), 3), (1333, 66)),
        # upside down: same frame as the screenshot
        ((10, 20), (1080, 2400), DisplayInfo(P, None, 2), (10, 20)),
        # an old phone: screenshot in natural orientation while the display is rotated by 90 / 270
        ((100, 2000), (1080, 2400), DisplayInfo(P, None, 1), (2000, 980)),
        ((100, 2000), (1080, 2400), DisplayInfo(P, None, 3), (400, 100)),
        # a smaller phone
        ((700, 1500), (720, 1600), DisplayInfo((720, 1600)), (700, 1500)),
        ((1439, 3119), (1440, 3120), DisplayInfo((1440, 3120), (1080, 2340)), (1079, 2339)),
    ],
)
def test_screen_to_input(point, shot, info, expected) -> None:
    assert screen_to_input(*point, shot, info) == expected


@pytest.mark.parametrize("point", [(-1, 5), (5, -0.5), (1080, 5), (5, 2400), (1e9, 1e9)])
def test_points_off_the_screenshot_are_refused(point) -> None:
    with pytest.raises(CoordinateError, match="outside"):
        screen_to_input(*point, (1080, 2400), DisplayInfo(P))


def test_wm_size_with_and_without_override() -> None:
    assert parse_wm_size("Physical size: 1080x2400\n") == ((1080, 2400), None)
    assert parse_wm_size("Physical size: 1080x2400\r\nOverride size: 720x1600\r\n") == ((1080, 2400), (720, 1600))
    with pytest.raises(ValueError, match="Physical size"):
        parse_wm_size("/system/bin/sh: wm: not found\n")


@pytest.mark.parametrize(
    ("text", "rotation"),
    [
        ("    SurfaceOrientation: 1\n", 1),
        ("  Viewport INTERNAL: displayId=0, orientation=3, logicalFrame=[0, 0, 2400, 1080]\n", 3),
        ("  mCurrentRotation=ROTATION_270\n", 3),
        ("  mCurrentRotation=ROTATION_0\n", 0),
        ("  mRotation=2\n", 2),
        ("nothing here", 0),
    ],
)
def test_rotation_lines(text: str, rotation: int) -> None:
    assert parse_rotation(text) == rotation


def test_focused_package() -> None:
    line = "  mCurrentFocus=Window{5a1e2c3 u0 com.android.vending/com.google.android.finsky.activities.MainActivity}\n"
    assert parse_focused_package(line) == "com.android.vending"
    assert (
        parse_focused_package("  mFocusedApp=ActivityRecord{8c1d0e u0 jp.example.game/.Main t42}") == "jp.example.game"
    )
    assert parse_focused_package("mCurrentFocus=null") is None
