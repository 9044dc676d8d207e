import math

from detector.evaluate import average_precision, match
from detector.types import Box, Detection, GroundTruth


def test_average_precision_exact():
    assert average_precision([(0.9, True), (0.8, False), (0.7, True)], 2) == 0.5 * 1.0 + 0.5 * (2 / 3)
    assert average_precision([(0.9, True)], 2) == 0.5
    assert average_precision([(0.5, False), (0.9, True), (0.8, True)], 2) == 1.0  # sorted by score first
    assert average_precision([], 3) == 0.0
    assert math.isnan(average_precision([(0.9, False)], 0))


def test_match_each_truth_once():
    gt = (GroundTruth(Box(0, 0, 10, 10), "close"),)
    dets = [
        Detection(Box(0, 0, 10, 10), "close", 0.9),
        Detection(Box(1, 0, 11, 10), "close", 0.8),
        Detection(Box(0, 0, 10, 10), "skip", 0.99),
    ]
    assert match(dets, gt, "close") == [(0.9, True), (0.8, False)]
    assert match(dets, gt, "skip") == [(0.99, False)]
