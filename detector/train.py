"""``closebot train``: fit the SSD on tiles cut from VOC screens; checkpoint, evaluate and plot every epoch.

``train_one_epoch`` and ``evaluate`` are separate steps. A checkpoint (``OUT.ckpt``) holds model, optimizer,
scheduler, epoch, history and the run's settings, so ``--resume`` continues where a run stopped; it is read with
``weights_only=True`` like every other file closebot loads. The best epoch (by the tap-decision score) is written
to ``OUT`` as a weights file with its manifest.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from torch.utils.data import DataLoader
from tqdm import tqdm

from detector.data import CropPolicy, ThreadedLoader, TileDataset, collate, load_items, require_training_screens
from detector.engine import Detector, InferenceConfig, resolve_device
from detector.errors import TrainingError
from detector.evaluate import EvalReport, evaluate
from detector.model import ModelSpec, build_model
from detector.runtime import BF16_CPU_FLAGS, cpu_has_bf16
from detector.types import CROP_SHAPES, PRECISIONS, TRAIN_PARTS
from detector.weights import load_weights, model_from_weights, save_weights
from detector.zoom import ZoomConfig
from policies.decide import PolicyConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    data: tuple[str, ...]
    out: str
    epochs: int = 10
    screens_per_batch: int = 8
    crops_per_screen: int = 4
    lr: float = 2e-3
    weight_decay: float = 5e-4
    warmup_steps: int = 300
    seed: int = 0
    eval_screens: int = 200  # validation screens evaluated after every epoch (0: all)
    # data-loading processes; 0: batches are cut in this process between steps by load_threads threads, which on
    # 2 cores gave 3.1 steps/s against 2.5 with one worker process (detector.data.ThreadedLoader)
    workers: int = 0
    load_threads: int = 2
    init: str | None = None
    max_steps_per_epoch: int = 0  # 0: one pass over the training screens
    torch_device: str = "auto"  # auto: CUDA when available
    include_unreviewed: bool = False  # harvested datasets: also items nobody has accepted yet
    harvest_repeat: int = 1  # each harvested item appears this many times per epoch (a few misses vs. 1000s of synth)
    precision: str = "fp32"  # bf16: forward and loss under bfloat16 autocast (weights and optimizer stay fp32)
    # anchors overlapping an object by IoU in [ignore_iou, 0.5) are neither object nor background
    # (detector.model.BandMatcher); None: torchvision's matching
    ignore_iou: float | None = None
    # what the fine-tune may change (detector.model.ClosebotSSD.train_only): "all", "wide-anchors" (the heads'
    # outputs for anchors wider than tall; every other output stays the --init network's, bit for bit) or "heads"
    # (the heads' last 1x1 convolutions, the features frozen)
    train_only: str = "all"
    # square: jittered squares (every shipped network); strip: strips across the screen's short side at the
    # engine's scale, as `tile_shape: strip` cuts at inference (detector.data)
    crop_shape: str = "square"
    # share of the training tiles holding closes only (no skip or ja_char box) mirrored left to right
    # (detector.data.mirrorable); 0: none, as every network trained before 2026-12-07
    mirror: float = 0.0
    spec: dict = field(default_factory=lambda: ModelSpec().to_dict())


@dataclass
class EpochRecord:
    epoch: int
    steps: int
    loss: float
    seconds: float
    tap_success: float
    false_tap_rate: float
    ap: dict[str, float]
    ja_no_target_clean: float

    @property
    def score(self) -> float:
        """What "best" means: mean AP of the two targets. Threshold-free on purpose: tap success and false taps
        depend on the policy thresholds, which are calibrated afterwards (``closebot eval --sweep``)."""
        vals = [self.ap.get(c, float("nan")) for c in ("close", "skip")]
        vals = [0.0 if math.isnan(v) else v for v in vals]
        return sum(vals) / len(vals)


def spread(items: list, n: int) -> list:
    """``n`` of ``items`` at an even stride (all when ``n`` is 0 or covers them): with several datasets in a row,
    each gets its share of the per-epoch validation, not just the first one."""
    if not n or n >= len(items):
        return list(items)
    return [items[i * len(items) // n] for i in range(n)]


def _ckpt_path(out: Path) -> Path:
    return out.with_suffix(".ckpt")


def _plot(history: list[EpochRecord], step_losses: list[float], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    if step_losses:
        k = max(1, len(step_losses) // 200)
        smooth = [sum(step_losses[i : i + k]) / len(step_losses[i : i + k]) for i in range(0, len(step_losses), k)]
        a.plot([i * k for i in range(len(smooth))], smooth)
    a.set_title("training loss (smoothed)")
    a.set_xlabel("step")
    a.set_yscale("log")
    ep = [h.epoch for h in history]
    b.plot(ep, [h.tap_success for h in history], "o-", label="tap success")
    b.plot(ep, [h.ap.get("close", float("nan")) for h in history], "s-", label="AP close")
    b.plot(ep, [h.ap.get("skip", float("nan")) for h in history], "^-", label="AP skip")
    b.plot(ep, [h.ja_no_target_clean for h in history], "d-", label="ja text clean")
    b.plot(ep, [min(1.0, h.false_tap_rate) for h in history], "x--", label="false taps / screen")
    b.set_title("validation (held-out layouts)")
    b.set_xlabel("epoch")
    b.set_ylim(0, 1.02)
    b.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def train_one_epoch(
    model,
    loader,
    optimizer,
    scheduler,
    epoch: int,
    max_steps: int,
    step_losses: list[float],
    show_progress: bool,
    precision: str = "fp32",
) -> tuple[int, float]:
    model.train()
    device = next(model.parameters()).device
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=precision == "bf16")
    total, steps = 0.0, 0
    bar = tqdm(loader, desc=f"epoch {epoch}", disable=not show_progress, total=max_steps or len(loader))
    for images, targets in bar:
        if device.type != "cpu":
            images = [i.to(device, non_blocking=True) for i in images]
            targets = [{k: v.to(device, non_blocking=True) for k, v in t.items()} for t in targets]
        with autocast:
            losses = model(images, targets)
        loss = losses["bbox_regression"].float() + losses["classification"].float()
        if not torch.isfinite(loss):
            raise TrainingError(
                f"loss became {loss.item()} at epoch {epoch} step {steps} "
                f"({', '.join(f'{k}={v.item():.4g}' for k, v in losses.items())}); lower --lr or check the data"
            )
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        optimizer.step()
        scheduler.step()
        value = loss.item()
        step_losses.append(value)
        total += value
        steps += 1
        bar.set_postfix(loss=f"{value:.3f}", lr=f"{scheduler.get_last_lr()[0]:.2e}")
        if max_steps and steps >= max_steps:
            break
    return steps, total / max(1, steps)


@dataclass(frozen=True)
class Dist:
    """Where this process stands in a ``torchrun`` job (world 1 when run directly)."""

    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @property
    def main(self) -> bool:
        return self.rank == 0

    @staticmethod
    def from_env() -> Dist:
        return Dist(
            int(os.environ.get("RANK", "0")),
            int(os.environ.get("WORLD_SIZE", "1")),
            int(os.environ.get("LOCAL_RANK", "0")),
        )


def _param_checksum(model: torch.nn.Module) -> float:
    with torch.no_grad():
        return float(sum(p.double().sum() * (i + 1) for i, p in enumerate(model.parameters())))


def _check_ranks_agree(model: torch.nn.Module, dist: Dist) -> list[float]:
    """All-gather every rank's parameter checksum; DDP keeps replicas identical, so they must all match."""
    import torch.distributed as tdist

    mine = torch.tensor([_param_checksum(model)], dtype=torch.float64)
    if next(model.parameters()).is_cuda:
        mine = mine.cuda()
    got = [torch.zeros_like(mine) for _ in range(dist.world)]
    tdist.all_gather(got, mine)
    sums = [float(g.item()) for g in got]
    if max(sums) - min(sums) > 1e-6 * max(1.0, abs(sums[0])):
        raise TrainingError(f"DistributedDataParallel replicas differ after training: checksums {sums}")
    return sums


