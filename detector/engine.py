"""Whole-screen detection: tile, batch through the network, decode, map back to screen pixels, merge.

``Detector.detect(image)`` takes an RGB ``numpy`` array of any size and returns typed detections in that image's
pixels plus a timing split. The network runs without autograd, on CUDA when asked for and available.
"""

from __future__ import annotations

import logging
import math
import os
import time
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Literal

import cv2
import numpy as np
import torch
from torchvision.ops import batched_nms

from detector.errors import ImageError, WeightsError
from detector.glyphs import bare_mark_in_row
from detector.model import ModelSpec, anchors_xyxy
from detector.quantize import load_int8
from detector.runtime import InferencePrecision, Runtime, make_runner, onnx_wanted
from detector.speaker import SpeakerCheck
from detector.tiling import (
    REFERENCE_SHORT_SIDE,
    TRAINING_TILE,
    Tile,
    TileShape,
    merge_detections,
    plan_tiles,
    scaled_tile,
    strip_across,
)
from detector.types import CLASSES, Box, Detection
from detector.verifier import Verifier
from detector.weights import load_weights, model_from_weights
from detector.zoom import (
    ZoomConfig,
    add_coarse,
    add_corner_closes,
    candidates,
    candidates_blocked,
    coarse_blocked,
    coarse_geometry,
    coarse_targets,
    corner_looks,
    corners_blocked,
    refine_targets,
    usable,
    whole_cells,
    zoom_square,
)
from detector.zoom import apply as apply_zoom
from detector.zoom import refine as refine_boxes

log = logging.getLogger(__name__)
TorchDevice = Literal["auto", "cpu", "cuda"]
MAX_PIXELS = 40_000_000  # larger inputs are refused before any tile is cut (a 20000x20000 image is 400 Mpx)
# How a frame is shrunk for the tiles: an area average, as training shrinks its crops (detector.data); INTER_LINEAR
# would take 7 of the ~9 ms of pre-processing off a 1080x2400 frame (weights/candidates/speed/).
SHRINK = cv2.INTER_AREA


@dataclass(frozen=True)
class InferenceConfig:
    # "strip": 4 full-width strips of 672x448 model px a 1080x2400 frame, 20% less network time than 8 squares of
    # 720 px (432 model px), and with the policy's thresholds set for them more screens right with fewer false taps
    # on the six evaluation sets (docs/experiments.md, "Strips by default"). "square": the default until 2026-12-06.
    tile_shape: TileShape = "strip"
    tile_size: int = 720
    min_overlap: int = 160
    scale_with_screen: bool = True
    batch_size: int = 24
    min_score: float = 0.2  # detections below this are dropped before merging
    nms_iou: float = 0.5
    max_candidates: int = 4000  # per frame, before NMS
    max_detections: int = 300  # per frame, after NMS
    threads: int = 0  # 0: one per core, capped at 2
    torch_device: TorchDevice = "auto"
    runtime: Runtime = "auto"  # auto: ONNX Runtime on CPU when installed, else PyTorch
    # int8: the quantized graph beside the weights (NAME.int8.onnx, `closebot quantize`), ONNX Runtime on CPU only;
    # bf16: PyTorch under bfloat16 autocast, on a CPU with native bfloat16 (AVX512-BF16, AMX) or GPU (Ampere on)
    precision: InferencePrecision = "fp32"
    zoom: ZoomConfig = field(default_factory=ZoomConfig)  # a closer look at close candidates under the threshold


@dataclass(frozen=True)
class DetectTimings:
    tiles: int
    preprocess_ms: float
    model_ms: float
    postprocess_ms: float
    verify_ms: float = 0.0  # the verifier's second look at close/skip candidates (0 without one)
    zoom_ms: float = 0.0  # the closer look at close candidates under the threshold (detector.zoom)
    zoom_crops: int = 0
    coarse: bool = False  # the frame got the coarse look too (detector.zoom; its time is in zoom_ms)
    speaker_ms: float = 0.0  # the speaker check on the frame's closes (detector.speaker; 0 without one)

    @property
    def total_ms(self) -> float:
        return (
            self.preprocess_ms + self.model_ms + self.postprocess_ms + self.verify_ms + self.zoom_ms + self.speaker_ms
        )


