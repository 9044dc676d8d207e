"""Tap success on screens whose close is a pill with a word ("✕ 閉じる", "Close ☒") against the other close screens,
from judge-policy.py's caches (runs no network).

Usage: python scripts/close-pills.py --data data/synth3 [--data ...] [--config C] [--limit 400] [--cache runs/policy]
Run `python3 scripts/judge-policy.py` on the same --data/--config/--limit first. A screen counts when it has a close;
it is a pill screen when its first close box is more than ``PILL_ASPECT`` times wider than tall (on the gate's six
sets the close pills are 2.2-4.0 times wider than tall, every other close at most 1.2 times). Right: judge-policy.py's
"hit" (the tap inside a close or skip box of the screen).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent import judgecache  # noqa: E402
from agent.config import load_config  # noqa: E402
from detector.data import load_items  # noqa: E402
from detector.evaluate import judge  # noqa: E402

PILL_ASPECT = 1.8


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", action="append", required=True, type=Path)
    ap.add_argument("--config", type=Path)
    ap.add_argument("--limit", type=int, default=400)
    ap.add_argument("--cache", type=Path, default=Path("runs/policy"))
    args = ap.parse_args()
    policy = load_config(args.config).policy
    sets = {root: load_items([root], "val")[: args.limit] for root in args.data}
    dets = judgecache.cached_detections(args.config, sets, args.limit, args.cache)
    total = {"pill": [0, 0], "other": [0, 0]}
    for root, items in sets.items():
        counts = {"pill": [0, 0], "other": [0, 0]}
        for item, found in zip(items, dets[root], strict=True):
            closes = [g.box for g in item.objects if g.label == "close"]
            if not closes:
                continue
            kind = "pill" if closes[0].width > PILL_ASPECT * closes[0].height else "other"
            counts[kind][0] += 1
            counts[kind][1] += judge(item, found, policy).kind == "hit"
        for k, (n, hit) in counts.items():
            total[k][0] += n
            total[k][1] += hit
        print(f"{root.name:10s} " + "  ".join(f"{k} {h}/{n}" for k, (n, h) in counts.items()))
    rates = "  ".join(f"{k} {h}/{n} ({h / max(n, 1):.1%})" for k, (n, h) in total.items())
    print(f"{'all':10s} {rates}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
