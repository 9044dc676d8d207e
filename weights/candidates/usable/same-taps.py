"""Check: the closer looks verifying only what they can use (detector.zoom.usable) tap as before, screen for screen.
Runs the current code's detector over each set and judges it against judge-policy.py's cached detections of C (made
by the code before; run it first: judge-policy.py's detected_against), and counts the screens whose detections differ
at all (boxes, labels, scores to 1e-6).

    python3 weights/candidates/usable/same-taps.py --config C --data data/synth7 ... [--limit 400]
"""

from __future__ import annotations

import sys
from dataclasses import astuple
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent import judgecache as jp  # noqa: E402
from detector.engine import Detector  # noqa: E402


def same(a, b) -> bool:
    return len(a) == len(b) and all(
        x.label == y.label
        and abs(x.score - y.score) < 1e-6
        and max(abs(p - q) for p, q in zip(astuple(x.box), astuple(y.box), strict=True)) < 1e-3
        for x, y in zip(a, b, strict=True)
    )


def main() -> int:
    args = jp.probe_arguments(__doc__.split("\n\n")[0]).parse_args()
    cfg, sets, cached = jp.cached_sets(args)
    det = Detector.load(Path(cfg.detector.weights), cfg.detector.inference, cfg.detector.verifier.load())
    change, cols, now = jp.detected_against(det, cfg, sets, cached)
    print(f"against the cache: {change}")
    for r, items in sets.items():
        differ = sum(not same(a, b) for a, b in zip(cached[r], now[r], strict=True))
        print(f"{r.name}: {differ} of {len(items)} screens' detections differ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
