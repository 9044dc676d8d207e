"""closebot promote: compares on every evaluation set, installs only when nothing got worse, keeps lineage."""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path

import pytest
import torch

from detector import promote
from detector.engine import InferenceConfig
from detector.promote import Comparison, SetScore, commit, compare, install, stage
from detector.speaker import SpeakerCheck, SpeakerConfig, SpeakerNet
from detector.verifier import Verifier, VerifierNet, VerifierSpec, save_verifier
from detector.weights import load_weights, sha256_of
from policies.decide import PolicyConfig

pytestmark = pytest.mark.slow


def test_comparison_rule() -> None:
    a, b = SetScore("synth", 400, 350, 300, 4), SetScore("synth", 400, 350, 305, 4)
    assert Comparison(((a, b),)).no_worse
    assert Comparison(((a, a),)).no_worse  # equal is not worse
    assert not Comparison(((b, a),)).no_worse  # fewer screens tapped right
    assert not Comparison(((a, SetScore("synth", 400, 350, 320, 5)),)).no_worse  # 20 more hits, one false tap more
    h1, h2 = SetScore("web", 150, 120, 100, 3), SetScore("web", 150, 120, 99, 3)
    assert Comparison(((a, b), (h1, h2))).no_worse  # one screen lost on a set, five won in all
    assert not Comparison(((h1, h2),)).no_worse  # ... but alone that is fewer screens tapped right
    h3 = SetScore("web", 150, 120, 98, 3)  # two of 120 lost: more than 1% (at least one screen) of the set
    assert not Comparison(((a, b), (h1, h3))).no_worse
    big1, big2 = SetScore("big", 1000, 900, 800, 0), SetScore("big", 1000, 900, 791, 0)  # 9 of 900 lost: 1%
    assert Comparison(((big1, big2), (a, SetScore("synth", 400, 350, 309, 4)))).no_worse
    assert not Comparison(
        ((big1, SetScore("big", 1000, 900, 790, 0)), (a, SetScore("synth", 400, 350, 350, 0)))
    ).no_worse
    empty = SetScore("text only", 50, 0, 0, 0)
    assert Comparison(((empty, empty), (a, b))).no_worse and math.isnan(empty.tap_success)
    assert not Comparison(((empty, SetScore("text only", 50, 0, 0, 1)), (a, b))).no_worse
    assert Comparison(((a, SetScore("synth", 400, 350, 320, 5)), (h1, h3))).refusals == [
        "synth: false taps 4 -> 5",
        "web: screens tapped right 100 -> 98 of 120 (more than 1 lost)",
    ]
    assert Comparison(((h1, h2),)).refusals == ["all sets: screens tapped right 100 -> 99"]
    table = Comparison(((a, b), (h1, h2))).table()
    assert "300/350" in table and "305/350" in table and "all sets" in table and "400/470" in table
    assert "new against current" not in table and Comparison(((a, b),)).change is None  # counts only: no interval


def test_a_comparison_judged_screen_by_screen_states_the_change_with_its_interval() -> None:
    from dataclasses import replace

    cur = SetScore("synth", 6, 4, 2, 1, kinds=("hit", "hit", "miss", "miss", "false_tap", "correct_no_tap"))
    new = SetScore("synth", 6, 4, 4, 0, kinds=("hit", "hit", "hit", "hit", "correct_no_tap", "correct_no_tap"))
    comp = Comparison(((cur, new),))
    assert (comp.change.right, comp.change.false_taps) == (2, -1)
    assert comp.change.right_interval.high >= 2 >= comp.change.right_interval.low >= 0
    assert "new against current: right +2 (95%: " in comp.table()
    data = comp.to_dict()
    assert data["change"]["right"] == 2 and data["change"]["false_taps"] == -1 and len(data["change"]["right_95"]) == 2
    assert Comparison(((cur, replace(new, kinds=new.kinds[:5])),)).change is None  # not the same screens


