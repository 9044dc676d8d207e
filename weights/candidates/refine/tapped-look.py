"""Probe: what a refining look (the shipped network alone, magnified) sees on the box each screen taps.

For every screen of the sets the shipped pair taps, the tapped detection's box gets the closer look at contexts 2.5
and 4 (no verifier), and the best zoomed ja_char and same-class scores on it (IoU >= 0.4) are recorded; the summary
says how many right and how many false taps a veto at each bar would stop (docs/experiments.md, "Boxes refined by a
closer look"). DIR is what `scripts/ap-losses.py --save DIR` kept with config C (the refinement on):

    python3 weights/candidates/refine/tapped-look.py DIR C synth3 webeval synth4 synth5 synth9 webeval8
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent.config import load_config  # noqa: E402
from detector.engine import Detector  # noqa: E402
from detector.evaluate import judge  # noqa: E402
from detector.images import load_rgb  # noqa: E402

CONTEXTS = (2.5, 4.0)


def main() -> int:
    saved, config, names = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
    cfg = load_config(config)
    det = Detector.load(Path(cfg.detector.weights), cfg.detector.inference, cfg.detector.verifier.load())
    rows = []  # (set, screen, outcome, label, score, context, zoomed ja_char, zoomed same class)
    for name in names:
        items, dets, _ = pickle.loads((saved / f"{name}.pkl").read_bytes())
        for item, d in zip(items, dets, strict=True):
            o = judge(item, d, cfg.policy)
            if o.tap is None:
                continue
            box = o.tap.box
            image = load_rgb(item.image_path)
            for ctx in CONTEXTS:
                z = [y for y in det.look_closer(image, [box], ctx, verify=False) if y.box.iou(box) >= 0.4]
                ja = max((y.score for y in z if y.label == "ja_char"), default=0.0)
                same = max((y.score for y in z if y.label == o.tap.label), default=0.0)
                tap = (name, item.image_id, o.kind, o.tap.label, round(o.tap.score, 3))
                rows.append((*tap, ctx, round(ja, 3), round(same, 3)))
    for ctx in CONTEXTS:
        r = [x for x in rows if x[5] == ctx]
        right, wrong = [x for x in r if x[2] == "hit"], [x for x in r if x[2] != "hit"]
        print(f"context {ctx}: {len(r)} taps ({len(right)} right, {len(wrong)} false)")
        for bar in (0.1, 0.2, 0.3, 0.5, 0.7):
            stop = sum(x[6] >= bar for x in right), sum(x[6] >= bar for x in wrong)
            print(f"  a zoomed ja_char on the tapped box >= {bar} would stop {stop[0]} right taps, {stop[1]} false")
        for bar in (0.1, 0.3, 0.5):
            stop = sum(x[7] < bar for x in right), sum(x[7] < bar for x in wrong)
            print(f"  its own class zoomed < {bar} would stop {stop[0]} right taps, {stop[1]} false")
        print("  the false taps (set, screen, outcome, label, score, context, zoomed ja_char, zoomed same class):")
        for x in wrong:
            print(f"    {x}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
