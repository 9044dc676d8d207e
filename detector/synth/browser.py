"""Ad screens written as HTML/CSS and rendered by headless Chromium into a Pascal VOC data set.

Shared by ``scripts/webeval.py`` (the browser-rendered evaluation set, icon sets training never sees) and
``scripts/webtrain.py`` (browser-rendered training screens: other layouts, the training icon sets and fonts). A
page marks its targets with ``data-label="close"|"skip"`` (``data-ink`` on a bare icon, whose box is then the
drawn mark rather than the icon's padded viewBox) and every Japanese character with ``<span class="ja">``; boxes
are read from the DOM after layout, so the labels are exactly what Chromium drew.

Needs Debian ``chromium`` and the ``playwright`` package (a driver for /usr/bin/chromium only: nothing is
downloaded).

A label is kept only where its element changed the screen (:func:`detector.synth.visibility.shown_box`, against
the page shot again with it hidden): a white mark or white text on a page whose background picture is a sprite with
transparent parts lies white on white, and was labelled although no pixel of it shows (webeval8's until 2026-12-05;
README "Training data"). With ``label_shown``, a close or skip whose plate does not show (a white circle on a white
page) is labelled with the box of what does, its mark (:func:`detector.synth.visibility.shown_box`): a measurement
of how labels of the element's box and of what one sees differ (docs/experiments.md, "Plates that do not show"), not
the sets' labels.
"""

from __future__ import annotations

import html
import json
import math
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import cv2
import numpy as np

from detector.synth.assets import AD_PHRASES_JA, X_LIKE_INLINE, is_japanese
from detector.synth.visibility import shown_box
from detector.types import Box, GroundTruth
from detector.voc import write_annotation

CSS_W, CSS_H, SCALE = 360, 800, 3  # a 1080x2400 phone: 360x800 CSS px at device scale 3

