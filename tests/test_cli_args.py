"""Count flags out of range stop a command before it loads anything: exit status 2 and a message naming the flag.
Each case below did something worse before (2026-12-06): wrote an empty or a "-3 screens" data set, judged all but
the last screen, trained nothing and exited 0, or ended in a traceback."""

from __future__ import annotations

import argparse

import pytest

from agent.cli import _at_least, main


@pytest.mark.parametrize(
    "argv, message",
    [
        (["synth", "--out", "x", "--n", "-3"], "argument --n: must be 1 or more, got -3"),
        (["synth", "--out", "x", "--n", "0"], "argument --n: must be 1 or more, got 0"),
        (["eval", "--data", "x", "--limit", "-1"], "argument --limit: must be 0 or more, got -1"),
        (["promote", "new.pt", "--data", "x", "--limit", "-1"], "argument --limit: must be 0 or more, got -1"),
        (["train", "--data", "x", "--out", "y", "--epochs", "0"], "argument --epochs: must be 1 or more, got 0"),
        (["train", "--data", "x", "--out", "y", "--screens-per-batch", "0"], "--screens-per-batch: must be 1 or more"),
        (["train-verifier", "--data", "x", "--out", "y", "--epochs", "0"], "argument --epochs: must be 1 or more"),
        (["quantize", "--data", "x", "--screens", "0"], "argument --screens: must be 1 or more, got 0"),
        (["bench", "--frames", "0"], "argument --frames: must be 1 or more, got 0"),
        (["bench", "--template-frames", "0"], "argument --template-frames: must be 1 or more, got 0"),
        (["prove-loop", "--steps", "0"], "argument --steps: must be 1 or more, got 0"),
        (["train", "--data", "x", "--out", "y", "--epochs", "ten"], "argument --epochs: invalid integer >= 1 value"),
    ],
)
def test_a_count_out_of_range_stops_the_command_with_status_2(argv, message, capsys):
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    assert message in capsys.readouterr().err


def test_at_least_takes_its_bound_and_above():
    parse = _at_least(1)
    assert parse("1") == 1 and parse("40") == 40
    with pytest.raises(argparse.ArgumentTypeError, match="must be 1 or more, got 0"):
        parse("0")
    assert _at_least(0)("0") == 0
