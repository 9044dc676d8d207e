"""Probe: is a tapped close a mark with a neighbour on its line (a count "x10", a muted speaker's x, an x in text)?

For every close the shipped pair taps on the sets named, measure "ink" beside its box: the share of pixels in a
region that differ from the box's surroundings (the median colour of a thin ring around the box) by more than
DIFF levels in some channel, in four regions of the box's size: left and right of it on its line, above and below.
Prints each false tap's numbers and how many right / false close taps a veto "side ink >= a and the other axis's
ink <= b" would stop, for a grid of (a, b). Reads judge-policy.py's caches for config C (run it first):

    python3 weights/candidates/neighbours/probe.py C synth3 webeval synth4 synth5 synth9 webeval8
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))


from agent import judgecache as jp  # noqa: E402
from agent.config import load_config  # noqa: E402
from detector.data import load_items  # noqa: E402
from detector.evaluate import judge  # noqa: E402
from detector.images import load_rgb  # noqa: E402
from detector.types import Box  # noqa: E402

DIFF = 48
GAP = 0.1  # regions start this fraction of the box's side away from it
REACH = 1.2  # and reach this far


def ink(img: np.ndarray, bg: np.ndarray, x1: int, y1: int, x2: int, y2: int) -> float:
    h, w = img.shape[:2]
    x1, y1, x2, y2 = max(0, x1), max(0, y1), min(w, x2), min(h, y2)
    if x2 - x1 < 2 or y2 - y1 < 2:
        return 0.0
    r = img[y1:y2, x1:x2].astype(np.int16)
    return float((np.abs(r - bg).max(axis=2) > DIFF).mean())


def features(img: np.ndarray, box) -> dict[str, float]:
    x1, y1, x2, y2 = (int(round(v)) for v in (box.x1, box.y1, box.x2, box.y2))
    w, h = x2 - x1, y2 - y1
    m = max(2, int(0.08 * max(w, h)))
    H, W = img.shape[:2]
    ring = np.concatenate(
        [
            img[max(0, y1 - m) : y1, max(0, x1 - m) : x2 + m].reshape(-1, 3),
            img[y2 : y2 + m, max(0, x1 - m) : x2 + m].reshape(-1, 3),
            img[y1:y2, max(0, x1 - m) : x1].reshape(-1, 3),
            img[y1:y2, x2 : x2 + m].reshape(-1, 3),
        ]
    )
    bg = np.median(ring, axis=0).astype(np.int16) if len(ring) else np.zeros(3, np.int16)
    g, r = int(GAP * w), int(REACH * w)
    gv, rv = int(GAP * h), int(REACH * h)
    return {
        "left": ink(img, bg, x1 - r, y1, x1 - g, y2),
        "right": ink(img, bg, x2 + g, y1, x2 + r, y2),
        "up": ink(img, bg, x1, y1 - rv, x2, y1 - gv),
        "down": ink(img, bg, x1, y2 + gv, x2, y2 + rv),
        "self": ink(img, bg, x1, y1, x2, y2),
        "edge": float(x1 <= 2 or y1 <= 2 or x2 >= W - 2 or y2 >= H - 2),
    }


def vetoed(f: dict[str, float], side: float, across: float) -> bool:
    """The veto measured: ink beside the box on its line, little above and below it."""
    return max(f["left"], f["right"]) >= side and max(f["up"], f["down"]) <= across


def close_taps(config: Path, names: list[str]) -> Iterator[tuple[str, str, bool, float, Box, np.ndarray]]:
    """(set, screen, tapped right?, score, box, picture) for each close config's pair taps on the sets named,
    from judge-policy.py's cached detections (wide-look.py reads them so too)."""
    cfg = load_config(config)
    roots = [Path("data") / n for n in names]  # as judge-policy.py was given them (its cache keys)
    sets = {r: load_items([r], "val")[:400] for r in roots}
    cached = jp.cached_detections(config, sets, 400, Path("runs/policy"))
    for root, items in sets.items():
        for item, dets in zip(items, cached[root], strict=True):
            o = judge(item, dets, cfg.policy)
            if o.tap is None or o.tap.label != "close":
                continue
            hit = o.kind == "hit"
            yield root.name, item.image_id, hit, round(o.tap.score, 3), o.tap.box, load_rgb(item.image_path)


def main() -> int:
    rows = [
        (name, screen, right, score, features(image, box))
        for name, screen, right, score, box, image in close_taps(Path(sys.argv[1]), sys.argv[2:])
    ]
    right = [x for x in rows if x[2]]
    wrong = [x for x in rows if not x[2]]
    print(f"{len(rows)} close taps: {len(right)} right, {len(wrong)} false")
    for x in wrong:
        print("  false", x[0], x[1], x[3], {k: round(v, 2) for k, v in x[4].items()})
    for a in (0.05, 0.1, 0.15, 0.2, 0.3):
        for b in (0.02, 0.05, 0.1, 0.2, 1.01):
            stopped = [x for x in rows if vetoed(x[4], a, b)]
            print(
                f"side >= {a:.2f}, up/down <= {b:.2f}: stops {sum(x[2] for x in stopped)} right, "
                f"{sum(not x[2] for x in stopped)} false"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
