"""The run directory: what the daemon saw and did, and the misses the harvest step turns into training data.

Layout (documented in the README)::

    RUN_DIR/<YYYYmmdd-HHMMSS>/<serial with ':' as '_'>/
        events.jsonl         one JSON object per tick
        misses/NNNNNN-<kind>.png    the full-resolution frame of the miss (PNG, lossless)
        misses/NNNNNN-<kind>.json   what was detected, decided and observed (schema below)

Miss kinds: ``ineffective`` (tapped, nothing changed), ``decoy`` (the tap opened a store or browser),
``uncertain`` (best close/skip score in the grey band under the threshold, no tap), ``stuck`` (an ad-like screen
unchanged for N ticks with no action).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

log = logging.getLogger(__name__)

MISS_KINDS = ("ineffective", "decoy", "uncertain", "stuck")


def run_root(base: str | Path) -> Path:
    root = Path(base) / time.strftime("%Y%m%d-%H%M%S")
    n = 1
    while root.exists():
        n += 1
        root = Path(base) / f"{time.strftime('%Y%m%d-%H%M%S')}-{n}"
    return root


def serial_dir_name(serial: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", serial)


@dataclass
class DeviceLog:
    """events.jsonl and misses/ of one device in one run. Thread-safe.

    Nothing half-written survives: a tick line is appended with one ``os.write`` and the file is cut back to its
    last whole line if that fails (disk full); a miss is written as temp files renamed at the end, frame first,
    record last, and both are removed if anything fails. A full disk is reported once (``warn``) and again when
    writing works again; the daemon goes on closing ads meanwhile.
    """

    folder: Path
    max_misses: int = 500
    warn: Callable[[str], None] = log.warning

    def __post_init__(self) -> None:
        (self.folder / "misses").mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.folder / "events.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self._size = os.fstat(self._fd).st_size
        self._lock = threading.Lock()
        self.misses = 0
        self.ticks = 0
        self.failing = False

    def _failed(self, what: str, err: OSError) -> None:
        if not self.failing:
            self.failing = True
            self.warn(f"cannot write {what} in {self.folder}: {err.strerror or err}; going on without records")

    def _ok(self) -> None:
        if self.failing:
            self.failing = False
            self.warn(f"writing records in {self.folder} again")

    def tick(self, record: dict[str, Any]) -> None:
        data = (json.dumps(record) + "\n").encode()
        with self._lock:
            self.ticks += 1
            try:
                n = os.write(self._fd, data)
                if n != len(data):
                    raise OSError(28, "short write")
                self._size += n
                self._ok()
            except OSError as e:
                with contextlib.suppress(OSError):
                    os.ftruncate(self._fd, self._size)  # no partial line stays behind
                self._failed("events.jsonl", e)

    def miss(self, kind: str, frame: np.ndarray, record: dict[str, Any]) -> str | None:
        """Write the frame and its JSON; returns the JSON's path relative to the device folder (None when not)."""
        if kind not in MISS_KINDS:
            raise ValueError(f"unknown miss kind {kind!r}")
        with self._lock:
            if self.misses >= self.max_misses:
                return None
            self.misses += 1
            stem = f"{self.misses:06d}-{kind}"
        png = self.folder / "misses" / f"{stem}.png"
        meta = png.with_suffix(".json")
        h, w = frame.shape[:2]
        doc = {"kind": kind, "frame": png.name, "width": w, "height": h, **record}
        tmps = [png.with_suffix(".png.tmp"), meta.with_suffix(".json.tmp")]
        try:
            ok, enc = cv2.imencode(".png", cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
            if not ok:
                raise OSError(5, "PNG encoding failed")
            tmps[0].write_bytes(enc.tobytes())
            tmps[1].write_text(json.dumps(doc, indent=1))
            tmps[0].replace(png)
            tmps[1].replace(meta)  # the record last: a reader that finds it finds its frame
        except OSError as e:
            for f in (*tmps, png, meta):
                f.unlink(missing_ok=True)
            with self._lock:
                self._failed("a miss record", e)
            return None
        with self._lock:
            self._ok()
        return f"misses/{meta.name}"

    def close(self) -> None:
        with self._lock:
            os.close(self._fd)
