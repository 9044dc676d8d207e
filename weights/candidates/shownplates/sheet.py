"""A picture of buttons whose plate does not show: per screen, a crop around the button with the set's label (the
element's box, yellow), the label of what shows (`webeval.py --label-shown`, green) and the shipped detector's boxes
of that class at 0.3 or more (red).

Usage: python3 weights/candidates/shownplates/sheet.py OLD NEW OUT.jpg LABEL ID [ID ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from agent.config import load_config  # noqa: E402
from detector.data import load_items  # noqa: E402
from detector.engine import Detector  # noqa: E402
from detector.images import load_rgb  # noqa: E402
from detector.types import Box  # noqa: E402

CELL = 300


def rect(crop: np.ndarray, b: Box, frame: tuple[int, int, float], colour: tuple[int, int, int], t: int) -> None:
    """``b`` (screen pixels) drawn on ``crop``, the screen from (x0, y0) scaled by k (``frame``)."""
    x0, y0, k = frame
    p1 = (int((b.x1 - x0) * k), int((b.y1 - y0) * k))
    cv2.rectangle(crop, p1, (int((b.x2 - x0) * k), int((b.y2 - y0) * k)), colour, t)


def main() -> int:
    old_root, new_root, out, label, *ids = sys.argv[1:]
    old = {i.image_id: i for i in load_items([Path(old_root)], "val")}
    new = {i.image_id: i for i in load_items([Path(new_root)], "val")}
    cfg = load_config(None)
    det = Detector.load(cfg.detector.weights, cfg.detector.inference, cfg.detector.verifier.load())
    cells = []
    for iid in ids:
        rgb = load_rgb(old[iid].image_path)
        found = [d for d in det.detect(rgb).detections if d.label == label and d.score >= 0.3]
        g = next(o.box for o in old[iid].objects if o.label == label)
        cx, cy = g.center
        s = max(g.width, g.height) * 1.4 + 40
        x0, y0 = int(max(0, cx - s / 2)), int(max(0, cy - s / 2))
        x1, y1 = int(min(rgb.shape[1], cx + s / 2)), int(min(rgb.shape[0], cy + s / 2))
        k = CELL / max(x1 - x0, y1 - y0)
        crop = cv2.resize(cv2.cvtColor(rgb[y0:y1, x0:x1], cv2.COLOR_RGB2BGR), None, fx=k, fy=k)

        for o in old[iid].objects:
            if o.label == label:
                rect(crop, o.box, (x0, y0, k), (0, 255, 255), 3)
        for o in new[iid].objects:
            if o.label == label:
                rect(crop, o.box, (x0, y0, k), (0, 200, 0), 2)
        for d in found:
            rect(crop, d.box, (x0, y0, k), (0, 0, 255), 1)
        cell = np.full((CELL + 20, CELL, 3), 255, np.uint8)
        cell[20 : 20 + crop.shape[0], : crop.shape[1]] = crop
        cv2.putText(cell, iid, (2, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1)
        cells.append(cell)
    blank = np.full((CELL + 20, CELL, 3), 200, np.uint8)
    rows = [np.hstack(cells[i : i + 4] + [blank] * (4 - len(cells[i : i + 4]))) for i in range(0, len(cells), 4)]
    cv2.imwrite(out, np.vstack(rows), [cv2.IMWRITE_JPEG_QUALITY, 85])
    return 0


if __name__ == "__main__":
    sys.exit(main())
