"""``closebot train-verifier``: mine the detector's own close/skip candidates on VOC screens and fit the verifier.

Mining runs the installed SSD over training screens (low ``min_score``, so the crops span the scores where decisions
are made) and labels every candidate by the ground truth: ``close``/``skip`` when it overlaps a true button of that
class (IoU >= ``pos_iou``), ``none`` when its centre lies on no true button; in between it is left out (a loose box
on a real button is neither). To these come jittered crops of every true button (what the SSD found too weakly to
propose), a few ``ja_char`` boxes and random spots as negatives. Crops are cached in a cache folder (default
``$XDG_CACHE_HOME/closebot/verifier-crops``, never beside the output, which may be ``weights/``) as
``crops-<key>.npz``, the key a hash of the detector file, the mining settings and the screens mined (path, size,
mtime and labels of each), so a second run with other training settings or another output does not mine again, and
a run with another detector, other data or relabelled screens does.

Plate-matched pairs (``pairs_per_screen``): on a copy of a screen, a video ad's mute button (a sound icon on the
plate a close of some scheme would have) and a close of the same scheme and size are pasted at free spots, and both
are cropped: ``none`` and ``close``, so only the mark tells the two apart. The shipped pair tapped a pale-grey mute
plate at 0.97 in the demo (the store opened); mined candidates hold too few such plates to teach that. Pairs are drawn
from the ``train`` asset pool for training screens and the held-out ``val`` pool for validation screens, anew on each
run (cheap next to mining; not cached).

With ``pair_candidates``, the SSD also looks at each pasted mute button (one tile of the screen's plan around it:
about an eighth of a 1080x2400 frame) and its close/skip candidates there become ``none`` crops too. The SSD need
not box a whole mute button: on the browser-rendered set, all three of the shipped pair's wrong taps (0.62-0.94) were
boxes on the *x beside the speaker* (23-58 px in a 76-77 px icon), and a crop around such a box shows the x and only
the speaker's edge, never what the pasted pair's crop of the whole icon shows. These crops are the verifier's input
as it will see it on a mute button.

Pills (``pills_per_screen``): the same for buttons drawn as a pill with a word: a close pill (``✕ 閉じる``,
``Close ⊗``), a skip pill (``スキップ ▶▶``) and a pill whose word is neither (``詳しくはこちら``, ``Install``; an icon
that is neither, or none), all three of one colour and height: ``close``, ``skip`` and ``none``, so only the word and
the mark tell them apart. The browser-rendered set's most common miss was a close pill on a blue or red plate with an
icon set's circled x, which the SSD found (up to 0.98) and the shipped verifier, that had seen only grey pills with a
drawn x, turned down. A run with close and word pills alone (2026-12-03, v16) made the verifier doubt every pill,
skips too (README "Measured"); hence the skip pill beside them. With ``pair_candidates`` the SSD's candidates on the
word pills are ``none`` crops too.

Counts (``counts_per_screen``): the same for a count drawn with a times sign (``×10``, ``x3``, ``攻撃力×5``: a reward,
a multiplier) and that sign alone, in one font, size and colour: ``none`` and ``close`` (a lone ``×`` is a bare close
mark). On 2026-12-06 four of the shipped pair's twelve close taps off a close (six evaluation sets) were the ``×`` of
such a count (0.67-0.97): the crop around its box shows the sign and the edge of a digit, which the training screens'
counts, drawn among other negatives, rarely put under a candidate. With ``pair_candidates`` the SSD's candidates on
the counts are ``none`` crops too.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import math
import os
import random
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from detector.data import augment, load_items, read_image, require_training_screens
from detector.engine import Detector, InferenceConfig
from detector.errors import DatasetError, TrainingError
from detector.synth import elements
from detector.synth.assets import AssetPool, load_pool
from detector.synth.elements import Sprite
from detector.synth.screen import COUNT_WORDS
from detector.tiling import Tile
from detector.train import recipes, repeat_harvested
from detector.types import VERIFIER_TRAIN_PARTS, Box, Detection
from detector.verifier import (
    VERIFIER_CLASSES,
    Verifier,
    VerifierNet,
    VerifierSpec,
    crop_box,
    load_verifier,
    save_verifier,
)
from detector.voc import VocItem
from detector.weights import sha256_of
from detector.zoom import ZoomConfig

log = logging.getLogger(__name__)
NONE, CLOSE, SKIP = range(3)
PAIR = 4  # CropSet.source of a pasted plate-matched pair
PAIR_CANDIDATE = 5  # CropSet.source of an SSD candidate on a pasted mute button
PILL = 6  # CropSet.source of a pasted close, skip or word pill
PILL_CANDIDATE = 7  # CropSet.source of an SSD candidate on a pasted word pill
COUNT = 8  # CropSet.source of a pasted count ("×10") or its lone times sign
COUNT_CANDIDATE = 9  # CropSet.source of an SSD candidate on a pasted count
# the times signs of a count and the numbers after them (``counts_per_screen``; the words before them are the
# generator's, ``screen.COUNT_WORDS``)
COUNT_SIGNS = "××××xX✕"
COUNT_NUMBERS = ("2", "3", "5", "10", "10", "99", "1.5", "100", "20")


@dataclass(frozen=True)
class VerifierTrainConfig:
    data: tuple[str, ...]
    detector: str  # the SSD weights whose candidates are mined
    out: str
    screens: int = 0  # training screens mined (0: all)
    val_screens: int = 300  # the last ones of val.txt, for choosing the epoch (eval reports use the first 400)
    epochs: int = 20
    batch_size: int = 128
    lr: float = 2e-3
    weight_decay: float = 5e-4
    seed: int = 0
    mine_min_score: float = 0.1
    pos_iou: float = 0.4
    gt_jitter: int = 2  # jittered crops per true close/skip, besides the exact one
    text_negatives: int = 2  # ja_char crops per screen
    random_negatives: int = 1  # random spots per screen
    max_per_screen: int = 40  # SSD candidates per screen, best first (the runtime looks at 32)
    spec: VerifierSpec = field(default_factory=VerifierSpec)  # ignored with ``init``: the file's spec is used
    init: str | None = None  # start from this verifier (fine-tuning, e.g. on harvested frames)
    squeeze: float | None = None  # the crop window's ``VerifierSpec.squeeze`` (None: the spec's or ``init``'s)
    long_context: float | None = None  # likewise ``VerifierSpec.long_context``
    context: float | None = None  # likewise ``VerifierSpec.context`` (the square window, in box sides)
    input_size: int | None = None  # likewise ``VerifierSpec.input_size`` (the crop's side in network pixels)
    harvest_repeat: int = 1  # each harvested screen is mined this many times (new jitter each time)
    cache_dir: str | None = None  # mined crops (None: default_cache_dir())
    pairs_per_screen: int = 0  # plate-matched mute/close pairs pasted per screen (0: none)
    pair_candidates: bool = False  # also the SSD's own candidates on each pasted mute button, word pill or count
    pills_per_screen: int = 0  # close, skip and word pills of one colour pasted per screen (0: none)
    counts_per_screen: int = 0  # counts ("×10") and their lone times sign pasted per screen (0: none)
    # weight of a term keeping a fine-tune's class probabilities near its --init file's on the same crops (the KL
    # divergence from the parent's, "learning without forgetting"): what the new crops teach moves the network, the
    # rest of what the parent says stays (0: none, the fine-tunes before 2026-12-07)
    keep_parent: float = 0.0
    icons: str | None = None  # icon-mask cache (``closebot icons``) the pairs' sound icons and closes come from
    # train and validate on the crops of boxes at least this many times longer than wide only (0: all): what a
    # squeezed window sees in a file merged with ``--long-from`` (``VerifierSpec.long_from``)
    long_only: float = 0.0
    # which networks of an ``init`` file of several windows train: "all", or "long-window" (its squeezed window
    # only, on the boxes it scores; the square networks kept bit for bit): ``VERIFIER_TRAIN_PARTS``
    train_only: str = "all"
    # how the runtime runs the SSD (config.yaml's detector.inference: tile shape and size, overlap, NMS, precision):
    # its candidates are mined as the runtime will propose them, with ``mine_min_score`` and no closer look
    # (``mining_inference``)
    inference: InferenceConfig = field(default_factory=InferenceConfig)


class NoCropsLeft(DatasetError):
    """``long_only`` left no crops to train or validate on."""


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/closebot/verifier-crops`` (``~/.cache/...`` without it)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "closebot" / "verifier-crops"


# settings that do not change what mining produces (the key leaves them out)
_NOT_MINING = (
    "out",
    "epochs",
    "batch_size",
    "lr",
    "weight_decay",
    "init",
    "cache_dir",
    "data",
    "screens",
    "val_screens",
    "pairs_per_screen",  # pairs are drawn anew on each run, outside the mined cache
    "pair_candidates",
    "pills_per_screen",
    "counts_per_screen",
    "keep_parent",
    "icons",
    "squeeze",  # the crops' geometry enters the key through the spec
    "long_context",
    "context",
    "input_size",
    "long_only",  # a choice among the mined crops
    "train_only",  # a choice among the networks
    "inference",  # in the key as ``mining_inference`` gives it
)
CROP_FORMAT = 2  # 2: crops carry their box's aspect (``CropSet.aspect``); older caches are mined again


def _items_fingerprint(items: list[VocItem]) -> list:
    out = []
    for it in items:
        st = Path(it.image_path).stat()
        out.append([str(Path(it.image_path).resolve()), st.st_size, st.st_mtime_ns, repr(it.objects)])
    return out


def mining_key(cfg: VerifierTrainConfig, spec: VerifierSpec, detector_sha: str | None, tr: list, va: list) -> str:
    """Hash of everything mining depends on: the detector, the settings, the runtime's geometry that proposes the
    candidates (``mining_inference``) and the very screens (with their labels)."""
    mining = {k: v for k, v in asdict(cfg).items() if k not in _NOT_MINING}
    mining["spec"] = replace(spec, members=1).to_dict()  # the crops' geometry: an ensemble's crops are its members'
    mining["format"] = CROP_FORMAT
    # the geometry the candidates come from (strips and squares propose different boxes); not the threads or the
    # batch, which change the time only
    inference = asdict(mining_inference(cfg))
    mining["inference"] = {k: v for k, v in inference.items() if k not in ("threads", "batch_size")}
    blob = [detector_sha, mining, _items_fingerprint(tr), _items_fingerprint(va)]
    return hashlib.sha256(json.dumps(blob, sort_keys=True, default=str).encode()).hexdigest()[:16]


@dataclass
class CropSet:
    crops: np.ndarray  # (N, s, s, 3) uint8
    labels: np.ndarray  # (N,) int64 indices into VERIFIER_CLASSES
    source: np.ndarray  # (N,) 0 = SSD candidate, 1 = true button, 2 = text, 3 = random, 4 = pasted pair,
    # 5 = SSD candidate on a pasted mute button
    aspect: np.ndarray  # (N,) float32: the cropped box's longer side over its shorter one

    def __len__(self) -> int:
        return len(self.labels)

    def counts(self) -> dict[str, int]:
        return {c: int((self.labels == i).sum()) for i, c in enumerate(VERIFIER_CLASSES)}

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, crops=self.crops, labels=self.labels, source=self.source, aspect=self.aspect)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> CropSet:
        with np.load(path) as z:
            return cls(z["crops"], z["labels"], z["source"], z["aspect"])

    @classmethod
    def of(cls, crops: list[np.ndarray], labels: list[int], source: list[int], boxes: list[Box]) -> CropSet:
        return cls(
            np.stack(crops),
            np.array(labels, dtype=np.int64),
            np.array(source, dtype=np.int64),
            np.array([b.aspect for b in boxes], dtype=np.float32),
        )

    def long_only(self, ratio: float) -> CropSet:
        """The crops of boxes at least ``ratio`` times longer than wide (all of them for 0)."""
        if not ratio:
            return self
        keep = self.aspect >= ratio
        return CropSet(*(getattr(self, f.name)[keep] for f in fields(self)))


def label_candidate(det: Detection, truths: list[tuple[Box, int]], pos_iou: float) -> int | None:
    """The verifier's label for one SSD candidate, or None when it is ambiguous (a loose box on a true button)."""
    best, cls = 0.0, NONE
    for box, c in truths:
        v = det.box.iou(box)
        if v > best:
            best, cls = v, c
    if best >= pos_iou:
        return cls
    if any(box.contains(*det.box.center) for box, _ in truths):
        return None
    return NONE


