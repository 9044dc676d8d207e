"""Probe: is the network's corner look lopsided? For every labelled close inside a corner square (``corner_boxes``:
280 reference px) of the val screens of the sets given, the network's best close score on it (IoU >= 0.4, no
verifier) in that corner's square as it is and mirrored left to right, split by the corner's side. If the network saw
a mark at a square's right edge as well as at its left, mirroring would change the left and right corners alike.

    python3 weights/candidates/mirror/sides.py --config C --data data/synth7 ... [--limit 400] [--look strips]

``--look strips``: the same for the whole-screen pass, the closes within 300 reference px of the left or right edge.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent.config import load_config  # noqa: E402
from detector.data import load_items, read_image  # noqa: E402
from detector.engine import Detector  # noqa: E402
from detector.zoom import corner_boxes, zoom_square  # noqa: E402


def best(dets, box) -> float:
    return max([d.score for d in dets if d.label == "close" and d.box.iou(box) >= 0.4] or [0.0])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", type=Path, required=True)
    ap.add_argument("--data", type=Path, action="append", required=True)
    ap.add_argument("--limit", type=int, default=400)
    ap.add_argument("--look", choices=("corners", "strips"), default="corners")
    args = ap.parse_args()
    if args.look == "strips":
        return strips(args)
    cfg = load_config(args.config)
    det = Detector.load(Path(cfg.detector.weights), cfg.detector.inference, None)
    rows: dict[str, list[tuple[float, float]]] = {"left": [], "right": []}
    for root in args.data:
        for it in load_items([root], "val")[: args.limit]:
            closes = [g.box for g in it.objects if g.label == "close"]
            if not closes:
                continue
            image = read_image(it.image_path)
            h, w = image.shape[:2]
            for i, corner in enumerate(corner_boxes(w, h, cfg.detector.inference.zoom)):
                sq = zoom_square(corner, w, h, det.cfg.zoom.context)
                inside = [
                    b for b in closes if sq.x <= b.x1 and b.x2 <= sq.x + sq.w and sq.y <= b.y1 and b.y2 <= sq.y + sq.h
                ]
                if not inside:
                    continue
                plain = det.look_closer(image, [corner], verify=False)
                flipped = det.look_closer(image, [corner], verify=False, mirror=[True])
                for b in inside:
                    rows["right" if i % 2 else "left"].append((best(plain, b), best(flipped, b)))
    report(rows, "corners")
    return 0


def report(rows: dict[str, list[tuple[float, float]]], where: str) -> None:
    for side, pairs in rows.items():
        a = np.array(pairs)
        if not len(a):
            continue
        d = a[:, 1] - a[:, 0]
        print(
            f"{side} {where}: {len(a)} closes; mean score as is {a[:, 0].mean():.3f}, mirrored {a[:, 1].mean():.3f};"
            f" mirrored higher on {(d > 0.01).sum()}, lower on {(d < -0.01).sum()};"
            f" >= 0.9 as is {(a[:, 0] >= 0.9).sum()}, mirrored {(a[:, 1] >= 0.9).sum()},"
            f" either {(a.max(1) >= 0.9).sum()}"
        )


def strips(args: argparse.Namespace) -> int:
    """``--look strips``: the whole-screen pass (the strips, as the engine cuts them) as it is and on the screen
    mirrored, for every labelled close within 300 reference px of the screen's left or right edge."""
    cfg = load_config(args.config)
    det = Detector.load(Path(cfg.detector.weights), cfg.detector.inference, None)
    rows: dict[str, list[tuple[float, float]]] = {"left": [], "right": []}
    for root in args.data:
        for it in load_items([root], "val")[: args.limit]:
            image = read_image(it.image_path)
            h, w = image.shape[:2]
            edge = 300 * min(w, h) / 1080
            closes = [g.box for g in it.objects if g.label == "close" and (g.box.x1 < edge or g.box.x2 > w - edge)]
            if not closes:
                continue
            plain = det.detect_in(image, det.plan(w, h))
            seen = det.detect_in(np.ascontiguousarray(image[:, ::-1]), det.plan(w, h))
            flipped = [replace(d, box=d.box.mirrored(w)) for d in seen]
            for b in closes:
                rows["left" if b.x1 < edge else "right"].append((best(plain, b), best(flipped, b)))
    report(rows, "edge")
    return 0


if __name__ == "__main__":
    sys.exit(main())
