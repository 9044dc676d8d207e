"""Probe: would a second, magnified look at the box a frame taps (the closer look's square around it, the network
with and without the verifier) tell the wrong taps from the right ones? Reads the detections that
`scripts/ap-losses.py --save DIR` kept, judges each screen with the config's policy and looks again at every tap.

Usage: python3 weights/candidates/aplosses/confirm-look.py DIR [SET ...]   (run from the project root)
Prints, per tapped class, the wrong taps with their second-look scores and, for thresholds on the second look, how
many right taps it would lose against how many wrong ones it would stop.
"""

import pickle
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from agent.config import load_config  # noqa: E402
from detector.engine import Detector  # noqa: E402
from detector.evaluate import judge  # noqa: E402
from detector.images import load_rgb  # noqa: E402

saved = Path(sys.argv[1])
sets = sys.argv[2:] or ["synth3", "synth4", "synth5", "synth9", "webeval", "webeval8"]
cfg = load_config(None)
inf = cfg.detector.inference
looks = {
    "verified": Detector.load(Path(cfg.detector.weights), inf, cfg.detector.verifier.load()),
    "network": Detector.load(Path(cfg.detector.weights), inf, None),
}
rows = []
for name in sets:
    items, dets, _ = pickle.loads((saved / f"{name}.pkl").read_bytes())
    for item, ds in zip(items, dets, strict=True):
        o = judge(item, ds, cfg.policy)
        if o.tap is None:
            continue
        image = load_rgb(item.image_path)
        row = {"set": name, "id": item.image_id, "kind": o.kind, "label": o.tap.label, "score": o.tap.score}
        for tag, det in looks.items():  # the same class on the same box (IoU >= 0.4) in the magnified square
            zoomed = det.look_closer(image, [o.tap.box])
            same = [z.score for z in zoomed if z.label == o.tap.label and z.box.iou(o.tap.box) >= 0.4]
            row[tag] = max(same, default=0.0)
        rows.append(row)
for label in ("close", "skip"):
    taps = [r for r in rows if r["label"] == label]
    wrong = [r for r in taps if r["kind"] != "hit"]
    print(f"{label}: {len(taps)} taps, {len(wrong)} wrong")
    for r in wrong:
        print(
            f"  {r['set']} {r['id']} {r['kind']} {r['score']:.2f}: "
            f"verified {r['verified']:.2f}, network {r['network']:.2f}"
        )
    for tag in looks:
        for t in (0.3, 0.5, 0.66, 0.8, 0.9):
            lost = sum(r["kind"] == "hit" and r[tag] < t for r in taps)
            stopped = sum(r[tag] < t for r in wrong)
            print(f"  second look ({tag}) < {t}: right taps lost {lost}, wrong ones stopped {stopped}")
