"""What the simulated phone shows: game screens, interstitial ads and a store page.

Ads are drawn by the training generator's layouts and button drawers (``detector.synth``) from the *validation*
asset pool (held-out fonts, art and icon font), so the phone shows ads of the kinds the user listed without
being the exact pictures the model was trained on. Each ad knows its close and skip boxes in screen pixels.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageDraw

from agent.sim import novel
from detector.synth import elements
from detector.synth.assets import AssetPool
from detector.synth.screen import (
    AD_LAYOUTS,
    LAYOUTS,
    Canvas,
    _game_background,
    art,
    place_close,
    place_skip,
    status_bar,
)

BoxT = tuple[int, int, int, int]
AdKind = Literal["close", "skip_then_close", "both"]
NOVEL = novel.STYLE  # scheme name of the close style only the simulated phone draws
CLOSE_PLACES = ("screen_tr", "screen_tl", "card_tr", "card_tl", "bottom_center", "screen_br")


@dataclass(frozen=True)
class AdPhase:
    """One look of an ad: its picture and where its buttons are (None: not shown in this phase)."""

    image: Image.Image
    close: BoxT | None
    skip: BoxT | None


@dataclass(frozen=True)
class Ad:
    kind: AdKind
    layout: str
    close_style: str
    phases: tuple[AdPhase, ...]  # first phase shown at once; the next one after the countdown
    body: BoxT  # the ad's clickable area (a tap there opens the store)


def _last_box(c: Canvas, label: str, since: int) -> tuple[BoxT, str] | None:
    for o in reversed(c.objects[since:]):
        if o.label == label:
            return tuple(int(round(v)) for v in o.box), o.style  # type: ignore[return-value]
    return None


def render_ad(rng: random.Random, pool: AssetPool, size: tuple[int, int], kind: AdKind, scheme: str | None) -> Ad:
    """An ad of ``kind`` at ``size`` (display pixels). Retries placements that fall off the screen."""
    for _ in range(20):
        layout = rng.choice(sorted(AD_LAYOUTS))
        c = Canvas(*size)
        card = LAYOUTS[layout](rng, pool, c)
        status_bar(rng, pool, c, dark_text=False)
        body: BoxT = tuple(int(v) for v in card) if card else (0, 0, size[0], size[1])  # type: ignore[assignment]
        skip = None
        phases: list[AdPhase] = []
        if kind in ("skip_then_close", "both"):
            n = len(c.objects)
            place_skip(rng, pool, c, card)
            found = _last_box(c, "skip", n)
            if found is None:
                continue
            skip = found[0]
            if kind == "skip_then_close":
                phases.append(AdPhase(c.img.convert("RGB"), None, skip))
        n = len(c.objects)
        where = rng.choice(CLOSE_PLACES if card else ("screen_tr", "screen_tl", "screen_br"))
        if scheme == NOVEL:  # the retraining proof's style: drawn here, never by the training generator
            side = int(rng.uniform(70, 130) * min(c.w, c.h) / 1080)
            place_close(rng, pool, c, where, card, sprite=novel.draw_ribbon_cross(rng, side))
        else:
            place_close(rng, pool, c, where, card, scheme)
        found = _last_box(c, "close", n)
        if found is None:
            continue
        close, style = found
        if skip is not None and _overlap(close, skip):
            continue
        phases.append(AdPhase(c.img.convert("RGB"), close, skip))
        return Ad(kind, layout, style, tuple(phases), body)
    raise RuntimeError(f"could not place the buttons of a {kind} ad at {size}")


def _overlap(a: BoxT, b: BoxT) -> bool:
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


def render_game(rng: random.Random, pool: AssetPool, size: tuple[int, int]) -> Image.Image:
    """A game screen between ads: art, decoys (x-like kanji, hands, tiles, prices) and text, but no buttons."""
    c = Canvas(*size)
    _game_background(rng, pool, c)
    status_bar(rng, pool, c, dark_text=False)
    return c.img.convert("RGB")


def render_store(rng: random.Random, pool: AssetPool, size: tuple[int, int]) -> Image.Image:
    """A store page: what the user most wants never to see."""
    w, h = size
    u = min(w, h) / 1080
    img = Image.new("RGB", size, (255, 255, 255))
    icon = art(rng, pool, int(200 * u), int(200 * u)).convert("RGB")
    img.paste(icon, (int(60 * u), int(220 * u)))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, w, int(150 * u)), fill=(245, 245, 245))
    fpath = pool.ja_fonts[0]
    title = elements.font(fpath, int(56 * u))
    d.text((int(300 * u), int(240 * u)), "Google Play", fill=(32, 33, 36), font=title)
    d.rounded_rectangle(
        (int(60 * u), int(520 * u), w - int(60 * u), int(640 * u)), radius=int(20 * u), fill=(1, 135, 95)
    )
    d.text((w // 2 - int(120 * u), int(545 * u)), "インストール", fill=(255, 255, 255), font=title)
    return img
