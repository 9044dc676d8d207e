"""Where the closes of the screens the shipped pair does not tap right are: by the close's longer side, at a screen
corner or not, and whether the SSD alone has a box of ``min_score`` (0.2) on it. Reads judge-policy.py's caches.

Usage (from the project root, after `python3 scripts/judge-policy.py` on the six sets, once as it is and once with
`--verifier none`): python3 weights/candidates/v28/miss-geometry.py > weights/candidates/v28/miss-geometry.txt
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from agent import judgecache as judge  # noqa: E402
from agent.config import load_config  # noqa: E402
from detector.data import load_items  # noqa: E402
from detector.evaluate import score  # noqa: E402

SETS = ("synth3", "webeval", "synth4", "synth5", "synth9", "webeval8")
W, H = 1080, 2400  # every set's screen size
SIZES = ((32, "<=32"), (48, "33-48"), (80, "49-80"), (float("inf"), ">80"))


def main() -> None:
    sets = {Path("data") / s: load_items([Path("data") / s], "val")[:400] for s in SETS}
    policy = load_config(None).policy
    pair = judge.cached_detections(None, sets, 400, Path("runs/policy"))
    alone = judge.cached_detections(None, sets, 400, Path("runs/policy"), verifier="none")
    buckets: collections.Counter = collections.Counter()
    for root, dets in pair.items():
        index = {item.image_path.stem: i for i, item in enumerate(sets[root])}
        for failure in score(sets[root], dets, policy, len(sets[root]), with_ap=False).failures:
            i = index[failure["image"]]
            closes = [o.box for o in sets[root][i].objects if o.label == "close"]
            if failure["kind"] == "false_tap" or not closes:
                continue
            c = closes[0]
            side = max(c.x2 - c.x1, c.y2 - c.y1)
            cx, cy = c.center
            corner = (cx < 0.2 * W or cx > 0.8 * W) and (cy < 0.12 * H or cy > 0.88 * H)
            best = max((d.score for d in alone[root][i] if d.label == "close" and d.box.iou(c) >= 0.5), default=0.0)
            size = next(name for top, name in SIZES if side <= top)
            buckets[size, "corner" if corner else "elsewhere", "net<0.2" if best < 0.2 else "net>=0.2"] += 1
    print("# (close side px, at a corner (centre in the outer 20% across and 12% down) or elsewhere, the SSD alone's")
    print("# best score on it): close screens of the six sets not tapped right by the shipped pair")
    for key, n in sorted(buckets.items()):
        print(key, n)


if __name__ == "__main__":
    main()
