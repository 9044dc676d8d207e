"""The int8 network (`closebot quantize`, ``detector.inference.precision: int8``): it is made from, and only runs
beside, the SSD weights it was calibrated for; it computes nearly what the float network does; every way its file
can be wrong is a clear error naming it."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from agent.cli import main
from detector import bench, runtime
from detector.bench import model_ms_by_precision
from detector.engine import Detector, InferenceConfig
from detector.errors import WeightsError
from detector.images import load_rgb
from detector.quantize import QUANTIZED, int8_manifest_path, int8_path, load_int8, quantize
from detector.weights import sha256_of

from .conftest import SHIPPED

INT8 = InferenceConfig(precision="int8", zoom=replace(InferenceConfig().zoom, enabled=False))


def _copy_weights(src: Path, dst_dir: Path) -> Path:
    dst = dst_dir / src.name
    shutil.copy(src, dst)
    shutil.copy(src.with_suffix(".json"), dst.with_suffix(".json"))
    return dst


def _screens(root: Path) -> list[np.ndarray]:
    return [load_rgb(p) for p in sorted((root / "JPEGImages").iterdir())]


@pytest.fixture(scope="module")
def tiny_int8(tiny_weights: Path, tiny_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the tiny weights with its int8 graph beside it, calibrated on the tiny dataset."""
    weights = _copy_weights(tiny_weights, tmp_path_factory.mktemp("int8"))
    det = Detector.load(weights, InferenceConfig(runtime="torch"))
    rep = quantize(det, iter(_screens(tiny_dataset)[:4]), {"data": ["tiny"]})
    assert rep.path == int8_path(weights) and rep.screens == 4 and rep.tiles > 4
    return weights


def test_the_int8_file_names_its_source_and_loads_only_beside_it(tiny_int8: Path):
    manifest = json.loads(int8_manifest_path(tiny_int8).read_text())
    assert manifest["source_sha256"] == sha256_of(tiny_int8)
    assert manifest["sha256"] == sha256_of(int8_path(tiny_int8))
    assert manifest["calibration"]["screens"] == 4 and manifest["calibration"]["quantized"] == list(QUANTIZED)
    assert load_int8(tiny_int8, sha256_of(tiny_int8)) == int8_path(tiny_int8).read_bytes()
    with pytest.raises(WeightsError, match="stale") as e:
        load_int8(tiny_int8, "0" * 64)
    assert str(int8_path(tiny_int8)) in str(e.value) and "closebot quantize --data tiny --weights" in str(e.value)


def test_the_int8_network_scores_like_the_float_one(tiny_int8: Path, tiny_dataset: Path):
    fp32 = Detector.load(tiny_int8, replace(INT8, precision="fp32"))
    int8 = Detector.load(tiny_int8, INT8)
    assert (fp32.runner.name, fp32.runner.precision) == ("onnxruntime", "fp32")
    assert (int8.runner.name, int8.runner.precision) == ("onnxruntime", "int8")
    image = _screens(tiny_dataset)[5]  # not one of the calibration screens
    tiles, _ = fp32.cut(image, fp32.plan(image.shape[1], image.shape[0]))
    (reg_f, sc_f), (reg_q, sc_q) = fp32.runner(tiles), int8.runner(tiles)
    assert sc_q.shape == sc_f.shape and reg_q.shape == reg_f.shape
    diff = (sc_q - sc_f).abs()
    assert 0 < diff.mean() < 0.02  # really another graph, and close to the float one
    assert np.allclose(sc_q.sum(-1).numpy(), 1.0, atol=1e-4)  # the softmax stays in floats


