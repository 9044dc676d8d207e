"""Probe: what a verifier call costs by its crops: square boxes (50 px), long ones (150 x 50, the squeezed window)
and half of each, N = 1..16 crops on a synth3 val screen, median ms of 30 calls (call-cost.py does the network):

    python3 weights/candidates/speed/verifier-cost.py C      (C = config.yaml with absolute weight paths)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from agent.config import load_config  # noqa: E402
from detector.data import load_items, read_image  # noqa: E402
from detector.types import Box  # noqa: E402


def main() -> int:
    cfg = load_config(Path(sys.argv[1]))
    verifier = cfg.detector.verifier.load().on_runtime("onnxruntime", 2)
    image = read_image(load_items([Path("data/synth3")], "val")[0].image_path)
    for n in (1, 2, 4, 8, 16):
        square = [Box(100 + 50 * i, 300, 150 + 50 * i, 350) for i in range(n)]
        long = [Box(100 + 50 * i, 300, 250 + 50 * i, 350) for i in range(n)]
        for boxes, name in ((square, "square"), (long, "long"), (square[: n // 2 or 1] + long[: n // 2], "mixed")):
            for _ in range(5):
                verifier.box_probabilities(image, boxes)
            times = []
            for _ in range(30):
                t0 = time.perf_counter()
                verifier.box_probabilities(image, boxes)
                times.append((time.perf_counter() - t0) * 1000)
            print(f"{n:2d} {name:6s} {np.median(times):.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
