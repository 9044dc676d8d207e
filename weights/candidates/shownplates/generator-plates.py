"""How often a close or skip drawn by `closebot synth` has a plate that does not show (white on a white page): the
share of button labels :func:`detector.synth.visibility.shown_box` would shrink to the mark one sees.

Usage: python3 weights/candidates/shownplates/generator-plates.py [N] [SPLIT]
Composes N screens (default 1000) of 1080x2400 with the SPLIT pool (default val; the icons in data/icons), every
layout, as `closebot synth` does, and wraps each sprite's paste (``Canvas.place``) to compare the screen before and
after it inside each close/skip box. Prints the counts by label and the shrunk boxes' area shares.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from detector.synth import assets, screen  # noqa: E402
from detector.synth.visibility import shown_box  # noqa: E402
from detector.types import Box  # noqa: E402


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    split = sys.argv[2] if len(sys.argv) > 2 else "val"
    pool = assets.load_pool(split, "data/icons")
    counts: Counter[str] = Counter()
    shares: list[float] = []
    place = screen.Canvas.place

    def watched(self: screen.Canvas, sprite, x: float, y: float):  # noqa: ANN001, ANN202
        before = np.asarray(self.img)[..., :3].copy()
        out = place(self, sprite, x, y)
        after = np.asarray(self.img)[..., :3]
        for b in sprite.boxes:
            if b.label not in ("close", "skip"):
                continue
            box = Box(b.box[0] + out[0], b.box[1] + out[1], b.box[2] + out[0], b.box[3] + out[1])
            seen = shown_box(after, before, box)
            kind = "undrawn" if seen is None else "whole" if seen is box else "shrunk"
            counts[f"{b.label} {kind}"] += 1
            if kind == "shrunk":
                shares.append(seen.area / box.area)
        return out

    screen.Canvas.place = watched  # type: ignore[method-assign]
    layouts = screen.TRAIN_LAYOUTS + screen.VAL_LAYOUTS
    for i in range(n):
        rng = random.Random(f"plates:{i}")
        screen.compose(rng, pool, rng.choice(layouts), (1080, 2400))
    print(f"{n} screens ({split} pool): " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if shares:
        print(f"shrunk boxes' area / element box: median {float(np.median(shares)):.2f}, min {min(shares):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
