"""Whole phone screens that look like mobile-game ads, composed from the elements in :mod:`elements`.

A *layout* decides where the ad card, art, text, buttons and decoys go. Layouts in ``VAL_LAYOUTS`` never appear in
training screens, so validation on them measures generalisation to arrangements the model has not seen.
"""

from __future__ import annotations

import functools
import math
import random
import warnings
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

from detector.errors import DatasetError
from detector.synth import assets, elements
from detector.synth.assets import AssetPool
from detector.synth.elements import LabelledBox, Sprite, pick_font
from detector.synth.visibility import drawn
from detector.types import Box

TRAIN_LAYOUTS = ("card", "fullscreen", "endcard_white", "text_wall", "game_ui", "video", "feed", "store")
VAL_LAYOUTS = ("dialog", "split", "chat")
SCREEN_SIZES = ((1080, 2400), (1080, 2400), (1080, 2400), (720, 1600), (1440, 3120), (1080, 1920), (2400, 1080))
DEFAULT_CLOSE_PX = (24, 150)  # close (and mute) button sizes, px on a 1080-px-wide screen, drawn log-uniform
# Share of close buttons drawn as a pill with a word ("✕ 閉じる", "Close ☒"). 0.08 made every set before 2026-12-05:
# with it, 8% of the closes and about 30% of the pills in the training sets are close pills (the rest skip pills).
DEFAULT_CLOSE_PILLS = 0.08
# Small times and counts that sit where buttons do (feeds, HUDs, chat): hard negatives, never targets.
TIMES = ("3分前", "12:45", "2h", "昨日", "1:22", "0:15", "21:33", "5秒", "10分前", "×2", "x3", "2024/11/3")


@dataclass(frozen=True)
class CloseMix:
    """How a set's close buttons are drawn: their sizes and the shares of the rarer kinds. The defaults make every
    set made before the shares existed, and a share of 0 draws no random number for it, so those sets are made the
    same, byte for byte."""

    px: tuple[int, int] = DEFAULT_CLOSE_PX  # (min, max) side, px on a 1080-px-wide screen, drawn log-uniform
    pills: float = DEFAULT_CLOSE_PILLS  # share drawn as a pill with a word ("✕ 閉じる")
    condensed: float = 0.0  # share of drawn or typed marks squeezed like a condensed font's X
    raised: float = 0.0  # share of drawn or typed marks on a plate made big and set high, as a browser sets a font's X
    # share of mute buttons on a screen with a close drawn as large as the close (0.85-1.15 of its side) and, beside
    # it, at least 0.3-0.8 of its side away: a small close just right of a larger speaker is a muted-speaker icon
    mute_apart: float = 0.0

    def __post_init__(self) -> None:
        lo, hi = self.px
        if not 8 <= lo <= hi <= 400:
            raise DatasetError(f"close button sizes {lo}-{hi} px: expected 8 <= MIN <= MAX <= 400")
        for name in ("pills", "condensed", "raised", "mute_apart"):
            share = getattr(self, name)
            if not 0 <= share <= 1:
                raise DatasetError(f"close {name} {share}: expected a share from 0 to 1")


@dataclass
class Screen:
    image: Image.Image
    objects: list[LabelledBox]
    meta: dict[str, object] = field(default_factory=dict)


class Canvas:
    """An RGBA screen being composed, with the labelled boxes placed so far."""

    def __init__(
        self,
        width: int,
        height: int,
        base: Image.Image | None = None,
        close: CloseMix = CloseMix(),
    ) -> None:
        self.w, self.h = width, height
        self.close = close
        self.img = (
            base.convert("RGBA") if base is not None else Image.new("RGBA", (width, height), (255, 255, 255, 255))
        )
        self.objects: list[LabelledBox] = []

    def place(self, sprite: Sprite, x: float, y: float) -> tuple[int, int]:
        x, y = int(round(x)), int(round(y))
        self._paste_clipped(sprite.image, x, y)
        for b in sprite.boxes:
            x1, y1, x2, y2 = b.box[0] + x, b.box[1] + y, b.box[2] + x, b.box[3] + y
            cx1, cy1, cx2, cy2 = max(0, x1), max(0, y1), min(self.w, x2), min(self.h, y2)
            if cx2 - cx1 < 3 or cy2 - cy1 < 3:
                continue
            if (cx2 - cx1) * (cy2 - cy1) < 0.6 * (x2 - x1) * (y2 - y1):
                continue  # mostly off-screen: not a usable object
            self.objects.append(LabelledBox(b.label, (cx1, cy1, cx2, cy2), b.style))
        return x, y

    def _paste_clipped(self, img: Image.Image, x: int, y: int) -> None:
        """alpha_composite of the part of ``img`` that falls on the canvas (nothing when none does)."""
        left, top = max(0, -x), max(0, -y)
        right, bottom = min(img.width, self.w - x), min(img.height, self.h - y)
        if right <= left or bottom <= top:
            return
        crop = (
            img if (left, top, right, bottom) == (0, 0, img.width, img.height) else img.crop((left, top, right, bottom))
        )
        self.img.alpha_composite(crop, (x + left, y + top))

    def occupied(self, box: tuple[float, float, float, float], labels: tuple[str, ...] = ("close", "skip")) -> bool:
        for o in self.objects:
            if o.label in labels and not (
                box[2] < o.box[0] or box[0] > o.box[2] or box[3] < o.box[1] or box[1] > o.box[3]
            ):
                return True
        return False


@functools.lru_cache(maxsize=160)
def _load_art(path: str) -> Image.Image | None:
    try:
        with warnings.catch_warnings():  # a few Debian wallpapers are > 89 Mpx: trusted files, reduced right away
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(path)
            im.draft("RGB", (1600, 1600))
            im = im.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    if max(im.size) > 1600:
        im.thumbnail((1600, 1600))
    return im


def art(rng: random.Random, pool: AssetPool, w: int, h: int, *, cover: bool = True) -> Image.Image:
    """A crop of a real picture (wallpaper, game art, clipart) of size w x h; a gradient when none is found."""
    for _ in range(4):
        if not pool.art:
            break
        im = _load_art(rng.choice(pool.art))
        if im is None or im.width < 24 or im.height < 24:
            continue
        if cover:
            s = max(w / im.width, h / im.height) * rng.uniform(1.0, 1.6)
            rs = im.resize((max(w, int(im.width * s) + 1), max(h, int(im.height * s) + 1)), Image.Resampling.BILINEAR)
            x = rng.randint(0, rs.width - w)
            y = rng.randint(0, rs.height - h)
            out = rs.crop((x, y, x + w, y + h))
            bg = Image.new("RGBA", (w, h), elements.random_color(rng))
            bg.alpha_composite(out)
            return bg
        s = min(w / im.width, h / im.height)
        return im.resize((max(1, int(im.width * s)), max(1, int(im.height * s))), Image.Resampling.BILINEAR)
    return gradient(rng, w, h)


