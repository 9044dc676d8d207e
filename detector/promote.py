"""``closebot promote NEW``: install new weights only when they are no worse than the current ones.

Both models are judged the way closebot is judged (one tap decision per screen, ``detector.evaluate``) on each
evaluation set: the synthetic validation split and the held-back (``val``) part of harvested data. NEW is installed
when no set's false taps went up (a rolled-back candidate, docs/measurements.md, gained tap success at the price of
false taps), no fewer screens are tapped right over all sets, and no set loses more than 1% of its targets
(:attr:`Comparison.no_worse`); the current file is kept as ``NAME.prev-<sha8>.pt`` and the new manifest records
its lineage (parent, data, the comparison).

With a new verifier (``--new-verifier``, e.g. the one ``prove-loop`` fine-tuned with the SSD) the pair is judged
against the installed pair, and both files are installed together (each keeping its previous file the same way).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from detector.data import load_items
from detector.engine import Detector, InferenceConfig
from detector.errors import DatasetError
from detector.evaluate import WRONG_KINDS, TapChange, detect_all, judge, tap_change
from detector.speaker import SpeakerCheck
from detector.types import Detection
from detector.verifier import Verifier
from detector.weights import manifest_path, sha256_of
from policies.decide import PolicyConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SetScore:
    name: str
    screens: int
    targets: int  # screens with a close or a skip
    hits: int  # of those, screens tapped inside the right button
    false_taps: int  # screens tapped anywhere else (the worst outcome)
    kinds: tuple[str, ...] = ()  # each screen's outcome (ScreenOutcome.kind) in order, when judged screen by screen

    @property
    def tap_success(self) -> float:
        return self.hits / self.targets if self.targets else float("nan")

    @property
    def false_tap_rate(self) -> float:
        return self.false_taps / self.screens if self.screens else 0.0

    @property
    def net(self) -> float:
        return (0.0 if self.targets == 0 else self.tap_success) - self.false_tap_rate


SET_TOLERANCE = 0.01  # share of a set's target screens (at least one) it may lose while the sum over sets holds


@dataclass(frozen=True)
class Comparison:
    sets: tuple[tuple[SetScore, SetScore], ...]  # (current, new) per evaluation set

    @property
    def refusals(self) -> list[str]:
        """Why NEW is worse, one line per broken rule (empty: promote). NEW is no worse when
        1. no set's false taps went up: a false tap is the worst outcome, so more of them is never bought with
           tap success;
        2. summed over the sets, no fewer screens are tapped right; and
        3. no set loses more than :data:`SET_TOLERANCE` of its target screens (at least one screen).

        Rules 2-3 replaced "no set's net score down" (2026-11-29): on a set of ~350 target screens tap success has a
        standard error near 2 points, and vetoing any one-screen drop on one set while others gain several refused
        on noise (the v12+v13 verifier: one screen net lost on one set, three won in all, no false tap more)."""
        out = [
            f"{cur.name}: false taps {cur.false_taps} -> {new.false_taps}"
            for cur, new in self.sets
            if new.false_taps > cur.false_taps
        ]
        hits = sum(cur.hits for cur, _ in self.sets), sum(new.hits for _, new in self.sets)
        if hits[1] < hits[0]:
            out.append(f"all sets: screens tapped right {hits[0]} -> {hits[1]}")
        out += [
            f"{cur.name}: screens tapped right {cur.hits} -> {new.hits} of {cur.targets} (more than {allowed} lost)"
            for cur, new in self.sets
            if cur.hits - new.hits > (allowed := max(1, int(SET_TOLERANCE * cur.targets)))
        ]
        return out

    @property
    def no_worse(self) -> bool:
        return not self.refusals

    @property
    def change(self) -> TapChange | None:
        """Screens tapped right and false taps gained over all sets, with 95% paired intervals: how far the
        difference stands out from what another sample of screens would give (None unless every set was judged
        screen by screen, both sides on the same screens). Shown beside the rules, not one of them."""
        if not self.sets or any(not cur.kinds or len(cur.kinds) != len(new.kinds) for cur, new in self.sets):
            return None
        return tap_change([(list(cur.kinds), list(new.kinds)) for cur, new in self.sets])

    def table(self) -> str:
        def fmt(hits: int, targets: int, false_taps: int) -> str:
            rate = f"{hits / targets:.3f}" if targets else "  -  "
            return f"{hits:>4}/{targets:<4} {rate}  {false_taps:>3}"

        lines = [f"{'set':<24} {'screens':>7}  {'current':>21}  {'new':>21}"]
        lines.append(" " * 33 + "(tapped right/targets, tap success, false taps)")
        for cur, new in self.sets:
            row = f"{cur.name:<24} {cur.screens:>7}  {fmt(cur.hits, cur.targets, cur.false_taps):>21}"
            lines.append(f"{row}  {fmt(new.hits, new.targets, new.false_taps):>21}")
        if len(self.sets) > 1:
            tot = [sum(getattr(s[i], k) for s in self.sets) for i in (0, 1) for k in ("hits", "targets", "false_taps")]
            screens = sum(cur.screens for cur, _ in self.sets)
            lines.append(f"{'all sets':<24} {screens:>7}  {fmt(*tot[:3]):>21}  {fmt(*tot[3:]):>21}")
        if self.change is not None:
            lines.append(f"new against current: {self.change}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        def one(s: SetScore) -> dict:
            return {
                "hits": s.hits,
                "targets": s.targets,
                "false_taps": s.false_taps,
                "tap_success": s.tap_success,
                "false_tap_rate": s.false_tap_rate,
                "net": s.net,
            }

        out: dict = {cur.name: {"screens": cur.screens, "current": one(cur), "new": one(new)} for cur, new in self.sets}
        if (c := self.change) is not None:
            out["change"] = {
                "right": c.right,
                "right_95": [c.right_interval.low, c.right_interval.high],
                "false_taps": c.false_taps,
                "false_taps_95": [c.false_taps_interval.low, c.false_taps_interval.high],
            }
        return out


def judged(name: str, items, dets: list[list[Detection]], policy: PolicyConfig) -> SetScore:
    """The gate's counts for one set from each screen's detections, judged screen by screen as `closebot eval`
    judges them (:func:`detector.evaluate.judge`), each screen's outcome kept for :attr:`Comparison.change`."""
    outcomes = [judge(item, d, policy) for item, d in zip(items, dets, strict=True)]
    return SetScore(
        name,
        len(outcomes),
        sum(o.has_close or o.has_skip for o in outcomes),
        sum(o.kind == "hit" for o in outcomes),
        sum(o.kind in WRONG_KINDS for o in outcomes),
        tuple(o.kind for o in outcomes),
    )


