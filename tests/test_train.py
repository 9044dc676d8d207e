import json
import os

import pytest
import torch

from detector.data import CropPolicy, TileDataset, collate, load_items
from detector.errors import DatasetError, TrainingError
from detector.model import build_model
from detector.runtime import cpu_has_bf16
from detector.train import TrainConfig, train, train_one_epoch
from detector.weights import load_weights

from .conftest import TINY_SPEC


def _tiny_batch(tiny_dataset, shape: str = "square") -> tuple[list[torch.Tensor], list[dict]]:
    items = load_items([tiny_dataset], "train")
    ds = TileDataset(items, CropPolicy(input_size=TINY_SPEC.input_size, shape=shape), crops_per_screen=2, train=False)
    return collate([ds[i] for i in range(4)])


@pytest.mark.parametrize("shape", ["square", "strip"])  # strip: `train --crop-shape strip`, the loss at its own size
def test_a_few_steps_really_lower_the_loss(tiny_dataset, shape):
    torch.manual_seed(0)
    images, targets = _tiny_batch(tiny_dataset, shape)
    model = build_model(TINY_SPEC).train()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)

    def loss() -> torch.Tensor:
        d = model(images, targets)
        return d["bbox_regression"] + d["classification"]

    first = loss().item()
    for _ in range(40):
        opt.zero_grad()
        value = loss()
        value.backward()
        opt.step()
    assert loss().item() < 0.6 * first


def test_bf16_autocast_steps_lower_the_loss_and_keep_fp32_weights(tiny_dataset):
    torch.manual_seed(0)
    batch = _tiny_batch(tiny_dataset)
    model = build_model(TINY_SPEC)
    conv_out = set()  # dtypes the first convolution produced: bf16 only if autocast really ran
    first_conv = next(m for m in model.modules() if isinstance(m, torch.nn.Conv2d))
    first_conv.register_forward_hook(lambda _m, _i, out: conv_out.add(out.dtype))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1.0)
    losses: list[float] = []
    steps, _ = train_one_epoch(model, [batch] * 40, opt, sched, 1, 0, losses, False, precision="bf16")
    assert steps == 40 and conv_out == {torch.bfloat16}
    assert sum(losses[-5:]) / 5 < 0.6 * losses[0]
    assert {p.dtype for p in model.parameters()} == {torch.float32}


def test_an_unknown_precision_is_refused(tmp_path, tiny_dataset):
    cfg = TrainConfig(
        data=(str(tiny_dataset),), out=str(tmp_path / "p.pt"), workers=0, precision="fp8", spec=TINY_SPEC.to_dict()
    )
    with pytest.raises(TrainingError, match="precision must be one of fp32, bf16, got 'fp8'"):
        train(cfg, show_progress=False)


@pytest.mark.parametrize("band", [0.0, 0.5, 0.7])
def test_an_ignore_band_outside_the_matching_threshold_is_refused(tmp_path, tiny_dataset, band):
    cfg = TrainConfig(
        data=(str(tiny_dataset),), out=str(tmp_path / "p.pt"), workers=0, ignore_iou=band, spec=TINY_SPEC.to_dict()
    )
    with pytest.raises(TrainingError, match=f"below the matching threshold 0.5, got {band}"):
        train(cfg, show_progress=False)