def gradient(rng: random.Random, w: int, h: int, pale: bool = False) -> Image.Image:
    c1 = np.array(elements.random_color(rng)[:3], dtype=np.float32)
    c2 = np.array(elements.random_color(rng)[:3], dtype=np.float32)
    if pale:
        c1, c2 = 255 - (255 - c1) * 0.15, 255 - (255 - c2) * 0.15
    t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    arr = (c1 * (1 - t) + c2 * t) * np.ones((1, w, 1), dtype=np.float32)
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8), "RGB").convert("RGBA")


def pale_color(rng: random.Random) -> tuple[int, int, int, int]:
    base = rng.randint(235, 255)
    return (base - rng.randint(0, 12), base - rng.randint(0, 12), base - rng.randint(0, 12), 255)


# ----------------------------------------------------------------------------------------------------------------
# Pieces shared by layouts
# ----------------------------------------------------------------------------------------------------------------


def _u(c: Canvas) -> float:
    """Size unit: 1.0 on a 1080-px-wide portrait screen."""
    return min(c.w, c.h) / 1080.0


def close_size(rng: random.Random, c: Canvas) -> int:
    """A close (or look-alike mute) button's size: log-uniform over ``c.close.px``, scaled to the screen."""
    lo, hi = c.close.px
    return int(math.exp(rng.uniform(math.log(lo), math.log(hi))) * _u(c) * rng.uniform(0.9, 1.1))


def text_block(
    rng: random.Random,
    pool: AssetPool,
    c: Canvas,
    box: tuple[int, int, int, int],
    *,
    size: int,
    color: tuple[int, int, int, int],
    lines: int,
    japanese: bool = True,
    stroke=None,
) -> None:
    x1, y1, x2, y2 = box
    y = y1
    for _ in range(lines):
        if japanese:
            text = rng.choice(pool.ja_lines) if rng.random() < 0.6 else rng.choice(assets.AD_PHRASES_JA)
            if rng.random() < 0.3:  # sprinkle the characters the user saw taken for close
                pos = rng.randint(0, len(text))
                text = text[:pos] + rng.choice(assets.X_LIKE_INLINE) + text[pos:]
            fpath = pick_font(rng, pool.ja_fonts)
        else:
            text = rng.choice(assets.AD_PHRASES_LATIN)
            fpath = pick_font(rng, pool.latin_fonts)
        s = elements.draw_text(rng, text, fpath, size, color, max_width=max(10, x2 - x1), stroke=stroke)
        if y + s.image.height > y2:
            break
        c.place(s, x1, y)
        y += int(s.image.height * rng.uniform(1.0, 1.4))


def big_kanji(rng: random.Random, pool: AssetPool, c: Canvas, x: float, y: float, size: int) -> None:
    """A lone x-like character (十 乂 区 残 者 メ ジ ...) as decoration: a hard negative, labelled ja_char."""
    ch = rng.choice(assets.X_LIKE_JA)
    color = elements._grey(255) if rng.random() < 0.5 else elements.random_color(rng)
    stroke = elements._grey(0) if rng.random() < 0.4 else None
    s = elements.draw_text(rng, ch, pick_font(rng, pool.ja_fonts), size, color, stroke=stroke)
    c.place(s, x, y)


def decoys(
    rng: random.Random, pool: AssetPool, c: Canvas, n: int, region: tuple[int, int, int, int] | None = None
) -> None:
    """Things that are not buttons: plus signs, speakers, hands, prices like x2, clocks, mahjong tiles."""
    u = _u(c)
    x1, y1, x2, y2 = region or (0, 0, c.w, c.h)
    for _ in range(n):
        kind = rng.random()
        size = int(rng.uniform(28, 110) * u)
        color = (
            elements._grey(255)
            if rng.random() < 0.5
            else (elements._grey(30) if rng.random() < 0.5 else elements.random_color(rng))
        )
        if kind < 0.1:  # on a pale screen often on the light-grey plate of the close the user's model missed most
            pale = rng.random() < 0.5 and _is_pale(c.img)
            s = elements.draw_sound_icon(rng, pool, size, "light_translucent" if pale else None)
        elif kind < 0.4:
            s = elements.draw_glyph_negative(rng, pool, size, color)
        elif kind < 0.6:
            txt = rng.choice(TIMES + ("x2", "x10", "+", "5", "3", "+100", "×5", "+1", "×10", "2x", "Lv.5", "21:07"))
            s = elements.draw_text(rng, txt, pick_font(rng, pool.latin_fonts), size, color, label_ja=False)
        elif kind < 0.75:
            s = mahjong_tile(rng, pool, size)
        elif kind < 0.9:
            ch = rng.choice(assets.X_LIKE_JA)
            s = elements.draw_text(rng, ch, pick_font(rng, pool.ja_fonts), size, color)
        else:
            s = countdown(rng, pool, size)
        px = rng.uniform(x1, max(x1, x2 - s.image.width))
        py = rng.uniform(y1, max(y1, y2 - s.image.height))
        box = (px, py, px + s.image.width, py + s.image.height)
        if not c.occupied(box):
            c.place(s, px, py)


# Words that carry a "×" and a count, as in item shops and quest rewards ("攻撃力×10", "区切り×"): hard negatives.
COUNT_WORDS = ("攻撃力", "経験値", "ガチャ", "区切り", "報酬", "ボーナス", "コイン", "ダイヤ", "スタミナ", "チケット")


def _neutral(word: str) -> bool:
    """Whether a snippet is fit for an unlabelled pill: some text, no close or skip word (スキップ, --skip, 閉じる)
    and no mark a close or skip button carries (">>" of a shell redirection, an x)."""
    low = word.lower()
    return (
        len(word.strip()) >= 2
        and not any(w.lower() in low for w in assets.SKIP_WORDS + assets.CLOSE_WORDS)
        and not any(m in low for m in (">>", "»", "≫", "▶", "x", "×", "✕", "✖", "╳"))
    )


