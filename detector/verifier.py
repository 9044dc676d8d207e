"""A second look at every close/skip candidate: a small CNN on a full-resolution crop around its box.

The SSD sees the screen at 0.6 scale in 480-px tiles, so a 24-px close is 14 input pixels to it, and a lone 区, a
countdown ring or an avatar can pass for one. The verifier cuts each candidate from the *original* screen with
context around it (``context`` times its box), resizes that to ``input_size`` and says ``none``, ``close`` or
``skip``. The candidate's score becomes the geometric mean of the SSD's score and the verifier's probability for the
SSD's label, so a tap needs both to agree. ``ja_char`` boxes are never touched.

Its weights are a separate file (``closebot-verifier/1``): a state dict, the spec, and a manifest naming the SSD whose
candidates it was trained on, read with ``torch.load(weights_only=True)`` and checked against the ``.json`` beside it
like the detector's weights.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import torch
from torch import Tensor, nn

from detector.errors import WeightsError
from detector.runtime import onnx_session
from detector.types import Box, Detection
from detector.weights import read_checked, write_checked

log = logging.getLogger(__name__)
FORMAT = "closebot-verifier/1"
VERIFIER_CLASSES = ("none", "close", "skip")


@dataclass(frozen=True)
class VerifierSpec:
    input_size: int = 64
    context: float = 2.0  # crop side = context x the longer side of the candidate's box
    min_crop_px: float = 16.0  # never crop less than this many screen pixels
    widths: tuple[int, ...] = (24, 48, 96, 160)
    classes: tuple[str, ...] = field(default=VERIFIER_CLASSES)
    members: int = 1  # networks whose probabilities are averaged (an ensemble: ``merge_verifiers``)
    # A long box's window (``crop_window``): at most ``squeeze`` times wider than tall (1: always square), and along
    # its long side ``long_context`` x that side, between ``squeeze`` x the short window and ``context`` x the side.
    squeeze: float = 1.0
    long_context: float = 1.25
    # An ensemble whose members look through different windows (``merge_verifiers`` of a square and a squeezed
    # verifier, or of two square ones of another context): each member's (squeeze, long_context, context); empty
    # when they all use the window above. Files written before the context was part of it hold (squeeze,
    # long_context) pairs: their context is the spec's.
    windows: tuple[tuple[float, float, float], ...] = ()
    # With several windows: only boxes at least ``long_from`` times longer than wide are shown to the squeezed
    # windows, the others are left to the square ones (0: every box to every window). ``merge_verifiers``.
    long_from: float = 0.0

    def __post_init__(self) -> None:
        if self.windows and len(self.windows) != self.members:
            raise ValueError(f"{len(self.windows)} windows for {self.members} networks")
        if self.long_from and not any(w[0] <= 1.0 for w in self.windows):
            raise ValueError(f"long_from {self.long_from:g} needs networks of a square window beside squeezed ones")

    def to_dict(self) -> dict:
        d = asdict(self)
        if self.members == 1:  # single-network files (and the crop caches keyed on this) stay as they were
            del d["members"]
        if self.squeeze == 1.0:  # square windows: long_context plays no part; older files and cache keys unchanged
            del d["squeeze"], d["long_context"]
        if self.windows:
            d["windows"] = [list(w) for w in self.windows]
        else:
            del d["windows"]
        if not self.long_from:
            del d["long_from"]
        return d

    @property
    def square(self) -> bool:
        """Whether every box is looked at through a square window (``crop_window``)."""
        return self.squeeze <= 1.0

    @property
    def window(self) -> tuple[float, float, float]:
        """A single network's window as (squeeze, long_context, context); square windows differ by context only."""
        return (1.0, 1.25, self.context) if self.square else (self.squeeze, self.long_context, self.context)

    def member_spec(self, i: int) -> VerifierSpec:
        """The spec of network ``i`` alone: its own window when the members' windows differ."""
        if not self.windows:
            return replace(self, members=1)
        squeeze, long_context, context = self.windows[i]
        return replace(
            self, members=1, windows=(), long_from=0.0, squeeze=squeeze, long_context=long_context, context=context
        )

    @classmethod
    def from_dict(cls, d: dict) -> VerifierSpec:
        return cls(
            input_size=int(d["input_size"]),
            context=float(d["context"]),
            min_crop_px=float(d["min_crop_px"]),
            widths=tuple(int(w) for w in d["widths"]),
            classes=tuple(d["classes"]),
            members=int(d.get("members", 1)),
            squeeze=float(d.get("squeeze", 1.0)),
            long_context=float(d.get("long_context", 1.25)),
            windows=tuple(
                (float(w[0]), float(w[1]), float(w[2] if len(w) > 2 else d["context"])) for w in d.get("windows", ())
            ),
            long_from=float(d.get("long_from", 0.0)),
        )


