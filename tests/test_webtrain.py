"""scripts/webtrain.py: browser-rendered training pages draw only the training split's icons, in layouts of their
own, label every close and skip they draw, and are the same for the same seed. (These check the pages, the part that
decides what the model learns; tests/test_browser_render.py renders pages in Chromium.)"""

from __future__ import annotations

import importlib.util
import json
import random
import re
from pathlib import Path

import pytest

from detector.synth import assets

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


webtrain = _load("webtrain")
webeval = _load("webeval")

# one icon per role; the val set's icons carry a marker that must never reach a training page
_ICONS = {
    "trainset": {
        "x": '<path d="M1 1L15 15M15 1L1 15" stroke="currentColor" data-set="trainset"/>',
        "close-circle": '<circle cx="8" cy="8" r="7" data-set="trainset"/>',
        "fast-forward": '<path d="M1 1L8 8L1 15z" data-set="trainset"/>',
        "star": '<path d="M8 1L10 6L15 6L11 9L12 15L8 11L4 15L5 9L1 6L6 6z" data-set="trainset"/>',
        "volume-off": '<path d="M1 5h4l4-4v14l-4-4H1z" data-set="trainset"/>',
    },
    "valset": {
        "x": '<path d="M2 2L14 14" data-set="valset"/>',
        "fast-forward": '<path d="M2 2L9 9L2 16z" data-set="valset"/>',
        "star": '<path d="M8 2L9 7z" data-set="valset"/>',
    },
}
_ROLES = {
    "x": ("close", "bare"),
    "close-circle": ("close", "circle"),
    "fast-forward": ("skip", "bare"),
    "star": ("negative", "bare"),
    "volume-off": ("negative", "bare"),
}


@pytest.fixture
def icons(tmp_path: Path):
    npm, cache = tmp_path / "node_modules", tmp_path / "icons"
    entries = []
    for prefix, icons in _ICONS.items():
        split = "train" if prefix == "trainset" else "val"
        d = npm / "@iconify-json" / prefix
        d.mkdir(parents=True)
        (d / "icons.json").write_text(
            json.dumps(
                {
                    "prefix": prefix,
                    "width": 16,
                    "height": 16,
                    "icons": {name: {"body": body} for name, body in icons.items()},
                }
            )
        )
        for name in icons:
            role, kind = _ROLES[name]
            entries.append(
                {
                    "set": prefix,
                    "name": name,
                    "role": role,
                    "kind": kind,
                    "split": split,
                    "path": f"{prefix}/{role}/{name}.png",
                }
            )
    for e in entries:  # the cache lists an icon only when its mask exists
        (cache / e["path"]).parent.mkdir(parents=True, exist_ok=True)
        (cache / e["path"]).write_bytes(b"")
    (cache / "index.json").write_text(
        json.dumps({"sets": {"trainset": "train", "valset": "val"}, "mask_px": 128, "icons": entries})
    )
    return webtrain.Icons(npm, cache)


@pytest.fixture
def pool(tmp_path: Path) -> assets.AssetPool:
    art = tmp_path / "art.png"
    art.write_bytes(b"")  # only its path reaches the page
    return assets.AssetPool(
        "train",
        ("/fonts/ja-a.ttf", "/fonts/ja-b.otf", "/fonts/ja-c.ttf"),
        ("/fonts/latin-a.ttf", "/fonts/latin-b.ttf"),
        (),
        (),
        (str(art),),
        ("日本語の文です", "もう一つの行"),
    )


def _pages(icons, pool, n: int, seed: int = 1) -> list[tuple[str, str]]:
    return [webtrain.page(random.Random(f"t:{seed}:{i}"), icons, pool) for i in range(n)]


def test_pages_draw_only_the_training_split_icons_and_fonts(icons, pool) -> None:
    pages = _pages(icons, pool, 300)
    html = "".join(doc for _, doc in pages)
    assert html.count('data-set="trainset"') > 100
    assert html.count('data-set="valset"') == 0  # (a count: pytest's diff of a 2-MB string would take minutes)
    fonts = set(re.findall(r"src:url\('file://([^']*)'\)", html))
    assert fonts == set(pool.ja_fonts) | set(pool.latin_fonts)


