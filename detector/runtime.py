"""Where the network's forward pass runs: eager PyTorch, or ONNX Runtime on CPU.

Both runners take a batch of tiles as ``uint8`` NHWC (what :meth:`detector.engine.Detector.cut` produces) and
return ``(bbox_regression, class_scores)`` tensors of shape ``(N, anchors, 4)`` and ``(N, anchors, classes + 1)``;
decoding, NMS and merging stay in :mod:`detector.engine`, shared by both.

The ONNX graph is exported from the loaded model in memory at start-up (about 2 s; nothing is downloaded or
written): the weights file stays the one source of truth. On this 2-core CPU, ONNX Runtime ran 21 tiles of a
1080x2400 frame in 63 ms against eager PyTorch's 94 ms (``closebot bench`` measures both in one run).
"""

from __future__ import annotations

import io
import logging
import warnings
from copy import deepcopy
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
import torch
from torch import Tensor, nn

from detector.errors import WeightsError

log = logging.getLogger(__name__)
Runtime = Literal["auto", "torch", "onnxruntime"]
# What the network computes in at inference (detector.inference.precision); training has its own (types.PRECISIONS).
# fp32: ONNX Runtime (or PyTorch); bf16: PyTorch under bfloat16 autocast, on a CPU or GPU with native bfloat16;
# int8: the quantized graph of detector.quantize under ONNX Runtime on the CPU.
InferencePrecision = Literal["fp32", "bf16", "int8"]


class TileRunner(Protocol):
    name: str
    precision: InferencePrecision

    def __call__(self, batch: np.ndarray) -> tuple[Tensor, Tensor]: ...


