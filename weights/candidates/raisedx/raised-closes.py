"""The closes `closebot synth --raised-x` set high on a set's screens (style ``_raised``): how many each pair scores at
its close threshold (the best close box at IoU >= 0.5 with the label), and the one tap on those screens.

Usage: python3 weights/candidates/raisedx/raised-closes.py DATA CONFIG [CONFIG ...]
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from agent.config import load_config  # noqa: E402
from detector.engine import Detector  # noqa: E402
from detector.images import load_rgb  # noqa: E402
from detector.voc import read_annotation  # noqa: E402
from policies.decide import decide  # noqa: E402


def main() -> int:
    root = Path(sys.argv[1])
    screens = []
    for xml in sorted((root / "Annotations").glob("*.xml")):
        name, _, _, objects = read_annotation(xml)
        if any(o.label == "close" and o.style and "_raised" in o.style for o in objects):
            screens.append((name, objects))
    for config in sys.argv[2:]:
        cfg = load_config(Path(config))
        det = Detector.load(cfg.detector.weights, cfg.detector.inference, cfg.detector.verifier.load())
        scores, right, wrong = [], 0, 0
        for name, objects in screens:
            found = det.detect(load_rgb(root / "JPEGImages" / name)).detections
            for o in objects:
                if o.label == "close" and o.style and "_raised" in o.style:
                    ious = [d.score for d in found if d.label == "close" and d.box.iou(o.box) >= 0.5]
                    scores.append(max(ious, default=0.0))
            tap = decide(found, cfg.policy)
            if tap is not None:
                hit = any(o.box.contains(tap.x, tap.y) for o in objects if o.label == "close")
                right, wrong = right + hit, wrong + (not hit)
        thr = cfg.policy.close_threshold
        print(
            f"{config}: {len(scores)} raised closes on {len(screens)} screens, "
            f"median {statistics.median(scores):.2f}, at the close threshold ({thr}) {sum(s >= thr for s in scores)}; "
            f"taps inside a close {right}, outside {wrong}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
