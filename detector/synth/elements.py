"""Drawing of single screen elements: close buttons, skip buttons, text runs and look-alike negatives.

Each drawer returns a :class:`Sprite`: an RGBA patch plus the labelled boxes inside it (patch coordinates).
Marks are drawn at 4x and reduced, so strokes get the anti-aliasing a phone's renderer gives them.
"""

from __future__ import annotations

import functools
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from detector.synth import assets
from detector.synth.assets import AssetPool, Glyph
from detector.synth.icons import is_muted

SS = 4  # supersampling factor for marks
RGBA = tuple[int, int, int, int]


@dataclass
class LabelledBox:
    label: str
    box: tuple[float, float, float, float]
    style: str = ""


@dataclass
class Sprite:
    image: Image.Image  # RGBA
    boxes: list[LabelledBox] = field(default_factory=list)


@functools.lru_cache(maxsize=512)
def font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, max(4, int(size)))


_NOTDEF_PROBE = "\U0010fffd"  # a private-use codepoint no font maps: renders the font's "missing glyph" box


def _render_probe(fpath: str, ch: str) -> bytes:
    f = font(fpath, 24)
    img = Image.new("L", (40, 40), 0)
    ImageDraw.Draw(img).text((4, 4), ch, font=f, fill=255)
    return img.tobytes()


@functools.lru_cache(maxsize=200_000)
def has_glyph(fpath: str, ch: str) -> bool:
    """True when ``fpath`` draws ``ch`` itself rather than its missing-glyph box (or nothing)."""
    if ch.isspace():
        return True
    try:
        drawn = _render_probe(fpath, ch)
        return any(drawn) and drawn != _render_probe(fpath, _NOTDEF_PROBE)
    except OSError:
        return False


@functools.lru_cache(maxsize=32)
def _families(fonts: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    groups: dict[str, list[str]] = defaultdict(list)
    for f in fonts:
        groups[str(Path(f).parent)].append(f)
    return tuple(tuple(groups[k]) for k in sorted(groups))


def pick_font(rng: random.Random, fonts: tuple[str, ...]) -> str:
    """Pick a font family first (its folder), then a file, so big families do not crowd out small ones."""
    return rng.choice(rng.choice(_families(fonts)))


def _grey(v: int, a: int = 255) -> RGBA:
    return (v, v, v, a)


def random_color(rng: random.Random, alpha: int = 255) -> RGBA:
    h = rng.random()
    s = rng.uniform(0.4, 1.0)
    v = rng.uniform(0.5, 1.0)
    i = int(h * 6)
    f = h * 6 - i
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    r, g, b = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i % 6]
    return (int(r * 255), int(g * 255), int(b * 255), alpha)


# ----------------------------------------------------------------------------------------------------------------
# Close buttons
# ----------------------------------------------------------------------------------------------------------------

CLOSE_SCHEMES = (
    "light_translucent",
    "dark_translucent",
    "black_on_white",
    "white_bare",
    "dark_bare",
    "colored",
    "grey_bare",
    "white_on_black",
)


def close_scheme_colors(rng: random.Random, scheme: str) -> tuple[RGBA, RGBA | None]:
    """(mark colour, plate colour or None)."""
    if scheme == "light_translucent":  # the user's most-missed case: pale circle, white x, pale background
        return _grey(255, rng.randint(220, 255)), _grey(rng.randint(150, 215), rng.randint(70, 170))
    if scheme == "dark_translucent":
        return _grey(rng.randint(230, 255)), _grey(rng.randint(0, 50), rng.randint(80, 190))
    if scheme == "black_on_white":
        return _grey(rng.randint(0, 60)), _grey(rng.randint(235, 255), rng.randint(200, 255))
    if scheme == "white_bare":
        return _grey(rng.randint(225, 255), rng.randint(200, 255)), None
    if scheme == "dark_bare":
        return _grey(rng.randint(0, 70)), None
    if scheme == "grey_bare":
        return _grey(rng.randint(110, 190)), None
    if scheme == "white_on_black":
        return _grey(255), _grey(rng.randint(0, 40), 255)
    plate = random_color(rng)
    mark = _grey(255) if rng.random() < 0.8 else _grey(20)
    return mark, plate


