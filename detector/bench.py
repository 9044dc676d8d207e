"""``closebot bench``: speed of whole-frame detection on this machine, and of a template matcher on the same frames.

Frames are generated 1080x2400 ad screens (held-out layouts and assets); generation is not timed, nor is capture.
Both detectors run in one process and in turn: the template matcher on frames spread over the run, each right
after closebot saw it, so their ratio is measured under the same conditions even on a machine whose speed drifts.
The template matcher is what a user of template tools would write: a few close/skip templates, grey-scale
``cv2.matchTemplate`` (normalised correlation) at 8 scales covering 24-150 px buttons.
"""

from __future__ import annotations

import copy
import logging
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import get_args

import cv2
import numpy as np

from detector.engine import Detector, DetectResult
from detector.errors import WeightsError
from detector.quantize import load_int8
from detector.runtime import InferencePrecision, OnnxRunner, TileRunner, TorchRunner, native_bf16, onnx_wanted
from detector.synth import assets, screen
from detector.tiling import TileShape

log = logging.getLogger(__name__)
TEMPLATE_SCALES = (24, 34, 46, 60, 78, 100, 125, 150)


def bench_frames(n: int, seed: int, size: tuple[int, int] = (1080, 2400)) -> list[np.ndarray]:
    pool = assets.load_pool("val")
    frames = []
    for i in range(n):
        rng = random.Random(f"bench:{seed}:{i}")
        scr = screen.compose(rng, pool, rng.choice(screen.VAL_LAYOUTS), size)
        frames.append(np.asarray(scr.image.convert("RGB")))
    return frames


def _templates() -> list[np.ndarray]:
    """Grey 64x64 templates: x in a dark circle, x in a light circle, bare dark x, x in an outline circle, ">>"."""
    out = []
    for bg, fg, plate in ((255, 255, 40), (235, 255, 180), (255, 30, None), (255, 60, "ring")):
        t = np.full((64, 64), bg, np.uint8)
        if plate == "ring":
            cv2.circle(t, (32, 32), 29, fg, 3, cv2.LINE_AA)
        elif plate is not None:
            cv2.circle(t, (32, 32), 30, plate, -1, cv2.LINE_AA)
        cv2.line(t, (20, 20), (44, 44), fg, 5, cv2.LINE_AA)
        cv2.line(t, (44, 20), (20, 44), fg, 5, cv2.LINE_AA)
        out.append(t)
    ff = np.full((64, 64), 40, np.uint8)
    for x0 in (14, 32):
        cv2.fillPoly(ff, [np.array([[x0, 18], [x0 + 18, 32], [x0, 46]], np.int32)], 255, cv2.LINE_AA)
    out.append(ff)
    return out


def template_match(
    frame: np.ndarray, templates: list[np.ndarray], threshold: float = 0.8
) -> list[tuple[int, int, int, float]]:
    grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    hits = []
    for t in templates:
        for s in TEMPLATE_SCALES:
            ts = cv2.resize(t, (s, s), interpolation=cv2.INTER_AREA)
            res = cv2.matchTemplate(grey, ts, cv2.TM_CCOEFF_NORMED)
            _, mx, _, loc = cv2.minMaxLoc(res)
            if mx >= threshold:
                hits.append((loc[0], loc[1], s, float(mx)))
    return hits


