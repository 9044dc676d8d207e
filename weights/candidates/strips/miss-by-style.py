"""Close screens not tapped right, by the close's style and size, from judge-policy.py's cached detections.

Usage (from the project root, after `python3 scripts/judge-policy.py --config C` on the six sets):
  python3 weights/candidates/strips/miss-by-style.py [--config C]
A close screen counts as missed when the policy's tap is not inside its close (no tap, or a tap elsewhere); the
style is the generator's tag (its first part), "web" for the browser-rendered sets; the size is the close box's
longer side in screen pixels.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from agent import judgecache as judge  # noqa: E402
from agent.config import load_config  # noqa: E402
from detector.data import load_items  # noqa: E402
from detector.evaluate import score  # noqa: E402

SETS = ("synth3", "webeval", "synth4", "synth5", "synth9", "webeval8")
SIZES = ((32, "<= 32"), (48, "33-48"), (80, "49-80"), (10**9, "> 80"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", type=Path, default=Path("config.yaml"))
    args = ap.parse_args()
    sets = {Path("data") / s: load_items([Path("data") / s], "val")[:400] for s in SETS}
    cached = judge.cached_detections(args.config, sets, 400, Path("runs/policy"))
    policy = load_config(args.config).policy
    missed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for root, items in sets.items():
        failed = {f["image"] for f in score(items, cached[root], policy, len(items), with_ap=False).failures}
        for item in items:
            closes = [g for g in item.objects if g.label == "close"]
            if not closes:
                continue
            g = closes[0]
            side = max(g.box.width, g.box.height)
            keys = ("style " + (g.style.split("/")[0] or "web"), "size " + next(n for s, n in SIZES if side <= s))
            for k in keys:
                total[k] += 1
                missed[k] += item.image_id in failed
    for k in sorted(total):
        print(f"{k:26s} missed {missed[k]:4d} of {total[k]:4d}")


if __name__ == "__main__":
    main()
