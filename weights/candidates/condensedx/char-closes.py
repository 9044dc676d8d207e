"""The browser sets' closes drawn as a letter ("X", "x") in a font, by font: how many the shipped pair missed, and
for each miss the best close score on the label from the network alone (no verifier, no closer look) and from the
shipped pair (boxes down to 0.01, IoU > 0.1 with the label; "score@IoU").

Usage: python3 weights/candidates/condensedx/char-closes.py [CONFIG]   (CONFIG: the pair to look with, default
config.yaml; the misses are the shipped pair's, from the reports)
Reads the pages under data/webeval*/html (the close element's character and font) and the failures of the
shipped pair's `closebot eval` reports in weights/eval-web.json, eval-web8.json, eval-web9.json, eval-web10.json.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from agent.config import load_config  # noqa: E402
from detector.engine import Detector  # noqa: E402
from detector.images import load_rgb  # noqa: E402
from detector.voc import read_annotation  # noqa: E402

SETS = {"webeval": "eval-web", "webeval8": "eval-web8", "webeval9": "eval-web9", "webeval10": "eval-web10"}
CLOSE = re.compile(r'data-label="close"([^>]*)>(.)')


def main() -> int:
    total, missed, misses = Counter(), Counter(), []
    for name, report in SETS.items():
        failed = {Path(f["image"]).stem for f in json.loads(Path(f"weights/{report}.json").read_text())["failures"]}
        for page in sorted(Path(f"data/{name}/html").glob("*.html")):
            m = CLOSE.search(page.read_text())
            if not m or "data-ink" in m.group(1) or "inline-block" not in m.group(1) or m.group(2) not in "Xx":
                continue
            font = re.search(r"px ([^;]*);", m.group(1)).group(1)
            total[(m.group(2), font)] += 1
            if page.stem in failed:
                missed[(m.group(2), font)] += 1
                misses.append((name, page.stem))
    for key in sorted(total):
        print(f"{key[0]} in {key[1]}: {total[key]} closes, {missed[key]} missed")
    cfg = load_config(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    inf = cfg.detector.inference
    alone = dataclasses.replace(inf, zoom=dataclasses.replace(inf.zoom, enabled=False))
    detectors = {
        "network": Detector.load(cfg.detector.weights, alone, None),
        "pair": Detector.load(cfg.detector.weights, inf, cfg.detector.verifier.load()),
    }
    for name, iid in misses:
        gt = next(o.box for o in read_annotation(Path(f"data/{name}/Annotations/{iid}.xml"))[3] if o.label == "close")
        image = load_rgb(Path(f"data/{name}/JPEGImages/{iid}.png"))
        row = [iid, f"label {gt.width:.0f} px"]
        for what, det in detectors.items():
            r = det.detect(image, ap_floor=0.01)
            boxes = [d for d in r.detections + r.below if d.label == "close"]
            on = [(d.score, d.box.iou(gt)) for d in boxes if d.box.iou(gt) > 0.1]
            score, iou = max(on, default=(0.0, 0.0))
            row.append(f"{what} {score:.2f}@{iou:.2f}")
        print("  " + ", ".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
