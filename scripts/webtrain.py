"""Browser-rendered *training* screens: ad and non-ad screens written as HTML/CSS in layouts of their own, drawn by
headless Chromium at 1080x2400 (360x800 CSS px at device scale 3), so the detector sees a browser's rendering
(anti-aliasing, font hinting, CSS shadows, gradients, borders, filters) and not only the PIL generator's.

Nothing here is shared with the browser-rendered evaluation set (scripts/webeval.py) but the renderer: other
layouts (reward dialog, bottom sheet, end card, playable, banner, video bar, feed, game HUD; webeval draws
interstitial, fullart, whitecard, textlist, video), other icons (the training split of the Iconify sets in
detector/synth/icons.py, read from their JSON; webeval draws bootstrap, remix, lucide, ionicons and heroicons, which
training never uses, and the reserved families are refused there), the training split's fonts (loaded with
@font-face from their files; webeval names system families) and pictures. Marks are also drawn as text (x, ×, ✕,
»), as CSS bars (thin to fat, long to short-legged) and as the Iconify sets' circled and squared x's.

Every close and skip is labelled with its outer box (the plate, ring or pill; the ink of a bare mark), every
Japanese character is a ja_char; mute buttons, "×2" prices, plus signs, clocks, circled kanji in the corners where
closes sit, and other icons stay unlabelled. Needs: Debian ``chromium``, ``pip install playwright`` (a driver only),
the Iconify packages of ``bash scripts/icons.sh`` (``--npm-dir``) and their mask cache (``--icons``, for which
icons are close / skip / negative and which split they belong to).

Usage: ``python scripts/webtrain.py --out data/web1 --n 2000 --seed 101``
"""

from __future__ import annotations

import argparse
import functools
import html
import math
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from detector.errors import DatasetError  # noqa: E402
from detector.synth import assets  # noqa: E402
from detector.synth.browser import WebScreen, ja_spans, ja_text, page_html, render  # noqa: E402
from detector.synth.icons import IconEntry, icons_json, is_muted, is_sound, load_icons  # noqa: E402

LAYOUTS = ("reward", "sheet", "endcard", "playable", "banner", "videobar", "feed", "hud")
NO_AD_LAYOUTS = ("feed", "hud")
CTA_WORDS = ("今すぐプレイ", "インストール", "無料で遊ぶ", "ダウンロード", "詳しくはこちら")
TABS = ("ホーム", "ガチャ", "編成", "クエスト", "ショップ")
TABS = ("ホーム", "ガチャ", "編成", "クエスト", "ショップ")
SHADOWED = "color:#fff;text-shadow:0 1px 3px rgba(0,0,0,0.8)"  # white text over pictures


class Icons:
    """The training split's Iconify icons as inline SVG, by role ("close" by kind, "skip", "negative", "sound")."""

    def __init__(self, npm_dir: Path, cache: Path) -> None:
        self.npm_dir = npm_dir
        entries = load_icons(cache, "train")
        if not entries:
            sys.exit(f"webtrain: no icon cache at {cache}: run `bash scripts/icons.sh {cache}` first")
        self.close = {
            k: [e for e in entries if e.role == "close" and e.kind == k] for k in ("bare", "circle", "square")
        }
        self.skip = [e for e in entries if e.role == "skip"]
        self.negative = [e for e in entries if e.role == "negative" and not is_sound(e.name)]
        self.sound = [e for e in entries if e.role == "negative" and is_sound(e.name)]
        self.muted = [e for e in self.sound if is_muted(e.name)]

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one Icons per run
    def _set(self, prefix: str) -> dict:
        return icons_json(self.npm_dir, prefix)

    def svg(self, entry: IconEntry, px: float, color: str) -> str:
        data = self._set(entry.set)
        icon = data["icons"][entry.name]
        w, h = icon.get("width", data.get("width", 16)), icon.get("height", data.get("height", 16))
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" '
            f'style="width:{px:.1f}px;height:{px:.1f}px;display:block;color:{color}">{icon["body"]}</svg>'
        )


