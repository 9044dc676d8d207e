"""Probe: a mirrored pass for the closes the network misses. An x is the same mirrored (a ">>" is not, and Japanese
text is not), so the whole screen mirrored left to right is a second, different input for the same closes: 13 of the
15 closes whose skip was tapped instead (the shipped pair's most frequent wrong tap) have no close detection at all.
On every screen with no close at ``accept`` in its cached detections (where the corner look would run), the strips of
the mirrored screen go through the network; its close boxes, mirrored back, are verified on the screen itself, and
those scoring ``accept`` with no Japanese text on them (the mirrored pass's own ja_char boxes) join the frame's
detections as the corner look's do (:func:`detector.zoom.add_corner_closes`). Judged two ways: on the screens where
the policy would tap a skip only, and on every such screen.

    python3 weights/candidates/mirror/flip-probe.py --config C --data data/synth7 ...

Reads judge-policy.py's cached detections of C (run it first); the mirrored passes' detections are saved per set in
runs/flip and reused."""

from __future__ import annotations

import dataclasses
import functools
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent import judgecache as jp  # noqa: E402
from detector.data import read_image  # noqa: E402
from detector.engine import Detector  # noqa: E402
from detector.evaluate import judge  # noqa: E402
from detector.types import Detection  # noqa: E402
from detector.zoom import add_corner_closes, corner_boxes, corners_blocked  # noqa: E402


def verified(det: Detector, image: np.ndarray, seen: list[Detection]) -> list[Detection]:
    """What a mirrored look adds to a frame as the corner look's would: its closes verified on ``image`` itself, and
    its Japanese text (to veto them)."""
    closes = [d for d in seen if d.label == "close"]
    texts = [d for d in seen if d.label == "ja_char"]
    return texts + (det.verifier.rescore(image, closes) if det.verifier is not None and closes else closes)


def mirrored_pass(det: Detector, image: np.ndarray) -> list[Detection]:
    """The network's detections on ``image`` mirrored left to right, in ``image``'s pixels; the closes verified."""
    h, w = image.shape[:2]
    flipped = np.ascontiguousarray(image[:, ::-1])
    return verified(
        det, image, [dataclasses.replace(d, box=d.box.mirrored(w)) for d in det.detect_in(flipped, det.plan(w, h))]
    )


def mirrored_corners(det: Detector, image: np.ndarray) -> list[Detection]:
    """The corner look (:func:`detector.zoom.corner_boxes`) with every square mirrored left to right (the engine's
    ``look_closer(..., mirror=)``), in ``image``'s pixels, its closes verified as the corner look's are."""
    h, w = image.shape[:2]
    corners = corner_boxes(w, h, det.cfg.zoom)
    return verified(det, image, det.look_closer(image, corners, verify=False, mirror=[True] * len(corners)))


def main() -> int:
    ap = jp.probe_arguments(__doc__.split("\n\n")[0])
    ap.add_argument("--what", choices=("strips", "corners"), default="strips", help="strips or corner squares")
    args = ap.parse_args()
    look = mirrored_pass if args.what == "strips" else mirrored_corners
    cfg, sets, cached = jp.cached_sets(args)
    zoom = cfg.detector.inference.zoom
    detector = functools.cache(
        lambda: Detector.load(Path(cfg.detector.weights), cfg.detector.inference, cfg.detector.verifier.load())
    )
    seen = jp.saved_looks(
        Path("runs/flip"),
        f"{args.what}-{args.limit}",
        sets,
        cached,
        lambda it, dets: None if corners_blocked(dets, zoom) else look(detector(), read_image(it.image_path)),
    )
    for scope in ("skip", "all"):
        for accept in (0.9, 0.95, 0.98):
            z = dataclasses.replace(zoom, accept=accept)
            joined = {}
            for r, items in sets.items():
                joined[r] = []
                for it, d, s in zip(items, cached[r], seen[r], strict=True):
                    use = s is not None
                    if use and scope == "skip":
                        tap = judge(it, d, cfg.policy).tap
                        use = tap is not None and tap.label == "skip"
                    joined[r].append(add_corner_closes(d, s, z, cfg.detector.inference.nms_iou) if use else d)
            changes = f"{scope} " if accept == 0.9 else None
            jp.print_judged(f"{scope} accept {accept}", sets, cached, joined, cfg.policy, changes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
