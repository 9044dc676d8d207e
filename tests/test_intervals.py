"""Bootstrap intervals over screens (detector.intervals) and their place in `closebot eval`'s report."""

import math
from pathlib import Path

import numpy as np
import pytest

from detector.evaluate import average_precision, score
from detector.intervals import ScreenTally, bootstrap, weighted_ap
from detector.types import Box, Detection, GroundTruth
from detector.voc import VocItem
from policies.decide import PolicyConfig


def _random_screens(rng: np.random.Generator, n: int) -> tuple[list[list[tuple[float, bool]]], list[int]]:
    """Per screen: (score, true?) boxes with no more true ones than labelled boxes, and the labelled count."""
    screens, gts = [], []
    for _ in range(n):
        gt = int(rng.integers(0, 4))
        true = int(rng.integers(0, gt + 1))
        boxes = [(float(rng.random()), True) for _ in range(true)]
        boxes += [(float(rng.random()), False) for _ in range(int(rng.integers(0, 5)))]
        screens.append(boxes)
        gts.append(gt)
    return screens, gts


def _arrays(screens):
    flat = [(s, ok, i) for i, boxes in enumerate(screens) for s, ok in boxes]
    s, ok, owner = zip(*flat, strict=True)
    return np.array(s), np.array(ok), np.array(owner)


def test_weighted_ap_is_the_ap_of_the_drawn_list():
    rng = np.random.default_rng(7)
    screens, gts = _random_screens(rng, 40)
    s, ok, owner = _arrays(screens)
    counts = np.vstack([np.ones(40, dtype=int), rng.multinomial(40, np.full(40, 1 / 40), size=5)])
    got = weighted_ap(s, ok, owner, counts, np.array(gts))
    for row, value in zip(counts, got, strict=True):
        drawn = [box for i, k in enumerate(row) for _ in range(k) for box in screens[i]]
        expected = average_precision(drawn, int(np.dot(row, gts)))
        assert value == pytest.approx(expected, abs=1e-12)
    assert got[0] == pytest.approx(average_precision([b for x in screens for b in x], sum(gts)), abs=1e-12)


def test_weighted_ap_exact_on_a_hand_made_draw():
    # screen 0: a true box at 0.9 (1 labelled); screen 1: a false box at 0.95 (1 labelled, missed)
    s, ok, owner, gt = np.array([0.9, 0.95]), np.array([True, False]), np.array([0, 1]), np.array([1, 1])
    counts = np.array([[1, 1], [2, 0], [0, 2]])
    # both once: precision 1/2 at recall 1/2 -> 0.25; screen 0 twice: 1.0; screen 1 twice: nothing found -> 0
    assert weighted_ap(s, ok, owner, counts, gt).tolist() == [0.25, 1.0, 0.0]
    assert math.isnan(weighted_ap(s, ok, owner, np.array([[1, 1]]), np.array([0, 0]))[0])


def test_bootstrap_brackets_the_numbers_and_is_seeded():
    rng = np.random.default_rng(3)
    screens, gts = _random_screens(rng, 120)
    tallies = [
        ScreenTally(
            scored={"close": tuple(b)},
            n_gt={"close": g},
            target=g > 0,
            hit=g > 0 and i % 5 != 0,
            false_tap=i % 17 == 0,
            ja_negative=g == 0,
            ja_clean=i % 11 != 0,
        )
        for i, (b, g) in enumerate(zip(screens, gts, strict=True))
    ]
    got = bootstrap(tallies, replicates=400, seed=1)
    assert set(got) == {"ap_close", "tap_success", "false_tap_rate", "ja_no_target_clean_per_class"}  # no skips
    ap = average_precision([b for x in screens for b in x], sum(gts))
    targets = [t for t in tallies if t.target]
    negatives = [t for t in tallies if t.ja_negative]
    point = {
        "ap_close": ap,
        "tap_success": sum(t.hit for t in targets) / len(targets),
        "false_tap_rate": sum(t.false_tap for t in tallies) / len(tallies),
        "ja_no_target_clean_per_class": sum(t.ja_clean for t in negatives) / len(negatives),
    }
    for name, interval in got.items():
        assert 0 <= interval.low < point[name] < interval.high <= 1, (name, interval, point[name])
    assert bootstrap(tallies, replicates=400, seed=1) == got
    assert bootstrap(tallies, replicates=400, seed=2) != got
    wider = bootstrap(tallies[:30], replicates=400, seed=1)  # fewer screens, less sure
    assert wider["tap_success"].high - wider["tap_success"].low > got["tap_success"].high - got["tap_success"].low