def _score(det: Detector, items, name: str, policy: PolicyConfig) -> SetScore:
    return judged(name, items, detect_all(det, items, show_progress=False), policy)


def compare(
    current: Path,
    new: Path,
    eval_sets: list[tuple[str, Path]],
    limit: int,
    cfg: InferenceConfig,
    policy: PolicyConfig,
    verifier: Verifier | None = None,
    new_verifier: Verifier | None = None,
    speaker: SpeakerCheck | None = None,
) -> Comparison:
    """Both SSDs judged on the same sets: the current one with ``verifier``, the new one with ``new_verifier`` when
    given (a pair is promoted together), else with the same ``verifier`` (the one that will run with either); both
    with the speaker check ``speaker`` when there is one (the configuration's, which runs with either)."""
    cur_det = Detector.load(current, cfg, verifier, speaker)
    new_det = Detector.load(new, cfg, new_verifier or verifier, speaker)
    rows = []
    for name, root in eval_sets:
        items = load_items([root], "val")[: limit or None]
        if not items:
            raise DatasetError(f"{root}: no usable val items to compare on")
        rows.append((_score(cur_det, items, name, policy), _score(new_det, items, name, policy)))
    return Comparison(tuple(rows))


def _manifest(path: Path) -> dict:
    return json.loads(manifest_path(path).read_text()) if manifest_path(path).is_file() else {}


@dataclass(frozen=True)
class Staged:
    """One file ready to install: the new weights and manifest sit beside ``current`` under temporary names."""

    current: Path
    weights_tmp: Path
    manifest_tmp: Path
    prev: Path | None


def stage(current: Path, new: Path, comparison: Comparison, data: list[str]) -> Staged:
    """Keep the current file as NAME.prev-<sha8>.pt and write NEW (with lineage in its manifest) beside it under
    temporary names: the slow part (copies, hashes), done before anything installed changes."""
    current.parent.mkdir(parents=True, exist_ok=True)
    if not current.is_file():
        prev = None
        parent_manifest: dict = {}
        cur_sha = None
    else:
        cur_sha = sha256_of(current)
        prev = current.with_name(f"{current.stem}.prev-{cur_sha[:8]}{current.suffix}")
        shutil.copy2(current, prev)
        if manifest_path(current).is_file():
            shutil.copy2(manifest_path(current), manifest_path(prev))
        parent_manifest = _manifest(current)
    tmp = current.with_suffix(current.suffix + ".tmp")
    shutil.copy2(new, tmp)
    manifest = _manifest(new)
    manifest["sha256"] = sha256_of(tmp)
    manifest["lineage"] = {
        "parent": {"name": parent_manifest.get("name"), "sha256": cur_sha, "kept_as": prev.name if prev else None},
        "promoted_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "data": data,
        "comparison": comparison.to_dict(),
        "history": [*parent_manifest.get("lineage", {}).get("history", []), *([cur_sha] if cur_sha else [])],
    }
    mtmp = manifest_path(current).with_suffix(".json.tmp")
    mtmp.write_text(json.dumps(manifest, indent=2) + "\n")
    return Staged(current, tmp, mtmp, prev)


def commit(staged: list[Staged]) -> None:
    """Install staged files with renames only (an SSD and its verifier one right after the other). A rename that
    fails puts back what was installed before (from the kept copies; a file that did not exist is removed again),
    removes the staged files and re-raises: nothing half-installed is left behind."""
    done: list[Staged] = []
    try:
        for s in staged:
            done.append(s)
            os.replace(s.weights_tmp, s.current)
            os.replace(s.manifest_tmp, manifest_path(s.current))
    except OSError:
        for s in done:
            if s.prev is not None:
                shutil.copy2(s.prev, s.current)
                if manifest_path(s.prev).is_file():
                    shutil.copy2(manifest_path(s.prev), manifest_path(s.current))
            else:
                s.current.unlink(missing_ok=True)
                manifest_path(s.current).unlink(missing_ok=True)
        for s in staged:
            s.weights_tmp.unlink(missing_ok=True)
            s.manifest_tmp.unlink(missing_ok=True)
        raise


def install(current: Path, new: Path, comparison: Comparison, data: list[str]) -> Path | None:
    """Keep the current file as NAME.prev-<sha8>.pt, install NEW over it with lineage in its manifest. Works for any
    checked file (SSD or verifier weights); the current file need not exist yet (nothing is kept then)."""
    s = stage(current, new, comparison, data)
    commit([s])
    return s.prev
