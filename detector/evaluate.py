"""Evaluation the way closebot is judged: one tap decision per screen first, box AP second.

Per screen the policy makes at most one tap. With a close on screen the tap must land inside a close box; with no
close but a skip, inside a skip box; with neither, any tap is a false tap (the worst outcome: it may open a store).
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from tqdm import tqdm

from detector.data import read_image
from detector.engine import Detector
from detector.intervals import Interval, ScreenTally, bootstrap, paired_difference
from detector.render import SheetCell
from detector.types import CLASSES, Box, Detection, GroundTruth
from detector.voc import VocItem
from policies.decide import PolicyConfig, TapDecision, class_threshold, decide

log = logging.getLogger(__name__)


@dataclass
class ScreenOutcome:
    image_id: str
    kind: str  # "hit", "miss", "false_tap", "wrong_button", "correct_no_tap"
    tap: TapDecision | None
    has_close: bool
    has_skip: bool
    has_ja: bool
    max_target_score: float  # best close/skip score not matching a true target (for the ja-text rule)
    stray_at_threshold: bool  # a close/skip matching no true target reaches its own class's tap threshold


@dataclass
class EvalReport:
    screens: int
    target_screens: int
    tap_success: float  # hits / screens with a target
    false_taps: int  # taps on screens with no target + taps outside the right button
    false_tap_rate: float  # false_taps / screens
    misses: int
    ap: dict[str, float]
    close_recall_at_threshold: float
    ja_no_target_screens: int
    ja_no_target_clean: float  # share of such screens with no close/skip detection at or above the lower threshold
    # ... with no close at or above close_threshold and no skip at or above skip_threshold (what a tap needs)
    ja_no_target_clean_per_class: float
    false_target_detections: int  # close/skip detections >= threshold that match no true target
    false_target_on_ja: int  # ... of which lie on Japanese text
    recall_by_style: dict[str, list[float]] = field(default_factory=dict)  # style -> [recall, count]
    close_recall_by_size: dict[str, list[float]] = field(default_factory=dict)  # size bucket -> [recall, count]
    failures: list[dict] = field(default_factory=list)
    # 95% bootstrap intervals over the screens (detector.intervals): ap_close, ap_skip, tap_success, false_tap_rate,
    # ja_no_target_clean_per_class -> [low, high]; empty unless asked for (`closebot eval` does)
    intervals: dict[str, list[float]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    def _within(self, name: str) -> str:
        """`` (95%: 0.912-0.961)`` for a number with an interval, else nothing."""
        lo_hi = self.intervals.get(name)
        return f"  (95%: {lo_hi[0]:.3f}-{lo_hi[1]:.3f})" if lo_hi else ""

    def table(self) -> str:
        rows = [
            ("screens", f"{self.screens} ({self.target_screens} with a close or skip)"),
            ("tap success", f"{self.tap_success:.3f}{self._within('tap_success')}"),
            ("false taps", f"{self.false_taps} ({self.false_tap_rate:.4f} per screen){self._within('false_tap_rate')}"),
            ("missed targets", str(self.misses)),
            *[(f"AP@0.5 {c}", f"{self.ap.get(c, float('nan')):.3f}{self._within(f'ap_{c}')}") for c in CLASSES],
            ("close recall @ threshold", f"{self.close_recall_at_threshold:.3f}"),
            ("ja text, no target: clean", f"{self.ja_no_target_clean:.4f} of {self.ja_no_target_screens} screens"),
            (
                "  ... at each class's threshold",
                f"{self.ja_no_target_clean_per_class:.4f}{self._within('ja_no_target_clean_per_class')}",
            ),
            (
                "close/skip taken on non-targets",
                f"{self.false_target_detections} (on Japanese text: {self.false_target_on_ja})",
            ),
        ]
        width = max(len(r[0]) for r in rows)
        lines = [f"{k.ljust(width)}  {v}" for k, v in rows]
        if self.recall_by_style:
            lines.append("close/skip recall by style (at threshold):")
            for style, (rec, n) in sorted(self.recall_by_style.items(), key=lambda kv: kv[1][0]):
                lines.append(f"  {style.ljust(width)}  {rec:.3f}  (n={int(n)})")
        if self.close_recall_by_size:
            lines.append("close recall by size (longer side, px at a 1080-px short screen side; at threshold):")
            for bucket, (rec, n) in self.close_recall_by_size.items():
                lines.append(f"  {bucket.ljust(width)}  {rec:.3f}  (n={int(n)})")
        if self.intervals:
            lines.append("(95%: the middle 95% of each number over the set's screens drawn again with replacement)")
        return "\n".join(lines)


SIZE_EDGES = (32, 48, 72, 110)  # close button sides, px on a screen 1080 px wide (portrait) or high (landscape)
SIZE_BUCKETS = (
    f"< {SIZE_EDGES[0]}",
    *(f"{a}-{b}" for a, b in zip(SIZE_EDGES, SIZE_EDGES[1:], strict=False)),
    f">= {SIZE_EDGES[-1]}",
)


def size_bucket(g: GroundTruth, width: int, height: int) -> str:
    """The bucket of :data:`SIZE_BUCKETS` that ``g``'s longer side falls in, scaled to a 1080-px short screen side."""
    side = max(g.box.x2 - g.box.x1, g.box.y2 - g.box.y1) * 1080 / min(width, height)
    return SIZE_BUCKETS[sum(side >= edge for edge in SIZE_EDGES)]