class Page:
    """What one screen draws from: its random stream, the pools, the fonts it declared, its background tone."""

    def __init__(self, rng: random.Random, icons: Icons, pool: assets.AssetPool) -> None:
        self.rng, self.icons, self.pool = rng, icons, pool
        ok = [f for f in pool.ja_fonts if f.endswith((".ttf", ".otf"))] or list(pool.ja_fonts)
        lat = [f for f in pool.latin_fonts if f.endswith((".ttf", ".otf"))] or list(pool.latin_fonts)
        self.ja_files = rng.sample(ok, min(3, len(ok)))
        self.latin_files = rng.sample(lat, min(2, len(lat)))
        self.pale = False

    def font_faces(self) -> str:
        faces = [f"@font-face{{font-family:j{i};src:url('file://{f}')}}" for i, f in enumerate(self.ja_files)]
        faces += [f"@font-face{{font-family:l{i};src:url('file://{f}')}}" for i, f in enumerate(self.latin_files)]
        return "".join(faces)

    def ja_font(self) -> str:
        return f"j{self.rng.randrange(len(self.ja_files))},sans-serif"

    def latin_font(self) -> str:
        return f"l{self.rng.randrange(len(self.latin_files))},sans-serif"

    def art(self) -> str:
        return f"url('file://{self.rng.choice(self.pool.art)}') center/cover"

    def text(self, n: int, limit: int = 30) -> str:
        return ja_text(self.rng, self.pool.ja_lines, n, limit)

    def colour(self, light: bool | None = None) -> str:
        light = self.rng.random() < 0.5 if light is None else light
        h, s = self.rng.randrange(360), self.rng.randint(35, 90)
        return f"hsl({h},{s}%,{self.rng.randint(75, 95) if light else self.rng.randint(20, 50)}%)"


def _size(rng: random.Random) -> float:
    """A close's side in CSS px: 8-50 (24-150 screen px), log-uniform so tiny marks are as common as big ones."""
    return math.exp(rng.uniform(math.log(8), math.log(50)))


def _scheme(pg: Page) -> tuple[str, str, str]:
    """(plate, mark, extra CSS) for a plated close, the user's failures among them."""
    rng = pg.rng
    shadow = (
        f"box-shadow:0 {rng.uniform(0, 2):.1f}px {rng.uniform(1, 6):.1f}px rgba(0,0,0,{rng.uniform(0.1, 0.5):.2f});"
    )
    extra = shadow if rng.random() < 0.35 else ""
    if pg.pale and rng.random() < 0.45:  # a light-grey translucent disc with a white x on a pale screen
        g = rng.randint(140, 215)
        return f"rgba({g},{g},{g},{rng.uniform(0.35, 0.8):.2f})", "#fff", extra
    r = rng.random()
    if r < 0.3:
        return f"rgba(0,0,0,{rng.uniform(0.25, 0.8):.2f})", rng.choice(["#fff", "#eee", "#ddd"]), extra
    if r < 0.5:
        return rng.choice(["#fff", "#f4f4f4", "rgba(255,255,255,0.85)"]), rng.choice(["#000", "#222", "#555"]), extra
    if r < 0.62:
        return rng.choice(["#000", "#1b1b1b", "#333"]), "#fff", extra
    if r < 0.85:
        return pg.colour(light=False), "#fff", extra
    top, bottom = pg.colour(), pg.colour(light=False)
    return f"linear-gradient({top},{bottom})", "#fff", extra


def _mark(pg: Page, px: float, color: str) -> str:
    """An x drawn inside a plate: an icon, a character or two CSS bars."""
    rng = pg.rng
    r = rng.random()
    if r < 0.5 and pg.icons.close["bare"]:
        return pg.icons.svg(rng.choice(pg.icons.close["bare"]), px, color)
    if r < 0.75:
        ch = rng.choice("×✕✖Xx╳")
        return (
            f'<span style="font:{rng.choice([300, 400, 700, 900])} {px * 1.2:.1f}px {pg.latin_font()};line-height:1;'
            f'color:{color}">{ch}</span>'
        )
    return _bars(pg, px, color)