def _jitter(rng: random.Random, b: Box, amount: float = 0.15) -> Box:
    w, h = b.width, b.height
    cx, cy = b.center
    cx += rng.uniform(-amount, amount) * w
    cy += rng.uniform(-amount, amount) * h
    s = rng.uniform(0.85, 1.2)
    return Box(cx - w * s / 2, cy - h * s / 2, cx + w * s / 2, cy + h * s / 2)


def mining_inference(cfg: VerifierTrainConfig) -> InferenceConfig:
    """The runtime's inference settings (``cfg.inference``) down to ``cfg.mine_min_score``, without the closer look:
    how the mined SSD proposes the candidates the verifier learns on."""
    return replace(cfg.inference, min_score=cfg.mine_min_score, zoom=ZoomConfig(enabled=False))


class Miner:
    """The SSD whose candidates are mined, as the verifier will see them (down to ``mine_min_score``, no closer look),
    loaded when first needed, and the close/skip candidates it has proposed on each screen so far: a screen listed
    twice (a harvested one, ``harvest_repeat``) or mined again for another window of one fine-tune is looked at
    once, and a run whose crops all come from the cache never loads it."""

    def __init__(self, cfg: VerifierTrainConfig) -> None:
        self.weights, self.inference = cfg.detector, mining_inference(cfg)
        self._detector: Detector | None = None
        self._candidates: dict[Path, list[Detection]] = {}

    @property
    def detector(self) -> Detector:
        if self._detector is None:
            self._detector = Detector.load(self.weights, self.inference)
        return self._detector

    def candidates(self, item: VocItem, img: np.ndarray) -> list[Detection]:
        """The close/skip candidates on ``item``'s screen (``img``, already read)."""
        found = self._candidates.get(item.image_path)
        if found is None:
            found = [d for d in self.detector.detect(img).detections if d.label in ("close", "skip")]
            self._candidates[item.image_path] = found
        return found


