"""``closebot synth``: write a VOC dataset of generated ad screens, in parallel, reproducibly from a seed."""

from __future__ import annotations

import json
import logging
import multiprocessing as mp
import os
import random
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from detector.errors import DatasetError
from detector.synth import assets, screen
from detector.types import Box, GroundTruth
from detector.voc import write_annotation

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SynthJob:
    out: Path
    split: str  # asset/layout split: "train" or "val"
    seed: int
    index: int
    fixed_size: tuple[int, int] | None
    icons: str | None = None  # icon-mask cache built by ``closebot icons`` (None: icon fonts only)
    close: screen.CloseMix = screen.CloseMix()  # how close buttons are drawn (sizes, shares of the rarer kinds)
    text_negatives: int = 0  # up to this many screen.text_negatives per training-layout screen (0: none)


def _compose(job: SynthJob) -> screen.Screen:
    pool = assets.load_pool(job.split, job.icons)  # type: ignore[arg-type]
    for attempt in range(5):
        rng = random.Random(f"{job.seed}:{job.split}:{job.index}:{attempt}")
        layout = rng.choice(screen.layouts_for(job.split))
        size = job.fixed_size or screen.pick_size(rng)
        try:
            return screen.compose(rng, pool, layout, size, job.close, job.text_negatives)
        except (
            OSError,
            ValueError,
        ) as e:  # a broken font or picture, a degenerate geometry: draw this screen again from another stream
            log.warning("screen %s attempt %d failed: %s", job.index, attempt, e)
    raise RuntimeError(f"screen {job.index} failed 5 times")


def _make_one(job: SynthJob) -> dict:
    scr = _compose(job)
    rng = random.Random(f"{job.seed}:{job.split}:{job.index}:save")
    size = scr.image.size
    image_id = f"{job.split}_{job.seed}_{job.index:06d}"
    jpg = job.out / "JPEGImages" / f"{image_id}.jpg"
    tmp = jpg.with_suffix(".tmp.jpg")
    scr.image.save(tmp, quality=rng.randint(60, 95))
    os.replace(tmp, jpg)
    objects = [GroundTruth(Box(*o.box), o.label, o.style) for o in scr.objects]  # type: ignore[arg-type]
    write_annotation(job.out / "Annotations" / f"{image_id}.xml", jpg.name, size[0], size[1], objects)
    return {"id": image_id, **scr.meta}


def synthesize(
    out: Path,
    n: int,
    seed: int,
    *,
    val_fraction: float = 0.1,
    workers: int = 2,
    fixed_size: tuple[int, int] | None = None,
    icons: Path | None = None,
    close: screen.CloseMix | None = None,
    text_negatives: int = 0,
    show_progress: bool = True,
) -> dict:
    """Write ``n`` screens: ``ImageSets/Main/train.txt`` from training assets and layouts, ``val.txt``
    (``val_fraction`` of n) from held-out ones; ``icons`` adds the icon sets rendered by ``closebot icons`` (each set
    belongs to one split); ``close`` says how close buttons are drawn (sizes, the shares of pills, condensed and raised
    marks: :class:`screen.CloseMix`; None: its defaults); ``text_negatives`` > 0 adds 1 to that many word pills, text
    bubbles and "×" words to each training-layout screen (:func:`screen.text_negatives`). Returns the recipe that is
    also written to ``recipe.json``."""
    icon_root = str(icons) if icons is not None else None
    close = close or screen.CloseMix()
    if not 0 <= text_negatives <= 20:
        raise DatasetError(f"text negatives per screen {text_negatives}: expected 0 to 20")
    if icons is not None and not (icons / "index.json").is_file():
        raise DatasetError(f"{icons}: no index.json; build the icon cache first with `closebot icons --out {icons}`")
    for sub in ("JPEGImages", "Annotations", "ImageSets/Main"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    n_val = int(round(n * val_fraction))
    jobs = [
        SynthJob(
            out,
            "val" if i < n_val else "train",
            seed,
            i,
            fixed_size,
            icons=icon_root,
            close=close,
            text_negatives=text_negatives,
        )
        for i in range(n)
    ]
    metas: list[dict] = []
    ctx = mp.get_context("fork")
    if workers > 1:
        with ctx.Pool(workers) as pool:
            for meta in tqdm(pool.imap(_make_one, jobs, chunksize=4), total=n, desc="synth", disable=not show_progress):
                metas.append(meta)
    else:
        for job in tqdm(jobs, desc="synth", disable=not show_progress):
            metas.append(_make_one(job))
    for split in ("train", "val"):
        ids = [m["id"] for m in metas if m["id"].startswith(split + "_")]
        (out / "ImageSets" / "Main" / f"{split}.txt").write_text("".join(i + "\n" for i in ids))
    with open(out / "meta.jsonl", "w") as f:
        for m in metas:
            f.write(json.dumps(m) + "\n")
    recipe = {
        "generator": "closebot synth",
        "seed": seed,
        "n": n,
        "n_val": n_val,
        "close_px": list(close.px),
        "text_negatives": text_negatives,
        "close_pills": close.pills,
        "condensed": close.condensed,
        "raised": close.raised,
        "mute_apart": close.mute_apart,
        "train_layouts": list(screen.TRAIN_LAYOUTS),
        "val_layouts": list(screen.VAL_LAYOUTS),
        "held_out_fonts": list(assets.JA_VAL_FONTS + assets.LATIN_VAL_FONTS),
        "held_out_art": list(assets.ART_VAL_DIRS),
        "assets_train": assets.load_pool("train", icon_root).describe(),
        "assets_val": assets.load_pool("val", icon_root).describe(),
    }
    if icons is not None:
        index = json.loads((icons / "index.json").read_text())
        recipe["icon_sets"] = index["sets"]
    (out / "recipe.json").write_text(json.dumps(recipe, indent=2))
    return recipe
