"""ONNX Runtime's idle threads spinning or sleeping, timed on the shipped pair (run.sh runs both modes).

pipeline SPIN TORCH_THREADS: one detector in this process, its sessions spinning (1) or not (0), PyTorch on
TORCH_THREADS threads; the whole detect of 20 synth9 frames, 3 times; prints the medians of the frame and its parts.
network-pair: the network alone as two sessions of this process, one sleeping and one spinning, taking turns on the
same 8-tile batches (the comparison that misleads: one session's spinning threads slow the other one).
"""

from __future__ import annotations

import functools
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

import detector.runtime as rt  # noqa: E402
from agent.config import load_config  # noqa: E402
from detector.data import load_items  # noqa: E402
from detector.engine import Detector  # noqa: E402

FRAMES, REPEATS = 20, 3
SHIPPED_SESSION = rt.session  # the probe swaps rt.session for a partial of it


def session_factory(spin: str):
    """detector.runtime.session with its idle threads spinning ("1") or sleeping ("0")."""
    return functools.partial(SHIPPED_SESSION, spin=spin == "1")


def frames() -> list[np.ndarray]:
    items = load_items([ROOT / "data" / "synth9"], "val")[:FRAMES]
    return [cv2.cvtColor(cv2.imread(str(it.image_path)), cv2.COLOR_BGR2RGB) for it in items]


def pipeline(spin: str, torch_threads: int) -> None:
    rt.session = session_factory(spin)  # both sessions (SSD, verifier) are made through it
    cfg = load_config(None)
    det = Detector.load(cfg.detector.weights, cfg.detector.inference, cfg.detector.verifier_weights())
    torch.set_num_threads(torch_threads)
    images = frames()
    det.detect(images[0])
    totals, parts = [], []
    for _ in range(REPEATS):
        for image in images:
            start = time.perf_counter()
            t = det.detect(image).timings
            totals.append((time.perf_counter() - start) * 1000)
            parts.append((t.preprocess_ms, t.model_ms, t.postprocess_ms, t.verify_ms, t.zoom_ms))
    medians = [round(statistics.median(c), 1) for c in zip(*parts, strict=True)]
    print(
        f"spin={spin} torch_threads={torch_threads}: frame median {statistics.median(totals):.1f} ms, "
        f"mean {statistics.mean(totals):.1f}; pre/model/post/verify/zoom medians {medians}",
        flush=True,
    )


def network_pair() -> None:
    cfg = load_config(None)
    det = Detector.load(cfg.detector.weights, cfg.detector.inference)
    graph = rt.export_onnx(*rt.network_graph(det.model, det.spec.input_size))
    sessions = {spin: session_factory(spin)(graph, 2) for spin in ("0", "1")}
    batches = []
    for image in frames():
        batch, _ = det.cut(image, det.plan(image.shape[1], image.shape[0]))
        batches.append(np.ascontiguousarray(batch))
    for s in sessions.values():
        s.run(None, {"tiles": batches[0]})
    ms: dict[str, list[float]] = {spin: [] for spin in sessions}
    for rep in range(REPEATS):
        for batch in batches:
            for spin in ("0", "1") if rep % 2 == 0 else ("1", "0"):
                start = time.perf_counter()
                sessions[spin].run(None, {"tiles": batch})
                ms[spin].append((time.perf_counter() - start) * 1000)
    for spin, v in ms.items():
        print(f"two sessions, allow_spinning={spin}: network median {statistics.median(v):.1f} ms, n={len(v)}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["pipeline"]:
        pipeline(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1:] == ["network-pair"]:
        network_pair()
    else:
        sys.exit(__doc__)
