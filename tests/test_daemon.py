"""The daemon end to end: shipped model, real adb server, simulated phone(s); judged by the phone's own events."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent.config import load_config
from agent.daemon import Daemon
from agent.report import read_events, summarize
from detector.engine import Detector
from tests.until import run_daemon

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def detector() -> Detector:
    cfg = load_config()
    det = cfg.detector
    return Detector.load(det.weights, det.inference, det.verifier_weights(), det.speaker.load())


def test_closes_ads_and_never_taps_outside_a_button(adb_server, sim_phone, detector, tmp_path) -> None:
    sim = sim_phone(seed=3)

    def enough(daemon: Daemon, _said: list[str]) -> bool:  # two ads closed, over more than 10 ticks
        return summarize(read_events(sim.events, live=True)).closed >= 2 and daemon.workers[0].stats.ticks > 10

    run = run_daemon(adb_server, [sim.serial], 120, detector, tmp_path, until=enough)
    stats = run.stats
    sim.stop()
    report = summarize(read_events(sim.events))
    assert report.ads_shown >= 2
    assert report.closed >= 2, report
    assert report.taps_outside == 0 and report.store_openings == 0, report
    assert stats[sim.serial].ticks > 10
    rec = run.ticks(sim.serial)
    tapped = [r for r in rec if r.get("action", {}).get("kind") == "tap"]
    assert tapped and all(r["outcome"] in ("effective", "ineffective") for r in tapped)
    assert all("capture_ms" in r["timings"] and "detect_ms" in r["timings"] for r in rec if "timings" in r)


def test_dry_run_sends_no_input(adb_server, sim_phone, detector, tmp_path) -> None:
    sim = sim_phone(seed=3)
    run = run_daemon(adb_server, [sim.serial], 15, detector, tmp_path, dry_run=True)
    sim.stop()
    kinds = {e["event"] for e in read_events(sim.events)}
    assert kinds.isdisjoint({"tap", "swipe", "back", "ad_closed", "store_opened"})
    rec = run.ticks(sim.serial)
    assert rec and all(r["dry_run"] for r in rec if "dry_run" in r)
    assert run.stats[sim.serial].taps == 0


def test_a_screen_seen_again_is_not_detected_again(adb_server, sim_phone, detector, tmp_path, monkeypatch) -> None:
    """The quiet scenario's game screen never changes: the daemon detects on it once, and every later tick, its
    frame the same pixel for pixel, takes that result again (recorded as reused, with the same detections)."""
    sim = sim_phone(scenario="quiet", seed=3)
    passes: list[int] = []
    real = detector.detect
    monkeypatch.setattr(detector, "detect", lambda image, **kw: passes.append(1) or real(image, **kw))
    run = run_daemon(adb_server, [sim.serial], 60, detector, tmp_path, until=lambda d, _: d.workers[0].stats.ticks >= 4)
    sim.stop()
    rec = [r for r in run.ticks(sim.serial) if "detections" in r]
    assert len(rec) >= 4 and len(passes) == 1
    assert run.stats[sim.serial].detected == 1 and run.stats[sim.serial].reused == len(rec) - 1
    assert "detect_reused" not in rec[0]["timings"] and all(r["timings"]["detect_reused"] == 1 for r in rec[1:])
    assert all(r["detections"] == rec[0]["detections"] and r["timings"]["detect_ms"] == 0 for r in rec[1:])


def test_decoy_close_opens_the_store_and_the_daemon_goes_back(adb_server, sim_phone, detector, tmp_path) -> None:
    sim = sim_phone(scenario="decoy", seed=3)
    run = run_daemon(adb_server, [sim.serial], 25, detector, tmp_path)
    ev = read_events(sim.events)
    opened = [i for i, e in enumerate(ev) if e["event"] == "store_opened"]
    assert opened, "the decoy close was never tapped"
    assert any(e["event"] == "back" and e["closed_store"] for e in ev[opened[0] :])
    assert run.stats[sim.serial].decoys >= 1
    folder = run.daemon.root / sim.serial.replace(":", "_") / "misses"
    records = [json.loads(p.read_text()) for p in folder.glob("*-decoy.json")]
    assert records and records[0]["focused_after"] == "com.android.vending"
    assert (folder / records[0]["frame"]).is_file()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_finishes_the_tick_and_exits_zero(adb_server, sim_phone, tmp_path, sig) -> None:
    sim = sim_phone(seed=3)
    cmd = [sys.executable, "-m", "agent.cli", "run", "--device", sim.serial, "--adb-port", str(adb_server)]
    cmd += ["--run-dir", str(tmp_path / "runs"), "--dry-run"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    try:
        deadline = time.monotonic() + 120
        events = None
        while time.monotonic() < deadline:
            found = list((tmp_path / "runs").glob("*/*/events.jsonl"))
            if found and found[0].stat().st_size > 0:
                events = found[0]
                break
            time.sleep(0.5)
        assert events is not None, "the daemon never recorded a tick"
        time.sleep(3)  # ticks and miss records are being written
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert sig.name in out and "ticks (" in out and "frames detected" in out
    lines = events.read_text().splitlines()
    assert lines and all(json.loads(line) for line in lines)  # every line complete
    misses = events.parent / "misses"
    pngs = {p.stem for p in misses.glob("*.png")}
    jsons = {p.stem for p in misses.glob("*.json")}
    assert pngs == jsons and not list(misses.glob("*.tmp"))  # every miss has frame and record, or neither
    assert not [e for e in read_events(sim.events) if e["event"] == "tap"]  # dry run: no input at all


def test_demo_command_starts_everything_and_reports(tmp_path) -> None:
    from agent.demo import free_port

    port = free_port()  # no adb server there: the demo starts one and stops it again
    cmd = [sys.executable, "-m", "agent.cli", "demo", "--seconds", "20", "--adb-port", str(port), "--json"]
    cmd += ["--run-dir", str(tmp_path / "runs"), "--seed", "3"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=REPO)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "ads shown" in r.stdout and "median ad -> close" in r.stdout and "daemon process: RSS" in r.stdout
    data = json.loads(r.stdout.strip().splitlines()[-1])
    (phone,) = data["phones"].values()
    assert phone["ads_shown"] >= 1 and phone["store_openings"] == 0 and phone["taps_outside_a_button"] == 0
    assert data["process"]["end"]["rss_mib"] > 100
    assert list((tmp_path / "runs").glob("phone-*.jsonl")) and list((tmp_path / "runs").glob("*/*/events.jsonl"))
    probe = subprocess.run(["adb", "-P", str(port), "devices"], capture_output=True, text=True, timeout=30)
    assert "127.0.0.1" not in probe.stdout  # the server the demo started is gone (a new one lists nothing)
    subprocess.run(["adb", "-P", str(port), "kill-server"], capture_output=True, timeout=30)


def test_run_restores_the_callers_signal_handlers(adb_server, sim_phone, detector, tmp_path) -> None:
    """demo and prove-loop run the daemon inside a longer program: after the run, SIGTERM is theirs again."""
    sim = sim_phone(scenario="quiet", seed=3)
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    run_daemon(adb_server, [sim.serial], 2, detector, tmp_path)
    assert {s: signal.getsignal(s) for s in before} == before
