"""What the command line takes, checked before a command does any work: counts and numbers in range (argparse types,
so a bad one stops the command with exit status 2 naming the flag), "AxB" pairs, and room made for what a command
will write (a folder that cannot be made or written stops it before a model loads, not after the work)."""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path

from detector.errors import ClosebotError


def at_least(least: int):
    """An argparse type: an integer of ``least`` or more, so that a count out of range stops the command before it
    loads anything, with exit status 2 and a message naming the flag (``argument --n: must be 1 or more, got -3``)
    instead of an empty data set, a silently shortened one (``--limit -1`` dropped the last screen) or a traceback."""

    def parse(text: str) -> int:
        value = int(text)  # a ValueError: argparse says "invalid <name> value: 'x'"
        if value < least:
            raise argparse.ArgumentTypeError(f"must be {least} or more, got {value}")
        return value

    parse.__name__ = f"integer >= {least}"
    return parse


def number_in(low: float, high: float = math.inf, above: bool = False):
    """An argparse type: a number from ``low`` (or, with ``above``, over it) to ``high``, checked like
    :func:`at_least` (``argument --val-fraction: must be from 0 to 1, got 1.5``)."""
    want = (f"more than {low:g}" if above else f"at least {low:g}") if high == math.inf else f"from {low:g} to {high:g}"

    def parse(text: str) -> float:
        value = float(text)
        if math.isnan(value) or (value <= low if above else value < low) or value > high:
            raise argparse.ArgumentTypeError(f"must be {want}, got {value:g}")
        return value

    parse.__name__ = "number"
    return parse


def off_or_at_least(least: float):
    """An argparse type: 0 (the option off) or a number of ``least`` or more, checked like :func:`at_least`
    (``argument --long-only: must be 0 (off) or at least 1, got 0.5``)."""

    def parse(text: str) -> float:
        value = float(text)
        if value != 0 and not value >= least:  # NaN too
            raise argparse.ArgumentTypeError(f"must be 0 (off) or at least {least:g}, got {value:g}")
        return value

    parse.__name__ = "number"
    return parse


def make_room(flag: str, path: Path | str | None, folder: bool = False) -> None:
    """Fail now, before a model loads or a long run starts, when ``path`` (a file to write, or with ``folder`` a
    folder to write into) could not be written at the end: its folder is made here and must be writable."""
    if not path:
        return
    path = Path(path)
    where = path if folder else path.parent
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ClosebotError(f"{flag} {path}: cannot make the folder {where} ({e.strerror or e})") from None
    if not os.access(where, os.W_OK):
        raise ClosebotError(f"{flag} {path}: the folder {where} is not writable")
    if not folder and path.is_dir():
        raise ClosebotError(f"{flag} {path}: is a folder, not a file")


def int_pair(value: str, sep: str, flag: str, shape: str) -> tuple[int, int]:
    """``value`` as two integers separated by ``sep`` (``--size 1080x2400``, ``--close-px 24-150``)."""
    try:
        a, b = (int(v) for v in value.lower().split(sep))
    except ValueError:
        raise ClosebotError(f"{flag} {value!r}: expected {shape}") from None
    return a, b
