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


def test_eval_cli_report_holds_the_numbers_and_the_sweep(tmp_path, tiny_dataset, tiny_weights, capsys):
    import json

    from agent.cli import main

    report = tmp_path / "report.json"
    args = ["eval", "--data", str(tiny_dataset), "--weights", str(tiny_weights), "--verifier", "none"]
    assert main([*args, "--quiet", "--sweep", "--json", "--report", str(report)]) == 0
    printed = json.loads(capsys.readouterr().out)
    data = json.loads(report.read_text())
    assert data["screens"] > 0 and set(data["ap"]) == {"close", "skip", "ja_char"}
    assert [r["threshold"] for r in data["sweep"]] == [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    assert data == printed  # the file holds what --json printed, sweep included
    assert main([*args, "--quiet", "--report", str(report)]) == 0
    assert "sweep" not in json.loads(report.read_text())


def test_taps_are_judged_on_what_the_daemon_sees_and_ap_on_everything(tmp_path):
    from pathlib import Path

    from detector.evaluate import score
    from detector.voc import VocItem
    from policies.decide import PolicyConfig

    close = GroundTruth(Box(900, 100, 1000, 200), "close")
    item = VocItem("s1", Path("s1.jpg"), 1080, 2400, (close,))
    shown = [Detection(Box(900, 100, 1000, 200), "close", 0.8)]
    # a faint ja_char over the close that the daemon never sees (under min_score): seen by the policy, the close
    # would need close_over_text_threshold (0.9)
    faint = [Detection(Box(890, 90, 1010, 210), "ja_char", 0.1)]
    everything = score([item], [shown + faint], PolicyConfig())
    deployed = score([item], [shown], PolicyConfig(), below=[faint])
    assert (everything.tap_success, everything.misses) == (0.0, 1)
    assert (deployed.tap_success, deployed.misses) == (1.0, 0)
    assert deployed.ap["close"] == everything.ap["close"] == 1.0
    # the faint boxes count for AP: a faint close on nothing lowers it
    stray = [Detection(Box(0, 0, 50, 50), "close", 0.15), Detection(Box(100, 500, 200, 600), "close", 0.1)]
    lower = score([item], [shown], PolicyConfig(), below=[stray])
    assert lower.tap_success == 1.0 and lower.ap["close"] == 1.0  # still found first
    missed = score([item], [[]], PolicyConfig(), below=[[stray[0], Detection(close.box, "close", 0.12)]])
    assert missed.tap_success == 0.0 and 0.0 < missed.ap["close"] < 1.0


def test_the_failure_list_puts_false_taps_before_misses():
    from pathlib import Path

    from detector.evaluate import score
    from detector.voc import VocItem
    from policies.decide import PolicyConfig

    close = (GroundTruth(Box(900, 100, 1000, 200), "close"),)
    items = [VocItem(f"s{i}", Path(f"s{i}.jpg"), 1080, 2400, close if i < 3 else ()) for i in range(4)]
    stray = [Detection(Box(10, 10, 60, 60), "close", 0.95)]  # a tap on screen s3, which has no target
    report = score(items, [[], [], [], stray], PolicyConfig(), max_failures=2)
    assert [f["image"] for f in report.failures] == ["s3", "s0"]
    assert [f["kind"] for f in report.failures] == ["false_tap", "miss"]


def test_japanese_text_screens_are_clean_per_lower_threshold_and_per_class():
    from pathlib import Path

    from detector.evaluate import score
    from detector.voc import VocItem
    from policies.decide import PolicyConfig

    text = (GroundTruth(Box(100, 500, 160, 560), "ja_char"),)
    items = [VocItem(f"s{i}", Path(f"s{i}.jpg"), 1080, 2400, text) for i in range(4)]
    policy = PolicyConfig(close_threshold=0.6, skip_threshold=0.8)
    dets = [
        [],
        [Detection(Box(100, 500, 160, 560), "skip", 0.7)],  # over 0.6, under the skip threshold: no tap
        [Detection(Box(100, 500, 160, 560), "close", 0.65)],  # a close at its tap threshold
        [Detection(Box(100, 500, 160, 560), "close", 0.5)],  # under both
    ]
    report = score(items, dets, policy)
    assert report.ja_no_target_screens == 4
    assert report.ja_no_target_clean == 0.5  # s1 and s2 reach 0.6
    assert report.ja_no_target_clean_per_class == 0.75  # only s2 reaches its own class's threshold


def test_close_recall_by_size_buckets_each_close_by_its_side_at_1080_px():
    from pathlib import Path

    from detector.evaluate import SIZE_BUCKETS, score, size_bucket
    from detector.voc import VocItem
    from policies.decide import PolicyConfig

    assert SIZE_BUCKETS == ("< 32", "32-48", "48-72", "72-110", ">= 110")
    # a 30-px close on 1080x2400 is "< 32"; the same button drawn 40 px on 1440x3120 is 30 px at 1080 too;
    # 48 px starts the next bucket; a landscape 2400x1080 screen scales by its height
    assert size_bucket(GroundTruth(Box(0, 0, 30, 20), "close"), 1080, 2400) == "< 32"
    assert size_bucket(GroundTruth(Box(0, 0, 40, 40), "close"), 1440, 3120) == "< 32"
    assert size_bucket(GroundTruth(Box(0, 0, 48, 48), "close"), 1080, 2400) == "48-72"
    assert size_bucket(GroundTruth(Box(0, 0, 200, 200), "close"), 2400, 1080) == ">= 110"
    small, big = GroundTruth(Box(10, 10, 35, 35), "close"), GroundTruth(Box(900, 100, 1020, 220), "close")
    items = [VocItem(f"s{i}", Path(f"s{i}.jpg"), 1080, 2400, (small, big)) for i in range(2)]
    found = [Detection(big.box, "close", 0.9)]  # the big close found on both screens, the small one once
    report = score(items, [found + [Detection(small.box, "close", 0.9)], found], PolicyConfig())
    assert report.close_recall_by_size == {"< 32": [0.5, 2.0], ">= 110": [1.0, 2.0]}
    assert "close recall by size" in report.table() and "< 32" in report.table()


def test_a_square_around_a_point_stays_inside_the_screen():
    from detector.tiling import Tile

    # the failure sheet's crops (486 px = 0.45 of a 1080-px screen), the harvest's and the closer look's squares
    assert Tile.square_around(540, 1200, 486, 1080, 2400) == Tile.square(297, 957, 486)
    assert Tile.square_around(1070, 20, 486, 1080, 2400) == Tile.square(594, 0, 486)  # a top-right close
    assert Tile.square_around(10, 2390, 486, 1080, 2400) == Tile.square(0, 1914, 486)
    assert Tile.square_around(150, 100, 486, 300, 200) == Tile.square(50, 0, 200)  # never larger than the screen


def test_failure_sheet_rings_the_tap_and_boxes_the_targets():
    import numpy as np
    import pytest

    from detector.render import TAP_RGB, TARGET_RGB, SheetCell, failure_sheet

    screen = np.full((2400, 1080, 3), 128, np.uint8)
    close = GroundTruth(Box(900, 100, 1000, 200), "close")
    wrong = SheetCell(screen, (close,), (500, 1200), "s1 false_tap: close 0.90")
    missed = SheetCell(screen, (close,), None, "s2 miss: no tap")
    sheet = failure_sheet([wrong, missed], cell_px=320, cols=4)
    bar, gap = 24, 4
    assert sheet.shape == (bar + 320, 4 * 320 + 3 * gap, 3)

    def cell(k: int) -> np.ndarray:
        return sheet[bar:, k * (320 + gap) : k * (320 + gap) + 320]

    def has(img: np.ndarray, rgb: tuple[int, int, int]) -> bool:
        return bool(np.any(np.all(np.abs(img.astype(int) - rgb) <= 40, axis=-1)))

    # the wrong tap's crop is centred on the tap (mid-screen, away from the close): the ring, no target box
    assert has(cell(0), TAP_RGB) and not has(cell(0), TARGET_RGB)
    # the miss's crop is centred on the close it missed: its box, no ring
    assert has(cell(1), TARGET_RGB) and not has(cell(1), TAP_RGB)
    assert not has(cell(2), TAP_RGB) and not has(cell(2), TARGET_RGB)  # padding
    with pytest.raises(ValueError):
        failure_sheet([])


def test_eval_cli_sheet_shows_each_failure(tmp_path, tiny_dataset, tiny_weights, capsys):
    import json

    import cv2

    from agent.cli import main

    report, sheet = tmp_path / "report.json", tmp_path / "sheet.png"
    args = ["eval", "--data", str(tiny_dataset), "--weights", str(tiny_weights), "--verifier", "none", "--quiet"]
    assert main([*args, "--report", str(report), "--sheet", str(sheet)]) == 0
    failures = json.loads(report.read_text())["failures"]
    assert failures, "the tiny untrained model misses the tiny set's targets"
    img = cv2.imread(str(sheet))
    rows = -(-len(failures) // 4)
    assert img.shape == (rows * (24 + 320) + (rows - 1) * 4, 4 * 320 + 3 * 4, 3)  # four cells a row, blanks after
    wrong = sum(f["kind"] != "miss" for f in failures)
    assert f"{wrong} wrong taps, {len(failures) - wrong} misses" in capsys.readouterr().err


def test_failure_cells_read_each_screen_and_put_the_close_first(tmp_path):
    import cv2
    import numpy as np

    from detector.evaluate import failure_cells, score
    from detector.voc import VocItem
    from policies.decide import PolicyConfig

    skip = GroundTruth(Box(800, 2000, 1000, 2080), "skip")
    close = GroundTruth(Box(900, 100, 1000, 200), "close")
    text = GroundTruth(Box(100, 900, 140, 940), "ja_char")
    paths = [tmp_path / f"s{i}.png" for i in range(2)]
    for p in paths:
        cv2.imwrite(str(p), np.zeros((2400, 1080, 3), np.uint8))
    items = [VocItem("s0", paths[0], 1080, 2400, (skip, close, text)), VocItem("s1", paths[1], 1080, 2400, ())]
    stray = [Detection(Box(10, 10, 60, 60), "close", 0.95)]  # a tap on s1, which has no target
    report = score(items, [[], stray], PolicyConfig())
    cells = failure_cells(report.failures, items)
    assert not isinstance(cells, list)  # a generator: one screen in memory at a time
    wrong, missed = list(cells)
    assert (wrong.caption, wrong.tap, wrong.targets) == ("s1 false_tap: close 0.95", (35, 35), ())
    assert (missed.caption, missed.tap, missed.targets) == ("s0 miss: no tap", None, (close, skip))
    assert missed.image.shape == (2400, 1080, 3)