def _peak_rss_of_detect(
    frames: list[np.ndarray], weights: Path, config: Path | None, verifier: str | None = None, precision: str = "fp32"
) -> float:
    """Peak RSS (MiB) of a `closebot detect` process over the given frames (the network in ``precision``), read
    from the kernel's rusage."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, f in enumerate(frames):
            p = Path(tmp) / f"frame{i}.png"
            cv2.imwrite(str(p), cv2.cvtColor(f, cv2.COLOR_RGB2BGR))
            paths.append(str(p))
        cmd = [sys.executable, "-m", "agent.cli", "detect", *paths, "--json", "--weights", str(weights)]
        cmd += ["--precision", precision]
        if config:
            cmd += ["--config", str(config)]
        if verifier:
            cmd += ["--verifier", verifier]
        return peak_rss_mib(cmd, cwd=Path(__file__).resolve().parent.parent)


# Runs argv[1:] and prints the peak RSS (KiB) of that child. It is a process of its own because Linux carries a
# process's peak RSS over from the memory it had before exec: a child started straight from the bench (a large
# process) reported the bench's own size, ~1.5 GiB for a detect that peaks at ~1.0 GiB (README "Measured").
_RSS_PROBE = (
    "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)"
)


def peak_rss_mib(cmd: list[str], cwd: Path | None = None) -> float:
    """Peak RSS (MiB) of the process ``cmd``, read from the kernel's rusage through a small go-between process (so
    not the caller's own size); CalledProcessError when ``cmd`` fails."""
    try:
        out = subprocess.run(
            [sys.executable, "-c", _RSS_PROBE, *cmd], check=True, stdout=subprocess.PIPE, text=True, cwd=cwd
        ).stdout
    except subprocess.CalledProcessError as e:  # the probe fails as the command did: name the command, not the probe
        raise subprocess.CalledProcessError(e.returncode, cmd) from e
    return int(out.split()[-1]) / 1024.0


def _model_ms(det: Detector, runner: TileRunner, imgs: list[np.ndarray]) -> float:
    """Median ms per frame of ``runner`` alone over the tiles ``det`` cuts from ``imgs`` (same batches)."""
    per_frame = []
    for img in imgs:
        tiles = det.plan(img.shape[1], img.shape[0])
        tiled, _ = det.cut(img, tiles)
        batches = [tiled[i : i + det.cfg.batch_size] for i in range(0, len(tiles), det.cfg.batch_size)]
        t0 = time.perf_counter()
        for b in batches:
            runner(b)
        per_frame.append((time.perf_counter() - t0) * 1000)
    return statistics.median(per_frame)


def _in_turn(variants: dict[str, tuple[TileRunner, list[np.ndarray]]], batch_size: int) -> dict[str, float]:
    """Median ms per frame of each variant's runner over its own tiles of the same frames (a list of tile batches,
    one a frame), the variants timed in turn on every frame (their order alternating), so machine drift during the
    run hits all alike."""
    names = list(variants)
    for runner, cuts in variants.values():  # warm-up: each runner and input size once
        runner(cuts[0][:batch_size])
    times: dict[str, list[float]] = {n: [] for n in names}
    for i in range(len(next(iter(variants.values()))[1])):
        for n in names if i % 2 == 0 else reversed(names):
            runner, cuts = variants[n]
            t0 = time.perf_counter()
            for b in range(0, len(cuts[i]), batch_size):
                runner(cuts[i][b : b + batch_size])
            times[n].append((time.perf_counter() - t0) * 1000)
    return {n: round(statistics.median(t), 1) for n, t in times.items()}


def model_ms_by_shape(det: Detector, imgs: list[np.ndarray]) -> dict[str, float]:
    """Median ms per frame of ``det``'s runner alone over each tile shape's tiles of ``imgs``, timed in turn."""
    cutters = {s: det for s in get_args(TileShape)}
    for s in cutters:
        if s != det.cfg.tile_shape:  # the same network and runner, only the cut differs; ``det`` is left as it is
            cutters[s] = copy.copy(det)
            cutters[s].cfg = replace(det.cfg, tile_shape=s)
    cut = {s: [c.cut(img, c.plan(img.shape[1], img.shape[0]))[0] for img in imgs] for s, c in cutters.items()}
    return _in_turn({s: (det.runner, cut[s]) for s in cutters}, det.cfg.batch_size)


