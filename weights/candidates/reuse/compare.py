"""Two `closebot demo` runs side by side, from their run directories: ticks, detections reused, the daemon's
detection time, the median tick, and whether the taps (label and point, in order) are the same.

Usage: python3 weights/candidates/reuse/compare.py RUN_DIR_A RUN_DIR_B  (each the --run-dir given to the demo)
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path


def summary(root: Path) -> tuple[dict, list]:
    (events,) = root.glob("*/*/events.jsonl")
    ticks = [r for r in map(json.loads, events.read_text().splitlines()) if "timings" in r]
    taps = [
        (r["decision"]["label"], r["decision"]["x"], r["decision"]["y"]) for r in ticks if r["action"]["kind"] == "tap"
    ]
    (phone,) = root.glob("phone-*.jsonl")
    shut = [e for e in map(json.loads, phone.read_text().splitlines()) if e["event"] == "ad_closed"]
    return {
        "ticks": len(ticks),
        "reused": sum(r["timings"].get("detect_reused", 0) for r in ticks),
        "detect_s": round(sum(r["timings"]["detect_ms"] for r in ticks) / 1000, 1),
        "median_tick_ms": statistics.median(r["timings"]["tick_ms"] for r in ticks),
        "taps": len(taps),
        "timed_out": [e["ad_id"] for e in shut if e["by"] == "timeout"],
    }, taps


a, ta = summary(Path(sys.argv[1]))
b, tb = summary(Path(sys.argv[2]))
print("A", a)
print("B", b)
n = min(len(ta), len(tb))
print(f"the first {n} taps (label, x, y) the same, in order: {ta[:n] == tb[:n]}")