def test_layouts_are_not_the_browser_evaluation_sets(icons, pool) -> None:
    src = (ROOT / "scripts" / "webeval.py").read_text()
    eval_layouts = set(re.search(r"layout = rng.choice\(\[([^\]]*)\]\)", src).group(1).replace('"', "").split(", "))
    assert eval_layouts == {"interstitial", "fullart", "whitecard", "textlist", "video"}
    assert not eval_layouts & set(webtrain.LAYOUTS)
    assert {layout for layout, _ in _pages(icons, pool, 200)} == set(webtrain.LAYOUTS)


def test_ad_screens_label_their_buttons_and_no_ad_screens_have_none(icons, pool) -> None:
    pages = _pages(icons, pool, 400, seed=2)
    counts = {"close": 0, "skip": 0}
    for layout, doc in pages:
        closes, skips = doc.count('data-label="close"'), doc.count('data-label="skip"')
        assert closes <= 1 and skips <= 1
        if layout in webtrain.NO_AD_LAYOUTS:
            assert closes == skips == 0, layout
        counts["close"] += closes
        counts["skip"] += skips
    ads = sum(layout not in webtrain.NO_AD_LAYOUTS for layout, _ in pages)
    assert 0.7 * ads < counts["close"] < 0.85 * ads  # 78% of ad screens draw a close
    assert 0.2 * ads < counts["skip"] < 0.36 * ads  # 28% a skip
    # the label sits on the outer element: a plate, ring or pill holds the mark inside its own box
    assert any(re.search(r'data-label="close" style="display:inline-flex[^"]*border-radius:50%', d) for _, d in pages)
    assert any('data-label="close" data-ink="1"' in d for _, d in pages)  # a bare icon: its ink is its box


def test_words_on_buttons_are_not_japanese_text_boxes(icons, pool) -> None:
    """A close or skip pill's word (閉じる, スキップ) is part of the button: no ja_char box inside a target."""
    for _, doc in _pages(icons, pool, 300, seed=3):
        for m in re.finditer(r'data-label="(close|skip)"', doc):
            # the button's own markup runs to its closing tag; spans of class ja would be ja_char boxes
            depth, i = 0, doc.rfind("<div", 0, m.start())
            for tag in re.finditer(r"<(/?)div\b", doc[i:]):
                depth += -1 if tag.group(1) else 1
                if depth == 0:
                    assert doc[i : i + tag.end()].count('class="ja"') == 0
                    break


def test_the_same_seed_gives_the_same_pages(icons, pool) -> None:
    assert _pages(icons, pool, 20, seed=5) == _pages(icons, pool, 20, seed=5)
    assert _pages(icons, pool, 20, seed=5) != _pages(icons, pool, 20, seed=6)


