"""The simulated phone's world: a game, interstitial ads over time, a store page behind every ad body.

Time is the scenario's own clock (seconds since start). Everything that happens is written to an
:class:`EventLog` (JSON lines, coordinates in screen pixels as ``screencap`` shows them), which is what tests and
``closebot demo`` judge the daemon by. Ads are rendered one ahead in a background thread, so showing one costs
nothing on the phone's protocol thread.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from agent.sim.ads import NOVEL, Ad, AdKind, render_ad, render_game, render_store
from detector.synth.assets import AssetPool
from detector.synth.elements import CLOSE_SCHEMES

GAME_PACKAGE = "jp.example.puzzlegame"
GAME_ACTIVITY = "jp.example.puzzlegame/.MainActivity"
STORE_PACKAGE = "com.android.vending"
STORE_ACTIVITY = "com.android.vending/com.google.android.finsky.activities.MainActivity"


@dataclass(frozen=True)
class ScenarioSpec:
    name: str
    first_ad_s: float = 2.0
    gap_s: tuple[float, float] = (3.0, 6.0)  # game time between one ad's close and the next ad
    countdown_s: tuple[float, float] = (2.0, 4.0)  # skip-only phase before the close appears
    kinds: tuple[tuple[AdKind, float], ...] = (("close", 0.6), ("skip_then_close", 0.25), ("both", 0.15))
    max_ads: int = 0  # 0: no limit
    fake_close: bool = False  # the close button is a decoy that opens the store (some ads really do this)
    close_schemes: tuple[str, ...] = CLOSE_SCHEMES  # close styles, shown in turn
    # An ad nobody closes is dismissed after this long ("by": "timeout": the player closed it himself); 0: it stays.
    give_up_s: float = 20.0


SCENARIOS: dict[str, ScenarioSpec] = {
    "default": ScenarioSpec("default"),
    # Every ad starts with only a skip: the daemon must use skip when no close is visible.
    "skip": ScenarioSpec("skip", kinds=(("skip_then_close", 1.0),)),
    # Only the game: nothing should ever be tapped.
    "quiet": ScenarioSpec("quiet", first_ad_s=1e9, max_ads=0),
    # Close buttons that open the store: the daemon must notice, press BACK and record a decoy.
    "decoy": ScenarioSpec("decoy", kinds=(("close", 1.0),), fake_close=True),
    # Close buttons in a style only the simulated phone draws (agent/sim/novel.py): the shipped model misses most of
    # them, which is what the retraining loop's proof (closebot prove-loop) needs. Ads nobody closes go after 8 s.
    "novel": ScenarioSpec("novel", gap_s=(1.0, 2.0), kinds=(("close", 1.0),), close_schemes=(NOVEL,), give_up_s=8.0),
}


class EventLog:
    """Thread-safe JSON-lines event record (file optional), also kept in memory."""

    def __init__(self, path: str | Path | None, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.events: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._fh = open(path, "a", encoding="utf-8") if path else None  # noqa: SIM115 (closed in close())

    def emit(self, event: str, **fields: Any) -> dict[str, Any]:
        rec = {"t": round(self.clock(), 3), "wall": round(time.time(), 3), "event": event, **fields}
        with self._lock:
            self.events.append(rec)
            if self._fh:
                self._fh.write(json.dumps(rec) + "\n")
                self._fh.flush()
        return rec

    def close(self) -> None:
        with self._lock:
            if self._fh:
                self._fh.close()
                self._fh = None


def _inside(box: tuple[int, int, int, int] | None, x: float, y: float) -> bool:
    return box is not None and box[0] <= x < box[2] and box[1] <= y < box[3]


class Scenario:
    def __init__(
        self,
        spec: ScenarioSpec,
        size: tuple[int, int],
        pool: AssetPool,
        seed: int = 0,
        events_path: str | Path | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.spec = spec
        self.size = size
        self.pool = pool
        self._clock = clock
        self._t0 = clock()
        self.events = EventLog(events_path, self.now)
        self._rng = random.Random(seed)
        self._lock = threading.RLock()
        self._pool_exec = ThreadPoolExecutor(1, thread_name_prefix="sim-render")
        self.version = 0
        self.ad: Ad | None = None
        self.ad_id = 0
        self.phase = 0
        self.ad_shown_at = 0.0
        self.phase_switch_at: float | None = None
        self.store_open = False
        self.next_ad_at = spec.first_ad_s
        self.ads_shown = 0
        self.seed = seed
        self.game = render_game(random.Random(seed * 7919 + 1), pool, size)
        self.store = render_store(random.Random(seed * 7919 + 2), pool, size)
        self._next: Future[Ad] | None = None
        self._pending_args: tuple[int, AdKind, str] | None = None
        self._ad_args: tuple[int, AdKind, str] | None = None
        self._prefetch()
        self.events.emit("start", scenario=spec.name, width=size[0], height=size[1], seed=seed)

    # -------------------------------------------------------------------------------------------------- time
    def now(self) -> float:
        return self._clock() - self._t0

    def _prefetch(self) -> None:
        if self.spec.max_ads and self.ads_shown >= self.spec.max_ads:
            self._next = None
            return
        ad_seed = self._rng.getrandbits(32)
        r, acc, kind = self._rng.random(), 0.0, self.spec.kinds[-1][0]
        for k, p in self.spec.kinds:
            acc += p
            if r < acc:
                kind = k
                break
        schemes = self.spec.close_schemes
        scheme = schemes[(self.ads_shown + 1) % len(schemes)]  # every style in turn
        self._pending_args = (ad_seed, kind, scheme)
        self._next = self._pool_exec.submit(render_ad, random.Random(ad_seed), self.pool, self.size, kind, scheme)

    def advance(self) -> None:
        with self._lock:
            t = self.now()
            if self.ad is None and t >= self.next_ad_at and self._next is not None and self._next.done():
                self._show(self._next.result(), t)
            elif self.ad is not None and self.spec.give_up_s and t >= self.ad_shown_at + self.spec.give_up_s:
                self._dismiss(t, "timeout")
            elif self.ad is not None and self.phase_switch_at is not None and t >= self.phase_switch_at:
                self.phase += 1
                self.phase_switch_at = None
                self.version += 1
                ph = self.ad.phases[self.phase]
                self.events.emit("ad_changed", ad_id=self.ad_id, close=_l(ph.close), skip=_l(ph.skip))

    def resize(self, size: tuple[int, int]) -> None:
        """The display turned: everything is drawn again at the new size (the current ad with its own seed)."""
        with self._lock:
            if size == self.size:
                return
            self.size = size
            self.game = render_game(random.Random(self.seed * 7919 + 1), self.pool, size)
            self.store = render_store(random.Random(self.seed * 7919 + 2), self.pool, size)
            self.version += 1
            self.events.emit("resized", width=size[0], height=size[1])
            if self.ad is not None and self._ad_args is not None:
                ad_seed, kind, scheme = self._ad_args
                self.ad = render_ad(random.Random(ad_seed), self.pool, size, kind, scheme)
                self.phase = min(self.phase, len(self.ad.phases) - 1)
                ph = self.ad.phases[self.phase]
                self.events.emit(
                    "ad_changed", ad_id=self.ad_id, close=_l(ph.close), skip=_l(ph.skip), body=list(self.ad.body)
                )
            if self._next is not None and self._pending_args is not None:
                self._next.cancel()
                ad_seed, kind, scheme = self._pending_args
                self._next = self._pool_exec.submit(render_ad, random.Random(ad_seed), self.pool, size, kind, scheme)

    def _show(self, ad: Ad, t: float) -> None:
        self._ad_args = self._pending_args
        self.ad_id += 1
        self.ads_shown += 1
        self.ad, self.phase, self.ad_shown_at = ad, 0, t
        self.phase_switch_at = t + self._rng.uniform(*self.spec.countdown_s) if len(ad.phases) > 1 else None
        self.version += 1
        ph = ad.phases[0]
        self.events.emit(
            "ad_shown",
            ad_id=self.ad_id,
            close=_l(ph.close),
            skip=_l(ph.skip),
            kind=ad.kind,
            layout=ad.layout,
            close_style=ad.close_style,
            body=list(ad.body),
        )
        self._prefetch()

    # ------------------------------------------------------------------------------------------------- input
    def tap(self, x: float, y: float) -> str:
        with self._lock:
            self.advance()
            hit = "none"
            if self.store_open:
                hit = "store"
            elif self.ad is not None:
                ph = self.ad.phases[self.phase]
                if _inside(ph.close, x, y):
                    hit = "decoy" if self.spec.fake_close else "close"
                elif _inside(ph.skip, x, y):
                    hit = "skip"
                elif _inside(self.ad.body, x, y):
                    hit = "ad_body"
            self.events.emit("tap", x=round(x, 1), y=round(y, 1), hit=hit, ad_id=self.ad_id if self.ad else None)
            if hit in ("close", "skip"):
                self._dismiss(self.now(), hit)
            elif hit in ("ad_body", "decoy"):
                self.store_open = True
                self.version += 1
                self.events.emit("store_opened", ad_id=self.ad_id)
            return hit

    def _dismiss(self, t: float, by: str) -> None:
        self.events.emit("ad_closed", ad_id=self.ad_id, by=by, after_s=round(t - self.ad_shown_at, 3))
        self.ad = None
        self.phase_switch_at = None
        self.next_ad_at = t + self._rng.uniform(*self.spec.gap_s)
        self.version += 1

    def swipe(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.events.emit("swipe", x1=x1, y1=y1, x2=x2, y2=y2)

    def back(self) -> None:
        with self._lock:
            was_store = self.store_open
            self.store_open = False
            if was_store:
                self.version += 1
            self.events.emit("back", closed_store=was_store)

    # ------------------------------------------------------------------------------------------------ output
    def frame(self) -> tuple[int, Image.Image]:
        with self._lock:
            self.advance()
            if self.store_open:
                return self.version, self.store
            if self.ad is not None:
                return self.version, self.ad.phases[self.phase].image
            return self.version, self.game

    def focused(self) -> str:
        with self._lock:
            return STORE_ACTIVITY if self.store_open else GAME_ACTIVITY

    def close(self) -> None:
        self._pool_exec.shutdown(wait=False, cancel_futures=True)
        self.events.emit("stop")
        self.events.close()


def _l(box: tuple[int, int, int, int] | None) -> list[int] | None:
    return list(box) if box is not None else None