BOXES_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('[data-label]')) {
    const svg = el.querySelector('svg');
    if (el.dataset.ink && svg) {  // a bare icon: its box is the drawn mark, not the icon's padded viewBox
      const bb = svg.getBBox(), m = svg.getScreenCTM();
      out.push([el.dataset.label, m.a * bb.x + m.e, m.d * bb.y + m.f,
                m.a * (bb.x + bb.width) + m.e, m.d * (bb.y + bb.height) + m.f]);
    } else {
      const r = el.getBoundingClientRect(); out.push([el.dataset.label, r.left, r.top, r.right, r.bottom]);
    }
  }
  for (const el of document.querySelectorAll('span.ja')) {
    const r = el.getBoundingClientRect(); if (r.width > 0) out.push(['ja_char', r.left, r.top, r.right, r.bottom]);
  }
  return out;
}"""

# the selectors of target and of Japanese text elements, hidden in turn to see what each drew (shown_box)
TARGETS, JA = "[data-label]", "span.ja"
SET_VISIBILITY_JS = """([selector, value]) => {
  for (const el of document.querySelectorAll(selector)) el.style.visibility = value;
}"""

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--allow-file-access-from-files",
]


def inline_svg(text: str, px: float, color: str) -> str:
    """An SVG file's text as an inline ``<svg>`` of ``px`` CSS px drawn in ``color`` (black fills and strokes and
    ``currentColor`` take it)."""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r'\s(width|height)="[^"]*"', "", text, count=2)
    text = (
        text.replace(
            "<svg", f'<svg style="width:{px}px;height:{px}px;display:block;color:{color}" fill="currentColor"', 1
        )
        if "fill=" not in text.split(">")[0]
        else text.replace("<svg", f'<svg style="width:{px}px;height:{px}px;display:block;color:{color}"', 1)
    )
    return text.replace('stroke="#000"', 'stroke="currentColor"').replace('fill="#000"', 'fill="currentColor"')


def ja_spans(text: str) -> str:
    """``text`` as HTML with every Japanese character in its own ``<span class="ja">`` (a ja_char box)."""
    return "".join(f'<span class="ja">{html.escape(c)}</span>' if is_japanese(c) else html.escape(c) for c in text)


def ja_text(rng: random.Random, lines: Sequence[str], n: int, limit: int = 40) -> str:
    """``n`` lines of Japanese text as ja spans, joined by <br>: a line of ``lines`` (6 in 10) or an ad phrase, cut to
    ``limit`` characters, with an x-like character slipped in 3 times in 10."""
    out = []
    for _ in range(n):
        t = rng.choice(lines) if rng.random() < 0.6 else rng.choice(AD_PHRASES_JA)
        if rng.random() < 0.3:
            p = rng.randint(0, len(t))
            t = t[:p] + rng.choice(X_LIKE_INLINE) + t[p:]
        out.append(ja_spans(t[:limit]))
    return "<br>".join(out)


def page_html(body: str, background: str, css: str = "") -> str:
    """A whole phone page: ``body`` on ``background`` at 360x800 CSS px, ``css`` (font faces...) before the rest."""
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><style>{css}html,body{{margin:0;width:{CSS_W}px;'
        f"height:{CSS_H}px;overflow:hidden}}body{{position:relative;background:{background}}}.ja{{display:inline}}"
        f"</style></head><body>{body}</body></html>"
    )


@dataclass(frozen=True)
class WebScreen:
    """One page to render: its id (the file stem), the layout it was drawn from, and the HTML."""

    image_id: str
    layout: str
    html: str
    split: Literal["train", "val"] = "val"


def render(
    screens: Iterable[WebScreen],
    out: Path,
    *,
    total: int | None = None,
    chromium: str = "/usr/bin/chromium",
    jpeg_quality: int | None = None,
    show_progress: bool = True,
    label_shown: bool = False,
    scale: int = SCALE,
) -> list[dict]:
    """Render ``screens`` into the VOC set ``out`` (JPEGImages/, Annotations/, ImageSets/Main/{train,val}.txt, the
    pages under html/, meta.jsonl); PNG screenshots unless ``jpeg_quality`` is given. Returns the meta rows: id,
    layout, the labels drawn, and under ``undrawn`` those of labelled elements that changed no pixel of the screen
    (the screen is shot again where the targets are with them hidden, and where the Japanese text is with it hidden:
    :func:`detector.synth.visibility.shown_box`), left out of the annotation. ``label_shown``: a close or skip box is
    the part of it that changed the screen. ``scale``: device pixels per CSS pixel (the page's layout is the same at
    every scale: 2 shoots a 720x1600 phone, 3 a 1080x2400 one, 4 a 1440x3200 one)."""
    from playwright.sync_api import sync_playwright
    from tqdm import tqdm

    for sub in ("JPEGImages", "Annotations", "ImageSets/Main", "html"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    metas: list[dict] = []
    ids: dict[str, list[str]] = {"train": [], "val": []}
    suffix = ".png" if jpeg_quality is None else ".jpg"
    w, h = CSS_W * scale, CSS_H * scale
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        ctx = browser.new_context(viewport={"width": CSS_W, "height": CSS_H}, device_scale_factor=scale)
        pg = ctx.new_page()
        for screen in tqdm(screens, total=total, desc="screens", disable=not show_progress):
            html_path = out / "html" / f"{screen.image_id}.html"
            html_path.write_text(screen.html)
            pg.goto(f"file://{html_path.resolve()}")
            pg.evaluate("document.fonts.ready.then(() => true)")
            image = out / "JPEGImages" / f"{screen.image_id}{suffix}"
            png = pg.screenshot()
            if jpeg_quality is None:
                image.write_bytes(png)
            else:
                pg.screenshot(path=str(image), type="jpeg", quality=jpeg_quality)
            found = pg.evaluate(BOXES_JS)
            shown, without = _decode(png), {}
            for selector in (TARGETS, JA):  # the screen with that kind of element hidden (layout unchanged)
                boxes = [f[1:] for f in found if (f[0] == "ja_char") == (selector == JA)]
                if boxes:  # shot where those elements are only, pasted into the screen as shown
                    clip = _clip(boxes)
                    pg.evaluate(SET_VISIBILITY_JS, [selector, "hidden"])
                    part = _decode(pg.screenshot(clip=clip))
                    pg.evaluate(SET_VISIBILITY_JS, [selector, ""])
                    x, y = clip["x"] * scale, clip["y"] * scale
                    without[selector] = shown.copy()
                    without[selector][y : y + part.shape[0], x : x + part.shape[1]] = part
            objs, undrawn = [], []
            for label, x1, y1, x2, y2 in found:
                b = Box(max(0, x1 * scale), max(0, y1 * scale), min(w, x2 * scale), min(h, y2 * scale))
                if b.width >= 3 and b.height >= 3:
                    hidden = without[JA if label == "ja_char" else TARGETS]
                    seen = shown_box(shown, hidden, b)  # None: it changed no pixel
                    if seen is None:
                        undrawn.append(GroundTruth(b, label, "web"))
                    else:  # the element's box, or with label_shown a button's part that shows
                        objs.append(GroundTruth(seen if label_shown and label != "ja_char" else b, label, "web"))
            write_annotation(out / "Annotations" / f"{screen.image_id}.xml", image.name, w, h, objs)
            ids[screen.split].append(screen.image_id)
            meta = {"id": screen.image_id, "layout": screen.layout, "labels": sorted({o.label for o in objs})}
            if undrawn:
                meta["undrawn"] = sorted(o.label for o in undrawn)
            metas.append(meta)
        browser.close()
    for split, listed in ids.items():
        (out / "ImageSets" / "Main" / f"{split}.txt").write_text("".join(i + "\n" for i in listed))
    (out / "meta.jsonl").write_text("".join(json.dumps(m) + "\n" for m in metas))
    return metas


def _decode(png: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)


def _clip(boxes: list[list[float]]) -> dict[str, int]:
    """The whole CSS pixels around ``boxes`` ([x1, y1, x2, y2] in CSS px) inside the page, as a screenshot clip."""
    x1 = min(CSS_W - 1, max(0, math.floor(min(b[0] for b in boxes))))
    y1 = min(CSS_H - 1, max(0, math.floor(min(b[1] for b in boxes))))
    x2, y2 = min(CSS_W, math.ceil(max(b[2] for b in boxes))), min(CSS_H, math.ceil(max(b[3] for b in boxes)))
    return {"x": x1, "y": y1, "width": max(1, x2 - x1), "height": max(1, y2 - y1)}
