"""Each close drawn or typed on a plate (not an icon, not a pill, not bare) in data/synth9 and in the same screens with
the mark filling its plate (`probe-sets.py`): the best close score on its box (IoU >= 0.5), the shipped pair, side by
side; and the tap decision on those screens.

Usage: python3 weights/candidates/raisedx/probe.py PLAIN FULL [CONFIG]
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


def plated_mark(style: str | None) -> bool:
    if not style or "/glyph_" in style or "pill" in style:
        return False
    scheme = style.split("/")[0]
    return not scheme.endswith("_bare") and ("/proc" in style or "/char" in style)


def main() -> int:
    plain, full = Path(sys.argv[1]), Path(sys.argv[2])
    cfg = load_config(Path(sys.argv[3]) if len(sys.argv) > 3 else None)
    det = Detector.load(cfg.detector.weights, cfg.detector.inference, cfg.detector.verifier.load())
    thr = cfg.policy.close_threshold
    pairs: list[tuple[float, float, str]] = []
    taps = {"plain": [0, 0], "full": [0, 0]}  # right, false
    for xml in sorted((plain / "Annotations").glob("*.xml")):
        name, _, _, objects = read_annotation(xml)
        marks = [o for o in objects if o.label == "close" and plated_mark(o.style)]
        if not marks:
            continue
        best = {}
        for tag, root in (("plain", plain), ("full", full)):
            objs = read_annotation(root / "Annotations" / xml.name)[3]
            res = det.detect(load_rgb(root / "JPEGImages" / name))
            best[tag] = [
                max((d.score for d in res.detections if d.label == "close" and d.box.iou(o.box) >= 0.5), default=0.0)
                for o in objs
                if o.label == "close" and plated_mark(o.style)
            ]
            tap = decide(res.detections, cfg.policy)
            closes = [o for o in objs if o.label == "close"]
            if tap is not None:
                inside = any(o.box.contains(tap.x, tap.y) for o in closes)
                taps[tag][0 if inside else 1] += 1
        pairs += [(a, b, o.style) for a, b, o in zip(best["plain"], best["full"], marks, strict=True)]
    for a, b, s in pairs:
        print(f"{a:.2f} -> {b:.2f}  {s}")
    a_s, b_s = [p[0] for p in pairs], [p[1] for p in pairs]
    print(
        f"{len(pairs)} plated marks: median {statistics.median(a_s):.2f} -> {statistics.median(b_s):.2f}; "
        f"at the close threshold ({thr}) {sum(s >= thr for s in a_s)} -> {sum(s >= thr for s in b_s)}"
    )
    print(f"their screens' taps (right / false): plain {taps['plain']}, full {taps['full']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
