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

import json
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

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
    """events.jsonl and misses/ of one device in one run. Thread-safe; every line is flushed."""

    folder: Path
    max_misses: int = 500

    def __post_init__(self) -> None:
        (self.folder / "misses").mkdir(parents=True, exist_ok=True)
        self._fh = open(self.folder / "events.jsonl", "a", encoding="utf-8")  # noqa: SIM115 (closed in close())
        self._lock = threading.Lock()
        self.misses = 0
        self.ticks = 0

    def tick(self, record: dict[str, Any]) -> None:
        with self._lock:
            self.ticks += 1
            self._fh.write(json.dumps(record) + "\n")
            self._fh.flush()

    def miss(self, kind: str, frame: np.ndarray, record: dict[str, Any]) -> str | None:
        """Write the frame and its JSON; returns the JSON's path relative to the device folder (None when capped)."""
        assert kind in MISS_KINDS, kind
        with self._lock:
            if self.misses >= self.max_misses:
                return None
            self.misses += 1
            stem = f"{self.misses:06d}-{kind}"
        png = self.folder / "misses" / f"{stem}.png"
        cv2.imwrite(str(png), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
        h, w = frame.shape[:2]
        doc = {"kind": kind, "frame": png.name, "width": w, "height": h, **record}
        meta = png.with_suffix(".json")
        tmp = meta.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(doc, indent=1))
        tmp.replace(meta)  # a reader never sees half a record
        return f"misses/{meta.name}"

    def close(self) -> None:
        with self._lock:
            self._fh.close()
