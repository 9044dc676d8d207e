"""scripts/ap-losses.py: where a class's AP is lost, the boxes nothing finds and the false positives by kind, with
exact numbers on hand-made screens."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from detector.types import Box, Detection, GroundTruth
from detector.voc import VocItem

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("ap_losses", ROOT / "scripts" / "ap-losses.py")
ap_losses = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ap_losses)

PLATE = Box(900, 100, 1000, 200)  # a close labelled with its plate
SKIP = Box(700, 2000, 1000, 2100)
TEXT = Box(100, 500, 140, 540)


def _item(name: str, *objects: GroundTruth) -> VocItem:
    return VocItem(name, Path(f"{name}.png"), 1080, 2400, objects)


def test_false_positives_are_put_where_their_centre_lies():
    objects = (GroundTruth(PLATE, "close"), GroundTruth(SKIP, "skip"), GroundTruth(TEXT, "ja_char"))
    kind = lambda box: ap_losses.where(Detection(box, "close", 0.9), objects, "close")  # noqa: E731
    assert kind(Box(935, 135, 965, 165)) == "in_own_box"  # the x of the plate, found alone
    assert kind(Box(800, 2010, 900, 2090)) == "in_other_target"
    assert kind(Box(95, 495, 135, 535)) == "on_text"
    assert kind(Box(400, 400, 440, 440)) == "elsewhere"


def test_losses_split_ap_into_what_is_never_found_and_what_is_ranked_wrong():
    """Three closes: one found at 0.9, one found only as its inner x (0.95, wrong size: a false positive in its own
    box, and the close itself never matched), one found at 0.5; a false positive at 0.8 on text."""
    a, b, c = Box(900, 100, 1000, 200), Box(50, 100, 150, 200), Box(500, 1000, 560, 1060)
    items = [
        _item("s1", GroundTruth(a, "close"), GroundTruth(TEXT, "ja_char")),
        _item("s2", GroundTruth(b, "close")),
        _item("s3", GroundTruth(c, "close")),
    ]
    dets = [
        [Detection(a, "close", 0.9), Detection(Box(98, 498, 138, 538), "close", 0.8)],
        [Detection(Box(85, 135, 115, 165), "close", 0.95)],
        [],
    ]
    below = [[], [], [Detection(Box(502, 1002, 560, 1060), "close", 0.1)]]
    r = ap_losses.losses(items, dets, below, "close", 0.66)
    assert r["n"] == 3 and r["ceiling"] == pytest.approx(2 / 3)
    assert r["best"] == {
        "none": pytest.approx(1 / 3),
        "<0.3": pytest.approx(1 / 3),
        "0.3-0.66": 0.0,
        ">=0.66": pytest.approx(1 / 3),
    }
    assert r["false_positives"] == {"in_own_box": 1, "in_other_target": 0, "on_text": 1, "elsewhere": 0}
    # ranked: 0.95 wrong, 0.9 right, 0.8 wrong, 0.1 right: precision 1/2 at recall 1/3, 2/4 at 2/3
    assert r["ap"] == pytest.approx(1 / 3 * 0.5 + 1 / 3 * 0.5)
    # without the wrongly sized box: 0.9 right, 0.8 wrong, 0.1 right: 1 at 1/3, 2/3 at 2/3
    assert r["ap_without_in_own_box"] == pytest.approx(1 / 3 * 1 + 1 / 3 * 2 / 3)
