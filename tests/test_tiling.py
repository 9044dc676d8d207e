import pytest

from detector.tiling import Tile, axis_positions, merge_detections, plan_tiles, scaled_tile, strip_across
from detector.types import Box, Detection


@pytest.mark.parametrize(
    ("size", "n", "side", "xs", "ys"),
    [
        ((1080, 2400), 21, 480, [0, 300, 600], [0, 320, 640, 960, 1280, 1600, 1920]),
        ((720, 1600), 24, 320, [0, 200, 400], [0, 183, 366, 549, 731, 914, 1097, 1280]),
        ((1440, 3120), 21, 640, [0, 400, 800], [0, 413, 827, 1240, 1653, 2067, 2480]),
        ((2400, 1080), 21, 480, [0, 320, 640, 960, 1280, 1600, 1920], [0, 300, 600]),
    ],
)
def test_square_tile_plans(size, n, side, xs, ys):
    tiles = plan_tiles(*size, 480, 160)  # squares (the default) of the training tile; exact numbers
    assert len(tiles) == n
    assert {(t.w, t.h) for t in tiles} == {(side, side)}
    assert sorted({t.x for t in tiles}) == xs
    assert sorted({t.y for t in tiles}) == ys


@pytest.mark.parametrize(
    ("size", "tile", "w", "h", "xs", "ys"),
    [
        ((1080, 2400), 720, 1080, 720, [0], [0, 560, 1120, 1680]),  # tile_shape: strip at 1080x2400
        ((720, 1600), 720, 720, 480, [0], [0, 280, 560, 840, 1120]),  # overlap 107 (160 scaled) needs 5
        ((1440, 3120), 720, 1440, 960, [0], [0, 720, 1440, 2160]),
        ((2400, 1080), 720, 720, 1080, [0, 560, 1120, 1680], [0]),  # landscape: full-height strips
        ((1080, 2400), 480, 1080, 480, [0], [0, 320, 640, 960, 1280, 1600, 1920]),
        ((300, 500), 720, 300, 200, [0], [0, 150, 300]),
    ],
)
def test_strip_plans(size, tile, w, h, xs, ys):
    tiles = plan_tiles(*size, tile, 160, shape="strip")  # exact numbers
    assert {(t.w, t.h) for t in tiles} == {(w, h)}
    assert sorted({t.x for t in tiles}) == xs and sorted({t.y for t in tiles}) == ys
    assert len(tiles) == len(xs) * len(ys)


@pytest.mark.parametrize(
    "short, scale, across",
    [(1080, 0.6, 672), (720, 0.9, 672), (1440, 0.45, 672), (1080, 288 / 480, 672), (1000, 0.64, 640), (10, 0.6, 32)],
)
def test_a_strip_is_whole_cells_across(short, scale, across):
    """The short side at the training scale, raised to whole 32-px cells (1080 x 0.6 = 648.0000001 is 21 cells)."""
    assert strip_across(short, scale, 32) == across


def test_a_screen_shorter_than_a_strip_is_one_tile():
    assert plan_tiles(300, 500, 720, 160, False, "strip") == [Tile(0, 0, 300, 500)]
    assert plan_tiles(500, 300, 720, 160, False, "strip") == [Tile(0, 0, 500, 300)]


def test_unknown_shape_is_refused():
    with pytest.raises(ValueError, match="hexagon"):
        plan_tiles(1080, 2400, 720, 160, shape="hexagon")


@pytest.mark.parametrize("shape", ["strip", "square"])
@pytest.mark.parametrize("tile", [480, 720])  # the training tile and the shipped one
@pytest.mark.parametrize("size", [(720, 1600), (1080, 2400), (1440, 3120), (2400, 1080), (1080, 1920), (300, 500)])
def test_every_pixel_covered_and_largest_target_whole_somewhere(size, tile, shape):
    w, h = size
    tiles = plan_tiles(w, h, tile, 160, shape=shape)
    side, overlap = scaled_tile(w, h, tile, 160)
    # coverage: last tile flush with the far edges
    assert max(t.x + t.w for t in tiles) >= w and max(t.y + t.h for t in tiles) >= h
    assert min(t.x for t in tiles) == 0 and min(t.y for t in tiles) == 0
    if shape == "strip":  # strips never reach past the screen
        assert max(t.x + t.w for t in tiles) == w and max(t.y + t.h for t in tiles) == h
    # a target of `overlap` px anywhere lies whole inside at least one tile
    for x in range(0, max(1, w - overlap), 37):
        for y in range(0, max(1, h - overlap), 53):
            assert any(t.x <= x and t.y <= y and x + overlap <= t.x + t.w and y + overlap <= t.y + t.h for t in tiles)


def test_axis_positions_edge_cases():
    assert axis_positions(400, 480, 160) == [0]
    assert axis_positions(481, 480, 160) == [0, 1]
    with pytest.raises(ValueError):
        axis_positions(1000, 100, 100)


def test_button_split_across_two_tiles_is_one_detection():
    # A close at x 280-340 straddles tile 0 (0-480) and tile 1 (300-780). Tile 0 sees it whole; tile 1 only its right
    # part (300-340), a box mostly contained in the whole one: one detection survives, the best one.
    whole = Detection(Box(280, 100, 340, 160), "close", 0.93)
    part = Detection(Box(300, 100, 340, 160), "close", 0.71)
    other_class = Detection(Box(300, 100, 340, 160), "ja_char", 0.5)
    merged = merge_detections([part, whole, other_class])
    assert merged == [whole, other_class]


def test_merge_keeps_separate_buttons():
    a = Detection(Box(0, 0, 50, 50), "close", 0.9)
    b = Detection(Box(100, 0, 150, 50), "close", 0.8)
    dup = Detection(Box(2, 1, 52, 51), "close", 0.85)
    assert merge_detections([a, b, dup]) == [a, b]


def test_tile_box():
    assert Tile.square(300, 320, 480).box == Box(300, 320, 780, 800)
    assert Tile(0, 560, 1080, 720).box == Box(0, 560, 1080, 1280)


def _merge_one_by_one(dets, iou_threshold=0.5, containment=0.7):
    """The definition, box against box (what merge_detections computes in one go)."""

    def inside(inner, outer):
        ix = max(0.0, min(inner.x2, outer.x2) - max(inner.x1, outer.x1))
        iy = max(0.0, min(inner.y2, outer.y2) - max(inner.y1, outer.y1))
        return ix * iy / inner.area if inner.area > 0 else 0.0

    kept = []
    for d in sorted(dets, key=lambda d: -d.score):
        if not any(
            k.label == d.label and (k.box.iou(d.box) > iou_threshold or inside(d.box, k.box) >= containment)
            for k in kept
        ):
            kept.append(d)
    return kept


@pytest.mark.parametrize("seed", range(20))
def test_merge_equals_the_pairwise_definition_on_random_crowds(seed):
    import random

    rng = random.Random(seed)
    dets = []
    for _ in range(rng.randint(0, 120)):
        x, y = rng.uniform(0, 300), rng.uniform(0, 300)
        w, h = rng.choice([0.0, rng.uniform(1, 80)]), rng.uniform(1, 80)  # some zero-width boxes too
        score = round(rng.uniform(0.2, 1.0), 2)  # rounded: ties happen, and keep their input order
        dets.append(Detection(Box(x, y, x + w, y + h), rng.choice(["close", "skip", "ja_char"]), score))
    assert merge_detections(dets) == _merge_one_by_one(dets)
