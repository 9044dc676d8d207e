"""Build a held-out evaluation set "drawn by other hands": ad screens written as HTML/CSS, rendered by headless
Chromium at 1080x2400 (360x800 CSS px at device scale 3), with icon sets the generator never uses.

Icons come from npm packages that are in neither training nor the reserved evaluation families:
bootstrap-icons, remixicon, lucide-static, ionicons, heroicons (``--close-icons FILE``: the close icons from a JSON
table instead, {family: [SVG paths under --icons]}, e.g. scripts/fresh-close-icons.py's). Ground-truth
boxes are read from the DOM
(getBoundingClientRect). Output is a VOC dataset whose ``val.txt`` lists every screen, so ``closebot eval`` reads it.

Needs: Debian ``chromium``; ``pip install playwright`` (used only as a driver for /usr/bin/chromium, nothing is
downloaded); the icon packages: ``npm install bootstrap-icons remixicon lucide-static ionicons@7 heroicons`` in
ICONS_DIR. Usage: ``python scripts/webeval.py --icons DIR/node_modules --out data/webeval --n 150 --seed 7``.
``--label-shown``: a close or skip whose plate does not show is labelled by what does (a measurement, docs/experiments.md
"Plates that do not show"; the sets keep the element's box). ``--fonts FILE``: the Japanese and Latin font families of
scripts/fresh-fonts.py's ``fonts.json`` (web fonts no other set uses) instead of JA_FONTS / LATIN_FONTS; the lists are
as long, so a seed draws the same pages with either and only the fonts differ. ``--extras``: what web pages draw that
the pages otherwise do not (close marks as two CSS bars, shadowed or gradient plates, a countdown in a free top corner),
from random numbers of its own, so a seed's pages are otherwise the ones drawn without it.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from detector.synth import assets  # noqa: E402
from detector.synth.browser import WebScreen, inline_svg, ja_text, page_html, render  # noqa: E402

CLOSE_ICONS = {
    "bootstrap": [
        "bootstrap-icons/icons/x.svg",
        "bootstrap-icons/icons/x-lg.svg",
        "bootstrap-icons/icons/x-circle.svg",
        "bootstrap-icons/icons/x-circle-fill.svg",
        "bootstrap-icons/icons/x-square.svg",
    ],
    "remix": [
        "remixicon/icons/System/close-line.svg",
        "remixicon/icons/System/close-fill.svg",
        "remixicon/icons/System/close-circle-line.svg",
        "remixicon/icons/System/close-circle-fill.svg",
        "remixicon/icons/System/close-large-line.svg",
    ],
    "lucide": ["lucide-static/icons/x.svg", "lucide-static/icons/circle-x.svg", "lucide-static/icons/square-x.svg"],
    "ionicons": [
        "ionicons/dist/svg/close.svg",
        "ionicons/dist/svg/close-outline.svg",
        "ionicons/dist/svg/close-circle.svg",
        "ionicons/dist/svg/close-circle-outline.svg",
        "ionicons/dist/svg/close-sharp.svg",
    ],
    "heroicons": [
        "heroicons/24/solid/x-mark.svg",
        "heroicons/24/outline/x-mark.svg",
        "heroicons/24/solid/x-circle.svg",
        "heroicons/24/outline/x-circle.svg",
    ],
}
SKIP_ICONS = [
    "bootstrap-icons/icons/fast-forward-fill.svg",
    "bootstrap-icons/icons/skip-end-fill.svg",
    "bootstrap-icons/icons/chevron-double-right.svg",
    "remixicon/icons/Media/skip-forward-fill.svg",
    "remixicon/icons/Media/speed-fill.svg",
    "lucide-static/icons/chevrons-right.svg",
    "lucide-static/icons/fast-forward.svg",
    "ionicons/dist/svg/play-forward.svg",
    "ionicons/dist/svg/play-skip-forward.svg",
]
NEG_ICONS = [
    "bootstrap-icons/icons/plus-lg.svg",
    "bootstrap-icons/icons/volume-mute-fill.svg",
    "remixicon/icons/Media/volume-mute-fill.svg",
    "remixicon/icons/System/add-circle-fill.svg",
    "heroicons/24/solid/speaker-x-mark.svg",
    "lucide-static/icons/plus.svg",
    "ionicons/dist/svg/add-circle.svg",
    "bootstrap-icons/icons/star-fill.svg",
    "bootstrap-icons/icons/battery-full.svg",
    "bootstrap-icons/icons/wifi.svg",
    "bootstrap-icons/icons/hand-index-thumb.svg",
    "lucide-static/icons/chevron-right.svg",
]
JA_FONTS = [
    "Noto Sans CJK JP",
    "Noto Serif CJK JP",
    "IPAGothic",
    "IPAMincho",
    "TakaoPGothic",
    "VL Gothic",
    "M+ 1p",
    "Klee One",
    "Kiloji",
    "Aoyagi Soseki",
]
LATIN_FONTS = ["Roboto", "Lato", "Open Sans", "DejaVu Sans", "Liberation Sans", "Cantarell", "Comic Neue", "Bebas Neue"]
PAGE_CSS = [""]  # @font-face rules every page gets (use_fonts)
# --extras: what the page draws besides, from its own random numbers (so the page is otherwise the one drawn without)
EXTRAS: list[random.Random | None] = [None]


def css_x(xr: random.Random, px: float, color: str) -> str:
    """A close mark drawn as web pages often draw one: two rotated bars (no icon, no font), ``px`` CSS px square.
    Not scripts/webtrain.py's ``_bars`` on purpose: the evaluation pages share no drawing code with training's."""
    length, thick = px * xr.uniform(0.7, 1.0), px * xr.uniform(0.07, 0.2)
    caps = f"{thick / 2:.1f}px" if xr.random() < 0.5 else "0"
    bar = (
        f"position:absolute;left:50%;top:50%;width:{length:.1f}px;height:{thick:.1f}px;background:{color};"
        f"border-radius:{caps};transform:translate(-50%,-50%) rotate"
    )
    return (
        f'<div style="position:relative;display:inline-block;width:{px:.1f}px;height:{px:.1f}px">'
        f'<span style="{bar}(45deg)"></span><span style="{bar}(-45deg)"></span></div>'
    )


def close_mark(icons: Path, rel: str, px: float, color: str) -> str:
    """A close's mark: its icon, or with --extras half the time two CSS bars instead."""
    xr = EXTRAS[0]
    return css_x(xr, px, color) if xr is not None and xr.random() < 0.5 else svg(icons, rel, px, color)


