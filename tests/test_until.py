"""The test helper that bounds daemon runs by what happened (tests/until.py): reading a log still being written."""

import json

import pytest

from tests.until import events_so_far


def test_events_so_far_leaves_out_only_a_line_being_written(tmp_path):
    log = tmp_path / "phone.jsonl"
    assert events_so_far(log) == []  # the phone has not written yet
    log.write_text(json.dumps({"event": "ad_shown", "t": 1.0}) + "\n" + '{"event": "ad_clo')
    assert events_so_far(log) == [{"event": "ad_shown", "t": 1.0}]
    log.write_text('{"event": "ad_clo\n' + json.dumps({"event": "tap", "t": 2.0}) + "\n")
    with pytest.raises(json.JSONDecodeError):  # a damaged line before the last is a real fault, not a race
        events_so_far(log)
