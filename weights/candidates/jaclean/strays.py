"""The Japanese-text screens without a target that are not clean (a close or skip at its class's tap threshold),
from judge-policy.py's cached detections of a configuration: which screens, which boxes, and one sheet of them.

Usage: python weights/candidates/jaclean/strays.py --config C --data data/synth3 ... [--sheet FILE]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent import judgecache as judge  # noqa: E402
from agent.config import load_config  # noqa: E402
from detector.data import load_items  # noqa: E402
from detector.evaluate import judge as judge_screen  # noqa: E402
from policies.decide import class_threshold  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", type=Path, required=True)
    ap.add_argument("--data", action="append", required=True, type=Path)
    ap.add_argument("--limit", type=int, default=400)
    ap.add_argument("--cache", type=Path, default=Path("runs/policy"))
    args = ap.parse_args()
    policy = load_config(args.config).policy
    sets = {root: load_items([root], "val")[: args.limit] for root in args.data}
    total = bad = 0
    for root, dets in judge.cached_detections(args.config, sets, args.limit, args.cache).items():
        for item, d in zip(sets[root], dets, strict=True):
            o = judge_screen(item, d, policy)
            if not o.has_ja or o.has_close or o.has_skip:
                continue
            total += 1
            if not o.stray_at_threshold:
                continue
            bad += 1
            strays = [x for x in d if x.label != "ja_char" and x.score >= class_threshold(x.label, policy)]
            boxes = [
                (x.label, round(x.score, 3), [round(v) for v in (x.box.x1, x.box.y1, x.box.x2, x.box.y2)])
                for x in strays
            ]
            print(root.name, item.image_id, o.kind, "tap:", o.tap, "strays:", boxes)
    print(f"{bad} of {total} Japanese-text screens without a target have a stray; clean {1 - bad / total:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
