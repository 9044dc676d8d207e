"""Whole frames with the closer looks verifying everything they found (the code before detector.zoom.usable) and
only what they can use, in turn on closebot bench's frames (weights/candidates/bf16/in-turn.py's loop).

Usage: python3 weights/candidates/usable/in-turn.py --config C [--frames 20] [--passes 3]
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from agent.config import load_config
from detector.bench import bench_frames
from detector.engine import Detector

_spec = importlib.util.spec_from_file_location("in_turn", Path(__file__).parents[1] / "bf16" / "in-turn.py")
loop = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(loop)


def main() -> None:
    args = loop.arguments().parse_args()
    cfg = load_config(args.config)
    load = lambda: Detector.load(cfg.detector.weights, cfg.detector.inference, cfg.detector.verifier.weights)  # noqa: E731
    everything, usable = load(), load()
    plain = everything.look_closer
    everything.look_closer = lambda image, boxes, context=None, verify=True, accept=None: plain(
        image, boxes, context, verify
    )
    loop.in_turn({"all verified": everything, "usable": usable}, bench_frames(args.frames, args.seed), args.passes)


if __name__ == "__main__":
    main()
