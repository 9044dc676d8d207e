"""Check: ``Detector.look_coarse`` decoding only boxes scoring ``accept`` squared or more (the review's change) gives
the same verified boxes as decoding at ``min_score`` and filtering after (the code before), on the first 100 val
screens of each ``--data`` set. Greedy NMS and the merge keep a box by the boxes scoring above it only, so the boxes
under the floor can change nothing.

    python3 weights/candidates/coarselook/floor-check.py --config C --data data/webeval9 --data data/synth9 ...
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

from agent.config import load_config
from detector.data import load_items, read_image
from detector.engine import SHRINK, Detector
from detector.zoom import coarse_geometry, coarse_targets


def before(det: Detector, image: np.ndarray, shrunk: np.ndarray, scale: float) -> list:
    h, w = image.shape[:2]
    _, (sw, sh), (mh, mw) = coarse_geometry(w, h, scale, max(det.spec.steps))
    batch = np.full((1, mh, mw, 3), 114, np.uint8)
    batch[0, :sh, :sw] = cv2.resize(shrunk, (sw, sh), interpolation=SHRINK)
    reg, sc = det.runner(batch)
    origins = np.array([[0.0, 0.0, w / sw, h / sh]], np.float32)
    found = coarse_targets(det._clipped(det._decode((mh, mw), origins, reg, sc), w, h), det.cfg.zoom.accept)
    return det.verifier.rescore(image, found) if found else found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", type=Path, required=True)
    ap.add_argument("--data", type=Path, action="append", required=True)
    args = ap.parse_args()
    cfg = load_config(args.config)
    det = Detector.load(cfg.detector.weights, cfg.detector.inference, cfg.detector.verifier.weights)
    n = boxes = differ = 0
    for root in args.data:
        for it in load_items([root], "val")[:100]:
            img = read_image(it.image_path)
            h, w = img.shape[:2]
            _, _, shrunk = det.cut_from(img, det.plan(w, h))
            scale = det.cfg.zoom.coarse * det.training_scale(w, h)
            new = det.look_coarse(img, scale, shrunk)
            n, boxes, differ = n + 1, boxes + len(new), differ + (new != before(det, img, shrunk, scale))
    print(f"{n} screens, {boxes} coarse boxes, {differ} screens differ")


if __name__ == "__main__":
    main()