def _block(cin: int, cout: int, stride: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class VerifierNet(nn.Module):
    """64x64 RGB uint8 crops (NHWC) -> logits over ``none, close, skip``. About 22 M multiply-adds a crop.

    With ``spec.members`` > 1 it is that many such networks, and its logits are the logarithm of their averaged
    probabilities (a softmax of them gives the average back; training on them trains the ensemble)."""

    def __init__(self, spec: VerifierSpec, members: Sequence[VerifierNet] | None = None) -> None:
        """``members``: the networks of an ensemble, taken as they are (the same modules, not copies)."""
        super().__init__()
        self.members: nn.ModuleList | None = None
        if members is not None:
            if len(members) != spec.members:
                raise ValueError(f"{len(members)} networks for a spec of {spec.members}")
            self.members = nn.ModuleList(members)
            return
        if spec.members > 1:
            self.members = nn.ModuleList(VerifierNet(spec.member_spec(i)) for i in range(spec.members))
            return
        w0, w1, w2, w3 = spec.widths
        self.features = nn.Sequential(
            _block(3, w0, 2),  # 32x32
            _block(w0, w1, 2),  # 16x16
            _block(w1, w1, 1),
            _block(w1, w2, 2),  # 8x8
            _block(w2, w2, 1),
            _block(w2, w3, 2),  # 4x4
            _block(w3, w3, 1),
        )
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(2 * w3, len(spec.classes)))
        self.register_buffer("mean", torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1) * 255, persistent=False)
        self.register_buffer("std", torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1) * 255, persistent=False)

    def forward(self, crops: Tensor) -> Tensor:
        """``crops``: (N, H, W, 3) uint8."""
        if self.members is not None:
            p = torch.stack([torch.softmax(m(crops), dim=1) for m in self.members]).mean(dim=0)
            return torch.log(p.clamp_min(1e-12))
        x = crops.permute(0, 3, 1, 2).float()
        x = ((x - self.mean) / self.std).contiguous(memory_format=torch.channels_last)
        f = self.features(x)
        pooled = torch.cat([f.mean(dim=(2, 3)), f.amax(dim=(2, 3))], dim=1)
        return self.classifier(pooled)


class _Probabilities(nn.Module):
    """The network with its softmax: what an exported graph computes."""

    def __init__(self, net: VerifierNet) -> None:
        super().__init__()
        self.net = net

    def forward(self, crops: Tensor) -> Tensor:
        return torch.softmax(self.net(crops), dim=1)


def crop_window(box: Box, spec: VerifierSpec) -> tuple[float, float]:
    """(width, height) in screen pixels of the window around ``box`` that the verifier looks at.

    Square boxes (and every box with ``squeeze`` 1) get the square of ``context`` x their longer side. A long box (a
    pill, a line of text) gets ``context`` x its short side across, and along its length ``long_context`` x that
    length, but at least ``squeeze`` x the window across and at most ``context`` x the length; then the window across
    grows until the window is at most ``squeeze`` times longer than wide. Resized to the square input, a 3:1 pill is
    then 32 px high instead of 11, and the word on it can be read."""
    if spec.windows:
        raise ValueError("an ensemble of several windows has no one window: crop for each member's spec")
    long_side, short_side = max(box.width, box.height), min(box.width, box.height)
    if spec.square:
        across = along = spec.context * long_side
    else:
        across = spec.context * short_side
        along = min(spec.context * long_side, max(spec.squeeze * across, spec.long_context * long_side))
        across = max(across, along / spec.squeeze)
    across, along = max(spec.min_crop_px, across), max(spec.min_crop_px, along)
    return (along, across) if box.width >= box.height else (across, along)


