"""The shipped model on screens drawn here with the fonts CI installs (IPA Gothic, DejaVu): it must find a close
and tap inside it, and must find nothing to tap on Japanese text alone."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from detector.data import read_image
from detector.engine import Detector, InferenceConfig
from detector.synth import elements, screen
from detector.synth.assets import AD_PHRASES_JA, X_LIKE_JA, AssetPool
from detector.types import Box
from detector.zoom import ZoomConfig
from policies.decide import PolicyConfig, decide

from .conftest import SHIPPED, VERIFIER

POOL = AssetPool(
    split="train",
    ja_fonts=("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",),
    latin_fonts=(
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    symbol_fonts=("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",),
    glyphs=(),
    art=(),
    ja_lines=AD_PHRASES_JA,
)


@pytest.fixture(scope="module", params=["ssd", "ssd+verifier", "int8 ssd+verifier"])
def detector(request: pytest.FixtureRequest) -> Detector:
    """The shipped SSD alone, with the shipped verifier (the configured default), and the same in int8 (the shipped
    NAME.int8.onnx, ``precision: int8``): the tests below hold for all three."""
    cfg = InferenceConfig(precision="int8" if request.param.startswith("int8") else "fp32")
    return Detector.load(SHIPPED, cfg, verifier=VERIFIER if request.param.endswith("verifier") else None)


def _text_screen(rng: random.Random, pale: bool) -> screen.Canvas:
    c = screen.Canvas(1080, 2400)
    c.img = screen.gradient(rng, 1080, 2400, pale=pale)
    y = 120
    while y < 2200:
        size = rng.choice((28, 40, 56, 80))
        text = "".join(rng.choice(AD_PHRASES_JA) for _ in range(3)) + rng.choice(X_LIKE_JA)
        s = elements.draw_text(
            rng, text, POOL.ja_fonts[0], size, (20, 20, 20, 255) if pale else (250, 250, 250, 255), max_width=1000
        )
        c.place(s, 40, y)
        y += int(size * 1.6)
    return c


SCHEMES = (
    "dark_translucent",
    "black_on_white",
    "light_translucent",
    "white_bare",
    "colored",
    "dark_bare",
    "white_on_black",
    "grey_bare",
)


def test_finds_the_close_and_taps_inside(detector):
    """One screen per close style the user listed; never a tap anywhere but inside the close. With the verifier (the
    shipped pair, fp32 and int8) it taps inside all 8 since the corner look (2026-12-05) and with strip tiles
    (2026-12-06). The network alone, which never runs so in closebot, taps 5: with squares it tapped 6, the
    white_bare x being the one strips lose (it scored 0.91 in squares, nothing in strips). Raise the bar with
    every better model."""
    hits = 0
    for seed, scheme in enumerate(SCHEMES, start=1):
        rng = random.Random(seed)
        c = _text_screen(rng, pale=scheme in ("black_on_white", "light_translucent", "dark_bare", "grey_bare"))
        screen.place_close(rng, POOL, c, "screen_tr", None, scheme)
        truth = [o for o in c.objects if o.label == "close"]
        assert len(truth) == 1
        x1, y1, x2, y2 = truth[0].box
        tap = decide(detector.detect(np.asarray(c.img.convert("RGB"))).detections, PolicyConfig())
        if tap is not None:
            assert tap.label == "close" and x1 <= tap.x <= x2 and y1 <= tap.y <= y2, (scheme, tap, truth)
            hits += 1
    assert hits >= (8 if detector.verifier is not None else 5)


@pytest.mark.parametrize(("seed", "pale"), [(11, True), (12, False), (13, True)])
def test_nothing_to_tap_on_japanese_text(detector, seed, pale):
    c = _text_screen(random.Random(seed), pale)
    res = detector.detect(np.asarray(c.img.convert("RGB")))
    assert any(d.label == "ja_char" for d in res.detections)
    strong = [d for d in res.detections if d.label in ("close", "skip") and d.score >= 0.6]
    assert strong == []
    assert decide(res.detections, PolicyConfig()) is None


def test_evaluation_sees_the_daemons_detections_and_the_faint_boxes_apart(detector):
    """`closebot eval` judges taps on exactly what the daemon sees: asking for the boxes under ``min_score`` (for AP)
    must not change the detections, and those boxes come apart, each scored in (ap_floor, min_score] by the network.
    Four short lines of text and a close per screen: dense text fills the candidate cap with confident boxes and
    leaves no faint one."""
    below = 0
    for seed in (20, 21, 22):
        rng = random.Random(seed)
        c = screen.Canvas(1080, 2400)
        c.img = screen.gradient(rng, 1080, 2400, pale=True)
        for k in range(4):
            text = "".join(rng.choice(AD_PHRASES_JA) for _ in range(2)) + rng.choice(X_LIKE_JA)
            size = rng.choice((28, 40, 56, 80))
            c.place(
                elements.draw_text(rng, text, POOL.ja_fonts[0], size, (20, 20, 20, 255), max_width=1000),
                40,
                300 + k * 450,
            )
        screen.place_close(rng, POOL, c, "screen_tr", None, SCHEMES[seed % len(SCHEMES)])
        img = np.asarray(c.img.convert("RGB"))
        plain = detector.detect(img)
        res = detector.detect(img, ap_floor=0.05)
        assert res.detections == plain.detections and plain.below == [], seed
        # the network's scores; with the verifier sqrt(score x probability) for close/skip, so at most sqrt(min_score)
        top = detector.cfg.min_score if detector.verifier is None else detector.cfg.min_score**0.5
        assert all(0.05 < d.score <= detector.cfg.min_score or d.label in ("close", "skip") for d in res.below), seed
        assert all(d.score <= top for d in res.below), seed
        below += len(res.below)
    assert below > 0  # measured: 9 boxes on the three screens, SSD alone


def _corner_close(seed: int, px: int) -> tuple[Box, np.ndarray, str]:
    """A plain screen (pale for the styles drawn on pale pages) with one close of the ``seed``'s style, drawn ``px``
    px, in a top corner: its drawn box, the RGB screen and the style."""
    scheme = SCHEMES[seed % len(SCHEMES)]
    rng = random.Random(seed)
    c = screen.Canvas(1080, 2400)
    pale = scheme in ("black_on_white", "light_translucent", "dark_bare", "grey_bare")
    c.img = screen.gradient(rng, 1080, 2400, pale=pale)
    where = rng.choice(("screen_tr", "screen_tl"))
    screen.place_close(rng, POOL, c, where, None, sprite=elements.draw_close(rng, POOL, px, scheme))
    (drawn,) = [Box(*o.box) for o in c.objects if o.label == "close"]
    return drawn, np.asarray(c.img.convert("RGB")), scheme


def test_the_closer_look_taps_small_closes_the_whole_screen_pass_misses():
    """22-33 px closes in every scheme, in a top corner of a plain screen, with the closer look (detector.zoom, on
    by default) and without, on squares: measured when it was added, 15 of 16 tapped inside with it, 12 without, no
    tap anywhere else either way. It must find at least two more than the pass without it and never tap elsewhere.
    The default strips (2026-12-06) see these corners at a larger scale and tap all 16 with it or without, so the
    comparison runs on squares; the default must tap at least 15 of them."""
    square = InferenceConfig(tile_shape="square")
    on = Detector.load(SHIPPED, square, verifier=VERIFIER)
    off = Detector.load(SHIPPED, replace(square, zoom=ZoomConfig(enabled=False)), verifier=VERIFIER)
    default = Detector.load(SHIPPED, verifier=VERIFIER)
    assert on.cfg.zoom.enabled and default.cfg.tile_shape == "strip"
    hits = {"on": 0, "off": 0, "default": 0}
    crops = 0
    for seed in (*range(40, 48), *range(64, 72)):
        drawn, img, scheme = _corner_close(seed, 22 + seed % 12)
        for name, det in (("on", on), ("off", off), ("default", default)):
            res = det.detect(img)
            crops += res.timings.zoom_crops
            tap = decide(res.detections, PolicyConfig())
            if tap is not None:
                assert tap.label == "close" and drawn.contains(tap.x, tap.y), (seed, scheme, name, tap)
                hits[name] += 1
    assert crops > 0
    assert hits["on"] >= hits["off"] + 2, hits
    assert hits["default"] >= 15, hits


# Screens of the evaluation sets the shipped pair missed until the corner look (2026-12-05), with their close boxes:
# a light-grey translucent circle with a white x on a white page (browser-rendered, webeval8), a 31-px x on a
# forest photo in the top-left corner (synth4), a "✕ CLOSE" pill in the bottom-right corner (synth5).
CORNER_SCREENS = {
    "web_8_0258.png": Box(21, 144, 107, 230),
    "val_11_000256.jpg": Box(5, 5, 36, 36),
    "val_5_000146.jpg": Box(848, 2228, 1034, 2307),
}


def test_the_corner_look_taps_corner_closes_the_rest_misses():
    """With the corner look (detector.zoom ``corners``, on by default) the shipped pair taps each close inside its
    box; without it, fewer (measured when it was added: none of the three, nothing tapped)."""
    on = Detector.load(SHIPPED, verifier=VERIFIER)
    off = Detector.load(SHIPPED, InferenceConfig(zoom=ZoomConfig(corners=0)), verifier=VERIFIER)
    assert on.cfg.zoom.corners == 4
    inside = {"on": 0, "off": 0}
    for name, close in CORNER_SCREENS.items():
        img = read_image(Path(__file__).parent / "fixtures" / "corners" / name)
        for which, det in (("on", on), ("off", off)):
            tap = decide(det.detect(img).detections, PolicyConfig())
            hit = tap is not None and tap.label == "close" and close.contains(tap.x, tap.y)
            assert which == "off" or hit, (name, tap)
            inside[which] += hit
    assert inside["on"] == 3 and inside["off"] < 3, inside


def test_refined_boxes_fit_closes_better():
    """The refinement (detector.zoom ``refine``, on by default) fits the best close's box again, magnified: on 16
    closes of 44-59 px in the top corners of plain screens, one per style in turn, the best close's IoU with the
    drawn box averaged 0.862 without it and 0.913 with it, 15 and 16 of them at IoU >= 0.5 (measured when it was
    added; the black x on white, 0.47 -> 0.74). It must gain at least 0.03 on average and match no fewer."""
    on = Detector.load(SHIPPED, verifier=VERIFIER)
    off = Detector.load(SHIPPED, InferenceConfig(zoom=ZoomConfig(refine=0)), verifier=VERIFIER)
    assert on.cfg.zoom.refine == 3
    fit: dict[str, list[float]] = {"on": [], "off": []}
    for seed in range(100, 116):
        drawn, img, _ = _corner_close(seed, 24 + seed % 40)
        for name, det in (("on", on), ("off", off)):
            closes = [d for d in det.detect(img).detections if d.label == "close"]
            best = max(closes, key=lambda d: d.score, default=None)
            fit[name].append(best.box.iou(drawn) if best else 0.0)
    assert np.mean(fit["on"]) >= np.mean(fit["off"]) + 0.03, fit
    assert sum(f >= 0.5 for f in fit["on"]) >= sum(f >= 0.5 for f in fit["off"]), fit
