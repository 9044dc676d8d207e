"""Probe: what one network call costs beyond its pixels. The closer look's candidates and corners each make their own
call on 324-px squares (README "Measured", stage-times.txt); one call for both would save a call's fixed cost on frames
that need both. The shipped network on N squares of 324 model px (random pixels), N = 1..8, median ms of 30 calls:

    python3 weights/candidates/speed/call-cost.py C      (C = config.yaml with absolute weight paths)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from agent.config import load_config  # noqa: E402
from detector.engine import Detector  # noqa: E402


def main() -> int:
    cfg = load_config(Path(sys.argv[1]))
    det = Detector.load(Path(cfg.detector.weights), cfg.detector.inference, cfg.detector.verifier.load())
    rng = np.random.default_rng(0)
    for n in (1, 2, 4, 8):
        batch = rng.integers(0, 256, (n, 324, 324, 3), dtype=np.uint8)
        det.runner(batch)
        times = []
        for _ in range(30):
            t0 = time.perf_counter()
            det.runner(batch)
            times.append((time.perf_counter() - t0) * 1000)
        print(f"{n} squares of 324 px: {np.median(times):.2f} ms ({np.median(times) / n:.2f} a square)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
