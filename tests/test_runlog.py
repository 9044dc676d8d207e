"""The run directory never holds half a record: whole tick lines, misses with frame and record or neither."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from agent.device import check_serial
from agent.runlog import DeviceLog, serial_dir_name
from detector.errors import ConfigError

FRAME = np.zeros((40, 30, 3), np.uint8)


def test_disk_full_keeps_whole_lines_warns_once_and_recovers(tmp_path: Path, monkeypatch) -> None:
    warnings: list[str] = []
    dl = DeviceLog(tmp_path / "dev", warn=warnings.append)
    dl.tick({"n": 1})
    real_write = os.write

    def full(fd, data):  # half the bytes land, then ENOSPC: what a full disk does
        real_write(fd, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    for n in range(2, 6):
        dl.tick({"n": n})
    monkeypatch.setattr(os, "write", real_write)
    dl.tick({"n": 6})
    dl.close()
    lines = (tmp_path / "dev" / "events.jsonl").read_text().splitlines()
    assert [json.loads(x)["n"] for x in lines] == [1, 6]
    assert len(warnings) == 2 and "No space left" in warnings[0] and "again" in warnings[1]


def test_a_miss_has_its_frame_and_record_or_neither(tmp_path: Path, monkeypatch) -> None:
    dl = DeviceLog(tmp_path / "dev", warn=lambda s: None)
    rel = dl.miss("decoy", FRAME, {"t": 1.0, "serial": "x"})
    assert rel == "misses/000001-decoy.json"
    doc = json.loads((tmp_path / "dev" / rel).read_text())
    assert doc["kind"] == "decoy" and (tmp_path / "dev" / "misses" / doc["frame"]).is_file()

    real_replace = Path.replace

    def fail_json(self, target):
        if str(target).endswith(".json"):
            raise OSError(28, "No space left on device")
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", fail_json)
    assert dl.miss("stuck", FRAME, {"t": 2.0}) is None
    monkeypatch.setattr(Path, "replace", real_replace)
    dl.close()
    assert sorted(p.name for p in (tmp_path / "dev" / "misses").iterdir()) == ["000001-decoy.json", "000001-decoy.png"]


def test_miss_cap(tmp_path: Path) -> None:
    dl = DeviceLog(tmp_path / "dev", max_misses=2)
    assert [dl.miss("uncertain", FRAME, {}) is not None for _ in range(3)] == [True, True, False]
    dl.close()


@pytest.mark.parametrize("serial", ["127.0.0.1:5555", "emulator-5554", "R58M123ABC", "dev.local:37000"])
def test_good_serials(serial: str) -> None:
    assert check_serial(serial) == serial
    assert "/" not in serial_dir_name(serial)


@pytest.mark.parametrize("serial", ["", "a;reboot", "../../etc", "x y", "$(id)", "-rf", "a/b", "s\n"])
def test_bad_serials_are_refused(serial: str) -> None:
    with pytest.raises(ConfigError, match="serial"):
        check_serial(serial)
