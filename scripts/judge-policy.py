"""Judge policy settings offline: the detector runs once per set (its detections cached), then every policy variant
is scored on the same detections in seconds, with `closebot eval`'s scoring and `closebot promote`'s counts.

Usage: python scripts/judge-policy.py --data data/synth7 --data data/synth8 --set text_line_gap=0,0.25,0.5,1
  [--verifier FILE|none] [--limit 400] [--cache runs/policy] [--config FILE]
Each --set KEY=V1,V2,... is a policy key (config.yaml's `policy:` section) and its values; the grid of all of them is
judged. The detector is config.yaml's (or --config's) SSD and inference settings with its verifier, or --verifier's.
Detections are cached in --cache, one file per set and detector (the key hashes the SSD and verifier files, the
inference settings, the set's screens and --limit), so another verifier or changed weights never reuse old
detections. Prints, per variant, screens tapped right / false taps per set and in all. --against C0 adds, per variant,
the change from configuration C0 (its own detections, as a run of this script with --config C0 cached them, and its
own policy) on the same screens, with a 95% paired bootstrap interval (detector.intervals.paired_difference): how
much of a difference in screens right or false taps is more than another sample of screens would give.
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
from agent.judgecache import cache_path, cached_detections, detector_key, verifier_path  # noqa: E402
from detector.data import load_items  # noqa: E402
from detector.engine import Detector  # noqa: E402
from detector.evaluate import detect_all  # noqa: E402
from detector.promote import Comparison, judged  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", action="append", required=True, type=Path)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=V1,V2")
    ap.add_argument("--verifier", help="verifier weights file, or 'none' (default: config.yaml's)")
    ap.add_argument("--limit", type=int, default=400)
    ap.add_argument("--cache", type=Path, default=Path("runs/policy"))
    ap.add_argument("--config", type=Path, help="config file (default: the repository's config.yaml)")
    ap.add_argument("--against", type=Path, metavar="C0", help="also the change from config C0, with 95%% intervals")
    args = ap.parse_args()
    cfg = load_config(args.config)
    fields = {f.name for f in dataclasses.fields(cfg.policy)}
    grid: dict[str, list[float]] = {}
    for s in args.set:
        key, _, values = s.partition("=")
        if key not in fields or not values:
            ap.error(f"--set {s!r}: expected KEY=V1,V2 with KEY one of {', '.join(sorted(fields))}")
        grid[key] = [float(v) for v in values.split(",")]
    verifier = verifier_path(cfg, args.verifier)
    weights = Path(cfg.detector.weights)
    args.cache.mkdir(parents=True, exist_ok=True)
    key = detector_key(weights, verifier, cfg.detector.inference, args.limit, cfg.detector.speaker)  # hashed once
    detector = None
    sets = {}
    for root in args.data:
        items = load_items([root], "val")[: args.limit]
        path = cache_path(args.cache, root, key, items)
        if path.exists():
            sets[root.name] = (items, pickle.loads(path.read_bytes()))
            continue
        if detector is None:
            second_look = cfg.detector.verifier.load(verifier) if verifier else None  # load(None): the config's
            detector = Detector.load(weights, cfg.detector.inference, second_look, cfg.detector.speaker.load())
        sets[root.name] = (items, detect_all(detector, items))
        path.write_bytes(pickle.dumps(sets[root.name][1]))
    base = None
    if args.against:
        roots = {root.name: root for root in args.data}
        cached = cached_detections(
            args.against, {roots[name]: items for name, (items, _) in sets.items()}, args.limit, args.cache
        )
        policy0 = load_config(args.against).policy
        base = [judged(name, items, cached[roots[name]], policy0) for name, (items, _) in sets.items()]
    for values in itertools.product(*grid.values()) if grid else [()]:
        policy = dataclasses.replace(cfg.policy, **dict(zip(grid, values, strict=True)))
        counts = [judged(name, items, dets, policy) for name, (items, dets) in sets.items()]
        cols = "  ".join(f"{c.name} {c.hits}/{c.false_taps}" for c in counts)
        label = " ".join(f"{k}={v:g}" for k, v in zip(grid, values, strict=True)) or "config.yaml"
        right, false = sum(c.hits for c in counts), sum(c.false_taps for c in counts)
        print(f"{label}: {right} right / {false} false taps | {cols}")
        if base is not None:
            print(f"  against {args.against}: {Comparison(tuple(zip(base, counts, strict=True))).change}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