def test_compare_and_install_keep_the_parent(tmp_path: Path, tiny_weights: Path, tiny_dataset: Path) -> None:
    current = tmp_path / "weights" / "closebot-ssd.pt"
    current.parent.mkdir()
    shutil.copy2(tiny_weights, current)
    shutil.copy2(tiny_weights.with_suffix(".json"), current.with_suffix(".json"))
    new = tmp_path / "new.pt"
    shutil.copy2(tiny_weights, new)
    shutil.copy2(tiny_weights.with_suffix(".json"), new.with_suffix(".json"))
    comp = compare(current, new, [("tiny", tiny_dataset)], 3, InferenceConfig(), PolicyConfig())
    assert comp.no_worse and comp.sets[0][0].screens == 3  # the same model is never worse than itself
    old_sha = sha256_of(current)
    prev = install(current, new, comp, [str(tiny_dataset)])
    assert prev.name == f"closebot-ssd.prev-{old_sha[:8]}.pt" and sha256_of(prev) == old_sha
    w = load_weights(current)  # the manifest's sha256 matches the installed file
    lineage = json.loads(current.with_suffix(".json").read_text())["lineage"]
    assert lineage["parent"]["sha256"] == old_sha and "tiny" in lineage["comparison"]
    assert w.spec is not None


