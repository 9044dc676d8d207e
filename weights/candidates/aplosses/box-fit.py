"""Probe: how well the boxes fit the closes they find. For each labelled close, the best-scoring close box whose
centre lies inside it: the median and mean IoU, how many under 0.5, the median width and height ratios (box /
label) and centre offsets (in label widths and heights). Reads the detections `scripts/ap-losses.py --save DIR`
kept.

Usage: python3 weights/candidates/aplosses/box-fit.py DIR SET [SET ...]   (run from the project root)
"""

import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

saved = Path(sys.argv[1])
for name in sys.argv[2:]:
    items, dets, below = pickle.loads((saved / f"{name}.pkl").read_bytes())
    iou, rw, rh, dx, dy = [], [], [], [], []
    for item, d, b in zip(items, dets, below, strict=True):
        for g in item.objects:
            if g.label != "close":
                continue
            inside = [x for x in d + b if x.label == "close" and g.box.contains(*x.box.center)]
            if not inside:
                continue
            x = max(inside, key=lambda x: x.score)
            gw, gh = g.box.x2 - g.box.x1, g.box.y2 - g.box.y1
            iou.append(x.box.iou(g.box))
            rw.append((x.box.x2 - x.box.x1) / gw)
            rh.append((x.box.y2 - x.box.y1) / gh)
            dx.append((x.box.center[0] - g.box.center[0]) / gw)
            dy.append((x.box.center[1] - g.box.center[1]) / gh)
    print(
        f"{name}: {len(iou)} closes with a box on them: IoU median {np.median(iou):.3f} mean {np.mean(iou):.3f}, "
        f"{sum(v < 0.5 for v in iou)} under 0.5; width ratio {np.median(rw):.3f}, height ratio {np.median(rh):.3f}, "
        f"centre offset x {np.median(dx):+.3f} y {np.median(dy):+.3f} (medians)"
    )