def _draw_x(
    draw: ImageDraw.ImageDraw,
    cx: float,
    cy: float,
    half: float,
    width: float,
    color: RGBA,
    cap: str,
    angle: float = 45.0,
) -> None:
    """Two crossed strokes centred on (cx, cy); ``half`` is the half-length of each leg's projection."""
    for a in (angle, angle + 90.0):
        rad = math.radians(a)
        dx, dy = math.cos(rad) * half * math.sqrt(2), math.sin(rad) * half * math.sqrt(2)
        x1, y1, x2, y2 = cx - dx, cy - dy, cx + dx, cy + dy
        if cap == "round":
            draw.line((x1, y1, x2, y2), fill=color, width=max(1, int(width)))
            r = width / 2
            for px, py in ((x1, y1), (x2, y2)):
                draw.ellipse((px - r, py - r, px + r, py + r), fill=color)
        else:
            nx, ny = -math.sin(rad) * width / 2, math.cos(rad) * width / 2
            draw.polygon([(x1 + nx, y1 + ny), (x2 + nx, y2 + ny), (x2 - nx, y2 - ny), (x1 - nx, y1 - ny)], fill=color)


def _mark_layer(
    size: int, mark: RGBA, rng: random.Random, pool: AssetPool, mark_frac: float, source: str
) -> tuple[Image.Image, str]:
    """An x mark of about ``size*mark_frac`` px on a transparent ``size`` patch (supersampled)."""
    big = size * SS
    layer = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    half = big * mark_frac / 2
    if source == "proc":
        fat = rng.random() < 0.25
        width = big * mark_frac * (rng.uniform(0.22, 0.34) if fat else rng.uniform(0.07, 0.2))
        if fat:
            half *= rng.uniform(0.6, 0.85)  # fat, short-legged
        cap = rng.choice(("round", "square"))
        _draw_x(d, big / 2, big / 2, half, width, mark, cap, angle=45.0 + rng.uniform(-4, 4))
        return layer, f"proc_{'fat' if fat else 'thin'}_{cap}"
    ch = rng.choice(assets.CLOSE_CHARS)
    fpath = pick_font(rng, pool.latin_fonts + pool.symbol_fonts)
    if not has_glyph(fpath, ch):
        return _mark_layer(size, mark, rng, pool, mark_frac, "proc")
    f = font(fpath, big * mark_frac * 1.25)
    bbox = d.textbbox((0, 0), ch, font=f)
    if bbox[2] - bbox[0] < 4:
        return _mark_layer(size, mark, rng, pool, mark_frac, "proc")
    w, h = bbox[2] - bbox[0], bbox[3] - bbox[1]
    d.text((big / 2 - w / 2 - bbox[0], big / 2 - h / 2 - bbox[1]), ch, font=f, fill=mark)
    return layer, f"char_{ord(ch):x}"


@functools.lru_cache(maxsize=512)
def _icon_mask(path: str) -> Image.Image:
    """The alpha of an icon-set mask, cropped to its ink."""
    with Image.open(path) as im:
        alpha = im.convert("RGBA").getchannel("A")
    return alpha.crop(alpha.getbbox() or (0, 0, alpha.width, alpha.height))


