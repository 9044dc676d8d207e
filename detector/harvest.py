"""``closebot harvest RUN_DIR... --out DATASET``: the daemon's misses -> a Pascal VOC dataset for review and retraining.

For every miss record (``misses/*.json`` under the run directories, format in the README) two items are made: the
full frame and a crop of ``CROP`` px around the event (the tapped spot, or the best close/skip box). Both are
pre-annotated with the model's boxes (``<score>`` tags) and marked ``verified="no"`` for LabelImg/CVAT. A decoy
tap is a hard negative: the box that was tapped is *not* annotated, so training learns that spot is background.

Item ids are stable (a hash of run, device and miss file), so harvesting the same runs again adds nothing;
near-duplicate frames (a perceptual difference hash within ``DHASH_RADIUS`` bits of one already in the set) are
skipped and recorded as such. Every file is written to a temp name and renamed; the manifest
(``harvest.json``: item -> source run, device, model, miss kind, status) is rewritten atomically after each item,
so an interrupted harvest leaves a consistent dataset. Names read from logs are never used as output paths.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from tqdm import tqdm

from detector.errors import DatasetError
from detector.tiling import Tile
from detector.types import CLASSES, Box, GroundTruth
from detector.voc import write_annotation

log = logging.getLogger(__name__)

MANIFEST = "harvest.json"
CROP = 400
DHASH_RADIUS = 4
VAL_SHARE = 0.2  # of harvested frames held back (by id hash) to compare models on
MIN_PRE_SCORE = {"close": 0.3, "skip": 0.3, "ja_char": 0.5}
SAFE_FRAME = re.compile(r"[A-Za-z0-9._-]{1,128}\.png")


@dataclass
class HarvestItem:
    id: str
    kind: str  # the miss kind
    view: str  # "full" | "crop"
    source_run: str
    device: str
    miss: str  # the miss record, relative to the run directory given
    model: dict[str, str]
    dhash: str
    sha256: str
    crop_origin: tuple[int, int] = (0, 0)  # where the crop sits in the frame
    hard_negative: list[float] | None = None  # the decoy box, deliberately unannotated
    status: str = "unreviewed"  # unreviewed | accepted | rejected
    split: str = "train"


@dataclass
class HarvestReport:
    added: int = 0
    already: int = 0
    duplicates: int = 0
    skipped: list[str] = field(default_factory=list)  # "path: reason"


def dhash(image: np.ndarray) -> int:
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    small = cv2.resize(grey, (9, 8), interpolation=cv2.INTER_AREA).astype(np.int16)
    bits = (small[:, 1:] > small[:, :-1]).flatten()
    return int("".join("1" if b else "0" for b in bits), 2)


def load_manifest(root: Path) -> dict[str, HarvestItem]:
    path = root / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text())
        return {k: HarvestItem(**{**v, "crop_origin": tuple(v.get("crop_origin", (0, 0)))}) for k, v in data.items()}
    except (json.JSONDecodeError, TypeError) as e:
        raise DatasetError(f"{path}: unreadable harvest manifest ({e})") from e


def save_manifest(root: Path, items: dict[str, HarvestItem]) -> None:
    tmp = root / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps({k: asdict(v) for k, v in sorted(items.items())}, indent=1))
    os.replace(tmp, root / MANIFEST)


def write_split_lists(root: Path, items: dict[str, HarvestItem]) -> None:
    main = root / "ImageSets" / "Main"
    main.mkdir(parents=True, exist_ok=True)
    for split in ("train", "val"):
        ids = sorted(i for i, it in items.items() if it.split == split and it.status != "rejected")
        tmp = main / f"{split}.txt.tmp"
        tmp.write_text("".join(f"{i}\n" for i in ids))
        os.replace(tmp, main / f"{split}.txt")


def find_misses(run_dirs: list[Path]) -> list[Path]:
    out: list[Path] = []
    for d in run_dirs:
        if not d.is_dir():
            raise DatasetError(f"{d}: not a directory")
        out.extend(sorted(p for p in d.rglob("misses/*.json") if p.is_file()))
    return out


def _read_frame(record_path: Path, record: dict[str, Any]) -> np.ndarray:
    name = record.get("frame")
    if not isinstance(name, str) or not SAFE_FRAME.fullmatch(name):
        raise DatasetError(f"frame name {name!r} is not a plain file name")
    path = record_path.parent / name
    if not path.is_file():
        raise DatasetError(f"frame {name} is missing")
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise DatasetError(f"frame {name} is not an image")
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def _detections(record: dict[str, Any]) -> list[tuple[str, float, Box]]:
    out = []
    for d in record.get("detections") or []:
        try:
            label, score, (x1, y1, x2, y2) = d["label"], float(d["score"]), (float(v) for v in d["box"])
        except (KeyError, TypeError, ValueError):
            continue
        if label in CLASSES and x2 > x1 and y2 > y1:
            out.append((label, score, Box(x1, y1, x2, y2)))
    return out


def _focus(record: dict[str, Any], dets: list[tuple[str, float, Box]], w: int, h: int) -> tuple[float, float]:
    dec = record.get("decision")
    if isinstance(dec, dict) and "x" in dec and "y" in dec:
        return float(dec["x"]), float(dec["y"])
    targets = [d for d in dets if d[0] in ("close", "skip")]
    if targets:
        return max(targets, key=lambda d: d[1])[2].center
    return w / 2, h / 2


def crop_box(b: Box, x0: int, y0: int, w: int, h: int) -> Box | None:
    """``b`` in the pixels of the ``w`` x ``h`` crop at (x0, y0); None when less than half of it is inside."""
    c = Box(max(0, b.x1 - x0), max(0, b.y1 - y0), min(w, b.x2 - x0), min(h, b.y2 - y0))
    return c if c.x2 - c.x1 >= 3 and c.y2 - c.y1 >= 3 and c.area >= 0.5 * b.area else None


def _write_item(root: Path, item_id: str, image: np.ndarray, objects: list[GroundTruth], scores: list[float]) -> None:
    h, w = image.shape[:2]
    jpg = root / "JPEGImages" / f"{item_id}.jpg"
    tmp = jpg.with_suffix(".jpg.tmp")
    ok, enc = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 95])
    if not ok:
        raise DatasetError(f"{item_id}: JPEG encoding failed")
    tmp.write_bytes(enc.tobytes())
    os.replace(tmp, jpg)
    write_annotation(root / "Annotations" / f"{item_id}.xml", jpg.name, w, h, objects, scores, verified=False)


def harvest(run_dirs: list[Path], out: Path, show_progress: bool = True) -> HarvestReport:
    out = Path(out)
    for sub in ("JPEGImages", "Annotations", "ImageSets/Main"):
        (out / sub).mkdir(parents=True, exist_ok=True)
        for stale in (out / sub).glob("*.tmp"):  # left by an interrupted harvest: never a finished file
            stale.unlink()
    items = load_manifest(out)
    hashes = {int(it.dhash, 16) for it in items.values() if it.view == "full"}
    report = HarvestReport()
    records = find_misses([Path(d) for d in run_dirs])
    for rec_path in tqdm(records, desc="harvest", unit="miss", disable=not show_progress):
        rel = Path(rec_path.parents[2].name) / rec_path.parents[1].name / rec_path.name
        # stable id: run folder / device folder / miss file (moving the runs elsewhere changes nothing)
        base_id = "h" + hashlib.sha256(str(rel).encode()).hexdigest()[:12]
        if f"{base_id}_full" in items:
            report.already += 1
            continue
        try:
            record = json.loads(rec_path.read_text())
            if not isinstance(record, dict):
                raise DatasetError("record is not a JSON object")
            frame = _read_frame(rec_path, record)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            report.skipped.append(f"{rec_path}: unreadable record ({e})")
            continue
        except (DatasetError, OSError) as e:
            report.skipped.append(f"{rec_path}: {e}")
            continue
        h, w = frame.shape[:2]
        dh = dhash(frame)
        if any(bin(dh ^ other).count("1") <= DHASH_RADIUS for other in hashes):
            report.duplicates += 1
            continue
        kind = str(record.get("kind", "unknown"))
        dets = [d for d in _detections(record) if d[1] >= MIN_PRE_SCORE[d[0]]]
        hard_negative = None
        if kind == "decoy" and isinstance(record.get("decision"), dict) and "box" in record["decision"]:
            hb = Box(*(float(v) for v in record["decision"]["box"]))
            hard_negative = [hb.x1, hb.y1, hb.x2, hb.y2]
            dets = [d for d in dets if not (d[0] in ("close", "skip") and d[2].iou(hb) > 0.5)]
        split = "val" if int(base_id[1:9], 16) / 0xFFFFFFFF < VAL_SHARE else "train"
        common = dict(
            kind=kind,
            source_run=str(rec_path.parents[2]),
            device=rec_path.parents[1].name,
            miss=str(rel),
            model=record.get("model") if isinstance(record.get("model"), dict) else {},
            dhash=f"{dh:016x}",
            sha256=hashlib.sha256(frame.tobytes()).hexdigest(),
            hard_negative=hard_negative,
            split=split,
        )
        # the full frame
        objs = [GroundTruth(b, lab) for lab, _, b in dets]  # type: ignore[arg-type]
        _write_item(out, f"{base_id}_full", frame, objs, [s for _, s, _ in dets])
        items[f"{base_id}_full"] = HarvestItem(id=f"{base_id}_full", view="full", **common)
        # the crop around the event
        fx, fy = _focus(record, dets, w, h)
        sq = Tile.square_around(fx, fy, CROP, w, h)
        x0, y0, side = sq.x, sq.y, sq.w
        crop = frame[y0 : y0 + side, x0 : x0 + side]
        cobjs, cscores = [], []
        for lab, s, b in dets:
            cb = crop_box(b, x0, y0, side, side)
            if cb is not None:
                cobjs.append(GroundTruth(cb, lab))  # type: ignore[arg-type]
                cscores.append(s)
        _write_item(out, f"{base_id}_crop", crop, cobjs, cscores)
        items[f"{base_id}_crop"] = HarvestItem(id=f"{base_id}_crop", view="crop", crop_origin=(x0, y0), **common)
        hashes.add(dh)
        report.added += 1
        save_manifest(out, items)
        write_split_lists(out, items)
    save_manifest(out, items)
    write_split_lists(out, items)
    return report
