"""Probe: the frame resized for the strips by INTER_LINEAR (1 ms) instead of INTER_AREA (8 ms, what training does;
resize.py): ``detector.engine.SHRINK`` set to it (the closer looks' crops and the verifier's resize as shipped), the
val screens of each set detected again and judged against judge-policy.py's cached detections of C, screen by screen
(detector.evaluate.tap_change):

    python3 weights/candidates/speed/linear.py --config C --data data/synth7 ...
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

import detector.engine as engine  # noqa: E402
from agent import judgecache as jp  # noqa: E402
from detector.engine import Detector  # noqa: E402


def main() -> int:
    args = jp.probe_arguments(__doc__.split("\n\n")[0]).parse_args()
    cfg, sets, cached = jp.cached_sets(args)
    engine.SHRINK = cv2.INTER_LINEAR  # the strips' frame only: the closer looks' crops resize as they did
    det = Detector.load(Path(cfg.detector.weights), cfg.detector.inference, cfg.detector.verifier.load())
    change, cols, _ = jp.detected_against(det, cfg, sets, cached)
    print(f"INTER_LINEAR for the strips: {change} | " + "  ".join(cols))
    return 0


if __name__ == "__main__":
    sys.exit(main())