def _glyph_layer(size: int, glyph: Glyph, color: RGBA) -> Image.Image:
    big = size * SS
    if not glyph.char:  # an icon-set mask: fit its ink into the square, keep its own shades (duotone icons)
        mask = _icon_mask(glyph.font)
        scale = big / max(mask.size)
        w, h = max(1, round(mask.width * scale)), max(1, round(mask.height * scale))
        alpha = mask.resize((w, h), Image.Resampling.LANCZOS).point(lambda a: a * color[3] // 255)
        full = Image.new("L", (big, big), 0)
        full.paste(alpha, ((big - w) // 2, (big - h) // 2))
        layer = Image.new("RGBA", (big, big), (*color[:3], 0))
        layer.putalpha(full)
        return layer
    layer = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    f = font(glyph.font, big)
    bbox = d.textbbox((0, 0), glyph.char, font=f)
    w, h = bbox[2] - bbox[0], bbox[3] - bbox[1]
    scale = big / max(w, h, 1)
    if abs(scale - 1) > 0.02:
        f = font(glyph.font, big * scale)
        bbox = d.textbbox((0, 0), glyph.char, font=f)
        w, h = bbox[2] - bbox[0], bbox[3] - bbox[1]
    d.text((big / 2 - w / 2 - bbox[0], big / 2 - h / 2 - bbox[1]), glyph.char, font=f, fill=color)
    return layer


def _shrink(layer: Image.Image, size: int) -> Image.Image:
    return layer.resize((size, size), Image.Resampling.LANCZOS)


def _alpha_bbox(img: Image.Image) -> tuple[float, float, float, float] | None:
    bb = img.getchannel("A").point(lambda a: 255 if a > 40 else 0).getbbox()
    return None if bb is None else (float(bb[0]), float(bb[1]), float(bb[2]), float(bb[3]))


def draw_close(
    rng: random.Random,
    pool: AssetPool,
    size: int,
    scheme: str | None = None,
    *,
    condensed: float = 0.0,
    raised: float = 0.0,
) -> Sprite:
    """A close button whose outer box (plate, or the bare x) is ``size`` px. ``condensed``: the share of drawn or
    typed marks (not icons) squeezed to 55-80% of their width, legs at ~51-61 degrees instead of 45, like a condensed
    font's X; ``raised``: the share of drawn or typed marks on a plate made 60-78% of it and set high, their top at
    its edge, as a browser sets a font's X in a circle (the line box puts the glyph above the middle). 0, the
    default of each, draws no random number for it."""
    scheme = scheme or rng.choice(CLOSE_SCHEMES)
    mark, plate = close_scheme_colors(rng, scheme)
    closes = pool.glyphs_by_role.get("close", ())
    use_glyph = closes and rng.random() < (0.45 if len(closes) > 40 else 0.3)  # more when many marks (icon sets)
    pad = max(2, size // 6)  # room for a shadow or ring
    canvas = Image.new("RGBA", (size + 2 * pad, size + 2 * pad), (0, 0, 0, 0))
    style = scheme
    if use_glyph:
        g = rng.choice(closes)
        if g.kind != "bare" and plate is not None and rng.random() < 0.5:
            # a filled icon (e.g. close-circle) in the plate's colour with a knocked-out x
            layer = _shrink(_glyph_layer(size, g, plate if plate[3] > 120 else (*plate[:3], 200)), size)
        else:
            layer = _glyph_on_plate(rng, g, size, mark, plate)
        style += f"/glyph_{g.name}"
    else:
        if plate is None:
            layer, src = _mark_layer(
                size, mark, rng, pool, rng.uniform(0.8, 0.95), rng.choice(("proc", "proc", "char"))
            )
            layer, src = _condensed(rng, layer, src, condensed)
            layer = _shrink(layer, size)
        else:
            layer = _plate(size, plate, rng)
            high = drawn_share(rng, raised)
            frac = rng.uniform(0.6, 0.78) if high else rng.uniform(0.32, 0.6)
            ml, src = _mark_layer(size, mark, rng, pool, frac, rng.choice(("proc", "proc", "char")))
            ml, src = _condensed(rng, ml, src, condensed)
            ml, dy = _shrink(ml, size), 0
            if high:
                dy, src = _raise(rng, ml), f"{src}_raised"
            layer.alpha_composite(ml, (0, dy))
        style += f"/{src}"
    if rng.random() < 0.25:  # soft drop shadow
        shadow = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
        alpha = layer.getchannel("A").point(lambda a: int(a * 0.5))
        shadow.paste((0, 0, 0, 255), (pad + 1, pad + 2), alpha)
        canvas.alpha_composite(shadow.filter(ImageFilter.GaussianBlur(max(1, size / 20))))
    canvas.alpha_composite(layer, (pad, pad))
    bb = _alpha_bbox(layer)
    if bb is None:
        bb = (0, 0, size, size)
    box = (bb[0] + pad, bb[1] + pad, bb[2] + pad, bb[3] + pad)
    return Sprite(canvas, [LabelledBox("close", box, style)])


def _raise(rng: random.Random, mark: Image.Image) -> int:
    """How far up (a negative offset, px) ``mark``, a mark centred on a square, moves for its top to lie at the
    square's top edge (between 3% of the side over it and 6% under it)."""
    bb = _alpha_bbox(mark)
    if bb is None:
        return 0
    return min(0, round(mark.height * rng.uniform(-0.03, 0.06) - bb[1]))


def drawn_share(rng: random.Random, share: float) -> bool:
    """True with probability ``share``; at 0 without drawing a random number, so that sets made before a share
    existed are made the same (the generator's optional kinds: condensed and raised marks, mute buttons apart)."""
    return share > 0 and rng.random() < share


def _condensed(rng: random.Random, layer: Image.Image, src: str, share: float) -> tuple[Image.Image, str]:
    """With probability ``share`` (none drawn at 0), ``layer`` (a mark centred on a square) squeezed to 55-80% of its
    width about its centre, and ``src`` marked ``_condensed``: a condensed font's X, legs steeper than 45 degrees."""
    if not drawn_share(rng, share):
        return layer, src
    narrow = layer.resize((max(1, round(layer.width * rng.uniform(0.55, 0.8))), layer.height), Image.LANCZOS)
    out = Image.new("RGBA", layer.size, (0, 0, 0, 0))
    out.alpha_composite(narrow, ((layer.width - narrow.width) // 2, 0))
    return out, f"{src}_condensed"


def _glyph_on_plate(rng: random.Random, g: Glyph, size: int, mark: RGBA, plate: RGBA | None) -> Image.Image:
    """An icon glyph in ``mark`` colour: bare at ``size`` px, or 50-70% of it centred on a ``plate``."""
    inner = size if plate is None else int(size * rng.uniform(0.5, 0.7))
    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0)) if plate is None else _plate(size, plate, rng)
    layer.alpha_composite(_shrink(_glyph_layer(inner, g, mark), inner), ((size - inner) // 2, (size - inner) // 2))
    return layer


def _plate(size: int, color: RGBA, rng: random.Random) -> Image.Image:
    big = size * SS
    layer = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    shape = rng.choices(("circle", "rsquare", "ring", "ringfill"), (6, 2, 2, 1))[0]
    if shape == "circle":
        d.ellipse((0, 0, big - 1, big - 1), fill=color)
    elif shape == "rsquare":
        d.rounded_rectangle((0, 0, big - 1, big - 1), radius=int(big * rng.uniform(0.08, 0.3)), fill=color)
    else:  # outline circle, optionally over a faint fill
        ring = (*color[:3], max(color[3], 200))
        if shape == "ringfill":
            d.ellipse((0, 0, big - 1, big - 1), fill=(*color[:3], color[3] // 2))
        w = int(big * rng.uniform(0.04, 0.1))
        d.ellipse((w / 2, w / 2, big - 1 - w / 2, big - 1 - w / 2), outline=ring, width=w)
    return _shrink(layer, size)


def pill_colors(rng: random.Random) -> tuple[RGBA, RGBA]:
    """(word and icon colour, plate colour) of a pill button: white on a dark translucent plate, dark on a pale one,
    or white on a saturated colour (the blue or red "✕ 閉じる" pills of web ads)."""
    r = rng.random()
    if r < 0.3:
        return _grey(255), random_color(rng, rng.randint(200, 255))
    if r < 0.72:
        return _grey(255), _grey(0, rng.randint(110, 200))
    return _grey(30), _grey(245, rng.randint(160, 255))


def draw_close_pill(
    rng: random.Random, pool: AssetPool, height: int, colors: tuple[RGBA, RGBA] | None = None
) -> Sprite:
    """A "✕ 閉じる" / "Close ×" pill; the whole pill is the close target."""
    word = rng.choice(assets.CLOSE_WORDS)
    fpath = pick_font(rng, pool.ja_fonts if not word.isascii() else pool.latin_fonts)
    fg, plate = colors or pill_colors(rng)
    return _pill_with_mark(rng, pool, height, word, fpath, "close", fg, plate)


def draw_skip_pill(rng: random.Random, pool: AssetPool, height: int, colors: tuple[RGBA, RGBA]) -> Sprite:
    """A "スキップ ▶▶" / "Skip Ad" pill (often with a ">>"); the whole pill is the skip target."""
    word = rng.choice(assets.SKIP_WORDS)
    fonts = pool.ja_fonts if not word.isascii() else pool.latin_fonts
    return _pill_with_mark(rng, pool, height, word, pick_font(rng, fonts), "skip", *colors)


def draw_word_pill(
    rng: random.Random,
    pool: AssetPool,
    height: int,
    colors: tuple[RGBA, RGBA] | None = None,
    word: str | None = None,
) -> Sprite:
    """A pill like a close pill whose word is anything but close or skip ("詳しくはこちら", "Install ↓", "広告";
    ``word`` when given), with no icon or an icon that is neither: unlabelled, the close pill's hard negative."""
    word = word or rng.choice(assets.PILL_OTHER_WORDS)
    fpath = pick_font(rng, pool.ja_fonts if not word.isascii() else pool.latin_fonts)
    fg, plate = colors or pill_colors(rng)
    return _pill_with_mark(rng, pool, height, word, fpath, "none", fg, plate)


# ----------------------------------------------------------------------------------------------------------------
# Skip buttons
# ----------------------------------------------------------------------------------------------------------------


def _skip_icon(rng: random.Random, pool: AssetPool, size: int, color: RGBA) -> tuple[Image.Image, str]:
    """A ">>"-like icon on a transparent ``size`` patch."""
    big = size * SS
    layer = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    skips = pool.glyphs_by_role.get("skip", ())
    glyph_weight = 5 if len(skips) > 20 else 3  # many marks (training icon sets; the 15 held-out ones stay at 3)
    kind = rng.choices(("triangles", "chevrons", "glyph", "text", "tri_bar"), (3, 3, glyph_weight, 3, 1))[0]
    if kind == "glyph" and skips:
        g = rng.choice(skips)
        return _shrink(_glyph_layer(size, g, color), size), f"glyph_{g.name}"
    if kind in ("text", "glyph"):
        mark = rng.choice(assets.SKIP_TEXT_MARKS[:-1])
        fpath = pick_font(rng, pool.latin_fonts + pool.symbol_fonts)
        bbox = (0, 0, 0, 0)
        if all(has_glyph(fpath, ch) for ch in mark):
            f = font(fpath, big * 0.8)
            bbox = d.textbbox((0, 0), mark, font=f)
        w, h = bbox[2] - bbox[0], bbox[3] - bbox[1]
        if w >= 8 and h >= 4:
            scale = min(big * 0.95 / w, big * 0.95 / h)
            f = font(fpath, big * 0.8 * scale)
            bbox = d.textbbox((0, 0), mark, font=f)
            w, h = bbox[2] - bbox[0], bbox[3] - bbox[1]
            d.text((big / 2 - w / 2 - bbox[0], big / 2 - h / 2 - bbox[1]), mark, font=f, fill=color)
            return _shrink(layer, size), f"text_{mark}"
        kind = "triangles"  # the font lacks the mark: draw it instead
    h = big * rng.uniform(0.5, 0.8)
    w_each = h * rng.uniform(0.55, 0.9)
    x0 = big / 2 - w_each * (1.0 if kind != "tri_bar" else 1.1)
    y0 = big / 2 - h / 2
    if kind in ("triangles", "tri_bar"):
        for i in range(2 if kind == "triangles" else 1):
            x = x0 + i * w_each * rng.uniform(0.8, 1.0)
            d.polygon([(x, y0), (x + w_each, y0 + h / 2), (x, y0 + h)], fill=color)
        if kind == "tri_bar":
            bx = x0 + w_each * 1.05
            d.rectangle((bx, y0, bx + w_each * 0.25, y0 + h), fill=color)
    else:
        stroke = max(SS, int(h * rng.uniform(0.1, 0.22)))
        for i in range(2):
            x = x0 + i * w_each * 0.9
            d.line([(x, y0), (x + w_each * 0.9, y0 + h / 2), (x, y0 + h)], fill=color, width=stroke, joint="curve")
    return _shrink(layer, size), kind


def draw_skip(rng: random.Random, pool: AssetPool, size: int) -> Sprite:
    """A skip button: bare ">>", ">>" in a circle, or a pill with a word and ">>"; ``size`` is its height."""
    form = rng.choices(("bare", "circle", "pill"), (2, 2, 5))[0]
    dark_plate = rng.random() < 0.6
    icon_color = _grey(255) if dark_plate else _grey(rng.randint(0, 80))
    plate_color = (
        _grey(rng.randint(0, 60), rng.randint(110, 220))
        if dark_plate
        else _grey(rng.randint(220, 255), rng.randint(150, 255))
    )
    if rng.random() < 0.2:
        plate_color = random_color(rng, rng.randint(170, 255))
        icon_color = _grey(255)
    if form == "pill":
        return draw_skip_pill(rng, pool, size, (icon_color, plate_color))
    pad = max(2, size // 8)
    canvas = Image.new("RGBA", (size + 2 * pad, size + 2 * pad), (0, 0, 0, 0))
    if form == "circle":
        plate = _plate(size, plate_color, rng)
        icon, src = _skip_icon(rng, pool, int(size * rng.uniform(0.5, 0.7)), icon_color)
        plate.alpha_composite(icon, ((size - icon.width) // 2, (size - icon.height) // 2))
        canvas.alpha_composite(plate, (pad, pad))
        box = (pad, pad, pad + size, pad + size)
    else:
        icon, src = _skip_icon(rng, pool, size, icon_color if rng.random() < 0.5 else _grey(255))
        canvas.alpha_composite(icon, (pad, pad))
        bb = _alpha_bbox(icon) or (0, 0, size, size)
        box = (bb[0] + pad, bb[1] + pad, bb[2] + pad, bb[3] + pad)
    return Sprite(canvas, [LabelledBox("skip", box, f"{form}/{src}")])


def _pill_with_mark(
    rng: random.Random,
    pool: AssetPool,
    height: int,
    word: str,
    fpath: str,
    label: Literal["close", "skip", "none"],
    fg: RGBA | None = None,
    plate: RGBA | None = None,
) -> Sprite:
    if fg is None or plate is None:
        fg, plate = pill_colors(rng)
    f = font(fpath, height * rng.uniform(0.38, 0.55))
    probe = ImageDraw.Draw(Image.new("RGBA", (4, 4)))
    tb = probe.textbbox((0, 0), word, font=f)
    tw, th = tb[2] - tb[0], tb[3] - tb[1]
    icon_h = int(height * rng.uniform(0.4, 0.6))
    icon: Image.Image | None
    if label == "skip":
        icon, src = _skip_icon(rng, pool, icon_h, fg)
    elif label == "close":  # half the time an icon set's x (bare, or in its circle or square) when there are any
        closes = pool.glyphs_by_role.get("close", ())
        if closes and rng.random() < 0.5:
            g = rng.choice(closes)
            icon, src = _shrink(_glyph_layer(icon_h, g, fg), icon_h), f"glyph_{g.name}"
        else:
            ml, src = _mark_layer(icon_h, fg, rng, pool, 0.8, "proc")
            icon = _shrink(ml, icon_h)
    else:  # an unlabelled pill: half the time an icon set's icon that is neither close nor skip, else none
        negs = pool.glyphs_by_role.get("negative", ())
        g = rng.choice(negs) if negs and rng.random() < 0.5 else None
        icon, src = (_shrink(_glyph_layer(icon_h, g, fg), icon_h), f"glyph_{g.name}") if g else (None, "none")
    with_icon = icon is not None and (label != "skip" or rng.random() < 0.8)
    gap = int(height * 0.15)
    padx = int(height * rng.uniform(0.3, 0.6))
    width = padx * 2 + tw + ((gap + icon_h) if with_icon else 0)
    img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    radius = height // 2 if rng.random() < 0.6 else int(height * rng.uniform(0.1, 0.3))
    if rng.random() < 0.25:
        d.rounded_rectangle(
            (0, 0, width - 1, height - 1),
            radius=radius,
            outline=fg,
            width=max(1, height // 16),
            fill=(*plate[:3], plate[3] // 2),
        )
    else:
        d.rounded_rectangle((0, 0, width - 1, height - 1), radius=radius, fill=plate)
    icon_first = label == "close" and rng.random() < 0.6
    x = padx
    if with_icon and icon_first:
        img.alpha_composite(icon, (x, (height - icon_h) // 2))
        x += icon_h + gap
    d.text((x - tb[0], (height - th) / 2 - tb[1]), word, font=f, fill=fg)
    x += tw + gap
    if with_icon and not icon_first:
        img.alpha_composite(icon, (x, (height - icon_h) // 2))
    if label == "none":
        return Sprite(img, [])
    return Sprite(img, [LabelledBox(label, (0, 0, width, height), f"pill/{src}")])


# ----------------------------------------------------------------------------------------------------------------
# Text and negatives
# ----------------------------------------------------------------------------------------------------------------


def draw_text(
    rng: random.Random,
    text: str,
    fpath: str,
    size: int,
    color: RGBA,
    *,
    label_ja: bool = True,
    stroke: RGBA | None = None,
    max_width: int | None = None,
    min_label_px: int = 12,
) -> Sprite:
    """A run of text drawn glyph by glyph; kana and kanji of at least ``min_label_px`` are labelled ja_char."""
    f = font(fpath, size)
    sw = max(1, size // 14) if stroke else 0
    probe = ImageDraw.Draw(Image.new("RGBA", (4, 4)))
    x = 0.0
    placed: list[tuple[str, float]] = []
    for ch in text:
        if not has_glyph(fpath, ch):
            continue  # never draw tofu: a missing-glyph box would be labelled as a character
        adv = f.getlength(ch)
        if max_width and x + adv > max_width:
            break
        placed.append((ch, x))
        x += adv
    asc, desc = f.getmetrics()
    img = Image.new("RGBA", (int(x) + 2 * sw + 2, asc + desc + 2 * sw + 2), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    boxes: list[LabelledBox] = []
    for ch, cx in placed:
        pos = (cx + sw, sw)
        try:
            d.text(pos, ch, font=f, fill=color, stroke_width=sw, stroke_fill=stroke)
        except OSError:  # a few fonts carry hinting FreeType refuses ("invalid opcode"): leave the glyph out
            continue
        if label_ja and assets.is_japanese(ch):
            bb = probe.textbbox(pos, ch, font=f, stroke_width=sw)
            if bb[2] - bb[0] >= min_label_px * 0.5 and bb[3] - bb[1] >= min_label_px:
                boxes.append(LabelledBox("ja_char", tuple(map(float, bb)), Path(fpath).stem))
    return Sprite(img, boxes)


def draw_glyph_negative(rng: random.Random, pool: AssetPool, size: int, color: RGBA) -> Sprite:
    """An icon that is neither close nor skip (plus, speaker, battery, hand, rewind...)."""
    negs = pool.glyphs_by_role.get("negative", ())
    if not negs or rng.random() < 0.4:
        ch = rng.choice(assets.X_LIKE_OTHER + assets.MAHJONG[:8])
        fpath = pick_font(rng, pool.symbol_fonts or pool.latin_fonts)
        return draw_text(rng, ch, fpath, size, color, label_ja=False)
    g = rng.choice(negs)
    return Sprite(_shrink(_glyph_layer(size, g, color), size), [])


def draw_sound_icon(rng: random.Random, pool: AssetPool, size: int, scheme: str | None = None) -> Sprite:
    """A video ad's mute button, unlabelled: a speaker (often with an x beside it) bare or on the plate a close
    button of ``scheme`` would have, so only the mark itself tells it from a close. Any other negative icon when the
    pool has no sound icon."""
    sounds = pool.sound_glyphs
    mark, plate = close_scheme_colors(rng, scheme or rng.choice(CLOSE_SCHEMES))
    if not sounds:
        return draw_glyph_negative(rng, pool, size, mark)
    muted = [g for g in sounds if is_muted(g.name)]
    g = rng.choice(muted if muted and rng.random() < 0.6 else sounds)
    return Sprite(_glyph_on_plate(rng, g, size, mark, plate), [])


def draw_status_bar(rng: random.Random, pool: AssetPool, width: int, height: int, dark_text: bool) -> Sprite:
    """Android status bar: clock like "1:22", notification icons, signal, wifi and battery."""
    img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    color = _grey(20) if dark_text else _grey(250)
    fpath = pick_font(rng, pool.latin_fonts)
    clock = f"{rng.randint(0, 23)}:{rng.randint(0, 59):02d}"
    t = draw_text(rng, clock, fpath, int(height * 0.5), color, label_ja=False)
    img.alpha_composite(t.image, (int(width * 0.05), (height - t.image.height) // 2))
    x = width - int(width * 0.05)
    for _ in range(rng.randint(2, 4)):
        s = int(height * rng.uniform(0.4, 0.55))
        icon = draw_glyph_negative(rng, pool, s, color).image
        x -= icon.width + int(height * 0.15)
        img.alpha_composite(icon, (max(0, x), (height - icon.height) // 2))
    if rng.random() < 0.5:
        icon = draw_glyph_negative(rng, pool, int(height * 0.45), color).image
        img.alpha_composite(icon, (int(width * 0.05) + t.image.width + 10, (height - icon.height) // 2))
    return Sprite(img, [])