def test_webeval_close_icons_table_is_checked_before_any_page(tmp_path) -> None:
    """`scripts/webeval.py --close-icons FILE` (webeval10's fresh close icons) refuses a table naming an icon that is
    not under --icons, naming it, before drawing anything; a good table replaces the closes' icons."""
    import subprocess
    import sys

    (tmp_path / "fresh" / "jam").mkdir(parents=True)
    (tmp_path / "fresh" / "jam" / "close.svg").write_text('<svg viewBox="0 0 16 16"><path d="M1 1L15 15"/></svg>')
    table = tmp_path / "close-icons.json"
    table.write_text(json.dumps({"jam": ["fresh/jam/close.svg", "fresh/jam/gone.svg"]}))
    cmd = [sys.executable, str(ROOT / "scripts" / "webeval.py"), "--icons", str(tmp_path), "--out", str(tmp_path / "o")]
    r = subprocess.run([*cmd, "--close-icons", str(table)], capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and "no such icon: fresh/jam/gone.svg" in r.stderr
    assert not (tmp_path / "o").exists()
    table.write_text(json.dumps({"jam": ["fresh/jam/close.svg"]}))
    saved = {k: list(v) for k, v in webeval.CLOSE_ICONS.items()}
    try:
        webeval.use_close_icons(tmp_path, table)
        drawn = [webeval.close_button(random.Random(i), tmp_path, pale=False) for i in range(20)]
    finally:
        webeval.CLOSE_ICONS.clear()
        webeval.CLOSE_ICONS.update(saved)
    icons = [h for h in drawn if "<svg" in h]  # (a close drawn as a character has no icon)
    assert icons and all("M1 1L15 15" in h for h in icons)


def _webeval_icons(icons: Path) -> Path:
    """Stand-ins for every icon file webeval.py's pages read (one drawing each), under ``icons``."""
    rels = [r for rs in webeval.CLOSE_ICONS.values() for r in rs] + webeval.SKIP_ICONS + webeval.NEG_ICONS
    for rel in {*rels, "bootstrap-icons/icons/wifi.svg", "bootstrap-icons/icons/battery-full.svg"}:
        (icons / rel).parent.mkdir(parents=True, exist_ok=True)
        (icons / rel).write_text('<svg viewBox="0 0 16 16"><path d="M1 1L15 15"/></svg>')
    return icons


def test_webeval_extras_draw_from_their_own_random_numbers(tmp_path, pool) -> None:
    """`scripts/webeval.py --extras` (webeval13x): CSS-bar marks, shadowed plates and countdowns appear, and the
    page's own random numbers are used exactly as without them (so the page is otherwise the same)."""
    icons = _webeval_icons(tmp_path / "svg")
    drawn = ""
    try:
        for i in range(60):
            plain, extra = random.Random(f"w:{i}"), random.Random(f"w:{i}")
            webeval.EXTRAS[0] = None
            webeval.page(plain, icons, pool)
            webeval.EXTRAS[0] = random.Random(f"x:{i}")
            drawn += webeval.page(extra, icons, pool)[1]
            assert extra.getstate() == plain.getstate()
    finally:
        webeval.EXTRAS[0] = None
    assert "rotate(45deg)" in drawn and ("box-shadow" in drawn or "linear-gradient" in drawn)
    countdown = r'font:(?:700|600) \d+px Roboto">(?:\d+|\d+s|0:\d\d|\d+秒|Reward in \d+s)</div>'
    assert len(re.findall(countdown, drawn)) >= 5  # countdowns: a number in a ring, or a chip


def test_webeval_fonts_table_changes_the_fonts_and_nothing_else(tmp_path, pool) -> None:
    """`scripts/webeval.py --fonts FILE` (webeval12's web fonts, scripts/fresh-fonts.py): a table whose lists are not
    as long as webeval's own, or whose CSS is missing, is refused naming the file; a good one gives every page the
    CSS and draws, seed for seed, the same pages with only the family names changed."""
    icons = _webeval_icons(tmp_path / "svg")
    css = tmp_path / "fonts.css"
    ja = [f"Fresh Ja {chr(65 + i)}" for i in range(len(webeval.JA_FONTS))]
    latin = [f"Fresh Latin {chr(65 + i)}" for i in range(len(webeval.LATIN_FONTS))]
    table = tmp_path / "fonts.json"
    table.write_text(json.dumps({"ja": ja[:-1], "latin": latin, "css": str(css)}))
    with pytest.raises(SystemExit, match="fonts.json: want 10 Japanese and 8 Latin families"):
        webeval.use_fonts(table)
    table.write_text(json.dumps({"ja": ja, "latin": latin, "css": str(css)}))
    with pytest.raises(SystemExit, match="no such CSS file"):
        webeval.use_fonts(table)
    css.write_text("@font-face{font-family:'Fresh Ja A';src:url(file:///x.ttf)}")
    before = [webeval.page(random.Random(f"w:{i}"), icons, pool) for i in range(40)]
    saved = list(webeval.JA_FONTS), list(webeval.LATIN_FONTS), list(webeval.PAGE_CSS)
    try:
        webeval.use_fonts(table)
        after = [webeval.page(random.Random(f"w:{i}"), icons, pool) for i in range(40)]
    finally:
        webeval.JA_FONTS[:], webeval.LATIN_FONTS[:], webeval.PAGE_CSS[:] = saved
    html = "".join(doc for _, doc in after)
    assert html.count(f"@import url('file://{css.resolve()}');") == 40
    assert sum(html.count(f) for f in ja) > 40 and sum(html.count(f) for f in latin) > 0
    for (layout, doc), (layout0, doc0) in zip(after, before, strict=True):
        doc = doc.replace(f"@import url('file://{css.resolve()}');", "")
        for fresh, own in [*zip(ja, saved[0], strict=True), *zip(latin, saved[1], strict=True)]:
            doc = doc.replace(fresh, own)
        assert (layout, doc) == (layout0, doc0)
