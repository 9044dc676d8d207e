"""Whole frames in fp32 and in bf16, in turn on the same frames (closebot bench's frames), so that the machine's
drift hits both alike: both detectors are first warmed up on every frame (each input shape and batch size the
closer look meets once), then each pass runs every frame through both, their order alternating.

Usage: python3 weights/candidates/bf16/in-turn.py --config C [--frames 20] [--passes 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

from agent.config import load_config
from detector.bench import bench_frames
from detector.engine import Detector


def in_turn(dets: dict[str, Detector], frames: list, passes: int) -> None:
    """Each detector warmed up on every frame, then ``passes`` passes of every frame through each, their order
    alternating; prints each one's median frame, network and closer look, and the second's / the first's frame by
    frame (weights/candidates/usable/in-turn.py uses it too)."""
    for det in dets.values():
        for f in frames:
            det.detect(f)
    ms: dict[str, list[float]] = {p: [] for p in dets}
    parts: dict[str, dict[str, list[float]]] = {p: {"model": [], "zoom": []} for p in dets}
    for k in range(passes):
        for i, f in enumerate(frames):
            order = list(dets) if (i + k) % 2 == 0 else list(reversed(dets))
            for p in order:
                t0 = time.perf_counter()
                r = dets[p].detect(f)
                ms[p].append((time.perf_counter() - t0) * 1000)
                parts[p]["model"].append(r.timings.model_ms)
                parts[p]["zoom"].append(r.timings.zoom_ms)
    for p in dets:
        p90 = sorted(ms[p])[int(0.9 * (len(ms[p]) - 1))]
        model, zoom = statistics.median(parts[p]["model"]), statistics.fmean(parts[p]["zoom"])
        print(
            f"{p}: median {statistics.median(ms[p]):.1f} ms a frame (p90 {p90:.1f}), model {model:.1f},"
            f" closer look mean {zoom:.1f} ({len(ms[p])} frames)"
        )
    first, second = list(dets)
    ratio = [b / a for a, b in zip(ms[first], ms[second], strict=True)]
    print(f"{second} / {first}, frame by frame: median {statistics.median(ratio):.3f}")


def arguments() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--frames", type=int, default=20)
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--seed", type=int, default=123)  # closebot bench's default
    return ap


def main() -> None:
    args = arguments().parse_args()
    cfg = load_config(args.config)
    inf = cfg.detector.inference
    dets = {
        p: Detector.load(cfg.detector.weights, replace(inf, precision=p), cfg.detector.verifier.weights)
        for p in ("fp32", "bf16")
    }
    in_turn(dets, bench_frames(args.frames, args.seed), args.passes)


if __name__ == "__main__":
    main()