def mine(
    miner: Miner,
    items: list[VocItem],
    spec: VerifierSpec,
    cfg: VerifierTrainConfig,
    seed: int,
    desc: str,
    show_progress: bool = True,
) -> CropSet:
    """The crops of ``spec``'s window around the SSD's candidates on ``items``, their true buttons (exact and
    jittered), some Japanese characters and random spots (module doc)."""
    rng = random.Random(seed)
    crops: list[np.ndarray] = []
    labels: list[int] = []
    source: list[int] = []
    boxes: list[Box] = []

    def add(img: np.ndarray, box: Box, label: int, src: int) -> None:
        crops.append(crop_box(img, box, spec))
        labels.append(label)
        source.append(src)
        boxes.append(box)

    for item in tqdm(items, desc=desc, leave=False, disable=not show_progress):
        img = read_image(item.image_path)
        h, w = img.shape[:2]
        truths = [(g.box, CLOSE if g.label == "close" else SKIP) for g in item.objects if g.label in ("close", "skip")]
        for d in sorted(miner.candidates(item, img), key=lambda d: -d.score)[: cfg.max_per_screen]:
            lab = label_candidate(d, truths, cfg.pos_iou)
            if lab is not None:
                add(img, d.box, lab, 0)
        for box, c in truths:
            add(img, box, c, 1)
            for _ in range(cfg.gt_jitter):
                add(img, _jitter(rng, box), c, 1)
        texts = [g.box for g in item.objects if g.label == "ja_char"]
        for box in rng.sample(texts, min(cfg.text_negatives, len(texts))):
            if not any(t.contains(*box.center) for t, _ in truths):
                add(img, _jitter(rng, box, 0.1), NONE, 2)
        for _ in range(cfg.random_negatives):
            side = rng.uniform(20, 150)
            x, y = rng.uniform(0, max(1.0, w - side)), rng.uniform(0, max(1.0, h - side))
            b = Box(x, y, x + side, y + side)
            if not any(t.contains(*b.center) for t, _ in truths):
                add(img, b, NONE, 3)
    if not crops:
        raise DatasetError("mining found no crops: no screens or no objects in them")
    return CropSet.of(crops, labels, source, boxes)


