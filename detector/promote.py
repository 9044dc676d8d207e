"""``closebot promote NEW``: install new weights only when they are no worse than the current ones.

Both models are judged the way closebot is judged (one tap decision per screen, ``detector.evaluate``) on each
evaluation set: the synthetic validation split and the held-back (``val``) part of harvested data. A set's score is
tap success minus false taps per screen. NEW is installed when no set's score got worse and no set's false taps
went up (a rolled-back candidate, README "Measured", gained tap success at the price of false taps); the current
file is kept as ``NAME.prev-<sha8>.pt`` and the new manifest records its lineage (parent, data, the comparison).

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
from detector.evaluate import detect_all, score
from detector.verifier import Verifier
from detector.weights import manifest_path, sha256_of
from policies.decide import PolicyConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SetScore:
    name: str
    screens: int
    tap_success: float
    false_tap_rate: float

    @property
    def net(self) -> float:
        return self.tap_success - self.false_tap_rate


@dataclass(frozen=True)
class Comparison:
    sets: tuple[tuple[SetScore, SetScore], ...]  # (current, new) per evaluation set

    @property
    def no_worse(self) -> bool:
        """No set's net score went down, and no set's false taps went up: a false tap is the worst outcome, so more
        of them is not bought with more tap success."""
        return all(
            new.net >= cur.net - 1e-9 and new.false_tap_rate <= cur.false_tap_rate + 1e-9 for cur, new in self.sets
        )

    def table(self) -> str:
        lines = [f"{'set':<28} {'screens':>7}  {'current':>22}  {'new':>22}", ""]
        for cur, new in self.sets:

            def fmt(s: SetScore) -> str:
                return f"{s.tap_success:.3f} / {s.false_tap_rate:.3f} = {s.net:+.3f}"

            lines.append(f"{cur.name:<28} {cur.screens:>7}  {fmt(cur):>22}  {fmt(new):>22}")
        lines[1] = " " * 38 + "(tap success / false taps per screen = net)"
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            cur.name: {
                "screens": cur.screens,
                "current": {"tap_success": cur.tap_success, "false_tap_rate": cur.false_tap_rate, "net": cur.net},
                "new": {"tap_success": new.tap_success, "false_tap_rate": new.false_tap_rate, "net": new.net},
            }
            for cur, new in self.sets
        }


def _score(det: Detector, items, name: str, policy: PolicyConfig) -> SetScore:
    rep = score(items, detect_all(det, items, show_progress=False), policy)
    return SetScore(name, rep.screens, rep.tap_success, rep.false_tap_rate)


def compare(
    current: Path,
    new: Path,
    eval_sets: list[tuple[str, Path]],
    limit: int,
    cfg: InferenceConfig,
    policy: PolicyConfig,
    verifier: Verifier | None = None,
    new_verifier: Verifier | None = None,
) -> Comparison:
    """Both SSDs judged on the same sets: the current one with ``verifier``, the new one with ``new_verifier`` when
    given (a pair is promoted together), else with the same ``verifier`` (the one that will run with either)."""
    cur_det = Detector.load(current, cfg, verifier)
    new_det = Detector.load(new, cfg, new_verifier or verifier)
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
