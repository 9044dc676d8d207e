"""Probe: where a frame's time goes, stage by stage (the closer look's three kinds of call, the verifier, the network
at each input size), on 30 of synth3's 1080x2400 val screens with config C (config.yaml with absolute weight paths).
Wraps the Detector's methods with timers, warms up on 5 screens, and prints per frame the calls and ms of each:

    python3 weights/candidates/intervals/stage-times.py C
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from agent.config import load_config  # noqa: E402
from detector.data import load_items, read_image  # noqa: E402
from detector.engine import Detector  # noqa: E402


def main() -> int:
    cfg = load_config(Path(sys.argv[1]))
    det = Detector.load(Path(cfg.detector.weights), cfg.detector.inference, cfg.detector.verifier.load())
    items = [i for i in load_items([Path("data/synth3")], "val") if (i.width, i.height) == (1080, 2400)][:30]
    images = [read_image(i.image_path) for i in items]
    spent: dict[str, list[float]] = defaultdict(list)
    look, rescore, runner = det.look_closer, det.verifier.rescore, det.runner

    def timed(name: str, fn, *args, **kwargs):
        start = time.perf_counter()
        out = fn(*args, **kwargs)
        spent[name].append(time.perf_counter() - start)
        return out

    def look_closer(image, boxes, context=None, verify=True):
        h, w = image.shape[:2]
        at_edges = all(b.x1 <= 0 or b.y1 <= 0 or b.x2 >= w - 1 or b.y2 >= h - 1 for b in boxes)
        kind = "refine" if not verify else "corners" if context is None and len(boxes) == 4 and at_edges else "cand"
        return timed(f"look: {kind}", look, image, boxes, context, verify)

    det.look_closer = look_closer
    det.verifier.rescore = lambda image, dets, limit=None: timed("verifier", rescore, image, dets, limit)
    det.runner = lambda x: timed(f"network at {x.shape[2]}x{x.shape[1]} px", runner, x)  # NHWC uint8 batches
    for image in images[:5]:
        det.detect(image)
    spent.clear()
    for image in images:
        timed("frame", det.detect, image)
    print(f"{len(images)} frames, median {np.median(spent['frame']) * 1000:.1f} ms a frame")
    for name, times in sorted(spent.items()):
        if name != "frame":
            per = len(times) / len(images)
            print(f"{name:22} {per:.2f} calls a frame, {sum(times) * 1000 / len(images):5.1f} ms a frame")
    return 0


if __name__ == "__main__":
    sys.exit(main())