SCHEME_WEIGHTS = {"light_translucent": 3.0}  # the demo's decoy scheme, and the user's most-missed close, weigh more


def _free_spot(
    rng: random.Random, w: int, h: int, sw: int, sh: int, taken: list[Box], tries: int = 20
) -> tuple[int, int] | None:
    for _ in range(tries):
        x, y = rng.randint(0, max(0, w - sw)), rng.randint(0, max(0, h - sh))
        b = Box(x - 4, y - 4, x + sw + 4, y + sh + 4)
        if not any(b.iou(t) > 0 for t in taken):  # no overlap with a button or an earlier paste
            return x, y
    return None


def _sprite_box(sprite: Sprite, x: int, y: int) -> Box:
    """The screen box of a sprite pasted at (x, y): its labelled box (a close's plate or bare x), else its ink."""
    b = sprite.boxes[0].box if sprite.boxes else elements._alpha_bbox(sprite.image)
    b = b or (0, 0, sprite.image.width, sprite.image.height)
    return Box(x + b[0], y + b[1], x + b[2], y + b[3])


def draw_count(rng: random.Random, pool: AssetPool, size: int) -> tuple[Sprite, Sprite]:
    """A count with a times sign ("×10", "攻撃力×5", "x3") and that sign alone, in one font, ``size`` and colour."""
    word = rng.choice(COUNT_WORDS) if rng.random() < 0.5 else ""  # a reward's word, or a bare multiplier
    fpath = rng.choice(pool.ja_fonts if word else pool.latin_fonts + pool.ja_fonts)
    sign = rng.choice([c for c in COUNT_SIGNS if elements.has_glyph(fpath, c)] or ["x"])
    r = rng.random()  # pale grey or white as on the false taps, else dark or any colour
    if r < 0.5:
        color = elements._grey(rng.randint(150, 255))
    else:
        color = elements._grey(rng.randint(20, 90)) if r < 0.75 else elements.random_color(rng)
    number = rng.choice(COUNT_NUMBERS)
    text = f"{word}{sign}{number}" if rng.random() < 0.85 else f"{number}{sign}"
    count = elements.draw_text(rng, text, fpath, size, color, label_ja=False)
    return count, elements.draw_text(rng, sign, fpath, size, color, label_ja=False)


def _draw_pairs(
    rng: random.Random, pool: AssetPool, w: int, h: int, mutes: int, pills: int, counts: int = 0
) -> Iterator[tuple]:
    """``mutes`` mute/close pairs of one scheme and size, then ``pills`` word/close/skip pills of one colour and
    height, then ``counts`` counts ("×10") and their lone sign, for a ``w`` x ``h`` screen: ((negative sprite, NONE),
    (sprite, label)..., source) each, drawn one by one as they are asked for (the placing between draws takes from
    the same ``rng``)."""
    schemes = list(elements.CLOSE_SCHEMES)
    weights = [SCHEME_WEIGHTS.get(s, 1.0) for s in schemes]
    unit = min(w, h) / 1080
    for _ in range(mutes):
        scheme = rng.choices(schemes, weights)[0]
        size = max(16, int(rng.uniform(24, 150) * unit))
        sound, close = elements.draw_sound_icon(rng, pool, size, scheme), elements.draw_close(rng, pool, size, scheme)
        yield (sound, NONE), (close, CLOSE), PAIR
    for _ in range(pills):
        colors, height = elements.pill_colors(rng), max(16, int(rng.uniform(36, 110) * unit))
        word = elements.draw_word_pill(rng, pool, height, colors)
        close = elements.draw_close_pill(rng, pool, height, colors)
        skip = elements.draw_skip_pill(rng, pool, height, colors)
        yield (word, NONE), (close, CLOSE), (skip, SKIP), PILL
    for _ in range(counts):
        count, sign = draw_count(rng, pool, max(14, int(rng.uniform(24, 110) * unit)))
        yield (count, NONE), (sign, CLOSE), COUNT


