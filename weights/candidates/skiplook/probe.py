"""Probe: skip candidates get the closer look too. The closer look (detector.zoom) magnifies close candidates scoring
in [low, high) and raises those the network and verifier then find at ``accept``; skips under their threshold get
nothing, and the misses of the browser sets are mostly skip pills with a word scored under it ("スキップ ▶▶",
"SKIP AD ▶▶", 150-330 px long), which the look's square (4 x the box, the box made 135 reference px) shows at about
half the strips' scale. Here the engine's ``candidates`` also takes skips in [low, skip_high) (all of them at most
``max_crops``, best first) and ``apply`` raises a candidate by the best zoomed box of its own label. The val screens
of each set are detected again (with the patched engine; nothing cached) and judged against judge-policy.py's cached
detections of C, screen by screen (detector.evaluate.tap_change).

    python3 weights/candidates/skiplook/probe.py --config C --data data/synth7 ... [--skip-high 0.7]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

import detector.engine as engine  # noqa: E402
from agent import judgecache as jp  # noqa: E402
from detector import zoom  # noqa: E402
from detector.engine import Detector  # noqa: E402
from detector.types import Detection  # noqa: E402


def patch(skip_high: float) -> None:
    def candidates(dets: list[Detection], cfg: zoom.ZoomConfig) -> list[Detection]:
        if zoom.candidates_blocked(dets, cfg):
            return []
        band = [
            d
            for d in dets
            if (d.label == "close" and cfg.low <= d.score < cfg.high)
            or (d.label == "skip" and cfg.low <= d.score < skip_high)
        ]
        return sorted(band, key=lambda d: -d.score)[: cfg.max_crops]

    def apply(dets, looked, zoomed, cfg, nms_iou=0.5):
        new = {}
        for c in looked:
            same = zoom._on_box(zoomed, c.box, cfg)
            best = max((z for z in same if z.label == c.label), key=lambda z: z.score, default=None)
            text = max((z.score for z in same if z.label == "ja_char"), default=0.0)
            if best is not None and best.score >= cfg.accept and best.score > c.score and text < cfg.text_veto:
                new[id(c)] = best
        return zoom._replaced(dets, new, nms_iou)

    engine.candidates = candidates
    engine.apply_zoom = apply


def main() -> int:
    ap = jp.probe_arguments(__doc__.split("\n\n")[0])
    ap.add_argument("--skip-high", type=float, default=0.7)
    args = ap.parse_args()
    cfg, sets, cached = jp.cached_sets(args)
    patch(args.skip_high)
    det = Detector.load(Path(cfg.detector.weights), cfg.detector.inference, cfg.detector.verifier.load())
    change, cols, _ = jp.detected_against(det, cfg, sets, cached)
    print(f"skip candidates in [low, {args.skip_high}) looked at: {change} | " + "  ".join(cols))
    return 0


if __name__ == "__main__":
    sys.exit(main())