def crop_box(image: np.ndarray, box: Box, spec: VerifierSpec) -> np.ndarray:
    """The window around ``box`` that the verifier looks at (``crop_window``), resized to ``(s, s, 3)`` uint8; grey
    past the image's edges."""
    s = spec.input_size
    cx, cy = box.center
    win_w, win_h = crop_window(box, spec)
    x0, y0 = int(round(cx - win_w / 2)), int(round(cy - win_h / 2))
    nw, nh = max(1, int(round(win_w))), max(1, int(round(win_h)))
    h, w = image.shape[:2]
    part = image[max(0, y0) : max(0, min(h, y0 + nh)), max(0, x0) : max(0, min(w, x0 + nw))]
    if part.shape[:2] != (nh, nw):  # the window reaches past an edge: pad with grey
        sq = np.full((nh, nw, 3), 114, dtype=np.uint8)
        if part.size:
            sq[max(0, -y0) : max(0, -y0) + part.shape[0], max(0, -x0) : max(0, -x0) + part.shape[1]] = part
        part = sq
    return cv2.resize(part, (s, s), interpolation=cv2.INTER_AREA if min(nw, nh) > s else cv2.INTER_LINEAR)


@dataclass(frozen=True)
class LoadedVerifier:
    path: Path
    spec: VerifierSpec
    state_dict: dict[str, Tensor]
    manifest: dict[str, Any]


def save_verifier(path: Path, net: VerifierNet, spec: VerifierSpec, manifest: dict[str, Any]) -> None:
    manifest = {**manifest, "format": FORMAT, "spec": spec.to_dict(), "torch": torch.__version__}
    write_checked(path, FORMAT, spec.to_dict(), net.state_dict(), manifest)


def merge_verifiers(paths: list[Path], out: Path, long_from: float = 0.0) -> LoadedVerifier:
    """One verifier file at ``out`` averaging the probabilities of the verifiers in ``paths``: they must share the
    network's shape, the classes and the SSD they were mined on (the one they will run beside). An ensemble's members
    join one by one, so every network weighs the same (two ensembles of two: the average of the two ensembles). Their
    windows may differ (a square and a squeezed verifier): each network then keeps its own (``VerifierSpec.windows``)
    and is shown the crop it was trained on, and each window weighs the same, its networks averaged first (four
    square networks and one squeezed: half and half, not four to one, which did worse; README "Measured"). With
    ``long_from`` the squeezed windows only look at boxes at least that many times longer than wide, and the square
    networks alone score the others."""
    if len(paths) < 2:
        raise WeightsError("merging verifiers needs at least two files")
    loaded = [load_verifier(p) for p in paths]
    first = loaded[0]
    shape = _shape(first.spec)
    for lv in loaded[1:]:
        if _shape(lv.spec) != shape:
            raise WeightsError(
                f"{lv.path}: spec {lv.spec.to_dict()} differs from {first.path}'s {first.spec.to_dict()}"
            )
        if lv.manifest.get("detector", {}).get("sha256") != first.manifest.get("detector", {}).get("sha256"):
            raise WeightsError(f"{lv.path}: mined on another SSD than {first.path} (manifest 'detector')")
    states = [(lv, i, state) for lv in loaded for i, state in enumerate(_member_states(lv))]
    windows = tuple(lv.spec.member_spec(i).window for lv, i, _ in states)
    if long_from and {w[0] <= 1.0 for w in windows} != {True, False}:
        raise WeightsError(f"long_from {long_from:g} needs files of a square window and files of a squeezed one")
    if len(set(windows)) == 1:  # one window: written as before mixed windows existed
        spec = replace(first.spec.member_spec(0), members=len(states))
    else:
        spec = replace(shape, members=len(states), windows=windows, long_from=long_from)
    net = VerifierNet(spec)
    for member, (_, _, state) in zip(net.members or [], states, strict=True):
        member.load_state_dict(state, strict=True)
    members = [
        {"file": str(lv.path), "sha256": lv.manifest.get("sha256")} | ({"member": i} if lv.spec.members > 1 else {})
        for lv, i, _ in states
    ]
    save_verifier(out, net, spec, {"detector": first.manifest.get("detector"), "members": members})
    return load_verifier(out)