def text_negatives(
    rng: random.Random, pool: AssetPool, c: Canvas, n: int, card: tuple[int, int, int, int] | None = None
) -> None:
    """Text where buttons sit, none of it a target (``closebot synth --text-negatives``): pills with a word that is
    neither close nor skip in the corners skip pills use, chat-like bubbles of Japanese text (an avatar beside some),
    and words carrying a "×" and a count. What the fine-tuned SSD ft13 tapped on held-out screens (2026-12-04)."""
    u = _u(c)
    for _ in range(n):
        kind = rng.random()
        if kind < 0.45:  # a word pill, where skip pills go
            h = int(rng.uniform(44, 110) * u)
            if rng.random() < 0.5:
                s = elements.draw_word_pill(rng, pool, h)
            else:  # a snippet of real Japanese text on the pill, not only the fixed words
                line = rng.choice(pool.ja_lines).strip()
                k = rng.randint(2, 7)
                i = rng.randint(0, max(0, len(line) - k))
                word = line[i : i + k]
                s = elements.draw_word_pill(rng, pool, h, elements.pill_colors(rng), word if _neutral(word) else "詳細")
            sw, sh = s.image.size
            if sw > c.w * 0.6:
                continue
            m = rng.uniform(16, 60) * u
            spots = _skip_spots(rng, c, sw, m, (0.03, 0.1), (0.7, 0.92))
            spots.append((rng.uniform(0, c.w - sw), rng.uniform(0, c.h - sh)))
            if card:
                spots.append((card[2] - sw - m / 2, card[3] - sh - m / 2))
            px, py = rng.choice(spots)
        elif kind < 0.8:  # a bubble of one to three lines of Japanese text
            size = int(rng.uniform(24, 60) * u)
            lines = rng.randint(1, 3)
            bw = int(c.w * rng.uniform(0.3, 0.75))
            bh = int(size * 1.35 * lines + 30 * u)
            px = rng.uniform(0, c.w - bw)
            py = rng.uniform(c.h * 0.05, c.h * 0.95 - bh)
            if c.occupied((px, py, px + bw, py + bh)):
                continue
            bubble = Image.new("RGBA", (bw, bh), (0, 0, 0, 0))
            fill = rng.choice(((255, 255, 255, 255), pale_color(rng), elements.random_color(rng), (40, 44, 52, 235)))
            ImageDraw.Draw(bubble).rounded_rectangle(
                (0, 0, bw - 1, bh - 1), radius=int(rng.uniform(8, 40) * u), fill=fill
            )
            c.place(Sprite(bubble), px, py)
            fx = int(px - 100 * u)
            if rng.random() < 0.4 and fx > 10 * u and not c.occupied((fx, py, fx + 90 * u, py + 90 * u)):
                c.img.alpha_composite(art(rng, pool, int(90 * u), int(90 * u)), (fx, int(py)))
            ink = elements._grey(20) if sum(fill[:3]) > 380 else elements._grey(240)
            text_block(
                rng,
                pool,
                c,
                (int(px + 20 * u), int(py + 15 * u), int(px + bw - 20 * u), int(py + bh)),
                size=size,
                color=ink,
                lines=lines,
            )
            continue
        else:  # "攻撃力×10": a word, a times sign and a count
            txt = f"{rng.choice(COUNT_WORDS)}{rng.choice('×x')}{rng.choice(('', '2', '3', '5', '10', '99'))}"
            color = elements._grey(255) if rng.random() < 0.5 else elements._grey(rng.randint(20, 90))
            s = elements.draw_text(rng, txt, pick_font(rng, pool.ja_fonts), int(rng.uniform(24, 64) * u), color)
            px = rng.uniform(0, max(0, c.w - s.image.width))
            py = rng.uniform(0, max(0, c.h - s.image.height))
        box = (px, py, px + s.image.width, py + s.image.height)
        if not c.occupied(box):
            c.place(s, px, py)


