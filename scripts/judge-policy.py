"""Judge policy settings offline: the shipped detector runs once per set (its detections cached), then every policy
variant is scored on the same detections in seconds, with `closebot eval`'s own scoring (detector.evaluate.score).

Usage: python scripts/judge-policy.py --data data/synth7 --data data/synth8 --set text_line_gap=0,0.25,0.5,1
  [--limit 400] [--cache runs/policy]
Each --set KEY=V1,V2,... is a policy key (config.yaml's `policy:` section) and its values; the grid of all of them is
judged. Detections are cached per set in --cache as <set>.pkl (keyed by nothing: remove them after changing the
detector, the weights or the inference config). Prints, per variant, screens tapped right / false taps per set.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import pickle
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.config import load_config  # noqa: E402
from detector.data import load_items  # noqa: E402
from detector.engine import Detector  # noqa: E402
from detector.evaluate import detect_all, score  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", action="append", required=True, type=Path)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=V1,V2")
    ap.add_argument("--limit", type=int, default=400)
    ap.add_argument("--cache", type=Path, default=Path("runs/policy"))
    args = ap.parse_args()
    cfg = load_config()
    fields = {f.name for f in dataclasses.fields(cfg.policy)}
    grid: dict[str, list[float]] = {}
    for s in args.set:
        key, _, values = s.partition("=")
        if key not in fields or not values:
            ap.error(f"--set {s!r}: expected KEY=V1,V2 with KEY one of {', '.join(sorted(fields))}")
        grid[key] = [float(v) for v in values.split(",")]
    args.cache.mkdir(parents=True, exist_ok=True)
    detector = None
    sets = {}
    for root in args.data:
        path = args.cache / f"{root.name}.pkl"
        if path.exists():
            sets[root.name] = pickle.loads(path.read_bytes())
            continue
        if detector is None:
            detector = Detector.load(cfg.detector.weights, cfg.detector.inference, cfg.detector.verifier_weights())
        items = load_items([root], "val")[: args.limit]
        sets[root.name] = (items, detect_all(detector, items))
        path.write_bytes(pickle.dumps(sets[root.name]))
    for values in itertools.product(*grid.values()) if grid else [()]:
        policy = dataclasses.replace(cfg.policy, **dict(zip(grid, values, strict=True)))
        right = false = 0
        cols = []
        for name, (items, dets) in sets.items():
            r = score(items, dets, policy, max_failures=0, with_ap=False)
            hits = round(r.tap_success * r.target_screens)
            right, false = right + hits, false + r.false_taps
            cols.append(f"{name} {hits}/{r.false_taps}")
        label = " ".join(f"{k}={v:g}" for k, v in zip(grid, values, strict=True)) or "config.yaml"
        print(f"{label}: {right} right / {false} false taps | " + "  ".join(cols))
    return 0


if __name__ == "__main__":
    sys.exit(main())
