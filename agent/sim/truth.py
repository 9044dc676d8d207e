"""TEST-ONLY auto-labelling: harvested misses get their labels from the simulated phone's own truth.

On a real phone a person reviews harvested items (``closebot review`` / LabelImg, then ``closebot label``). The
simulated phone knows where every button was at every moment (its ``--events`` log), so the retraining proof
(``closebot prove-loop`` and its test) can stand in for that person. Nothing else in closebot imports this module.

A miss record carries ``captured_at`` (wall clock when its frame was requested) and ``capture_ms``; the phone logs
``wall`` with every event. The simulated phone applies its scheduled changes (an ad appearing, a countdown ending,
an ad going away) when it renders a frame, so a frame shows every change logged before its capture ended: the
screen at that moment is replayed from the log (the ad on show with its close and skip boxes in the phase shown,
or the game, or the store page). Items with a change within ``AMBIGUOUS_S`` of the end (clock rounding) are left
unreviewed, and so are items whose record or device has no log.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detector.harvest import crop_box, load_manifest, save_manifest, write_split_lists
from detector.types import Box, GroundTruth
from detector.voc import read_annotation, write_annotation

log = logging.getLogger(__name__)

AMBIGUOUS_S = 0.02
CHANGES = ("ad_shown", "ad_changed", "ad_closed", "store_opened", "back", "resized")


@dataclass(frozen=True)
class Truth:
    close: Box | None
    skip: Box | None
    store: bool


@dataclass
class TruthLabelReport:
    accepted: int = 0
    left: list[str] = field(default_factory=list)  # "id: reason"


class PhoneTimeline:
    """What the phone showed when, from its event log."""

    def __init__(self, events: list[dict[str, Any]]) -> None:
        self.events = sorted((e for e in events if "wall" in e), key=lambda e: e["wall"])

    @staticmethod
    def read(path: Path) -> PhoneTimeline:
        return PhoneTimeline([json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()])

    def at(self, wall: float) -> Truth | None:
        """The screen's buttons at ``wall``; None when a change happened within AMBIGUOUS_S of it."""
        close = skip = None
        store = False
        for e in self.events:
            if e["event"] in CHANGES and abs(e["wall"] - wall) < AMBIGUOUS_S:
                return None
            if e["wall"] > wall:
                break
            kind = e["event"]
            if kind in ("ad_shown", "ad_changed"):
                close = Box(*e["close"]) if e.get("close") else None
                skip = Box(*e["skip"]) if e.get("skip") else None
            elif kind == "ad_closed":
                close = skip = None
            elif kind == "store_opened":
                store = True
            elif kind == "back":
                store = False
        return Truth(close, skip, store)


def _objects(truth: Truth, keep: list[GroundTruth]) -> list[GroundTruth]:
    """The true buttons (none while the store page shows), plus the model's Japanese-text boxes kept as they were."""
    out = [g for g in keep if g.label == "ja_char"]
    if not truth.store:
        out += [GroundTruth(b, lab) for lab, b in (("close", truth.close), ("skip", truth.skip)) if b is not None]
    return out


def _shift(objs: list[GroundTruth], x0: int, y0: int, w: int, h: int) -> list[GroundTruth]:
    return [GroundTruth(c, g.label) for g in objs if (c := crop_box(g.box, x0, y0, w, h)) is not None]


def label_from_sim_truth(dataset: Path, phones: dict[str, Path]) -> TruthLabelReport:
    """Annotate every unreviewed item of a harvested ``dataset`` from the phone logs (``phones``: device folder
    name -> that phone's events file), mark it verified and accepted. Items that cannot be judged stay unreviewed."""
    dataset = Path(dataset)
    items = load_manifest(dataset)
    timelines = {dev: PhoneTimeline.read(p) for dev, p in phones.items()}
    report = TruthLabelReport()
    for item_id, item in sorted(items.items()):
        if item.status != "unreviewed":
            continue
        timeline = timelines.get(item.device)
        if timeline is None:
            report.left.append(f"{item_id}: no phone log for device {item.device}")
            continue
        record_path = Path(item.source_run) / item.device / "misses" / Path(item.miss).name
        try:
            record = json.loads(record_path.read_text())
            wall = float(record["captured_at"]) + float(record.get("capture_ms", 0.0)) / 1000
        except (OSError, ValueError, KeyError, TypeError) as e:
            report.left.append(f"{item_id}: no capture time in {record_path} ({e})")
            continue
        truth = timeline.at(wall)
        if truth is None:
            report.left.append(f"{item_id}: the screen changed as the capture ended")
            continue
        xml = dataset / "Annotations" / f"{item_id}.xml"
        filename, w, h, pre = read_annotation(xml)
        if item.view == "full":
            objs = _objects(truth, list(pre))
        else:  # the crop: true buttons moved into it; its own ja_char pre-annotations are already in crop pixels
            x0, y0 = item.crop_origin
            objs = [g for g in pre if g.label == "ja_char"] + _shift(_objects(truth, []), x0, y0, w, h)
        write_annotation(xml, filename, w, h, objs, verified=True)
        item.status = "accepted"
        report.accepted += 1
    save_manifest(dataset, items)
    write_split_lists(dataset, items)
    return report
