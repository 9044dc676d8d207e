"""Probe: the verifier's close probability averaged over each close candidate's window and the same window mirrored
left to right (an x is the same mirrored; a ">>" is not, so skips are scored as they are). Runs
scripts/judge-policy.py with Verifier.rescore patched. The patch is not in the cache key: run it with its own --cache
and a config whose key differs from the shipped one's while running the same (config.yaml here: runs/current.yaml,
config.yaml with absolute weight paths, with `threads: 2`), the shipped config's cached detections copied into that
cache for --against. judge.txt:
  python weights/candidates/vmirror/probe.py <the ten sets as --data> --config weights/candidates/vmirror/config.yaml
    --against runs/current.yaml --cache runs/policy-vm
"""

import runpy
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from detector import verifier as V  # noqa: E402
from detector.types import Box  # noqa: E402


def rescore(self, image, dets, limit=None):
    targets = sorted((d for d in dets if d.label in ("close", "skip")), key=lambda d: -d.score)
    kept = targets[: self.max_candidates if limit is None else max(0, limit)]
    probs = self.box_probabilities(image, [d.box for d in kept])
    closes = [i for i, d in enumerate(kept) if d.label == "close"]
    if closes:
        w = image.shape[1]
        flipped = np.ascontiguousarray(image[:, ::-1])
        boxes = [Box(w - kept[i].box.x2, kept[i].box.y1, w - kept[i].box.x1, kept[i].box.y2) for i in closes]
        mp = self.box_probabilities(flipped, boxes)
        probs = probs.copy()
        probs[closes] = (probs[closes] + mp) / 2
    out = [d for d in dets if d.label not in ("close", "skip")]
    for i, d in enumerate(kept):
        p = float(probs[i, V.VERIFIER_CLASSES.index(d.label)])
        out.append(replace(d, score=float(np.sqrt(d.score * p))))
    return sorted(out, key=lambda d: -d.score)


V.Verifier.rescore = rescore
sys.argv = [str(ROOT / "scripts" / "judge-policy.py"), *sys.argv[1:]]
runpy.run_path(sys.argv[0], run_name="__main__")
