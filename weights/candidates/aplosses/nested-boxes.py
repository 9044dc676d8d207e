"""Probe: would demoting (or dropping) a close or skip box that overlaps a better-scored box of its class by most of
the smaller one's area raise AP? Reads the detections `scripts/ap-losses.py --save DIR` kept.

Usage: python3 weights/candidates/aplosses/nested-boxes.py DIR [SET ...]   (run from the project root)
Prints, per mode (the demoted box is the bigger one, the smaller one, either) and factor (1: unchanged, 0: dropped),
close AP / skip AP per set.
"""

import dataclasses
import pickle
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from detector.evaluate import average_precision, match  # noqa: E402

INSIDE = 0.7  # share of the smaller box's area inside the other


def inter(a, b):
    return max(0.0, min(a.x2, b.x2) - max(a.x1, b.x1)) * max(0.0, min(a.y2, b.y2) - max(a.y1, b.y1))


def demote(dets, label, factor, mode):
    ranked = sorted(dets, key=lambda d: -d.score)
    out = []
    for i, d in enumerate(ranked):
        hit = False
        for k in ranked[:i]:
            if d.label != label or k.label != label:
                continue
            nested = inter(k.box, d.box) >= INSIDE * min(k.box.area, d.box.area)
            bigger = d.box.area > k.box.area
            hit |= nested and (mode == "either" or (mode == "bigger") == bigger)
        if hit and factor == 0:
            continue
        out.append(dataclasses.replace(d, score=d.score * factor) if hit else d)
    return out


saved = Path(sys.argv[1])
sets = sys.argv[2:] or ["synth3", "synth4", "synth5", "synth9", "webeval", "webeval8"]
data = {name: pickle.loads((saved / f"{name}.pkl").read_bytes()) for name in sets}
for mode in ("bigger", "smaller", "either"):
    for factor in (1.0, 0.7, 0.5, 0.3, 0.0):
        row = []
        for name in sets:
            items, dets, below = data[name]
            aps = []
            for label in ("close", "skip"):
                scored, n = [], 0
                for item, d, b in zip(items, dets, below, strict=True):
                    scored += match(demote(d + b, label, factor, mode), item.objects, label)
                    n += sum(g.label == label for g in item.objects)
                aps.append(average_precision(scored, n))
            row.append(f"{name} {aps[0]:.4f}/{aps[1]:.4f}")
        print(f"{mode} x{factor:g}: " + "  ".join(row))
