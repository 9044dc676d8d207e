"""Training the speaker check (:mod:`detector.speaker`) from scratch: windows drawn here, a few minutes on the CPU.

Positives are the icon cache's muted speakers (:func:`muted_speakers`): pasted on crops of generated screens in a
colour that stands out from what lies under them, on a plate a quarter of the time, the candidate box being the
x's box jittered as the SSD's boxes are (centre +-15% of the side, side x0.8-1.35). Negatives, half and half: the
screens' own labelled closes (jittered alike), and the cache's close icons pasted the same way with, beside most,
another icon: a speaker, muted or not, about as large as the close and 0.6-1.5 of its side away (a mute button
beside a close: draw the screens with ``closebot synth --mute-apart 1``, so that none of their closes sits against
a speaker), or any other icon at any gap. Training windows use the training split's icon sets and 90% of the
screens, validation windows the held-out icon sets and the other 10%.
"""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from detector.data import load_items
from detector.errors import DatasetError
from detector.speaker import SpeakerNet, save_speaker, window
from detector.synth.icons import load_icons
from detector.types import Box

log = logging.getLogger(__name__)
# Name tests of their own, not detector.synth.icons.is_sound / is_muted: those match whole words and would add five
# muted speakers (no-sound, volume-muted...) and drop sc-soundcloud, so the shipped check (4cd98dbca7d3) would no
# longer be what its recipe draws. The next training of the check should switch to them.
SOUND = ("volume", "speaker", "mute", "sound")
MUTED = ("mute", "off", "x", "xmark")
MAX_SCREENS = {"train": 500, "val": 150}  # decoded once and kept in memory (a 1080x2400 screen is 7.8 MB)


@dataclass(frozen=True)
class MutedSpeaker:
    path: Path
    split: str
    mask: np.ndarray  # 128x128 ink
    xbox: tuple[int, int, int, int]  # the x's box in mask pixels (x1, y1, x2, y2; ends exclusive)
    speaker: tuple[int, int, int, int]  # the speaker's box


def muted_name(name: str) -> bool:
    """A sound icon's name that says muted (``volume-x``, ``volume-mute``, ``speaker-off``...), not slashed."""
    words = name.replace("_", "-").split("-")
    return any(s in name for s in SOUND) and any(w in MUTED for w in words) and "slash" not in name


def x_beside_speaker(mask: np.ndarray) -> tuple[tuple[int, int, int, int], tuple[int, int, int, int]] | None:
    """(the x's box, the speaker's box) of a muted-speaker mask whose x is ink of its own: besides the largest
    component (the speaker), components right of the speaker's box and within its height, together about as wide as
    tall (0.6-1.6: an x, not the waves of an unmuted speaker); None otherwise (a slash fused with the speaker)."""
    n, _, stats, _ = cv2.connectedComponentsWithStats((mask > 127).astype(np.uint8), connectivity=8)
    if n < 3:
        return None
    order = sorted(range(1, n), key=lambda i: -stats[i, cv2.CC_STAT_AREA])
    sx, sy, sw, sh = (int(v) for v in stats[order[0], :4])
    parts = [
        stats[i]
        for i in order[1:]
        if stats[i, 0] > sx + sw / 2
        and stats[i, 1] >= sy - 2
        and stats[i, 1] + stats[i, 3] <= sy + sh + 2
        and stats[i, cv2.CC_STAT_AREA] >= 12
    ]
    if not parts:
        return None
    x1, y1 = min(int(p[0]) for p in parts), min(int(p[1]) for p in parts)
    x2, y2 = max(int(p[0] + p[2]) for p in parts), max(int(p[1] + p[3]) for p in parts)
    w, h = x2 - x1, y2 - y1
    if not 0.6 <= w / max(h, 1) <= 1.6 or w < 12 or x1 < sx + 0.9 * sw:
        return None
    return (x1, y1, x2, y2), (sx, sy, sx + sw, sy + sh)


def _mask(path: Path) -> np.ndarray:
    m = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if m is None:
        raise DatasetError(f"{path}: unreadable icon mask")
    return m[..., -1] if m.ndim == 3 else m


def muted_speakers(icons: Path) -> list[MutedSpeaker]:
    """The muted speakers of the icon cache ``icons`` (``closebot icons``) whose x :func:`x_beside_speaker` finds."""
    out = []
    for e in [*load_icons(icons, "train"), *load_icons(icons, "val")]:
        if e.role == "negative" and muted_name(e.name):
            m = _mask(icons / e.path)
            found = x_beside_speaker(m)
            if found:
                out.append(MutedSpeaker(icons / e.path, e.split, m, *found))
    return out


