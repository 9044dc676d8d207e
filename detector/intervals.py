"""How sure a measured number is: percentile bootstrap intervals over the screens of an evaluation set.

An evaluation set is one sample of screens; the numbers ``closebot eval`` reports (AP@0.5 per class, tap success,
false taps per screen, Japanese-text screens left clean) would come out otherwise on another sample drawn the same
way. Drawing the set's screens again with replacement, ``replicates`` times, and computing each number on every
draw gives its spread; the middle ``level`` of those values is the interval (the percentile bootstrap, Efron and
Tibshirani, *An Introduction to the Bootstrap*, 1993, ch. 13). The screen is the unit drawn, not the box: a screen's
boxes come and go together, as they do between one set and another.

A draw is a count per screen (how often it was drawn), so no list of boxes is built per draw: each box is weighted
by its screen's count, and AP over the weighted boxes equals :func:`detector.evaluate.average_precision` over the
drawn list (a test checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

# The numbers with an interval, as EvalReport names them (the ja_char AP is left out: nothing is decided on it).
AP_CLASSES = ("close", "skip")
CHUNK = 250  # draws computed at once (a draw is a row of weights over every box)


@dataclass(frozen=True)
class ScreenTally:
    """What one screen adds to the numbers an interval is given for."""

    scored: dict[str, tuple[tuple[float, bool], ...]] = field(default_factory=dict)  # class -> (score, true?) a box
    n_gt: dict[str, int] = field(default_factory=dict)  # class -> labelled boxes
    target: bool = False  # a close or a skip is on screen
    hit: bool = False  # ... and the tap landed in the right one
    false_tap: bool = False  # a tap with nothing to tap, or outside the right button
    ja_negative: bool = False  # Japanese text and no target
    ja_clean: bool = False  # ... and no close or skip at its class's tap threshold


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def weighted_ap(scores: np.ndarray, true: np.ndarray, owner: np.ndarray, counts: np.ndarray, n_gt: np.ndarray):
    """VOC all-point AP of one class for each row of ``counts`` (draws x screens): box *k* (``scores``, ``true``)
    belongs to screen ``owner[k]`` and stands ``counts[:, owner[k]]`` times in the draw; ``n_gt`` is each screen's
    labelled boxes. NaN for a draw with none."""
    order = np.argsort(-scores, kind="stable")
    true, owner = true[order].astype(float), owner[order]
    w = counts[:, owner].astype(float)
    tp = np.cumsum(w * true, axis=1)
    seen = np.cumsum(w, axis=1)
    precision = np.divide(tp, seen, out=np.zeros_like(tp), where=seen > 0)
    envelope = np.maximum.accumulate(precision[:, ::-1], axis=1)[:, ::-1]  # best precision at this recall or beyond
    total = counts @ n_gt.astype(float)
    gained = (w * true * envelope).sum(axis=1)
    return np.divide(gained, total, out=np.full(len(counts), np.nan), where=total > 0)


def _rate(counts: np.ndarray, numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    top, bottom = counts @ numerator.astype(float), counts @ denominator.astype(float)
    return np.divide(top, bottom, out=np.full(len(counts), np.nan), where=bottom > 0)


def _checked(name: str, replicates: int, level: float) -> None:
    if replicates < 1 or not 0 < level < 1:
        raise ValueError(f"{name}: replicates must be >= 1 and level in (0, 1), got {replicates}, {level}")


def _middle(values: np.ndarray, level: float) -> Interval:
    """The middle ``level`` of ``values`` (the percentile interval)."""
    tail = (1 - level) / 2 * 100
    lo, hi = np.percentile(values, [tail, 100 - tail])
    return Interval(float(lo), float(hi))


def bootstrap(
    tallies: Sequence[ScreenTally], replicates: int = 1000, level: float = 0.95, seed: int = 0
) -> dict[str, Interval]:
    """A ``level`` interval for each number of an :class:`~detector.evaluate.EvalReport` that has one: ``ap_close``,
    ``ap_skip``, ``tap_success``, ``false_tap_rate``, ``ja_no_target_clean_per_class``; a number with no screens to
    stand on (no skip on the set, say) is left out. Seeded: the same tallies give the same intervals."""
    _checked("bootstrap", replicates, level)
    n = len(tallies)
    if n == 0:
        return {}
    rng = np.random.default_rng(seed)
    flags = {
        name: np.array([getattr(t, name) for t in tallies])
        for name in ("target", "hit", "false_tap", "ja_negative", "ja_clean")
    }
    boxes = {}
    for c in AP_CLASSES:
        pairs = [(s, ok, i) for i, t in enumerate(tallies) for s, ok in t.scored.get(c, ())]
        gt = np.array([t.n_gt.get(c, 0) for t in tallies])
        if gt.sum():  # labelled boxes and no box found at all: AP 0 on every draw
            s, ok, owner = (np.array(x) for x in zip(*pairs, strict=True)) if pairs else ([], [], [])
            boxes[c] = (np.asarray(s, float), np.asarray(ok, bool), np.asarray(owner, int), gt)
    values: dict[str, list[np.ndarray]] = {f"ap_{c}": [] for c in boxes}
    values |= {"tap_success": [], "false_tap_rate": [], "ja_no_target_clean_per_class": []}
    ones = np.ones(n, dtype=bool)
    for start in range(0, replicates, CHUNK):
        counts = rng.multinomial(n, np.full(n, 1 / n), size=min(CHUNK, replicates - start))
        for c, (s, ok, owner, gt) in boxes.items():
            values[f"ap_{c}"].append(weighted_ap(s, ok, owner, counts, gt))
        values["tap_success"].append(_rate(counts, flags["hit"] & flags["target"], flags["target"]))
        values["false_tap_rate"].append(_rate(counts, flags["false_tap"], ones))
        ja_clean = flags["ja_clean"] & flags["ja_negative"]
        values["ja_no_target_clean_per_class"].append(_rate(counts, ja_clean, flags["ja_negative"]))
    out = {}
    for name, chunks in values.items():
        v = np.concatenate(chunks)
        v = v[~np.isnan(v)]
        if len(v):  # NaN: a draw without the screens the number is over (none at all: no interval)
            out[name] = _middle(v, level)
    return out


def paired_difference(
    sets: Sequence[tuple[Sequence[float], Sequence[float]]], replicates: int = 1000, level: float = 0.95, seed: int = 0
) -> Interval:
    """A ``level`` interval for the sum over ``sets`` of (second - first): each set is a pair of per-screen values
    (1 for a screen tapped right, say) of two configurations judged on the same screens, in the same order. Each
    draw takes every set's screens again with replacement, as many as it has, the two values of a screen together:
    what the two have in common cancels, so the interval is about the change alone (a screen both tap right is
    no evidence either way)."""
    _checked("paired_difference", replicates, level)
    rng = np.random.default_rng(seed)
    total = np.zeros(replicates)
    for first, second in sets:
        if len(first) != len(second):
            raise ValueError(f"paired_difference: {len(first)} screens against {len(second)}: not the same screens")
        n = len(first)
        if n == 0:
            continue
        change = np.asarray(second, dtype=float) - np.asarray(first, dtype=float)
        for start in range(0, replicates, CHUNK):
            k = min(CHUNK, replicates - start)
            total[start : start + k] += rng.multinomial(n, np.full(n, 1 / n), size=k) @ change
    return _middle(total, level)