def _bars(pg: Page, px: float, color: str) -> str:
    """Two crossed CSS bars in a ``px`` square: thin to fat, long to short-legged, square or round ends."""
    rng = pg.rng
    thick = px * rng.uniform(0.07, 0.3)
    length = px * rng.uniform(0.75, 1.35)
    ends = f"border-radius:{thick / 2:.1f}px;" if rng.random() < 0.6 else ""
    bar = (
        f"position:absolute;left:50%;top:50%;width:{length:.1f}px;height:{thick:.1f}px;margin:-{thick / 2:.1f}px 0 0 "
        f"-{length / 2:.1f}px;background:{color};{ends}"
    )
    return (
        f'<div style="position:relative;width:{px:.1f}px;height:{px:.1f}px">'
        f'<div style="{bar}transform:rotate(45deg)"></div><div style="{bar}transform:rotate(-45deg)"></div></div>'
    )


def close_button(pg: Page, size: float | None = None) -> str:
    rng = pg.rng
    size = size or _size(rng)
    style = rng.choices(["bare", "plate", "ring", "kind", "pill"], weights=[3, 6, 2, 2, 1])[0]
    if style == "kind" and (pg.icons.close["circle"] or pg.icons.close["square"]):  # the set's own circled x
        entry = rng.choice(pg.icons.close["circle"] + pg.icons.close["square"])
        color = rng.choice(["#000", "#333", "#777"]) if pg.pale else rng.choice(["#fff", "#eee", "#ccc"])
        icon = pg.icons.svg(entry, size, color)
        return f'<div data-label="close" data-ink="1" style="display:inline-block">{icon}</div>'
    if style == "bare" or style == "kind":
        color = rng.choice(["#000", "#222", "#666", "#999"]) if pg.pale else rng.choice(["#fff", "#eee", "#bbb"])
        glow = f"filter:drop-shadow(0 0 {rng.uniform(1, 3):.1f}px rgba(0,0,0,0.6));" if rng.random() < 0.3 else ""
        if rng.random() < 0.35:  # CSS bars: the outer box is the bars' square
            return f'<div data-label="close" style="display:inline-block;{glow}">{_bars(pg, size, color)}</div>'
        entry = rng.choice(pg.icons.close["bare"])
        return (
            f'<div data-label="close" data-ink="1" style="display:inline-block;{glow}">'
            f"{pg.icons.svg(entry, size, color)}</div>"
        )
    plate, mark, extra = _scheme(pg)
    if style == "pill":
        h = max(size, 18.0)
        word = rng.choice(assets.CLOSE_WORDS + ("閉じる ×", "広告を閉じる", "Close Ad"))
        icon = _mark(pg, h * 0.45, mark) if rng.random() < 0.7 else ""
        font = pg.ja_font() if rng.random() < 0.6 else pg.latin_font()
        return (
            f'<div data-label="close" style="display:inline-flex;align-items:center;gap:{h * 0.15:.0f}px;'
            f"padding:0 {h * 0.4:.0f}px;height:{h:.0f}px;border-radius:{rng.choice([h / 2, h / 5]):.0f}px;"
            f'background:{plate};color:{mark};font:600 {h * 0.42:.0f}px {font};{extra}">{icon}{html.escape(word)}</div>'
        )
    ring = style == "ring"
    radius = "50%" if ring or rng.random() < 0.75 else f"{size * rng.uniform(0.1, 0.3):.0f}px"
    bg = plate
    if ring and rng.random() < 0.6:  # an outline only: the ring and x contrast with the backdrop
        bg, mark = "transparent", rng.choice(["#000", "#333", "#666"]) if pg.pale else rng.choice(["#fff", "#eee"])
    line = max(1.0, size * rng.uniform(0.04, 0.1))
    border = f"border:{line:.1f}px solid {mark};" if ring or rng.random() < 0.15 else ""
    return (
        f'<div data-label="close" style="display:inline-flex;align-items:center;justify-content:center;'
        f"box-sizing:border-box;width:{size:.1f}px;height:{size:.1f}px;border-radius:{radius};background:{bg};"
        f'{border}{extra}">{_mark(pg, size * rng.uniform(0.4, 0.65), mark)}</div>'
    )