def _shape(spec: VerifierSpec) -> VerifierSpec:
    """What networks must share to be averaged: all but their number and their windows."""
    return replace(spec, members=1, windows=(), long_from=0.0, squeeze=1.0, long_context=1.25, context=2.0)


def _member_states(lv: LoadedVerifier) -> list[dict[str, Tensor]]:
    """The state dict of each network in a verifier file: itself, or each member of an ensemble."""
    if lv.spec.members == 1:
        return [lv.state_dict]
    return [
        {k.removeprefix(f"members.{i}."): v for k, v in lv.state_dict.items() if k.startswith(f"members.{i}.")}
        for i in range(lv.spec.members)
    ]


def load_verifier(path: Path | str) -> LoadedVerifier:
    """Read a verifier file safely; every way it can be wrong is a WeightsError naming the file."""
    path = Path(path)
    payload, manifest = read_checked(path, FORMAT, "verifier")
    try:
        spec = VerifierSpec.from_dict(payload["spec"])
    except (KeyError, TypeError, ValueError) as e:
        raise WeightsError(f"{path}: incomplete verifier file ({e})") from e
    if tuple(spec.classes) != VERIFIER_CLASSES:
        raise WeightsError(
            f"{path}: verifier for classes {list(spec.classes)}, closebot needs {list(VERIFIER_CLASSES)}"
        )
    return LoadedVerifier(path, spec, payload["state_dict"], manifest)


