"""Daemon runs bounded by what happened, not by the clock.

A daemon test used to run for a fixed 25-30 s and then count what the phone saw. On a loaded CPU (training beside
the suite, or a slower machine) a tick took 2-3x longer, too few ads were closed in those seconds, and the test
failed although nothing was wrong. :func:`run_until` runs the daemon until the test's own condition holds, checked
every ``poll_s``, with ``limit_s`` as the safety bound: a run that never reaches the condition still ends, and the
test's assertions then say what was missing.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent.daemon import Daemon, DeviceStats


def events_so_far(path: str | Path) -> list[dict[str, Any]]:
    """The simulated phone's events written so far; a last line still being written is left out."""
    p = Path(path)
    if not p.exists():
        return []
    out = []
    lines = p.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            if i != len(lines) - 1:  # only the line being written may be incomplete
                raise
    return out


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
