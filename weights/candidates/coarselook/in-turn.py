"""Whole frames without and with the coarse look (``zoom.coarse`` 0 and ``--coarse``, default 0.6), in turn on
closebot bench's frames (weights/candidates/bf16/in-turn.py's loop); also how many of the frames got one.

Usage: python3 weights/candidates/coarselook/in-turn.py --config C [--coarse 0.6] [--frames 20] [--passes 3]
"""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path

from agent.config import load_config
from detector.bench import bench_frames
from detector.engine import Detector
from detector.zoom import coarse_blocked

_spec = importlib.util.spec_from_file_location("in_turn", Path(__file__).parents[1] / "bf16" / "in-turn.py")
loop = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(loop)


def main() -> None:
    ap = loop.arguments()
    ap.add_argument("--coarse", type=float, default=0.6)
    args = ap.parse_args()
    cfg = load_config(args.config)
    inf = cfg.detector.inference

    def load(coarse: float) -> Detector:
        zoom = replace(inf.zoom, coarse=coarse)
        return Detector.load(cfg.detector.weights, replace(inf, zoom=zoom), cfg.detector.verifier.weights)

    frames = bench_frames(args.frames, args.seed)
    off, on = load(0.0), load(args.coarse)
    looked = sum(not coarse_blocked(off.detect(f).detections, off.cfg.zoom) for f in frames)
    print(f"frames with no close or skip at accept (a coarse look): {looked} of {len(frames)}")
    loop.in_turn({"coarse 0": off, f"coarse {args.coarse:g}": on}, frames, args.passes)


if __name__ == "__main__":
    main()
