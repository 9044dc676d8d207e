"""The scores each configuration's cached detections give at the four taps v37 made that the shipped pair did not
(docs/experiments.md, "Held four times nearer its parent"): every close or skip box holding the tap point.

Usage: python3 weights/candidates/raisedx/taps-v37.py CONFIG [CONFIG ...]   (after scripts/judge-policy.py cached
each CONFIG's detections on synth4, synth7, synth8 and synth9)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from agent import judgecache  # noqa: E402
from detector.data import load_items  # noqa: E402

TAPS = {  # set -> (screen, the tap v37 made there)
    "synth4": ("val_11_000145", 235, 851),
    "synth7": ("val_17_000050", 324, 1553),
    "synth8": ("val_19_000075", 365, 2513),
    "synth9": ("val_23_000046", 1005, 223),
}


def main() -> int:
    sets = {Path("data") / s: load_items([Path("data") / s], "val")[:400] for s in TAPS}
    for config in sys.argv[1:]:
        dets = judgecache.cached_detections(Path(config), sets, 400, Path("runs/policy"))
        for root, items in sets.items():
            image, x, y = TAPS[root.name]
            i = [it.image_id for it in items].index(image)
            found = [d for d in dets[root][i] if d.label != "ja_char" and d.box.contains(x, y)]
            here = [(d.label, round(d.score, 3)) for d in found]
            print(config, root.name, image, here)
    return 0


if __name__ == "__main__":
    sys.exit(main())