class Verifier:
    """Rescoring of close/skip detections; ``max_candidates`` best-scored ones per frame are looked at, the rest are
    dropped (a frame with more candidates than that is not an ad worth a tap). An ensemble of several windows runs as
    one part per window (``parts``), each cropping its own window; the windows weigh the same (``merge_verifiers``)."""

    def __init__(
        self,
        net: VerifierNet,
        spec: VerifierSpec,
        max_candidates: int = 32,
        source: str = "<memory>",
        session: Any = None,
        parts: list[Verifier] | None = None,
    ) -> None:
        self.net = net.eval()
        self.spec = spec
        self.max_candidates = max_candidates
        self.source = source
        self._session = session  # an ONNX Runtime session over the same network (made by on_runtime)
        self.parts = parts if parts is not None else _window_parts(self.net, spec, max_candidates, source)
        on_onnx = all(p._session is not None for p in self.parts) if self.parts else session is not None
        self.runtime = "onnxruntime" if on_onnx else "torch"

    def on_runtime(self, runtime: str, threads: int) -> Verifier:
        """This verifier with its network run where the detector's runs: ``onnxruntime`` exports it in memory to an
        ONNX Runtime session (16 crops: 6.0 ms against 9.5 ms eager on this idle 2-core CPU), anything else is eager
        PyTorch. An export or runtime fault keeps eager PyTorch, as the detector does."""
        if runtime != "onnxruntime":
            return self
        if self.parts:
            parts = [p.on_runtime(runtime, threads) for p in self.parts]
            return Verifier(self.net, self.spec, self.max_candidates, self.source, parts=parts)
        example = torch.zeros((2, self.spec.input_size, self.spec.input_size, 3), dtype=torch.uint8)
        try:
            session = onnx_session(_Probabilities(self.net), example, {"crops": {0: "n"}}, {"probs": {0: "n"}}, threads)
        except Exception as e:  # detection must go on: the eager network gives the same numbers
            log.warning("verifier stays in PyTorch: could not build its ONNX Runtime session (%s)", e)
            return self
        return Verifier(self.net, self.spec, self.max_candidates, self.source, session)

    @classmethod
    def load(cls, path: Path | str, max_candidates: int = 32) -> Verifier:
        lv = load_verifier(path)
        net = VerifierNet(lv.spec)
        try:
            net.load_state_dict(lv.state_dict, strict=True)
        except RuntimeError as e:
            raise WeightsError(f"{lv.path}: tensors do not fit the network described in the file: {e}") from e
        return cls(net, lv.spec, max_candidates, str(path))

    @torch.inference_mode()
    def probabilities(self, crops: np.ndarray) -> np.ndarray:
        """(N, 3) probabilities over ``none, close, skip`` for (N, s, s, 3) uint8 crops of this verifier's window
        (an ensemble of several windows has none: ``box_probabilities``)."""
        if self.parts:
            raise ValueError(f"{self.source}: its networks look through different windows; use box_probabilities")
        if len(crops) == 0:
            return np.zeros((0, len(VERIFIER_CLASSES)), dtype=np.float32)
        if self._session is not None:
            return self._session.run(None, {"crops": np.ascontiguousarray(crops)})[0]
        return torch.softmax(self.net(torch.from_numpy(np.ascontiguousarray(crops))), dim=1).numpy()

    def box_probabilities(self, image: np.ndarray, boxes: list[Box]) -> np.ndarray:
        """(N, 3) probabilities for ``boxes`` on ``image``, each network shown its own window around each box."""
        if not boxes:
            return np.zeros((0, len(VERIFIER_CLASSES)), dtype=np.float32)
        if self.parts:
            return self._windows_average(image, boxes)
        return self.probabilities(np.stack([crop_box(image, b, self.spec) for b in boxes]))

    def _windows_average(self, image: np.ndarray, boxes: list[Box]) -> np.ndarray:
        """Each box's probabilities averaged over the windows that look at it: every window, or with ``long_from``
        the square ones alone for a box shorter than that (its squeezed windows are not asked, nor cropped)."""
        total = np.zeros((len(boxes), len(VERIFIER_CLASSES)), dtype=np.float32)
        count = np.zeros((len(boxes), 1), dtype=np.float32)
        long = np.array([b.aspect >= self.spec.long_from for b in boxes])
        for part in self.parts:
            idx = np.arange(len(boxes)) if part.spec.square else np.flatnonzero(long)
            if len(idx):
                total[idx] += part.box_probabilities(image, [boxes[i] for i in idx])
                count[idx] += 1
        return total / count

    def rescore(self, image: np.ndarray, dets: list[Detection], limit: int | None = None) -> list[Detection]:
        """``dets`` with every close/skip score replaced by sqrt(ssd score x verifier probability of that label);
        only the best ``limit`` (default ``max_candidates``) are looked at, the others dropped."""
        targets = sorted((d for d in dets if d.label in ("close", "skip")), key=lambda d: -d.score)
        kept = targets[: self.max_candidates if limit is None else max(0, limit)]
        if len(targets) > len(kept):
            log.debug("verifier: %d candidates, looked at the best %d", len(targets), len(kept))
        probs = self.box_probabilities(image, [d.box for d in kept])
        out = [d for d in dets if d.label not in ("close", "skip")]
        for i, d in enumerate(kept):
            p = float(probs[i, VERIFIER_CLASSES.index(d.label)])
            out.append(replace(d, score=float(np.sqrt(d.score * p))))
        return sorted(out, key=lambda d: -d.score)


def window_groups(spec: VerifierSpec) -> list[tuple[VerifierSpec, list[int]]]:
    """The members of an ensemble of several windows grouped by window, in the order the windows first appear: each
    group's spec (its members' window, their number) and their indices. Empty for a verifier of one window."""
    groups: dict[tuple[float, float], list[int]] = {}
    for i, w in enumerate(spec.windows):
        groups.setdefault(w, []).append(i)
    return [(replace(spec.member_spec(idx[0]), members=len(idx)), idx) for idx in groups.values()]


def group_net(net: VerifierNet, spec: VerifierSpec, idx: list[int]) -> VerifierNet:
    """A network made of members ``idx`` of ``net`` (the same modules, not copies), described by ``spec``."""
    assert net.members is not None
    if len(idx) == 1:
        return net.members[idx[0]]
    return VerifierNet(spec, [net.members[i] for i in idx])


def _window_parts(net: VerifierNet, spec: VerifierSpec, max_candidates: int, source: str) -> list[Verifier]:
    """One single-window verifier per window of an ensemble of several."""
    return [Verifier(group_net(net, gspec, idx), gspec, max_candidates, source) for gspec, idx in window_groups(spec)]