def test_a_verifier_pair_is_judged_and_installed_together(
    tmp_path: Path, tiny_weights: Path, tiny_dataset: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = VerifierSpec(input_size=16, widths=(4, 4, 8, 8))
    torch.manual_seed(0)
    save_verifier(tmp_path / "v-old.pt", VerifierNet(spec), spec, {"name": "old"})
    save_verifier(tmp_path / "v-new.pt", VerifierNet(spec), spec, {"name": "new"})
    old, new = Verifier.load(tmp_path / "v-old.pt"), Verifier.load(tmp_path / "v-new.pt")
    loaded = []  # which verifier each side's detector got
    real_load = promote.Detector.load
    speaker = SpeakerCheck(SpeakerNet(), SpeakerConfig())  # the configuration's check, the same for both sides

    def load(path, cfg, v=None, s=None):
        loaded.append((v, s))
        return real_load(path, cfg, v, s)

    monkeypatch.setattr(promote.Detector, "load", load)
    sets = [("tiny", tiny_dataset)]
    comp = compare(tiny_weights, tiny_weights, sets, 3, InferenceConfig(), PolicyConfig(), old, new, speaker)
    assert comp.sets[0][0].screens == 3
    # the installed SSD with the installed verifier, the candidate with the candidate; the check with both
    assert loaded == [(old, speaker), (new, speaker)]
    installed = tmp_path / "weights" / "closebot-verifier.pt"
    assert install(installed, tmp_path / "v-old.pt", comp, []) is None  # nothing installed before: nothing kept
    prev = install(installed, tmp_path / "v-new.pt", comp, [str(tiny_dataset)])
    assert prev is not None and sha256_of(prev) == sha256_of(tmp_path / "v-old.pt")
    assert sha256_of(installed) == sha256_of(tmp_path / "v-new.pt")
    assert Verifier.load(installed).spec == spec  # the manifest's sha256 matches the installed file: it loads
    lineage = json.loads(installed.with_suffix(".json").read_text())["lineage"]
    assert lineage["parent"] == {"name": "old", "sha256": sha256_of(prev), "kept_as": prev.name}


def _installed_pair(tmp_path: Path, tiny_weights: Path) -> tuple[VerifierSpec, Path, Path, Path]:
    """weights/ with the tiny SSD and a verifier "old" installed, and a candidate verifier tmp_path/v-new.pt (other
    random weights): (spec, weights dir, installed SSD, installed verifier)."""
    spec = VerifierSpec(input_size=16, widths=(4, 4, 8, 8))
    wdir = tmp_path / "weights"
    wdir.mkdir()
    ssd, ver = wdir / "closebot-ssd.pt", wdir / "closebot-verifier.pt"
    shutil.copy2(tiny_weights, ssd)
    shutil.copy2(tiny_weights.with_suffix(".json"), ssd.with_suffix(".json"))
    torch.manual_seed(0)
    save_verifier(ver, VerifierNet(spec), spec, {"name": "old"})
    save_verifier(tmp_path / "v-new.pt", VerifierNet(spec), spec, {"name": "new"})
    return spec, wdir, ssd, ver


def test_a_pair_is_staged_before_anything_changes_and_a_failed_rename_puts_it_back(
    tmp_path: Path, tiny_weights: Path, tiny_dataset: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, wdir, ssd, ver = _installed_pair(tmp_path, tiny_weights)
    comp = Comparison(((SetScore("tiny", 3, 2, 1, 0), SetScore("tiny", 3, 2, 1, 0)),))
    before = {p: sha256_of(p) for p in (ssd, ver)}
    staged = [stage(ssd, tiny_weights, comp, []), stage(ver, tmp_path / "v-new.pt", comp, [])]
    assert {p: sha256_of(p) for p in (ssd, ver)} == before  # staging changed nothing installed
    # the second rename fails (full disk, a read-only file...): the first file is put back, both still load
    real_replace = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(Path(dst))
        if Path(dst) == ver:
            raise OSError("no space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(promote.os, "replace", flaky)
    with pytest.raises(OSError, match="no space"):
        commit(staged)
    assert calls[:2] == [ssd, ssd.with_suffix(".json")] and ver in calls
    assert {p: sha256_of(p) for p in (ssd, ver)} == before
    load_weights(ssd)
    assert Verifier.load(ver).spec == spec
    assert not list(wdir.glob("*.tmp"))  # no staged leftovers
    monkeypatch.setattr(promote.os, "replace", real_replace)
    commit([stage(ssd, tiny_weights, comp, []), stage(ver, tmp_path / "v-new.pt", comp, [])])  # tried again
    assert sha256_of(ver) == sha256_of(tmp_path / "v-new.pt") and Verifier.load(ver).spec == spec
    load_weights(ssd)


def test_a_verifier_only_promotion_leaves_the_installed_ssd_alone(
    tmp_path: Path, tiny_weights: Path, tiny_dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from agent.cli import main

    _, wdir, ssd, ver = _installed_pair(tmp_path, tiny_weights)
    cfg = tmp_path / "config.yaml"
    cfg.write_text(
        "detector:\n  weights: weights/closebot-ssd.pt\n  verifier:\n    weights: weights/closebot-verifier.pt\n"
    )
    ssd_before = (sha256_of(ssd), ssd.with_suffix(".json").read_text())
    args = ["promote", str(ssd), "--new-verifier", str(tmp_path / "v-new.pt"), "--data", str(tiny_dataset)]
    assert main([*args, "--limit", "3", "--config", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert "is the installed SSD: left as it is" in out and "previous verifier kept as" in out
    assert (sha256_of(ssd), ssd.with_suffix(".json").read_text()) == ssd_before  # not kept as its own parent
    assert sorted(p.name for p in wdir.glob("closebot-ssd*")) == ["closebot-ssd.json", "closebot-ssd.pt"]
    assert sha256_of(ver) == sha256_of(tmp_path / "v-new.pt")


def test_a_set_judged_screen_by_screen_counts_as_its_evaluation_report_does() -> None:
    from detector.evaluate import score
    from detector.promote import judged
    from detector.types import Box, Detection, GroundTruth
    from detector.voc import VocItem
    from policies.decide import PolicyConfig

    close = GroundTruth(Box(900, 100, 1000, 200), "close")
    skip = GroundTruth(Box(700, 2000, 1000, 2100), "skip")
    on_close, on_skip = Detection(close.box, "close", 0.95), Detection(skip.box, "skip", 0.95)
    stray = Detection(Box(100, 1000, 160, 1060), "close", 0.95)
    items = [
        VocItem(f"s{i}", Path(f"s{i}.png"), 1080, 2400, objs)
        for i, objs in enumerate([(close,), (close, skip), (skip,), (), (close,), ()])
    ]
    dets = [[on_close], [on_skip], [on_skip], [stray], [], []]  # hit, wrong button, hit, false tap, miss, nothing
    got = judged("s", items, dets, PolicyConfig())
    assert got.kinds == ("hit", "wrong_button", "hit", "false_tap", "miss", "correct_no_tap")
    assert got == SetScore("s", 6, 4, 2, 2, got.kinds)
    report = score(items, dets, PolicyConfig())
    assert (report.screens, report.target_screens, report.false_taps) == (got.screens, got.targets, got.false_taps)
    assert report.tap_success == got.hits / got.targets
