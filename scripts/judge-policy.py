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
import hashlib
import itertools
import pickle
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.config import load_config  # noqa: E402
from detector.data import load_items  # noqa: E402
from detector.engine import Detector, InferenceConfig  # noqa: E402
from detector.evaluate import detect_all  # noqa: E402
from detector.promote import Comparison, judged  # noqa: E402
from detector.quantize import int8_path  # noqa: E402
from detector.weights import sha256_of  # noqa: E402


def detector_key(weights: Path, verifier: Path | None, inference: InferenceConfig, limit: int) -> list[str]:
    """What makes detections differ, besides the screens: the files' contents (the int8 graph's too when it runs),
    the settings, --limit."""
    int8 = sha256_of(int8_path(weights)) if inference.precision == "int8" else "fp32"
    return [sha256_of(weights), sha256_of(verifier) if verifier else "none", int8, repr(inference), str(limit)]


def cache_key(detector: list[str], items: list) -> str:
    parts = detector + [f"{i.image_path}:{i.image_path.stat().st_mtime_ns}" for i in items]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def cache_path(cache: Path, root: Path, detector: list[str], items: list) -> Path:
    """Where one set's detections by one detector are cached (scripts/false-tap-diff.py reads them too)."""
    return cache / f"{root.name}-{cache_key(detector, items)}.pkl"


def verifier_path(cfg, choice: str | None) -> Path | None:
    """The verifier file a run judges with: ``choice`` (a file, or "none" for the network alone), else the config's."""
    path = cfg.detector.verifier_weights() if choice is None else choice
    return None if path in (None, "none") else Path(path)


def cached_detections(
    config: Path | None, sets: dict[Path, list], limit: int, cache: Path, verifier: str | None = None
) -> dict[Path, list]:
    """Each set's detections by ``config``'s SSD and verifier (or ``verifier``: a file, or "none" for the network
    alone) as a run of this script cached them (``sets``: each root's first ``limit`` val screens); exits naming the
    missing file and the command that writes it. scripts/false-tap-diff.py, scripts/miss-stages.py and the probes in
    weights/candidates/v25w/ read them so."""
    cfg = load_config(config)
    key = detector_key(Path(cfg.detector.weights), verifier_path(cfg, verifier), cfg.detector.inference, limit)
    out = {}
    for root, items in sets.items():
        path = cache_path(cache, root, key, items)
        if not path.exists():
            flag = "" if verifier is None else f" --verifier {verifier}"
            sys.exit(
                f"no cached detections of {config or 'config.yaml'}{flag} on {root} ({path}): run "
                f"`python3 scripts/judge-policy.py --data {root}{flag}"
                f"{f' --config {config}' if config else ''} --limit {limit}` first"
            )
        out[root] = pickle.loads(path.read_bytes())
    return out


def probe_arguments(description: str) -> argparse.ArgumentParser:
    """The arguments every probe over cached detections takes: ``--config C`` (the configuration whose cached
    detections are read), ``--data DIR`` (repeated) and ``--limit`` (val screens per set, as this script's)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--config", type=Path, required=True)
    ap.add_argument("--data", type=Path, action="append", required=True)
    ap.add_argument("--limit", type=int, default=400)
    return ap


def cached_sets(args: argparse.Namespace, cache: Path = Path("runs/policy")):
    """(config, each ``--data`` root's first ``--limit`` val screens, their cached detections) for a probe's
    :func:`probe_arguments`."""
    sets = {root: load_items([root], "val")[: args.limit] for root in args.data}
    return load_config(args.config), sets, cached_detections(args.config, sets, args.limit, cache)


def detected_against(detector, cfg, sets: dict[Path, list], cached: dict[Path, list]):
    """A probe's detector run on each set's screens and judged with ``cfg``'s policy against the cached detections
    (:func:`cached_sets`), screen by screen: (the change, :attr:`detector.promote.Comparison.change`; per set "name
    right/false"; per set the new detections). Each set's line is printed as it is done, with every screen whose
    outcome changed."""
    rows, detections = [], {}
    for root, items in sets.items():
        detections[root] = detect_all(detector, items, False)
        before = judged(root.name, items, cached[root], cfg.policy)
        after = judged(root.name, items, detections[root], cfg.policy)
        for it, a, b in zip(items, before.kinds, after.kinds, strict=True):
            if a != b:
                print(f"  {root.name} {it.image_id}: {a} -> {b}")
        print(f"{root.name} {after.hits}/{after.false_taps}", flush=True)
        rows.append((before, after))
    return Comparison(tuple(rows)).change, [f"{new.name} {new.hits}/{new.false_taps}" for _, new in rows], detections


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
    key = detector_key(weights, verifier, cfg.detector.inference, args.limit)  # the files hashed once, not per set
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
            detector = Detector.load(weights, cfg.detector.inference, second_look)
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
