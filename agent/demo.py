"""``closebot demo``: simulated phone(s) + the real adb server + the daemon, then a table of what happened.

Each phone runs as its own process (``closebot sim``), as a phone would be; the adb server is started on the
configured port unless one already answers there (and stopped again if we started it).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from agent.config import Config
from agent.daemon import Daemon
from agent.device import AdbDevice
from agent.report import PhoneReport, read_events, summarize
from detector.engine import Detector
from detector.errors import AdbServerError, DeviceError


@dataclass(frozen=True)
class ProcessStats:
    rss_mib: float
    open_files: int
    threads: int

    @staticmethod
    def now() -> ProcessStats:
        rss, threads = 0.0, threading.active_count()
        try:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024
                elif line.startswith("Threads:"):
                    threads = int(line.split()[1])
            fds = len(os.listdir("/proc/self/fd"))
        except OSError:
            fds = -1
        return ProcessStats(round(rss, 1), fds, threads)


WARMUP_S = 15.0  # the "start" sample: after the first inferences have allocated what they need


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class SimProcess:
    proc: subprocess.Popen
    port: int
    events: Path
    drains: tuple[threading.Thread, ...] = ()

    @property
    def serial(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        for t in self.drains:
            t.join(5)
        for f in (self.proc.stdout, self.proc.stderr):
            if f is not None:
                f.close()


def start_sim(
    events: Path, size: str = "1080x2400", scenario: str = "default", seed: int = 0, extra=(), port: int = 0
) -> SimProcess:
    port = port or free_port()
    cmd = [sys.executable, "-m", "agent.cli", "sim", "--port", str(port), "--events", str(events)]
    cmd += ["--size", size, "--scenario", scenario, "--seed", str(seed), *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline() if proc.stdout else ""  # "closebot sim: listening on ..." once ready
    if "listening" not in line:
        proc.kill()
        err = proc.stderr.read() if proc.stderr else ""
        proc.communicate()
        raise DeviceError(f"simulated phone did not start: {line.strip()} {err.strip()[-500:]}")
    drains = tuple(threading.Thread(target=f.read, daemon=True) for f in (proc.stdout, proc.stderr) if f is not None)
    for t in drains:  # keep the pipes drained so the phone never blocks on a full pipe
        t.start()
    return SimProcess(proc, port, events, drains)


def ensure_adb_server(host: str, port: int) -> bool:
    """True when we started the server (so we stop it afterwards)."""
    probe = AdbDevice("probe", host, port, timeout_s=2.0)
    try:
        probe.host_query("host:version")
        return False
    except AdbServerError:
        pass
    adb = shutil.which("adb")
    if adb is None:
        raise AdbServerError("no adb server is running and the `adb` command is not installed (apt-get install adb)")
    subprocess.run([adb, "-P", str(port), "start-server"], check=True, capture_output=True, timeout=30)
    probe.host_query("host:version")
    return True


def stop_adb_server(port: int) -> None:
    adb = shutil.which("adb")
    if adb:
        subprocess.run([adb, "-P", str(port), "kill-server"], capture_output=True, timeout=30)


@dataclass(frozen=True)
class DemoPhone:
    serial: str
    size: str
    events: Path  # the phone's own event log (the truth the run is judged by)
    report: PhoneReport


@dataclass(frozen=True)
class DemoResult:
    phones: tuple[DemoPhone, ...]
    root: Path  # the daemon's run folder (RUN_DIR/<time>/)
    first: ProcessStats  # the daemon process after warm-up
    last: ProcessStats  # ... and at the end

    @property
    def reports(self) -> dict[str, PhoneReport]:
        return {f"{p.serial} ({p.size})": p.report for p in self.phones}


def run_demo(
    cfg: Config,
    detector: Detector,
    seconds: float,
    sizes: list[str],
    scenario: str = "default",
    seed: int = 0,
    dry_run: bool = False,
    run_dir: str | None = None,
) -> DemoResult:
    a = cfg.agent.adb
    started = ensure_adb_server(a.host, a.port)
    base = Path(run_dir or cfg.agent.run_dir)
    base.mkdir(parents=True, exist_ok=True)
    sims: list[SimProcess] = []
    samples: list[ProcessStats] = []
    bar = tqdm(total=int(seconds), desc="demo", unit="s", leave=False)
    try:
        for i, size in enumerate(sizes):
            stamp = time.strftime("%Y%m%d-%H%M%S")
            sims.append(start_sim(base / f"phone-{stamp}-{i}-{size}.jsonl", size, scenario, seed + i))
        daemon = Daemon(cfg, detector, [s.serial for s in sims], dry_run=dry_run, run_dir=base, say=tqdm.write)
        ticker = threading.Thread(target=_progress, args=(bar, seconds, daemon.stop, samples), daemon=True)
        ticker.start()
        daemon.run(seconds)
        samples.append(ProcessStats.now())
    finally:
        bar.close()
        for s in sims:
            s.stop()
        if started:
            stop_adb_server(a.port)
    phones = tuple(
        DemoPhone(s.serial, size, s.events, summarize(read_events(s.events)))
        for s, size in zip(sims, sizes, strict=True)
    )
    return DemoResult(phones, daemon.root, samples[0], samples[-1])


def _progress(bar: tqdm, seconds: float, stop: threading.Event, samples: list[ProcessStats]) -> None:
    t0 = time.monotonic()
    while not stop.is_set():
        if not samples and time.monotonic() - t0 >= min(WARMUP_S, seconds / 2):
            samples.append(ProcessStats.now())
        bar.n = min(int(seconds), int(time.monotonic() - t0))
        bar.refresh()
        stop.wait(1.0)


def with_adb_port(cfg: Config, host: str | None, port: int | None) -> Config:
    adb = cfg.agent.adb
    adb = dataclasses.replace(adb, host=host or adb.host, port=port or adb.port)
    return dataclasses.replace(cfg, agent=dataclasses.replace(cfg.agent, adb=adb))
