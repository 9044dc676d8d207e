"""The 8 top-right close schemes of tests/test_shipped_weights.py over many seeds (the test draws seeds 1-8; here seed
= scheme number + 100 x rep): the shipped corner look (324 px, right corners mirrored) against 320 px with the left
corners mirrored (`corner_cells: nearest`, `corner_mirror: left`), both with the shipped pair in fp32.

Usage: python3 weights/candidates/wholecells/corner-schemes.py [REPS]   (25: corner-schemes.txt, ~3 min)
"""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from detector.engine import Detector, InferenceConfig  # noqa: E402
from detector.synth import screen  # noqa: E402
from policies.decide import PolicyConfig, decide  # noqa: E402
from tests.conftest import SHIPPED, VERIFIER  # noqa: E402
from tests.test_shipped_weights import POOL, SCHEMES, _text_screen  # noqa: E402


def main() -> None:
    base = InferenceConfig()
    cells = replace(base.zoom, corner_cells="nearest", corner_mirror="left")
    cfgs = {"shipped": base, "nearest-left": replace(base, zoom=cells)}
    dets = {k: Detector.load(SHIPPED, c, verifier=VERIFIER) for k, c in cfgs.items()}
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    res = {k: {s: [0, 0, 0] for s in SCHEMES} for k in cfgs}  # right, false, none
    for rep in range(reps):
        for i, scheme in enumerate(SCHEMES, start=1):
            seed = i + 100 * rep
            rng = random.Random(seed)
            c = _text_screen(rng, pale=scheme in ("black_on_white", "light_translucent", "dark_bare", "grey_bare"))
            screen.place_close(rng, POOL, c, "screen_tr", None, scheme)
            x1, y1, x2, y2 = next(o for o in c.objects if o.label == "close").box
            img = np.asarray(c.img.convert("RGB"))
            line = [f"{scheme:18s} seed {seed:4d} w {x2 - x1:5.0f}"]
            for k, d in dets.items():
                tap = decide(d.detect(img).detections, PolicyConfig())
                if tap is None:
                    res[k][scheme][2] += 1
                    line.append(f"{k}: none")
                elif tap.label == "close" and x1 <= tap.x <= x2 and y1 <= tap.y <= y2:
                    res[k][scheme][0] += 1
                    line.append(f"{k}: right {tap.score:.2f}")
                else:
                    res[k][scheme][1] += 1
                    line.append(f"{k}: FALSE {tap}")
            print(" | ".join(line), flush=True)
    for k in cfgs:
        tot = [sum(v[j] for v in res[k].values()) for j in range(3)]
        print(k, "right/false/none", tot, res[k])


if __name__ == "__main__":
    main()
