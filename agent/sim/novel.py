"""A close-button style that exists only on the simulated phone: the retraining loop's proof needs an ad the shipped
model misses, and a model cannot have learnt a style that its generator never draws.

The "ribbon cross": two crossed, striped ribbons in two colours with a light rim, like a gift wrap. Of the procedural
styles tried (a dotted x on a hexagon badge, a hollow x on a starburst, an 8-bit x, a hairline x in a dashed frame),
the shipped weights tapped 67-92% on single 1080x2400 frames (12-20 ads each); this one only 10 of 20.
"""

from __future__ import annotations

import colorsys
import random

from PIL import Image, ImageDraw

from detector.synth.elements import SS, LabelledBox, Sprite

STYLE = "novel_ribbon_cross"


def draw_ribbon_cross(rng: random.Random, size: int) -> Sprite:
    """Two crossed ribbons in two colours, striped, with a light rim: a close drawn like a gift wrap."""
    big = size * SS
    layer = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    hue = rng.random()
    cols = [tuple(int(v * 255) for v in colorsys.hsv_to_rgb((hue + k * 0.45) % 1, 0.8, 0.9)) for k in (0, 1)]
    half = big * rng.uniform(0.1, 0.14)
    c = big / 2
    for k, sgn in enumerate((1, -1)):
        rib = Image.new("RGBA", (big, big), (0, 0, 0, 0))
        rd = ImageDraw.Draw(rib)
        rd.rounded_rectangle(
            (0, c - half, big - 1, c + half),
            radius=int(half),
            fill=(*cols[k], 255),
            outline=(255, 255, 255, 255),
            width=max(SS, big // 36),
        )
        for x in range(int(half), big - int(half), max(2, big // 10)):
            rd.line(
                [(x, c - half * 0.6), (x + half, c + half * 0.6)], fill=(255, 255, 255, 110), width=max(1, big // 40)
            )
        layer.alpha_composite(rib.rotate(45 * sgn, resample=Image.Resampling.BICUBIC))
    img = layer.resize((size, size), Image.Resampling.LANCZOS)
    bb = img.getchannel("A").point(lambda a: 255 if a > 40 else 0).getbbox() or (0, 0, size, size)
    return Sprite(img, [LabelledBox("close", tuple(float(v) for v in bb), STYLE)])
