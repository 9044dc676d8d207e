"""Where a frame's time goes, stage by stage, on `closebot bench`'s 20 frames (seed 123): the network's runner
calls, the verifier and each closer look (the candidates', the corners', the coarse look and the refining look) timed
by wrapping them, as ms per frame averaged over the frames, each nested call under its caller ("corner>runner": the
network inside the corner look).

Usage: python3 weights/candidates/speed/stage-profile.py [CONFIG]   (default runs/current.yaml)
"""

from __future__ import annotations

import collections
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from agent.config import load_config  # noqa: E402
from detector.bench import bench_frames  # noqa: E402
from detector.engine import Detector  # noqa: E402


def main() -> int:
    cfg = load_config(Path(sys.argv[1] if len(sys.argv) > 1 else "runs/current.yaml"))
    det = Detector.load(cfg.detector.weights, cfg.detector.inference, cfg.detector.verifier.weights)
    spent: collections.defaultdict[str, float] = collections.defaultdict(float)
    calls: collections.Counter[str] = collections.Counter()
    stack: list[str] = []

    def timed(tag_of, fn):  # noqa: ANN001, ANN202
        def run(*a, **k):  # noqa: ANN002, ANN003, ANN202
            tag = tag_of(*a, **k)
            key = (stack[-1] + ">" if stack else "") + tag
            stack.append(tag)
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                stack.pop()
                spent[key] += (time.perf_counter() - t) * 1000
                calls[key] += 1

        return run

    def look(image, boxes, context=None, verify=True, accept=None, mirror=None, cells=None):  # noqa: ANN001, ANN202
        return "corner" if mirror is not None else "candidates" if verify else "refine"

    det.look_closer = timed(look, det.look_closer)
    det.look_coarse = timed(lambda *a, **k: "coarse", det.look_coarse)
    det.runner = timed(lambda *a, **k: "runner", det.runner)
    det.verifier.rescore = timed(lambda *a, **k: "verify", det.verifier.rescore)
    frames = bench_frames(20, 123)
    det.detect(frames[0])  # warm-up, as the bench does
    spent.clear()
    calls.clear()
    totals = []
    for f in frames:
        t = time.perf_counter()
        det.detect(f)
        totals.append((time.perf_counter() - t) * 1000)
    print(f"frame median {statistics.median(totals):.1f} ms, mean {statistics.mean(totals):.1f} ms")
    for key in sorted(spent):
        print(f"{key:22s} {spent[key] / len(frames):7.1f} ms/frame  calls {calls[key]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
