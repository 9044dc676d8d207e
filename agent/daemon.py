"""``closebot run``: one apscheduler job per device; a tick is capture -> detect -> policy -> act -> verify -> record.

Jobs run at most one instance at a time and coalesce missed runs, so a slow tick delays the next instead of
piling up. All devices share one loaded model behind a lock (two inferences at once on a 2-core CPU only slow
each other down). SIGINT or SIGTERM lets running ticks finish, flushes the logs and exits 0; a second SIGINT
exits at once.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from agent.config import Config
from agent.coords import DisplayInfo, screen_to_input
from agent.device import AdbDevice, Frame, check_serial
from agent.frames import is_blank, look, region_changed, same_pixels, screen_changed, signature
from agent.runlog import DeviceLog, run_root, serial_dir_name
from detector.engine import Detector, DetectResult
from detector.errors import CaptureError, CoordinateError, DeviceError
from detector.types import Detection
from policies.decide import TapDecision, decide
from policies.temporal import Action, AgentState, step, tap_failed, without_dead

log = logging.getLogger(__name__)

# Where a tap on an ad body leads: a store or a browser. Seeing one of these focused after a tap is a "decoy".
STORE_PACKAGES = (
    "com.android.vending",
    "com.google.android.finsky",
    "com.android.chrome",
    "com.android.browser",
    "org.mozilla.firefox",
    "com.sec.android.app.sbrowser",
    "com.opera.browser",
    "com.microsoft.emmx",
    "com.brave.browser",
)

Say = Callable[[str], None]


class SharedDetector:
    """One model for every device; one inference at a time."""

    def __init__(self, detector: Detector) -> None:
        self.detector = detector
        self._lock = threading.Lock()

    def detect(self, image) -> DetectResult:
        with self._lock:
            return self.detector.detect(image)


def _dets(ds: list[Detection]) -> list[dict[str, Any]]:
    return [
        {
            "label": d.label,
            "score": round(d.score, 4),
            "box": [round(v, 1) for v in (d.box.x1, d.box.y1, d.box.x2, d.box.y2)],
        }
        for d in ds
    ]


def _decision(t: TapDecision | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {
        "x": t.x,
        "y": t.y,
        "label": t.label,
        "score": round(t.score, 4),
        "box": [t.box.x1, t.box.y1, t.box.x2, t.box.y2],
    }


def best_target_score(ds: list[Detection]) -> float:
    return max((d.score for d in ds if d.label in ("close", "skip")), default=0.0)


@dataclass
class DeviceStats:
    ticks: int = 0
    taps: int = 0
    effective: int = 0
    ineffective: int = 0
    decoys: int = 0
    would_tap: int = 0
    errors: int = 0
    misses: dict[str, int] = field(default_factory=dict)
    detected: int = 0  # frames the detector ran on
    reused: int = 0  # frames that were the last one detected on again, pixel for pixel (its result taken again)


class DeviceWorker:
    def __init__(
        self,
        device: AdbDevice,
        detector: SharedDetector,
        cfg: Config,
        dlog: DeviceLog,
        dry_run: bool = False,
        say: Say = print,
    ) -> None:
        self.device = device
        self.detector = detector
        self.cfg = cfg
        self.dlog = dlog
        self.dry_run = dry_run
        self.say = say
        self.state = AgentState()
        self.display: DisplayInfo | None = None
        self.online = False
        self.stats = DeviceStats()
        self._sig_at_tap = None
        self._prev_sig = None
        self._unchanged = 0
        self._stuck_recorded = False
        self._uncertain_sig = None
        self._t0 = time.monotonic()
        self._offline_since: float | None = None
        self._attempts = 0
        self._next_attempt = 0.0
        self._seen: tuple[np.ndarray, DetectResult] | None = None  # the last frame detected on, and its result
        m = detector.detector.manifest
        self.model = {"name": m.get("name", "?"), "sha256": str(m.get("sha256", ""))[:16]}

    # ---------------------------------------------------------------------------------------------- helpers
    def _say(self, text: str) -> None:
        self.say(f"{time.strftime('%H:%M:%S')} {self.device.serial:<16} {text}")

    def _look(self, timings: dict[str, float]) -> tuple[Frame, DetectResult, TapDecision | None]:
        frame = self.device.capture(self.cfg.agent.capture)
        timings["capture_ms"] = timings.get("capture_ms", 0.0) + round(frame.ms, 1)
        res = self._detect(frame, timings)
        return frame, res, self._decide(frame, res)

    def _detect(self, frame: Frame, timings: dict[str, float]) -> DetectResult:
        """The detector's result for ``frame``; the last frame's result again when the screen is that frame pixel
        for pixel (a static ad captured again to confirm it, a paused game): detection is deterministic, so that is
        what a second pass would give, for a comparison (~2 ms at 1080x2400) instead of a pass (~100-170 ms)."""
        if self._seen is not None and same_pixels(self._seen[0], frame.image):
            timings["detect_ms"] = timings.get("detect_ms", 0.0)
            timings["detect_reused"] = timings.get("detect_reused", 0) + 1
            self.stats.reused += 1
            return self._seen[1]
        res = self.detector.detect(frame.image)
        self.stats.detected += 1
        self._seen = (frame.image, res)
        timings["detect_ms"] = timings.get("detect_ms", 0.0) + round(res.timings.total_ms, 1)
        return res

    def _decide(self, frame: Frame, res: DetectResult) -> TapDecision | None:
        """The frame's tap decision among the candidates not at a dead spot (temporal rule 6)."""
        live = without_dead(res.detections, self.state, self.cfg.agent.temporal, lambda b: look(frame.image, b))
        return decide(live, self.cfg.policy)

    def _ensure_online(self) -> bool:
        """True when the device can be used this tick. Reconnection attempts back off: 1, 2, 4 ... 30 s apart."""
        if self.online:
            return True
        now = time.monotonic()
        if now < self._next_attempt:
            return False
        try:
            self.device.connect(self.cfg.agent.adb.connect_wait_s)
        except DeviceError:
            self._attempts += 1
            self._next_attempt = time.monotonic() + min(30.0, 2.0 ** (self._attempts - 1))
            raise
        self._attempts, self._next_attempt = 0, 0.0
        self.display = self.device.display()
        self.online = True
        iw, ih = self.display.input_size()
        away = ""
        if self._offline_since is not None:
            away = f" (back after {time.monotonic() - self._offline_since:.1f} s offline)"
            self.dlog.tick(
                {
                    "t": round(time.monotonic() - self._t0, 3),
                    "online": True,
                    "offline_s": round(time.monotonic() - self._offline_since, 3),
                }
            )
            self._offline_since = None
        self._say(f"online: input {iw}x{ih}, rotation {self.display.rotation * 90} deg{away}")
        return True

    # ------------------------------------------------------------------------------------------------ tick
    def tick(self) -> None:
        t_start = time.monotonic()
        try:
            self._tick(t_start)
        except CaptureError as e:  # a bad frame: skip this tick, the device is still there
            self.stats.errors += 1
            self._say(f"bad frame, tick skipped: {e}")
            self.dlog.tick({"t": round(t_start - self._t0, 3), "error": str(e), "kind": "capture"})
        except DeviceError as e:
            self.stats.errors += 1
            if self.online:
                self._say(f"device lost: {e}; reconnecting")
                self._offline_since = time.monotonic()
            self.online = False
            self.dlog.tick({"t": round(t_start - self._t0, 3), "error": str(e)})
        except Exception:  # a bug must not kill the scheduler thread silently
            log.exception("tick failed on %s", self.device.serial)
            self.stats.errors += 1

    def _tick(self, t_start: float) -> None:
        if not self._ensure_online():
            return  # backing off; the next attempt is due later
        timings: dict[str, float] = {}
        frame = self.device.capture(self.cfg.agent.capture)
        timings["capture_ms"] = round(frame.ms, 1)
        sig = signature(frame.image)
        if is_blank(sig):  # screen off or a secure window: nothing to detect, nothing to record as a miss
            self.stats.ticks += 1
            self._prev_sig = sig
            self.dlog.tick({"t": round(t_start - self._t0, 3), "blank": True, "timings": timings})
            return
        res = self._detect(frame, timings)
        decision = self._decide(frame, res)
        now = time.monotonic()
        action, self.state = step(
            self.state,
            decision,
            now,
            screen_changed(self._sig_at_tap, sig),
            self.cfg.agent.temporal,
        )
        confirmations = 0
        while action.kind == "confirm" and confirmations < self.cfg.agent.temporal.confirm_frames:
            confirmations += 1
            time.sleep(self.cfg.agent.confirm_delay_s)
            frame, res, decision = self._look(timings)
            sig = signature(frame.image)
            action, self.state = step(
                self.state,
                decision,
                time.monotonic(),
                screen_changed(self._sig_at_tap, sig),
                self.cfg.agent.temporal,
            )
        self.stats.ticks += 1
        record: dict[str, Any] = {
            "t": round(t_start - self._t0, 3),
            "frame": {"width": frame.size[0], "height": frame.size[1], "format": frame.fmt, "bytes": frame.nbytes},
            "detections": _dets(res.detections),
            "decision": _decision(decision),
            "action": {"kind": action.kind, "reason": action.reason},
            "dry_run": self.dry_run,
        }
        outcome = None
        if action.kind == "tap":
            outcome = self._act(action, frame, res, record, timings)
        else:
            self._watch(action, frame, res, sig, record)
        self._prev_sig = sig
        timings["tick_ms"] = round((time.monotonic() - t_start) * 1000, 1)
        record["outcome"] = outcome
        record["timings"] = timings
        self.dlog.tick(record)

    def _act(self, action: Action, frame: Frame, res: DetectResult, record: dict, timings: dict) -> str:
        target = action.target
        assert target is not None
        self.display = self.device.display()  # read before every tap: rotation and overrides change any time
        try:
            ix, iy = screen_to_input(target.x, target.y, frame.size, self.display)
        except CoordinateError as e:
            self._say(f"not tapping: {e}")
            return "off_screen"
        record["input"] = {"x": ix, "y": iy}
        where = f"{target.label} {target.score:.2f} at ({target.x}, {target.y})"
        if self.dry_run:
            self.stats.would_tap += 1
            self._say(f"would tap {where} (dry run)")
            self._unchanged = 0
            return "dry_run"
        t0 = time.monotonic()
        self.device.tap(ix, iy, self.display)
        self.stats.taps += 1
        time.sleep(self.cfg.agent.verify_delay_s)
        after = self.device.capture(self.cfg.agent.capture)
        timings["verify_ms"] = round((time.monotonic() - t0) * 1000, 1)
        self._sig_at_tap = signature(after.image)
        self._unchanged = 0
        package = self.device.focused_package()
        miss_rec = {
            "serial": self.device.serial,
            "detections": record["detections"],
            "decision": record["decision"],
            "input": record["input"],
            "focused_after": package,
        }
        if package in STORE_PACKAGES:
            spot_look = look(frame.image, target.box)
            self.state = tap_failed(self.state, target, spot_look, self.cfg.agent.temporal, opened_store=True)
            self.device.back()
            self.stats.decoys += 1
            self._miss("decoy", frame, miss_rec)
            self._say(f"TAP {where} opened {package}: pressed BACK (decoy recorded)")
            return "decoy"
        if region_changed(frame.image, after.image, target.box, self.cfg.agent.change_threshold):
            self.stats.effective += 1
            self._say(f"TAP {where} -> input ({ix}, {iy}): gone")
            return "effective"
        self.stats.ineffective += 1
        self.state = tap_failed(self.state, target, look(frame.image, target.box), self.cfg.agent.temporal)
        self._miss("ineffective", frame, miss_rec)
        self._say(f"TAP {where} -> input ({ix}, {iy}): nothing changed (ineffective tap recorded)")
        return "ineffective"

    def _watch(self, action: Action, frame: Frame, res: DetectResult, sig, record: dict) -> None:
        """No tap this tick: note uncertain and stuck screens for retraining."""
        best = best_target_score(res.detections)
        ad_like = best >= self.cfg.agent.uncertain_low
        if screen_changed(self._prev_sig, sig):
            self._unchanged, self._stuck_recorded = 0, False
        elif ad_like:
            self._unchanged += 1
        rec = {"serial": self.device.serial, "detections": record["detections"], "best_target_score": round(best, 4)}
        if action.kind == "idle" and ad_like and screen_changed(self._uncertain_sig, sig):
            self._uncertain_sig = sig
            self._miss("uncertain", frame, rec)
        if self._unchanged >= self.cfg.agent.stuck_ticks and not self._stuck_recorded:
            self._stuck_recorded = True
            self._miss("stuck", frame, {**rec, "unchanged_ticks": self._unchanged, "last_action": action.reason})
            self._say(f"stuck: ad-like screen unchanged for {self._unchanged} ticks (recorded)")

    def _miss(self, kind: str, frame: Frame, rec: dict) -> None:
        meta = {
            "t": round(time.monotonic() - self._t0, 3),
            "captured_at": round(frame.wall, 3),
            "capture_ms": round(frame.ms, 1),
            "model": self.model,
        }
        path = self.dlog.miss(kind, frame.image, {**meta, **rec})
        if path:
            self.stats.misses[kind] = self.stats.misses.get(kind, 0) + 1


