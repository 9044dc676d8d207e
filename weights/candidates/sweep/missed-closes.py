"""Probe: the screens where the shipped pair taps a skip while the screen's close is missed (a wrong tap), from
judge-policy.py's cached detections (run it first). One line per such close: set, screen, the close's box and side,
the best cached close detection on it (IoU > 0.1; 0: none), where the skip was tapped and how far from the close;
``--sheet FILE`` draws each close magnified (2.5x its side around it) with its screen's id and that score.

    python3 weights/candidates/sweep/missed-closes.py --config C --data data/synth7 ... [--sheet FILE]
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent import judgecache as jp  # noqa: E402
from detector.evaluate import judge  # noqa: E402

CELL = 200


def main() -> int:
    ap = jp.probe_arguments(__doc__.split("\n\n")[0])
    ap.add_argument("--sheet", type=Path)
    args = ap.parse_args()
    cfg, sets, cached = jp.cached_sets(args)
    cells = []
    for r, items in sets.items():
        for it, dets in zip(items, cached[r], strict=True):
            o = judge(it, dets, cfg.policy)
            if o.kind != "wrong_button" or o.tap.label != "skip":
                continue
            for g in (g for g in it.objects if g.label == "close"):
                b = g.box
                best = max([d.score for d in dets if d.label == "close" and d.box.iou(b) > 0.1] or [0.0])
                (cx, cy), side = b.center, max(b.x2 - b.x1, b.y2 - b.y1)
                far = math.hypot(cx - o.tap.x, cy - o.tap.y)
                box = [round(v) for v in (b.x1, b.y1, b.x2, b.y2)]
                print(f"{r.name} {it.image_id} close {box} side {side:.0f} best close {best:.2f}", end=" ")
                print(f"skip tapped at ({o.tap.x}, {o.tap.y}), {far:.0f} px away")
                if args.sheet:
                    img = cv2.imread(str(it.image_path))
                    s = int(side * 2.5) // 2 + 10
                    crop = img[max(0, int(cy) - s) : int(cy) + s, max(0, int(cx) - s) : int(cx) + s]
                    crop = cv2.resize(crop, (CELL, CELL), interpolation=cv2.INTER_AREA)
                    cv2.putText(crop, f"{it.image_id} {best:.2f}", (3, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 0, 255))
                    cells.append(crop)
    if args.sheet and cells:
        cells += [np.full((CELL, CELL, 3), 200, np.uint8)] * (-len(cells) % 6)
        rows = [np.hstack(cells[i : i + 6]) for i in range(0, len(cells), 6)]
        cv2.imwrite(str(args.sheet), np.vstack(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