def test_cpu_bf16_support_is_read_from_the_cpu_flags(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text(
        "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16\n\nprocessor\t: 1\nflags\t: fpu avx2\n"
    )
    assert cpu_has_bf16(info) is True
    info.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx avx2 avx512f avx512bw\nbugs\t\t: avx512_bf16\n")
    assert cpu_has_bf16(info) is False  # a flag on any line but "flags" is not the CPU's
    assert cpu_has_bf16(tmp_path / "missing") is None


def test_bf16_on_a_cpu_without_it_warns(tmp_path, tiny_dataset, monkeypatch, caplog):
    monkeypatch.setattr("detector.train.cpu_has_bf16", lambda: False)
    cfg = TrainConfig(
        data=(str(tiny_dataset),),
        out=str(tmp_path / "w.pt"),
        epochs=0,
        workers=0,
        precision="bf16",
        torch_device="cpu",
        spec=TINY_SPEC.to_dict(),
    )
    with caplog.at_level("WARNING", logger="detector.train"):
        train(cfg, show_progress=False)
    assert any("--precision fp32 is the faster choice" in r.getMessage() for r in caplog.records)


def _short_run(tiny_dataset, out, **kw) -> TrainConfig:
    """A training run of a few steps of 2 screens x 2 tiles on the tiny set, evaluated on 2 screens."""
    base = dict(epochs=1, eval_screens=2, workers=0, screens_per_batch=2, crops_per_screen=2, spec=TINY_SPEC.to_dict())
    return TrainConfig(data=(str(tiny_dataset),), out=str(out), **{**base, **kw})


def test_train_writes_weights_curve_checkpoint_and_resumes(tmp_path, tiny_dataset):
    out = tmp_path / "m.pt"
    cfg = _short_run(tiny_dataset, out, max_steps_per_epoch=2)
    hist = train(cfg, show_progress=False)
    assert [h.epoch for h in hist] == [1]
    assert out.is_file() and out.with_suffix(".ckpt").is_file() and (tmp_path / "m-curve.png").stat().st_size > 1000
    manifest = json.loads(out.with_suffix(".json").read_text())
    assert manifest["epoch"] == 1 and manifest["data"]["recipes"][0]["seed"] == 3
    assert load_weights(out).spec == TINY_SPEC
    more = train(TrainConfig(**{**cfg.__dict__, "epochs": 2}), resume=True, show_progress=False)
    assert [h.epoch for h in more] == [1, 2]


def test_non_finite_loss_stops_training(tmp_path, tiny_dataset):
    cfg = _short_run(tiny_dataset, tmp_path / "x.pt", lr=1e30, warmup_steps=1, max_steps_per_epoch=8, eval_screens=1)
    with pytest.raises(TrainingError, match="loss became"):
        train(cfg, show_progress=False)


def _wide_rows(model) -> dict[str, torch.Tensor]:
    """For each head's last convolution (state-dict key of its weight): which output rows belong to anchors wider
    than tall (torchvision's layout: channel = anchor * values per anchor + value)."""
    rows = {}
    for k, wh in enumerate(model.anchor_generator._wh_pairs):
        wide = wh[:, 0] > 1.01 * wh[:, 1]
        for head, per in (("classification_head", len(TINY_SPEC.classes) + 1), ("regression_head", 4)):
            rows[f"head.{head}.module_list.{k}.1.weight"] = wide.repeat_interleave(per)
    return rows


def test_a_wide_anchor_fine_tune_changes_only_the_wide_anchors_outputs(tmp_path, tiny_dataset, tiny_weights):
    out = tmp_path / "wide.pt"
    cfg = _short_run(tiny_dataset, out, max_steps_per_epoch=3, init=str(tiny_weights), train_only="wide-anchors")
    train(cfg, show_progress=False)
    before, after = load_weights(tiny_weights).state_dict, load_weights(out).state_dict
    rows = _wide_rows(build_model(TINY_SPEC))
    assert len(rows) == 6 and all(r.any() and not r.all() for r in rows.values())
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    # batch norm statistics, the backbone and the heads' depthwise blocks stay as they were
    assert changed and changed <= {k for k in rows} | {k.replace(".weight", ".bias") for k in rows}
    for key, wide in rows.items():
        for k in (key, key.replace(".weight", ".bias")):
            assert torch.equal(before[k][~wide], after[k][~wide]), k  # square and tall anchors: bit for bit
    # what did train: wide anchors' rows (3 steps need not reach every map's: negatives are the hardest 32)
    assert sum(not torch.equal(before[k][w], after[k][w]) for k, w in rows.items()) >= 3
    assert load_weights(out).manifest["train"]["train_only"] == "wide-anchors"


def test_a_heads_fine_tune_changes_only_the_heads_last_layers(tmp_path, tiny_dataset, tiny_weights):
    out = tmp_path / "heads.pt"
    cfg = _short_run(tiny_dataset, out, max_steps_per_epoch=3, init=str(tiny_weights), train_only="heads")
    train(cfg, show_progress=False)
    before, after = load_weights(tiny_weights).state_dict, load_weights(out).state_dict
    rows = _wide_rows(build_model(TINY_SPEC))  # the heads' last convolutions' weights, with their wide rows
    last = set(rows) | {k.replace(".weight", ".bias") for k in rows}
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    assert changed and changed <= last  # the backbone, batch norm and the heads' depthwise blocks as they were
    # square and tall anchors' rows train too (a wide-anchors fine-tune keeps them bit for bit)
    assert any(not torch.equal(before[k][~w], after[k][~w]) for k, w in rows.items())
    assert load_weights(out).manifest["train"]["train_only"] == "heads"


@pytest.mark.parametrize(
    "part, init, message",
    [("backbone", True, "must be one of"), ("wide-anchors", False, "--init"), ("heads", False, "--init")],
)
def test_a_partial_fine_tune_needs_a_known_part_and_an_init(tmp_path, tiny_dataset, tiny_weights, part, init, message):
    cfg = TrainConfig(
        data=(str(tiny_dataset),),
        out=str(tmp_path / "z.pt"),
        workers=0,
        init=str(tiny_weights) if init else None,
        train_only=part,
        spec=TINY_SPEC.to_dict(),
    )
    with pytest.raises(TrainingError, match=message):
        train(cfg, show_progress=False)
    assert not (tmp_path / "z.pt").exists()


def test_resume_without_checkpoint_is_an_error(tmp_path, tiny_dataset):
    cfg = TrainConfig(data=(str(tiny_dataset),), out=str(tmp_path / "y.pt"), workers=0, spec=TINY_SPEC.to_dict())
    with pytest.raises(TrainingError, match="no checkpoint"):
        train(cfg, resume=True, show_progress=False)


@pytest.mark.slow
def test_torchrun_two_cpu_processes_train_as_ddp_and_agree(tmp_path, tiny_dataset, tiny_weights):
    import json
    import subprocess
    import sys

    out = tmp_path / "ddp.pt"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "-m", "agent.cli"]
    cmd += ["train", "--data", str(tiny_dataset), "--out", str(out), "--init", str(tiny_weights), "--epochs", "1"]
    cmd += [
        "--max-steps-per-epoch",
        "3",
        "--eval-screens",
        "2",
        "--workers",
        "0",
        "--screens-per-batch",
        "2",
        "--quiet",
    ]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert r.returncode == 0, r.stderr[-3000:]
    manifest = json.loads(out.with_suffix(".json").read_text())
    assert manifest["distributed"] == {"world_size": 2, "ranks_agree": True}
    assert manifest["epoch"] == 1 and manifest["train"]["max_steps_per_epoch"] == 3


