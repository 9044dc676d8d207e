"""Whether the shipped pair already takes the generator's condensed marks (`closebot synth --condensed-x`) for closes:
the best close score (IoU >= 0.5) on each close whose style says ``_condensed`` among the first 400 training screens
of data/condx, up to 40 closes.

Usage: python3 weights/candidates/condensedx/synthetic-check.py [CONFIG]   (default config.yaml)
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


def main() -> int:
    cfg = load_config(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    det = Detector.load(cfg.detector.weights, cfg.detector.inference, cfg.detector.verifier.load())
    scores: list[float] = []
    for xml in sorted(Path("data/condx/Annotations").glob("train_*.xml"))[:400]:
        name, _, _, objects = read_annotation(xml)
        condensed = [o for o in objects if o.label == "close" and o.style and "condensed" in o.style]
        if not condensed:
            continue
        found = det.detect(load_rgb(Path("data/condx/JPEGImages") / name)).detections
        for o in condensed:
            scores.append(max((d.score for d in found if d.label == "close" and d.box.iou(o.box) >= 0.5), default=0.0))
        if len(scores) >= 40:
            break
    print(
        f"{len(scores)} condensed closes: median score {statistics.median(scores):.2f}, "
        f"at the close threshold ({cfg.policy.close_threshold}) {sum(s >= cfg.policy.close_threshold for s in scores)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
