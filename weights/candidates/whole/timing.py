"""Probe: a frame's time with the shipped 4 strips (tile_size 720) and with the whole screen as one strip (2400), each
Detector timed on 25 of synth3's 1080x2400 val screens, three rounds, the two in turn (judge.txt has the numbers):

    python3 weights/candidates/whole/timing.py C      (C = config.yaml with absolute weight paths)
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from agent.config import load_config  # noqa: E402
from detector.data import load_items, read_image  # noqa: E402
from detector.engine import Detector  # noqa: E402


def main() -> int:
    cfg = load_config(Path(sys.argv[1]))
    items = [i for i in load_items([Path("data/synth3")], "val") if (i.width, i.height) == (1080, 2400)][:25]
    images = [read_image(i.image_path) for i in items]
    verifier = cfg.detector.verifier.load()
    dets = {
        size: Detector.load(
            Path(cfg.detector.weights), dataclasses.replace(cfg.detector.inference, tile_size=size), verifier
        )
        for size in (720, 2400)
    }
    for _ in range(3):
        for size, det in dets.items():
            for image in images[:3]:
                det.detect(image)
            total, network = [], []
            for image in images:
                t0 = time.perf_counter()
                r = det.detect(image)
                total.append((time.perf_counter() - t0) * 1000)
                network.append(r.timings.model_ms)
            print(
                f"{size}: {r.timings.tiles} tiles, median {np.median(total):.1f} ms, network {np.median(network):.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
