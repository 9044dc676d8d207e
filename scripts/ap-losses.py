"""Where a class's AP@0.5 is lost: the boxes no detection finds, and the false positives ranked among the true ones.

Usage: python3 scripts/ap-losses.py --data data/synth3 [--data DIR ...] [--config FILE] [--limit 400]
  [--label close|skip ...] [--save DIR]

Runs the detector as `closebot eval` does (the daemon's detections plus the boxes under min_score down to
AP_MIN_SCORE, one pass) on each set's first --limit val screens and prints, per set:
- AP@0.5 as `closebot eval` reports it, and the recall ceiling: the share of labelled boxes that any detection of the
  class matches at IoU >= 0.5 (AP can be no higher);
- the labelled boxes by the best score of a detection matching them (none, < 0.3, 0.3 to the tap threshold, at it);
- the false positives scoring 0.3 or more by where their centre lies: inside a labelled box of the class (a second,
  wrongly sized box of a button found, or the x of a plate labelled whole), inside the other target class's box, on
  Japanese text, elsewhere; and the AP with the first kind left out (what boxes of the right size would give).
--save DIR keeps each set's detections (pickle of items, detections, below) for further probes.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.config import load_config  # noqa: E402
from detector.data import load_items  # noqa: E402
from detector.engine import Detector  # noqa: E402
from detector.evaluate import average_precision, detect_for_eval, match, on_text  # noqa: E402
from policies.decide import class_threshold  # noqa: E402

KINDS = ("in_own_box", "in_other_target", "on_text", "elsewhere")


def where(det, objects, label: str) -> str:
    """Which of KINDS a false positive of ``label`` is, by its centre (text: ``evaluate.on_text``, as eval counts)."""
    cx, cy = det.box.center
    other = "skip" if label == "close" else "close"
    if any(g.label == label and g.box.contains(cx, cy) for g in objects):
        return "in_own_box"
    if any(g.label == other and g.box.contains(cx, cy) for g in objects):
        return "in_other_target"
    if on_text(det.box, [g.box for g in objects if g.label == "ja_char"]):
        return "on_text"
    return "elsewhere"


def losses(items, dets, below, label: str, threshold: float) -> dict:
    scored, kept, kinds, best = [], [], Counter(), []
    n_gt = 0
    for item, d, b in zip(items, dets, below, strict=True):
        boxes = d + b
        pairs = match(boxes, item.objects, label)
        ranked = sorted((x for x in boxes if x.label == label), key=lambda x: -x.score)
        scored += pairs
        for det, (s, ok) in zip(ranked, pairs, strict=True):
            kind = None if ok else where(det, item.objects, label)
            if kind and s >= 0.3:
                kinds[kind] += 1
            if kind != "in_own_box":
                kept.append((s, ok))
        for g in item.objects:
            if g.label == label:
                n_gt += 1
                best.append(max((x.score for x in ranked if x.box.iou(g.box) >= 0.5), default=0.0))
    n = max(1, len(best))
    return {
        "n": n_gt,
        "ap": average_precision(scored, n_gt),
        "ap_without_in_own_box": average_precision(kept, n_gt),
        "ceiling": sum(s > 0 for s in best) / n,
        "best": {
            "none": sum(s == 0 for s in best) / n,
            "<0.3": sum(0 < s < 0.3 for s in best) / n,
            f"0.3-{threshold:g}": sum(0.3 <= s < threshold for s in best) / n,
            f">={threshold:g}": sum(s >= threshold for s in best) / n,
        },
        "false_positives": {k: kinds[k] for k in KINDS},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, action="append", required=True)
    ap.add_argument("--config", type=Path)
    ap.add_argument("--limit", type=int, default=400)
    ap.add_argument("--label", choices=("close", "skip"), action="append", help="repeatable; default: both")
    ap.add_argument("--save", type=Path)
    args = ap.parse_args()
    cfg = load_config(args.config)
    det = Detector.load(
        Path(cfg.detector.weights), cfg.detector.inference, cfg.detector.verifier.load(), cfg.detector.speaker.load()
    )
    for root in args.data:
        items = load_items([root], "val")[: args.limit]
        dets, below = detect_for_eval(det, items)
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"{root.name}.pkl").write_bytes(pickle.dumps((items, dets, below)))
        for label in args.label or ("close", "skip"):
            r = losses(items, dets, below, label, class_threshold(label, cfg.policy))
            print(
                f"{root.name}: {label} AP {r['ap']:.4f} ({r['n']} boxes), recall ceiling {r['ceiling']:.3f}; "
                "best score " + ", ".join(f"{k} {v:.3f}" for k, v in r["best"].items())
            )
            print(
                "  false positives >= 0.3: "
                + ", ".join(f"{k} {v}" for k, v in r["false_positives"].items())
                + f"; AP without those in their own class's box {r['ap_without_in_own_box']:.4f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
