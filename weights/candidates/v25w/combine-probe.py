"""Offline proxy: re-judge a pair's cached detections with a second verifier's probability combined into the scores.

Usage (from the repository root, after `python scripts/judge-policy.py --config CONFIG` on the gate's five sets):
  python weights/candidates/v25w/combine-probe.py CONFIG OTHER_VERIFIER [PROBS_CACHE]
  TH=0.5,0.55,0.6 ... sweeps the close threshold; SHORT=1.6 ... combines on boxes under 1.6:1 only (the others keep
  their score).
A cached close/skip score is sqrt(ssd x p) with p the config's verifier's probability, so ssd = score^2 / p (recomputed
here; a box raised by the closer look is treated the same, which is why this is a proxy), and the new score is
sqrt(ssd x combine(p, q)), q the other verifier's probability. Boxes under 0.3 are left as they are. The first row
("v21": the score unchanged) must reproduce judge-policy.py's counts; rows print right / wrong taps (false taps and
taps on the wrong button) per set and in all.
"""

import os
import pickle
import sys
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
from agent import judgecache as jp  # noqa: E402
from agent.config import load_config  # noqa: E402
from detector.data import load_items  # noqa: E402
from detector.evaluate import judge  # noqa: E402
from detector.verifier import VERIFIER_CLASSES, Verifier  # noqa: E402

SETS = ("synth3", "webeval", "synth4", "synth5", "synth9")
COMBINE = {
    "v21": lambda a, b: a,
    "mean": lambda a, b: (a + b) / 2,
    "mean 3:1": lambda a, b: (3 * a + b) / 4,
    "geo": lambda a, b: np.sqrt(a * b),
    "geo 3:1": lambda a, b: a**0.75 * b**0.25,
    "min(a, 2b)": lambda a, b: np.minimum(a, 2 * b),
    "min(a, 3b)": lambda a, b: np.minimum(a, 3 * b),
    "a if b>.1": lambda a, b: np.where(b > 0.1, a, a * b / 0.1),
}


def probabilities(config: Path, other: Verifier) -> list:
    own = Verifier.load(load_config(config).detector.verifier_weights())
    sets = {Path("data") / name: load_items([Path("data") / name], "val")[:400] for name in SETS}
    data = []
    for root, dets in jp.cached_detections(config, sets, 400, Path("runs/policy")).items():
        for it, d in zip(sets[root], dets, strict=True):
            idx = [i for i, x in enumerate(d) if x.label in ("close", "skip") and x.score >= 0.3]
            p = q = np.zeros((0, 3))
            if idx:
                img = cv2.cvtColor(cv2.imread(str(it.image_path)), cv2.COLOR_BGR2RGB)
                boxes = [d[i].box for i in idx]
                p, q = own.box_probabilities(img, boxes), other.box_probabilities(img, boxes)
            data.append((root.name, it, d, idx, p, q))
    return data


def main() -> None:
    config, other = Path(sys.argv[1]), Path(sys.argv[2])
    cfg = load_config(config)
    cache = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    if cache and cache.exists():
        data = pickle.loads(cache.read_bytes())
    else:
        data = probabilities(config, Verifier.load(other))
        if cache:
            cache.write_bytes(pickle.dumps(data))
    short_only = float(os.environ.get("SHORT", "0"))  # combine on boxes under this aspect only (0: all)
    for name, f in COMBINE.items():
        for t in [float(x) for x in os.environ.get("TH", "0.6").split(",")]:
            policy = replace(cfg.policy, close_threshold=t)
            per: dict[str, list[int]] = {s: [0, 0] for s in SETS}
            for root, it, d, idx, p, q in data:
                d = list(d)
                for k, i in enumerate(idx):
                    if short_only and d[i].box.aspect >= short_only:
                        continue
                    c = VERIFIER_CLASSES.index(d[i].label)
                    a = max(p[k, c], 1e-6)
                    d[i] = replace(d[i], score=float(np.sqrt(min(1.0, d[i].score ** 2 / a) * f(a, q[k, c]))))
                kind = judge(it, d, policy).kind
                per[root][0] += kind == "hit"
                per[root][1] += kind in ("false_tap", "wrong_button")
            right, wrong = sum(v[0] for v in per.values()), sum(v[1] for v in per.values())
            cols = "  ".join(f"{s} {h}/{w}" for s, (h, w) in per.items())
            print(f"{name:11s} {t:.2f}  {right} / {wrong} | {cols}")


if __name__ == "__main__":
    main()
