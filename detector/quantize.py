"""The network in 8-bit integers: a file derived from the SSD weights, for ONNX Runtime on the CPU.

``closebot quantize`` exports the SSD as the runtime does (:func:`detector.runtime.export_onnx`), calibrates every
convolution's input range on tiles cut from real screens exactly as :meth:`detector.engine.Detector.cut` cuts them,
and writes ``NAME.int8.onnx`` beside ``NAME.pt`` with a ``NAME.int8.json`` manifest: the SSD file's sha256 it was
made from, the calibration recipe, the onnxruntime version and the file's own sha256.
``detector.inference.precision: int8`` then runs that graph instead of the float one.

Three choices, measured on a 2-core AVX2 EPYC (docs/experiments.md, the entry "int8"):

* ``reduce_range``: weights in 7 bits. Without AVX-512 VNNI, ONNX Runtime multiplies uint8 activations by int8
  weights with ``vpmaddubsw``, whose 16-bit pair sums saturate for 8-bit by 8-bit products; they did: candidate
  scores moved by 0.29 on average against the float graph, and by 0.03 with 7-bit weights.
* Only the six 3x3 convolutions of the three stages are quantized (:data:`QUANTIZED`; weights per output channel,
  inputs per tensor): 77% of the network's multiply-adds. Each part alone in int8 moved the scores (above 0.2, 12
  held-out screens) by: stem 0.022, stage8 0.010, stage16 0.005, stage32 0.001, top-down fusion 0.007, heads 0.011.
  The stem's 3x3 convolution is the costliest single layer (14%), but in int8 the whole network was only ~3% faster
  with it than without (quantizing its 108x108 input eats most of the saving), so it stays in floats with the
  stem, the fusion, the heads, the residual adds and the softmax.
* Input ranges: the 99.99th percentile of each input's values on the calibration tiles (:data:`PERCENTILE`), not
  their maximum: on 24 held-out screens (synth5) the close/skip scores above 0.2 moved by 0.023 on average
  against the float graph (0.025 with min/max ranges; with the stem's conv also quantized 0.031 against 0.051, where
  the 99.9th / 99.95th / 99.999th percentiles gave 0.050 / 0.037 / 0.043). The percentile's histograms need tiles
  of one size: calibration keeps the screens whose tiles have the first screen's size (``scripts/data.sh`` makes
  ``data/calib`` at 1080x2400).

On the five sets `closebot promote` judges by (1450 held-out screens) the int8 network taps as many screens right as
the float one (965) with one false tap more (25 against 24), so the gate refuses it and ``fp32`` stays the default.

The file holds an ONNX graph (operators and tensors, no code); it is read only after its sha256 matches its
manifest and the manifest names the SSD being loaded, so a stale graph never runs beside newer weights.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from detector.errors import WeightsError
from detector.weights import manifest_path, sha256_of, write_manifest

if TYPE_CHECKING:  # the engine imports this module
    from detector.engine import Detector

FORMAT = "closebot-int8/1"
PERCENTILE = 99.99  # of each quantized input's values on the calibration tiles: its range (module docstring)
# The convolutions quantized, by the module path the exporter writes into node names (see the module docstring).
QUANTIZED = ("/backbone/stage8/", "/backbone/stage16/", "/backbone/stage32/")


def int8_path(ssd: Path | str) -> Path:
    """Where the int8 graph of SSD weights file ``ssd`` lives: ``NAME.int8.onnx`` beside ``NAME.pt``."""
    ssd = Path(ssd)
    return ssd.with_name(ssd.stem + ".int8.onnx")


def int8_manifest_path(ssd: Path | str) -> Path:
    """Its manifest, ``NAME.int8.json`` (where :func:`detector.weights.write_manifest` writes it)."""
    return manifest_path(int8_path(ssd))


def calibration_data(ssd: Path | str) -> list[str]:
    """The data folders the int8 graph of ``ssd`` was calibrated on, as its manifest says ([] when unreadable)."""
    try:
        return [str(d) for d in json.loads(int8_manifest_path(ssd).read_text())["calibration"]["data"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def quantize_command(ssd: Path | str) -> str:
    """The command that remakes the int8 graph of ``ssd``, with the data its manifest names (DIR when unknown)."""
    data = " ".join(f"--data {d}" for d in calibration_data(ssd) or ["DIR"])
    return f"closebot quantize {data} --weights {ssd}"


@dataclass(frozen=True)
class QuantizeReport:
    path: Path
    source_sha256: str
    screens: int
    tiles: int
    skipped: int  # screens whose tiles had another size than the first's
    size_bytes: int


def load_int8(ssd: Path | str, ssd_sha256: str) -> bytes:
    """The int8 graph made from the SSD file ``ssd`` whose sha256 is ``ssd_sha256``. Every way it can be wrong is a
    WeightsError naming the file and what to run: missing, no manifest, changed since it was written, or made from
    other weights."""
    path, side = int8_path(ssd), int8_manifest_path(ssd)
    fix = f"run `{quantize_command(ssd)}`, or set detector.inference.precision: fp32"
    if not path.is_file():
        raise WeightsError(f"{path}: int8 graph not found (precision int8); {fix}")
    try:
        manifest = json.loads(side.read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise WeightsError(f"{side}: missing or unreadable manifest of {path.name} ({e}); {fix}") from e
    if manifest.get("format") != FORMAT:
        raise WeightsError(f"{side}: not a closebot int8 manifest (expected format {FORMAT!r})")
    graph = path.read_bytes()
    if hashlib.sha256(graph).hexdigest() != manifest.get("sha256"):
        raise WeightsError(f"{path}: sha256 differs from {side.name}: the file was modified or truncated; {fix}")
    if manifest.get("source_sha256") != ssd_sha256:
        raise WeightsError(
            f"{path}: quantized from SSD weights {str(manifest.get('source_sha256'))[:12]}, not from {Path(ssd).name} "
            f"({ssd_sha256[:12]}): it is stale; {fix}"
        )
    return graph


def quantize(
    detector: Detector,
    screens: Iterable[np.ndarray],
    recipe: dict[str, Any],
) -> QuantizeReport:
    """Write the int8 graph of ``detector`` (loaded from a weights file, its ``source``) calibrated on the tiles it
    cuts from ``screens`` (RGB uint8 arrays). ``recipe`` (data folders, screen count...) goes into the manifest."""
    import onnx
    import onnxruntime
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    from detector.runtime import export_onnx, network_graph

    class Tiles(CalibrationDataReader):
        """The calibration reader over :func:`batches`' tiles."""

        def __init__(self, batches: Iterator[np.ndarray]) -> None:
            self.batches = batches

        def get_next(self) -> dict[str, np.ndarray] | None:
            batch = next(self.batches, None)
            return None if batch is None else {"tiles": batch}

    ssd = Path(detector.source)
    if not ssd.is_file():
        raise WeightsError(f"{detector.source}: quantize needs a detector loaded from a weights file")
    source_sha = detector.manifest.get("sha256") or sha256_of(ssd)
    counted = {"screens": 0, "tiles": 0, "skipped": 0}
    size: list[tuple[int, ...]] = []

    def batches() -> Iterator[np.ndarray]:
        for img in screens:
            h, w = img.shape[:2]
            tiles, _ = detector.cut(img, detector.plan(w, h))
            size[:] = size or [tiles.shape[1:]]
            if tiles.shape[1:] != size[0]:  # the percentile's histograms take one tile size
                counted["skipped"] += 1
                continue
            counted["screens"] += 1
            counted["tiles"] += len(tiles)
            for t in tiles:  # one tile a batch: the histograms take one shape, and screens have 6-12 tiles
                yield t[None]

    out = int8_path(ssd)
    with tempfile.TemporaryDirectory() as tmp:
        fp32, pre, q = Path(tmp, "fp32.onnx"), Path(tmp, "pre.onnx"), Path(tmp, "int8.onnx")
        fp32.write_bytes(export_onnx(*network_graph(detector.model, detector.spec.input_size)))
        quant_pre_process(str(fp32), str(pre), skip_symbolic_shape=True)
        convs = [n.name for n in onnx.load(str(pre)).graph.node if n.op_type == "Conv"]
        chosen = [n for n in convs if n.startswith(QUANTIZED)]
        if len(chosen) != 6:  # the backbone this was measured on (2 a stage); another one needs a look
            raise WeightsError(f"quantize: expected the 6 convolutions of the stages {QUANTIZED}, found {chosen}")
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # onnxruntime prints its calibration steps
                quantize_static(
                    str(pre),
                    str(q),
                    Tiles(batches()),
                    quant_format=QuantFormat.QDQ,
                    per_channel=True,
                    reduce_range=True,  # 7-bit weights: no saturation in AVX2 u8 x s8 products (module docstring)
                    activation_type=QuantType.QUInt8,
                    weight_type=QuantType.QInt8,
                    calibrate_method=CalibrationMethod.Percentile,
                    extra_options={"CalibPercentile": PERCENTILE},
                    op_types_to_quantize=["Conv"],
                    nodes_to_exclude=[n for n in convs if n not in chosen],
                )
        except Exception as e:
            if counted["screens"] == 0:  # nothing to calibrate on: onnxruntime fails somewhere inside
                raise WeightsError("quantize: no calibration screens") from e
            raise
        tmp_out = out.with_suffix(".onnx.tmp")
        tmp_out.write_bytes(q.read_bytes())
    os.replace(tmp_out, out)
    manifest = {
        "format": FORMAT,
        "source": ssd.name,
        "source_sha256": source_sha,
        "calibration": {
            **recipe,
            "screens": counted["screens"],
            "tiles": counted["tiles"],
            "tile_input": list(size[0]) if size else None,
            "skipped_screens": counted["skipped"],
            "method": f"percentile {PERCENTILE}",
            "quantized": list(QUANTIZED),
            "scheme": "QDQ; weights int8 per output channel in 7 bits (reduce_range); inputs uint8 per tensor",
        },
        "onnxruntime": onnxruntime.__version__,
        "sha256": sha256_of(out),
    }
    write_manifest(out, manifest)
    return QuantizeReport(out, source_sha, counted["screens"], counted["tiles"], counted["skipped"], out.stat().st_size)
