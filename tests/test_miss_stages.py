"""scripts/miss-stages.py: each screen not tapped right is put in the stage that lost its target (network, verifier
or policy), judged with the same policy the daemon uses."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from detector.types import Box, Detection, GroundTruth
from detector.voc import VocItem
from policies.decide import PolicyConfig

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("miss_stages", ROOT / "scripts" / "miss-stages.py")
miss_stages = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(miss_stages)

CLOSE = Box(900, 100, 1000, 200)
SKIP = Box(700, 2000, 1000, 2100)
POLICY = PolicyConfig()  # close 0.6, skip 0.8, rule 5 at 0.3


def _item(name: str, *objects: GroundTruth) -> VocItem:
    return VocItem(name, Path(f"{name}.png"), 1080, 2400, objects)


def _det(box: Box, label: str, score: float) -> Detection:
    return Detection(box, label, score)


def test_stage_names_the_first_step_that_fell_short():
    assert miss_stages.stage(0.0, 0.0, 0.6) == "network"
    assert miss_stages.stage(0.45, 0.3, 0.6) == "network, under threshold"
    assert miss_stages.stage(0.9, 0.5, 0.6) == "verifier"
    assert miss_stages.stage(0.9, 0.7, 0.6) == "policy"
    assert miss_stages.stage(0.5, 0.6, 0.6) == "policy"  # the verifier lifted it over: the policy did not tap it


def test_best_on_needs_the_class_and_the_overlap():
    target = GroundTruth(CLOSE, "close")
    dets = [
        _det(CLOSE, "skip", 0.99),  # other class
        _det(Box(960, 160, 1060, 260), "close", 0.95),  # IoU 0.22
        _det(Box(905, 105, 1000, 200), "close", 0.7),
    ]
    assert miss_stages.best_on(target, dets) == 0.7
    assert miss_stages.best_on(target, []) == 0.0


def test_lost_targets_sorts_screens_by_stage_and_skips_screens_tapped_right():
    close, skip = GroundTruth(CLOSE, "close"), GroundTruth(SKIP, "skip")
    mute = Box(100, 1000, 140, 1040)  # a close candidate elsewhere, under the threshold
    items = [
        _item("hit", close),
        _item("unseen", close),
        _item("weak", close),
        _item("vetoed", close),
        _item("blocked", skip),
        _item("no_target"),
    ]
    network = [
        [_det(CLOSE, "close", 0.9)],
        [],
        [_det(CLOSE, "close", 0.4)],
        [_det(CLOSE, "close", 0.9)],
        [_det(SKIP, "skip", 0.99), _det(mute, "close", 0.5)],
        [_det(mute, "close", 0.9)],
    ]
    pair = [
        [_det(CLOSE, "close", 0.9)],
        [],
        [_det(CLOSE, "close", 0.35)],
        [_det(CLOSE, "close", 0.45)],
        [_det(SKIP, "skip", 0.95), _det(mute, "close", 0.4)],  # rule 5: the close candidate blocks the skip
        [_det(mute, "close", 0.9)],  # a false tap, not a missed target: not listed
    ]
    lost = miss_stages.lost_targets(items, pair, network, POLICY)
    assert dict(lost) == {
        "network": ["unseen"],
        "network, under threshold": ["weak"],
        "verifier": ["vetoed"],
        "policy": ["blocked"],
    }


def test_false_tap_diff_changes_name_won_lost_and_changed_screens():
    spec = importlib.util.spec_from_file_location("false_tap_diff", ROOT / "scripts" / "false-tap-diff.py")
    diff = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(diff)
    miss = {"kind": "miss", "tap": None}
    wrong = {"kind": "wrong_button", "tap": {"x": 1, "y": 2, "label": "skip", "score": 0.9}}
    old = {("s", "a"): miss, ("s", "b"): wrong, ("s", "d"): miss}  # failures only: a screen tapped right is absent
    new = {("s", "b"): miss, ("s", "c"): wrong, ("s", "d"): miss}
    assert diff.changed_screens(old, new) == [
        (("s", "a"), "miss", "right", "won", miss),  # drawn as the old configuration missed it
        (("s", "b"), "wrong_button", "miss", "changed", miss),
        (("s", "c"), "right", "wrong_button", "lost", wrong),
    ]
