"""Probe: what the coarse pass of probe.py costs, on 25 of synth3's 1080x2400 val screens: per frame the shipped
Detector.detect and then probe.coarse at factor 0.7 (the network on the whole screen at 0.7 x the strips' scale and
the verifier on its close/skip boxes), two rounds:

    python3 weights/candidates/coarse/timing.py C      (C = config.yaml with absolute weight paths)
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent.config import load_config  # noqa: E402
from detector.data import load_items, read_image  # noqa: E402
from detector.engine import Detector  # noqa: E402

_spec = importlib.util.spec_from_file_location("coarse_probe", Path(__file__).with_name("probe.py"))
probe = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(probe)


def main() -> int:
    cfg = load_config(Path(sys.argv[1]))
    det = Detector.load(Path(cfg.detector.weights), cfg.detector.inference, cfg.detector.verifier.load())
    items = [i for i in load_items([Path("data/synth3")], "val") if (i.width, i.height) == (1080, 2400)][:25]
    images = [read_image(i.image_path) for i in items]
    for image in images[:3]:
        probe.coarse(det, image, 0.7)
        det.detect(image)
    for _ in range(2):
        whole, extra, boxes = [], [], []
        for image in images:
            t0 = time.perf_counter()
            det.detect(image)
            whole.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            boxes.append(len(probe.coarse(det, image, 0.7)))
            extra.append((time.perf_counter() - t0) * 1000)
        print(
            f"detect median {np.median(whole):.1f} ms; coarse pass median {np.median(extra):.1f}, "
            f"mean {np.mean(extra):.1f} ms, {np.mean(boxes):.1f} verified boxes a frame"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