@pytest.mark.parametrize("damage", ["missing", "tampered", "no manifest", "stale"])
def test_a_broken_int8_file_is_a_clear_error_naming_it(tiny_int8: Path, tmp_path: Path, damage: str):
    weights = _copy_weights(tiny_int8, tmp_path)
    graph, side = int8_path(weights), int8_manifest_path(weights)
    if damage != "missing":
        shutil.copy(int8_path(tiny_int8), graph)
        shutil.copy(int8_manifest_path(tiny_int8), side)
    if damage == "tampered":
        data = bytearray(graph.read_bytes())
        data[len(data) // 2] ^= 0xFF
        graph.write_bytes(bytes(data))
    elif damage == "no manifest":
        side.unlink()
    elif damage == "stale":
        manifest = json.loads(side.read_text())
        side.write_text(json.dumps({**manifest, "source_sha256": "f" * 64}))
    expected = {"missing": "not found", "tampered": "sha256 differs", "no manifest": "manifest", "stale": "stale"}
    with pytest.raises(WeightsError, match=expected[damage]) as e:
        Detector.load(weights, INT8)
    assert str(graph if damage != "no manifest" else side) in str(e.value)


def test_int8_runs_under_onnxruntime_on_the_cpu_only(tiny_int8: Path):
    with pytest.raises(WeightsError, match="ONNX Runtime on the CPU only"):
        Detector.load(tiny_int8, replace(INT8, runtime="torch"))


def test_a_detector_built_in_memory_has_no_int8_graph(tiny_int8: Path):
    loaded = Detector.load(tiny_int8, replace(INT8, precision="fp32"))
    with pytest.raises(WeightsError, match="needs the int8 graph beside a weights file"):
        Detector(loaded.model, loaded.spec, INT8, loaded.manifest, "<memory>")


def test_quantize_and_detect_from_the_command_line(tiny_dataset: Path, tiny_weights: Path, tmp_path: Path, capsys):
    weights = _copy_weights(tiny_weights, tmp_path)
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"detector:\n  weights: {weights}\n  verifier:\n    weights: ''\n")
    assert main(["quantize", "--data", str(tiny_dataset), "--screens", "3", "--config", str(cfg), "--quiet"]) == 0
    assert "calibrated on" in capsys.readouterr().out and int8_path(weights).is_file()
    image = sorted((tiny_dataset / "JPEGImages").iterdir())[0]
    assert main(["detect", str(image), "--json", "--config", str(cfg), "--precision", "int8"]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["image"] == str(image) and "detections" in line
    int8_path(weights).unlink()  # --precision really reaches the detector: without its graph, int8 cannot start
    assert main(["detect", str(image), "--config", str(cfg), "--precision", "int8"]) == 1
    assert f"{int8_path(weights)}: int8 graph not found" in capsys.readouterr().err
    assert main(["quantize", "--data", str(tmp_path), "--config", str(cfg), "--quiet"]) == 1  # no screens there
    assert f"{tmp_path}: not a VOC dataset" in capsys.readouterr().err


def test_the_shipped_int8_graph_is_for_the_shipped_ssd():
    """A promoted SSD makes the shipped int8 graph stale: this fails until `closebot quantize` is run again. (The
    shipped int8 network's detections are tested with the float ones in test_shipped_weights.py.)"""
    assert load_int8(SHIPPED, sha256_of(SHIPPED))


def test_bench_times_every_precision_that_runs_here_on_the_same_tiles(tiny_int8: Path, tiny_weights: Path, monkeypatch):
    frames = [np.random.default_rng(i).integers(0, 256, (2400, 1080, 3), dtype=np.uint8) for i in range(2)]
    monkeypatch.setattr(bench, "native_bf16", lambda device: False)  # a CPU without native bfloat16
    for precision in ("fp32", "int8"):  # whichever the detector runs, the other is built beside it
        det = Detector.load(tiny_int8, replace(INT8, precision=precision))
        ms = model_ms_by_precision(det, frames)
        assert ms is not None and list(ms) == ["fp32", "int8"] and all(v > 0 for v in ms.values())
        assert det.runner.precision == precision
    assert (
        model_ms_by_precision(Detector.load(tiny_int8, replace(INT8, precision="fp32", runtime="torch")), frames)
        is None
    )
    assert (
        model_ms_by_precision(Detector.load(tiny_weights, replace(INT8, precision="fp32")), frames) is None
    )  # no file
    # with native bfloat16 bf16 joins, and a detector in bf16 gets the fp32 and int8 networks beside its own
    monkeypatch.setattr(bench, "native_bf16", lambda device: True)
    monkeypatch.setattr(runtime, "native_bf16", lambda device: True)
    for precision in ("fp32", "bf16"):
        ms = model_ms_by_precision(Detector.load(tiny_int8, replace(INT8, precision=precision)), frames)
        assert ms is not None and list(ms) == ["fp32", "bf16", "int8"] and all(v > 0 for v in ms.values())
    ms = model_ms_by_precision(Detector.load(tiny_weights, replace(INT8, precision="fp32", runtime="torch")), frames)
    assert ms is not None and list(ms) == ["fp32", "bf16"]


def test_prove_loop_refuses_int8_before_it_starts(tiny_int8: Path, tmp_path: Path, capsys):
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"detector:\n  weights: {tiny_int8}\n  verifier:\n    weights: ''\n")
    assert main(["prove-loop", "--config", str(cfg), "--precision", "int8", "--work", str(tmp_path / "w")]) == 2
    assert "no int8 graph to compare with" in capsys.readouterr().err and not (tmp_path / "w").exists()
