"""What another verifier says about the one tap per screen of a pair, from judge-policy.py's cached detections: how
many hits and how many wrong taps (false taps, taps on the wrong button) it scores under a few probabilities, and each
wrong tap's probability. Usage (repository root): python weights/candidates/v25w/tap-probe.py CONFIG OTHER_VERIFIER"""

import sys
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
from agent import judgecache as jp  # noqa: E402
from agent.config import load_config  # noqa: E402
from detector.data import load_items  # noqa: E402
from detector.evaluate import judge  # noqa: E402
from detector.verifier import VERIFIER_CLASSES, Verifier  # noqa: E402

SETS = ("synth3", "webeval", "synth4", "synth5", "synth9")
config, wide = Path(sys.argv[1]), Verifier.load(sys.argv[2])
cfg = load_config(config)
sets = {Path("data") / name: load_items([Path("data") / name], "val")[:400] for name in SETS}
rows = []
for root, dets in jp.cached_detections(config, sets, 400, Path("runs/policy")).items():
    items = sets[root]
    for it, d in zip(items, dets, strict=True):
        o = judge(it, d, cfg.policy)
        if o.tap is None:
            continue
        img = cv2.cvtColor(cv2.imread(str(it.image_path)), cv2.COLOR_BGR2RGB)
        p = wide.box_probabilities(img, [o.tap.box])[0]
        rows.append(
            (root.name, it.image_id, o.kind, o.tap.label, o.tap.score, float(p[VERIFIER_CLASSES.index(o.tap.label)]))
        )
good = [r for r in rows if r[2] == "hit"]
bad = [r for r in rows if r[2] != "hit"]
print(f"{len(good)} hits, {len(bad)} wrong taps")
for t in (0.05, 0.1, 0.2, 0.3, 0.5):
    print(f"wide p < {t}: hits {sum(r[5] < t for r in good)}, wrong {sum(r[5] < t for r in bad)}")
for r in sorted(bad, key=lambda r: r[5]):
    print("  ", r[0], r[1], r[2], r[3], f"{r[4]:.2f} wide {r[5]:.3f}")