def on_text(box: Box, texts: list[Box]) -> bool:
    """Whether a false detection's ``box`` lies on Japanese text (``texts``: its labelled ja_char boxes): its centre
    inside one, or IoU > 0.1 with one."""
    return any(t.contains(*box.center) or box.iou(t) > 0.1 for t in texts)


def average_precision(scored: list[tuple[float, bool]], n_gt: int) -> float:
    """VOC all-point interpolated AP from (score, is_true_positive) pairs."""
    if n_gt == 0:
        return float("nan")
    scored = sorted(scored, key=lambda s: -s[0])
    tp = fp = 0
    precisions, recalls = [], []
    for _, ok in scored:
        tp += ok
        fp += not ok
        precisions.append(tp / (tp + fp))
        recalls.append(tp / n_gt)
    for i in range(len(precisions) - 2, -1, -1):  # precision envelope: best precision at this recall or beyond
        precisions[i] = max(precisions[i], precisions[i + 1])
    ap, prev_r = 0.0, 0.0
    for r, p in zip(recalls, precisions, strict=True):
        ap += (r - prev_r) * p
        prev_r = r
    return ap


def match(
    dets: list[Detection], gts: tuple[GroundTruth, ...], label: str, iou: float = 0.5
) -> list[tuple[float, bool]]:
    """Greedy matching by score: each ground truth matches at most one detection."""
    cand = sorted((d for d in dets if d.label == label), key=lambda d: -d.score)
    gt = [g for g in gts if g.label == label]
    used = [False] * len(gt)
    out = []
    for d in cand:
        best, bi = iou, -1
        for i, g in enumerate(gt):
            v = d.box.iou(g.box)
            if not used[i] and v >= best:
                best, bi = v, i
        if bi >= 0:
            used[bi] = True
        out.append((d.score, bi >= 0))
    return out


def judge(item: VocItem, dets: list[Detection], policy: PolicyConfig) -> ScreenOutcome:
    closes = [g for g in item.objects if g.label == "close"]
    skips = [g for g in item.objects if g.label == "skip"]
    has_ja = any(g.label == "ja_char" for g in item.objects)
    tap = decide(dets, policy)
    right = closes or skips
    if tap is None:
        kind = "miss" if right else "correct_no_tap"
    elif not right:
        kind = "false_tap"
    elif any(g.box.contains(tap.x, tap.y) for g in right):
        kind = "hit"
    else:
        kind = "wrong_button"
    targets = closes + skips
    stray = [
        d for d in dets if d.label in ("close", "skip") and not any(g.box.contains(*d.box.center) for g in targets)
    ]
    at_threshold = any(d.score >= class_threshold(d.label, policy) for d in stray)
    return ScreenOutcome(
        item.image_id,
        kind,
        tap,
        bool(closes),
        bool(skips),
        has_ja,
        max((d.score for d in stray), default=0.0),
        at_threshold,
    )


WRONG_KINDS = ("false_tap", "wrong_button")  # the outcomes counted as false taps


@dataclass(frozen=True)
class TapChange:
    """How many more screens one configuration taps right (``right``) and wrong (``false_taps``) than another on
    the same screens, each with its 95% paired interval (:func:`detector.intervals.paired_difference`)."""

    right: int
    right_interval: Interval
    false_taps: int
    false_taps_interval: Interval

    def __str__(self) -> str:
        r, f = self.right_interval, self.false_taps_interval
        return (
            f"right {self.right:+d} (95%: {r.low:+.0f} to {r.high:+.0f}), "
            f"false taps {self.false_taps:+d} (95%: {f.low:+.0f} to {f.high:+.0f})"
        )