def test_per_epoch_validation_takes_a_share_of_every_dataset():
    from detector.train import spread

    items = [f"a{i}" for i in range(6)] + [f"b{i}" for i in range(3)]
    assert spread(items, 3) == ["a0", "a3", "b0"]
    assert spread(items, 6) == ["a0", "a1", "a3", "a4", "b0", "b1"]
    assert spread(items, 0) == items and spread(items, 50) == items


def test_an_eval_only_set_in_data_is_refused_before_training(tmp_path, tiny_dataset):
    """An eval-only set (--val-fraction 1) would add nothing to training: the error names it."""
    import shutil

    eval_only = tmp_path / "eval-only"
    shutil.copytree(tiny_dataset, eval_only)
    (eval_only / "ImageSets" / "Main" / "train.txt").write_text("")
    cfg = TrainConfig(
        data=(str(tiny_dataset), str(eval_only)), out=str(tmp_path / "z.pt"), workers=0, spec=TINY_SPEC.to_dict()
    )
    with pytest.raises(DatasetError, match=r"eval-only.*no training screens"):
        train(cfg, resume=False, show_progress=False)
    assert not (tmp_path / "z.pt").exists()


def test_threaded_loader_gives_every_screen_once_in_the_samplers_order_whatever_the_threads(tiny_dataset):
    from torch.utils.data import SequentialSampler

    from detector.data import ThreadedLoader

    items = load_items([tiny_dataset], "train")
    ds = TileDataset(items, CropPolicy(input_size=TINY_SPEC.input_size), crops_per_screen=2, seed=3)
    one = list(ThreadedLoader(ds, 3, threads=1, sampler=SequentialSampler(ds)))
    two = list(ThreadedLoader(ds, 3, threads=2, sampler=SequentialSampler(ds)))
    assert len(one) == len(ThreadedLoader(ds, 3, threads=2)) == -(-len(items) // 3)
    assert sum(len(images) for images, _ in one) == 2 * len(items)  # the last batch is kept, not dropped
    expected = collate([ds[i] for i in range(len(items))])
    got_images = [im for images, _ in two for im in images]
    got_targets = [t for _, targets in two for t in targets]
    for a, b, ta, tb in zip(got_images, expected[0], got_targets, expected[1], strict=True):
        assert torch.equal(a, b) and torch.equal(ta["boxes"], tb["boxes"]) and torch.equal(ta["labels"], tb["labels"])
    for (ia, _), (ib, _) in zip(one, two, strict=True):
        assert all(torch.equal(a, b) for a, b in zip(ia, ib, strict=True))
    # shuffled: a permutation of the screens, the same one for the same generator
    shuffled = [
        [
            t["boxes"].sum().item()
            for _, targets in ThreadedLoader(ds, 2, 2, generator=torch.Generator().manual_seed(5))
            for t in targets
        ]
        for _ in range(2)
    ]
    assert shuffled[0] == shuffled[1]
    assert sorted(shuffled[0]) == sorted(t["boxes"].sum().item() for t in expected[1])


def test_threaded_loader_refuses_no_threads(tiny_dataset):
    from detector.data import ThreadedLoader

    ds = TileDataset(load_items([tiny_dataset], "train"), CropPolicy(input_size=TINY_SPEC.input_size))
    with pytest.raises(ValueError, match="threads must be at least 1, got 0"):
        ThreadedLoader(ds, 2, threads=0)


@pytest.mark.parametrize(("workers", "threads"), [(-1, 2), (0, 0)])
def test_train_refuses_negative_workers_or_no_load_threads(tiny_dataset, tmp_path, workers, threads):
    cfg = TrainConfig(
        data=(str(tiny_dataset),),
        out=str(tmp_path / "w.pt"),
        workers=workers,
        load_threads=threads,
        spec=TINY_SPEC.to_dict(),
    )
    with pytest.raises(TrainingError, match=f"got {workers} and {threads}"):
        train(cfg, show_progress=False)
    assert not (tmp_path / "w.pt").exists()


# ------------------------------------------------------------------------------------- strips (train --crop-shape)


@pytest.mark.parametrize("size", [(1080, 2400), (2400, 1080), (720, 1600), (1440, 3120)])
def test_a_training_strip_is_cut_at_the_engines_scale_and_width(size):
    """The strip a fine-tune sees spans the short side at the scale and model width the engine's strips have."""
    from detector.data import strip_geometry
    from detector.engine import Detector, InferenceConfig

    w, h = size
    det = Detector(build_model(TINY_SPEC), TINY_SPEC, InferenceConfig(tile_shape="strip", torch_device="cpu"))
    tile = det.plan(w, h)[0]
    k_engine, dims = det.geometry(tile, w, h)
    k, across = strip_geometry(w, h, CropPolicy())
    assert k == pytest.approx(k_engine, abs=1e-12)
    assert across == (dims[1] if h >= w else dims[0]) == 672


def test_a_strip_moves_and_scales_its_boxes_and_keeps_the_focused_target():
    """A 1080x2400 screen with a close at a known spot: the strip (288x672 model px) spans the width, holds the
    close (p_on_target=1) and maps its box by the strip's scale, x untouched by any shift."""
    import random

    import numpy as np

    from detector.data import choose_strip, crop_region, strip_geometry

    img = np.full((2400, 1080, 3), 200, np.uint8)
    img[1500:1560, 980:1040] = 30
    boxes = np.array([[980, 1500, 1040, 1560], [100, 300, 140, 340]], dtype=np.float32)
    labels = np.array([1, 3])
    policy = CropPolicy(p_on_target=1.0)
    k, _ = strip_geometry(1080, 2400, policy)
    for seed in range(5):
        c = choose_strip(random.Random(seed), 1080, 2400, boxes, labels, policy)
        assert (c.x, c.w, c.out_w, c.out_h) == (0, 1080, 672, 288) and c.y <= 1500 and c.y + c.h >= 1560
        tile, out, lab = crop_region(img, boxes, labels, c, policy.min_visible)
        assert tile.shape == (288, 672, 3) and lab.tolist() == [1]
        want = (boxes[0] - np.array([0, c.y, 0, c.y])) * np.array([672 / 1080, 288 / c.h] * 2)
        assert out[0] == pytest.approx(want, abs=1e-3)
        assert k == pytest.approx(672 / 1080) and 288 / c.h == pytest.approx(k, rel=0.01)
        x1, y1, x2, y2 = (int(round(v)) for v in out[0])
        assert tile[y1 + 3 : y2 - 3, x1 + 3 : x2 - 3].max() < 60  # the dark square is where its box says


def test_square_tiles_are_unchanged_by_the_strip_option(tiny_dataset):
    """The default policy still cuts jittered squares of input_size (the recipes of every shipped network)."""
    items = load_items([tiny_dataset], "train")
    square = TileDataset(items, CropPolicy(input_size=TINY_SPEC.input_size), crops_per_screen=2, seed=4)
    strip = TileDataset(items, CropPolicy(input_size=TINY_SPEC.input_size, shape="strip"), crops_per_screen=2, seed=4)
    assert {tuple(t.shape) for t, _ in square[0]} == {(3, 288, 288)}
    assert {tuple(t.shape) for t, _ in strip[0]} == {(3, 288, 672)}  # 540x1200 screens: 540 px -> 672 model px


def test_the_loss_on_training_squares_is_torchvisions_bit_for_bit(tiny_dataset):
    from torchvision.models.detection.ssd import SSD

    torch.manual_seed(0)
    images, targets = _tiny_batch(tiny_dataset)
    model = build_model(TINY_SPEC).train()
    ours, theirs = model.native_loss(images, targets), SSD.forward(model, images, targets)
    assert {k: v.item() for k, v in ours.items()} == {k: v.item() for k, v in theirs.items()}


def test_a_batch_of_strips_and_squares_is_normalised_as_one_batch(tiny_dataset):
    """Each size goes through the network apart; the loss is the sum over the whole batch over all its matched
    anchors: the weighted mean of the sizes' own losses, each weighed by its matched anchors."""
    from torchvision.models.detection.image_list import ImageList
    from torchvision.ops import box_iou

    from detector.model import anchors_xyxy

    torch.manual_seed(0)
    items = load_items([tiny_dataset], "train")
    squares, sq_t = _tiny_batch(tiny_dataset)
    strips, st_t = collate([TileDataset(items, CropPolicy(shape="strip"), 2, seed=1)[i] for i in range(2)])
    model = build_model(TINY_SPEC).eval()  # batch norm from running statistics: groups do not see each other

    def matched(targets, anchors) -> int:
        return sum(int((model.proposal_matcher(box_iou(t["boxes"], anchors)) >= 0).sum()) for t in targets)

    batch = torch.stack(squares)
    features = list(model.backbone(batch).values())
    sq_anchors = model.anchor_generator(ImageList(batch, [(288, 288)] * len(squares)), features)[0]
    n_sq, n_st = matched(sq_t, sq_anchors), matched(st_t, anchors_xyxy(model, TINY_SPEC, (288, 672)))
    assert n_sq > 0 and n_st > 0
    model.train()
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.eval()
    both = model(squares + strips, sq_t + st_t)
    alone = model.native_loss(squares, sq_t), model(strips, st_t)
    for k in both:
        want = (alone[0][k] * n_sq + alone[1][k] * n_st) / (n_sq + n_st)
        assert both[k].item() == pytest.approx(want.item(), rel=1e-5)


def test_train_on_strips_records_the_crop_shape(tmp_path, tiny_dataset):
    out = tmp_path / "s.pt"
    train(_short_run(tiny_dataset, out, max_steps_per_epoch=2, crop_shape="strip"), show_progress=False)
    assert json.loads(out.with_suffix(".json").read_text())["train"]["crop_shape"] == "strip"


def test_an_unknown_crop_shape_is_refused(tmp_path, tiny_dataset):
    with pytest.raises(TrainingError, match="crop_shape must be one of square, strip, got 'circle'"):
        train(_short_run(tiny_dataset, tmp_path / "c.pt", crop_shape="circle"), show_progress=False)
    with pytest.raises(ValueError, match="crop shape must be one of square, strip, got 'circle'"):
        CropPolicy(shape="circle")


def test_background_is_mined_per_area_on_strips(tiny_dataset, monkeypatch):
    """A tile with nothing on it mines min_negatives background anchors, those it scores least like background;
    with ``negatives_scale`` 2, twice as many. A strip asks for its default boxes over a training square's."""
    from detector.model import anchors_xyxy

    torch.manual_seed(0)
    model = build_model(TINY_SPEC).eval()
    x = model.transform.normalize(torch.rand(3, 288, 288))[None]
    head = model.head(list(model.backbone(x).values()))
    anchors = anchors_xyxy(model, TINY_SPEC, 288)
    empty = [{"boxes": torch.zeros(0, 4), "labels": torch.zeros(0, dtype=torch.int64)}]
    unmatched = [torch.full((anchors.size(0),), -1, dtype=torch.int64)]
    ce = torch.nn.functional.cross_entropy(
        head["cls_logits"][0], torch.zeros(anchors.size(0), dtype=torch.int64), reduction="none"
    )
    for scale in (1.0, 2.0):
        loss = model.compute_loss(empty, head, [anchors], unmatched, negatives_scale=scale)["classification"]
        assert loss.item() == pytest.approx(ce.topk(int(model.min_negatives * scale)).values.sum().item(), rel=1e-5)

    seen = []
    compute = model.compute_loss
    monkeypatch.setattr(model, "compute_loss", lambda *a, **k: seen.append(a[4]) or compute(*a, **k))
    items = load_items([tiny_dataset], "train")
    strips, targets = collate([TileDataset(items, CropPolicy(shape="strip"), 1, seed=1)[0]])
    model.train()(strips, targets)
    assert seen == [pytest.approx(anchors_xyxy(model, TINY_SPEC, (288, 672)).size(0) / anchors.size(0))]
    assert 2.2 < seen[0] < 2.4  # 672 / 288 = 2.33 as wide


def test_a_tile_of_closes_only_is_mirrored_with_its_boxes_and_one_with_a_skip_or_text_is_not():
    import numpy as np

    from detector.data import mirror_tile, mirrorable
    from detector.types import CLASSES

    tile = np.zeros((20, 30, 3), np.uint8)
    tile[2:6, 1:4] = 255  # the close's ink, at the left
    close, skip, ja = (CLASSES.index(c) + 1 for c in ("close", "skip", "ja_char"))
    boxes = np.array([[1, 2, 4, 6]], np.float32)
    assert mirrorable(np.array([close])) and mirrorable(np.array([close, close]))
    assert mirrorable(np.zeros(0, np.int64))  # nothing labelled: background mirrored is background
    out, b = mirror_tile(tile, boxes)
    assert b.tolist() == [[26, 2, 29, 6]] and boxes.tolist() == [[1, 2, 4, 6]]  # the caller's boxes untouched
    assert out[2:6, 26:29].min() == 255 and out[2:6, 1:4].max() == 0  # the ink moved with its box
    assert mirror_tile(tile, np.zeros((0, 4), np.float32))[0][2:6, 26:29].min() == 255
    for other in (skip, ja):
        assert not mirrorable(np.array([close, other])) and not mirrorable(np.array([other]))


def test_mirror_share_mirrors_close_only_tiles_and_zero_leaves_the_recipe_unchanged(tiny_dataset, monkeypatch):
    items = load_items([tiny_dataset], "train")
    plain = TileDataset(items, CropPolicy(input_size=TINY_SPEC.input_size), crops_per_screen=4, seed=4)
    zero = TileDataset(items, CropPolicy(input_size=TINY_SPEC.input_size, p_mirror=0.0), crops_per_screen=4, seed=4)
    for i in range(len(items)):  # the default draws exactly the tiles of every recipe before the option
        for (t0, g0), (t1, g1) in zip(plain[i], zero[i], strict=True):
            assert torch.equal(t0, t1) and torch.equal(g0["boxes"], g1["boxes"])
    import detector.data

    monkeypatch.setattr(detector.data, "augment", lambda rng, img: img)  # tiles compared pixel for pixel
    # the same draws, tiles of closes only mirrored by one and by the other (almost) never
    never = TileDataset(items, CropPolicy(input_size=TINY_SPEC.input_size, p_mirror=1e-12), crops_per_screen=4, seed=4)
    always = TileDataset(items, CropPolicy(input_size=TINY_SPEC.input_size, p_mirror=1.0), crops_per_screen=4, seed=4)
    mirrored = kept = 0
    for i in range(len(items)):
        for (t0, g0), (t1, g1) in zip(never[i], always[i], strict=True):
            if set(g0["labels"].tolist()) <= {1}:  # closes only (label 1), or nothing
                mirrored += 1
                assert torch.equal(t1, t0.flip(-1))
                assert torch.allclose(g1["boxes"][:, [2, 0]], t0.shape[-1] - g0["boxes"][:, [0, 2]])
            else:
                kept += 1
                assert torch.equal(t1, t0) and torch.equal(g1["boxes"], g0["boxes"])
    assert mirrored > 0 and kept > 0
    with pytest.raises(ValueError, match="p_mirror must be between 0 and 1, got 1.5"):
        CropPolicy(p_mirror=1.5)


def test_train_records_the_mirror_share_and_refuses_one_out_of_range(tmp_path, tiny_dataset):
    out = tmp_path / "m.pt"
    train(_short_run(tiny_dataset, out, max_steps_per_epoch=2, mirror=0.5), show_progress=False)
    assert json.loads(out.with_suffix(".json").read_text())["train"]["mirror"] == 0.5
    with pytest.raises(TrainingError, match="mirror must be between 0 and 1, got -0.1"):
        train(_short_run(tiny_dataset, tmp_path / "n.pt", mirror=-0.1), show_progress=False)