def test_bootstrap_of_a_set_tapped_all_right_is_certain_and_bad_arguments_are_refused():
    tallies = [ScreenTally(scored={"skip": ((0.9, True),)}, n_gt={"skip": 1}, target=True, hit=True)] * 10
    got = bootstrap(tallies, replicates=50)
    assert (got["ap_skip"].low, got["ap_skip"].high) == (1.0, 1.0)
    assert (got["tap_success"].low, got["tap_success"].high) == (1.0, 1.0)
    assert "ja_no_target_clean_per_class" not in got  # no screen it is about
    missed = bootstrap([ScreenTally(n_gt={"close": 1}, target=True)] * 5, replicates=50)
    assert (missed["ap_close"].low, missed["ap_close"].high) == (0.0, 0.0)  # labelled, never found
    assert (missed["tap_success"].low, missed["tap_success"].high) == (0.0, 0.0)
    assert bootstrap([]) == {}
    with pytest.raises(ValueError, match="replicates"):
        bootstrap(tallies, replicates=0)
    with pytest.raises(ValueError, match="level"):
        bootstrap(tallies, level=1.0)


def test_score_gives_intervals_only_when_asked():
    close = GroundTruth(Box(900, 100, 1000, 200), "close")
    items = [VocItem(f"s{i}", Path(f"s{i}.jpg"), 1080, 2400, (close,)) for i in range(20)]
    hit = [Detection(Box(900, 100, 1000, 200), "close", 0.9)]
    dets = [hit if i % 4 else [] for i in range(20)]  # 15 of 20 closes found and tapped
    asked = score(items, dets, PolicyConfig(), intervals=300)
    assert asked.tap_success == 0.75 and asked.ap["close"] == 0.75
    low, high = asked.intervals["tap_success"]
    assert low < 0.75 < high
    assert asked.intervals["ap_close"] == asked.intervals["tap_success"]  # one box per screen: the same numbers
    assert "(95%: " in asked.table()
    assert score(items, dets, PolicyConfig()).intervals == {}
    assert score(items, dets, PolicyConfig(), intervals=300, with_ap=False).intervals == {}


def test_eval_cli_refuses_a_negative_count_before_loading_anything(capsys):
    from agent.cli import main

    with pytest.raises(SystemExit) as e:
        main(["eval", "--data", "no-such-dir", "--intervals", "-1"])
    assert e.value.code == 2
    assert "argument --intervals: must be 0 or more, got -1" in capsys.readouterr().err


def test_paired_difference_is_about_the_screens_that_changed():
    from detector.intervals import paired_difference

    same = [1] * 300 + [0] * 100
    # nothing changed: no doubt at all, however many screens either taps right
    assert paired_difference([(same, same)]) == paired_difference([(same, same)], seed=5)
    assert (paired_difference([(same, same)]).low, paired_difference([(same, same)]).high) == (0.0, 0.0)
    # 12 screens won, 2 lost on one set of 400: the interval holds +10 and lies above 0
    after = [0] * 2 + [1] * 298 + [1] * 12 + [0] * 88
    got = paired_difference([(same, after)], replicates=2000, seed=1)
    assert 0 < got.low < 10 < got.high
    # the same change split over two sets of 200: drawn per set, the sum has the same centre
    split = paired_difference([(same[:200], after[:200]), (same[200:], after[200:])], replicates=2000, seed=1)
    assert split.low < 10 < split.high
    # one screen won and one lost: no evidence either way
    coin = paired_difference([([1, 0] + [1] * 98, [0, 1] + [1] * 98)], replicates=2000)
    assert coin.low < 0 < coin.high
    with pytest.raises(ValueError, match="not the same screens"):
        paired_difference([([1, 0], [1])])


def test_a_change_in_taps_is_counted_screen_by_screen_with_its_interval():
    from detector.evaluate import tap_change

    before = {"a": ["hit"] * 50 + ["miss"] * 10, "b": ["correct_no_tap"] * 40}
    after = {"a": ["hit"] * 58 + ["miss"] * 2, "b": ["false_tap"] + ["correct_no_tap"] * 39}
    change = tap_change([(before[n], after[n]) for n in before])
    assert (change.right, change.false_taps) == (8, 1)
    assert 0 < change.right_interval.low < 8 < change.right_interval.high
    assert change.false_taps_interval.low == 0 < change.false_taps_interval.high
    assert str(change).startswith("right +8 (95%: +") and ", false taps +1 (95%: +0 to +" in str(change)
    wrong_button = tap_change([(["hit", "hit"], ["wrong_button", "hit"])])  # a tap outside the right button
    assert (wrong_button.right, wrong_button.false_taps) == (-1, 1)
