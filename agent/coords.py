"""Screenshot pixels -> ``input tap`` coordinates, and the parsers of what the phone says about its display.

Detection works in screenshot pixels. ``input`` takes coordinates in the logical display: the ``wm size``
override when one is set (else the physical size), in the current rotation. ``wm size`` itself always reports the
natural (portrait) orientation, so the rotation decides whether width and height swap. A screenshot normally comes
in the current rotation too; an old phone that returns it in natural orientation while rotated is detected by the
aspect mismatch and the point is turned first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from detector.errors import CoordinateError


@dataclass(frozen=True)
class DisplayInfo:
    physical: tuple[int, int]  # natural orientation
    override: tuple[int, int] | None = None
    rotation: int = 0  # 0..3

    def input_size(self) -> tuple[int, int]:
        w, h = self.override or self.physical
        return (h, w) if self.rotation % 2 else (w, h)


def _natural_to_display(x: float, y: float, w: int, h: int, rotation: int) -> tuple[float, float, int, int]:
    """A point of a natural-orientation image (w x h) in the rotated display's frame."""
    if rotation == 1:
        return y, w - x, h, w
    if rotation == 3:
        return h - y, x, h, w
    if rotation == 2:
        return w - x, h - y, w, h
    return x, y, w, h


def screen_to_input(x: float, y: float, shot_size: tuple[int, int], info: DisplayInfo) -> tuple[int, int]:
    """Integer input coordinates for a point of the screenshot; raises CoordinateError when off the screen."""
    sw, sh = shot_size
    iw, ih = info.input_size()
    if sw <= 0 or sh <= 0:
        raise CoordinateError(f"screenshot size {sw}x{sh} is empty")
    if not (0 <= x < sw and 0 <= y < sh):
        raise CoordinateError(f"point ({x:.1f}, {y:.1f}) is outside the {sw}x{sh} screenshot")
    if sw != sh and (sw > sh) != (iw > ih):  # screenshot in natural orientation on a rotated display
        x, y, sw, sh = _natural_to_display(x, y, sw, sh, info.rotation)
    ix, iy = int(x * iw / sw), int(y * ih / sh)
    if not (0 <= ix < iw and 0 <= iy < ih):
        raise CoordinateError(f"input point ({ix}, {iy}) is outside the {iw}x{ih} input area")
    return ix, iy


_PHYSICAL = re.compile(r"Physical size:\s*(\d+)x(\d+)")
_OVERRIDE = re.compile(r"Override size:\s*(\d+)x(\d+)")
_ROTATION = (
    (re.compile(r"SurfaceOrientation:\s*(\d)"), 1),
    (re.compile(r"Viewport INTERNAL:.*?orientation=(\d)"), 1),
    (re.compile(r"mCurrentRotation=(?:ROTATION_)?(\d+)"), 90),
    (re.compile(r"mRotation=(\d)"), 1),
)
_FOCUS = re.compile(r"mCurrentFocus=Window\{\S+ \S+ ([A-Za-z0-9_.]+)")
_FOCUSED_APP = re.compile(r"mFocusedApp=\S*\{\S+ \S+ ([A-Za-z0-9_.]+)")


def parse_wm_size(text: str) -> tuple[tuple[int, int], tuple[int, int] | None]:
    m = _PHYSICAL.search(text)
    if not m:
        raise ValueError(f"no 'Physical size' in wm size output {text.strip()[:80]!r}")
    o = _OVERRIDE.search(text)
    return (int(m[1]), int(m[2])), ((int(o[1]), int(o[2])) if o else None)


def parse_rotation(text: str) -> int:
    """0..3 from ``dumpsys input`` or ``dumpsys window`` output; 0 when none of the known lines is there."""
    for rx, unit in _ROTATION:
        m = rx.search(text)
        if m:
            v = int(m[1])
            v = v // 90 if unit == 90 and v >= 4 else v
            return v % 4
    return 0


def parse_focused_package(text: str) -> str | None:
    m = _FOCUS.search(text) or _FOCUSED_APP.search(text)
    return m[1] if m else None
