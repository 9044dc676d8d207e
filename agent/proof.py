"""``closebot prove-loop``: the retraining loop, end to end, on a simulated phone.

1. ``before``: the daemon with the current weights against the ``novel`` scenario (close buttons in a style the
   training generator never draws, ``agent/sim/novel.py``); ads nobody closes go away by themselves after 8 s.
2. harvest the run's misses into a VOC dataset (``closebot harvest``);
3. label them from the phone's truth (``agent/sim/truth.py``: a TEST-ONLY stand-in for a person reviewing);
4. fine-tune from the current weights on synthetic screens plus the harvested ones (``closebot train --init``),
   then, when a verifier is in use, fine-tune it too on the new SSD's candidates on the same screens (``closebot
   train-verifier --init``): a verifier that never saw the new style would veto what the SSD just learned;
5. ``after``: the same scenario and seed (the same ads in the same order) with the fine-tuned weights.

The current weights are never replaced: promoting is ``closebot promote``'s job.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from agent.config import Config
from agent.demo import DemoResult, run_demo
from agent.runlog import serial_dir_name
from agent.sim.truth import label_from_sim_truth
from detector.data import load_items
from detector.engine import Detector
from detector.errors import DatasetError
from detector.harvest import harvest
from detector.train import TrainConfig, train
from detector.verifier import Verifier
from detector.verifier_train import VerifierTrainConfig, train_verifier

log = logging.getLogger(__name__)

SCREENS_PER_BATCH = 8


@dataclass(frozen=True)
class ProofOptions:
    work: Path  # everything is written under here
    weights: Path  # the current model
    seconds: float = 120.0  # each of the two runs
    seed: int = 0
    size: str = "1080x2400"
    synth: Path | None = None  # synthetic screens to keep in the fine-tuning mix; None: generate synth_n of them
    synth_n: int = 160
    steps: int = 150  # fine-tuning steps
    lr: float = 5e-4
    harvest_repeat: int = 3  # 6 over-fitted the current model to a few frames (README, prove-loop)
    verifier_epochs: int = 4  # fine-tuning epochs of the verifier (when one is in use)
    verifier_lr: float = 5e-4


@dataclass(frozen=True)
class ProofResult:
    before: dict
    after: dict
    harvested: int
    labelled: int
    finetune_s: float
    weights: str
    verifier: str | None = None  # the fine-tuned verifier (None: the loop ran the SSD alone)
    verifier_finetune_s: float = 0.0

    def table(self) -> str:
        rows = [
            ("ads shown", "ads_shown"),
            ("closed by close", "closed_by_close"),
            ("closed by skip", "closed_by_skip"),
            ("closed / eligible", "closed_share"),
            ("gone unclosed (timeout)", "timed_out"),
            ("taps outside a button", "taps_outside_a_button"),
            ("store openings", "store_openings"),
            ("median ad -> close (s)", "median_close_s"),
        ]
        w = max(len(r[0]) for r in rows)
        lines = [f"{'':<{w}}  {'before':>10}  {'after':>10}"]
        for label, key in rows:
            lines.append(f"{label:<{w}}  {self.before[key]!s:>10}  {self.after[key]!s:>10}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return asdict(self)


def _run(cfg: Config, det: Detector, opts: ProofOptions, name: str) -> DemoResult:
    return run_demo(cfg, det, opts.seconds, [opts.size], "novel", opts.seed, run_dir=str(opts.work / name))


def prove_loop(cfg: Config, opts: ProofOptions, say=print, verifier: Verifier | None = None) -> ProofResult:
    """``verifier``: the second look used before; it is fine-tuned with the SSD and its fine-tuned copy used after.
    It must have been loaded from a file (``Verifier.load``): fine-tuning starts from that file."""
    if verifier is not None and not Path(verifier.source).is_file():
        raise DatasetError(f"prove-loop: the verifier must come from a file to be fine-tuned, not {verifier.source}")
    work = Path(opts.work)
    work.mkdir(parents=True, exist_ok=True)
    say(f"1/5 before: current weights, scenario 'novel', {opts.seconds:.0f} s")
    speaker = cfg.detector.speaker.load()
    before = _run(cfg, Detector.load(opts.weights, cfg.detector.inference, verifier, speaker), opts, "before")
    dataset = work / "harvested"
    say("2/5 harvest misses")
    hrep = harvest([before.root], dataset, show_progress=False)
    say(f"    {hrep.added} new frames ({hrep.duplicates} near-duplicates, {len(hrep.skipped)} skipped)")
    say("3/5 label from the simulated phone's truth (test-only auto-label)")
    lrep = label_from_sim_truth(dataset, {serial_dir_name(p.serial): p.events for p in before.phones})
    say(f"    {lrep.accepted} items accepted, {len(lrep.left)} left unreviewed")
    if lrep.accepted == 0:
        raise DatasetError(f"prove-loop: no harvested item in {dataset} could be labelled; nothing to learn from")
    synth = opts.synth
    if synth is None:
        from detector.synth.generate import synthesize

        synth = work / "synth"
        if not (synth / "ImageSets" / "Main" / "train.txt").is_file():
            say(f"    generating {opts.synth_n} synthetic screens to keep in the mix")
            synthesize(synth, opts.synth_n, seed=opts.seed + 101, val_fraction=0.1, workers=2, show_progress=False)
    data = (str(synth), str(dataset))
    screens = len(load_items([Path(d) for d in data], "train")) + lrep.accepted * (opts.harvest_repeat - 1)
    per_epoch = max(1, screens // SCREENS_PER_BATCH)
    epochs = max(1, math.ceil(opts.steps / per_epoch))
    say(f"4/5 fine-tune from {opts.weights}: {epochs} epoch(s) of {min(per_epoch, opts.steps)} steps")
    out = work / "finetuned.pt"
    t0 = time.monotonic()
    train(
        TrainConfig(
            data=data,
            out=str(out),
            init=str(opts.weights),
            epochs=epochs,
            screens_per_batch=SCREENS_PER_BATCH,
            max_steps_per_epoch=min(per_epoch, opts.steps),
            lr=opts.lr,
            warmup_steps=max(1, opts.steps // 10),
            seed=opts.seed,
            eval_screens=16,
            workers=0,
            harvest_repeat=opts.harvest_repeat,
        ),
        show_progress=False,
    )
    finetune_s = time.monotonic() - t0
    say(f"    {finetune_s:.0f} s -> {out}")
    new_verifier, vout, verifier_s = None, None, 0.0
    if verifier is not None:
        vout = work / "finetuned-verifier.pt"
        say(
            f"    fine-tune the verifier {verifier.source} on the new SSD's candidates: {opts.verifier_epochs} epoch(s)"
        )
        t1 = time.monotonic()
        train_verifier(
            VerifierTrainConfig(
                data=data,
                detector=str(out),
                out=str(vout),
                val_screens=0,
                epochs=opts.verifier_epochs,
                lr=opts.verifier_lr,
                seed=opts.seed,
                init=verifier.source,
                harvest_repeat=opts.harvest_repeat,
                inference=cfg.detector.inference,
            ),
            show_progress=False,
        )
        verifier_s = time.monotonic() - t1
        new_verifier = Verifier.load(vout, verifier.max_candidates)
        say(f"    {verifier_s:.0f} s -> {vout}")
    say(f"5/5 after: fine-tuned weights, the same scenario and seed, {opts.seconds:.0f} s")
    after = _run(cfg, Detector.load(out, cfg.detector.inference, new_verifier, speaker), opts, "after")
    return ProofResult(
        before=before.phones[0].report.to_dict(),
        after=after.phones[0].report.to_dict(),
        harvested=hrep.added,
        labelled=lrep.accepted,
        finetune_s=round(finetune_s, 1),
        weights=str(out),
        verifier=str(vout) if vout else None,
        verifier_finetune_s=round(verifier_s, 1),
    )
