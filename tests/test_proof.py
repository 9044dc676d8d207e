"""The retraining proof: the novel scenario, the test-only truth labels, the whole loop against a simulated phone."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from agent.runlog import DeviceLog
from agent.sim.ads import NOVEL, render_ad
from agent.sim.scenario import SCENARIOS, Scenario
from agent.sim.truth import PhoneTimeline, label_from_sim_truth
from detector.harvest import harvest, load_manifest
from detector.review import usable_ids
from detector.synth.assets import load_pool
from detector.types import Box
from detector.verifier import Verifier, load_verifier
from detector.voc import read_annotation, read_verified
from detector.weights import sha256_of
from tests.test_harvest import frame

MODEL = {"name": "closebot-ssd", "sha256": "0123456789abcdef"}


def ev(wall: float, event: str, **kw) -> dict:
    return {"t": wall - 1000, "wall": wall, "event": event, **kw}


TIMELINE = [
    ev(1000.0, "start"),
    ev(1002.0, "ad_shown", ad_id=1, close=[900, 100, 1000, 200], skip=None),
    ev(1005.0, "ad_changed", ad_id=1, close=[900, 100, 1000, 200], skip=[800, 2000, 1000, 2100]),
    ev(1007.0, "ad_closed", ad_id=1, by="close", after_s=5.0),
    ev(1009.0, "ad_shown", ad_id=2, close=[10, 10, 80, 80], skip=None),
    ev(1010.0, "tap", x=500, y=500, hit="ad_body"),
    ev(1010.01, "store_opened", ad_id=2),
    ev(1012.0, "back", closed_store=True),
]


@pytest.mark.parametrize(
    ("wall", "close", "skip", "store"),
    [
        (1001.0, None, None, False),
        (1003.0, (900, 100, 1000, 200), None, False),
        (1006.0, (900, 100, 1000, 200), (800, 2000, 1000, 2100), False),
        (1008.0, None, None, False),
        (1011.0, (10, 10, 80, 80), None, True),
        (1013.0, (10, 10, 80, 80), None, False),
    ],
)
def test_timeline_replays_what_the_phone_showed(wall, close, skip, store) -> None:
    t = PhoneTimeline(TIMELINE).at(wall)
    assert t is not None
    assert t.close == (Box(*close) if close else None)
    assert t.skip == (Box(*skip) if skip else None)
    assert t.store is store


@pytest.mark.parametrize("wall", [1002.01, 1001.99, 1005.0, 1007.015])
def test_timeline_refuses_moments_next_to_a_change(wall) -> None:
    assert PhoneTimeline(TIMELINE).at(wall) is None


def test_truth_labels_replace_the_models_guesses_and_accept_the_item(tmp_path: Path) -> None:
    dl = DeviceLog(tmp_path / "runs" / "20261124-070000" / "127.0.0.1_5555")
    guess = {"label": "close", "score": 0.41, "box": [300, 300, 340, 340]}  # wrong: the true close is elsewhere
    text = {"label": "ja_char", "score": 0.9, "box": [20, 700, 60, 740]}
    dl.miss(
        "uncertain",
        frame(0),
        {"t": 1, "captured_at": 1001.9, "capture_ms": 200.0, "model": MODEL, "detections": [guess, text]},
    )
    # ^ the ad appeared while this frame was being captured: the phone drew it into the frame
    dl.miss("stuck", frame(3), {"t": 2, "captured_at": 1001.8, "capture_ms": 195.0, "model": MODEL, "detections": []})
    # ^ ends 5 ms before the ad appears: too close to call
    events = tmp_path / "phone.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for e in TIMELINE))
    out = tmp_path / "ds"
    harvest([tmp_path / "runs"], out, show_progress=False)
    rep = label_from_sim_truth(out, {"127.0.0.1_5555": events})
    assert rep.accepted == 2 and len(rep.left) == 2 and all("changed as the capture ended" in r for r in rep.left)
    items = load_manifest(out)
    full = next(i for i in items.values() if i.view == "full" and i.kind == "uncertain")
    _, _, _, objs = read_annotation(out / "Annotations" / f"{full.id}.xml")
    assert sorted((o.label, o.box) for o in objs) == [
        ("close", Box(900, 100, 1000, 200)),
        ("ja_char", Box(20, 700, 60, 740)),
    ]
    assert read_verified(out / "Annotations" / f"{full.id}.xml")
    crop = items[full.id.replace("_full", "_crop")]
    _, w, h, cobjs = read_annotation(out / "Annotations" / f"{crop.id}.xml")
    x0, y0 = crop.crop_origin
    for o in cobjs:
        if o.label == "close":
            assert o.box == Box(900 - x0, 100 - y0, 1000 - x0, 200 - y0)
    assert {i for i, it in items.items() if it.status == "accepted"} == usable_ids(out)
    stuck = [i for i in items.values() if i.kind == "stuck"]
    assert stuck and all(i.status == "unreviewed" for i in stuck)


def test_truth_labels_leave_items_without_a_phone_log(tmp_path: Path) -> None:
    dl = DeviceLog(tmp_path / "runs" / "20261124-070000" / "127.0.0.1_5555")
    dl.miss("uncertain", frame(0), {"t": 1, "captured_at": 1003.0, "model": MODEL, "detections": []})
    out = tmp_path / "ds"
    harvest([tmp_path / "runs"], out, show_progress=False)
    rep = label_from_sim_truth(out, {})
    assert rep.accepted == 0 and all("no phone log" in r for r in rep.left)


def test_novel_ads_use_the_novel_style_and_go_away_unclosed(tmp_path: Path) -> None:
    pool = load_pool("val")
    ad = render_ad(random.Random(5), pool, (720, 1600), "close", NOVEL)
    assert ad.close_style == NOVEL and ad.phases[-1].close is not None
    now = [0.0]
    sc = Scenario(SCENARIOS["novel"], (720, 1600), pool, seed=1, clock=lambda: now[0])
    try:
        sc._next.result(timeout=60)  # the first ad is drawn in the background; the scenario clock is ours
        for step in range(200):
            now[0] = step * 0.1
            sc.frame()
            if any(e["event"] == "ad_closed" for e in sc.events.events):
                break
        shown = [e for e in sc.events.events if e["event"] == "ad_shown"]
        closed = [e for e in sc.events.events if e["event"] == "ad_closed"]
        assert shown and shown[0]["close_style"] == NOVEL
        assert closed and closed[0]["by"] == "timeout" and closed[0]["after_s"] == pytest.approx(8.0, abs=0.11)
        assert all("wall" in e for e in sc.events.events)
    finally:
        sc.close()


def test_harvest_repeat_counts_harvested_items_n_times(tmp_path: Path, tiny_dataset: Path) -> None:
    from detector.data import load_items
    from detector.errors import TrainingError
    from detector.review import label
    from detector.train import repeat_harvested

    dl = DeviceLog(tmp_path / "runs" / "20261124-070000" / "127.0.0.1_5555")
    for seed in range(6):
        dl.miss("uncertain", frame(seed * 2), {"t": seed, "model": MODEL, "detections": []})
    out = tmp_path / "ds"
    harvest([tmp_path / "runs"], out, show_progress=False)
    label(out, [i for i, it in load_manifest(out).items() if it.split == "train"], [])
    roots = [tiny_dataset, out]
    items = load_items(roots, "train")
    n_synth = len(load_items([tiny_dataset], "train"))
    n_harvest = len(items) - n_synth
    assert n_harvest > 0
    assert len(repeat_harvested(roots, items, 1)) == len(items)
    assert len(repeat_harvested(roots, items, 4)) == n_synth + 4 * n_harvest
    with pytest.raises(TrainingError, match="harvest_repeat"):
        repeat_harvested(roots, items, 0)


@pytest.mark.slow
def test_prove_loop_closes_more_novel_ads_after_fine_tuning(adb_server, tmp_path: Path) -> None:
    """run -> harvest -> truth labels -> fine-tune -> run: the same ads, more of them closed by their close button."""
    from agent.config import load_config
    from agent.demo import with_adb_port
    from agent.proof import ProofOptions, prove_loop

    cfg = with_adb_port(load_config(), None, adb_server)
    opts = ProofOptions(work=tmp_path / "proof", weights=Path(cfg.detector.weights), seconds=75, steps=120)
    # With the shipped verifier, as deployed: the loop fine-tunes both (a verifier left as it was rejected much of
    # the novel style: one run went 5/11 -> 7/13 closed, below this test's bar).
    verifier = Verifier.load(cfg.detector.verifier_weights(), cfg.detector.verifier.max_candidates)
    res = prove_loop(cfg, opts, say=lambda s: None, verifier=verifier)
    before, after = res.before, res.after
    assert res.harvested >= 2 and res.labelled >= 2, res
    assert before["timed_out"] >= 2, f"the installed model already closes the novel ads: {before}"
    # measured at 120 s (README): 65% -> 89% closed; a 75 s run sees ~15 ads, so the bar here is lower
    assert after["closed_share"] >= before["closed_share"] + 0.1, (before, after)
    assert after["timed_out"] < before["timed_out"], (before, after)
    # One store opening is within a 75-s run's noise: the installed model itself taps a countdown ring on the game
    # screen now and then, and a tap there opens the store when an ad appears at that moment (README, demo). A
    # fine-tune that takes ad art or an install button for a close does it systematically (2 in one run, measured).
    assert after["store_openings"] <= before["store_openings"] + 1, (before, after)
    assert Path(res.weights).is_file() and Path(res.weights).with_suffix(".json").is_file()
    assert res.verifier and load_verifier(res.verifier).manifest["parent"]["sha256"] == sha256_of(
        cfg.detector.verifier_weights()
    )
