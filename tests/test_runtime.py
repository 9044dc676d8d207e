"""The two places the network can run (eager PyTorch, ONNX Runtime) compute the same thing, and the choice between
them follows the config: ``auto`` falls back to PyTorch without onnxruntime, an impossible choice is a clear error."""

from __future__ import annotations

import json
import random
from dataclasses import astuple

import numpy as np
import pytest
import torch

from detector import runtime
from detector import verifier as verifier_module
from detector.engine import Detector, InferenceConfig
from detector.errors import WeightsError
from detector.model import build_model
from detector.synth import screen
from detector.verifier import Verifier, VerifierNet, VerifierSpec

from .conftest import SHIPPED, TINY_SPEC, VERIFIER
from .test_shipped_weights import POOL


def _tiles(n: int, size: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (n, size, size, 3), dtype=np.uint8)


def test_onnx_and_torch_runners_agree_on_the_same_tiles():
    torch.manual_seed(0)
    model = build_model(TINY_SPEC).eval()
    eager = runtime.TorchRunner(model, torch.device("cpu"))
    onnx = runtime.OnnxRunner(model, TINY_SPEC.input_size, threads=1)
    # the exported batch dimension and tile side are dynamic (larger tiles are a config choice)
    s = TINY_SPEC.input_size
    for n, (h, w) in ((1, (s, s)), (5, (s, s)), (2, (s + 32, s + 32)), (3, (s, s + 64))):  # squares and strips
        batch = np.random.default_rng(n).integers(0, 256, (n, h, w, 3), dtype=np.uint8)
        reg_t, sc_t = eager(batch)
        reg_o, sc_o = onnx(batch)
        assert reg_o.shape == reg_t.shape and sc_o.shape == sc_t.shape
        assert torch.allclose(reg_o, reg_t, atol=1e-4)
        assert torch.allclose(sc_o, sc_t, atol=1e-5)
        assert torch.allclose(sc_o.sum(-1), torch.ones(sc_o.shape[:2]), atol=1e-5)


def test_normalisation_folded_into_the_stem_is_the_same_network():
    """The runners' graph takes raw pixels: (x/255 - mean)/std folded into the first convolution gives what the
    network computes on normalised input, and leaves the loaded model itself untouched."""
    torch.manual_seed(0)
    model = build_model(TINY_SPEC).eval()
    before = model.backbone.stem[0][0].weight.clone()
    fwd = runtime._Forward(model).eval()
    assert fwd.folded and fwd.backbone is not model.backbone
    batch = torch.from_numpy(_tiles(3, TINY_SPEC.input_size))
    mean = torch.tensor(model.transform.image_mean).view(1, 3, 1, 1)
    std = torch.tensor(model.transform.image_std).view(1, 3, 1, 1)
    with torch.no_grad():
        x = (batch.permute(0, 3, 1, 2).float() / 255 - mean) / std
        head = model.head(list(model.backbone(x).values()))
        reg, scores = fwd(batch)
    assert torch.allclose(reg, head["bbox_regression"], atol=1e-4)
    assert torch.allclose(scores, torch.softmax(head["cls_logits"], -1), atol=1e-5)
    assert torch.equal(model.backbone.stem[0][0].weight, before)


@pytest.mark.parametrize("members", [1, 2])
def test_the_verifier_on_onnxruntime_gives_the_eager_probabilities(monkeypatch, members):
    torch.manual_seed(0)
    spec = VerifierSpec(input_size=16, widths=(4, 8, 8, 8), members=members)
    eager = Verifier(VerifierNet(spec), spec, max_candidates=7, source="v.pt")
    onnx = eager.on_runtime("onnxruntime", threads=1)
    assert (eager.runtime, onnx.runtime) == ("torch", "onnxruntime")
    assert (onnx.source, onnx.max_candidates, onnx.net) == ("v.pt", 7, eager.net)
    for n in (1, 6):  # the batch dimension is dynamic
        crops = _tiles(n, 16, seed=n)
        p_o, p_t = onnx.probabilities(crops), eager.probabilities(crops)
        assert p_o.shape == p_t.shape == (n, 3)
        assert np.allclose(p_o, p_t, atol=1e-5)
    assert eager.on_runtime("torch", threads=1) is eager

    def broken(*args, **kwargs):
        raise RuntimeError("exporter fault")

    monkeypatch.setattr(verifier_module, "onnx_session", broken)
    assert eager.on_runtime("onnxruntime", threads=1) is eager  # detection goes on in PyTorch


@pytest.mark.slow
def test_shipped_model_detects_the_same_under_both_runtimes():
    rng = random.Random(5)
    c = screen.Canvas(1080, 2400)
    c.img = screen.gradient(rng, 1080, 2400, pale=True)
    screen.place_close(rng, POOL, c, "screen_tr", None, "dark_translucent")
    image = np.asarray(c.img.convert("RGB"))
    results = {}
    for name in ("torch", "onnxruntime"):
        det = Detector.load(SHIPPED, InferenceConfig(runtime=name), VERIFIER)
        assert det.runner.name == det.verifier.runtime == name
        results[name] = det.detect(image).detections
    a, b = results["torch"], results["onnxruntime"]
    assert any(d.label == "close" and d.score > 0.5 for d in a)
    assert [d.label for d in a] == [d.label for d in b]
    for da, db in zip(a, b, strict=True):
        assert abs(da.score - db.score) < 1e-3
        assert max(abs(p - q) for p, q in zip(astuple(da.box), astuple(db.box), strict=True)) < 0.5


