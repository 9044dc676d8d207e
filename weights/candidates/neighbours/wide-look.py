"""Probe: the shipped verifier shown each tapped close widened along its line, to see the mark's neighbours.

For every close the shipped pair taps on the sets named, the verifier (all its windows; long boxes also go through
its squeezed network) scores three boxes: the tapped box widened by SPAN box widths to the left, to the right, and
both ways. A muted speaker's x widened to the left is a speaker and an x; a count "×10" widened to the right is the
count. Prints how many right / false close taps a veto "the widened box's close probability < bar" would stop.
Reads judge-policy.py's caches for config C (run it first):

    python3 weights/candidates/neighbours/wide-look.py C synth3 webeval synth4 synth5 synth9 webeval8
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent.config import load_config  # noqa: E402
from detector.types import Box  # noqa: E402
from detector.verifier import VERIFIER_CLASSES  # noqa: E402

_spec = importlib.util.spec_from_file_location("neighbours_probe", Path(__file__).with_name("probe.py"))
probe = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(probe)

SPAN = 1.5
WAYS = ("left", "right", "both")


def widened(b: Box, way: str, w: int) -> Box:
    reach = SPAN * (b.x2 - b.x1)
    x1 = b.x1 - reach if way in ("left", "both") else b.x1
    x2 = b.x2 + reach if way in ("right", "both") else b.x2
    return Box(max(0.0, x1), b.y1, min(float(w), x2), b.y2)


def main() -> int:
    config, names = Path(sys.argv[1]), sys.argv[2:]
    verifier = load_config(config).detector.verifier.load()
    close = VERIFIER_CLASSES.index("close")
    rows = []
    for name, screen, right, score, box, image in probe.close_taps(config, names):
        boxes = [box] + [widened(box, way, image.shape[1]) for way in WAYS]
        p = verifier.box_probabilities(image, boxes)[:, close]
        rows.append((name, screen, right, score, [round(float(x), 3) for x in p]))
    right, wrong = [x for x in rows if x[2]], [x for x in rows if not x[2]]
    print(f"{len(rows)} close taps: {len(right)} right, {len(wrong)} false; close probability: box, {', '.join(WAYS)}")
    for x in wrong:
        print(f"  false {x[0]} {x[1]} {x[3]} {x[4]}")
    for i, way in enumerate(WAYS, start=1):
        for bar in (0.05, 0.1, 0.2, 0.3, 0.5):
            print(
                f"widened {way}: close < {bar}: stops {sum(x[4][i] < bar for x in right)} right, "
                f"{sum(x[4][i] < bar for x in wrong)} false"
            )
    for bar in (0.05, 0.1, 0.2):
        stop = [x for x in rows if min(x[4][1], x[4][2]) < bar]
        print(f"left or right < {bar}: stops {sum(x[2] for x in stop)} right, {sum(not x[2] for x in stop)} false")
    return 0


if __name__ == "__main__":
    sys.exit(main())
