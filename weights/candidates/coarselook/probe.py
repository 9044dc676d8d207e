"""Probe: the coarse pass (weights/candidates/coarse/probe.py) only on frames that still have no sure target after
every other look: no close at ``zoom.accept`` (as the corner look waits for; the first version, ``--gate close``) or
no close and no skip there (``zoom.coarse`` as shipped, the default). Reads the coarse pass's saved detections (run
coarse/probe.py first) and judge-policy.py's cached detections of C, which must be the code before the coarse look
(``coarse: 0``); judges each screen again with C's policy.

    python3 weights/candidates/coarselook/probe.py --config C0 --data data/synth7 ... [--factor 0.7] [--gate close]"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent import judgecache as jp  # noqa: E402
from detector.promote import Comparison, judged  # noqa: E402
from detector.tiling import merge_detections  # noqa: E402
from detector.zoom import coarse_blocked, corners_blocked  # noqa: E402


def main() -> int:
    ap = jp.probe_arguments(__doc__.split("\n\n")[0])
    ap.add_argument("--factor", type=float, default=0.7)
    ap.add_argument("--save", type=Path, default=Path("runs/coarse"))
    ap.add_argument("--gate", choices=("close", "target"), default="target")
    args = ap.parse_args()
    cfg, sets, cached = jp.cached_sets(args)
    zoom = cfg.detector.inference.zoom
    blocked = corners_blocked if args.gate == "close" else coarse_blocked
    extra = {r: pickle.loads((args.save / f"{r.name}-{args.factor:g}-{args.limit}.pkl").read_bytes()) for r in sets}
    before = {r: judged(r.name, items, cached[r], cfg.policy) for r, items in sets.items()}
    frames = sum(len(items) for items in sets.values())
    for gated in (False, True):
        for accept in (0.8, 0.9, 0.95):
            rows, looked = [], 0
            for r, items in sets.items():
                joined = []
                for dets, ex in zip(cached[r], extra[r], strict=True):
                    if gated and blocked(dets, zoom):
                        joined.append(dets)
                        continue
                    looked += 1
                    add = [d for d in ex if d.score >= accept]
                    joined.append(merge_detections(dets + add, 0.5) if add else dets)
                rows.append((before[r], judged(r.name, items, joined, cfg.policy)))
                if accept == 0.9 and gated:
                    for it, a, b in zip(items, rows[-1][0].kinds, rows[-1][1].kinds, strict=True):
                        if a != b:
                            print(f"  {r.name} {it.image_id}: {a} -> {b}")
            cols = "  ".join(f"{new.name} {new.hits}/{new.false_taps}" for _, new in rows)
            what = "gated " if gated else "always"
            print(f"{what} accept {accept:.2f} ({looked}/{frames} frames): {Comparison(tuple(rows)).change} | {cols}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