def pasted_pairs(
    items: list[VocItem],
    pool: AssetPool,
    spec: VerifierSpec,
    per_screen: int,
    seed: int,
    desc: str,
    show_progress: bool = True,
    detector: Detector | None = None,
    per_mute: int = 3,
    pills: int = 0,
    counts: int = 0,
) -> CropSet:
    """Plate-matched pairs (module doc): per screen ``per_screen`` times a sound icon (``none``) and a close
    (``close``) of one scheme and size, and ``pills`` times a pill with a word that is neither close nor skip
    (``none``), a close pill and a skip pill of one colour and height (source ``PILL``), and ``counts`` times a count
    (``none``) and its lone times sign (``close``) in one font, size and colour (source ``COUNT``), pasted at free
    spots of a copy of the screen (all of a group or none of it); each cropped exactly and once jittered. With
    ``detector`` (square tiles), also its ``per_mute`` best close/skip candidates centred on each pasted mute button,
    word pill or count (``none``, source ``PAIR_CANDIDATE``, ``PILL_CANDIDATE`` or ``COUNT_CANDIDATE``)."""
    from PIL import Image

    if per_screen and not pool.sound_glyphs:
        raise DatasetError(
            "plate-matched pairs need sound icons: pass --icons with the cache from `closebot icons` "
            "(bash scripts/icons.sh)"
        )
    rng = random.Random(seed)
    crops: list[np.ndarray] = []
    labels: list[int] = []
    source: list[int] = []
    boxes: list[Box] = []
    for item in tqdm(items, desc=desc, leave=False, disable=not show_progress):
        img = read_image(item.image_path)
        h, w = img.shape[:2]
        canvas = Image.fromarray(img).convert("RGBA")
        taken = [g.box for g in item.objects if g.label in ("close", "skip")]
        placed: list[tuple[Box, int, int]] = []
        for *group, src in _draw_pairs(rng, pool, w, h, per_screen, pills, counts):
            spots = []
            for sprite, _ in group:  # all or none: every group is one negative and its targets
                sw, sh = sprite.image.size
                spot = _free_spot(rng, w, h, sw, sh, taken + [b for _, b in spots])
                if spot is None:
                    break
                spots.append((spot, Box(spot[0], spot[1], spot[0] + sw, spot[1] + sh)))
            if len(spots) < len(group):
                continue
            for (sprite, label), (spot, area) in zip(group, spots, strict=True):
                canvas.alpha_composite(sprite.image, spot)
                placed.append((_sprite_box(sprite, *spot), label, src))
                taken.append(area)
        if not placed:
            continue
        pasted = np.asarray(canvas.convert("RGB"))
        for box, label, src in placed:
            for b in (box, _jitter(rng, box)):
                crops.append(crop_box(pasted, b, spec))
                labels.append(label)
                source.append(src)
                boxes.append(b)
        if detector is not None:  # the SSD's candidates on each pasted negative, by what was pasted
            negatives = [(box, CANDIDATE_OF[src]) for box, label, src in placed if label == NONE]
            found = candidates_on(detector, pasted, [box for box, _ in negatives], per_mute)
            for (_, cand_src), cands in zip(negatives, found, strict=True):
                for b in cands:
                    crops.append(crop_box(pasted, b, spec))
                    labels.append(NONE)
                    source.append(cand_src)
                    boxes.append(b)
    if not crops:
        raise DatasetError("no pairs or pills could be pasted: no screens, or no free spots on them")
    return CropSet.of(crops, labels, source, boxes)


CANDIDATE_OF = {
    PAIR: PAIR_CANDIDATE,
    PILL: PILL_CANDIDATE,
    COUNT: COUNT_CANDIDATE,
}  # a pasted negative's SSD candidates


def candidates_on(detector: Detector, image: np.ndarray, boxes: list[Box], per_box: int) -> list[list[Box]]:
    """For each of ``boxes`` (pasted negatives), the boxes of the ``per_box`` best close/skip candidates the detector
    proposes with their centre on it, looking only at one square around each, in one batch: a square of the plan's
    tile (with strips, of the strip's shorter side: 720 px on a 1080x2400 screen either way)."""
    if not boxes:
        return []
    h, w = image.shape[:2]
    first = detector.plan(w, h)[0]
    side = min(first.w, first.h)
    tiles = [Tile.square_around(*b.center, side, w, h) for b in boxes]
    cands = sorted(
        (d for d in detector.detect_in(image, tiles) if d.label in ("close", "skip")), key=lambda d: -d.score
    )
    return [[d.box for d in cands if b.contains(*d.box.center)][:per_box] for b in boxes]


def concat(a: CropSet, b: CropSet) -> CropSet:
    return CropSet(*(np.concatenate([getattr(a, f.name), getattr(b, f.name)]) for f in fields(CropSet)))


def _batches(n: int, size: int, rng: np.random.Generator | None):
    idx = rng.permutation(n) if rng is not None else np.arange(n)
    for i in range(0, n, size):
        yield idx[i : i + size]