class _Forward(nn.Module):
    """uint8 NHWC tiles -> (box regression, softmax scores): normalisation and the network in one graph.

    The normalisation ``(x / 255 - mean) / std`` is affine per channel, and the first convolution reads the image
    without padding (the 4x4/stride-4 stem), so it is folded into that convolution's weights and bias: the same
    numbers (to float rounding) without two passes over the full-resolution input (~5% of the network's time)."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.head = model.head
        mean = torch.tensor(model.transform.image_mean, dtype=torch.float32).view(1, 3, 1, 1)
        std = torch.tensor(model.transform.image_std, dtype=torch.float32).view(1, 3, 1, 1)
        scale, shift = 1.0 / (255.0 * std), -mean / std
        folded = _folded(model.backbone, scale.view(3), shift.view(3))
        self.folded = folded is not None
        self.backbone = folded if folded is not None else model.backbone
        if not self.folded:  # kept only where the graph still normalises
            self.register_buffer("scale", scale)
            self.register_buffer("shift", shift)

    def forward(self, tiles: Tensor) -> tuple[Tensor, Tensor]:
        x = tiles.permute(0, 3, 1, 2).float()
        if not self.folded:
            x = x * self.scale + self.shift
        head = self.head(list(self.backbone(x).values()))
        return head["bbox_regression"], torch.softmax(head["cls_logits"], dim=-1)


def _folded(backbone: nn.Module, scale: Tensor, shift: Tensor) -> nn.Module | None:
    """A copy of ``backbone`` whose first convolution takes raw 0-255 pixels, or None when it has none to fold into
    (a first layer that pads would see the padding's zeros normalised differently)."""
    stem = getattr(backbone, "stem", None)
    conv = stem[0][0] if isinstance(stem, nn.Sequential) and isinstance(stem[0], nn.Sequential) else None
    if not isinstance(conv, nn.Conv2d) or conv.in_channels != 3 or conv.groups != 1 or any(conv.padding):
        return None
    copy = deepcopy(backbone)
    folded = nn.Conv2d(3, conv.out_channels, conv.kernel_size, conv.stride, 0, bias=True)
    with torch.no_grad():
        folded.weight.copy_(conv.weight * scale.view(1, 3, 1, 1))
        bias = (conv.weight * shift.view(1, 3, 1, 1)).sum(dim=(1, 2, 3))
        folded.bias.copy_(bias + (conv.bias if conv.bias is not None else 0))
    copy.stem[0][0] = folded
    return copy


class TorchRunner:
    """Eager PyTorch, channels-last, without autograd; CPU or CUDA. ``bf16``: the convolutions under bfloat16
    autocast (weights stay fp32, outputs are returned as fp32), which on a CPU with AVX512-BF16 took 35-38% off the
    network's time against ONNX Runtime in fp32, scores moving by 0.002 (median; 0.012 at the 99th percentile)
    (docs/experiments.md, "bfloat16 inference")."""

    name = "torch"

    def __init__(self, model: nn.Module, device: torch.device, bf16: bool = False) -> None:
        self.device = device
        self.precision: InferencePrecision = "bf16" if bf16 else "fp32"
        self.forward = _Forward(model).eval().to(device).to(memory_format=torch.channels_last)

    @torch.inference_mode()
    def __call__(self, batch: np.ndarray) -> tuple[Tensor, Tensor]:
        x = torch.from_numpy(batch).to(self.device)
        if self.precision == "fp32":
            return self.forward(x)
        with torch.autocast(self.device.type, dtype=torch.bfloat16):
            reg, scores = self.forward(x)
        return reg.float(), scores.float()


class OnnxRunner:
    """ONNX Runtime's CPU provider over the network: the float graph exported from ``model`` at start-up, or a
    given graph (the int8 one of :mod:`detector.quantize`). Batch size and tile sides are dynamic."""

    name = "onnxruntime"

    def __init__(self, model: nn.Module, input_size: int, threads: int, graph: bytes | None = None) -> None:
        self.precision: InferencePrecision = "fp32" if graph is None else "int8"
        self.session = session(graph if graph is not None else export_onnx(*network_graph(model, input_size)), threads)

    def __call__(self, batch: np.ndarray) -> tuple[Tensor, Tensor]:
        reg, scores = self.session.run(None, {"tiles": np.ascontiguousarray(batch)})
        return torch.from_numpy(reg), torch.from_numpy(scores)


def network_graph(model: nn.Module, input_size: int) -> tuple[nn.Module, Tensor, dict, dict]:
    """What :func:`export_onnx` takes to export the detector network: uint8 NHWC ``tiles`` in, ``bbox_regression``
    and ``scores`` out; batch size and tile sides free (the network is fully convolutional, see
    engine.input_dims)."""
    example = torch.zeros((2, input_size, input_size, 3), dtype=torch.uint8)
    return (
        _Forward(model).eval().cpu(),
        example,
        {"tiles": {0: "n", 1: "height", 2: "width"}},
        {"bbox_regression": {0: "n", 1: "anchors"}, "scores": {0: "n", 1: "anchors"}},
    )


def export_onnx(
    module: nn.Module, example: Tensor, inputs: dict[str, dict[int, str]], outputs: dict[str, dict[int, str]]
) -> bytes:
    """``module`` as an ONNX graph, exported in memory with one input ``example`` (its dynamic axes under the
    single name in ``inputs``; ``outputs`` names the results and their dynamic axes)."""
    buf = io.BytesIO()
    with warnings.catch_warnings():  # the TorchScript exporter announces its own deprecation; it is what we want
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            (example,),
            buf,
            input_names=list(inputs),
            output_names=list(outputs),
            dynamic_axes={**inputs, **outputs},
            opset_version=17,
            dynamo=False,
        )
    return buf.getvalue()


