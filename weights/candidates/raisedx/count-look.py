"""The count "×10" v37 tapped on synth8 val_19_000075: its close score there with the closer look on and off, for each
configuration, the detector run on that one screen.

Usage: python3 weights/candidates/raisedx/count-look.py CONFIG [CONFIG ...]
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from agent.config import load_config  # noqa: E402
from detector.data import load_items, read_image  # noqa: E402
from detector.engine import Detector  # noqa: E402

SCREEN, X, Y = "val_19_000075", 365, 2513


def main() -> int:
    item = {it.image_id: it for it in load_items([Path("data/synth8")], "val")}[SCREEN]
    image = read_image(item.image_path)
    for config in sys.argv[1:]:
        cfg = load_config(Path(config))
        inf = cfg.detector.inference
        for look in (True, False):
            det = Detector.load(
                cfg.detector.weights,
                dataclasses.replace(inf, zoom=dataclasses.replace(inf.zoom, enabled=look)),
                cfg.detector.verifier.weights,
            )
            here = [(d.label, round(d.score, 3)) for d in det.detect(image).detections if d.box.contains(X, Y)]
            print(config, "closer look on" if look else "closer look off", [h for h in here if h[0] != "ja_char"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
