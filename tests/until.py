"""Daemon runs bounded by what happened, not by the clock.

A daemon test used to run for a fixed 25-30 s and then count what the phone saw. On a loaded CPU (training beside
the suite) ticks took longer, too few ads were closed in those seconds, and the tests failed although nothing was
wrong. :func:`run_until` runs the daemon until the test's own condition holds, checked
every ``poll_s``, with ``limit_s`` as the safety bound: a run that never reaches the condition still ends, and the
test's assertions then say what was missing. Conditions read the phone's log while it is written:
``agent.report.read_events(path, live=True)``. :func:`run_daemon` is the daemon tests' one way to run it.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from agent.config import load_config
from agent.daemon import Daemon, DeviceStats
from agent.demo import with_adb_port
from detector.engine import Detector


@dataclass
class DaemonRun:
    daemon: Daemon
    stats: dict[str, DeviceStats]  # per serial
    lines: list[str]  # what the daemon said

    def ticks(self, serial: str) -> list[dict]:
        """The daemon's event log of ``serial``, one record a line."""
        path = self.daemon.root / serial.replace(":", "_") / "events.jsonl"
        return [json.loads(x) for x in path.read_text().splitlines()]


def run_daemon(
    adb_port: int,
    serials: list[str],
    seconds: float,
    detector: Detector,
    tmp: Path,
    *,
    dry_run: bool = False,
    until: Callable[[Daemon, list[str]], bool] | None = None,
    **agent: object,
) -> DaemonRun:
    """The repository's config with ``agent`` keys overridden, the daemon on ``serials`` through the adb server on
    ``adb_port`` for ``seconds``; with ``until`` (called with the daemon and the lines it said so far), only until
    that holds, ``seconds`` then being the safety limit."""
    cfg = with_adb_port(load_config(), None, adb_port)
    if agent:
        cfg = dataclasses.replace(cfg, agent=dataclasses.replace(cfg.agent, **agent))
    lines: list[str] = []
    daemon = Daemon(cfg, detector, serials, dry_run=dry_run, run_dir=tmp / "runs", say=lines.append)
    if until is None:
        return DaemonRun(daemon, daemon.run(seconds), lines)
    return DaemonRun(daemon, run_until(daemon, lambda: until(daemon, list(lines)), seconds), lines)


def run_until(daemon: Daemon, done: Callable[[], bool], limit_s: float, poll_s: float = 0.5) -> dict[str, DeviceStats]:
    """``daemon.run()`` until ``done()`` is true or ``limit_s`` seconds have passed, whichever comes first.

    ``done`` runs on a watcher thread (the daemon's signal handlers need the main thread); an exception in it stops
    the run and is raised here."""
    failure: list[BaseException] = []

    def watch() -> None:
        while not daemon.stop.wait(poll_s):
            try:
                if done():
                    daemon.stop.set()
            except BaseException as e:  # noqa: BLE001 - handed to the test below
                failure.append(e)
                daemon.stop.set()

    watcher = threading.Thread(target=watch, name="run-until", daemon=True)
    watcher.start()
    try:
        stats = daemon.run(limit_s)
    finally:
        daemon.stop.set()
        watcher.join()
    if failure:
        raise failure[0]
    return stats
