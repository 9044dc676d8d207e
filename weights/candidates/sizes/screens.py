"""Probe: the one tap per screen by screen size and orientation, from judge-policy.py's cached detections (run it
first). The generator's sets draw 1/7 of their screens at each of 720x1600, 1440x3120, 1080x1920 and 2400x1080
(landscape) and 3/7 at 1080x2400 (detector.synth.screen.SCREEN_SIZES); the browser's sets are all 1080x2400. One line
per size: screens, with a target, tapped right, false taps, misses, and the tap success on screens with a target.

    python3 weights/candidates/sizes/screens.py --config C --data data/synth7 --data data/synth8 ... [--limit 400]
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent import judgecache as jp  # noqa: E402
from detector.evaluate import judge  # noqa: E402


def main() -> int:
    args = jp.probe_arguments(__doc__.split("\n\n")[0]).parse_args()
    cfg, sets, cached = jp.cached_sets(args)
    rows: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for r, items in sets.items():
        for it, dets in zip(items, cached[r], strict=True):
            size = f"{it.width}x{it.height}"
            out = judge(it, dets, cfg.policy)
            c = rows[size]
            c["screens"] += 1
            c["targets"] += any(g.label in ("close", "skip") for g in it.objects)
            c[out.kind] += 1
    print("                      size  screens  with a target  right  false taps  wrong button  misses  success")
    for size, c in sorted(rows.items(), key=lambda kv: -kv[1]["screens"]):
        right = c["hit"]
        print(
            f"{size:>26}  {c['screens']:7d}  {c['targets']:13d}  {right:5d}  {c['false_tap']:10d}"
            f"  {c['wrong_button']:12d}  {c['miss']:6d}  {right / max(1, c['targets']):.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
