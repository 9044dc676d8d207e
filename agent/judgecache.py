"""Detections of a configuration on evaluation sets, cached on disk: what `scripts/judge-policy.py` writes once per
set and detector, and what it, `scripts/false-tap-diff.py`, `scripts/miss-stages.py`, `scripts/close-pills.py` and
the probes under `weights/candidates/` read, so that policy settings and probes are judged on the same detections in
seconds instead of running the network again.

A cache file is ``CACHE/<set>-<key>.pkl``, the pickled list of each screen's detections (the first ``limit`` val
screens of the set); the key hashes the SSD and verifier files (and the int8 graph when it runs), the inference
settings' repr, ``limit`` and the screens' paths and modification times, so other weights, settings or screens never
reuse old detections. (A code change under the same settings keeps the key: move such caches away.)
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
from pathlib import Path

from agent.config import load_config
from detector.data import load_items
from detector.engine import InferenceConfig
from detector.evaluate import detect_all
from detector.promote import Comparison, judged
from detector.quantize import int8_path
from detector.weights import sha256_of


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
    alone) as a run of scripts/judge-policy.py cached them (``sets``: each root's first ``limit`` val screens); exits
    naming the missing file and the command that writes it."""
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