def skip_button(pg: Page) -> str:
    rng = pg.rng
    h = rng.uniform(14, 38)
    dark = rng.random() < 0.6
    plate, fg = (
        (f"rgba(0,0,0,{rng.uniform(0.35, 0.8):.2f})", "#fff")
        if dark
        else (
            rng.choice(["rgba(255,255,255,0.9)", "#fff", pg.colour(light=True)]),
            rng.choice(["#111", "#333"]),
        )
    )
    if rng.random() < 0.6 and pg.icons.skip:
        mark = pg.icons.svg(rng.choice(pg.icons.skip), h * 0.55, fg)
    else:
        mark = (
            f'<span style="font:700 {h * 0.55:.0f}px {pg.latin_font()};line-height:1">'
            f"{rng.choice(assets.SKIP_TEXT_MARKS)}</span>"
        )
    form = rng.choices(["pill", "circle", "bare", "countdown"], weights=[5, 2, 1, 1])[0]
    if form == "bare" and pg.icons.skip:
        color = "#222" if pg.pale else "#fff"
        return (
            f'<div data-label="skip" data-ink="1" style="display:inline-block">'
            f"{pg.icons.svg(rng.choice(pg.icons.skip), h, color)}</div>"
        )
    if form in ("circle", "bare"):
        return (
            f'<div data-label="skip" style="display:inline-flex;align-items:center;justify-content:center;'
            f'width:{h:.0f}px;height:{h:.0f}px;border-radius:50%;background:{plate};color:{fg}">{mark}</div>'
        )
    word = rng.choice(assets.SKIP_WORDS) + (f" {rng.randint(1, 5)}" if form == "countdown" else "")
    font = pg.ja_font() if rng.random() < 0.6 else pg.latin_font()
    border = f"border:1px solid {fg};" if rng.random() < 0.3 else ""
    parts = [html.escape(word), mark] if rng.random() < 0.8 else [mark, html.escape(word)]
    return (
        f'<div data-label="skip" style="display:inline-flex;align-items:center;gap:{h * 0.15:.0f}px;'
        f"padding:0 {h * 0.45:.0f}px;height:{h:.0f}px;border-radius:{rng.choice([h / 2, 3, 6]):.0f}px;"
        f'background:{plate};color:{fg};font:600 {h * 0.42:.0f}px {font};{border}">{"".join(parts)}</div>'
    )


def _disc(side: float, radius: str, plate: str, color: str, font: str, extra: str, content: str) -> str:
    """A ``side``-px plate with ``content`` centred on it (a circled kanji, a plus sign)."""
    return (
        f'<div style="display:flex;align-items:center;justify-content:center;width:{side:.0f}px;height:{side:.0f}px;'
        f'border-radius:{radius};background:{plate};color:{color};font:{font};{extra}">{content}</div>'
    )


