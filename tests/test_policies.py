import pytest

from detector.types import Box, Detection
from policies.decide import PolicyConfig, decide, text_overlap

CFG = PolicyConfig(close_threshold=0.6, skip_threshold=0.6, close_over_text_threshold=0.9, ja_overlap=0.3)
CLOSE = Detection(Box(900, 100, 960, 160), "close", 0.8)
WEAK_CLOSE = Detection(Box(900, 100, 960, 160), "close", 0.5)
SKIP = Detection(Box(800, 2000, 1000, 2080), "skip", 0.95)
JA = Detection(Box(905, 105, 955, 155), "ja_char", 0.99)


@pytest.mark.parametrize(
    ("dets", "expected"),
    [
        ([], None),
        ([JA], None),  # Japanese text is never a target, whatever its score
        ([WEAK_CLOSE], None),  # under the close threshold
        ([CLOSE], ("close", 930, 130)),
        ([SKIP], ("skip", 900, 2040)),
        ([SKIP, CLOSE], ("close", 930, 130)),  # close beats skip even when skip scores higher
        ([SKIP, WEAK_CLOSE], None),  # a close just under its threshold blocks the skip (rule 5)
        ([SKIP, Detection(CLOSE.box, "close", 0.29)], ("skip", 900, 2040)),  # a faint one does not
        ([SKIP, Detection(CLOSE.box, "close", 0.3)], None),  # the bound is inclusive
        ([CLOSE, JA], None),  # a close on Japanese text needs 0.9
        ([Detection(CLOSE.box, "close", 0.92), JA], ("close", 930, 130)),
        ([CLOSE, Detection(Box(0, 0, 10, 10), "close", 0.99)], ("close", 5, 5)),  # the best close wins
    ],
)
def test_decide(dets, expected):
    tap = decide(dets, CFG)
    if expected is None:
        assert tap is None
    else:
        assert (tap.label, tap.x, tap.y) == expected


def test_text_overlap_fraction():
    assert text_overlap(Box(0, 0, 10, 10), [Box(0, 0, 5, 10)]) == pytest.approx(0.5)
    assert text_overlap(Box(0, 0, 10, 10), [Box(20, 20, 30, 30)]) == 0.0
    assert text_overlap(Box(0, 0, 10, 10), [Box(0, 0, 10, 10), Box(0, 0, 10, 10)]) == 1.0


def test_close_blocks_skip_can_be_turned_off():
    off = PolicyConfig(close_threshold=0.6, skip_threshold=0.6, close_blocks_skip=1.0)
    tap = decide([SKIP, WEAK_CLOSE], off)
    assert tap is not None and tap.label == "skip"
