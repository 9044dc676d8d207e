"""The probe that chose the refinement's settings (docs/experiments.md, "Boxes refined by a closer look").

Reads the detections `scripts/ap-losses.py --save DIR` kept with the refinement off (a config with
`detector.inference.zoom.refine: 0`), refines the best K close/skip boxes of each screen with a magnified look of the
shipped network, as `detector.zoom.refine` does, and prints close and skip AP@0.5 before and after:

    python3 weights/candidates/refine/probe.py --saved DIR --set synth7 --set synth8 --context 2.5 --weight 0.5

The config (default config.yaml) gives the weights; its refine settings are not used, the options are.
"""

from __future__ import annotations

import argparse
import dataclasses
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent.config import load_config  # noqa: E402
from detector.engine import Detector  # noqa: E402
from detector.evaluate import average_precision, match  # noqa: E402
from detector.images import load_rgb  # noqa: E402
from detector.zoom import refine, refine_targets  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--saved", type=Path, required=True, help="the directory of ap-losses.py --save")
    ap.add_argument("--set", action="append", required=True, help="a set's name (its DIR/NAME.pkl)")
    ap.add_argument("--config", type=Path, default=ROOT / "config.yaml")
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--min-score", type=float, default=0.3)
    ap.add_argument("--weight", type=float, default=0.5)
    ap.add_argument("--context", type=float, default=2.5)
    ap.add_argument("--verify", action="store_true", help="the verifier scores the zoomed boxes too")
    args = ap.parse_args()
    cfg = load_config(args.config)
    det = Detector.load(Path(cfg.detector.weights), cfg.detector.inference, cfg.detector.verifier.load())
    zoom = dataclasses.replace(
        det.cfg.zoom, refine=args.k, refine_min=args.min_score, refine_weight=args.weight, refine_context=args.context
    )
    for name in args.set:
        items, dets, below = pickle.loads((args.saved / f"{name}.pkl").read_bytes())
        before, after, spent, looks = [], [], 0.0, 0
        for item, d, b in zip(items, dets, below, strict=True):
            targets = refine_targets(d, zoom)
            refined = d
            if targets:
                image = load_rgb(item.image_path)
                t0 = time.perf_counter()
                zoomed = det.look_closer(image, [t.box for t in targets], args.context, verify=args.verify)
                spent += time.perf_counter() - t0
                looks += 1
                refined = refine(d, targets, zoomed, zoom, det.cfg.nms_iou)
            before.append(d + b)
            after.append(refined + b)
        row = []
        for label in ("close", "skip"):
            n = sum(g.label == label for item in items for g in item.objects)
            aps = [
                average_precision([m for it, x in zip(items, xs, strict=True) for m in match(x, it.objects, label)], n)
                for xs in (before, after)
            ]
            row.append(f"{label} AP {aps[0]:.4f} -> {aps[1]:.4f}")
        print(f"{name}: " + ", ".join(row) + f"; {looks} screens looked at, {1000 * spent / max(looks, 1):.1f} ms each")
    return 0


if __name__ == "__main__":
    sys.exit(main())
