"""Count and number flags out of range stop a command before it loads anything: exit status 2 and a message naming
the flag. Each case below did something worse before (2026-12-06): wrote an empty, a "-3 screens" or a "-2 train + 6
val screens" data set, judged all but the last screen, trained nothing and exited 0, ran a demo of -5 s, or ended in a
traceback."""

from __future__ import annotations

import argparse

import pytest

from agent.arguments import at_least, number_in, off_or_at_least
from agent.cli import main


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
        (["synth", "--out", "x", "--n", "4", "--val-fraction", "1.5"], "--val-fraction: must be from 0 to 1, got 1.5"),
        (["synth", "--out", "x", "--n", "4", "--close-pills", "3"], "--close-pills: must be from 0 to 1, got 3"),
        (["synth", "--out", "x", "--n", "4", "--condensed-x", "-0.5"], "--condensed-x: must be from 0 to 1, got -0.5"),
        (["synth", "--out", "x", "--n", "4", "--raised-x", "2"], "--raised-x: must be from 0 to 1, got 2"),
        (["train", "--data", "x", "--out", "y", "--lr", "0"], "argument --lr: must be more than 0, got 0"),
        (["demo", "--seconds", "-5"], "argument --seconds: must be more than 0, got -5"),
        (["run", "--device", "x", "--duration", "0"], "argument --duration: must be more than 0, got 0"),
        (["sim", "--seconds", "-1"], "argument --seconds: must be at least 0, got -1"),
        (["train", "--data", "x", "--out", "y", "--workers", "-1"], "argument --workers: must be 0 or more, got -1"),
        (["merge-verifiers", "a", "b", "--out", "y", "--long-from", "0.5"], "--long-from: must be 0 (off) or at least"),
    ],
)
def test_a_count_out_of_range_stops_the_command_with_status_2(argv, message, capsys):
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    assert message in capsys.readouterr().err


def test_at_least_takes_its_bound_and_above():
    parse = at_least(1)
    assert parse("1") == 1 and parse("40") == 40
    with pytest.raises(argparse.ArgumentTypeError, match="must be 1 or more, got 0"):
        parse("0")
    assert at_least(0)("0") == 0


def test_off_or_at_least_takes_zero_and_its_bound_and_above():
    parse = off_or_at_least(1)
    assert parse("0") == 0 and parse("1") == 1 and parse("2.5") == 2.5
    for bad in ("0.5", "-1", "nan"):
        with pytest.raises(argparse.ArgumentTypeError, match="must be 0 \\(off\\) or at least 1"):
            parse(bad)


def test_number_in_takes_its_range_and_refuses_nan():
    share = number_in(0, 1)
    assert share("0") == 0 and share("1") == 1 and share("0.25") == 0.25
    for bad in ("-0.1", "1.01", "nan"):
        with pytest.raises(argparse.ArgumentTypeError, match="must be from 0 to 1"):
            share(bad)
    with pytest.raises(argparse.ArgumentTypeError, match="must be more than 0, got 0"):
        number_in(0, above=True)("0")


@pytest.mark.parametrize(
    "argv_of",
    [
        lambda out: ["eval", "--data", "x", "--report", str(out / "report.json")],
        lambda out: ["eval", "--data", "x", "--sheet", str(out / "sheet.png")],
        lambda out: ["train", "--data", "x", "--out", str(out / "ssd.pt")],
        lambda out: ["train-verifier", "--data", "x", "--out", str(out / "v.pt")],
        lambda out: ["merge-verifiers", "a.pt", "b.pt", "--out", str(out / "v.pt")],
        lambda out: ["detect", "screen.png", "--out", str(out)],
        lambda out: ["synth", "--out", str(out), "--n", "2", "--allow-thin-assets"],
        lambda out: ["harvest", "runs/x", "--out", str(out)],
        lambda out: ["review", "x", "--html", str(out / "review.html")],
        lambda out: ["demo", "--run-dir", str(out)],
        lambda out: ["run", "--device", "x", "--run-dir", str(out)],
        lambda out: ["prove-loop", "--work", str(out)],
    ],
)
def test_an_output_that_could_not_be_written_fails_before_any_work(argv_of, tmp_path, capsys):
    """A --report, --sheet or --out under a regular file (so its folder cannot be made) is refused first, naming the
    flag: before the data set "x" is read, the model loads or training starts, not after them with a traceback."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    argv = argv_of(blocker / "sub")
    assert main(argv) == 1
    err = capsys.readouterr().err
    flag = next(a for a in argv if a in ("--report", "--sheet", "--out", "--html", "--run-dir", "--work"))
    assert f"closebot: error: {flag} {blocker / 'sub'}" in err and "cannot make the folder" in err


def test_an_output_file_that_is_a_folder_is_refused(tmp_path, capsys):
    (tmp_path / "report.json").mkdir()
    assert main(["eval", "--data", "x", "--report", str(tmp_path / "report.json")]) == 1
    assert "is a folder, not a file" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["run", "--device", "x"], ["demo"]])
def test_the_configs_run_dir_is_made_room_for_before_the_model_loads(command, tmp_path, capsys):
    """Without --run-dir, run and demo record into agent.run_dir: a folder that cannot be made stops them first,
    naming the key (the weights file here does not exist: the model never loads)."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"detector:\n  weights: {tmp_path / 'none.pt'}\nagent:\n  run_dir: {blocker / 'runs'}\n")
    assert main([*command, "--config", str(cfg)]) == 1
    err = capsys.readouterr().err
    assert f"closebot: error: agent.run_dir {blocker / 'runs'}: cannot make the folder" in err
