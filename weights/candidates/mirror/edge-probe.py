"""Probe: the candidates' closer look mirrored where its square lies on the screen's right edge, with the corners as
C's ``corner_mirror`` says. The network found 8 more right-corner closes in mirrored corner squares (the mark at the
square's left edge instead of its right) than as they are (flip-probe.py); a candidate at the right edge has its
square moved inside the screen the same way. Judged against C0's cached detections (judge-policy.py --config C0).

    python3 weights/candidates/mirror/edge-probe.py --config C --against C0 --data data/synth7 ...
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent import judgecache as jp  # noqa: E402
from agent.config import load_config  # noqa: E402
from detector.data import load_items  # noqa: E402
from detector.engine import Detector  # noqa: E402
from detector.zoom import zoom_square  # noqa: E402


def main() -> int:
    ap = jp.probe_arguments(__doc__.split("\n\n")[0])
    ap.add_argument("--against", type=Path, required=True)
    args = ap.parse_args()
    cfg = load_config(args.config)
    sets = {root: load_items([root], "val")[: args.limit] for root in args.data}
    cached = jp.cached_detections(args.against, sets, args.limit, Path("runs/policy"))
    det = Detector.load(Path(cfg.detector.weights), cfg.detector.inference, cfg.detector.verifier.load())
    look = det.look_closer

    def edge_mirrored(image, boxes, context=None, verify=True, accept=None, mirror=None):
        if mirror is None and accept is not None:  # the candidates' look (the corners come with their flags)
            h, w = image.shape[:2]
            squares = [zoom_square(b, w, h, det.cfg.zoom.context) for b in boxes]
            mirror = [sq.x + sq.w >= w and sq.x > 0 for sq in squares]
        return look(image, boxes, context, verify, accept, mirror)

    det.look_closer = edge_mirrored
    change, cols, _ = jp.detected_against(det, load_config(args.against), sets, cached)
    print("  ".join(cols))
    print(f"against {args.against}: {change}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