def plate_effect() -> str:
    """With --extras, 40% of plates get a drop shadow or a gradient, as styled web buttons have; else nothing."""
    xr = EXTRAS[0]
    if xr is None or xr.random() >= 0.4:
        return ""
    if xr.random() < 0.5:
        return (
            f"box-shadow:0 {xr.uniform(0.5, 2):.1f}px {xr.uniform(2, 6):.1f}px rgba(0,0,0,{xr.uniform(0.2, 0.5):.2f});"
        )
    g = xr.randint(200, 240)
    return f"background-image:linear-gradient(rgba(255,255,255,0.35),rgba({g},{g},{g},0.25));"


def countdown(xr: random.Random, pale: bool, where: str) -> str:
    """A video ad's countdown where its close will appear (``where``: a top corner), unlabelled: a number in a ring, a
    progress ring, or a chip with seconds; tapping it is a false tap."""
    size = xr.uniform(10, 22)
    fg, bg = ("#333", "rgba(255,255,255,0.8)") if pale and xr.random() < 0.6 else ("#fff", "rgba(0,0,0,0.5)")
    pos = f"{'right' if where == 'tr' else 'left'}:{xr.uniform(6, 22):.0f}px;top:{xr.uniform(26, 50):.0f}px"
    n = xr.randint(1, 30)
    form = xr.choice(["ring", "progress", "chip"])
    if form == "chip":
        text = xr.choice([f"{n}s", f"0:{n:02d}", f"{n}秒", f"Reward in {n}s"])
        return (
            f'<div style="position:absolute;{pos};padding:2px {size * 0.4:.0f}px;border-radius:{size:.0f}px;'
            f'background:{bg};color:{fg};font:600 {size * 0.6:.0f}px Roboto">{text}</div>'
        )
    ring = (
        f"border:{size * 0.08:.1f}px solid {fg};"
        if form == "ring"
        else f"border:{size * 0.1:.1f}px solid rgba(128,128,128,0.5);border-top-color:{fg};border-right-color:{fg};"
    )
    return (
        f'<div style="position:absolute;{pos};box-sizing:border-box;width:{size * 1.5:.1f}px;height:{size * 1.5:.1f}px;'
        f"border-radius:50%;{ring}background:{bg};color:{fg};display:flex;align-items:center;"
        f'justify-content:center;font:700 {size * 0.7:.0f}px Roboto">{n}</div>'
    )