@dataclass(frozen=True)
class DetectResult:
    width: int
    height: int
    detections: list[Detection]  # what the policy sees
    timings: DetectTimings
    # only when asked for (``Detector.detect(image, ap_floor=...)``): the network's further boxes scoring in
    # (ap_floor, min_score], none a deployed box of its class already covers, close/skip ones scored by the verifier
    # (when there is one) like the deployed ones. For precision-recall curves only: the daemon never sees them, so
    # they never change a tap decision.
    below: list[Detection] = field(default_factory=list)


def resolve_device(choice: TorchDevice) -> torch.device:
    if choice == "cuda" and not torch.cuda.is_available():
        raise WeightsError("--torch-device cuda was asked for but no CUDA device is available")
    if choice == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(choice)


class Detector:
    """A loaded model plus the tiling that feeds it. Safe to share between devices of one daemon (one thread)."""

    def __init__(
        self,
        model: torch.nn.Module,
        spec: ModelSpec,
        cfg: InferenceConfig,
        manifest: dict | None = None,
        source: str = "<memory>",
        verifier: Verifier | None = None,
        int8: bytes | None = None,
        speaker: SpeakerCheck | None = None,
    ) -> None:
        if cfg.zoom.enabled and verifier is None:
            # The closer look was chosen and measured with the verifier vetting what it raises. Without one, the
            # network alone, magnified, took the "x" of an "x2" price for a close at 0.96 (a store opening in
            # tests/test_faults.py's rotation run), so it runs only with a verifier.
            log.info("closer look (detector.inference.zoom) off: it runs only with the verifier")
            cfg = replace(cfg, zoom=replace(cfg.zoom, enabled=False))
        self.cfg = cfg
        self.spec = spec
        self.manifest = manifest or {}
        self.source = source
        self.device = resolve_device(cfg.torch_device)
        self.threads = cfg.threads or max(1, min(2, os.cpu_count() or 1))
        if self.device.type == "cpu":
            torch.set_num_threads(self.threads)
        self.model = model.eval().to(self.device)
        # Native tile side (at the 1080-px reference) the network was trained to see as spec.input_size pixels:
        # a tile of another side is resized by the same factor, so buttons keep their size in model pixels.
        # (older manifests have it only as the inference tile they were validated with, then always 480)
        trained = self.manifest.get("train_tile") or self.manifest.get("tile", {}).get("tile_size", TRAINING_TILE)
        self.trained_tile = int(trained)
        self._anchors: dict[tuple[int, int], torch.Tensor] = {}
        if cfg.precision == "int8" and int8 is None:
            raise WeightsError(f"{source}: precision int8 needs the int8 graph beside a weights file (Detector.load)")
        self.runner = make_runner(
            self.model, spec.input_size, self.device, cfg.runtime, self.threads, int8, cfg.precision
        )
        # The verifier runs in fp32 where a float network would (its crops are cut on the CPU either way): with the
        # SSD in bf16 still under ONNX Runtime, which runs the small network faster than eager PyTorch does.
        on_onnx = self.runner.name == "onnxruntime" or onnx_wanted(cfg.runtime, self.device)
        self.verifier = (
            verifier.on_runtime("onnxruntime" if on_onnx else "torch", self.threads) if verifier is not None else None
        )
        # the last word on a frame's closes: a muted speaker's x is dropped (detector.speaker); it runs on the CPU
        self.speaker = speaker
        log.info(
            "detector %s on %s (%s, %s), %d threads, verifier %s, speaker check %s",
            source,
            self.device,
            self.runner.name,
            self.runner.precision,
            self.threads,
            f"{self.verifier.source} ({self.verifier.runtime})" if self.verifier else "none",
            self.speaker.source if self.speaker else "none",
        )

    @classmethod
    def load(
        cls,
        path: Path | str,
        cfg: InferenceConfig | None = None,
        verifier: Path | str | Verifier | None = None,
        speaker: SpeakerCheck | None = None,
    ) -> Detector:
        """The detector in weights file ``path``, with the verifier in file ``verifier`` (or that object) and the
        speaker check ``speaker`` if given; with ``precision: int8``, the int8 graph beside ``path`` (checked to be
        made from it)."""
        cfg = cfg or InferenceConfig()
        w = load_weights(path)
        if isinstance(verifier, str | Path):
            verifier = Verifier.load(verifier)
        int8 = load_int8(path, w.manifest["sha256"]) if cfg.precision == "int8" else None
        return cls(model_from_weights(w), w.spec, cfg, w.manifest, str(path), verifier, int8, speaker)

    def plan(self, width: int, height: int) -> list[Tile]:
        c = self.cfg
        return plan_tiles(width, height, c.tile_size, c.min_overlap, c.scale_with_screen, c.tile_shape)

    def training_scale(self, width: int, height: int) -> float:
        """Model pixels per screen pixel the network was trained at, on a ``width`` x ``height`` screen
        (``spec.input_size`` per ``trained_tile``, scaled with the screen like the plan): 0.6 on a 1080-px-wide one."""
        ref = self.trained_tile
        if self.cfg.scale_with_screen:
            ref = scaled_tile(width, height, ref, 0)[0]
        return self.spec.input_size / ref

    def input_side(self, tile_side: int, width: int, height: int) -> int:
        """Model pixels of ``tile_side`` screen pixels at the training scale (a 720-px square: 432 px)."""
        return max(32, round(tile_side * self.training_scale(width, height)))

    def geometry(self, tile: Tile, width: int, height: int) -> tuple[float, tuple[int, int]]:
        """How ``tile`` of a ``width`` x ``height`` screen is fed to the network: (model pixels per screen pixel,
        (height, width) of its model input).

        * A square is resized at the training scale: a 720-px one is 432 px (the geometry every threshold, the
          verifier and the closer look were chosen on).
        * A strip spans the short side, so that side must end on a cell boundary of the network's coarsest map
          (32 px) as every training crop did (squares of 9 cells kept inside the screen): the training scale is
          raised just enough to make the short side whole cells (648 -> 672 px, 0.622 instead of 0.6; training
          jitters the scale far more, x0.7-1.45), and the strip's length is rounded up to whole cells (448 px).
          Measured (README "Measured"): strips of 648 px, ending mid-cell, missed closes at the right and bottom
          edges; at 640 px (0.593) they made 10 more false taps on 1720 screens; at 672 px as many as squares."""
        if self.cfg.tile_shape == "square":
            side = self.input_side(tile.w, width, height)
            return side / tile.w, (side, side)
        cell, short = self.coarsest_cell, min(width, height)
        k = strip_across(short, self.training_scale(width, height), cell) / short
        whole = [max(cell, math.ceil(round(n * k) / cell) * cell) for n in (tile.h, tile.w)]
        return k, (whole[0], whole[1])

    def input_dims(self, tile: Tile, width: int, height: int) -> tuple[int, int]:
        """(height, width) of ``tile``'s model input (:meth:`geometry`)."""
        return self.geometry(tile, width, height)[1]

    def anchors(self, dims: tuple[int, int]) -> torch.Tensor:
        """Default boxes of a model input of ``dims`` (height, width) pixels (cached per size)."""
        if dims not in self._anchors:
            self._anchors[dims] = anchors_xyxy(self.model, self.spec, dims).to(self.device)
        return self._anchors[dims]

    def cut(self, image: np.ndarray, tiles: list[Tile]) -> tuple[np.ndarray, np.ndarray]:
        """Every tile of ``image`` resized as :meth:`geometry` says, ``(N, mh, mw, 3)`` uint8, and per tile
        ``(x0, y0, sx, sy)``: its origin in image pixels and image pixels per input pixel, so a box maps back
        exactly (:meth:`cut_from`, without the resized image).
        """
        batch, origins, _ = self.cut_from(image, tiles)
        return batch, origins

    def cut_from(self, image: np.ndarray, tiles: list[Tile]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`cut`, and the whole ``image`` resized as the tiles were cut from it (the coarse look shrinks it
        further rather than the full frame again: half the cost).

        The image is resized once and the tiles are sliced from it: 3x cheaper than resizing overlapping crops
        one by one. A tile's model input (a strip's rounded up to whole cells) is moved inwards to lie inside the
        screen, like a training crop; only a screen smaller than a tile is padded grey (114). A tile origin that
        falls between resized pixels is rounded, and the rounded origin reported."""
        h, w = image.shape[:2]
        k, (mh, mw) = self.geometry(tiles[0], w, h)  # plan_tiles gives every tile of a frame one size
        sw, sh = max(1, round(w * k)), max(1, round(h * k))
        if (sw, sh) != (w, h):
            interp = SHRINK if k < 1 else cv2.INTER_LINEAR
            image = cv2.resize(image, (sw, sh), interpolation=interp)
        fx, fy = sw / w, sh / h
        shape = (len(tiles), mh, mw, 3)  # grey only where a tile reaches past a screen smaller than itself
        out = np.empty(shape, np.uint8) if sw >= mw and sh >= mh else np.full(shape, 114, np.uint8)
        origins = np.empty((len(tiles), 4), dtype=np.float32)
        for i, t in enumerate(tiles):
            x = min(round(t.x * fx), max(0, sw - mw))
            y = min(round(t.y * fy), max(0, sh - mh))
            part = image[y : y + mh, x : x + mw]
            out[i, : part.shape[0], : part.shape[1]] = part
            origins[i] = (x / fx, y / fy, 1.0 / fx, 1.0 / fy)
        return out, origins, image

    @torch.inference_mode()
    def _decode(
        self,
        dims: tuple[int, int],
        origins: np.ndarray,
        reg: torch.Tensor,
        scores: torch.Tensor,
        floor: float | None = None,
    ) -> list[Detection]:
        """Detections in screen pixels from the network's outputs for tiles of ``dims`` (height, width) model
        pixels, scoring above ``floor`` (default: ``min_score``)."""
        anchors = self.anchors(dims)
        reg, scores = reg.to(anchors.device), scores.to(anchors.device)
        fg = scores[..., 1:]
        floor = self.cfg.min_score if floor is None else floor
        tile_idx, anchor_idx, cls_idx = torch.nonzero(fg > floor, as_tuple=True)
        if tile_idx.numel() == 0:
            return []
        sel_scores = fg[tile_idx, anchor_idx, cls_idx]
        if sel_scores.numel() > self.cfg.max_candidates:  # an untrained or confused model: keep the best only
            top = sel_scores.topk(self.cfg.max_candidates).indices
            tile_idx, anchor_idx, cls_idx, sel_scores = tile_idx[top], anchor_idx[top], cls_idx[top], sel_scores[top]
        # only the candidates' boxes are decoded (a frame has ~160 k anchors, a few hundred candidates)
        sel_boxes = self.model.box_coder.decode_single(reg[tile_idx, anchor_idx], anchors[anchor_idx])
        mh, mw = dims
        sel_boxes = sel_boxes.clamp(min=0).minimum(sel_boxes.new_tensor([mw, mh, mw, mh]))
        o = torch.from_numpy(origins).to(device=sel_boxes.device, dtype=sel_boxes.dtype)
        offs, scale = o[:, [0, 1, 0, 1]], o[:, [2, 3, 2, 3]]
        screen_boxes = sel_boxes * scale[tile_idx] + offs[tile_idx]
        if bool((o[:, 2] < 0).any()):  # a mirrored square (negative x scale): its boxes' two x ends trade places
            x1, x2 = screen_boxes[:, 0], screen_boxes[:, 2]
            screen_boxes = torch.stack((x1.minimum(x2), screen_boxes[:, 1], x1.maximum(x2), screen_boxes[:, 3]), 1)
        keep = batched_nms(screen_boxes, sel_scores, cls_idx, self.cfg.nms_iou)[: self.cfg.max_detections]
        b, sc, c = screen_boxes[keep].cpu().tolist(), sel_scores[keep].cpu().tolist(), cls_idx[keep].cpu().tolist()
        dets = [Detection(Box(*bb), CLASSES[ci], float(sv)) for bb, sv, ci in zip(b, sc, c, strict=True)]
        return merge_detections(dets, self.cfg.nms_iou)

    @torch.inference_mode()
    def detect_in(self, image: np.ndarray, tiles: list[Tile]) -> list[Detection]:
        """The network's own detections (no verifier, no closer look) in ``tiles`` of ``image`` only, each tile of
        the plan's size (e.g. ``Tile.square_around`` one of its squares): what :meth:`detect` would propose there,
        for a fraction of a frame's cost (training the verifier on the SSD's candidates on pasted buttons)."""
        if not tiles:
            return []
        h, w = image.shape[:2]
        batch, origins = self.cut(image, tiles)
        outs = [self.runner(batch[i : i + self.cfg.batch_size]) for i in range(0, len(tiles), self.cfg.batch_size)]
        reg, sc = torch.cat([r for r, _ in outs]), torch.cat([s for _, s in outs])
        return self._clipped(self._decode(batch.shape[1:3], origins, reg, sc), w, h)

    def detect(self, image: np.ndarray, ap_floor: float | None = None) -> DetectResult:
        """Detections for one RGB uint8 image (H, W, 3), in its pixels. With ``ap_floor`` (evaluation), also the
        boxes under ``min_score`` down to it, from the same network pass, apart (``DetectResult.below``): the
        detections are exactly the daemon's either way."""
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ImageError(f"expected an RGB uint8 image, got shape {image.shape} and dtype {image.dtype}")
        h, w = image.shape[:2]
        if h == 0 or w == 0:
            raise ImageError("image has zero size")
        if h * w > MAX_PIXELS:
            raise ImageError(
                f"image is {w}x{h} ({h * w / 1e6:.0f} Mpx), more than the {MAX_PIXELS / 1e6:.0f} Mpx limit"
            )
        tiles = self.plan(w, h)
        ta = time.perf_counter()
        batch, origins, shrunk = self.cut_from(image, tiles)
        tb = time.perf_counter()
        regs, scs = [], []
        for i in range(0, len(tiles), self.cfg.batch_size):
            reg, sc = self.runner(batch[i : i + self.cfg.batch_size])
            regs.append(reg)
            scs.append(sc)
        tc = time.perf_counter()
        zoom = self.cfg.zoom
        # With the closer look on, close candidates are decoded down to zoom.floor: a small close the network
        # scores under min_score can still be one the closer look confirms. Those under min_score that it does not
        # raise are dropped again below, so everything else sees what it would without the closer look.
        floor = min(self.cfg.min_score, zoom.floor) if zoom.enabled else self.cfg.min_score
        reg_all, sc_all = torch.cat(regs), torch.cat(scs)
        dets = [
            d
            for d in self._clipped(self._decode(batch.shape[1:3], origins, reg_all, sc_all, floor), w, h)
            if d.score > self.cfg.min_score or d.label == "close"
        ]
        faint = [d for d in dets if d.score <= self.cfg.min_score]  # closes decoded for the closer look only
        dets = [d for d in dets if d.score > self.cfg.min_score]
        td = time.perf_counter()
        if self.verifier is not None:
            targets = sum(d.label in ("close", "skip") for d in dets)
            dets = self.verifier.rescore(image, dets)
            if faint and not candidates_blocked(dets, zoom):
                # the faint ones matter only to a closer look, which a frame with a tappable close never gets: they
                # are verified only now, in the room the stronger candidates left (as if verified with them)
                room = self.verifier.max_candidates - targets
                dets = sorted(dets + self.verifier.rescore(image, faint, room), key=lambda d: -d.score)
        te = time.perf_counter()
        looked = candidates(dets, zoom) if zoom.enabled else []
        if looked:
            zoomed = self.look_closer(image, [d.box for d in looked], accept=zoom.accept)
            glyph = partial(bare_mark_in_row, image, reach=zoom.glyph_reach) if zoom.glyph_reach > 0 else None
            dets = apply_zoom(dets, looked, zoomed, zoom, self.cfg.nms_iou, glyph)
        if faint:  # faint closes the closer look did not raise are dropped again
            gone = {d.box for d in faint}
            dets = [d for d in dets if d.box not in gone]
        corners = []
        if zoom.enabled and zoom.corners and not corners_blocked(dets, zoom):  # the corners, proposed or not
            corners, mirrored = corner_looks(w, h, zoom)
            seen = self.look_closer(image, corners, accept=zoom.accept, mirror=mirrored, cells=zoom.corner_cells)
            dets = add_corner_closes(dets, seen, zoom, self.cfg.nms_iou)
        coarse = zoom.enabled and zoom.coarse > 0 and not coarse_blocked(dets, zoom)
        if coarse:  # still no sure target: the whole screen once more, smaller, for buttons too large for the strips
            seen = self.look_coarse(image, zoom.coarse * self.training_scale(w, h), shrunk)
            dets = add_coarse(dets, seen, zoom, self.cfg.nms_iou)
        refined = refine_targets(dets, zoom) if zoom.enabled else []
        if refined:  # the best close/skip boxes, fitted again magnified (their scores stay: no verifier)
            zoomed = self.look_closer(image, [d.box for d in refined], zoom.refine_context, verify=False)
            dets = refine_boxes(dets, refined, zoomed, zoom, self.cfg.nms_iou)
        tf = time.perf_counter()
        if self.speaker is not None:  # last: whatever look found it, a muted speaker's x is no close
            dets = self.speaker.apply(image, dets)
        tg = time.perf_counter()
        below = []
        if ap_floor is not None and ap_floor < self.cfg.min_score:
            below = [
                d
                for d in self._clipped(self._decode(batch.shape[1:3], origins, reg_all, sc_all, ap_floor), w, h)
                if d.score <= self.cfg.min_score
                and not any(k.label == d.label and k.box.iou(d.box) > self.cfg.nms_iou for k in dets)
            ]
            if self.verifier is not None and below:  # scored like every close/skip the daemon sees, all of them
                below = self.verifier.rescore(image, below, limit=len(below))
        timings = DetectTimings(
            len(tiles),
            (tb - ta) * 1000,
            (tc - tb) * 1000,
            (td - tc) * 1000,
            (te - td) * 1000,
            (tf - te) * 1000,
            len(looked) + len(corners) + len(refined),
            coarse,
            (tg - tf) * 1000,
        )
        return DetectResult(w, h, dets, timings, below)

    @staticmethod
    def _clipped(dets: list[Detection], w: int, h: int) -> list[Detection]:
        """``dets`` with their boxes clipped to the ``w`` x ``h`` image (built directly: per frame, up to
        ``max_detections`` of them, and ``dataclasses.replace`` costs a third more)."""
        return [
            Detection(
                Box(max(0.0, d.box.x1), max(0.0, d.box.y1), min(float(w), d.box.x2), min(float(h), d.box.y2)),
                d.label,
                d.score,
            )
            for d in dets
        ]

    @property
    def coarsest_cell(self) -> int:
        """Model pixels per cell of the network's coarsest feature map (32): inputs are cut to whole cells of it."""
        return max(self.spec.steps)

    def zoom_input_side(self, width: int, height: int, context: float | None = None, cells: str | None = None) -> int:
        """Model pixels of one closer-look square: ``context`` (default the zoom's) x ``box_px`` reference pixels at
        the training scale, rounded to whole cells as ``cells`` says (:func:`detector.zoom.whole_cells`; default
        ``zoom.whole_cells``; the corner look passes ``zoom.corner_cells``)."""
        z = self.cfg.zoom
        side = (z.context if context is None else context) * z.box_px * min(width, height) / REFERENCE_SHORT_SIDE
        how = z.whole_cells if cells is None else cells
        return whole_cells(self.input_side(round(side), width, height), self.coarsest_cell, how)

    @torch.inference_mode()
    def look_coarse(self, image: np.ndarray, scale: float, shrunk: np.ndarray | None = None) -> list[Detection]:
        """The whole of ``image`` through the network once at about ``scale`` model pixels per image pixel
        (:func:`detector.zoom.coarse_geometry`): its close and skip boxes that can still reach ``zoom.accept``
        (:func:`detector.zoom.coarse_targets`), verified when there is a verifier, in image pixels. ``shrunk``, the
        image already resized larger than that (:meth:`cut_from`'s), is resized instead of ``image``."""
        h, w = image.shape[:2]
        _, (sw, sh), (mh, mw) = coarse_geometry(w, h, scale, self.coarsest_cell)
        src = shrunk if shrunk is not None and shrunk.shape[1] >= sw and shrunk.shape[0] >= sh else image
        batch = np.full((1, mh, mw, 3), 114, np.uint8)  # the long side padded grey to whole cells
        interp = SHRINK if sw < src.shape[1] else cv2.INTER_LINEAR
        batch[0, :sh, :sw] = cv2.resize(src, (sw, sh), interpolation=interp)
        reg, sc = self.runner(batch)
        origins = np.array([[0.0, 0.0, w / sw, h / sh]], np.float32)
        accept = self.cfg.zoom.accept  # nothing under accept squared can be used: not decoded at all
        found = coarse_targets(self._clipped(self._decode((mh, mw), origins, reg, sc, accept**2), w, h), accept)
        return self.verifier.rescore(image, found) if self.verifier is not None and found else found

    @torch.inference_mode()
    def look_closer(
        self,
        image: np.ndarray,
        boxes: list[Box],
        context: float | None = None,
        verify: bool = True,
        accept: float | None = None,
        mirror: list[bool] | None = None,
        cells: str | None = None,
    ) -> list[Detection]:
        """Detections (screen pixels) of the network on a magnified square around each of ``boxes`` (close
        candidates, screen corners, boxes to refine), ``context`` (default the zoom's) x the box's longer side, all
        squares in one batch; with the verifier (and ``verify``), its scores too, as in :meth:`detect`. With
        ``accept``, only what a caller taking closes verified to that score can use (:func:`detector.zoom.usable`).
        With ``mirror``, the squares flagged in it go through the network mirrored left to right (their boxes come
        back in screen pixels all the same). ``cells``: how the squares' side is rounded to whole cells
        (:meth:`zoom_input_side`; default ``zoom.whole_cells``)."""
        h, w = image.shape[:2]
        context = self.cfg.zoom.context if context is None else context
        m = self.zoom_input_side(w, h, context, cells)
        crops = np.empty((len(boxes), m, m, 3), dtype=np.uint8)
        origins = np.empty((len(boxes), 4), dtype=np.float32)
        for i, box in enumerate(boxes):
            sq = zoom_square(box, w, h, context)
            crop = image[sq.y : sq.y + sq.h, sq.x : sq.x + sq.w]
            interp = cv2.INTER_AREA if sq.w > m else cv2.INTER_LINEAR
            resized = cv2.resize(crop, (m, m), interpolation=interp)
            if mirror is not None and mirror[i]:  # x' in the mirrored square is screen x = sq.x + sq.w - x' * sx
                crops[i], origins[i] = resized[:, ::-1], (sq.x + sq.w, sq.y, -sq.w / m, sq.h / m)
            else:
                crops[i], origins[i] = resized, (sq.x, sq.y, sq.w / m, sq.h / m)
        reg, sc = self.runner(crops)
        zoomed = self._decode((m, m), origins, reg, sc)
        if accept is not None:
            zoomed = usable(zoomed, accept)
        return self.verifier.rescore(image, zoomed) if self.verifier is not None and verify else zoomed
