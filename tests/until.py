"""Daemon runs bounded by what happened, not by the clock.

A daemon test used to run for a fixed 25-30 s and then count what the phone saw. On a loaded CPU (training beside
the suite) ticks took longer, too few ads were closed in those seconds, and the tests failed although nothing was
wrong. :func:`run_until` runs the daemon until the test's own condition holds, checked
every ``poll_s``, with ``limit_s`` as the safety bound: a run that never reaches the condition still ends, and the
test's assertions then say what was missing. Conditions read the phone's log while it is written:
``agent.report.read_events(path, live=True)``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from agent.daemon import Daemon, DeviceStats


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
