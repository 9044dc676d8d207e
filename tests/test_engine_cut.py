"""The engine cuts tiles from one resized copy of the screen: every tile has the model's input size (its sides at the
training scale, rounded up to whole 32-px cells), and the origin and scale it reports map a pixel of the tile back to
the screen pixel it came from (exact numbers, and a marker)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from detector.engine import Detector, InferenceConfig

SIZES = ((1080, 2400), (720, 1600), (1440, 3120), (2400, 1080), (300, 500))


@pytest.fixture(scope="module")
def det(tiny_weights) -> Detector:
    return Detector.load(tiny_weights, InferenceConfig(runtime="torch", tile_size=480, tile_shape="square"))


def test_origins_exact_numbers(det):  # squares of the training tile: 288 px
    img = np.zeros((2400, 1080, 3), np.uint8)
    tiles = det.plan(1080, 2400)
    batch, origins = det.cut(img, tiles)
    assert batch.shape == (21, 288, 288, 3) and batch.dtype == np.uint8
    assert origins[1].tolist() == pytest.approx([300, 0, 480 / 288, 480 / 288])
    assert origins[-1].tolist() == pytest.approx([600, 1920, 480 / 288, 480 / 288])
    # 720x1600: 320-px tiles -> 288 (x0.9); the tile at y=183 starts at resized row round(164.7)=165 = 183.33 px
    img = np.zeros((1600, 720, 3), np.uint8)
    tiles = det.plan(720, 1600)
    assert tiles[3].y == 183
    _, origins = det.cut(img, tiles)
    assert origins[3].tolist() == pytest.approx([0, 165 / 0.9, 1 / 0.9, 1 / 0.9])


def test_default_720_px_tiles_keep_the_training_scale(tiny_weights):
    # the network was trained on 480-px tiles seen as 288 px (its manifest says so); 720-px tiles are cut at the same
    # 0.6 scale (432 px), on every screen size since both sides scale with the screen
    det = Detector.load(tiny_weights, InferenceConfig(runtime="torch", tile_shape="square"))
    assert det.cfg.tile_size == 720 and det.trained_tile == 480
    assert [det.input_dims(det.plan(w, h)[0], w, h) for w, h in SIZES[:4]] == [(432, 432)] * 4
    tiles = det.plan(1080, 2400)
    assert len(tiles) == 8 and {(t.w, t.h) for t in tiles} == {(720, 720)}
    batch, origins = det.cut(np.zeros((2400, 1080, 3), np.uint8), tiles)
    assert batch.shape == (8, 432, 432, 3)
    assert origins[1].tolist() == pytest.approx([360, 0, 720 / 432, 720 / 432])


def test_strips_are_whole_cells_inside_the_screen(tiny_weights):
    # a strip spans the short side, which must end on a 32-px cell boundary as training crops did: the training
    # scale 0.6 is raised to make it whole cells (648 -> 672 px) on every screen size, and the strip's 720 px
    # become 448 (14 cells); the strips lie inside the screen, nothing grey
    det = Detector.load(tiny_weights, InferenceConfig(runtime="torch", tile_shape="strip"))
    assert [det.geometry(det.plan(w, h)[0], w, h)[0] * min(w, h) for w, h in SIZES] == pytest.approx([672] * 5)
    assert [det.input_dims(det.plan(w, h)[0], w, h) for w, h in SIZES[:4]] == [(448, 672)] * 3 + [(672, 448)]
    tiles = det.plan(1080, 2400)
    assert len(tiles) == 4 and (tiles[0].w, tiles[0].h) == (1080, 720)
    batch, origins = det.cut(np.zeros((2400, 1080, 3), np.uint8), tiles)
    assert batch.shape == (4, 448, 672, 3) and (batch == 0).all()
    # resized to 672x1493: strip 1 (y 560) starts at row round(348.4) = 348, the last one ends at row 1493
    sx, sy = 1080 / 672, 2400 / 1493
    assert origins[1].tolist() == pytest.approx([0, 348 * sy, sx, sy])
    assert origins[3].tolist() == pytest.approx([0, (1493 - 448) * sy, sx, sy])


@pytest.mark.parametrize("shape", ["strip", "square"])
@pytest.mark.parametrize("tile_size", [480, 720])
@pytest.mark.parametrize("size", SIZES)
def test_a_marker_maps_back_to_where_it_is(tiny_weights, size, tile_size, shape):
    det = Detector.load(tiny_weights, InferenceConfig(runtime="torch", tile_size=tile_size, tile_shape=shape))
    w, h = size
    x1, y1, x2, y2 = int(w * 0.45), int(h * 0.4), int(w * 0.45) + 40, int(h * 0.4) + 40
    img = np.zeros((h, w, 3), np.uint8)
    img[y1:y2, x1:x2] = 255
    tiles = det.plan(w, h)
    batch, origins = det.cut(img, tiles)
    # the training scale: 288 model px per 480 screen px at a 1080-px short side, scaled with the screen; a strip's
    # raised to make the short side whole 32-px cells, and its sides rounded up to whole cells
    k = 288 / 480 * 1080 / min(w, h)
    if shape == "square":
        assert batch.shape[1] == batch.shape[2] and abs(batch.shape[1] - tiles[0].w * k) <= 2
    else:
        k = math.ceil(min(w, h) * k / 32) * 32 / min(w, h)
        assert batch.shape[1:3] == tuple(-(-round(n * k) // 32) * 32 for n in (tiles[0].h, tiles[0].w))
    seen = 0
    for t, tile_img, (ox, oy, sx, sy) in zip(tiles, batch, origins, strict=True):
        if not (t.x <= x1 and x2 <= t.x + t.w and t.y <= y1 and y2 <= t.y + t.h):
            continue
        ys, xs = np.nonzero(tile_img[..., 0] > 127)
        got = (ox + xs.min() * sx, oy + ys.min() * sy, ox + (xs.max() + 1) * sx, oy + (ys.max() + 1) * sy)
        assert got == pytest.approx((x1, y1, x2, y2), abs=2.5)
        seen += 1
    assert seen >= 1


def test_a_screen_smaller_than_a_tile_is_padded_grey(tiny_weights):
    cfg = InferenceConfig(runtime="torch", tile_size=480, tile_shape="square", scale_with_screen=False)
    det = Detector.load(tiny_weights, cfg)
    img = np.zeros((300, 200, 3), np.uint8)
    img[100:140, 50:90] = 255
    tiles = det.plan(200, 300)
    assert len(tiles) == 1
    batch, ((ox, oy, sx, sy),) = det.cut(img, tiles)
    assert (ox, oy) == (0, 0) and sx == pytest.approx(480 / 288)
    assert batch[0, -1, -1].tolist() == [114, 114, 114]  # outside the screen
    ys, xs = np.nonzero(batch[0, ..., 0] == 255)
    assert (xs.min() * sx, ys.min() * sy) == pytest.approx((50, 100), abs=2.5)
