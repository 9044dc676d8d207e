"""The cache of a configuration's detections that `scripts/judge-policy.py` writes and the probes read: its key
follows the files, the settings and the screens, and a missing cache stops a probe naming the command that writes it."""

from __future__ import annotations

import dataclasses
import pickle
import shutil
from pathlib import Path

import pytest

from agent import judgecache
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
    ]
    names = {judgecache.cache_path(tmp_path, tiny_dataset, k, items).name for k in changed}
    assert len(names) == 4 and path.name not in names
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
    key = judgecache.detector_key(tiny_weights, None, cfg.detector.inference, 400)
    dets = [[Detection(Box(1, 2, 30, 40), "close", 0.9)] for _ in items]
    path = judgecache.cache_path(tmp_path / "cache", tiny_dataset, key, items)
    path.parent.mkdir()
    path.write_bytes(pickle.dumps(dets))
    assert judgecache.cached_detections(config, sets, 400, tmp_path / "cache") == {tiny_dataset: dets}
