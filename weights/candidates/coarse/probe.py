"""Probe: a coarse pass for large buttons. The whole screen through the network once more at half the training
scale (a 1080x2400 screen as 352x800 model px), so a 260-px "広告をスキップ ▶▶" pill, seen as ~160 model px by the
strips (past the largest default box the training ranges filled), becomes ~85 px. Its close/skip boxes at least
``--min-side`` screen px long, scored by the shipped verifier, join the cached detections of the shipped pipeline
when they score ``--accept``, and each screen is judged again with the shipped policy.

    python3 weights/candidates/coarse/probe.py --config C --data data/synth3 ... [--save DIR]

Reads judge-policy.py's cached detections of C (run it first); the coarse detections are saved per set in DIR
(default runs/coarse) and reused."""

from __future__ import annotations

import functools
import math
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent import judgecache as jp  # noqa: E402
from detector.data import read_image  # noqa: E402
from detector.engine import Detector  # noqa: E402
from detector.promote import Comparison, judged  # noqa: E402
from detector.tiling import merge_detections  # noqa: E402


def coarse(det: Detector, image: np.ndarray, factor: float) -> list:
    """The network's close/skip detections (verified) on the whole screen at ``factor`` x the strips' scale."""
    h, w = image.shape[:2]
    cell = max(det.spec.steps)
    short = min(w, h)
    k = factor * det.training_scale(w, h)
    across = max(cell, round(short * k / cell) * cell)  # the short side on whole cells, as the strips do
    k = across / short
    sw, sh = round(w * k), round(h * k)
    mw, mh = math.ceil(sw / cell) * cell, math.ceil(sh / cell) * cell
    small = cv2.resize(image, (sw, sh), interpolation=cv2.INTER_AREA)
    batch = np.full((1, mh, mw, 3), 114, np.uint8)
    batch[0, :sh, :sw] = small
    reg, sc = det.runner(batch)
    origins = np.array([[0, 0, w / sw, h / sh]], np.float32)
    dets = [d for d in det._clipped(det._decode((mh, mw), origins, reg, sc), w, h) if d.label in ("close", "skip")]
    return det.verifier.rescore(image, dets) if dets else []


def main() -> int:
    ap = jp.probe_arguments(__doc__.split("\n\n")[0])
    ap.add_argument("--factor", type=float, default=0.5)
    ap.add_argument("--save", type=Path, default=Path("runs/coarse"))
    args = ap.parse_args()
    cfg, sets, cached = jp.cached_sets(args)
    detector = functools.cache(
        lambda: Detector.load(Path(cfg.detector.weights), cfg.detector.inference, cfg.detector.verifier.load())
    )
    extra = jp.saved_looks(
        args.save,
        f"{args.factor:g}-{args.limit}",
        sets,
        cached,
        lambda it, _: coarse(detector(), read_image(it.image_path), args.factor),
    )
    policy = cfg.policy
    before = {r: judged(r.name, items, cached[r], policy) for r, items in sets.items()}
    for min_side in (0, 80, 110, 150):
        for accept in (0.66, 0.8, 0.9, 0.95):
            rows = []
            for r, items in sets.items():
                joined = []
                for dets, ex in zip(cached[r], extra[r], strict=True):
                    add = [d for d in ex if d.score >= accept and max(d.box.width, d.box.height) >= min_side]
                    joined.append(merge_detections(dets + add, 0.5))
                rows.append((before[r], judged(r.name, items, joined, policy)))
            cols = "  ".join(f"{new.name} {new.hits}/{new.false_taps}" for _, new in rows)
            print(f"min_side {min_side:3d} accept {accept:.2f}: {Comparison(tuple(rows)).change} | {cols}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