class Daemon:
    def __init__(
        self,
        cfg: Config,
        detector: Detector,
        serials: list[str],
        dry_run: bool = False,
        run_dir: str | Path | None = None,
        say: Say = print,
    ) -> None:
        self.cfg = cfg
        self.shared = SharedDetector(detector)
        self.root = run_root(run_dir or cfg.agent.run_dir)
        self.say = say
        self.stop = threading.Event()
        a = cfg.agent.adb
        self.workers = [
            DeviceWorker(
                AdbDevice(s, a.host, a.port, a.timeout_s),
                self.shared,
                cfg,
                DeviceLog(self.root / serial_dir_name(check_serial(s)), cfg.agent.max_misses, say),
                dry_run,
                say,
            )
            for s in serials
        ]

    def _install_signals(self) -> dict[int, object]:
        """Our SIGINT/SIGTERM handlers for the run; returns the previous ones (restored when the run ends)."""
        if threading.current_thread() is not threading.main_thread():
            return {}

        def on_signal(signum, _frame) -> None:
            if self.stop.is_set() and signum == signal.SIGINT:
                os._exit(130)  # second Ctrl-C: at once
            self.say(f"{signal.Signals(signum).name}: finishing the current tick (Ctrl-C again to quit at once)")
            self.stop.set()

        return {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}

    def run(self, duration: float | None = None) -> dict[str, DeviceStats]:
        logging.getLogger("apscheduler").setLevel(logging.ERROR)  # "skipped: max instances" is by design
        self.workers[0].device.host_query("host:version")  # fail fast when there is no adb server
        scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max(1, len(self.workers)))},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        for w in self.workers:
            scheduler.add_job(
                w.tick,
                "interval",
                seconds=self.cfg.agent.interval_s,
                id=w.device.serial,
                next_run_time=datetime.now(),
            )
        previous = self._install_signals()
        self.say(f"run directory: {self.root}")
        scheduler.start()
        try:
            self.stop.wait(duration)
        finally:
            self.stop.set()
            scheduler.shutdown(wait=True)
            for w in self.workers:
                w.dlog.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return {w.device.serial: w.stats for w in self.workers}