def session(graph: bytes, threads: int, spin: bool = False):
    """An ONNX Runtime CPU session over ``graph`` with ``threads`` intra-op threads, idle ones sleeping unless
    ``spin`` (weights/candidates/spin/ times both)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    # Idle worker threads sleep instead of spinning: the daemon shares 2 cores with adb and the capture, and with
    # the SSD's and the verifier's sessions both spinning a whole frame took 145-157 ms against 88-89 ms (README
    # "Measured", weights/candidates/spin/).
    opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    return ort.InferenceSession(graph, opts, providers=["CPUExecutionProvider"])


def onnx_session(
    module: nn.Module,
    example: Tensor,
    inputs: dict[str, dict[int, str]],
    outputs: dict[str, dict[int, str]],
    threads: int,
):
    """An ONNX Runtime CPU session over ``module`` exported in memory (:func:`export_onnx`)."""
    return session(export_onnx(module, example, inputs, outputs), threads)


def onnxruntime_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


# CPU flags under which bfloat16 autocast runs natively; without them it is emulated, and a training step under
# autocast took 10-20x longer than in fp32 on an AVX2-only EPYC here (on one with AVX512-BF16: 24% more steps an hour,
# and inference 35-38% less network time).
BF16_CPU_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})


def cpu_has_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool | None:
    """Whether this CPU computes bfloat16 natively (one of :data:`BF16_CPU_FLAGS`); None when ``cpuinfo`` is not
    readable (not Linux), i.e. unknown."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return None
    flags = {f for line in text.splitlines() if line.startswith("flags") for f in line.partition(":")[2].split()}
    return bool(flags & BF16_CPU_FLAGS)


def native_bf16(device: torch.device) -> bool:
    """Whether ``device`` computes bfloat16 natively: a GPU that PyTorch says does (Ampere and later); a CPU with one
    of :data:`BF16_CPU_FLAGS`, or where ``/proc/cpuinfo`` cannot tell (not Linux), when oneDNN reports support."""
    if device.type == "cuda":
        return bool(torch.cuda.is_bf16_supported())
    known = cpu_has_bf16()
    if known is not None:
        return known
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # a PyTorch build without oneDNN
        return False


def onnx_wanted(runtime: Runtime, device: torch.device) -> bool:
    """Whether a float network on ``device`` runs under ONNX Runtime: asked for, or ``auto`` on a CPU with it."""
    return runtime == "onnxruntime" or (runtime == "auto" and device.type == "cpu" and onnxruntime_available())


def make_runner(
    model: nn.Module,
    input_size: int,
    device: torch.device,
    runtime: Runtime,
    threads: int,
    int8: bytes | None = None,
    precision: InferencePrecision = "fp32",
) -> TileRunner:
    """``auto``: ONNX Runtime on CPU when it is installed, else eager PyTorch (always PyTorch on CUDA). ``int8``:
    the quantized graph (:mod:`detector.quantize`), which only ONNX Runtime on the CPU runs. ``bf16``: PyTorch
    under bfloat16 autocast, on CUDA or a CPU with native bfloat16 only (emulated it is far slower than fp32)."""
    if precision == "bf16":
        if runtime == "onnxruntime":
            raise WeightsError("precision bf16 runs in PyTorch, not ONNX Runtime; use runtime auto or torch")
        if not native_bf16(device):
            raise WeightsError(
                f"precision bf16 needs native bfloat16 (a CPU with AVX512-BF16 or AMX, a GPU from Ampere on), and "
                f"this {device.type} has none (emulated, bf16 is several times slower than fp32); use precision fp32"
            )
        return TorchRunner(model, device, bf16=True)
    if int8 is not None and (device.type != "cpu" or runtime == "torch" or not onnxruntime_available()):
        why = "runtime torch" if runtime == "torch" else device.type if device.type != "cpu" else "no onnxruntime"
        raise WeightsError(f"precision int8 runs under ONNX Runtime on the CPU only ({why}); use precision fp32")
    if runtime == "onnxruntime" and device.type != "cpu":
        raise WeightsError(f"runtime onnxruntime runs on the CPU only, not on {device.type}; use runtime torch")
    if runtime == "onnxruntime" and not onnxruntime_available():
        raise WeightsError("runtime onnxruntime was asked for but the onnxruntime package is not installed")
    if onnx_wanted(runtime, device):
        try:
            return OnnxRunner(model, input_size, threads, int8)
        except Exception as e:  # an exporter or runtime fault must not stop detection: eager PyTorch still works
            if runtime == "onnxruntime" or int8 is not None:
                raise WeightsError(f"could not build the ONNX Runtime session: {e}") from e
            log.warning("ONNX Runtime unavailable (%s); running the network in PyTorch", e)
    return TorchRunner(model, device)
