"""``closebot sim``: run one simulated phone until SIGINT/SIGTERM (or ``--seconds``)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from dataclasses import dataclass

from agent.sim.phone import Display, Faults, SimPhone, run_phone
from agent.sim.scenario import SCENARIOS, Scenario

log = logging.getLogger(__name__)

SIZES = {"720x1600": (720, 1600), "1080x2400": (1080, 2400), "1440x3120": (1440, 3120)}


@dataclass(frozen=True)
class SimOptions:
    port: int = 0
    scenario: str = "default"
    events: str | None = None
    seed: int = 0
    size: tuple[int, int] = (1080, 2400)
    rotation: int = 0
    override: tuple[int, int] | None = None
    seconds: float = 0.0  # 0: until a signal
    faults: Faults = Faults()


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"size {text!r} is not WIDTHxHEIGHT") from None
    if not (100 <= w <= 5000 and 100 <= h <= 5000):
        raise ValueError(f"size {text!r} is out of range (100..5000 per side)")
    return w, h


def parse_at(text: str, what: str) -> tuple[float, str]:
    t, sep, value = text.partition(":")
    try:
        if not sep:
            raise ValueError
        return float(t), value
    except ValueError:
        raise ValueError(f"{what} {text!r} is not SECONDS:VALUE") from None


def build_phone(opts: SimOptions) -> SimPhone:
    from detector.synth.assets import load_pool

    if opts.scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {opts.scenario!r}; known: {', '.join(SCENARIOS)}")
    display = Display(physical=opts.size, override=opts.override, rotation=opts.rotation)
    pool = load_pool("val")
    scenario = Scenario(SCENARIOS[opts.scenario], display.screen_size(), pool, opts.seed, opts.events)
    return SimPhone(scenario, display, faults=opts.faults)


def main(opts: SimOptions) -> int:
    phone = build_phone(opts)

    async def go() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        if opts.seconds:
            loop.call_later(opts.seconds, stop.set)
        task = asyncio.create_task(run_phone(phone, opts.port, stop=stop))
        while not hasattr(phone, "port") and not task.done():
            await asyncio.sleep(0.01)
        if task.done():
            task.result()  # raises the bind error
        w, h = phone.display.screen_size()
        print(f"closebot sim: listening on 127.0.0.1:{phone.port} ({w}x{h}, scenario {opts.scenario})", flush=True)
        await task

    try:
        asyncio.run(go())
    except OSError as e:
        print(f"closebot sim: cannot listen on 127.0.0.1:{opts.port}: {e.strerror}", file=sys.stderr)
        return 1
    finally:
        phone.scenario.close()
    return 0
