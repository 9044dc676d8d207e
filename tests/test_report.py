"""agent.report: reading the simulated phone's event log, also while it is being written."""

import json

import pytest

from agent.report import read_events


def test_read_events_live_leaves_out_only_a_line_being_written(tmp_path):
    log = tmp_path / "phone.jsonl"
    assert read_events(log, live=True) == []  # the phone has not written yet
    with pytest.raises(FileNotFoundError):
        read_events(log)  # after a run, a missing log is an error
    log.write_text(json.dumps({"event": "ad_shown", "t": 1.0}) + "\n" + '{"event": "ad_clo')
    assert read_events(log, live=True) == [{"event": "ad_shown", "t": 1.0}]
    with pytest.raises(json.JSONDecodeError):
        read_events(log)  # a finished log with a broken line is damaged
    log.write_text('{"event": "ad_clo\n' + json.dumps({"event": "tap", "t": 2.0}) + "\n")
    with pytest.raises(json.JSONDecodeError):  # a damaged line before the last is a real fault, not a race
        read_events(log, live=True)