def svg(icons: Path, rel: str, px: float, color: str) -> str:
    return inline_svg((icons / rel).read_text(), px, color)


def close_button(rng: random.Random, icons: Path, pale: bool) -> str:
    size = rng.uniform(8, 50)  # CSS px: 24-150 device px
    family = rng.choice(list(CLOSE_ICONS))
    rel = rng.choice(CLOSE_ICONS[family])
    style = rng.choice(["bare", "circle", "circle", "ring", "square", "char", "pill"])
    if pale and rng.random() < 0.5:
        style = "circle"
        g = rng.randint(150, 215)
        plate, mark = f"rgba({g},{g},{g},{rng.uniform(0.4, 0.75):.2f})", "#fff"
    elif rng.random() < 0.5:
        plate, mark = f"rgba(0,0,0,{rng.uniform(0.3, 0.75):.2f})", "#fff"
    else:
        plate, mark = rng.choice(
            [
                ("#fff", "#111"),
                ("#eee", "#444"),
                ("#e53935", "#fff"),
                ("#1e88e5", "#fff"),
                ("rgba(255,255,255,0.85)", "#222"),
            ]
        )
    if style == "bare":
        color = rng.choice(["#000", "#555", "#888"] if pale else ["#fff", "#ddd", "#bbb"])
        return f'<div data-label="close" data-ink="1" style="display:inline-block">{close_mark(icons, rel, size, color)}</div>'
    if style == "char":
        ch = rng.choice("×✕✖Xx")
        return (
            f'<div data-label="close" style="display:inline-block;font:{rng.choice([400, 700])} {size}px '
            f"{rng.choice(LATIN_FONTS)};line-height:1;color:{mark};background:{plate};border-radius:50%;"
            f'width:{size * 1.1:.1f}px;height:{size * 1.1:.1f}px;text-align:center">{ch}</div>'
        )
    if style == "pill":
        h = max(size, 20)
        word = rng.choice(["閉じる", "Close", "CLOSE", "とじる"])
        return (
            f'<div data-label="close" style="display:inline-flex;align-items:center;gap:4px;padding:0 {h * 0.4:.0f}px;'
            f"height:{h:.0f}px;border-radius:{h / 2:.0f}px;background:{plate};color:{mark};"
            f'font:500 {h * 0.45:.0f}px {rng.choice(JA_FONTS)}">{svg(icons, rel, h * 0.5, mark)}{word}</div>'
        )
    inner = close_mark(icons, rel, size * rng.uniform(0.5, 0.7), mark)
    radius = "50%" if style in ("circle", "ring") else f"{rng.uniform(3, 10):.0f}px"
    bg = "transparent" if style == "ring" else plate
    border = f"border:{rng.uniform(1.5, 3):.1f}px solid {mark};" if style == "ring" else ""
    return (
        f'<div data-label="close" style="display:inline-flex;align-items:center;justify-content:center;'
        f"box-sizing:border-box;width:{size:.1f}px;height:{size:.1f}px;border-radius:{radius};background:{bg};{border}"
        f'{plate_effect() if style != "ring" else ""}">'
        f"{inner}</div>"
    )


