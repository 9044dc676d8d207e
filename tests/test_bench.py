"""`closebot bench` times the network on each tile shape's tiles of the same frames, in turn, without changing the
detector it was given."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from detector import bench
from detector.bench import model_ms_by_shape
from detector.engine import Detector, DetectResult, DetectTimings, InferenceConfig
from detector.verifier import Verifier, VerifierNet, VerifierSpec

from .conftest import record_batches


def test_model_time_per_tile_shape_in_one_run(tiny_weights):
    det = Detector.load(tiny_weights, InferenceConfig(runtime="torch"))
    shapes_seen = record_batches(det)
    frames = [np.random.default_rng(i).integers(0, 256, (2400, 1080, 3), dtype=np.uint8) for i in range(3)]
    ms = model_ms_by_shape(det, frames)
    assert list(ms) == ["square", "strip"] and all(v > 0 for v in ms.values())
    # warm-up once per shape, then every frame as 8 squares of 432 px and as 4 strips of 672x448
    assert shapes_seen.count((8, 432, 432, 3)) == 1 + 3 and shapes_seen.count((4, 448, 672, 3)) == 1 + 3
    assert det.cfg.tile_shape == "strip" and len(det.plan(1080, 2400)) == 4  # the detector's own cut, left as it was


def test_peak_rss_is_measured_on_a_detect_in_the_benchs_precision(tiny_weights):
    """The measured `closebot detect` runs in the precision given: the tiny weights have no int8 graph, so in int8
    it must fail (it would pass, measuring a float detect, if the precision were dropped)."""
    frame = np.random.default_rng(0).integers(0, 256, (400, 180, 3), dtype=np.uint8)
    assert bench._peak_rss_of_detect([frame], tiny_weights, None, "none", "fp32") > 50
    with pytest.raises(subprocess.CalledProcessError):
        bench._peak_rss_of_detect([frame], tiny_weights, None, "none", "int8")


def test_peak_rss_is_the_commands_own_not_the_callers():
    """Linux carries a process's peak RSS over from before its exec, so a child started straight from a large process
    reports that process's size: measured from a caller holding 600 MiB, a Python that allocates 200 MiB is a
    little over 200, not 600."""
    ballast = np.ones(600 * 2**20, dtype=np.uint8)  # touched pages: resident
    grow = "import numpy; x = numpy.ones(200 * 2**20, dtype=numpy.uint8)"
    rss = bench.peak_rss_mib([sys.executable, "-c", grow])
    assert 200 < rss < 400, rss
    assert ballast.sum() == 600 * 2**20
    with pytest.raises(subprocess.CalledProcessError) as e:
        bench.peak_rss_mib([sys.executable, "-c", "raise SystemExit(3)"])
    assert e.value.returncode == 3 and e.value.cmd[-1] == "raise SystemExit(3)"


def test_template_frames_spread_over_the_run():
    assert bench.spread(20, 5) == [0, 5, 10, 14, 19]
    assert bench.spread(20, 1) == [0]
    assert bench.spread(3, 5) == [0, 1, 2]
    assert bench.spread(2, 2) == [0, 1]


def test_closebot_and_the_template_matcher_take_turns(monkeypatch):
    """The template matcher sees each of its frames right after closebot did, not in a block after every closebot
    frame: machine drift during the run then moves both medians alike."""
    order: list[str] = []

    class Recording:
        def detect(self, img):
            order.append(f"closebot {int(img[0, 0, 0])}")
            return "result"

    monkeypatch.setattr(bench, "template_match", lambda img, templates: order.append(f"template {int(img[0, 0, 0])}"))
    frames = [np.full((4, 4, 3), i, np.uint8) for i in range(5)]
    timed, tm = bench.timed_in_turn(Recording(), frames, [], bench.spread(5, 2))
    assert order == ["closebot 0", "template 0", "closebot 1", "closebot 2", "closebot 3", "closebot 4", "template 4"]
    assert [r for _, r in timed] == ["result"] * 5 and len(tm) == 2 and all(ms >= 0 for ms in tm)


def test_the_summary_counts_the_frames_with_a_coarse_look_and_takes_medians(tiny_weights, monkeypatch):
    """The numbers and the table line of the closer looks come from each frame's timings: which frames got a coarse
    look (3 of 5 here), the medians and the mean of the looks' milliseconds, the crops a frame."""
    spec = VerifierSpec()
    verifier = Verifier(VerifierNet(spec), spec)  # the closer looks run only beside a verifier
    det = Detector.load(tiny_weights, InferenceConfig(runtime="torch"), verifier)
    frames = [np.zeros((240, 108, 3), np.uint8) for _ in range(5)]
    looks = [(10.0, 2, True), (20.0, 4, False), (30.0, 6, True), (0.0, 0, False), (40.0, 8, True)]
    timed = [
        (50.0 + i, DetectResult(1080, 2400, [], DetectTimings(4, 1.0, 2.0, 3.0, 4.0, ms, crops, coarse)))
        for i, (ms, crops, coarse) in enumerate(looks)
    ]
    monkeypatch.setattr(bench, "bench_frames", lambda n, seed: frames[:n])
    monkeypatch.setattr(bench, "timed_in_turn", lambda det, imgs, templates, at: (timed, [1000.0, 1100.0]))
    monkeypatch.setattr(bench, "model_ms_by_shape", lambda det, imgs: {"square": 2.0, "strip": 1.0})
    monkeypatch.setattr(bench, "model_ms_by_precision", lambda det, imgs: None)
    result = bench.run_bench(det, frames=5, template_frames=2, rss=False)
    assert result["coarse_look_frames"] == 3
    assert (result["median_ms"], result["median_zoom_ms"], result["mean_zoom_ms"]) == (52.0, 20.0, 20.0)
    assert result["zoom_crops_per_frame"] == 4.0 and result["speedup_vs_template"] == round(1050.0 / 52.0, 1)
    line = next(row for row in result["table"].splitlines() if row.lstrip().startswith("closer look"))
    assert line.endswith("20.0 / 20.0, 4.0, 3 of 5")
    speaker = next(row for row in result["table"].splitlines() if row.lstrip().startswith("speaker check"))
    assert speaker.endswith("off") and result["speaker_check"] is None  # this detector has none
