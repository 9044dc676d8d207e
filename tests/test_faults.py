"""Faults injected by the simulated phone (and the adb server killed mid-run); the daemon's behaviour under each."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest

from agent.config import load_config
from agent.daemon import Daemon
from agent.demo import free_port, stop_adb_server
from agent.device import AdbDevice
from agent.report import read_events, summarize
from detector.engine import Detector
from detector.errors import CaptureError, DeviceTimeout
from tests.until import run_daemon

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def detector() -> Detector:
    cfg = load_config()
    return Detector.load(cfg.detector.weights, cfg.detector.inference)


def test_damaged_frames_are_errors_or_repaired_never_frames(adb_server, sim_phone) -> None:
    sim = sim_phone(extra=("--corrupt",))
    dev = AdbDevice(sim.serial, port=adb_server)
    dev.connect()
    ok = bad = 0
    t_end = time.monotonic() + 6
    while time.monotonic() < t_end:
        for fmt in ("raw", "png"):
            try:
                assert dev.capture(fmt).size == (1080, 2400)
                ok += 1
            except CaptureError:
                bad += 1
    sim.stop()
    faults = {e["fault"] for e in read_events(sim.events) if e["event"] == "fault"}
    assert {"truncated", "empty", "garbled", "stderr_prefix", "crlf"} <= faults
    assert ok > 0 and bad > 0


def test_daemon_skips_bad_frames_and_still_closes_ads(adb_server, sim_phone, detector, tmp_path) -> None:
    sim = sim_phone(seed=3, extra=("--corrupt",))

    def enough(_daemon: Daemon, said: list[str]) -> bool:
        return any("bad frame" in x for x in said) and summarize(read_events(sim.events, live=True)).closed >= 1

    run = run_daemon(adb_server, [sim.serial], 120, detector, tmp_path, until=enough)
    sim.stop()
    report = summarize(read_events(sim.events))
    assert any(t.get("kind") == "capture" for t in run.ticks(sim.serial)), "no damaged frame reached the daemon"
    assert any("bad frame, tick skipped" in x for x in run.lines)
    assert not any("device lost" in x for x in run.lines)  # a bad frame is not a lost device
    assert report.taps_outside == 0 and report.store_openings == 0
    assert report.closed >= 1


def test_blank_screen_no_tap_no_miss_flood(adb_server, sim_phone, detector, tmp_path) -> None:
    sim = sim_phone(seed=3, extra=("--blank",))
    run = run_daemon(adb_server, [sim.serial], 8, detector, tmp_path)
    sim.stop()
    ticks, stats = run.ticks(sim.serial), run.stats[sim.serial]
    assert ticks and all(t.get("blank") for t in ticks)
    assert stats.taps == 0 and not stats.misses
    assert not list((run.daemon.root / sim.serial.replace(":", "_") / "misses").iterdir())


def test_slow_phone_ticks_do_not_pile_up_and_timeouts_hold(adb_server, sim_phone, detector, tmp_path) -> None:
    sim = sim_phone(scenario="quiet", extra=("--slow", "1.5"))
    ticks = run_daemon(adb_server, [sim.serial], 9, detector, tmp_path).ticks(sim.serial)
    spans = sorted((t["t"], t["t"] + t["timings"]["tick_ms"] / 1000) for t in ticks if "timings" in t)
    assert spans and all(b[0] >= a[1] - 0.05 for a, b in zip(spans, spans[1:], strict=False))  # one at a time
    assert len(spans) <= 9 / 1.5 + 1
    with pytest.raises(DeviceTimeout):
        AdbDevice(sim.serial, port=adb_server, timeout_s=0.5).capture()


def test_taps_follow_override_and_rotation_changes(adb_server, sim_phone, detector, tmp_path) -> None:
    sim = sim_phone(seed=3, extra=("--override-at", "1:720x1600", "--rotate-at", "12:1"))

    def tapped_after_rotation(_daemon: Daemon, _said: list[str]) -> bool:
        ev = read_events(sim.events, live=True)
        t_rot = next((e["t"] for e in ev if e["event"] == "rotated"), None)
        return t_rot is not None and any(e["event"] == "tap" and e["t"] > t_rot for e in ev)

    run_daemon(adb_server, [sim.serial], 120, detector, tmp_path, until=tapped_after_rotation)
    sim.stop()
    ev = read_events(sim.events)
    kinds = [e["event"] for e in ev]
    assert "override" in kinds and "rotated" in kinds
    taps = [e for e in ev if e["event"] == "tap"]
    wrong = [e for e in taps if e["hit"] not in ("close", "skip")]
    assert taps and not wrong, wrong
    t_override = next(e["t"] for e in ev if e["event"] == "override")
    t_rotated = next(e["t"] for e in ev if e["event"] == "rotated")
    assert any(e["t"] > t_override for e in taps)  # taps after the override landed on buttons too
    assert any(e["t"] > t_rotated for e in taps)  # and after the rotation


def test_adb_server_killed_mid_run(sim_phone, detector, tmp_path) -> None:
    adb = shutil.which("adb")
    assert adb
    port = free_port()
    subprocess.run([adb, "-P", str(port), "start-server"], check=True, capture_output=True, timeout=60)
    sim = sim_phone(scenario="quiet")

    def restart() -> None:
        time.sleep(4)
        stop_adb_server(port)
        time.sleep(3)
        subprocess.run([adb, "-P", str(port), "start-server"], check=True, capture_output=True, timeout=60)

    import threading

    killer = threading.Thread(target=restart)
    killer.start()
    try:
        run = run_daemon(port, [sim.serial], 20, detector, tmp_path, interval_s=0.5)
    finally:
        killer.join()
        stop_adb_server(port)
    ticks = run.ticks(sim.serial)
    assert run.stats[sim.serial].errors >= 1 and any("device lost" in x for x in run.lines)
    back = [t for t in ticks if t.get("online")]
    assert back and back[0]["offline_s"] > 0  # the offline time is logged
    t_back = back[0]["t"]
    assert any("detections" in t and t["t"] > t_back for t in ticks)  # and ticks resumed