def _jitter(rng: random.Random, box: tuple[float, float, float, float]) -> Box:
    x1, y1, x2, y2 = box
    w, h = x2 - x1, y2 - y1
    k, s = rng.uniform(0.8, 1.35), max(w, h)
    cx = (x1 + x2) / 2 + rng.uniform(-0.15, 0.15) * s
    cy = (y1 + y2) / 2 + rng.uniform(-0.15, 0.15) * s
    return Box(cx - w * k / 2, cy - h * k / 2, cx + w * k / 2, cy + h * k / 2)


def _ink(rng: random.Random, under: np.ndarray) -> tuple[int, ...]:
    """An ink colour that stands out from ``under`` (pixels or a colour): dark on light, light on dark; a fifth any."""
    if rng.random() < 0.2:
        return tuple(rng.randrange(256) for _ in range(3))
    v = rng.randrange(0, 70) if float(np.mean(under)) > 128 else rng.randrange(200, 256)
    if rng.random() < 0.7:
        return (v, v, v)
    return tuple(int(np.clip(v + rng.randrange(-40, 41), 0, 255)) for _ in range(3))


def _paste(canvas: np.ndarray, mask: np.ndarray, x: int, y: int, side: int, colour: tuple[int, ...]) -> None:
    m = cv2.resize(mask, (side, side), interpolation=cv2.INTER_AREA).astype(np.float32)[..., None] / 255.0
    h, w = canvas.shape[:2]
    ax1, ay1, ax2, ay2 = max(0, x), max(0, y), min(w, x + side), min(h, y + side)
    if ax1 < ax2 and ay1 < ay2:
        part = m[ay1 - y : ay2 - y, ax1 - x : ax2 - x]
        roi = canvas[ay1:ay2, ax1:ax2].astype(np.float32)
        canvas[ay1:ay2, ax1:ax2] = (roi * (1 - part) + np.float32(colour) * part).astype(np.uint8)


