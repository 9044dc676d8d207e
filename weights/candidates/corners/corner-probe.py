"""Would a fixed closer look at the four screen corners tap more closes right without tapping more wrong? A probe,
not a feature: the shipped pair's cached detections (judge-policy.py) plus, per screen, the network and verifier on
a magnified square at each corner (``Detector.look_closer`` on a pseudo-candidate there), whose closes scoring
``--accept`` or more join the frame's detections; then the policy and `closebot eval`'s scoring, per set.

It ran at 22:45 on 2026-12-05, before the corner look existed, with its own copy of the join (added on every frame,
kept beside the frame's boxes instead of merged by NMS: 1147 / 23, probe.txt); it now calls ``detector.zoom``'s
(merged: 1145 / 23 at the defaults, 23:42) and needs a base config with ``zoom.corners: 0`` (config.yaml with that
line changed, weights paths absolute), judged first:
Usage (from the project root, after `python3 scripts/judge-policy.py --config runs/corners0.yaml` on the six sets):
  python3 weights/candidates/corners/corner-probe.py [--side 70] [--accept 0.9] [--corners 4]
``--side``: the pseudo-candidate's side in screen pixels; the square looked at is ``zoom.context`` (4) times that,
magnified so that the pseudo-candidate is ``zoom.box_px`` at the training scale. ``--corners 2``: the top two only.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tqdm import tqdm  # noqa: E402

from agent import judgecache as judge  # noqa: E402
from agent.config import load_config  # noqa: E402
from detector.data import load_items, read_image  # noqa: E402
from detector.engine import Detector  # noqa: E402
from detector.evaluate import score  # noqa: E402
from detector.types import Detection  # noqa: E402
from detector.zoom import add_corner_closes, corner_boxes  # noqa: E402

SETS = ("synth3", "webeval", "synth4", "synth5", "synth9", "webeval8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--side", type=float, default=70.0)
    ap.add_argument("--accept", type=float, default=0.9)
    ap.add_argument("--corners", type=int, default=4, choices=(2, 4))
    ap.add_argument("--base-config", default="runs/corners0.yaml", help="config.yaml with zoom.corners: 0")
    args = ap.parse_args()
    # the pair without the corner look (it ran before there was one): its detections, cached by judge-policy.py
    # with this config, are the base the corner looks are added to
    config = Path(args.base_config)
    cfg = load_config(config)
    zoom = replace(cfg.detector.inference.zoom, corner_px=round(args.side), accept=args.accept, corners=args.corners)
    assert cfg.detector.inference.zoom.corners == 0, f"{config}: zoom.corners must be 0 (the base)"
    detector = Detector.load(Path(cfg.detector.weights), cfg.detector.inference, cfg.detector.verifier.load(None))
    sets = {Path("data") / s: load_items([Path("data") / s], "val")[:400] for s in SETS}
    cached = judge.cached_detections(config, sets, 400, Path("runs/policy"))
    totals = {"base": [0, 0], "corners": [0, 0]}
    for root, items in sets.items():
        added: list[list[Detection]] = []
        for item, dets in tqdm(list(zip(items, cached[root], strict=True)), desc=root.name, leave=False):
            image = read_image(item.image_path)
            h, w = image.shape[:2]
            # on every frame, unlike the feature, which skips frames with a close at accept (corners_blocked)
            added.append(add_corner_closes(dets, detector.look_closer(image, corner_boxes(w, h, zoom)), zoom))
        line = []
        for name, dets in (("base", cached[root]), ("corners", added)):
            r = score(items, dets, cfg.policy, 0, with_ap=False)
            hits = round(r.tap_success * r.target_screens)
            totals[name][0] += hits
            totals[name][1] += r.false_taps
            line.append(f"{name} {hits}/{r.false_taps}")
        print(root.name, "  ".join(line), flush=True)
    print(
        f"side {args.side:g}, accept {args.accept:g}, corners {args.corners}: "
        + "  ".join(f"{k} {v[0]} right / {v[1]} false taps" for k, v in totals.items())
    )


if __name__ == "__main__":
    main()