def model_ms_by_precision(det: Detector, imgs: list[np.ndarray]) -> dict[str, float] | None:
    """Median ms per frame of the network in each precision that can run here (fp32; int8 with its graph under ONNX
    Runtime on the CPU, :mod:`detector.quantize`; bf16 where the device computes it natively) over the same tiles of
    ``imgs``, timed in turn; None when only the detector's own can."""
    runners: dict[str, TileRunner] = {det.runner.precision: det.runner}
    float_onnx = det.device.type == "cpu" and onnx_wanted(det.cfg.runtime, det.device)
    if "fp32" not in runners:
        runners["fp32"] = (
            OnnxRunner(det.model, det.spec.input_size, det.threads)
            if float_onnx
            else TorchRunner(det.model, det.device)
        )
    if "int8" not in runners and float_onnx:
        try:
            graph = load_int8(det.source, det.manifest.get("sha256", ""))
            runners["int8"] = OnnxRunner(det.model, det.spec.input_size, det.threads, graph)
        except WeightsError as e:
            log.info("bench: no int8 timing (%s)", e)
    if "bf16" not in runners and native_bf16(det.device):
        runners["bf16"] = TorchRunner(det.model, det.device, bf16=True)
    if len(runners) < 2:
        return None
    cuts = [det.cut(img, det.plan(img.shape[1], img.shape[0]))[0] for img in imgs]
    return _in_turn({p: (runners[p], cuts) for p in get_args(InferencePrecision) if p in runners}, det.cfg.batch_size)


def spread(n: int, k: int) -> list[int]:
    """``k`` indices of ``n`` frames spread evenly from the first to the last (all of them when ``k >= n``)."""
    if k >= n:
        return list(range(n))
    if k == 1:
        return [0]
    return [round(i * (n - 1) / (k - 1)) for i in range(k)]


def timed_in_turn(
    det: Detector, imgs: list[np.ndarray], templates: list[np.ndarray], template_at: list[int]
) -> tuple[list[tuple[float, DetectResult]], list[float]]:
    """Each frame through ``det`` (ms and result), and the frames at ``template_at`` through the template matcher
    right after closebot saw them (ms): the two detectors alternate over the whole run, so a machine that slows
    down or speeds up during it (one VM's median frame varied 86-122 ms within an hour, README "Measured") moves
    both medians alike and their ratio stays what it is."""
    timed, tm = [], []
    for i, img in enumerate(imgs):
        t0 = time.perf_counter()
        r = det.detect(img)
        timed.append(((time.perf_counter() - t0) * 1000, r))
        if i in template_at:
            t0 = time.perf_counter()
            template_match(img, templates)
            tm.append((time.perf_counter() - t0) * 1000)
    return timed, tm