def train(cfg: TrainConfig, resume: bool = False, show_progress: bool = True) -> list[EpochRecord]:
    """Train; under ``torchrun --nproc_per_node=N`` as DistributedDataParallel (gloo on CPU, nccl on CUDA), with
    rank 0 evaluating, checkpointing and writing the weights."""
    dist = Dist.from_env()
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1) // dist.world))
    if dist.world > 1:
        import torch.distributed as tdist

        backend = "nccl" if resolve_device(cfg.torch_device).type == "cuda" else "gloo"
        tdist.init_process_group(backend=backend)
        show_progress = show_progress and dist.main
    try:
        return _train(cfg, resume, show_progress, dist)
    finally:
        if dist.world > 1:
            import torch.distributed as tdist

            tdist.destroy_process_group()


def repeat_harvested(roots: list[Path], items: list, times: int) -> list:
    """``items`` with every item of a harvested dataset repeated ``times`` times."""
    if times < 1:
        raise TrainingError(f"harvest_repeat must be at least 1, got {times}")
    if times == 1:
        return items
    from detector.review import is_harvest

    harvested = {str(r.resolve()) for r in roots if is_harvest(r)}
    out = []
    for it in items:
        out.extend([it] * (times if str(Path(it.image_path).parent.parent.resolve()) in harvested else 1))
    return out


