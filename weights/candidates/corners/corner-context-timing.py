"""Time the corner look with smaller corner squares at the same magnification (corner-context.txt).

Needs corner-context.patch applied to commit 9f27a05 (it adds ``zoom.corner_context``; the knob was not kept),
in a checkout of that commit:
  git apply weights/candidates/corners/corner-context.patch
  python3 weights/candidates/corners/corner-context-timing.py
The first 60 synth3 val screens, the three settings in turn on each frame, one process; the shipped config otherwise.
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from agent.config import load_config  # noqa: E402
from detector.data import load_items, read_image  # noqa: E402
from detector.engine import Detector  # noqa: E402

CONTEXTS = (4.0, 3.5, 3.0)


def main() -> None:
    cfg = load_config(None)
    inf = cfg.detector.inference
    dets = {
        c: Detector.load(
            Path(cfg.detector.weights),
            replace(inf, zoom=replace(inf.zoom, corner_context=c)),
            cfg.detector.verifier.load(None),
        )
        for c in CONTEXTS
    }
    imgs = [read_image(i.image_path) for i in load_items([Path("data/synth3")], "val")[:60]]
    for d in dets.values():
        d.detect(imgs[0])  # warm-up
    total: dict[float, list[float]] = {c: [] for c in CONTEXTS}
    zoom: dict[float, list[float]] = {c: [] for c in CONTEXTS}
    crops: dict[float, list[int]] = {c: [] for c in CONTEXTS}
    for img in imgs:
        for c, d in dets.items():
            t = time.perf_counter()
            r = d.detect(img)
            total[c].append((time.perf_counter() - t) * 1000)
            zoom[c].append(r.timings.zoom_ms)
            crops[c].append(r.timings.zoom_crops)
    for c in CONTEXTS:
        print(
            c,
            f"median {statistics.median(total[c]):.1f} mean {statistics.mean(total[c]):.1f}",
            f"crops {statistics.mean(crops[c]):.2f} zoom ms {statistics.mean(zoom[c]):.1f}",
        )


if __name__ == "__main__":
    main()
