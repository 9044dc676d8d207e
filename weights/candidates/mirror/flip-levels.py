"""Probe: flip-probe.py's saved mirrored passes (runs/flip, ``--what strips``) joined at other ``accept`` levels and
behind other gates: every screen it mirrored (no close at 0.9), those with no close at the close threshold, those
with no close or skip at their thresholds; and the best mirrored close score on each close whose skip was tapped.
Reads judge-policy.py's cached detections of C, runs no network.

    python3 weights/candidates/mirror/flip-levels.py --config C --data data/synth7 ...
"""

from __future__ import annotations

import dataclasses
import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent import judgecache as jp  # noqa: E402
from detector.evaluate import judge  # noqa: E402
from detector.promote import Comparison, judged  # noqa: E402
from detector.zoom import add_corner_closes  # noqa: E402


def main() -> int:
    args = jp.probe_arguments(__doc__.split("\n\n")[0]).parse_args()
    cfg, sets, cached = jp.cached_sets(args)
    seen = {r: pickle.loads((Path("runs/flip") / f"{r.name}-strips-{args.limit}.pkl").read_bytes()) for r in sets}
    zoom, policy = cfg.detector.inference.zoom, cfg.policy
    for r, items in sets.items():
        for it, d, s in zip(items, cached[r], seen[r], strict=True):
            o = judge(it, d, policy)
            if o.kind == "wrong_button" and o.tap.label == "skip":
                for g in (g for g in it.objects if g.label == "close"):
                    best = max([z.score for z in s or [] if z.label == "close" and z.box.iou(g.box) > 0.1] or [0.0])
                    print(f"{r.name} {it.image_id}: the missed close's best mirrored score {best:.3f}")

    def sure(d, skip: bool) -> bool:
        close = any(x.label == "close" and x.score >= policy.close_threshold for x in d)
        return close or (skip and any(x.label == "skip" and x.score >= policy.skip_threshold for x in d))

    gates = {
        "no close at accept": lambda d: True,
        "no close at its threshold": lambda d: not sure(d, False),
        "no close or skip at its threshold": lambda d: not sure(d, True),
    }
    for name, gate in gates.items():
        n = sum(1 for r in sets for d, s in zip(cached[r], seen[r], strict=True) if s is not None and gate(d))
        print(f"{name}: {n} of {sum(len(v) for v in sets.values())} screens")
        for accept in (0.6, 0.7, 0.8, 0.85, 0.9):
            z = dataclasses.replace(zoom, accept=accept)
            rows = []
            for r, items in sets.items():
                joined = [
                    add_corner_closes(d, s, z, 0.5) if s is not None and gate(d) else d
                    for d, s in zip(cached[r], seen[r], strict=True)
                ]
                rows.append((judged(r.name, items, cached[r], policy), judged(r.name, items, joined, policy)))
            cols = " ".join(f"{n.name} {n.hits}/{n.false_taps}" for _, n in rows)
            right, false = sum(n.hits for _, n in rows), sum(n.false_taps for _, n in rows)
            print(f"  accept {accept}: {right} / {false} | {cols}\n    {Comparison(tuple(rows)).change}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