def run_bench(
    det: Detector,
    frames: int = 20,
    seed: int = 123,
    template_frames: int = 5,
    weights: Path | None = None,
    config: Path | None = None,
    rss: bool = True,
    verifier_arg: str | None = None,
) -> dict:
    """``verifier_arg``: the ``--verifier`` value the measured `closebot detect` process gets (None: the config's)."""
    imgs = bench_frames(frames, seed)
    det.detect(imgs[0])  # warm-up: first-call allocations and kernel selection
    templates = _templates()
    timed, tm = timed_in_turn(det, imgs, templates, spread(len(imgs), max(1, template_frames)))
    totals, pre, model, post, verify, zoom, crops, coarse, speaker = [], [], [], [], [], [], [], [], []
    for ms, r in timed:
        totals.append(ms)
        pre.append(r.timings.preprocess_ms)
        model.append(r.timings.model_ms)
        post.append(r.timings.postprocess_ms)
        verify.append(r.timings.verify_ms)
        zoom.append(r.timings.zoom_ms)
        crops.append(r.timings.zoom_crops)
        coarse.append(r.timings.coarse)
        speaker.append(r.timings.speaker_ms)
    eager_ms = None
    if det.runner.name != "torch":  # the same tiles through eager PyTorch, for the runtime's share of the speed
        eager = TorchRunner(det.model, det.device)
        eager(det.cut(imgs[0], det.plan(imgs[0].shape[1], imgs[0].shape[0]))[0][: det.cfg.batch_size])
        eager_ms = round(_model_ms(det, eager, imgs), 1)
    by_shape = model_ms_by_shape(det, imgs)
    by_precision = model_ms_by_precision(det, imgs)
    tiles = len(det.plan(imgs[0].shape[1], imgs[0].shape[0]))
    tile = det.plan(1080, 2400)[0]
    mh, mw = det.input_dims(tile, 1080, 2400)
    med = statistics.median(totals)
    tmed = statistics.median(tm)
    result = {
        "frame": "1080x2400",
        "frames": len(imgs),
        "tiles_per_frame": tiles,
        "tile_shape": det.cfg.tile_shape,
        "tile_px": f"{tile.w}x{tile.h}",
        "input_px": f"{mw}x{mh}",
        "batch_size": det.cfg.batch_size,
        "threads": det.threads,
        "device": str(det.device),
        "runtime": det.runner.name,
        "median_ms": round(med, 1),
        "p90_ms": round(sorted(totals)[int(0.9 * (len(totals) - 1))], 1),
        "median_preprocess_ms": round(statistics.median(pre), 1),
        "median_model_ms": round(statistics.median(model), 1),
        "median_postprocess_ms": round(statistics.median(post), 1),
        "verifier": det.verifier.source if det.verifier else None,
        "median_verify_ms": round(statistics.median(verify), 1),
        "speaker_check": det.speaker.source if det.speaker else None,
        "mean_speaker_ms": round(statistics.fmean(speaker), 2),
        "zoom": det.cfg.zoom.enabled,
        "median_zoom_ms": round(statistics.median(zoom), 1),
        "mean_zoom_ms": round(statistics.fmean(zoom), 1),
        "zoom_crops_per_frame": round(statistics.fmean(crops), 2),
        "coarse_look_frames": sum(coarse),
        "median_model_ms_eager_torch": eager_ms,
        "median_model_ms_by_tile_shape": by_shape,
        "precision": det.runner.precision,
        "median_model_ms_by_precision": by_precision,
        "template_matcher_median_ms": round(tmed, 1),
        "template_matcher_calls_per_frame": len(templates) * len(TEMPLATE_SCALES),
        "template_matcher_frames": len(tm),
        "speedup_vs_template": round(tmed / med, 1),
        "peak_rss_detect_mib": (
            round(_peak_rss_of_detect(imgs[:5], weights, config, verifier_arg, det.runner.precision), 0)
            if rss and weights
            else None
        ),
    }
    rows = [
        ("frames (1080x2400, held-out layouts)", result["frames"]),
        (
            "tiles per frame / tile px -> input px",
            f"{tiles} {result['tile_shape']}s / {result['tile_px']} -> {result['input_px']}",
        ),
        (
            "batch size / threads / device / runtime (precision)",
            f"{result['batch_size']} / {result['threads']} / {result['device']} / {result['runtime']}"
            f" ({result['precision']})",
        ),
        ("closebot median ms per frame (p90)", f"{result['median_ms']} ({result['p90_ms']})"),
        (
            "  pre-processing / model / post-processing / verifier",
            f"{result['median_preprocess_ms']} / {result['median_model_ms']} / {result['median_postprocess_ms']}"
            f" / {result['median_verify_ms'] if det.verifier else 'off'}",
        ),
        ("  speaker check: mean ms per frame", result["mean_speaker_ms"] if det.speaker else "off"),
        (
            "  closer look: median / mean ms, crops per frame, frames with a coarse look",
            f"{result['median_zoom_ms']} / {result['mean_zoom_ms']}, {result['zoom_crops_per_frame']},"
            f" {result['coarse_look_frames']} of {len(timed)}"
            if result["zoom"]
            else "off",
        ),
        *(
            [("  model in eager PyTorch (same tiles)", result["median_model_ms_eager_torch"])]
            if eager_ms is not None
            else []
        ),
        (
            "  model, tile shapes in turn: " + " / ".join(by_shape),
            " / ".join(str(v) for v in by_shape.values()),
        ),
        *(
            [
                (
                    "  model, precisions in turn: " + " / ".join(by_precision),
                    " / ".join(str(v) for v in by_precision.values()),
                )
            ]
            if by_precision is not None
            else []
        ),
        (
            "template matcher median ms per frame",
            f"{result['template_matcher_median_ms']} "
            f"({result['template_matcher_calls_per_frame']} matchTemplate calls; {len(tm)} frames, in turn)",
        ),
        ("speed-up vs template matcher", f"{result['speedup_vs_template']}x"),
        ("peak RSS of `closebot detect` (MiB)", result["peak_rss_detect_mib"]),
    ]
    width = max(len(r[0]) for r in rows)
    result["table"] = "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)
    return result