def negatives(pg: Page, n: int) -> list[str]:
    """Hard negatives placed anywhere, the corners included: never labelled close or skip."""
    rng, out = pg.rng, []
    for _ in range(n):
        x, y = rng.uniform(4, 330), rng.uniform(28, 770)
        if rng.random() < 0.35:  # where closes sit
            x, y = rng.choice([rng.uniform(4, 30), rng.uniform(300, 330)]), rng.uniform(28, 80)
        kind = rng.choices(["icon", "sound", "price", "kanji", "plus", "clock", "pill"], weights=[4, 2, 2, 2, 1, 1, 2])[
            0
        ]
        fg = "#222" if pg.pale else "#fff"
        if kind == "icon" and pg.icons.negative:
            el = pg.icons.svg(
                rng.choice(pg.icons.negative), rng.uniform(10, 34), rng.choice([fg, "#f5b400", "#e53935"])
            )
        elif kind == "sound" and pg.icons.sound:
            plate, mark, extra = _scheme(pg)
            icon = rng.choice(pg.icons.muted if pg.icons.muted and rng.random() < 0.6 else pg.icons.sound)
            s = rng.uniform(10, 40)
            el = (
                f'<div style="display:flex;align-items:center;justify-content:center;width:{s:.0f}px;height:{s:.0f}px;'
                f'border-radius:50%;background:{plate};{extra}">{pg.icons.svg(icon, s * 0.6, mark)}</div>'
            )
        elif kind == "price":
            t = rng.choice(["×2", "x2", "×3", "x10", "×10", "+100", "×5 ", "区切り×", "2倍", "×1.5"])
            el = (
                f'<div style="font:800 {rng.uniform(10, 26):.0f}px {pg.latin_font()};color:#ffd54f;'
                f'text-shadow:0 1px 2px #000">{ja_spans(t)}</div>'
            )
        elif kind == "kanji":
            plate, mark, extra = _scheme(pg)
            s = rng.uniform(10, 34)
            ch = rng.choice(assets.X_LIKE_JA)
            radius = rng.choice(["50%", "4px"])
            el = _disc(
                s, radius, plate, mark, f"{rng.choice([400, 700])} {s * 0.7:.0f}px {pg.ja_font()}", extra, ja_spans(ch)
            )
        elif kind == "plus":
            plate, mark, extra = _scheme(pg)
            s = rng.uniform(10, 34)
            el = _disc(s, "50%", plate, mark, f"700 {s * 0.8:.0f}px {pg.latin_font()}", extra, rng.choice("+＋✚"))
        elif kind == "pill":  # a pill like a close or skip pill with any other word
            plate, mark, extra = _scheme(pg)
            h = rng.uniform(16, 34)
            el = (
                f'<div style="display:inline-flex;align-items:center;padding:0 {h * 0.4:.0f}px;height:{h:.0f}px;'
                f"border-radius:{h / 2:.0f}px;background:{plate};color:{mark};font:600 {h * 0.42:.0f}px "
                f'{pg.ja_font()};white-space:nowrap;{extra}">{ja_spans(rng.choice(assets.PILL_OTHER_WORDS))}</div>'
            )
        else:
            el = (
                f'<div style="font:500 {rng.uniform(10, 22):.0f}px {pg.latin_font()};color:{fg}">'
                f"{rng.randint(0, 23)}:{rng.randint(0, 59):02d}</div>"
            )
        out.append(f'<div style="position:absolute;left:{x:.0f}px;top:{y:.0f}px">{el}</div>')
    return out


def _card(pg: Page, top: float, height: float, inset: float) -> tuple[str, bool]:
    """An ad card (picture, text, call to action) and whether it is light."""
    rng = pg.rng
    cta_bg = rng.choice([pg.colour(light=False), f"linear-gradient(90deg,{pg.colour(False)},{pg.colour(False)})"])
    dark = rng.random() < 0.2
    card_bg = "#1d1d22" if dark else rng.choice(["#fff", "#fdfdfd", pg.colour(light=True)])
    text = "#eee" if dark else "#333"
    return (
        f'<div style="position:absolute;left:{inset:.0f}px;right:{inset:.0f}px;top:{top:.0f}px;height:{height:.0f}px;'
        f"background:{card_bg};"
        f'border-radius:{rng.uniform(0, 24):.0f}px;overflow:hidden;box-shadow:0 4px 18px rgba(0,0,0,0.35)">'
        f'<div style="height:{rng.uniform(40, 60):.0f}%;background:{pg.art()}"></div>'
        f'<div style="padding:10px 14px;font:{rng.uniform(12, 19):.0f}px {pg.ja_font()};color:{text}">'
        f"{pg.text(2)}</div>"
        f'<div style="margin:6px 22px;padding:10px;text-align:center;border-radius:{rng.choice([6, 24])}px;'
        f'background:{cta_bg};color:#fff;font:700 {rng.uniform(14, 19):.0f}px {pg.ja_font()}">'
        f"{ja_spans(rng.choice(CTA_WORDS))}</div></div>",
        not dark,
    )


