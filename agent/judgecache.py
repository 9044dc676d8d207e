"""Detections of a configuration on evaluation sets, cached on disk: what `scripts/judge-policy.py` writes once per
set and detector, and what it, `scripts/false-tap-diff.py`, `scripts/miss-stages.py`, `scripts/close-pills.py` and
the probes under `weights/candidates/` read, so that policy settings and probes are judged on the same detections in
seconds instead of running the network again.

A cache file is ``CACHE/<set>-<key>.pkl``, the pickled list of each screen's detections (the first ``limit`` val
screens of the set); the key hashes the SSD and verifier files (and the int8 graph when it runs), the inference
settings' repr, ``limit`` and the screens' paths and modification times, so other weights, settings or screens never
reuse old detections. (A code change under the same settings keeps the key: move such caches away.)

A probe's own pass over the screens (a look the shipped detector does not take) is saved the same way, once per set:
:func:`saved_looks`.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path

from agent.config import SpeakerSection, load_config
from detector.data import load_items
from detector.engine import InferenceConfig
from detector.evaluate import detect_all
from detector.promote import Comparison, judged
from detector.quantize import int8_path
from detector.weights import sha256_of
from policies.decide import PolicyConfig


def detector_key(
    weights: Path, verifier: Path | None, inference: InferenceConfig, limit: int, speaker: SpeakerSection | None = None
) -> list[str]:
    """What makes detections differ, besides the screens: the files' contents (the int8 graph's too when it runs),
    the settings, --limit; and the speaker check's file and settings when ``speaker`` turns one on (a configuration
    without one keeps the keys, and so the caches, it had before the check existed)."""
    int8 = sha256_of(int8_path(weights)) if inference.precision == "int8" else "fp32"
    key = [sha256_of(weights), sha256_of(verifier) if verifier else "none", int8, repr(inference), str(limit)]
    if speaker is not None and speaker.weights:
        key.append(f"speaker {sha256_of(Path(speaker.weights))} {speaker.level!r} {speaker.min_score!r}")
    return key


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
    det = cfg.detector
    key = detector_key(Path(det.weights), verifier_path(cfg, verifier), det.inference, limit, det.speaker)
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


def saved_looks(
    folder: Path, tag: str, sets: dict[Path, list], cached: dict[Path, list], look: Callable
) -> dict[Path, list]:
    """A probe's own pass over each set's screens, run once: per set, ``look(item, detections)`` of its screens in
    order (``detections`` the screen's cached ones, :func:`cached_sets`; None for a screen the probe leaves alone),
    pickled in ``folder/<set>-<tag>.pkl`` and read back from there when that exists. Prints each pass's screens and
    time a screen."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[Path, list] = {}
    for root, items in sets.items():
        path = folder / f"{root.name}-{tag}.pkl"
        if path.exists():
            out[root] = pickle.loads(path.read_bytes())
            continue
        t0 = time.perf_counter()
        out[root] = [look(it, dets) for it, dets in zip(items, cached[root], strict=True)]
        path.write_bytes(pickle.dumps(out[root]))
        n = sum(x is not None for x in out[root])
        ms = (time.perf_counter() - t0) * 1000 / max(1, n)
        print(f"{root.name}: {n} of {len(items)} screens looked at, {ms:.0f} ms each", file=sys.stderr)
    return out


def print_judged(
    name: str,
    sets: dict[Path, list],
    cached: dict[Path, list],
    joined: dict[Path, list],
    policy: PolicyConfig,
    changes: str | None = None,
) -> None:
    """A probe's variant ``name`` judged with ``policy``: its detections ``joined`` against the cached ones
    (:func:`cached_sets`), screen by screen. Prints its screens right / false taps in all and per set, and the change
    (:attr:`detector.promote.Comparison.change`); with ``changes`` (a prefix), first every screen whose outcome
    changed."""
    rows = []
    for root, items in sets.items():
        before, after = judged(root.name, items, cached[root], policy), judged(root.name, items, joined[root], policy)
        if changes is not None:
            for it, a, b in zip(items, before.kinds, after.kinds, strict=True):
                if a != b:
                    print(f"  {changes}{root.name} {it.image_id}: {a} -> {b}")
        rows.append((before, after))
    cols = "  ".join(f"{new.name} {new.hits}/{new.false_taps}" for _, new in rows)
    right, false = sum(n.hits for _, n in rows), sum(n.false_taps for _, n in rows)
    print(f"{name}: {right} right / {false} false taps | {cols}")
    print(f"  against C: {Comparison(tuple(rows)).change}")