def mahjong_tile(rng: random.Random, pool: AssetPool, size: int) -> Sprite:
    """An ivory tile with a character or pattern, as in mahjong games."""
    w, h = int(size * 0.75), size
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle(
        (0, 0, w - 1, h - 1),
        radius=max(2, w // 8),
        fill=(246, 240, 222, 255),
        outline=(120, 140, 110, 255),
        width=max(1, w // 20),
    )
    ch = rng.choice("一二三四五六七八九萬中發東南西北十区")
    color = rng.choice(((180, 20, 20, 255), (20, 90, 40, 255), (20, 20, 90, 255)))
    t = elements.draw_text(rng, ch, pick_font(rng, pool.ja_fonts), int(h * 0.6), color)
    img.alpha_composite(t.image, ((w - t.image.width) // 2, (h - t.image.height) // 2))
    return Sprite(
        img,
        [
            LabelledBox(
                b.label,
                (
                    b.box[0] + (w - t.image.width) // 2,
                    b.box[1] + (h - t.image.height) // 2,
                    b.box[2] + (w - t.image.width) // 2,
                    b.box[3] + (h - t.image.height) // 2,
                ),
                b.style,
            )
            for b in t.boxes
        ],
    )


def countdown(rng: random.Random, pool: AssetPool, size: int) -> Sprite:
    """A countdown circle ("5") that ads show before their close appears: not yet a button."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((0, 0, size - 1, size - 1), fill=(0, 0, 0, rng.randint(90, 200)))
    d.arc(
        (2, 2, size - 3, size - 3),
        rng.randint(0, 360),
        rng.randint(0, 360),
        fill=(255, 255, 255, 255),
        width=max(1, size // 14),
    )
    t = elements.draw_text(
        rng,
        str(rng.randint(1, 30)),
        pick_font(rng, pool.latin_fonts),
        int(size * 0.5),
        elements._grey(255),
        label_ja=False,
    )
    img.alpha_composite(t.image, ((size - t.image.width) // 2, (size - t.image.height) // 2))
    return Sprite(img, [])


def cta_button(rng: random.Random, pool: AssetPool, c: Canvas, cx: float, y: float, width: int) -> None:
    h = int(width * rng.uniform(0.16, 0.26))
    img = Image.new("RGBA", (width, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle(
        (0, 0, width - 1, h - 1), radius=h // 2 if rng.random() < 0.5 else h // 6, fill=elements.random_color(rng)
    )
    sprite = Sprite(img, [])
    c.place(sprite, cx - width / 2, y)
    jp = rng.random() < 0.6
    word = rng.choice(assets.AD_PHRASES_JA[:6] if jp else ("Install", "PLAY NOW", "Download", "Play ▶", "Open", "GET"))
    fpath = pick_font(rng, pool.ja_fonts if jp else pool.latin_fonts)
    t = elements.draw_text(rng, word, fpath, int(h * 0.45), elements._grey(255), max_width=width - 10)
    c.place(t, cx - t.image.width / 2, y + (h - t.image.height) / 2)


def place_close(
    rng: random.Random,
    pool: AssetPool,
    c: Canvas,
    where: str,
    card: tuple[int, int, int, int] | None,
    scheme: str | None = None,
    sprite: elements.Sprite | None = None,
) -> None:
    """Put a close button at ``where``: ``sprite`` when given, else one drawn in ``scheme`` (random when None)."""
    u = _u(c)
    if sprite is None:
        if rng.random() < c.close.pills:
            sprite = elements.draw_close_pill(rng, pool, int(rng.uniform(50, 90) * u))
        else:
            size = close_size(rng, c)
            sprite = elements.draw_close(rng, pool, size, scheme, condensed=c.close.condensed, raised=c.close.raised)
    sw, sh = sprite.image.size
    m = rng.uniform(10, 60) * u
    top = rng.uniform(c.h * 0.035, c.h * 0.08)  # below the status bar
    if where == "screen_tr":
        x, y = c.w - sw - m, top
    elif where == "screen_tl":
        x, y = m, top
    elif where == "screen_br":
        x, y = c.w - sw - m, c.h - sh - m * 2
    elif where == "bottom_center" and card:
        x, y = (card[0] + card[2]) / 2 - sw / 2, card[3] + rng.uniform(20, 80) * u
    elif card:
        cx = card[2] if where in ("card_tr", "bottom_center") else card[0]
        inset = rng.choice((-0.5, -0.5, 0.0, -1.0, 0.3))  # on the corner, inside, or just outside
        x = cx - sw / 2 + inset * sw * (1 if cx == card[0] else -1)
        y = card[1] - sh / 2 + rng.choice((0.0, 0.5, -0.5)) * sh
    else:
        x, y = c.w - sw - m, top
    x = min(max(0, x), c.w - sw)
    y = min(max(0, y), c.h - sh)
    c.place(sprite, x, y)


def mute_button(rng: random.Random, pool: AssetPool, c: Canvas, scheme: str | None = None) -> None:
    """A video ad's mute button where closes go (a top corner, beside the close) and drawn like one; unlabelled.
    With ``c.close.mute_apart``, that share of them as large as the close and, beside it, well apart from it.

    Ads draw the two alike, so the mute button mostly takes the close's scheme (``scheme`` when there is no close:
    the pale-background light-grey plate, the look the shipped pair took for a close at 0.97 in the demo)."""
    u = _u(c)
    close_obj = next((o for o in c.objects if o.label == "close"), None)
    close_scheme = close_obj.style.split("/")[0] if close_obj is not None else None
    if close_scheme in elements.CLOSE_SCHEMES and rng.random() < 0.6:
        scheme = close_scheme
    close = close_obj.box if close_obj is not None else None
    side = min(close[2] - close[0], close[3] - close[1]) if close is not None else 0  # a pill: its height
    apart = close is not None and elements.drawn_share(rng, c.close.mute_apart)
    size = int(side * rng.uniform(0.85, 1.15)) if apart else close_size(rng, c)
    sprite = elements.draw_sound_icon(rng, pool, size, scheme)
    sw, sh = sprite.image.size
    for _ in range(6):
        top = rng.uniform(c.h * 0.035, c.h * 0.08)
        m = rng.uniform(10, 60) * u
        spots = [(m, top), (c.w - sw - m, top), (c.w - sw - m, c.h - sh - m * 2)]
        if close is not None:  # just left of the close, or under it
            gap = max(rng.uniform(8, 40) * u, side * rng.uniform(0.3, 0.8) if apart else 0)
            spots += [(close[0] - gap - sw, close[1]), (close[0], close[3] + gap)] * 2
        x, y = rng.choice(spots)
        x, y = min(max(0, x), c.w - sw), min(max(0, y), c.h - sh)
        if not c.occupied((x - 2, y - 2, x + sw + 2, y + sh + 2)):
            c.place(sprite, x, y)
            return


def _skip_spots(
    rng: random.Random, c: Canvas, sw: int, m: float, top: tuple[float, float], bottom: tuple[float, float]
) -> list[tuple[float, float]]:
    """Where skip buttons sit, for a sprite ``sw`` px wide ``m`` px from the edge: top right, bottom right (``top``,
    ``bottom``: ranges of the screen's height), top left."""
    return [
        (c.w - sw - m, c.h * rng.uniform(*top)),
        (c.w - sw - m, c.h * rng.uniform(*bottom)),
        (m, c.h * rng.uniform(*top)),
    ]


def place_skip(rng: random.Random, pool: AssetPool, c: Canvas, card: tuple[int, int, int, int] | None) -> None:
    u = _u(c)
    sprite = elements.draw_skip(rng, pool, int(rng.uniform(44, 110) * u))
    sw, sh = sprite.image.size
    if sw > c.w * 0.5:
        return
    m = rng.uniform(16, 60) * u
    spots = _skip_spots(rng, c, sw, m, (0.04, 0.09), (0.72, 0.9))
    if card:
        spots.append((card[2] - sw - m / 2, card[3] - sh - m / 2))
    for _ in range(4):
        x, y = rng.choice(spots)
        box = (x, y, x + sw, y + sh)
        if not c.occupied(box):
            c.place(sprite, x, y)
            return


def status_bar(rng: random.Random, pool: AssetPool, c: Canvas, dark_text: bool) -> None:
    h = int(c.h * rng.uniform(0.022, 0.032))
    c.place(elements.draw_status_bar(rng, pool, c.w, h, dark_text), 0, 0)


def dim(c: Canvas, rng: random.Random) -> None:
    c.img.alpha_composite(Image.new("RGBA", (c.w, c.h), (0, 0, 0, rng.randint(60, 190))))


# ----------------------------------------------------------------------------------------------------------------
# Layouts: each returns the card box (if any); targets are added by compose()
# ----------------------------------------------------------------------------------------------------------------


def _game_background(rng: random.Random, pool: AssetPool, c: Canvas) -> None:
    c.img = art(rng, pool, c.w, c.h)
    decoys(rng, pool, c, rng.randint(2, 6))
    if rng.random() < 0.6:
        text_block(
            rng,
            pool,
            c,
            (int(c.w * 0.05), int(c.h * 0.05), int(c.w * 0.95), int(c.h * 0.2)),
            size=int(rng.uniform(24, 56) * _u(c)),
            color=elements._grey(255),
            lines=rng.randint(1, 2),
            japanese=rng.random() < 0.7,
            stroke=elements._grey(0),
        )


def layout_card(rng, pool, c):
    _game_background(rng, pool, c)
    dim(c, rng)
    u = _u(c)
    cw = int(c.w * rng.uniform(0.65, 0.92))
    ch = int(min(c.h * 0.7, cw * rng.uniform(0.9, 1.8)))
    x1 = (c.w - cw) // 2
    y1 = int((c.h - ch) * rng.uniform(0.3, 0.6))
    card = (x1, y1, x1 + cw, y1 + ch)
    pale = rng.random() < 0.5
    base = Image.new("RGBA", (cw, ch), pale_color(rng) if pale else elements.random_color(rng))
    mask = Image.new("L", (cw, ch), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, cw - 1, ch - 1), radius=int(rng.uniform(0, 50) * u), fill=255)
    pic = art(rng, pool, cw, int(ch * rng.uniform(0.4, 0.65)))
    base.alpha_composite(pic)
    c.img.paste(base, (x1, y1), mask)
    ty = y1 + pic.height + int(20 * u)
    text_block(
        rng,
        pool,
        c,
        (x1 + int(30 * u), ty, x1 + cw - int(30 * u), y1 + ch - int(160 * u)),
        size=int(rng.uniform(26, 60) * u),
        color=elements._grey(30) if pale else elements._grey(255),
        lines=rng.randint(1, 3),
        japanese=rng.random() < 0.75,
    )
    cta_button(rng, pool, c, c.w / 2, y1 + ch - int(140 * u), int(cw * rng.uniform(0.5, 0.8)))
    return card


def layout_fullscreen(rng, pool, c):
    c.img = art(rng, pool, c.w, c.h)
    u = _u(c)
    if rng.random() < 0.5:  # title band
        band_y = int(c.h * rng.uniform(0.55, 0.75))
        band = Image.new("RGBA", (c.w, int(c.h * 0.25)), (0, 0, 0, rng.randint(100, 200)))
        c.img.alpha_composite(band, (0, band_y))
        text_block(
            rng,
            pool,
            c,
            (int(40 * u), band_y + int(30 * u), c.w - int(40 * u), c.h),
            size=int(rng.uniform(30, 70) * u),
            color=elements._grey(255),
            lines=rng.randint(1, 3),
            japanese=rng.random() < 0.8,
        )
    cta_button(rng, pool, c, c.w / 2, c.h * rng.uniform(0.8, 0.88), int(c.w * rng.uniform(0.5, 0.8)))
    # speaker / "Ad" badge in the corners where a close could be
    corner = elements.draw_glyph_negative(rng, pool, int(rng.uniform(36, 80) * u), elements._grey(255))
    c.place(corner, rng.uniform(20, 60) * u, c.h * rng.uniform(0.04, 0.08))
    if rng.random() < 0.5:
        c.place(
            elements.draw_text(
                rng,
                rng.choice(("広告", "Ad", "AD", "スポンサー")),
                pick_font(rng, pool.ja_fonts),
                int(rng.uniform(24, 40) * u),
                elements._grey(255),
            ),
            c.w * 0.4,
            c.h * 0.045,
        )
    return None


def layout_endcard_white(rng, pool, c):
    c.img = Image.new("RGBA", (c.w, c.h), pale_color(rng))
    if rng.random() < 0.3:
        c.img = gradient(rng, c.w, c.h, pale=True)
    u = _u(c)
    icon = art(rng, pool, int(220 * u), int(220 * u))
    mask = Image.new("L", icon.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, icon.width - 1, icon.height - 1), radius=int(40 * u), fill=255)
    c.img.paste(icon, (int(c.w / 2 - icon.width / 2), int(c.h * 0.22)), mask)
    text_block(
        rng,
        pool,
        c,
        (int(60 * u), int(c.h * 0.35), c.w - int(60 * u), int(c.h * 0.6)),
        size=int(rng.uniform(30, 64) * u),
        color=elements._grey(rng.randint(0, 90)),
        lines=rng.randint(2, 5),
        japanese=rng.random() < 0.8,
    )
    if rng.random() < 0.6:
        pic = art(rng, pool, int(c.w * 0.8), int(c.h * 0.18))
        c.img.alpha_composite(pic, (int(c.w * 0.1), int(c.h * 0.6)))
    cta_button(rng, pool, c, c.w / 2, c.h * rng.uniform(0.8, 0.86), int(c.w * rng.uniform(0.6, 0.85)))
    decoys(rng, pool, c, rng.randint(0, 3), (0, int(c.h * 0.3), c.w, c.h))
    return None


def layout_text_wall(rng, pool, c):
    pale = rng.random() < 0.6
    c.img = (
        gradient(rng, c.w, c.h, pale=pale)
        if rng.random() < 0.5
        else (Image.new("RGBA", (c.w, c.h), pale_color(rng)) if pale else art(rng, pool, c.w, c.h))
    )
    if not pale:
        dim(c, rng)
    u = _u(c)
    y = int(c.h * 0.05)
    while y < c.h * 0.9:
        size = int(math.exp(rng.uniform(math.log(18), math.log(140))) * u)
        lines = rng.randint(1, 4)
        text_block(
            rng,
            pool,
            c,
            (int(rng.uniform(20, 120) * u), y, c.w - int(20 * u), y + int(size * 1.4 * lines)),
            size=size,
            color=elements._grey(20) if pale else elements._grey(245),
            lines=lines,
            japanese=rng.random() < 0.85,
            stroke=None if rng.random() < 0.7 else elements.random_color(rng),
        )
        y += int(size * 1.4 * lines + rng.uniform(10, 80) * u)
    # lone x-like characters exactly where close buttons usually are
    for _ in range(rng.randint(1, 3)):
        size = int(rng.uniform(30, 140) * u)
        big_kanji(
            rng,
            pool,
            c,
            rng.choice((rng.uniform(10, 60) * u, c.w - size - rng.uniform(10, 60) * u)),
            c.h * rng.uniform(0.03, 0.9),
            size,
        )
    return None


def layout_game_ui(rng, pool, c):
    _game_background(rng, pool, c)
    u = _u(c)
    # HUD: currency counters, level, energy with "+" buttons
    for i in range(rng.randint(2, 4)):
        x = int(c.w * (0.03 + i * 0.24))
        y = int(c.h * rng.uniform(0.035, 0.06))
        pill = Image.new("RGBA", (int(220 * u), int(64 * u)), (0, 0, 0, 0))
        ImageDraw.Draw(pill).rounded_rectangle(
            (0, 0, pill.width - 1, pill.height - 1), radius=pill.height // 2, fill=(0, 0, 0, rng.randint(100, 200))
        )
        c.place(Sprite(pill), x, y)
        val = rng.choice(("12,450", "x2", "Lv.32", "1:22", "999+", "35/40", "×5"))
        c.place(
            elements.draw_text(rng, val, pick_font(rng, pool.latin_fonts), int(36 * u), elements._grey(255)),
            x + 20 * u,
            y + 10 * u,
        )
        if rng.random() < 0.6:
            plus = elements.draw_text(
                rng, "+", pick_font(rng, pool.latin_fonts), int(56 * u), elements._grey(255), label_ja=False
            )
            c.place(plus, x + pill.width - 50 * u, y - 4 * u)
    # a row of mahjong tiles or faces
    if rng.random() < 0.5:
        y = c.h * rng.uniform(0.6, 0.85)
        size = int(rng.uniform(70, 130) * u)
        for i in range(rng.randint(4, 10)):
            c.place(mahjong_tile(rng, pool, size), 20 * u + i * size * 0.78, y)
    else:
        for _ in range(rng.randint(1, 4)):
            face = art(rng, pool, int(rng.uniform(120, 260) * u), int(rng.uniform(120, 260) * u))
            c.img.alpha_composite(
                face, (int(rng.uniform(0, c.w - face.width)), int(rng.uniform(c.h * 0.2, c.h - face.height)))
            )
    text_block(
        rng,
        pool,
        c,
        (int(40 * u), int(c.h * 0.7), c.w - int(40 * u), int(c.h * 0.95)),
        size=int(rng.uniform(28, 60) * u),
        color=elements._grey(255),
        lines=rng.randint(1, 3),
        stroke=elements._grey(0),
    )
    decoys(rng, pool, c, rng.randint(3, 8))
    return None


def layout_video(rng, pool, c):
    c.img = Image.new("RGBA", (c.w, c.h), (0, 0, 0, 255))
    u = _u(c)
    vh = int(c.w * rng.uniform(0.56, 1.2))
    vy = int((c.h - vh) * rng.uniform(0.3, 0.5))
    c.img.alpha_composite(art(rng, pool, c.w, vh), (0, vy))
    # progress bar, play triangle, rewind: decoys for skip
    bar_y = vy + vh - int(12 * u)
    ImageDraw.Draw(c.img).rectangle((0, bar_y, int(c.w * rng.random()), bar_y + int(8 * u)), fill=(255, 200, 0, 255))
    if rng.random() < 0.5:
        tri = Image.new("RGBA", (int(120 * u), int(120 * u)), (0, 0, 0, 0))
        ImageDraw.Draw(tri).polygon([(0, 0), (tri.width, tri.height / 2), (0, tri.height)], fill=(255, 255, 255, 200))
        c.place(Sprite(tri), c.w / 2 - tri.width / 2, vy + vh / 2 - tri.height / 2)
    if rng.random() < 0.5:
        c.place(countdown(rng, pool, int(rng.uniform(50, 90) * u)), c.w - 120 * u, c.h * 0.05)
    text_block(
        rng,
        pool,
        c,
        (int(40 * u), vy + vh + int(40 * u), c.w - int(40 * u), c.h - int(200 * u)),
        size=int(rng.uniform(28, 56) * u),
        color=elements._grey(240),
        lines=rng.randint(1, 3),
    )
    cta_button(rng, pool, c, c.w / 2, c.h * rng.uniform(0.82, 0.9), int(c.w * 0.7))
    return (0, vy, c.w, vy + vh)


def layout_dialog(rng, pool, c):
    """Held out: a reward/offer pop-up over a game, close often under it or on its corner."""
    _game_background(rng, pool, c)
    dim(c, rng)
    u = _u(c)
    cw = int(c.w * rng.uniform(0.55, 0.85))
    ch = int(cw * rng.uniform(0.6, 1.1))
    x1, y1 = (c.w - cw) // 2, int((c.h - ch) * rng.uniform(0.35, 0.5))
    frame = Image.new("RGBA", (cw, ch), (0, 0, 0, 0))
    d = ImageDraw.Draw(frame)
    d.rounded_rectangle(
        (0, 0, cw - 1, ch - 1),
        radius=int(30 * u),
        fill=pale_color(rng) if rng.random() < 0.5 else elements.random_color(rng),
        outline=elements.random_color(rng),
        width=max(2, int(8 * u)),
    )
    c.place(Sprite(frame), x1, y1)
    text_block(
        rng,
        pool,
        c,
        (x1 + int(30 * u), y1 + int(30 * u), x1 + cw - int(30 * u), y1 + ch // 2),
        size=int(rng.uniform(30, 60) * u),
        color=elements._grey(40),
        lines=rng.randint(1, 3),
    )
    pic = art(rng, pool, int(cw * 0.4), int(cw * 0.4), cover=False)
    c.img.alpha_composite(pic, (x1 + (cw - pic.width) // 2, min(c.h - pic.height, y1 + ch // 2 - int(20 * u))))
    cta_button(rng, pool, c, c.w / 2, y1 + ch - int(110 * u), int(cw * 0.6))
    return (x1, y1, x1 + cw, y1 + ch)


def layout_split(rng, pool, c):
    """Held out: art fills the top half, a white store-like panel the bottom half."""
    c.img = Image.new("RGBA", (c.w, c.h), pale_color(rng))
    split_y = int(c.h * rng.uniform(0.35, 0.55))
    c.img.alpha_composite(art(rng, pool, c.w, split_y), (0, 0))
    u = _u(c)
    text_block(
        rng,
        pool,
        c,
        (int(50 * u), split_y + int(40 * u), c.w - int(50 * u), int(c.h * 0.8)),
        size=int(rng.uniform(28, 60) * u),
        color=elements._grey(rng.randint(0, 80)),
        lines=rng.randint(2, 5),
        japanese=rng.random() < 0.8,
    )
    decoys(rng, pool, c, rng.randint(1, 4), (0, split_y, c.w, c.h))
    cta_button(rng, pool, c, c.w / 2, c.h * rng.uniform(0.84, 0.9), int(c.w * 0.75))
    return (0, 0, c.w, split_y)


def layout_chat(rng, pool, c):
    """Held out, no ad: a chat or news screen of Japanese text bubbles with avatars and times."""
    c.img = Image.new("RGBA", (c.w, c.h), pale_color(rng) if rng.random() < 0.6 else (30, 34, 40, 255))
    dark = c.img.getpixel((0, 0))[0] < 128
    u = _u(c)
    y = int(c.h * 0.06)
    while y < c.h * 0.92:
        mine = rng.random() < 0.4
        size = int(rng.uniform(26, 64) * u)
        lines = rng.randint(1, 3)
        bw = int(c.w * rng.uniform(0.45, 0.75))
        bh = int(size * 1.35 * lines + 30 * u)
        bx = c.w - bw - int(30 * u) if mine else int(140 * u)
        bubble = Image.new("RGBA", (bw, bh), (0, 0, 0, 0))
        ImageDraw.Draw(bubble).rounded_rectangle(
            (0, 0, bw - 1, bh - 1),
            radius=int(28 * u),
            fill=elements.random_color(rng) if mine else (255, 255, 255, 255),
        )
        c.place(Sprite(bubble), bx, y)
        if not mine:
            face = art(rng, pool, int(96 * u), int(96 * u))
            c.img.alpha_composite(face, (int(20 * u), y))
        text_block(
            rng,
            pool,
            c,
            (bx + int(20 * u), y + int(15 * u), bx + bw - int(20 * u), y + bh),
            size=size,
            color=elements._grey(20),
            lines=lines,
        )
        t = elements.draw_text(
            rng,
            f"{rng.randint(0, 23)}:{rng.randint(0, 59):02d}",
            pick_font(rng, pool.latin_fonts),
            int(22 * u),
            elements._grey(200 if dark else 90),
            label_ja=False,
        )
        c.place(t, bx - t.image.width - 10 * u if mine else bx + bw + 10 * u, y + bh - t.image.height)
        y += bh + int(rng.uniform(20, 60) * u)
    if rng.random() < 0.7:
        size = int(rng.uniform(30, 120) * u)
        big_kanji(rng, pool, c, c.w - size - 30 * u, c.h * rng.uniform(0.04, 0.1), size)
    return None


def _badge(rng: random.Random, pool: AssetPool, size: int) -> Sprite:
    """A red notification badge with a count ("3", "99+"): round, small, near corners, never a button."""
    txt = rng.choice(("1", "2", "3", "5", "9", "12", "99+", "N", "!"))
    t = elements.draw_text(
        rng, txt, pick_font(rng, pool.latin_fonts), int(size * 0.7), elements._grey(255), label_ja=False
    )
    w = max(size, t.image.width + size // 3)
    img = Image.new("RGBA", (w, size), (0, 0, 0, 0))
    ImageDraw.Draw(img).rounded_rectangle((0, 0, w - 1, size - 1), radius=size // 2, fill=(230, 40, 40, 255))
    img.alpha_composite(t.image, ((w - t.image.width) // 2, max(0, (size - t.image.height) // 2)))
    return Sprite(img, [])


def layout_feed(rng, pool, c):
    """No ad: a social or news feed (app bar, rows of avatar, name, text, time and action icons, bottom bar).
    Small grey times, badges and icons sit where close and skip buttons would be: all hard negatives."""
    dark = rng.random() < 0.35
    c.img = Image.new("RGBA", (c.w, c.h), (24, 26, 30, 255) if dark else pale_color(rng))
    ink = elements._grey(235) if dark else elements._grey(rng.randint(10, 60))
    soft = elements._grey(150 if dark else 120)
    u = _u(c)
    bar_h = int(rng.uniform(110, 160) * u)
    bar = Image.new("RGBA", (c.w, bar_h), elements.random_color(rng) if rng.random() < 0.5 else (0, 0, 0, 0))
    c.place(Sprite(bar), 0, c.h * 0.03)
    for x in (30 * u, c.w - 110 * u):
        c.place(elements.draw_glyph_negative(rng, pool, int(rng.uniform(44, 72) * u), ink), x, c.h * 0.03 + bar_h * 0.2)
    text_block(
        rng,
        pool,
        c,
        (int(130 * u), int(c.h * 0.03 + bar_h * 0.2), c.w - int(140 * u), int(c.h * 0.03 + bar_h)),
        size=int(bar_h * 0.4),
        color=ink,
        lines=1,
        japanese=rng.random() < 0.7,
    )
    y = int(c.h * 0.03 + bar_h + 20 * u)
    while y < c.h * 0.86:
        av = int(rng.uniform(70, 130) * u)
        face = art(rng, pool, av, av)
        mask = Image.new("L", (av, av), 0)
        ImageDraw.Draw(mask).ellipse((0, 0, av - 1, av - 1), fill=255)
        c.img.paste(face, (int(24 * u), y), mask)
        if rng.random() < 0.3:
            c.place(_badge(rng, pool, int(rng.uniform(28, 44) * u)), 24 * u + av * 0.7, y - 6 * u)
        tx = int(24 * u + av + 24 * u)
        size = int(rng.uniform(26, 48) * u)
        lines = rng.randint(1, 3)
        text_block(
            rng,
            pool,
            c,
            (tx, y, c.w - int(40 * u), y + int(size * 1.4 * (lines + 1))),
            size=size,
            color=ink,
            lines=lines + 1,
            japanese=rng.random() < 0.8,
        )
        t = elements.draw_text(
            rng, rng.choice(TIMES), pick_font(rng, pool.ja_fonts), int(rng.uniform(20, 32) * u), soft
        )
        c.place(t, c.w - t.image.width - 30 * u, y)
        row_h = int(size * 1.4 * (lines + 1) + 20 * u)
        if rng.random() < 0.6:  # a picture in the post
            ph = int(rng.uniform(200, 420) * u)
            c.img.alpha_composite(art(rng, pool, c.w - tx - int(40 * u), ph), (tx, y + row_h))
            row_h += ph + int(10 * u)
        for i in range(rng.randint(0, 4)):  # like / reply / share icons with counts
            ic = elements.draw_glyph_negative(rng, pool, int(rng.uniform(34, 54) * u), soft)
            c.place(ic, tx + i * 170 * u, y + row_h)
            if rng.random() < 0.6:
                n = elements.draw_text(
                    rng, str(rng.randint(1, 999)), pick_font(rng, pool.latin_fonts), int(28 * u), soft, label_ja=False
                )
                c.place(n, tx + i * 170 * u + 64 * u, y + row_h)
        y += row_h + int(rng.uniform(70, 120) * u)
    nav_y = int(c.h * 0.92)
    for i in range(rng.randint(3, 5)):
        c.place(
            elements.draw_glyph_negative(rng, pool, int(rng.uniform(50, 72) * u), ink), c.w * (0.08 + i * 0.2), nav_y
        )
    return None


def layout_store(rng, pool, c):
    """No ad: an app-store page (what a wrong tap opens): icon, name, rating, install button, screenshots, text."""
    c.img = Image.new("RGBA", (c.w, c.h), pale_color(rng) if rng.random() < 0.8 else (30, 30, 34, 255))
    dark = c.img.getpixel((0, 0))[0] < 128
    ink = elements._grey(235) if dark else elements._grey(30)
    u = _u(c)
    c.place(elements.draw_glyph_negative(rng, pool, int(56 * u), ink), 30 * u, c.h * 0.045)  # back / search
    icon_px = int(rng.uniform(150, 240) * u)
    icon = art(rng, pool, icon_px, icon_px)
    mask = Image.new("L", icon.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, icon_px - 1, icon_px - 1), radius=int(icon_px * 0.22), fill=255)
    top = int(c.h * 0.1)
    c.img.paste(icon, (int(40 * u), top), mask)
    text_block(
        rng,
        pool,
        c,
        (int(80 * u) + icon_px, top, c.w - int(30 * u), top + icon_px),
        size=int(rng.uniform(34, 52) * u),
        color=ink,
        lines=3,
        japanese=rng.random() < 0.7,
    )
    y = top + icon_px + int(40 * u)
    stats = rng.sample(("4.5★", "10万+", "3+", "1.2M", "★★★★☆", "120MB", "×2", "12:30"), 3)
    for i, s_ in enumerate(stats):
        t = elements.draw_text(rng, s_, pick_font(rng, pool.ja_fonts), int(rng.uniform(28, 40) * u), ink)
        c.place(t, c.w * (0.08 + i * 0.32), y)
    y += int(90 * u)
    cta_button(rng, pool, c, c.w / 2, y, int(c.w * rng.uniform(0.8, 0.92)))
    y += int(c.w * 0.25)
    shot_w = int(c.w * rng.uniform(0.3, 0.45))
    shot_h = int(shot_w * rng.uniform(1.4, 2.0))
    for i in range(3):
        if 40 * u + i * (shot_w + 20 * u) < c.w:
            c.img.alpha_composite(art(rng, pool, shot_w, shot_h), (int(40 * u + i * (shot_w + 20 * u)), y))
    y += shot_h + int(40 * u)
    text_block(
        rng,
        pool,
        c,
        (int(40 * u), y, c.w - int(40 * u), int(c.h * 0.97)),
        size=int(rng.uniform(26, 40) * u),
        color=ink,
        lines=rng.randint(2, 6),
        japanese=rng.random() < 0.8,
    )
    return None


LAYOUTS = {
    "card": layout_card,
    "fullscreen": layout_fullscreen,
    "endcard_white": layout_endcard_white,
    "text_wall": layout_text_wall,
    "game_ui": layout_game_ui,
    "video": layout_video,
    "feed": layout_feed,
    "store": layout_store,
    "dialog": layout_dialog,
    "split": layout_split,
    "chat": layout_chat,
}
# Layouts where an ad is shown (and so a close or skip is likely). Text walls and game UI are mostly negatives.
AD_LAYOUTS = {"card", "fullscreen", "endcard_white", "video", "dialog", "split"}


def compose(
    rng: random.Random,
    pool: AssetPool,
    layout: str,
    size: tuple[int, int],
    close: CloseMix = CloseMix(),
    text_negatives_max: int = 0,
) -> Screen:
    """One screen of ``layout`` at ``size``, with its labelled objects; close buttons drawn as ``close`` says; 1 to
    ``text_negatives_max`` :func:`text_negatives` on training layouts (0, the default: none, and no random number
    drawn for them, so the sets made before they existed are made the same)."""
    c = Canvas(*size, close=close)
    card = LAYOUTS[layout](rng, pool, c)
    if layout not in VAL_LAYOUTS and rng.random() < 0.5:  # hard negatives in every training layout, not a few
        decoys(rng, pool, c, rng.randint(1, 4))
    pale_bg = _is_pale(c.img)
    roll = rng.random()
    if layout in AD_LAYOUTS:
        want_close, want_skip = roll < 0.78, (0.6 < roll < 0.78) or roll > 0.9
    else:
        want_close, want_skip = roll < 0.3, 0.25 < roll < 0.35
    if want_close:
        wheres = ["screen_tr", "screen_tr", "screen_tl", "card_tr", "card_tl", "bottom_center", "screen_br"]
        where = rng.choice(wheres if card else wheres[:3] + ["screen_br"])
        scheme = "light_translucent" if pale_bg and rng.random() < 0.5 else None
        place_close(rng, pool, c, where, card, scheme)
    if want_skip:
        place_skip(rng, pool, c, card)
    if layout not in VAL_LAYOUTS and text_negatives_max > 0:
        text_negatives(rng, pool, c, rng.randint(1, text_negatives_max), card)
    if layout in AD_LAYOUTS and rng.random() < 0.35:
        mute_button(rng, pool, c, "light_translucent" if pale_bg and rng.random() < 0.5 else None)
    status_bar(rng, pool, c, dark_text=pale_bg)
    img = c.img.convert("RGB")
    img = degrade(rng, img)
    pixels = np.asarray(img)  # a label only where something shows (detector.synth.visibility): drawn over, or
    shown = [drawn(pixels, Box(*o.box)) for o in c.objects]  # white on a white card, it is left out
    objects = [o for o, seen in zip(c.objects, shown, strict=True) if seen]
    labels = {o.label for o in objects}
    meta = {
        "layout": layout,
        "width": size[0],
        "height": size[1],
        "pale_bg": pale_bg,
        "has_close": "close" in labels,
        "has_skip": "skip" in labels,
        "has_ja": "ja_char" in labels,
    }
    if len(objects) < len(c.objects):
        meta["undrawn"] = sorted(o.label for o, seen in zip(c.objects, shown, strict=True) if not seen)
    return Screen(img, objects, meta)


def _is_pale(img: Image.Image) -> bool:
    small = np.asarray(img.convert("L").resize((27, 60)))
    return float(small.mean()) > 190


def degrade(rng: random.Random, img: Image.Image) -> Image.Image:
    """Scaling and blur artefacts of real captures (JPEG artefacts come from saving)."""
    r = rng.random()
    if r < 0.15:
        s = rng.uniform(0.55, 0.85)
        small = img.resize((int(img.width * s), int(img.height * s)), Image.Resampling.BILINEAR)
        img = small.resize(img.size, Image.Resampling.BILINEAR)
    elif r < 0.25:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.2)))
    if rng.random() < 0.2:
        img = ImageEnhance.Contrast(img).enhance(rng.uniform(0.75, 1.2))
    return img


def layouts_for(split: str) -> tuple[str, ...]:
    return TRAIN_LAYOUTS if split == "train" else VAL_LAYOUTS


def pick_size(rng: random.Random) -> tuple[int, int]:
    return rng.choice(SCREEN_SIZES)