def tap_change(sets: list[tuple[list[str], list[str]]]) -> TapChange:
    """The change in taps from the first to the second list of outcomes (:attr:`ScreenOutcome.kind`, screen by
    screen, the same screens in the same order) of each set."""
    counts = []
    for kinds in (("hit",), WRONG_KINDS):
        pairs = [([k in kinds for k in a], [k in kinds for k in b]) for a, b in sets]
        counts.append((sum(sum(b) - sum(a) for a, b in pairs), paired_difference(pairs)))
    (right, right_iv), (wrong, wrong_iv) = counts
    return TapChange(right, right_iv, wrong, wrong_iv)


AP_MIN_SCORE = 0.05  # boxes kept for the precision-recall curves when evaluating


def _detect_each(detector: Detector, items: list[VocItem], show_progress: bool, ap_floor: float | None = None):
    """One :class:`DetectResult` per item, in order, with a progress bar."""
    for item in tqdm(items, desc="detect", disable=not show_progress, leave=False):
        yield detector.detect(read_image(item.image_path), ap_floor=ap_floor)


def detect_all(detector: Detector, items: list[VocItem], show_progress: bool = True) -> list[list[Detection]]:
    """Each item's detections as the daemon sees them (the expensive part; judging policies on them is cheap)."""
    return [r.detections for r in _detect_each(detector, items, show_progress)]


def detect_for_eval(
    detector: Detector, items: list[VocItem], show_progress: bool = True
) -> tuple[list[list[Detection]], list[list[Detection]]]:
    """Each item's detections as the daemon sees them (for the tap decisions and everything judged at the
    thresholds), and its further boxes down to :data:`AP_MIN_SCORE` (``DetectResult.below``, for the rest of the
    precision-recall curves), both from one network pass."""
    results = list(_detect_each(detector, items, show_progress, AP_MIN_SCORE))
    return [r.detections for r in results], [r.below for r in results]


def evaluate(
    detector: Detector, items: list[VocItem], policy: PolicyConfig, show_progress: bool = True, max_failures: int = 50
) -> EvalReport:
    """The report for ``detector`` as configured: taps as deployed, AP over the whole curve."""
    dets, below = detect_for_eval(detector, items, show_progress)
    return score(items, dets, policy, max_failures, below=below)