def test_auto_falls_back_to_torch_without_onnxruntime(monkeypatch):
    monkeypatch.setattr(runtime, "onnxruntime_available", lambda: False)
    model = build_model(TINY_SPEC)
    assert runtime.make_runner(model, TINY_SPEC.input_size, torch.device("cpu"), "auto", 1).name == "torch"
    with pytest.raises(WeightsError, match="onnxruntime package is not installed"):
        runtime.make_runner(model, TINY_SPEC.input_size, torch.device("cpu"), "onnxruntime", 1)


def test_auto_picks_onnxruntime_on_cpu_and_refuses_it_on_cuda():
    model = build_model(TINY_SPEC)
    assert runtime.make_runner(model, TINY_SPEC.input_size, torch.device("cpu"), "auto", 1).name == "onnxruntime"
    with pytest.raises(WeightsError, match="CPU only"):
        runtime.make_runner(model, TINY_SPEC.input_size, torch.device("cuda"), "onnxruntime", 1)


def test_bf16_runner_scores_near_the_float_one_and_returns_floats(monkeypatch):
    """bf16 (PyTorch under bfloat16 autocast) computes the fp32 network to bfloat16's rounding; emulated on a CPU
    without native bf16 it is slow but the same numbers, so this runs on any CPU."""
    monkeypatch.setattr(runtime, "native_bf16", lambda device: True)
    torch.manual_seed(0)
    model = build_model(TINY_SPEC).eval()
    fp32 = runtime.make_runner(model, TINY_SPEC.input_size, torch.device("cpu"), "torch", 1)
    bf16 = runtime.make_runner(model, TINY_SPEC.input_size, torch.device("cpu"), "auto", 1, precision="bf16")
    assert (fp32.name, fp32.precision, bf16.name, bf16.precision) == ("torch", "fp32", "torch", "bf16")
    s = TINY_SPEC.input_size
    batch = np.random.default_rng(3).integers(0, 256, (3, s, s + 64, 3), dtype=np.uint8)
    (reg_f, sc_f), (reg_b, sc_b) = fp32(batch), bf16(batch)
    assert reg_b.dtype == sc_b.dtype == torch.float32 and (reg_b.shape, sc_b.shape) == (reg_f.shape, sc_f.shape)
    assert torch.allclose(reg_b, reg_f, atol=0.1)
    assert not torch.equal(sc_b, sc_f)  # really computed in bfloat16 (8 mantissa bits): not bit for bit
    assert torch.allclose(sc_b, sc_f, atol=0.05) and torch.allclose(sc_b.sum(-1), torch.ones(sc_b.shape[:2]), atol=0.01)


def test_bf16_is_refused_without_native_bfloat16_or_under_onnxruntime(monkeypatch):
    model = build_model(TINY_SPEC)
    cpu = torch.device("cpu")
    monkeypatch.setattr(runtime, "native_bf16", lambda device: False)
    with pytest.raises(WeightsError, match="needs native bfloat16 .* this cpu has none .* use precision fp32"):
        runtime.make_runner(model, TINY_SPEC.input_size, cpu, "auto", 1, precision="bf16")
    monkeypatch.setattr(runtime, "native_bf16", lambda device: True)
    with pytest.raises(WeightsError, match="runs in PyTorch, not ONNX Runtime"):
        runtime.make_runner(model, TINY_SPEC.input_size, cpu, "onnxruntime", 1, precision="bf16")


def test_with_the_ssd_in_bf16_the_verifier_stays_on_onnxruntime(monkeypatch, tiny_weights):
    monkeypatch.setattr(runtime, "native_bf16", lambda device: True)
    spec = VerifierSpec(input_size=16, widths=(4, 8, 8, 8))
    ver = Verifier(VerifierNet(spec), spec, max_candidates=7, source="v.pt")
    det = Detector.load(tiny_weights, InferenceConfig(precision="bf16"), ver)
    assert (det.runner.name, det.runner.precision, det.verifier.runtime) == ("torch", "bf16", "onnxruntime")
    det = Detector.load(tiny_weights, InferenceConfig(precision="bf16", runtime="torch"), ver)
    assert det.verifier.runtime == "torch"


def test_native_bf16_follows_the_cpu_flags_and_onednn_only_where_they_cannot_tell(monkeypatch):
    cpu = torch.device("cpu")
    for gpu in (True, False):  # what PyTorch says of the GPU (pre-Ampere ones have no bfloat16 units)
        monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda gpu=gpu: gpu)
        assert runtime.native_bf16(torch.device("cuda")) is gpu
    monkeypatch.setattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", lambda: True)
    for flags, native in ((True, True), (False, False), (None, True)):
        monkeypatch.setattr(runtime, "cpu_has_bf16", lambda flags=flags: flags)
        assert runtime.native_bf16(cpu) is native
    monkeypatch.setattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", lambda: False)
    assert runtime.native_bf16(cpu) is False


def test_detect_in_bf16_from_the_command_line(monkeypatch, tiny_weights, tiny_dataset, tmp_path, capsys):
    """--precision bf16 reaches the detector: it runs where the CPU has native bfloat16 (faked here; emulated it
    computes the same) and is refused, naming the fix, where it has not."""
    from agent.cli import main

    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"detector:\n  weights: {tiny_weights}\n  verifier:\n    weights: ''\n")
    image = sorted((tiny_dataset / "JPEGImages").iterdir())[0]
    monkeypatch.setattr(runtime, "cpu_has_bf16", lambda: True)
    assert main(["detect", str(image), "--json", "--config", str(cfg), "--precision", "bf16"]) == 0
    assert json.loads(capsys.readouterr().out)["image"] == str(image)
    monkeypatch.setattr(runtime, "cpu_has_bf16", lambda: False)
    assert main(["detect", str(image), "--json", "--config", str(cfg), "--precision", "bf16"]) == 1
    assert "precision bf16 needs native bfloat16" in capsys.readouterr().err