def _plate(rng: random.Random, canvas: np.ndarray, x1: float, y1: float, x2: float, y2: float) -> np.ndarray:
    """A circle or rounded square of a colour of its own behind (x1, y1, x2, y2); returns that colour."""
    colour = tuple(rng.randrange(256) for _ in range(3))
    pad = rng.uniform(0.15, 0.5) * max(x2 - x1, y2 - y1)
    a, b = (int(x1 - pad), int(y1 - pad)), (int(x2 + pad), int(y2 + pad))
    if rng.random() < 0.5:
        centre = ((a[0] + b[0]) // 2, (a[1] + b[1]) // 2)
        cv2.circle(canvas, centre, max(b[0] - a[0], b[1] - a[1]) // 2, colour, -1, cv2.LINE_AA)
    else:
        cv2.rectangle(canvas, a, b, colour, -1, cv2.LINE_AA)
    return np.float32(colour)


class WindowMaker:
    """Draws the check's training windows (see the module's docstring) for one split."""

    def __init__(self, screens: dict[Path, list[Box]], icons: Path, split: str, speakers: list[MutedSpeaker]):
        self.screens = list(screens)
        self.closes = {p: b for p, b in screens.items() if b}
        self.speakers = [s for s in speakers if s.split == split]
        index = load_icons(icons, split)
        self.close_icons = [icons / e.path for e in index if e.role == "close"]
        self.sound_icons = [icons / e.path for e in index if any(k in e.name for k in SOUND)]
        self.other_icons = [icons / e.path for e in index if e.role == "negative"]
        missing = [
            what
            for what, got in (
                ("muted speakers", self.speakers),
                ("close icons", self.close_icons),
                ("screens with a labelled close", self.closes),
            )
            if not got
        ]
        if missing:
            raise DatasetError(f"speaker check, {split} split: no {', '.join(missing)} (icons {icons})")
        self._images: dict[Path, np.ndarray] = {}
        self._masks: dict[Path, np.ndarray] = {}

    def _image(self, p: Path) -> np.ndarray:
        if p not in self._images:
            img = cv2.imread(str(p), cv2.IMREAD_COLOR)
            if img is None:
                raise DatasetError(f"{p}: unreadable image")
            self._images[p] = np.ascontiguousarray(img[:, :, ::-1])
        return self._images[p]

    def _icon(self, p: Path) -> np.ndarray:
        if p not in self._masks:
            self._masks[p] = _mask(p)
        return self._masks[p]

    def _canvas(self, rng: random.Random, side: int) -> np.ndarray:
        img = self._image(rng.choice(self.screens))
        h, w = img.shape[:2]
        cw, ch = min(w, side * 9), min(h, side * 4)
        x, y = rng.randrange(0, w - cw + 1), rng.randrange(0, h - ch + 1)
        return np.ascontiguousarray(img[y : y + ch, x : x + cw])

    def positive(self, rng: random.Random) -> np.ndarray:
        sp = rng.choice(self.speakers)
        f = rng.uniform(12, 60) / max(sp.xbox[2] - sp.xbox[0], sp.xbox[3] - sp.xbox[1])  # the x 12-60 px
        side = max(8, round(128 * f))
        can = self._canvas(rng, side)
        h, w = can.shape[:2]
        x, y = (w - side) // 2 + rng.randrange(-side // 4, side // 4 + 1), (h - side) // 2
        under: np.ndarray = can[max(0, y) : y + side, max(0, x) : x + side]
        if rng.random() < 0.25:
            under = _plate(
                rng, can, x + sp.speaker[0] * f, y + sp.speaker[1] * f, x + sp.xbox[2] * f, y + sp.xbox[3] * f
            )
        _paste(can, sp.mask, x, y, side, _ink(rng, under))
        box = (x + sp.xbox[0] * f, y + sp.xbox[1] * f, x + sp.xbox[2] * f, y + sp.xbox[3] * f)
        return window(can, _jitter(rng, box))

    def pasted_close(self, rng: random.Random) -> np.ndarray:
        s = round(rng.uniform(14, 90))
        can = self._canvas(rng, s * 2)
        h, w = can.shape[:2]
        x, y = (w - s) // 2 + rng.randrange(-s, s + 1), (h - s) // 2
        under: np.ndarray = can[max(0, y) : y + s, max(0, x) : x + s]
        if rng.random() < 0.3:
            under = _plate(rng, can, x, y, x + s, y + s)
        colour = _ink(rng, under)
        _paste(can, self._icon(rng.choice(self.close_icons)), x, y, s, colour)
        r = rng.random()
        if r < 0.7:  # a neighbour, left or right: half of them a speaker as a mute button beside the close
            sound = r < 0.35
            ns = round(s * (rng.uniform(0.85, 1.3) if sound else rng.uniform(0.5, 1.5)))
            gap = s * (rng.uniform(0.6, 1.5) if sound else rng.uniform(0.1, 1.5))
            nx = round(x - gap - ns) if rng.random() < 0.6 else round(x + s + gap)
            same = colour if rng.random() < 0.6 else _ink(rng, under)
            icon = rng.choice(self.sound_icons if sound and self.sound_icons else self.other_icons)
            _paste(can, self._icon(icon), nx, y + (s - ns) // 2, ns, same)
        return window(can, _jitter(rng, (x, y, x + s, y + s)))

    def real_close(self, rng: random.Random) -> np.ndarray:
        path = rng.choice(list(self.closes))
        b = rng.choice(self.closes[path])
        return window(self._image(path), _jitter(rng, (b.x1, b.y1, b.x2, b.y2)))

    def draw(self, n: int, seed: int, desc: str, progress: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """``n`` windows (0.4 positives, 0.3 real closes, 0.3 pasted closes) and their labels, from ``seed``."""
        rng = random.Random(seed)
        xs, ys = [], []
        for _ in tqdm(range(n), desc=desc, disable=not progress, leave=False):
            r = rng.random()
            kind = self.positive if r < 0.4 else self.real_close if r < 0.7 else self.pasted_close
            xs.append(kind(rng))
            ys.append(int(r < 0.4))
        return np.stack(xs), np.array(ys, np.int64)


def screens_of(roots: list[Path]) -> dict[str, dict[Path, list[Box]]]:
    """The training screens of ``roots`` (their labelled closes), split by screen: every 10th for validation (every
    3rd of fewer than 30 screens)."""
    items = sorted(load_items(roots, "train"), key=lambda it: str(it.image_path))
    if not items:
        raise DatasetError(f"{', '.join(map(str, roots))}: no training screens")
    parts: dict[str, dict[Path, list[Box]]] = {"train": {}, "val": {}}
    every = 10 if len(items) >= 30 else 3
    for i, it in enumerate(items):
        part = "val" if i % every == every - 1 else "train"
        if len(parts[part]) < MAX_SCREENS[part]:
            parts[part][it.image_path] = [o.box for o in it.objects if o.label == "close"]
    return parts


def _augment(x: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """Contrast x0.7-1.3, brightness +-30, a sixth of the windows grey."""
    n = x.shape[0]
    f = x.float()
    mean = f.mean(dim=(1, 2, 3), keepdim=True)
    f = (f - mean) * (0.7 + 0.6 * torch.rand(n, 1, 1, 1, generator=g)) + mean
    f = f + (torch.rand(n, 1, 1, 1, generator=g) - 0.5) * 60
    grey = torch.rand(n, generator=g) < 0.15
    f[grey] = f[grey].mean(dim=3, keepdim=True).expand(-1, -1, -1, 3)
    return f.clamp(0, 255).round().to(torch.uint8)


def rates(net: SpeakerNet, x: torch.Tensor, y: torch.Tensor, levels=(0.5, 0.9, 0.99)) -> dict[str, float]:
    """Validation loss and, per level, the share of positives and of negatives at or above it."""
    net.eval()
    with torch.inference_mode():
        p = torch.cat([torch.sigmoid(net(x[i : i + 512])) for i in range(0, len(x), 512)])
    out = {"loss": float(nn.functional.binary_cross_entropy(p.clamp(1e-6, 1 - 1e-6), y.float()))}
    for lv in levels:
        out[f"positives>={lv:g}"] = float((p[y == 1] >= lv).float().mean())
        out[f"negatives>={lv:g}"] = float((p[y == 0] >= lv).float().mean())
    return out


def train_speaker(
    roots: list[Path],
    icons: Path,
    out: Path,
    windows: int = 24000,
    epochs: int = 10,
    seed: int = 0,
    progress: bool = True,
) -> dict:
    """Draw the windows, train a :class:`SpeakerNet` from scratch, write ``out`` with its manifest; returns it."""
    t0 = time.time()
    speakers = muted_speakers(icons)
    parts = screens_of(roots)
    makers = {split: WindowMaker(parts[split], icons, split, speakers) for split in ("train", "val")}
    xt, yt = makers["train"].draw(windows, seed, "train windows", progress)
    xv, yv = makers["val"].draw(max(500, windows // 6), seed + 1, "val windows", progress)
    t_data = time.time() - t0
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    net = SpeakerNet()
    xt_, yt_, xv_, yv_ = (torch.from_numpy(a) for a in (xt, yt, xv, yv))
    batch = 128
    opt = torch.optim.AdamW(net.parameters(), 2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 2e-3, total_steps=epochs * (len(xt_) // batch))
    history = []
    bar = tqdm(range(epochs), desc="epochs", disable=not progress)
    for epoch in bar:
        net.train()
        perm = torch.randperm(len(xt_), generator=g)
        total = 0.0
        for i in range(0, len(xt_) - batch + 1, batch):
            idx = perm[i : i + batch]
            loss = nn.functional.binary_cross_entropy_with_logits(net(_augment(xt_[idx], g)), yt_[idx].float())
            if not torch.isfinite(loss):
                raise DatasetError(f"speaker check: the loss stopped being finite at epoch {epoch + 1}")
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach()) * len(idx)
        val = rates(net, xv_, yv_)
        history.append({"epoch": epoch + 1, "train_loss": total / len(xt_), **val})
        bar.set_postfix(
            loss=f"{val['loss']:.4f}", pos=f"{val['positives>=0.99']:.3f}", neg=f"{val['negatives>=0.99']:.4f}"
        )
    manifest = {
        "what": "speaker check: the x of a muted speaker, from a window of 6 x 2.4 box sides (detector/speaker.py)",
        "data": {
            "screens": [str(r) for r in roots],
            "recipes": [
                json.loads((r / "recipe.json").read_text()) if (r / "recipe.json").is_file() else None for r in roots
            ],
            "icons": str(icons),
            "muted_speakers": {s: sum(m.split == s for m in speakers) for s in ("train", "val")},
            "screens_used": {k: len(v) for k, v in parts.items()},
            "windows": {"train": len(xt), "val": len(xv), "positives": 0.4},
            "seed": seed,
        },
        "epochs": epochs,
        "val": history[-1],
        "history": history,
        "seconds": {"windows": round(t_data), "total": round(time.time() - t0)},
        "torch": torch.__version__,
    }
    save_speaker(out, net, manifest)
    return manifest