def score(
    items: list[VocItem],
    all_dets: list[list[Detection]],
    policy: PolicyConfig,
    max_failures: int = 50,
    with_ap: bool = True,
    below: list[list[Detection]] | None = None,
    intervals: int = 0,
) -> EvalReport:
    """The report for ``policy`` given each item's detections as the daemon sees them (``with_ap=False`` skips the
    box matching for AP, which does not depend on the policy).

    Tap decisions and everything judged at the thresholds see ``all_dets`` alone; AP sees them plus ``below``, each
    item's boxes under the deployed ``min_score`` (:func:`detect_for_eval`), for the whole precision-recall curve.
    Kept apart because the policy reads ja_char boxes too (rule 3): a faint one the daemon never sees must not
    change a decision here. ``intervals`` > 0 (with ``with_ap``) also gives the main numbers 95% intervals from that
    many draws of the screens (:func:`detector.intervals.bootstrap`)."""
    scored: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    n_gt: dict[str, int] = defaultdict(int)
    outcomes: list[ScreenOutcome] = []
    close_tp = close_n = 0
    false_det = false_on_ja = 0
    style_hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    size_hits: dict[str, list[int]] = {b: [0, 0] for b in SIZE_BUCKETS}
    tallies: list[ScreenTally] = []
    for i, (item, dets) in enumerate(zip(items, all_dets, strict=True)):
        screen_scored: dict[str, tuple[tuple[float, bool], ...]] = {}
        screen_gt = {c: sum(g.label == c for g in item.objects) for c in CLASSES} if with_ap else {}
        for c in CLASSES if with_ap else ():
            screen_scored[c] = tuple(match(dets + (below[i] if below else []), item.objects, c))
            scored[c].extend(screen_scored[c])
            n_gt[c] += screen_gt[c]
        strong = [d for d in dets if d.score >= class_threshold(d.label, policy)]
        texts = [g.box for g in item.objects if g.label == "ja_char"]
        for g in item.objects:
            if g.label not in ("close", "skip"):
                continue
            found = any(d.label == g.label and d.box.iou(g.box) >= 0.5 for d in strong)
            if g.label == "close":
                close_n += 1
                close_tp += found
                bucket = size_hits[size_bucket(g, item.width, item.height)]
                bucket[0] += found
                bucket[1] += 1
            style = f"{g.label}:{g.style.split('/')[0]}"
            style_hits[style][0] += found
            style_hits[style][1] += 1
        for d in strong:
            if not any(g.label in ("close", "skip") and g.box.contains(*d.box.center) for g in item.objects):
                false_det += 1
                false_on_ja += on_text(d.box, texts)
        o = judge(item, dets, policy)
        outcomes.append(o)
        if intervals and with_ap:
            has_target = o.has_close or o.has_skip
            tallies.append(
                ScreenTally(
                    scored=screen_scored,
                    n_gt=screen_gt,
                    target=has_target,
                    hit=o.kind == "hit",
                    false_tap=o.kind in WRONG_KINDS,
                    ja_negative=o.has_ja and not has_target,
                    ja_clean=not o.stray_at_threshold,
                )
            )
    target = [o for o in outcomes if o.has_close or o.has_skip]
    hits = sum(o.kind == "hit" for o in outcomes)
    false_taps = sum(o.kind in WRONG_KINDS for o in outcomes)
    ja_neg = [o for o in outcomes if o.has_ja and not (o.has_close or o.has_skip)]
    thr = min(policy.close_threshold, policy.skip_threshold)
    failures = [
        {
            "image": o.image_id,
            "kind": o.kind,
            "tap": None
            if o.tap is None
            else {"x": o.tap.x, "y": o.tap.y, "label": o.tap.label, "score": round(o.tap.score, 3)},
        }
        # false taps first (the worst outcome; the list is cut at max_failures), then misses, each in screen order
        for o in sorted(outcomes, key=lambda o: o.kind == "miss")
        if o.kind in ("miss", "false_tap", "wrong_button")
    ][:max_failures]
    return EvalReport(
        screens=len(outcomes),
        target_screens=len(target),
        tap_success=hits / len(target) if target else float("nan"),
        false_taps=false_taps,
        false_tap_rate=false_taps / len(outcomes) if outcomes else 0.0,
        misses=sum(o.kind == "miss" for o in outcomes),
        ap={c: average_precision(scored[c], n_gt[c]) for c in CLASSES},
        close_recall_at_threshold=close_tp / close_n if close_n else float("nan"),
        ja_no_target_screens=len(ja_neg),
        ja_no_target_clean=(sum(o.max_target_score < thr for o in ja_neg) / len(ja_neg)) if ja_neg else float("nan"),
        ja_no_target_clean_per_class=(
            (sum(not o.stray_at_threshold for o in ja_neg) / len(ja_neg)) if ja_neg else float("nan")
        ),
        false_target_detections=false_det,
        false_target_on_ja=false_on_ja,
        recall_by_style={k: [v[0] / v[1], float(v[1])] for k, v in style_hits.items()},
        close_recall_by_size={k: [v[0] / v[1], float(v[1])] for k, v in size_hits.items() if v[1]},
        failures=failures,
        intervals={k: [v.low, v.high] for k, v in bootstrap(tallies, intervals).items()} if tallies else {},
    )


def failure_cells(failures: Iterable[dict], items: list[VocItem]) -> Iterator[SheetCell]:
    """Failure records of an :class:`EvalReport` (``report.failures``: wrong taps first, then misses, or any of them)
    as cells of :func:`detector.render.failure_sheet`, each screen read when its cell is drawn; a screen's close boxes
    come before its skip boxes (with a close on screen the close is the right button)."""
    by_id = {it.image_id: it for it in items}
    for f in failures:
        item = by_id[f["image"]]
        tap = f["tap"]
        what = "no tap" if tap is None else f"{tap['label']} {tap['score']:.2f}"
        yield SheetCell(
            image=read_image(item.image_path),
            targets=tuple(sorted((g for g in item.objects if g.label in ("close", "skip")), key=lambda g: g.label)),
            tap=None if tap is None else (int(tap["x"]), int(tap["y"])),
            caption=f"{f['image']} {f['kind']}: {what}",
        )


def sweep(
    items: list[VocItem],
    all_dets: list[list[Detection]],
    base: PolicyConfig,
    thresholds: tuple[float, ...] = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
) -> list[dict]:
    """Tap success and false taps when close and skip thresholds are both set to each value."""
    rows = []
    for t in thresholds:
        pol = replace(
            base, close_threshold=t, skip_threshold=t, close_over_text_threshold=max(t, base.close_over_text_threshold)
        )
        r = score(items, all_dets, pol, max_failures=0, with_ap=False)
        rows.append(
            {
                "threshold": t,
                "tap_success": r.tap_success,
                "false_taps": r.false_taps,
                "misses": r.misses,
                "ja_no_target_clean": r.ja_no_target_clean,
            }
        )
    return rows


def write_report(report: EvalReport, path: Path, sweep_rows: list[dict] | None = None) -> None:
    """The report as JSON (what `--json` prints), with the threshold sweep when one was run."""
    data = {**report.to_dict(), **({"sweep": sweep_rows} if sweep_rows else {})}
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
