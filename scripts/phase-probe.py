"""How much the SSD's score for a button depends on where it falls on the network's coarsest grid (stride 32).

A strided network is not shift-invariant: the same button, moved a few pixels inside its tile, can score 1.0 or
0.4. This probe measures it on held-out screens: every close/skip box of the sets' val screens is cut out in a
window of the training size (288 model px at the training scale), with the box's centre placed at vertical offsets
0, 4, ..., 28 px from a stride-32 cell boundary (its horizontal position fixed at the window's centre), and the
network's best score of the box's class on it (IoU >= 0.5) is recorded. Boxes are grouped by their shape (long
side / short side), since a default box's overlap with a thin box falls fastest when they are offset across it.

Usage: python scripts/phase-probe.py --data data/synth9 --data data/synth5 [--weights FILE] [--limit 400]
Prints per group the mean score per offset and the share of boxes whose worst offset scores < 0.5 while their best
scores >= 0.8 (found or lost by where the tile happens to start).
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.config import load_config  # noqa: E402
from detector.data import load_items  # noqa: E402
from detector.engine import Detector  # noqa: E402
from detector.images import load_rgb  # noqa: E402

OFFSETS = tuple(range(0, 32, 4))
GROUPS = (("square (< 1.6:1)", 0.0, 1.6), ("long (1.6-2.5:1)", 1.6, 2.5), ("longer (>= 2.5:1)", 2.5, 99.0))


def probe(det: Detector, image: np.ndarray, box, label: str) -> list[float]:
    """The network's best ``label`` score on ``box`` with the box's centre at each of OFFSETS below a cell edge."""
    h, w = image.shape[:2]
    k = det.training_scale(w, h)
    side = det.spec.input_size
    small = cv2.resize(image, (round(w * k), round(h * k)), interpolation=cv2.INTER_AREA)
    pad = side  # grey around the screen, so a window may reach past it (as a training crop never does; rare here)
    canvas = np.full((small.shape[0] + 2 * pad, small.shape[1] + 2 * pad, 3), 114, np.uint8)
    canvas[pad : pad + small.shape[0], pad : pad + small.shape[1]] = small
    cx, cy = (box.x1 + box.x2) / 2 * k + pad, (box.y1 + box.y2) / 2 * k + pad
    x0 = round(cx - side / 2)
    cell = det.coarsest_cell
    base = round(cy) - side // 2 - (side // 2) % cell  # centre on a cell edge, then move it down by each offset
    windows, origins = [], []
    for off in OFFSETS:
        y0 = base - off
        windows.append(canvas[y0 : y0 + side, x0 : x0 + side])
        origins.append(((x0 - pad) / k, (y0 - pad) / k, 1 / k, 1 / k))
    reg, sc = det.runner(np.stack(windows))
    out = []
    for i in range(len(OFFSETS)):
        dets = det._decode((side, side), np.array([origins[i]], np.float32), reg[i : i + 1], sc[i : i + 1], 0.01)
        out.append(max((d.score for d in dets if d.label == label and d.box.iou(box) >= 0.5), default=0.0))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", action="append", required=True, type=Path)
    ap.add_argument("--weights", type=Path, help="SSD weights (default: config.yaml's)")
    ap.add_argument("--limit", type=int, default=400)
    args = ap.parse_args()
    cfg = load_config(None)
    inf = cfg.detector.inference
    inf = dataclasses.replace(inf, zoom=dataclasses.replace(inf.zoom, enabled=False))
    det = Detector.load(args.weights or cfg.detector.weights, inf, None)
    rows: dict[str, list[list[float]]] = {g[0]: [] for g in GROUPS}
    for root in args.data:
        for item in load_items([root], "val")[: args.limit]:
            targets = [o for o in item.objects if o.label in ("close", "skip")]
            if not targets:
                continue
            image = load_rgb(item.image_path)
            for o in targets:
                name = next(g[0] for g in GROUPS if g[1] <= o.box.aspect < g[2])
                rows[name].append(probe(det, image, o.box, o.label))
    head = f"offset of the box centre below a stride-{det.coarsest_cell} cell edge (model px): "
    print(head + " ".join(f"{o:>5}" for o in OFFSETS))
    for name, scores in rows.items():
        if not scores:
            continue
        means = [statistics.fmean(s[i] for s in scores) for i in range(len(OFFSETS))]
        flaky = sum(min(s) < 0.5 <= 0.8 <= max(s) for s in scores)
        print(
            f"{name:>18} ({len(scores):4d} boxes): mean "
            + " ".join(f"{m:5.2f}" for m in means)
            + f" | lost or found by the offset: {flaky / len(scores):.1%}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
