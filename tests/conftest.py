"""Shared fixtures: a tiny randomly initialised weights file and small generated datasets (made once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from detector.model import ModelSpec, build_model
from detector.weights import save_weights

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "weights" / "closebot-ssd.pt"
TINY_SPEC = ModelSpec(widths=(8, 8, 16, 16, 16))


@pytest.fixture(scope="session")
def tiny_weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("weights") / "tiny.pt"
    save_weights(path, build_model(TINY_SPEC), TINY_SPEC, {"name": "tiny-test"})
    return path


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from detector.synth.generate import synthesize

    out = tmp_path_factory.mktemp("synth")
    synthesize(out, 12, seed=3, val_fraction=0.25, workers=1, fixed_size=(540, 1200), show_progress=False)
    return out
