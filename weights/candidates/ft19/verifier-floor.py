"""A floor on the verifier's own probability, judged offline: every close/skip candidate whose verifier probability
(its pair score squared over its network score, read from judge-policy.py's `--verifier none` cache of the same
config) is under FLOOR is dropped, then the screens are judged at close thresholds 0.6 and 0.65.

Usage: python weights/candidates/ft19/verifier-floor.py [CONFIG|-] 0,0.3,0.4,0.5,0.6
Needs `scripts/judge-policy.py` run on the six gate sets with CONFIG, as it is and with `--verifier none`.
Closer-look candidates (not in the network-only cache) are kept and counted as unmatched.
"""

import dataclasses
import sys
from pathlib import Path

root = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(root))
from agent import judgecache as jp  # noqa: E402
from agent.config import load_config  # noqa: E402
from detector.data import load_items  # noqa: E402
from detector.promote import judged  # noqa: E402

conf = Path(sys.argv[1]) if sys.argv[1] != "-" else None
roots = [Path("data") / r for r in ["synth3", "webeval", "synth4", "synth5", "synth9", "webeval8"]]
sets = {r: load_items([r], "val")[:400] for r in roots}
withv = jp.cached_detections(conf, sets, 400, Path("runs/policy"))
nov = jp.cached_detections(conf, sets, 400, Path("runs/policy"), "none")
policy = load_config(conf).policy
for floor in [float(x) for x in sys.argv[2].split(",")]:
    for ct in (0.6, 0.65):
        pol = dataclasses.replace(policy, close_threshold=ct)
        cols, right, false, unmatched = [], 0, 0, 0
        for r in roots:
            kept = []
            for dv, dn in zip(withv[r], nov[r], strict=True):
                ssd = {(d.label, d.box): d.score for d in dn}
                out = []
                for d in dv:
                    if d.label in ("close", "skip") and (d.label, d.box) in ssd:
                        if d.score**2 / max(ssd[(d.label, d.box)], 1e-9) < floor:
                            continue
                    elif d.label in ("close", "skip"):
                        unmatched += 1
                    out.append(d)
                kept.append(out)
            c = judged(r.name, sets[r], kept, pol)  # promote.set_score until d57f682: the same counts
            cols.append(f"{r.name} {c.hits}/{c.false_taps}")
            right += c.hits
            false += c.false_taps
        print(f"floor {floor} close {ct}: {right} / {false} | " + "  ".join(cols), f"(unmatched {unmatched})")