def _augment_batch(rng: random.Random, crops: np.ndarray, labels: np.ndarray) -> np.ndarray:
    out = np.empty_like(crops)
    for i in range(len(crops)):
        c = augment(rng, crops[i])
        if labels[i] != SKIP and rng.random() < 0.5:  # a mirrored ">>" is no skip; a mirrored x is still a close
            c = c[:, ::-1]
        out[i] = c
    return out


def parent_divergence(logits: torch.Tensor, parent: VerifierNet, crops: torch.Tensor) -> torch.Tensor:
    """KL(parent || network) of the class probabilities on ``crops``, averaged over them: 0 where the network says
    what its parent says, whatever the labels."""
    with torch.no_grad():
        target = torch.log_softmax(parent(crops), dim=1)
    return nn.functional.kl_div(torch.log_softmax(logits, dim=1), target, reduction="batchmean", log_target=True)


@torch.inference_mode()
def evaluate_crops(net: VerifierNet, data: CropSet, batch_size: int = 256) -> dict:
    """Loss, per-class recall and, the number that matters, how many ``none`` crops still pass as a target."""
    net.eval()
    probs = []
    for idx in _batches(len(data), batch_size, None):
        probs.append(torch.softmax(net(torch.from_numpy(data.crops[idx])), dim=1))
    p = torch.cat(probs)
    y = torch.from_numpy(data.labels)
    loss = float(nn.functional.nll_loss(torch.log(p.clamp_min(1e-8)), y))
    pred = p.argmax(1)
    recall = {
        c: float((pred[y == i] == i).float().mean()) if (y == i).any() else float("nan")
        for i, c in enumerate(VERIFIER_CLASSES)
    }
    none_mask = y == NONE
    passed = float((p[none_mask][:, 1:].max(1).values >= 0.5).float().mean()) if none_mask.any() else float("nan")
    out = {"loss": loss, "recall": recall, "none_passed": passed, "n": len(data)}
    pairs = torch.from_numpy(data.source == PAIR)
    if pairs.any():  # the pasted mute buttons that still pass, and the pasted closes found
        mute, close = pairs & none_mask, pairs & (y == CLOSE)
        out["mute_passed"] = float((p[mute][:, 1:].max(1).values >= 0.5).float().mean()) if mute.any() else None
        out["pair_close_recall"] = float((pred[close] == CLOSE).float().mean()) if close.any() else None
    pills = torch.from_numpy(data.source == PILL)
    if pills.any():  # the pasted word pills that pass, and the pasted close and skip pills found
        word = pills & none_mask
        out["word_pill_passed"] = float((p[word][:, 1:].max(1).values >= 0.5).float().mean()) if word.any() else None
        for c, name in ((CLOSE, "pill_close_recall"), (SKIP, "pill_skip_recall")):
            m = pills & (y == c)
            out[name] = float((pred[m] == c).float().mean()) if m.any() else None
    counts = torch.from_numpy(data.source == COUNT)
    if counts.any():  # the pasted counts that pass, and their lone signs found
        count, sign = counts & none_mask, counts & (y == CLOSE)
        out["count_passed"] = float((p[count][:, 1:].max(1).values >= 0.5).float().mean()) if count.any() else None
        out["count_sign_recall"] = float((pred[sign] == CLOSE).float().mean()) if sign.any() else None
    candidates = ((PAIR_CANDIDATE, "mute_candidates"), (PILL_CANDIDATE, "word_pill_candidates"))
    for src, name in (*candidates, (COUNT_CANDIDATE, "count_candidates")):
        found = torch.from_numpy(data.source == src)
        if found.any():  # the SSD's candidates on pasted mute buttons (word pills) that still pass
            out[name] = int(found.sum())
            out[f"{name}_passed"] = float((p[found][:, 1:].max(1).values >= 0.5).float().mean())
    return out


def crop_geometry(spec: VerifierSpec, cfg: VerifierTrainConfig) -> VerifierSpec:
    """``spec`` with the crop window and input size ``cfg`` asks for. The network does not depend on them (it is
    convolutions and a global pooling), so a verifier can be fine-tuned to a new window (e.g. long boxes squeezed:
    ``--squeeze 2``) or to a wider window at a larger input (``--context 4 --input-size 128``: the mark keeps its
    pixels) from its old weights."""
    if cfg.squeeze is not None:
        spec = replace(spec, squeeze=cfg.squeeze)
    if cfg.long_context is not None:
        spec = replace(spec, long_context=cfg.long_context)
    if cfg.context is not None:
        spec = replace(spec, context=cfg.context)
    if cfg.input_size is not None:
        spec = replace(spec, input_size=cfg.input_size)
    return spec


def _lineage(cfg: VerifierTrainConfig) -> dict:
    """The manifest's ``detector`` (the SSD mined) and ``parent`` (``init``) entries."""
    det = Path(cfg.detector)
    return {
        "detector": {"file": det.name, "sha256": sha256_of(det) if det.is_file() else None},
        "parent": {"file": str(cfg.init), "sha256": sha256_of(Path(cfg.init))} if cfg.init else None,
    }


