"""`closebot bench` times the network on each tile shape's tiles of the same frames, in turn, without changing the
detector it was given."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from detector import bench
from detector.bench import model_ms_by_shape
from detector.engine import Detector, InferenceConfig


def test_model_time_per_tile_shape_in_one_run(tiny_weights):
    det = Detector.load(tiny_weights, InferenceConfig(runtime="torch"))
    shapes_seen: list[tuple[int, ...]] = []
    runner = det.runner

    def recording(batch: np.ndarray):
        shapes_seen.append(batch.shape)
        return runner(batch)

    det.runner = recording
    frames = [np.random.default_rng(i).integers(0, 256, (2400, 1080, 3), dtype=np.uint8) for i in range(3)]
    ms = model_ms_by_shape(det, frames)
    assert list(ms) == ["square", "strip"] and all(v > 0 for v in ms.values())
    # warm-up once per shape, then every frame as 8 squares of 432 px and as 4 strips of 672x448
    assert shapes_seen.count((8, 432, 432, 3)) == 1 + 3 and shapes_seen.count((4, 448, 672, 3)) == 1 + 3
    assert det.cfg.tile_shape == "square" and len(det.plan(1080, 2400)) == 8


def test_peak_rss_is_measured_on_a_detect_in_the_benchs_precision(tiny_weights):
    """The measured `closebot detect` runs in the precision given: the tiny weights have no int8 graph, so in int8
    it must fail (it would pass, measuring a float detect, if the precision were dropped)."""
    frame = np.random.default_rng(0).integers(0, 256, (400, 180, 3), dtype=np.uint8)
    assert bench._peak_rss_of_detect([frame], tiny_weights, None, "none", "fp32") > 50
    with pytest.raises(subprocess.CalledProcessError):
        bench._peak_rss_of_detect([frame], tiny_weights, None, "none", "int8")
