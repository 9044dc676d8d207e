"""Shared fixtures: a tiny randomly initialised weights file and small generated datasets (made once per session);
the real adb server on a private port and simulated phones (the device edge, the only fake)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import torch

from detector.model import ModelSpec, build_model
from detector.weights import save_weights

if TYPE_CHECKING:
    from agent.demo import SimProcess

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "weights" / "closebot-ssd.pt"
VERIFIER = REPO / "weights" / "closebot-verifier.pt"
TINY_SPEC = ModelSpec(widths=(8, 8, 16, 16, 16))


def record_batches(det, keep: bool = False) -> list:
    """The shape of every batch ``det`` (a Detector) sends through its network from now on, in order (with ``keep``,
    a copy of each batch itself): its runner wrapped, the batches still run."""
    shapes: list = []
    runner = det.runner

    def recording(batch):
        shapes.append(batch.copy() if keep else batch.shape)
        return runner(batch)

    det.runner = recording
    return shapes


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


# ------------------------------------------------------------------------------------------ device-edge fixtures


@pytest.fixture(scope="session")
def adb_server() -> Iterator[int]:
    """The real Debian adb server on a private free port (stopped afterwards)."""
    from agent.demo import free_port, stop_adb_server

    adb = shutil.which("adb")
    if adb is None:
        pytest.fail("the adb command is missing: run scripts/setup.sh (apt-get install adb)")
    port = free_port()
    subprocess.run([adb, "-P", str(port), "start-server"], check=True, capture_output=True, timeout=60)
    yield port
    stop_adb_server(port)


@pytest.fixture
def sim_phone(tmp_path: Path) -> Iterator[Callable[..., SimProcess]]:
    """Factory: start `closebot sim` subprocesses (killed at the end of the test)."""
    from agent.demo import start_sim

    started: list[SimProcess] = []

    def start(
        size: str = "1080x2400", scenario: str = "default", seed: int = 0, extra: tuple = (), port: int = 0
    ) -> SimProcess:
        sim = start_sim(tmp_path / f"phone-{len(started)}.jsonl", size, scenario, seed, extra, port)
        started.append(sim)
        return sim

    yield start
    for s in started:
        s.stop()