def skip_button(rng: random.Random, icons: Path, pale: bool) -> str:
    h = rng.uniform(16, 36)
    rel = rng.choice(SKIP_ICONS)
    dark = rng.random() < 0.6
    plate, fg = (f"rgba(0,0,0,{rng.uniform(0.4, 0.8):.2f})", "#fff") if dark else ("rgba(255,255,255,0.9)", "#222")
    form = rng.choice(["pill", "pill", "circle", "bare"])
    if form == "bare":
        return (
            f'<div data-label="skip" data-ink="1" style="display:inline-block">'
            f"{svg(icons, rel, h, '#222' if pale else '#fff')}</div>"
        )
    if form == "circle":
        return (
            f'<div data-label="skip" style="display:inline-flex;align-items:center;justify-content:center;width:{h:.0f}px;'
            f'height:{h:.0f}px;border-radius:50%;background:{plate}">{svg(icons, rel, h * 0.6, fg)}</div>'
        )
    word = rng.choice(["スキップ", "Skip", "SKIP AD", "広告をスキップ", "Skip Ad"])
    return (
        f'<div data-label="skip" style="display:inline-flex;align-items:center;gap:4px;padding:0 {h * 0.4:.0f}px;'
        f"height:{h:.0f}px;border-radius:{rng.choice([h / 2, 4]):.0f}px;background:{plate};color:{fg};"
        f'font:600 {h * 0.42:.0f}px {rng.choice(JA_FONTS + LATIN_FONTS)}">{word}{svg(icons, rel, h * 0.5, fg)}</div>'
    )


