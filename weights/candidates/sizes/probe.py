"""Probe: a lower tap threshold for large buttons. The browser sets' misses are mostly pills with a word ("× CLOSE",
"⊗ 閉じる", "スキップ ▶▶", 150-330 px long) scored between min_score and the threshold, while the false taps are
small marks (a muted speaker's x, a "×10" count, 20-60 px). Each close/skip detection whose longer side is at least
L px (on a 1080-px-wide screen) is held to threshold T instead of its class's, everything else as the shipped
policy; the cached detections of judge-policy.py (run it first) judged again, per set right / false taps.

    python3 weights/candidates/sizes/probe.py --config C --data data/synth7 ... [--limit 400]
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent import judgecache as jp  # noqa: E402
from detector.evaluate import judge  # noqa: E402
from detector.types import Detection  # noqa: E402


def lifted(dets: list[Detection], width: int, height: int, min_side: float, t_large: float, policy) -> list[Detection]:
    """``dets`` with each large close/skip's score mapped so that ``t_large`` lands on its class's threshold
    (piecewise linear, order kept: [0, t_large] -> [0, t], [t_large, 1] -> [t, 1])."""
    k = min(width, height) / 1080
    out = []
    for d in dets:
        if d.label in ("close", "skip") and max(d.box.width, d.box.height) >= min_side * k:
            t = policy.close_threshold if d.label == "close" else policy.skip_threshold
            s = d.score
            s = s * t / t_large if s <= t_large else t + (s - t_large) * (1 - t) / (1 - t_large)
            d = dataclasses.replace(d, score=s)
        out.append(d)
    return out


def main() -> int:
    args = jp.probe_arguments(__doc__.split("\n\n")[0]).parse_args()
    cfg, sets, cached = jp.cached_sets(args)
    policy = cfg.policy
    for min_side in (90, 120, 150, 200):
        for t_large in (0.66, 0.6, 0.5, 0.4, 0.3):
            right = wrong = 0
            cols = []
            for r, items in sets.items():
                a = b = 0
                for it, dets in zip(items, cached[r], strict=True):
                    o = judge(it, lifted(dets, it.width, it.height, min_side, t_large, policy), policy)
                    a += o.kind == "hit"
                    b += o.kind in ("false_tap", "wrong_button")
                cols.append(f"{r.name} {a}/{b}")
                right, wrong = right + a, wrong + b
            print(f"L {min_side:3d} T {t_large:.2f}: {right} / {wrong} | " + "  ".join(cols))
    return 0


if __name__ == "__main__":
    sys.exit(main())