def train_verifier(cfg: VerifierTrainConfig, show_progress: bool = True) -> dict:
    """Mine (or read the cache), train, and write the verifier with the best validation loss to ``cfg.out``.

    Fine-tuning an ensemble of several windows (``--init`` of a merge of a square and a squeezed verifier) trains
    the networks of each window on crops of that window, one window after the other, and writes them back as one
    file with the parent's spec; the result then has ``parts``, one result per window. A squeezed window that only
    scores long boxes (``VerifierSpec.long_from``) is trained on those only, and kept as it was when there are none
    (a few harvested screens). With ``train_only`` "long-window" that squeezed window alone is trained and the
    square networks are kept as they are."""
    if cfg.train_only not in VERIFIER_TRAIN_PARTS:
        raise TrainingError(f"train_only {cfg.train_only!r}: must be one of {', '.join(VERIFIER_TRAIN_PARTS)}")
    if cfg.keep_parent and not cfg.init:
        raise TrainingError("--keep-parent keeps a fine-tune near its parent: it needs an --init file")
    parent = Verifier.load(cfg.init) if cfg.init else None  # its file's checks and spec; training starts from its net
    if cfg.train_only == "long-window" and not (parent and parent.spec.long_from):
        what = f"{cfg.init} has one window" if parent else "no --init file"
        raise TrainingError(
            f"--train-only long-window trains the squeezed window of a file merged with --long-from; {what}"
        )
    if parent is not None and parent.parts:
        return _train_windows(cfg, parent, show_progress)
    spec = crop_geometry(parent.spec if parent else cfg.spec, cfg)
    return _train(cfg, parent.net if parent else None, spec, Path(cfg.out), show_progress)


def _train_windows(cfg: VerifierTrainConfig, parent: Verifier, show_progress: bool) -> dict:
    """``train_verifier`` for a parent whose networks look through several windows (see there)."""
    if any(v is not None for v in (cfg.squeeze, cfg.long_context, cfg.context, cfg.input_size)):
        raise TrainingError(
            f"{cfg.init}: its networks look through windows of their own ({list(parent.spec.windows)}); "
            "--squeeze, --long-context, --context and --input-size apply to a verifier of one window"
        )
    t0 = time.time()
    parts, summaries = [], []
    miner = Miner(cfg)  # every window is mined on the same SSD's candidates: it looks at each screen once
    with tempfile.TemporaryDirectory(prefix="closebot-verifier-") as tmp:
        for k, part in enumerate(parent.parts):
            window, n = list(part.spec.window), part.spec.members
            log.info("window %d of %d (squeeze %s): %d network(s)", k + 1, len(parent.parts), window[0], n)
            if cfg.train_only == "long-window" and part.spec.square:
                kept = "--train-only long-window"
                parts.append({"window": window, "networks": n, "kept": kept})
                summaries.append({"window": window, "networks": n, "kept": kept})
                continue
            part_out = Path(tmp) / f"window{k}.pt"
            # a squeezed window only sees long boxes when the file says so: train it on what it will see
            sees = cfg.long_only or (0.0 if part.spec.square else parent.spec.long_from)
            try:
                res = _train(replace(cfg, long_only=sees), part.net, part.spec, part_out, show_progress, miner)
            except NoCropsLeft as e:
                if cfg.long_only:  # asked for on the command line: an error
                    raise
                log.warning("window %d: %s; its networks are kept as they were", k + 1, e)
                parts.append({"window": window, "networks": n, "kept": str(e)})
                summaries.append({"window": window, "networks": n, "kept": str(e)})
                continue
            best = load_verifier(part_out)
            part.net.load_state_dict(best.state_dict)  # its modules are the parent's: the parent now holds the best
            parts.append({**res, "window": window, "networks": n})
            keep = ("best_epoch", "val", "history", "crops", "mine_seconds", "train_seconds")
            summaries.append({"window": window, "networks": n, **{key: best.manifest.get(key) for key in keep}})
    save_verifier(
        Path(cfg.out),
        parent.net,
        parent.spec,
        {
            **_lineage(cfg),
            "data": {"dirs": list(cfg.data), "recipes": recipes([Path(d) for d in cfg.data])},
            "train": asdict(cfg),
            "windows": summaries,
        },
    )
    return {"parts": parts, "seconds": time.time() - t0}