def page(rng: random.Random, icons: Path, pool: assets.AssetPool) -> tuple[str, str]:
    layout = rng.choice(["interstitial", "fullart", "whitecard", "textlist", "video"])
    art = rng.choice(pool.art) if pool.art else ""
    pale = layout in ("whitecard", "textlist") and rng.random() < 0.7
    bg = "#fafafa" if pale else f"url('file://{art}') center/cover"
    jaf = rng.choice(JA_FONTS)
    body = []
    lines = list(pool.ja_lines) or list(assets.AD_PHRASES_JA)
    if layout == "interstitial":
        body.append(f'<div style="position:absolute;inset:0;background:rgba(0,0,0,{rng.uniform(0.3, 0.7):.2f})"></div>')
        top = rng.uniform(120, 260)
        body.append(
            f'<div id="card" style="position:absolute;left:{rng.uniform(14, 40):.0f}px;right:{rng.uniform(14, 40):.0f}px;'
            f"top:{top:.0f}px;height:{rng.uniform(300, 420):.0f}px;background:#fff;border-radius:{rng.uniform(0, 18):.0f}px;"
            f'overflow:hidden"><div style="height:55%;background:url(\'file://{rng.choice(pool.art)}\') center/cover"></div>'
            f'<div style="padding:12px;font:{rng.uniform(13, 20):.0f}px {jaf};color:#222">{ja_text(rng, lines, 2)}</div>'
            f'<div style="margin:0 24px;padding:10px;text-align:center;border-radius:22px;background:#2e7d32;color:#fff;'
            f'font:700 17px {jaf}"><span class="ja">今</span><span class="ja">す</span><span class="ja">ぐ</span>'
            f'<span class="ja">プ</span><span class="ja">レ</span><span class="ja">イ</span></div></div>'
        )
    elif layout == "fullart":
        body.append(
            f'<div style="position:absolute;left:0;right:0;bottom:0;height:{rng.uniform(150, 260):.0f}px;'
            f'background:rgba(0,0,0,0.55);padding:16px;color:#fff;font:{rng.uniform(16, 26):.0f}px {jaf}">'
            f"{ja_text(rng, lines, 2)}</div>"
        )
        body.append(
            f'<div style="position:absolute;left:14px;top:40px">{svg(icons, rng.choice(NEG_ICONS), rng.uniform(16, 28), "#fff")}</div>'
        )
    elif layout == "whitecard":
        body.append(
            f'<div style="position:absolute;left:130px;top:170px;width:100px;height:100px;border-radius:22px;'
            f"background:url('file://{rng.choice(pool.art)}') center/cover\"></div>"
        )
        body.append(
            f'<div style="position:absolute;left:30px;right:30px;top:300px;font:{rng.uniform(15, 24):.0f}px {jaf};'
            f'color:#333;text-align:center">{ja_text(rng, lines, 3)}</div>'
        )
        body.append(
            '<div style="position:absolute;left:40px;right:40px;bottom:90px;padding:14px;border-radius:26px;'
            'background:#1a73e8;color:#fff;text-align:center;font:700 18px Roboto">INSTALL</div>'
        )
    elif layout == "textlist":
        items = "".join(
            f'<div style="padding:10px 14px;border-bottom:1px solid #ddd;font:{rng.uniform(13, 22):.0f}px '
            f'{rng.choice(JA_FONTS)};color:{"#222" if pale else "#fff"}">{ja_text(rng, lines, 1)} '
            f'<span style="color:#888;font:12px Roboto">{rng.randint(0, 23)}:{rng.randint(0, 59):02d}</span></div>'
            for _ in range(rng.randint(8, 16))
        )
        body.append(f'<div style="position:absolute;left:0;right:0;top:30px">{items}</div>')
        body.append(
            f'<div style="position:absolute;right:{rng.uniform(8, 30):.0f}px;top:{rng.uniform(30, 60):.0f}px;font:700 '
            f'{rng.uniform(20, 44):.0f}px {jaf};color:#c00"><span class="ja">{rng.choice(assets.X_LIKE_JA[:11])}</span></div>'
        )
    else:  # video
        body.append('<div style="position:absolute;inset:0;background:#000"></div>')
        body.append(
            f'<div style="position:absolute;left:0;right:0;top:{rng.uniform(150, 300):.0f}px;height:{rng.uniform(200, 330):.0f}px;'
            f"background:url('file://{rng.choice(pool.art)}') center/cover\"></div>"
        )
        body.append(
            f'<div style="position:absolute;left:20px;bottom:120px;right:20px;color:#eee;font:{rng.uniform(14, 20):.0f}px {jaf}">'
            f"{ja_text(rng, lines, 2)}</div>"
        )
    roll = rng.random()
    has_ad = layout != "textlist"
    want_close = has_ad and roll < 0.75
    want_skip = has_ad and (0.55 < roll < 0.75 or roll > 0.9)
    if want_close:
        where = (
            rng.choice(["tr", "tr", "tl", "card", "below"])
            if layout == "interstitial"
            else rng.choice(["tr", "tr", "tl"])
        )
        pos = {
            "tr": f"right:{rng.uniform(6, 22):.0f}px;top:{rng.uniform(26, 50):.0f}px",
            "tl": f"left:{rng.uniform(6, 22):.0f}px;top:{rng.uniform(26, 50):.0f}px",
            "card": f"right:{rng.uniform(8, 30):.0f}px;top:{rng.uniform(100, 230):.0f}px",
            "below": f"left:50%;transform:translateX(-50%);top:{rng.uniform(600, 700):.0f}px",
        }[where]
        body.append(f'<div style="position:absolute;{pos}">{close_button(rng, icons, pale)}</div>')
    if want_skip:
        pos = rng.choice(
            [
                f"right:{rng.uniform(8, 20):.0f}px;bottom:{rng.uniform(60, 200):.0f}px",
                f"right:{rng.uniform(8, 20):.0f}px;top:{rng.uniform(60, 100):.0f}px",
            ]
        )
        body.append(f'<div style="position:absolute;{pos}">{skip_button(rng, icons, pale)}</div>')
    xr = EXTRAS[0]
    if xr is not None and has_ad and xr.random() < 0.5:  # a countdown in a top corner the buttons leave free
        taken = {where if want_close else None, "tr" if want_skip else None}
        free = [c for c in ("tr", "tl") if c not in taken]
        if free:
            body.append(countdown(xr, pale, xr.choice(free)))
    for _ in range(rng.randint(0, 3)):
        body.append(
            f'<div style="position:absolute;left:{rng.uniform(10, 320):.0f}px;top:{rng.uniform(60, 760):.0f}px">'
            f"{svg(icons, rng.choice(NEG_ICONS), rng.uniform(12, 30), rng.choice(['#fff', '#333', '#f5b400']))}</div>"
        )
    if rng.random() < 0.4:
        body.append(
            f'<div style="position:absolute;left:{rng.uniform(20, 250):.0f}px;top:{rng.uniform(80, 700):.0f}px;'
            f'font:700 {rng.uniform(14, 24):.0f}px Roboto;color:#ffd54f;text-shadow:0 1px 2px #000">'
            f"{rng.choice(['x2', '×3', '+100', '1:22', 'x10'])}</div>"
        )
    status = (
        f'<div style="position:absolute;left:0;right:0;top:0;height:24px;padding:0 14px;display:flex;'
        f'justify-content:space-between;align-items:center;font:500 12px Roboto;color:{"#222" if pale else "#fff"}">'
        f"<span>{rng.randint(0, 23)}:{rng.randint(0, 59):02d}</span><span style='display:flex;gap:4px'>"
        f"{svg(icons, 'bootstrap-icons/icons/wifi.svg', 12, 'currentColor')}"
        f"{svg(icons, 'bootstrap-icons/icons/battery-full.svg', 14, 'currentColor')}</span></div>"
    )
    return layout, page_html("".join(body) + status, bg, PAGE_CSS[0])