def _train(cfg: TrainConfig, resume: bool, show_progress: bool, dist: Dist) -> list[EpochRecord]:
    if cfg.precision not in PRECISIONS:
        raise TrainingError(f"precision must be one of {', '.join(PRECISIONS)}, got {cfg.precision!r}")
    if cfg.ignore_iou is not None and not 0.0 < cfg.ignore_iou < 0.5:
        raise TrainingError(f"ignore_iou must be above 0 and below the matching threshold 0.5, got {cfg.ignore_iou}")
    if cfg.train_only not in TRAIN_PARTS:
        raise TrainingError(f"train_only must be one of {', '.join(TRAIN_PARTS)}, got {cfg.train_only!r}")
    if cfg.crop_shape not in CROP_SHAPES:
        raise TrainingError(f"crop_shape must be one of {', '.join(CROP_SHAPES)}, got {cfg.crop_shape!r}")
    if not 0.0 <= cfg.mirror <= 1.0:
        raise TrainingError(f"mirror must be between 0 and 1, got {cfg.mirror}")
    if cfg.train_only != "all" and not cfg.init:
        raise TrainingError(f"train_only={cfg.train_only} fine-tunes part of a trained network: give --init")
    if cfg.workers < 0 or cfg.load_threads < 1:
        raise TrainingError(f"workers must be >= 0 and load_threads >= 1, got {cfg.workers} and {cfg.load_threads}")
    out = Path(cfg.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    roots = [Path(d) for d in cfg.data]
    spec = ModelSpec.from_dict(cfg.spec)
    require_training_screens(roots)
    train_items = repeat_harvested(roots, load_items(roots, "train", cfg.include_unreviewed), cfg.harvest_repeat)
    val_items = spread(load_items(roots, "val", cfg.include_unreviewed), cfg.eval_screens)
    parent = None
    if cfg.init:
        w = load_weights(cfg.init)
        spec = w.spec
        model = model_from_weights(w)
        parent = {"path": str(cfg.init), "sha256": w.manifest.get("sha256")}
    else:
        model = build_model(spec)
    model.ignore_near_misses(cfg.ignore_iou)
    crop = CropPolicy(input_size=spec.input_size, shape=cfg.crop_shape, p_mirror=cfg.mirror)
    device = resolve_device(cfg.torch_device)
    if cfg.precision == "bf16" and device.type == "cpu" and cpu_has_bf16() is False:
        log.warning(
            "--precision bf16 on a CPU without %s: bfloat16 is emulated there and a step measured 10-20x slower "
            "than fp32; --precision fp32 is the faster choice on this machine",
            " or ".join(sorted(BF16_CPU_FLAGS)),
        )
    if device.type == "cuda" and dist.world > 1:
        device = torch.device("cuda", dist.local_rank)
    model.to(device)
    if device.type == "cpu":
        model.to(memory_format=torch.channels_last)  # measured: a training step 25% faster on this CPU
    dataset = TileDataset(train_items, crop, cfg.crops_per_screen, seed=cfg.seed)
    sampler = None
    if dist.world > 1:
        from torch.utils.data.distributed import DistributedSampler

        sampler = DistributedSampler(dataset, num_replicas=dist.world, rank=dist.rank, shuffle=True, seed=cfg.seed)
    generator = torch.Generator().manual_seed(cfg.seed)
    if cfg.workers == 0:
        loader = ThreadedLoader(dataset, cfg.screens_per_batch, cfg.load_threads, sampler, generator)
    else:
        loader = DataLoader(
            dataset,
            batch_size=cfg.screens_per_batch,
            shuffle=sampler is None,
            sampler=sampler,
            collate_fn=collate,
            num_workers=cfg.workers,
            persistent_workers=True,
            generator=generator,
        )
    steps_per_epoch = min(len(loader), cfg.max_steps_per_epoch or len(loader))
    total_steps = steps_per_epoch * cfg.epochs
    params = model.train_only(cfg.train_only)
    # no weight decay on a partial fine-tune: it would shrink the rows of the outputs kept frozen too
    decay = cfg.weight_decay if cfg.train_only == "all" else 0.0
    optimizer = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=decay)
    warm = min(cfg.warmup_steps, max(1, total_steps // 10))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda s: min(1.0, (s + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / max(1, total_steps)))),
    )
    history: list[EpochRecord] = []
    step_losses: list[float] = []
    start_epoch = 1
    ckpt = _ckpt_path(out)
    if resume:
        if not ckpt.is_file():
            raise TrainingError(f"--resume: no checkpoint at {ckpt}")
        state = torch.load(ckpt, map_location=device, weights_only=True)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        history = [EpochRecord(**h) for h in json.loads(state["history"])]
        step_losses = list(state["step_losses"])
        start_epoch = int(state["epoch"]) + 1
        log.info("resuming %s at epoch %d", ckpt, start_epoch)
    policy = PolicyConfig()
    best = max((h.score for h in history), default=-math.inf)
    net = model
    if dist.world > 1:
        from torch.nn.parallel import DistributedDataParallel

        net = DistributedDataParallel(model, device_ids=[dist.local_rank] if device.type == "cuda" else None)
    for epoch in range(start_epoch, cfg.epochs + 1):
        dataset.epoch = epoch
        if sampler is not None:
            sampler.set_epoch(epoch)
        t0 = time.time()
        steps, mean_loss = train_one_epoch(
            net, loader, optimizer, scheduler, epoch, steps_per_epoch, step_losses, show_progress, cfg.precision
        )
        if dist.world > 1:
            sums = _check_ranks_agree(model, dist)
            log.info("epoch %d: %d DDP ranks agree (parameter checksum %.6f)", epoch, dist.world, sums[0])
            if not dist.main:
                continue  # rank 0 evaluates and writes
        # the network alone: no closer look (detector.zoom), which would slow every epoch's evaluation
        det = Detector(model, spec, InferenceConfig(torch_device=cfg.torch_device, zoom=ZoomConfig(enabled=False)))
        report: EvalReport = evaluate(det, val_items, policy, show_progress=show_progress)
        rec = EpochRecord(
            epoch,
            steps,
            mean_loss,
            time.time() - t0,
            report.tap_success,
            report.false_tap_rate,
            report.ap,
            report.ja_no_target_clean,
        )
        history.append(rec)
        log.info(
            "epoch %d: loss %.4f tap %.3f false %.4f AP %s (%.0fs)",
            epoch,
            mean_loss,
            rec.tap_success,
            rec.false_tap_rate,
            {k: round(v, 3) for k, v in rec.ap.items()},
            rec.seconds,
        )
        if show_progress:
            print(
                f"epoch {epoch}: loss {mean_loss:.4f}  tap success {rec.tap_success:.3f}  false taps/screen "
                f"{rec.false_tap_rate:.4f}  AP " + " ".join(f"{k}={v:.3f}" for k, v in rec.ap.items()),
                flush=True,
            )
        if rec.score >= best:
            best = rec.score
            manifest = {
                "name": out.stem,
                "input_size": spec.input_size,
                "tile": asdict(InferenceConfig()),
                "train_tile": crop.tile_size,  # native tile side seen as input_size px: the scale of every tile
                "anchors_px": list(spec.anchor_px),
                "data": {"dirs": list(cfg.data), "recipes": recipes(roots)},
                "train": {k: v for k, v in asdict(cfg).items() if k != "spec"},
                "epoch": epoch,
                "train_seconds": round(sum(h.seconds for h in history), 1),
                "metrics_val": {k: v for k, v in report.to_dict().items() if k != "failures"},
                "parent": parent,
                "distributed": {"world_size": dist.world, "ranks_agree": True} if dist.world > 1 else None,
            }
            save_weights(out, model, spec, manifest)
        tmp = ckpt.with_suffix(".ckpt.tmp")
        torch.save(
            {
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(),
                "epoch": epoch,
                "config": json.dumps(asdict(cfg)),
                "history": json.dumps([asdict(h) for h in history]),
                "step_losses": step_losses,
            },
            tmp,
        )
        os.replace(tmp, ckpt)
        _plot(history, step_losses, out.with_name(out.stem + "-curve.png"))
    return history


def recipes(roots: list[Path]) -> list[dict]:
    """The generator recipe (seed, layouts, held-out assets) of each dataset, for manifests."""
    out = []
    for r in roots:
        p = r / "recipe.json"
        out.append(json.loads(p.read_text()) if p.is_file() else {"dir": str(r)})
    return out
