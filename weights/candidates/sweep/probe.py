"""Probe: a magnified sweep for a close before a skip is tapped. 15 of the shipped pair's 32 wrong taps on the nine
judging sets are a skip tapped on a screen whose close was missed, most of them a plain 22-95 px close away from the
screen corners (the corner look's squares) that the network proposes nothing for. On every screen where the policy
would tap a skip, the whole screen is covered by squares of the corner look's magnification (``--side`` reference px
each, seen as the closer look's 324 model px: a 24-px x as ~28 px instead of ~14), overlapping by ``--overlap``;
the closes found there scoring ``--accept`` (verified) with no Japanese text on them join the frame's detections as
the corner look's do (:func:`detector.zoom.add_corner_closes`), and the screen is judged again.

    python3 weights/candidates/sweep/probe.py --config C --data data/synth7 ... [--side 280] [--overlap 80]

Reads judge-policy.py's cached detections of C (run it first); the sweeps' detections are saved per set in
runs/sweep and reused."""

from __future__ import annotations

import dataclasses
import functools
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent import judgecache as jp  # noqa: E402
from detector.data import read_image  # noqa: E402
from detector.engine import Detector  # noqa: E402
from detector.evaluate import judge  # noqa: E402
from detector.tiling import REFERENCE_SHORT_SIDE  # noqa: E402
from detector.types import Box  # noqa: E402
from detector.zoom import add_corner_closes  # noqa: E402


def sweep_boxes(w: int, h: int, side: float, overlap: float, context: float) -> list[Box]:
    """Pseudo-candidates whose closer-look squares (``context`` x their side) cover the screen, overlapping."""
    sq = side * min(w, h) / REFERENCE_SHORT_SIDE
    ov = overlap * min(w, h) / REFERENCE_SHORT_SIDE
    nx, ny = max(1, math.ceil((w - ov) / (sq - ov))), max(1, math.ceil((h - ov) / (sq - ov)))
    xs = [sq / 2 + i * (w - sq) / (nx - 1) for i in range(nx)] if nx > 1 else [w / 2]
    ys = [sq / 2 + j * (h - sq) / (ny - 1) for j in range(ny)] if ny > 1 else [h / 2]
    b = sq / context / 2
    return [Box(x - b, y - b, x + b, y + b) for y in ys for x in xs]


def main() -> int:
    ap = jp.probe_arguments(__doc__.split("\n\n")[0])
    ap.add_argument("--side", type=float, default=280.0)
    ap.add_argument("--overlap", type=float, default=80.0)
    args = ap.parse_args()
    cfg, sets, cached = jp.cached_sets(args)
    zoom = cfg.detector.inference.zoom
    detector = functools.cache(
        lambda: Detector.load(Path(cfg.detector.weights), cfg.detector.inference, cfg.detector.verifier.load())
    )

    def sweep(it, dets: list) -> list | None:  # only screens whose tap is a skip
        tap = judge(it, dets, cfg.policy).tap
        if tap is None or tap.label != "skip":
            return None
        image = read_image(it.image_path)
        h, w = image.shape[:2]
        return detector().look_closer(image, sweep_boxes(w, h, args.side, args.overlap, zoom.context))

    swept = jp.saved_looks(Path("runs/sweep"), f"{args.side:g}-{args.overlap:g}-{args.limit}", sets, cached, sweep)
    for accept in (0.9, 0.95, 0.98):
        z = dataclasses.replace(zoom, accept=accept)
        joined = {
            r: [
                add_corner_closes(d, s, z, cfg.detector.inference.nms_iou) if s else d
                for d, s in zip(cached[r], swept[r], strict=True)
            ]
            for r in sets
        }
        jp.print_judged(f"accept {accept}", sets, cached, joined, cfg.policy, "" if accept == 0.9 else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
