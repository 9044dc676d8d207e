"""The cache of a configuration's detections that `scripts/judge-policy.py` writes and the probes read: its key
follows the files, the settings and the screens, and a missing cache stops a probe naming the command that writes it."""

from __future__ import annotations

import dataclasses
import pickle
import shutil
from pathlib import Path

import pytest

from agent import judgecache
from agent.config import SpeakerSection
from detector.data import load_items
from detector.engine import InferenceConfig
from detector.types import Box, Detection


def test_the_key_follows_the_files_the_settings_and_the_screens(tiny_weights: Path, tiny_dataset: Path, tmp_path):
    items = load_items([tiny_dataset], "val")
    key = judgecache.detector_key(tiny_weights, None, InferenceConfig(), 400)
    path = judgecache.cache_path(tmp_path, tiny_dataset, key, items)
    assert (
        path.parent == tmp_path
        and path.name.startswith(f"{tiny_dataset.name}-")
        and len(path.stem) == len(tiny_dataset.name) + 17
    )
    assert judgecache.cache_path(tmp_path, tiny_dataset, list(key), items) == path  # the same inputs, the same file
    other = tmp_path / "other.pt"
    shutil.copy(tiny_weights, other)
    other.write_bytes(other.read_bytes() + b"\0")  # another file's contents
    changed = [
        judgecache.detector_key(other, None, InferenceConfig(), 400),
        judgecache.detector_key(tiny_weights, tiny_weights, InferenceConfig(), 400),  # a verifier
        judgecache.detector_key(tiny_weights, None, dataclasses.replace(InferenceConfig(), min_score=0.3), 400),
        judgecache.detector_key(tiny_weights, None, InferenceConfig(), 300),
        judgecache.detector_key(tiny_weights, None, InferenceConfig(), 400, SpeakerSection(str(tiny_weights))),
        judgecache.detector_key(tiny_weights, None, InferenceConfig(), 400, SpeakerSection(str(tiny_weights), 0.9)),
    ]
    names = {judgecache.cache_path(tmp_path, tiny_dataset, k, items).name for k in changed}
    assert len(names) == 6 and path.name not in names
    off = judgecache.detector_key(tiny_weights, None, InferenceConfig(), 400, SpeakerSection(""))
    assert off == key  # a configuration without the check keeps its key (and its caches)
    assert judgecache.cache_path(tmp_path, tiny_dataset, key, items[1:]).name != path.name  # other screens


def test_a_missing_cache_names_the_command_and_a_written_one_is_read(tiny_weights: Path, tiny_dataset: Path, tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text(f"detector:\n  weights: {tiny_weights}\n  verifier:\n    weights: ''\n")
    items = load_items([tiny_dataset], "val")
    sets = {tiny_dataset: items}
    with pytest.raises(SystemExit) as e:
        judgecache.cached_detections(config, sets, 400, tmp_path / "cache")
    assert f"python3 scripts/judge-policy.py --data {tiny_dataset} --config {config} --limit 400" in str(e.value)
    from agent.config import load_config

    cfg = load_config(config)
    key = judgecache.detector_key(tiny_weights, None, cfg.detector.inference, 400, cfg.detector.speaker)
    dets = [[Detection(Box(1, 2, 30, 40), "close", 0.9)] for _ in items]
    path = judgecache.cache_path(tmp_path / "cache", tiny_dataset, key, items)
    path.parent.mkdir()
    path.write_bytes(pickle.dumps(dets))
    assert judgecache.cached_detections(config, sets, 400, tmp_path / "cache") == {tiny_dataset: dets}


def test_saved_looks_runs_a_probes_pass_once_and_reads_it_back(tmp_path, capsys) -> None:
    sets = {tmp_path / "setA": ["a0", "a1", "a2"], tmp_path / "setB": ["b0"]}
    cached = {tmp_path / "setA": [[1], [], [2]], tmp_path / "setB": [[3]]}
    calls: list[str] = []

    def look(item: str, dets: list) -> list | None:
        calls.append(item)
        return None if not dets else [item, *dets]

    first = judgecache.saved_looks(tmp_path / "saved", "t-400", sets, cached, look)
    assert first == {tmp_path / "setA": [["a0", 1], None, ["a2", 2]], tmp_path / "setB": [["b0", 3]]}
    assert calls == ["a0", "a1", "a2", "b0"] and "setA: 2 of 3 screens looked at" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "saved").iterdir()) == ["setA-t-400.pkl", "setB-t-400.pkl"]
    again = judgecache.saved_looks(tmp_path / "saved", "t-400", sets, cached, look)
    assert again == first and len(calls) == 4  # read back, not looked at again
    judgecache.saved_looks(tmp_path / "saved", "other", sets, cached, look)
    assert len(calls) == 8  # another tag is another pass


def test_print_judged_counts_a_variant_against_the_cached_detections(tiny_dataset: Path, capsys) -> None:
    from policies.decide import PolicyConfig

    items = load_items([tiny_dataset], "val")
    target = next(i for i, it in enumerate(items) if any(o.label == "close" for o in it.objects))
    box = next(o.box for o in items[target].objects if o.label == "close")
    sets, cached = {tiny_dataset: items}, {tiny_dataset: [[] for _ in items]}
    joined = {tiny_dataset: [[Detection(box, "close", 0.99)] if i == target else [] for i in range(len(items))]}
    judgecache.print_judged("same", sets, cached, cached, PolicyConfig(), changes="")
    out = capsys.readouterr().out
    assert out.startswith(f"same: 0 right / 0 false taps | {tiny_dataset.name} 0/0\n") and "right +0" in out
    judgecache.print_judged("won", sets, cached, joined, PolicyConfig(), changes="x ")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"  x {tiny_dataset.name} {items[target].image_id}: miss -> hit"
    assert lines[1].startswith("won: 1 right / 0 false taps") and "right +1" in lines[2]
    judgecache.print_judged("quiet", sets, cached, joined, PolicyConfig())
    assert not capsys.readouterr().out.startswith("  ")  # no changes asked for: none printed
