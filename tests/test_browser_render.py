"""detector.synth.browser.render with real headless Chromium (Debian's, driven by playwright): boxes come from the
DOM, and a label is kept only where its element changed the screen. A white close on a white page and white
Japanese text on white are left out (listed as undrawn); a faint plate and dark text are kept."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2

from detector.synth.browser import WebScreen, page_html, render
from detector.voc import read_annotation

CLOSE = (
    '<div data-label="close" style="position:absolute;{pos};width:40px;height:40px;border-radius:50%;'
    'background:{plate};color:#fff;font:700 28px sans-serif;text-align:center;line-height:40px">×</div>'
)


def _page(plate: str, text_colour: str) -> str:
    body = (
        CLOSE.format(pos="right:10px;top:30px", plate=plate)
        + f'<div style="position:absolute;left:20px;top:400px;font:24px sans-serif;color:{text_colour}">'
        '<span class="ja">残</span><span class="ja">者</span></div>'
    )
    return page_html(body, "#fff")


def test_render_keeps_only_labels_whose_element_shows(tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    assert chromium, "chromium is missing: run scripts/setup.sh"
    screens = [
        WebScreen("shown", "test", _page("rgba(0,0,0,0.04)", "#222")),  # the faintest plate: about 10 levels
        WebScreen("unseen", "test", _page("transparent", "#fff")),  # a white x and white text on white
    ]
    metas = {m["id"]: m for m in render(screens, tmp_path, chromium=chromium, show_progress=False)}
    shown = read_annotation(tmp_path / "Annotations" / "shown.xml")[3]
    assert sorted(o.label for o in shown) == ["close", "ja_char", "ja_char"]
    close = next(o for o in shown if o.label == "close")
    assert (close.box.x1, close.box.y1, close.box.x2, close.box.y2) == (1080 - 30 - 120, 90, 1080 - 30, 210)
    assert "undrawn" not in metas["shown"]
    assert read_annotation(tmp_path / "Annotations" / "unseen.xml")[3] == ()
    assert metas["unseen"]["undrawn"] == ["close", "ja_char", "ja_char"] and metas["unseen"]["labels"] == []
    rows = [json.loads(line) for line in (tmp_path / "meta.jsonl").read_text().splitlines()]
    assert rows == [metas["shown"], metas["unseen"]]


def test_label_shown_boxes_the_mark_of_a_plate_that_does_not_show(tmp_path: Path) -> None:
    """``label_shown`` (webeval.py --label-shown, a measurement): a white plate on a white page labelled with the box
    of its black x, what one sees; a faint plate that shows keeps the element's box. Without it, the element's box."""
    chromium = shutil.which("chromium")
    assert chromium, "chromium is missing: run scripts/setup.sh"
    white = CLOSE.format(pos="right:10px;top:30px", plate="#fff").replace("color:#fff", "color:#000")
    screens = [
        WebScreen("white", "test", page_html(white, "#fff")),
        WebScreen("faint", "test", _page("rgba(0,0,0,0.04)", "#222")),
    ]
    element = (1080 - 30 - 120, 90, 1080 - 30, 210)
    for shown_only in (True, False):
        out = tmp_path / str(shown_only)
        render(screens, out, chromium=chromium, show_progress=False, label_shown=shown_only)
        (mark,) = read_annotation(out / "Annotations" / "white.xml")[3]
        box = (mark.box.x1, mark.box.y1, mark.box.x2, mark.box.y2)
        if shown_only:  # the x: well inside the plate, a fraction of its area
            assert element[0] < box[0] < box[2] < element[2] and element[1] < box[1] < box[3] < element[3]
            assert mark.box.area < 0.4 * 120 * 120
        else:
            assert box == element
        faint = next(o for o in read_annotation(out / "Annotations" / "faint.xml")[3] if o.label == "close")
        assert (faint.box.x1, faint.box.y1, faint.box.x2, faint.box.y2) == element


def test_scale_shoots_the_same_page_at_other_phone_sizes(tmp_path: Path) -> None:
    """``scale`` (webeval.py --scale): the same CSS layout shot at 2 and 4 device pixels per CSS pixel, a 720x1600
    and a 1440x3200 phone; the screenshot and every box scale with it, and the hidden-element shots used to keep
    only what shows line up with the screen at that scale (the faint plate is still found)."""
    chromium = shutil.which("chromium")
    assert chromium, "chromium is missing: run scripts/setup.sh"
    screens = [WebScreen("faint", "test", _page("rgba(0,0,0,0.04)", "#222"))]
    for scale, (w, h) in ((2, (720, 1600)), (4, (1440, 3200))):
        out = tmp_path / str(scale)
        render(screens, out, chromium=chromium, show_progress=False, scale=scale)
        _, width, height, objects = read_annotation(out / "Annotations" / "faint.xml")
        assert (width, height) == (w, h)
        assert cv2.imread(str(out / "JPEGImages" / "faint.png")).shape[:2] == (h, w)
        close = next(o for o in objects if o.label == "close")
        assert (close.box.x1, close.box.y1, close.box.x2, close.box.y2) == (
            w - 50 * scale,
            30 * scale,
            w - 10 * scale,
            70 * scale,
        )
        assert sorted(o.label for o in objects) == ["close", "ja_char", "ja_char"]
