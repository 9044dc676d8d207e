"""Training samples: tiles cut from VOC screens the way inference cuts them, plus augmentation.

Each dataset item is one screen; it yields ``crops_per_screen`` tiles so that one JPEG decode feeds several
samples. Transforms take and return ``(image, boxes, labels)`` with images as HxWx3 uint8 arrays.

Tiles are squares (``CropPolicy.shape == "square"``, the default: ``input_size`` model pixels of a jittered
native square), or strips (``"strip"``) cut as ``tile_shape: strip`` cuts a screen at inference: the screen's short
side whole, at the engine's scale (the training scale raised to make the short side whole cells of the coarsest map:
1080 px -> 672 model px on any portrait screen), ``strip_cells`` cells long.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import torch
from torch.utils.data import BatchSampler, Dataset, RandomSampler, Sampler

from detector.errors import DatasetError
from detector.tiling import TRAINING_TILE, scaled_tile, strip_across
from detector.types import CLASSES, CROP_SHAPES
from detector.voc import VocItem, read_split

TARGETS = ("close", "skip")


@dataclass(frozen=True)
class CropPolicy:
    tile_size: int = TRAINING_TILE  # native pixels of a training tile (before the scale jitter)
    input_size: int = 288
    scale_jitter: tuple[float, float] = (0.7, 1.45)  # multiplies the native crop size: other screen densities
    p_on_target: float = 0.65
    p_on_text: float = 0.2  # Japanese text is the user's worst false positive: show it often
    min_visible: float = 0.5  # keep a clipped box when at least this share of it stays in the tile
    shape: str = "square"  # square | strip (what the tiles look like: the module's docstring)
    cell: int = 32  # a strip's model side across the screen is whole cells of this many pixels (the coarsest map)
    strip_cells: int = 9  # a strip's model length in cells (9: as long as a training square is wide)
    # share of the training tiles that hold closes only (no skip, no ja_char box) mirrored left to right
    # (mirrorable, mirror_tile): an x is an x mirrored, a ">>" is not, nor a kanji
    p_mirror: float = 0.0

    def __post_init__(self) -> None:
        if self.shape not in CROP_SHAPES:
            raise ValueError(f"crop shape must be one of {', '.join(CROP_SHAPES)}, got {self.shape!r}")
        if not 0.0 <= self.p_mirror <= 1.0:
            raise ValueError(f"p_mirror must be between 0 and 1, got {self.p_mirror}")


@dataclass(frozen=True)
class Crop:
    """A native region of a screen (x, y, w, h; it may reach past the screen, padded grey) and the model input it
    is resized to (out_w x out_h)."""

    x: int
    y: int
    w: int
    h: int
    out_w: int
    out_h: int


def load_items(roots: list[Path], split: str, include_unreviewed: bool = False) -> list[VocItem]:
    """Items of ``split`` from every root. A harvested dataset contributes only reviewed-and-accepted items (LabelImg's
    "verified" counts), plus unreviewed ones when ``include_unreviewed``; rejected items never."""
    from detector.review import is_harvest, usable_ids

    items: list[VocItem] = []
    for root in roots:
        found = read_split(root, split)
        if is_harvest(root):
            ok = usable_ids(root, include_unreviewed)
            found = [it for it in found if it.image_id in ok]
        items.extend(found)
    if not items:
        raise DatasetError(f"no {split} images in {', '.join(map(str, roots))}")
    return items


def require_training_screens(roots: list[Path]) -> None:
    """Refuse a ``--data`` folder that lists no training screens: an eval-only set (``closebot synth --val-fraction
    1``) would otherwise add nothing to training but its val screens to the per-epoch evaluation, silently. Harvested
    sets are exempt: a few misses may all fall in val."""
    from detector.review import is_harvest

    for root in roots:
        if is_harvest(root):
            continue
        listing = root / "ImageSets" / "Main" / "train.txt"
        if listing.is_file() and not listing.read_text().split():
            raise DatasetError(
                f"{root}: no training screens (ImageSets/Main/train.txt is empty: an eval-only set?); "
                "leave it out of --data, or make the full set"
            )


def read_image(path: Path) -> np.ndarray:
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise DatasetError(f"{path}: missing or not an image")
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def _focus(rng: random.Random, boxes: np.ndarray, labels: np.ndarray, policy: CropPolicy) -> np.ndarray | None:
    """The box a crop is placed around (a target with ``p_on_target``, else text with ``p_on_text``), or None."""
    r = rng.random()
    target_idx = [i for i, lab in enumerate(labels) if CLASSES[lab - 1] in TARGETS]
    text_idx = [i for i, lab in enumerate(labels) if CLASSES[lab - 1] == "ja_char"]
    if r < policy.p_on_target and target_idx:
        return boxes[rng.choice(target_idx)]
    if r < policy.p_on_target + policy.p_on_text and text_idx:
        return boxes[rng.choice(text_idx)]
    return None


def _place(rng: random.Random, lo: float, hi: float, span: int) -> float:
    """Where a crop of ``span`` starts along an axis so that [lo, hi) of a focus box lies inside it when it fits
    (the caller moves it inside the screen)."""
    return rng.uniform(hi - span, lo) if hi - lo < span else lo


def choose_crop(rng: random.Random, w: int, h: int, boxes: np.ndarray, labels: np.ndarray, policy: CropPolicy) -> Crop:
    """A square native crop (its side jittered around ``tile_size``) resized to ``input_size``, biased towards
    targets and text."""
    side = int(policy.tile_size * rng.uniform(*policy.scale_jitter))
    side = max(32, min(side, max(w, h)))
    focus = _focus(rng, boxes, labels, policy)
    if focus is not None:
        bx1, by1, bx2, by2 = focus
        x, y = _place(rng, bx1, bx2, side), _place(rng, by1, by2, side)
    else:
        x, y = rng.uniform(0, max(0, w - side)), rng.uniform(0, max(0, h - side))
    x = int(min(max(0, x), max(0, w - side)))
    y = int(min(max(0, y), max(0, h - side)))
    return Crop(x, y, side, side, policy.input_size, policy.input_size)


def strip_geometry(w: int, h: int, policy: CropPolicy) -> tuple[float, int]:
    """(model pixels per screen pixel, model pixels across) of a strip of a ``w`` x ``h`` screen, as the engine
    cuts one (``Detector.geometry``): the training scale (``input_size`` per ``tile_size``, scaled with the screen's
    short side) raised just enough to make the short side whole cells."""
    short = min(w, h)
    across = strip_across(short, policy.input_size / scaled_tile(w, h, policy.tile_size, 0)[0], policy.cell)
    return across / short, across


def choose_strip(rng: random.Random, w: int, h: int, boxes: np.ndarray, labels: np.ndarray, policy: CropPolicy) -> Crop:
    """A strip across the screen's short side (the whole of it), ``strip_cells`` cells long, placed along the long
    side with the same bias towards targets and text as a square."""
    k, across = strip_geometry(w, h, policy)
    along = policy.strip_cells * policy.cell
    span = max(1, round(along / k))  # native length of the strip
    portrait = h >= w
    length = h if portrait else w
    focus = _focus(rng, boxes, labels, policy)
    if focus is not None:
        lo, hi = (focus[1], focus[3]) if portrait else (focus[0], focus[2])
        at = _place(rng, lo, hi, span)
    else:
        at = rng.uniform(0, max(0, length - span))
    at = int(min(max(0, at), max(0, length - span)))
    if portrait:
        return Crop(0, at, w, span, across, along)
    return Crop(at, 0, span, h, along, across)


def crop_region(
    img: np.ndarray, boxes: np.ndarray, labels: np.ndarray, c: Crop, min_visible: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cut ``c``'s region (padding with grey past the image), resize it to ``c.out_w`` x ``c.out_h``, and move the
    boxes with it: a box is kept when ``min_visible`` of it stays inside and it is at least 3 model pixels a side."""
    h, w = img.shape[:2]
    tile = np.full((c.h, c.w, 3), 114, dtype=np.uint8)
    patch = img[c.y : min(h, c.y + c.h), c.x : min(w, c.x + c.w)]
    tile[: patch.shape[0], : patch.shape[1]] = patch
    shrink = c.w > c.out_w
    tile = cv2.resize(tile, (c.out_w, c.out_h), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
    if len(boxes) == 0:
        return tile, boxes.reshape(0, 4), labels
    shifted = boxes - np.array([c.x, c.y, c.x, c.y], dtype=np.float32)
    clipped = shifted.copy()
    clipped[:, [0, 2]] = clipped[:, [0, 2]].clip(0, min(c.w, w - c.x))
    clipped[:, [1, 3]] = clipped[:, [1, 3]].clip(0, min(c.h, h - c.y))
    area = (shifted[:, 2] - shifted[:, 0]) * (shifted[:, 3] - shifted[:, 1])
    vis = (clipped[:, 2] - clipped[:, 0]).clip(0) * (clipped[:, 3] - clipped[:, 1]).clip(0)
    out_boxes = clipped * np.array([c.out_w / c.w, c.out_h / c.h] * 2, dtype=np.float32)
    keep = (
        (vis >= min_visible * area)
        & ((out_boxes[:, 2] - out_boxes[:, 0]) >= 3)
        & ((out_boxes[:, 3] - out_boxes[:, 1]) >= 3)
    )
    return tile, out_boxes[keep], labels[keep]


MIRROR_FREE = frozenset(CLASSES.index(c) + 1 for c in ("close",))  # labels a mirrored tile may hold


def mirrorable(labels: np.ndarray) -> bool:
    """Whether a tile with these box labels may be mirrored left to right: closes only (or nothing). A mirrored ">>"
    would be a "<<" and a mirrored kanji no kanji, but an x is an x either way (unlabelled text and skips that were
    cut off stay what they are mirrored: background)."""
    return all(int(lab) in MIRROR_FREE for lab in labels)


def mirror_tile(tile: np.ndarray, boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``tile`` mirrored left to right and its ``boxes`` with it (whether it may be: :func:`mirrorable`)."""
    w = tile.shape[1]
    flipped = boxes.copy()
    flipped[:, 0], flipped[:, 2] = w - boxes[:, 2], w - boxes[:, 0]
    return np.ascontiguousarray(tile[:, ::-1]), flipped


def augment(rng: random.Random, img: np.ndarray) -> np.ndarray:
    """Photometric changes only: geometry is fixed (a mirrored ">>" would be a "<<", a mirrored kanji no kanji;
    tiles of closes alone may be mirrored: ``CropPolicy.p_mirror``)."""
    out = img.astype(np.float32)
    if rng.random() < 0.8:
        out = out * rng.uniform(0.7, 1.3) + rng.uniform(-30, 30)  # contrast and brightness
    if rng.random() < 0.3:
        grey = out.mean(axis=2, keepdims=True)
        out = grey + (out - grey) * rng.uniform(0.0, 1.5)  # saturation, down to greyscale
    if rng.random() < 0.2:
        out = out[:, :, rng.sample(range(3), 3)]  # colour channel swap: any hue of plate
    if rng.random() < 0.15:
        out = out + np.random.default_rng(rng.getrandbits(32)).normal(0, rng.uniform(2, 8), out.shape)
    out = out.clip(0, 255).astype(np.uint8)
    if rng.random() < 0.15:
        k = rng.choice((3, 5))
        out = cv2.GaussianBlur(out, (k, k), 0)
    if rng.random() < 0.25:
        ok, enc = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(35, 85)])
        if ok:
            out = cv2.imdecode(enc, cv2.IMREAD_UNCHANGED)
    return out


class TileDataset(Dataset):
    """Screens -> lists of (tile tensor, target dict) in torchvision's detection format."""

    def __init__(
        self, items: list[VocItem], policy: CropPolicy, crops_per_screen: int = 4, seed: int = 0, train: bool = True
    ) -> None:
        self.items = items
        self.policy = policy
        self.crops = crops_per_screen
        self.seed = seed
        self.train = train
        self.epoch = 0

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, idx: int) -> list[tuple[torch.Tensor, dict[str, torch.Tensor]]]:
        item = self.items[idx]
        rng = random.Random(f"{self.seed}:{self.epoch}:{idx}")
        img = read_image(item.image_path)
        boxes = np.array([[o.box.x1, o.box.y1, o.box.x2, o.box.y2] for o in item.objects], dtype=np.float32).reshape(
            -1, 4
        )
        labels = np.array([CLASSES.index(o.label) + 1 for o in item.objects], dtype=np.int64)
        h, w = img.shape[:2]
        samples = []
        for _ in range(self.crops):
            choose = choose_strip if self.policy.shape == "strip" else choose_crop
            c = choose(rng, w, h, boxes, labels, self.policy)
            tile, b, lab = crop_region(img, boxes, labels, c, self.policy.min_visible)
            if self.train and self.policy.p_mirror > 0 and mirrorable(lab) and rng.random() < self.policy.p_mirror:
                tile, b = mirror_tile(tile, b)
            if self.train:
                tile = augment(rng, tile)
            t = torch.from_numpy(np.ascontiguousarray(tile)).permute(2, 0, 1).float().div_(255.0)
            samples.append((t, {"boxes": torch.from_numpy(b).float().reshape(-1, 4), "labels": torch.from_numpy(lab)}))
        return samples


def collate(batch: list[list[tuple[torch.Tensor, dict]]]) -> tuple[list[torch.Tensor], list[dict]]:
    flat = [s for screen in batch for s in screen]
    return [s[0] for s in flat], [s[1] for s in flat]


class ThreadedLoader:
    """Batches of ``dataset`` prepared in this process by ``threads`` threads *between* training steps, not beside
    them.

    On a 2-core CPU a DataLoader worker process competes with the training step's two compute threads, and a
    parallel region runs at the pace of its slowest thread: measured here, a step took 0.40 s with one worker against
    0.19 s for the network alone. Decoding and cutting tiles is mostly OpenCV and numpy, which release the GIL, so
    two threads cut a batch in half the time of one (72 vs 138 ms for 8 screens), and then the compute has both cores
    to itself (3.1 steps/s against 2.5 with one worker process). Batches come in the sampler's order and do not
    depend on the number of threads: each item's randomness is seeded by the item, not by the thread."""

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int,
        threads: int = 2,
        sampler: Sampler | None = None,
        generator: torch.Generator | None = None,
    ) -> None:
        if threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        self.dataset = dataset
        self.threads = threads
        base = sampler if sampler is not None else RandomSampler(dataset, generator=generator)
        self.batches = BatchSampler(base, batch_size, drop_last=False)

    def __len__(self) -> int:
        return len(self.batches)

    def __iter__(self) -> Iterator[tuple[list[torch.Tensor], list[dict]]]:
        pool = ThreadPoolExecutor(self.threads, thread_name_prefix="tiles")
        try:
            for idx in self.batches:
                yield collate(list(pool.map(self.dataset.__getitem__, idx)))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
