"""Where each missed target was lost (the network, the verifier or the policy), from judge-policy.py's caches.

Usage: python scripts/miss-stages.py --data data/webeval8 [--data ...] [--config C] [--limit 400] [--cache runs/policy]
Run `python3 scripts/judge-policy.py` on the same --data/--config/--limit twice first, as it is and with
`--verifier none`: this reads both caches and runs no network. Every val screen with a close or skip that the pair
does not tap right (nothing tapped, or the wrong button) has one target: its close when it has one, else its skip
(of several, the one the pair scores highest). The stage that lost it:

- network: the network alone has no box of the target's class on it (IoU >= 0.5) scoring its ``min_score``;
- network, under threshold: the network's best box on it scores under the class's tap threshold, the pair's too;
- verifier: the network's box scores the threshold or more, the pair's (sqrt(network x verifier)) less;
- policy: the pair's box scores the threshold, and the policy taps nothing (rule 3: text; rule 5: a close candidate
  blocking a skip) or another box.

Prints per set the screens in each stage, then the totals.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent import judgecache  # noqa: E402
from agent.config import load_config  # noqa: E402
from detector.data import load_items  # noqa: E402
from detector.evaluate import judge  # noqa: E402
from detector.types import Detection, GroundTruth  # noqa: E402
from policies.decide import PolicyConfig, class_threshold  # noqa: E402

STAGES = ("network", "network, under threshold", "verifier", "policy")
MATCH_IOU = 0.5


def best_on(target: GroundTruth, dets: list[Detection]) -> float:
    """The best score of a box of ``target``'s class on it (0 when there is none)."""
    return max((d.score for d in dets if d.label == target.label and d.box.iou(target.box) >= MATCH_IOU), default=0.0)


def stage(network: float, pair: float, threshold: float) -> str:
    """The stage that lost a target whose best network score is ``network`` and best pair score ``pair``."""
    if pair >= threshold:
        return "policy"
    if network <= 0.0:
        return "network"
    return "verifier" if network >= threshold else "network, under threshold"


def lost_targets(items: list, pair: list, network: list, policy: PolicyConfig) -> dict[str, list[str]]:
    """Stage -> the ids of the screens whose target it lost."""
    out: dict[str, list[str]] = defaultdict(list)
    for item, pair_dets, net_dets in zip(items, pair, network, strict=True):
        if judge(item, pair_dets, policy).kind not in ("miss", "wrong_button"):
            continue
        label = "close" if any(g.label == "close" for g in item.objects) else "skip"
        target = max((g for g in item.objects if g.label == label), key=lambda g: best_on(g, pair_dets))
        lost = stage(best_on(target, net_dets), best_on(target, pair_dets), class_threshold(label, policy))
        out[lost].append(item.image_id)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", action="append", required=True, type=Path)
    ap.add_argument("--config", type=Path, help="config file (default: the repository's config.yaml)")
    ap.add_argument("--limit", type=int, default=400)
    ap.add_argument("--cache", type=Path, default=Path("runs/policy"))
    args = ap.parse_args()
    sets = {root: load_items([root], "val")[: args.limit] for root in args.data}
    pair = judgecache.cached_detections(args.config, sets, args.limit, args.cache)
    network = judgecache.cached_detections(args.config, sets, args.limit, args.cache, verifier="none")
    policy = load_config(args.config).policy
    totals = dict.fromkeys(STAGES, 0)
    for root, items in sets.items():
        lost = lost_targets(items, pair[root], network[root], policy)
        print(f"{root.name}: {sum(map(len, lost.values()))} target screens not tapped right")
        for name in STAGES:
            totals[name] += len(lost[name])
            print(f"  {name:<26} {len(lost[name]):>4}  {' '.join(lost[name])}")
    print("all sets: " + ", ".join(f"{name} {n}" for name, n in totals.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
