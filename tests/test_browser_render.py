"""detector.synth.browser.render with real headless Chromium (Debian's, driven by playwright): boxes come from the
DOM, and a label is kept only where its element changed the screen. A white close on a white page and white
Japanese text on white are left out (listed as undrawn); a faint plate and dark text are kept."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

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