def use_close_icons(icons: Path, table_file: Path) -> None:
    """Draw closes from the icons of ``table_file`` (JSON {family: [SVG paths under ``icons``]}) instead of
    CLOSE_ICONS' own; exits naming the first icon that is not there, before anything is drawn."""
    table = json.loads(table_file.read_text())
    missing = [rel for rels in table.values() for rel in rels if not (icons / rel).is_file()]
    if not table or missing:
        sys.exit(f"webeval: {table_file}: {'no families' if not table else f'no such icon: {missing[0]}'}")
    CLOSE_ICONS.clear()
    CLOSE_ICONS.update(table)


def use_fonts(table_file: Path) -> None:
    """Draw text in the families of ``table_file`` (scripts/fresh-fonts.py's fonts.json) instead of JA_FONTS and
    LATIN_FONTS, every page importing its CSS; exits when a list's length differs (the pages would not be the
    same draw) or the CSS is not there."""
    table = json.loads(table_file.read_text())
    css = Path(table.get("css", ""))
    if len(table.get("ja", ())) != len(JA_FONTS) or len(table.get("latin", ())) != len(LATIN_FONTS):
        sys.exit(f"webeval: {table_file}: want {len(JA_FONTS)} Japanese and {len(LATIN_FONTS)} Latin families")
    if not css.is_file():
        sys.exit(f"webeval: {table_file}: no such CSS file: {css}")
    JA_FONTS[:] = table["ja"]
    LATIN_FONTS[:] = table["latin"]
    PAGE_CSS[0] = f"@import url('file://{css.resolve()}');"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--icons", type=Path, required=True, help="node_modules folder with the icon packages")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--close-icons", type=Path, help="JSON {family: [SVG paths under --icons]} to draw closes from")
    ap.add_argument("--fonts", type=Path, help="scripts/fresh-fonts.py's fonts.json: the families to draw text in")
    ap.add_argument(
        "--extras",
        action="store_true",
        help="also draw, from random numbers of their own (the pages otherwise as without): close marks as two CSS "
        "bars, plates with shadows or gradients, countdowns in a free top corner",
    )
    ap.add_argument(
        "--scale",
        type=int,
        choices=(2, 3, 4),
        default=3,
        help="device pixels per CSS pixel: the same pages shot as a 720x1600 (2), 1080x2400 (3) or 1440x3200 (4) phone",
    )
    ap.add_argument(
        "--label-shown",
        action="store_true",
        help="label a close/skip whose plate does not show with the box of what does (its mark): a measurement",
    )
    args = ap.parse_args()
    if args.close_icons is not None:
        use_close_icons(args.icons, args.close_icons)
    if args.fonts is not None:
        use_fonts(args.fonts)

    pool = assets.load_pool("val")
    thin = assets.thin_assets([pool])
    if thin:
        sys.exit(f"webeval: {'; '.join(thin)}: install the data packages with `bash scripts/data.sh` (root)")

    def screens():
        for i in range(args.n):
            rng = random.Random(f"web:{args.seed}:{i}")
            EXTRAS[0] = random.Random(f"webextra:{args.seed}:{i}") if args.extras else None
            layout, doc = page(rng, args.icons, pool)
            yield WebScreen(f"web_{args.seed}_{i:04d}", layout, doc)

    metas = render(
        screens(), args.out, total=args.n, chromium=args.chromium, label_shown=args.label_shown, scale=args.scale
    )
    undrawn = sum(len(m.get("undrawn", ())) for m in metas)
    print(
        f"wrote {len(metas)} browser-rendered screens to {args.out} "
        f"({undrawn} labelled elements drew nothing: left out)"
    )


if __name__ == "__main__":
    main()
