"""Probe: how large the labelled close and skip buttons are in training sets and in the browser-rendered evaluation sets
(the longer side in px on a 1080-px-wide screen; "wide": at least 1.6:1, pills mostly), to see whether the browser's
pills are larger than anything the network was trained on:

    python3 weights/candidates/sizes/boxes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from detector.data import load_items  # noqa: E402

SETS = (("synth7", "train"), ("synth8", "train"), ("synth3", "val"), ("webeval", "val"), ("webeval8", "val"))
SETS += (("webeval9", "val"),)


def main() -> int:
    for name, split in SETS:
        root = Path("data") / name
        if not root.exists():
            print(f"{name}: missing")
            continue
        items = load_items([root], split)
        for label in ("close", "skip"):
            long, ratio = [], []
            for it in items:
                k = 1080 / min(it.width, it.height)
                for g in it.objects:
                    if g.label == label:
                        w, h = g.box.width * k, g.box.height * k
                        long.append(max(w, h))
                        ratio.append(max(w, h) / max(1.0, min(w, h)))
            side, wide = np.array(long), np.array(long)[np.array(ratio) >= 1.6]
            print(
                f"{name:9s} {split:5s} {label:5s} n {len(side):5d}  longer side p50 {np.median(side):4.0f} "
                f"p90 {np.percentile(side, 90):4.0f}  wide: {len(wide):4d}, p50 {np.median(wide):4.0f} "
                f"p90 {np.percentile(wide, 90):4.0f}, {100 * np.mean(wide >= 200):3.0f}% >= 200 px"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
