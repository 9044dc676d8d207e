"""What a simulated phone's event log says about a run: the numbers ``closebot demo`` ends with."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GRACE_S = 5.0  # an ad shown less than this before the end was not given a fair chance


@dataclass(frozen=True)
class PhoneReport:
    ads_shown: int
    ads_eligible: int  # shown at least GRACE_S before the end, or closed
    closed_by_close: int
    closed_by_skip: int
    taps: int
    taps_outside: int  # on the ad body, the store page or nothing
    store_openings: int
    backs: int
    close_times: tuple[float, ...]  # of ads closed by a tap (close or skip)
    timed_out: int = 0  # ads the scenario dismissed itself because nobody closed them (give_up_s)

    @property
    def closed(self) -> int:
        return self.closed_by_close + self.closed_by_skip

    @property
    def closed_share(self) -> float:
        return self.closed / self.ads_eligible if self.ads_eligible else float("nan")

    def percentile(self, q: float) -> float:
        if not self.close_times:
            return float("nan")
        xs = sorted(self.close_times)
        k = min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))
        return xs[k]

    @property
    def median_s(self) -> float:
        return statistics.median(self.close_times) if self.close_times else float("nan")

    def to_dict(self) -> dict[str, Any]:
        return {
            "ads_shown": self.ads_shown,
            "ads_eligible": self.ads_eligible,
            "closed_by_close": self.closed_by_close,
            "closed_by_skip": self.closed_by_skip,
            "closed_share": round(self.closed_share, 4),
            "taps": self.taps,
            "taps_outside_a_button": self.taps_outside,
            "store_openings": self.store_openings,
            "timed_out": self.timed_out,
            "median_close_s": round(self.median_s, 3),
            "p95_close_s": round(self.percentile(0.95), 3),
        }


def read_events(path: str | Path, live: bool = False) -> list[dict[str, Any]]:
    """The simulated phone's events. ``live``: the phone may still be writing, so a missing file is no events yet
    and an incomplete last line is left out (a damaged line before it still raises)."""
    p = Path(path)
    if live and not p.exists():
        return []
    lines = [ln.strip() for ln in p.read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln]
    out = []
    for i, line in enumerate(lines):
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            if not (live and i == len(lines) - 1):
                raise
    return out


def summarize(events: list[dict[str, Any]]) -> PhoneReport:
    end = max((e["t"] for e in events), default=0.0)
    shown = {e["ad_id"]: e["t"] for e in events if e["event"] == "ad_shown"}
    closed = [e for e in events if e["event"] == "ad_closed"]
    closed_ids = {e["ad_id"] for e in closed}
    taps = [e for e in events if e["event"] == "tap"]
    return PhoneReport(
        ads_shown=len(shown),
        ads_eligible=sum(1 for i, t in shown.items() if i in closed_ids or end - t >= GRACE_S),
        closed_by_close=sum(1 for e in closed if e["by"] == "close"),
        closed_by_skip=sum(1 for e in closed if e["by"] == "skip"),
        taps=len(taps),
        taps_outside=sum(1 for e in taps if e["hit"] not in ("close", "skip")),
        store_openings=sum(1 for e in events if e["event"] == "store_opened"),
        backs=sum(1 for e in events if e["event"] == "back"),
        close_times=tuple(float(e["after_s"]) for e in closed if e["by"] in ("close", "skip")),
        timed_out=sum(1 for e in closed if e["by"] == "timeout"),
    )


def format_table(reports: dict[str, PhoneReport]) -> str:
    rows = [
        ("ads shown", lambda r: f"{r.ads_shown}"),
        ("closed by close", lambda r: f"{r.closed_by_close}"),
        ("closed by skip", lambda r: f"{r.closed_by_skip}"),
        ("closed / eligible", lambda r: f"{r.closed}/{r.ads_eligible} ({100 * r.closed_share:.0f}%)"),
        ("taps outside a button", lambda r: f"{r.taps_outside}"),
        ("store openings", lambda r: f"{r.store_openings}"),
        ("median ad -> close", lambda r: f"{r.median_s:.2f} s"),
        ("p95 ad -> close", lambda r: f"{r.percentile(0.95):.2f} s"),
    ]
    if any(r.timed_out for r in reports.values()):
        rows.insert(3, ("gone unclosed (timeout)", lambda r: f"{r.timed_out}"))
    names = list(reports)
    w0 = max(len(r[0]) for r in rows)
    widths = [max(len(n), 12) for n in names]
    lines = [" " * w0 + "  " + "  ".join(n.rjust(w) for n, w in zip(names, widths, strict=True))]
    for label, fn in rows:
        lines.append(
            label.ljust(w0) + "  " + "  ".join(fn(reports[n]).rjust(w) for n, w in zip(names, widths, strict=True))
        )
    return "\n".join(lines)