def page(rng: random.Random, icons: Icons, pool: assets.AssetPool) -> tuple[str, str]:
    """One screen's (layout, HTML)."""
    pg = Page(rng, icons, pool)
    layout = rng.choice(LAYOUTS)
    pg.pale = rng.random() < (0.7 if layout in ("endcard", "banner", "feed") else 0.3)
    bg = rng.choice(["#fff", "#fafafa", "#f3f3f3", pg.colour(light=True)]) if pg.pale else pg.art()
    body: list[str] = []
    # CSS positions where a close may sit, best first, each with whether what lies behind it there is light
    close_at: list[tuple[str, bool]] = []
    if layout == "reward":
        body.append(
            f'<div style="position:absolute;inset:0;background:rgba(0,0,0,{rng.uniform(0.3, 0.75):.2f})"></div>'
        )
        top, h, inset = rng.uniform(140, 300), rng.uniform(260, 400), rng.uniform(20, 50)
        card, light = _card(pg, top, h, inset)
        body.append(card)
        close_at = [
            (f"right:{inset - rng.uniform(0, 14):.0f}px;top:{top - rng.uniform(0, 14):.0f}px", False),
            (f"right:{inset + rng.uniform(6, 14):.0f}px;top:{top + rng.uniform(6, 14):.0f}px", light),
            (f"left:50%;transform:translateX(-50%);top:{top + h + rng.uniform(14, 50):.0f}px", False),
        ]
    elif layout == "sheet":
        top = rng.uniform(330, 520)
        light = rng.random() < 0.7
        body.append(
            f'<div style="position:absolute;left:0;right:0;top:{top:.0f}px;bottom:0;background:'
            f"{'#fff' if light else '#222'};border-radius:18px 18px 0 0;padding:26px 18px;"
            f'font:{rng.uniform(13, 20):.0f}px {pg.ja_font()};color:{"#444" if light else "#eee"}">'
            f'<div style="width:40px;height:4px;border-radius:2px;background:#ccc;margin:-14px auto 14px"></div>'
            f"{pg.text(3)}</div>"
        )
        close_at = [(f"right:{rng.uniform(10, 20):.0f}px;top:{top + rng.uniform(8, 16):.0f}px", light)]
    elif layout == "endcard":
        body.append(
            f'<div style="position:absolute;inset:0;background:{pg.art()};filter:blur({rng.uniform(0, 14):.0f}px) '
            f'brightness({rng.uniform(0.5, 1.2):.2f})"></div>'
        )
        body.append(
            f'<div style="position:absolute;left:50%;top:{rng.uniform(160, 260):.0f}px;transform:translateX(-50%);'
            f'width:110px;height:110px;border-radius:24px;background:{pg.art()}"></div>'
        )
        body.append(
            f'<div style="position:absolute;left:24px;right:24px;top:{rng.uniform(300, 380):.0f}px;text-align:center;'
            f'font:{rng.uniform(14, 22):.0f}px {pg.ja_font()};{"color:#222" if pg.pale else SHADOWED}">{pg.text(2)}'
            f'<div style="color:#f5b400;font:{rng.uniform(14, 22):.0f}px {pg.latin_font()}">★★★★☆ 4.{rng.randint(0, 9)}'
            f"</div></div>"
        )
        if rng.random() < 0.4:
            body.append(_card(pg, rng.uniform(560, 620), 150, 30)[0])
        side = rng.choice(["right", "left"])
        close_at = [(f"{side}:{rng.uniform(8, 24):.0f}px;top:{rng.uniform(28, 60):.0f}px", pg.pale)]
    elif layout == "playable":
        cells = "".join(
            f'<div style="border-radius:{rng.uniform(2, 12):.0f}px;background:{pg.colour(light)};display:flex;'
            f"align-items:center;justify-content:center;font:700 22px {pg.ja_font()};"
            f'color:{"#222" if light else "#fff"}">'
            f"{ja_spans(rng.choice(assets.X_LIKE_JA + '金銀火水木土')) if rng.random() < 0.3 else ''}</div>"
            for light in (rng.random() < 0.5 for _ in range(36))
        )
        body.append(
            f'<div style="position:absolute;left:20px;right:20px;top:{rng.uniform(170, 260):.0f}px;height:320px;'
            f'display:grid;grid-template-columns:repeat(6,1fr);gap:5px">{cells}</div>'
        )
        ring = rng.uniform(20, 36)
        body.append(
            f'<div style="position:absolute;left:{rng.uniform(10, 300):.0f}px;top:{rng.uniform(30, 120):.0f}px;'
            f"width:{ring:.0f}px;height:{ring:.0f}px;border-radius:50%;border:3px solid #fff;color:#fff;display:flex;"
            f'align-items:center;justify-content:center;font:700 {ring * 0.5:.0f}px {pg.latin_font()}">'
            f"{rng.randint(1, 30)}</div>"
        )
        close_at = [(f"right:{rng.uniform(6, 20):.0f}px;top:{rng.uniform(26, 60):.0f}px", pg.pale)]
    elif layout == "banner":
        body.append(
            f'<div style="position:absolute;left:0;right:0;top:30px;padding:14px;font:{rng.uniform(13, 18):.0f}px '
            f'{pg.ja_font()};color:#222;line-height:1.7">{pg.text(rng.randint(6, 14))}</div>'
        )
        bh = rng.uniform(50, 110)
        body.append(
            f'<div style="position:absolute;left:0;right:0;bottom:{rng.uniform(0, 60):.0f}px;height:{bh:.0f}px;'
            f'background:{pg.art()};border-top:1px solid #ccc"></div>'
        )
        close_at = [(f"right:{rng.uniform(2, 10):.0f}px;bottom:{bh + rng.uniform(0, 60):.0f}px", pg.pale)]
    elif layout == "videobar":
        body.append('<div style="position:absolute;inset:0;background:#000"></div>')
        top = rng.uniform(140, 300)
        body.append(
            f'<div style="position:absolute;left:0;right:0;top:{top:.0f}px;height:{rng.uniform(200, 340):.0f}px;'
            f'background:{pg.art()}"></div>'
        )
        body.append(
            f'<div style="position:absolute;left:10px;right:10px;top:30px;display:flex;justify-content:space-between;'
            f'font:12px {pg.ja_font()};color:#ddd">{ja_spans("広告 · " + str(rng.randint(1, 30)) + "秒")}</div>'
        )
        close_at = [(f"right:{rng.uniform(8, 20):.0f}px;top:{rng.uniform(50, 80):.0f}px", False)]
    elif layout == "feed":
        items = "".join(
            f'<div style="display:flex;gap:10px;padding:10px 12px;border-bottom:1px solid #e5e5e5">'
            f'<div style="flex:none;width:40px;height:40px;border-radius:50%;background:{pg.art()}"></div>'
            f'<div style="font:{rng.uniform(12, 16):.0f}px {pg.ja_font()};color:#222">{pg.text(rng.randint(1, 2), 22)}'
            f'<div style="color:#888;font:11px {pg.latin_font()}">{rng.randint(1, 59)}m · ♥ {rng.randint(0, 999)}'
            f"</div></div></div>"
            for _ in range(rng.randint(6, 10))
        )
        body.append(f'<div style="position:absolute;left:0;right:0;top:28px;background:#fff">{items}</div>')
    else:  # hud: a game screen, no ad
        bars = "".join(
            f'<div style="height:10px;width:{rng.uniform(60, 140):.0f}px;border-radius:5px;margin:4px 0;'
            f'background:{pg.colour(light=False)}"></div>'
            for _ in range(rng.randint(1, 3))
        )
        body.append(f'<div style="position:absolute;left:12px;top:34px">{bars}</div>')
        body.append(
            f'<div style="position:absolute;left:0;right:0;bottom:0;height:70px;display:flex;'
            f"justify-content:space-around;align-items:center;background:rgba(0,0,0,0.5);font:12px {pg.ja_font()};"
            'color:#fff">' + "".join(f"<span>{ja_spans(w)}</span>" for w in rng.sample(TABS, 4)) + "</div>"
        )
    has_ad = layout not in NO_AD_LAYOUTS
    roll = rng.random()
    want_close = has_ad and roll < 0.78
    want_skip = has_ad and (0.6 < roll < 0.78 or roll > 0.9)
    if want_close:
        pos, light = close_at[0] if rng.random() < 0.6 else rng.choice(close_at)
        if rng.random() < 0.25:  # any top corner of the screen
            side = rng.choice(["right", "left"])
            pos, light = f"{side}:{rng.uniform(4, 24):.0f}px;top:{rng.uniform(26, 70):.0f}px", pg.pale
        pale, pg.pale = pg.pale, light  # the close's colours follow what lies right behind it
        body.append(f'<div style="position:absolute;{pos}">{close_button(pg)}</div>')
        pg.pale = pale
    if want_skip:
        pos = rng.choice(
            [
                f"right:{rng.uniform(6, 20):.0f}px;bottom:{rng.uniform(50, 220):.0f}px",
                f"right:{rng.uniform(6, 20):.0f}px;top:{rng.uniform(40, 110):.0f}px",
                f"left:{rng.uniform(6, 20):.0f}px;top:{rng.uniform(40, 110):.0f}px",
            ]
        )
        body.append(f'<div style="position:absolute;{pos}">{skip_button(pg)}</div>')
    body += negatives(pg, rng.randint(0, 4))
    fg = "#222" if pg.pale or layout == "feed" else "#fff"
    status = (
        f'<div style="position:absolute;left:0;right:0;top:0;height:24px;padding:0 14px;display:flex;'
        f'justify-content:space-between;align-items:center;font:500 12px {pg.latin_font()};color:{fg}">'
        f"<span>{rng.randint(0, 23)}:{rng.randint(0, 59):02d}</span><span>{rng.randint(5, 100)}%</span></div>"
    )
    return layout, page_html("".join(body) + status, bg, pg.font_faces())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=101)
    ap.add_argument("--val-fraction", type=float, default=0.0, help="screens listed in val.txt instead of train.txt")
    ap.add_argument("--icons", type=Path, default=Path("data/icons"), help="the mask cache of `closebot icons`")
    ap.add_argument("--npm-dir", type=Path, default=Path("/tmp/closebot-iconify/node_modules"))
    ap.add_argument("--jpeg-quality", type=int, default=92)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    args = ap.parse_args()
    pool = assets.load_pool("train")
    thin = assets.thin_assets([pool])
    if thin:
        sys.exit(f"webtrain: {'; '.join(thin)}: install the data packages with `bash scripts/data.sh` (root)")
    icons = Icons(args.npm_dir, args.icons)

    def screens():
        for i in range(args.n):
            rng = random.Random(f"webtrain:{args.seed}:{i}")
            layout, doc = page(rng, icons, pool)
            split = "val" if rng.random() < args.val_fraction else "train"
            yield WebScreen(f"webtrain_{args.seed}_{i:05d}", layout, doc, split)

    try:
        metas = render(screens(), args.out, total=args.n, chromium=args.chromium, jpeg_quality=args.jpeg_quality)
    except DatasetError as e:  # an Iconify package missing (icons_json names it)
        sys.exit(f"webtrain: {e}")
    undrawn = sum(len(m.get("undrawn", ())) for m in metas)
    print(
        f"wrote {len(metas)} browser-rendered training screens to {args.out} "
        f"({undrawn} labelled elements drew nothing: left out)"
    )


if __name__ == "__main__":
    main()