def _train(
    cfg: VerifierTrainConfig,
    init: VerifierNet | None,
    spec: VerifierSpec,
    out: Path,
    show_progress: bool,
    miner: Miner | None = None,
) -> dict:
    """Mine or read the crops of ``spec``'s window, train ``init`` (a new network when None), write the best epoch.
    ``miner``: the SSD and its candidates, shared by the windows of one fine-tune (``Miner``)."""
    miner = Miner(cfg) if miner is None else miner
    out.parent.mkdir(parents=True, exist_ok=True)
    roots = [Path(d) for d in cfg.data]
    torch.manual_seed(cfg.seed)
    lineage = _lineage(cfg)
    detector_sha = lineage["detector"]["sha256"]
    t0 = time.time()
    require_training_screens(roots)
    tr = repeat_harvested(roots, load_items(roots, "train"), cfg.harvest_repeat)
    random.Random(cfg.seed).shuffle(tr)
    tr = tr[: cfg.screens] if cfg.screens else tr
    va = load_items(roots, "val")
    va = va[-cfg.val_screens :] if cfg.val_screens else va  # the end of val.txt: reports use its start
    key = mining_key(cfg, spec, detector_sha, tr, va)
    cache_dir = Path(cfg.cache_dir) if cfg.cache_dir else default_cache_dir()
    cache, vcache = cache_dir / f"crops-{key}.npz", cache_dir / f"crops-{key}-val.npz"
    mined = not (cache.is_file() and vcache.is_file())
    if not mined:
        log.info("reading mined crops from %s", cache)
        train_set, val_set = CropSet.load(cache), CropSet.load(vcache)
    else:
        train_set = mine(miner, tr, spec, cfg, cfg.seed, "mine train", show_progress)
        val_set = mine(miner, va, spec, cfg, cfg.seed + 1, "mine val", show_progress)
        cache_dir.mkdir(parents=True, exist_ok=True)
        train_set.save(cache)
        val_set.save(vcache)
    # the pasted mute/close pairs are square (and so, nearly always, are the SSD's candidates on them): a window of
    # long boxes only would throw them away after pasting them
    n, pills, seed = (0 if cfg.long_only else cfg.pairs_per_screen), cfg.pills_per_screen, cfg.seed
    counts = 0 if cfg.long_only else cfg.counts_per_screen
    if cfg.long_only and cfg.pairs_per_screen:
        log.info("no mute/close pairs pasted: they are square, and boxes from %g:1 only are trained on", cfg.long_only)
    if n or pills or counts:
        # with pair_candidates, the SSD on the pasted negatives (not cached: the pairs are drawn anew)
        looker = miner.detector if cfg.pair_candidates else None
        train_pairs = pasted_pairs(
            tr,
            load_pool("train", cfg.icons),
            spec,
            n,
            seed,
            "pairs train",
            show_progress,
            looker,
            pills=pills,
            counts=counts,
        )
        val_pairs = pasted_pairs(
            va,
            load_pool("val", cfg.icons),
            spec,
            n,
            seed + 1,
            "pairs val",
            show_progress,
            looker,
            pills=pills,
            counts=counts,
        )
        train_set, val_set = concat(train_set, train_pairs), concat(val_set, val_pairs)
    train_set, val_set = train_set.long_only(cfg.long_only), val_set.long_only(cfg.long_only)
    if not len(train_set) or not len(val_set):
        raise NoCropsLeft(f"no crops of boxes at least {cfg.long_only:g}:1 long to train or validate on")
    mine_s = time.time() - t0
    log.info("crops: train %s, val %s (%.0f s)", train_set.counts(), val_set.counts(), mine_s)

    # the parent as it was, frozen, before ``init`` (the parent's own modules) is trained
    parent = copy.deepcopy(init).eval().requires_grad_(False) if cfg.keep_parent else None
    net = (init if init is not None else VerifierNet(spec)).to(memory_format=torch.channels_last)
    counts = np.bincount(train_set.labels, minlength=3).astype(np.float64)
    weights = torch.tensor(np.sqrt(counts.sum() / (3 * np.maximum(counts, 1))), dtype=torch.float32)
    opt = torch.optim.AdamW(net.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    steps = cfg.epochs * math.ceil(len(train_set) / cfg.batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=steps, pct_start=0.1)
    rng, nrng = random.Random(cfg.seed), np.random.default_rng(cfg.seed)
    history, best = [], math.inf
    for epoch in range(1, cfg.epochs + 1):
        net.train()
        te, losses = time.time(), []
        bar = tqdm(
            list(_batches(len(train_set), cfg.batch_size, nrng)),
            desc=f"verifier {epoch}/{cfg.epochs}",
            disable=not show_progress,
            leave=False,
        )
        for idx in bar:
            x = torch.from_numpy(_augment_batch(rng, train_set.crops[idx], train_set.labels[idx]))
            y = torch.from_numpy(train_set.labels[idx])
            logits = net(x)
            loss = nn.functional.cross_entropy(logits, y, weight=weights, label_smoothing=0.05)
            if parent is not None:
                loss = loss + cfg.keep_parent * parent_divergence(logits, parent, x)
            if not torch.isfinite(loss):
                raise TrainingError(f"verifier loss is {loss.item()} at epoch {epoch}: stopping")
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            losses.append(loss.item())
            bar.set_postfix(loss=f"{np.mean(losses[-50:]):.3f}")
        val = evaluate_crops(net, val_set)
        rec = {"epoch": epoch, "train_loss": float(np.mean(losses)), "seconds": round(time.time() - te, 1), **val}
        history.append(rec)
        log.info("verifier epoch %d: %s", epoch, rec)
        if val["loss"] < best:
            best = val["loss"]
            save_verifier(
                out,
                net,
                spec,
                {
                    **lineage,
                    "data": {"dirs": list(cfg.data), "recipes": recipes(roots)},
                    "train": asdict(cfg),
                    "crops": {"train": train_set.counts(), "val": val_set.counts()},
                    "best_epoch": epoch,
                    "val": val,
                    "history": history,
                    "mine_seconds": round(mine_s, 1),
                    "train_seconds": round(time.time() - t0 - mine_s, 1),
                },
            )
    return {
        "history": history,
        "mine_seconds": mine_s,
        "seconds": time.time() - t0,
        "cache": str(cache),
        "mined": mined,
    }
