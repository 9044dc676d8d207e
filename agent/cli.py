"""The ``closebot`` command. The only place that turns errors into messages and exit statuses."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from agent.arguments import at_least, int_pair, make_room, number_in, off_or_at_least
from detector.errors import ClosebotError, ConfigError
from detector.types import CROP_SHAPES, PRECISIONS, TRAIN_PARTS, VERIFIER_TRAIN_PARTS

if TYPE_CHECKING:  # heavy modules, imported by the commands that need them
    from detector.evaluate import EvalReport
    from detector.voc import VocItem

log = logging.getLogger("closebot")


def _add_common(p: argparse.ArgumentParser, weights: bool = True) -> None:
    p.add_argument("--config", type=Path, default=None, help="config file (default: the repository's config.yaml)")
    if weights:
        p.add_argument(
            "--weights", type=Path, default=None, help="weights file (default: detector.weights in the config)"
        )
        p.add_argument(
            "--verifier",
            default=None,
            help="verifier weights file, or 'none' for the SSD's scores alone (default: detector.verifier.weights)",
        )
        p.add_argument(
            "--torch-device",
            choices=("auto", "cpu", "cuda"),
            default=None,
            help="where the network runs (default: detector.inference.torch_device)",
        )
        p.add_argument(
            "--precision",
            choices=("fp32", "bf16", "int8"),
            default=None,
            help="the network in 32-bit floats, bfloat16 (a CPU with AVX512-BF16 or AMX, a GPU from Ampere on) or "
            "8-bit integers (`closebot quantize`; default: detector.inference.precision)",
        )


def _detector(args: argparse.Namespace, cfg=None):
    """The config (``cfg`` when the caller loaded it already) and the detector it and the flags describe."""
    import dataclasses

    from agent.config import load_config
    from detector.engine import Detector

    cfg = cfg or load_config(args.config)
    inf = cfg.detector.inference
    if getattr(args, "torch_device", None):
        inf = dataclasses.replace(inf, torch_device=args.torch_device)
    if getattr(args, "precision", None):
        inf = dataclasses.replace(inf, precision=args.precision)
    weights = args.weights or Path(cfg.detector.weights)
    return cfg, Detector.load(weights, inf, _verifier(args, cfg), cfg.detector.speaker.load())


def _verifier(args: argparse.Namespace, cfg):
    """The verifier to use: --verifier FILE|none, else the config's (None when it is turned off)."""
    choice = getattr(args, "verifier", None)
    if choice is not None:
        return None if choice.lower() == "none" else cfg.detector.verifier.load(choice)
    return cfg.detector.verifier.load()


# ------------------------------------------------------------------------------------------------------------ detect


def cmd_detect(args: argparse.Namespace) -> int:
    from detector.images import load_rgb
    from detector.render import annotate, save_png
    from policies.decide import decide

    make_room("--out", args.out, folder=True)
    cfg, det = _detector(args)
    failed = 0
    for i, name in enumerate(args.images):
        t0 = time.perf_counter()
        try:
            img = load_rgb(name)
            res = det.detect(img)
        except ClosebotError as e:
            failed += 1
            if args.json:
                print(json.dumps({"image": name, "error": str(e)}), flush=True)
            else:
                print(f"{name}: error: {e}", file=sys.stderr, flush=True)
            continue
        tap = decide(res.detections, cfg.policy)
        ms = (time.perf_counter() - t0) * 1000
        if args.json:
            print(
                json.dumps(
                    {
                        "image": name,
                        "width": res.width,
                        "height": res.height,
                        "detections": [
                            {"label": d.label, "score": round(d.score, 4), "box": d.box.as_list()}
                            for d in res.detections
                        ],
                        "tap": None
                        if tap is None
                        else {"x": tap.x, "y": tap.y, "label": tap.label, "score": round(tap.score, 4)},
                        "ms": round(ms, 1),
                    },
                    ensure_ascii=False,
                ),
                flush=True,
            )
        else:
            print(_detect_table(name, res, tap, ms), flush=True)
        if args.out:
            png = Path(args.out) / f"{i:03d}-{Path(name).stem}.png"
            try:
                save_png(annotate(img, res.detections, tap), png)
            except OSError as e:  # a full disk: the image's detections are printed above, the next images go on
                failed += 1
                print(f"{name}: error: cannot write {png}: {e}", file=sys.stderr, flush=True)
    return 1 if failed else 0


def _detect_table(name: str, res, tap, ms: float) -> str:
    crops = res.timings.zoom_crops
    looks = f", {crops} closer look{'s' if crops != 1 else ''}" if crops else ""
    looks += ", a coarse look" if res.timings.coarse else ""
    lines = [
        f"{name}  {res.width}x{res.height}  {len(res.detections)} detections  {ms:.0f} ms "
        f"({res.timings.tiles} tiles{looks})"
    ]
    shown = [d for d in res.detections if d.label != "ja_char"]
    n_ja = len(res.detections) - len(shown)
    if shown:
        lines.append(f"  {'label':<8} {'score':>6}  box (x1, y1, x2, y2)")
        for d in shown:
            b = d.box
            lines.append(f"  {d.label:<8} {d.score:>6.3f}  ({b.x1:.0f}, {b.y1:.0f}, {b.x2:.0f}, {b.y2:.0f})")
    if n_ja:
        lines.append(f"  ja_char  x{n_ja} (Japanese text: never tapped)")
    lines.append(f"  tap: {tap.label} at ({tap.x}, {tap.y}) score {tap.score:.3f}" if tap else "  tap: none")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------------------- synth


def cmd_synth(args: argparse.Namespace) -> int:
    from detector.synth.generate import synthesize
    from detector.synth.screen import DEFAULT_CLOSE_PILLS, DEFAULT_CLOSE_PX, CloseMix

    size = int_pair(args.size, "x", "--size", "WIDTHxHEIGHT, e.g. 1080x2400") if args.size else None
    close = CloseMix(
        int_pair(args.close_px, "-", "--close-px", "MIN-MAX in px, e.g. 24-150") if args.close_px else DEFAULT_CLOSE_PX,
        DEFAULT_CLOSE_PILLS if args.close_pills is None else args.close_pills,
        args.condensed_x,
        args.raised_x,
        args.mute_apart,
    )
    if not args.allow_thin_assets:
        from detector.synth import assets

        icons = str(args.icons) if args.icons else None
        thin = assets.thin_assets([assets.load_pool("train", icons), assets.load_pool("val", icons)])
        if thin:
            raise ClosebotError(
                "synth: this machine's fonts and pictures are too few for data worth training on ("
                + "; ".join(thin)
                + "): install them with `bash scripts/data.sh` (root), or pass --allow-thin-assets"
            )
    make_room("--out", args.out, folder=True)  # after the checks above, which leave nothing behind
    recipe = synthesize(
        Path(args.out),
        args.n,
        args.seed,
        val_fraction=args.val_fraction,
        workers=args.workers,
        fixed_size=size,
        icons=args.icons,
        close=close,
        text_negatives=args.text_negatives,
        show_progress=not args.quiet,
    )
    print(
        f"wrote {recipe['n'] - recipe['n_val']} train + {recipe['n_val']} val screens to {args.out} "
        f"(VOC: JPEGImages/, Annotations/, ImageSets/Main/{{train,val}}.txt; recipe.json, meta.jsonl)"
    )
    return 0


def cmd_icons(args: argparse.Namespace) -> int:
    import collections

    from detector.synth.icons import ICON_SETS, build_icon_cache

    npm = Path(args.npm_dir)
    if not (npm / "@iconify-json").is_dir():
        packages = " ".join(f"@iconify-json/{p}" for p in sorted(ICON_SETS))
        raise ClosebotError(
            f"{npm}: no @iconify-json packages; `bash scripts/icons.sh` installs the pinned versions and renders "
            f"them, or install them yourself with\n  npm install --prefix {npm.parent} {packages}"
        )
    make_room("--out", args.out, folder=True)
    entries = build_icon_cache(npm, Path(args.out), negatives_per_set=args.negatives, show_progress=not args.quiet)
    counts = collections.Counter((e.split, e.role) for e in entries)
    sets = collections.Counter(split for _, split in {(e.set, e.split) for e in entries})
    for split in ("train", "val"):
        print(
            f"{split:5s} {sets[split]:2d} sets: {counts[split, 'close']} close, {counts[split, 'skip']} skip, "
            f"{counts[split, 'negative']} negative icons"
        )
    print(f"wrote {len(entries)} masks and index.json to {args.out}")
    return 0


# ------------------------------------------------------------------------------------------------------------- train


def cmd_train(args: argparse.Namespace) -> int:
    from detector.train import TrainConfig, train

    make_room("--out", args.out)
    cfg = TrainConfig(
        data=tuple(str(d) for d in args.data),
        out=str(args.out),
        epochs=args.epochs,
        lr=args.lr,
        seed=args.seed,
        eval_screens=args.eval_screens,
        workers=args.workers,
        load_threads=args.load_threads,
        init=str(args.init) if args.init else None,
        max_steps_per_epoch=args.max_steps_per_epoch,
        screens_per_batch=args.screens_per_batch,
        crops_per_screen=args.crops_per_screen,
        include_unreviewed=args.include_unreviewed,
        harvest_repeat=args.harvest_repeat,
        torch_device=args.torch_device,
        precision=args.precision,
        ignore_iou=args.ignore_iou,
        train_only=args.train_only,
        crop_shape=args.crop_shape,
        mirror=args.mirror,
    )
    history = train(cfg, resume=args.resume, show_progress=not args.quiet)
    best = max(history, key=lambda h: h.score) if history else None
    if best:
        print(
            f"best epoch {best.epoch}: tap success {best.tap_success:.3f}, "
            f"false taps/screen {best.false_tap_rate:.4f}; "
            f"weights {args.out}, curve {Path(args.out).with_name(Path(args.out).stem + '-curve.png')}"
        )
    return 0


def cmd_merge_verifiers(args: argparse.Namespace) -> int:
    from detector.verifier import VerifierSpec, merge_verifiers, window_groups

    make_room("--out", args.out)
    lv = merge_verifiers(list(args.files), args.out, args.long_from)

    def named(g: VerifierSpec) -> str:
        wider = "" if g.context == VerifierSpec.context else f" of {g.context:g} box sides"
        return f"{g.members} {'square' if g.square else f'squeezed {g.squeeze:g}'}{wider}"

    windows = [named(g) for g, _ in window_groups(lv.spec)]
    long_only = f" (boxes from {lv.spec.long_from:g}:1)" if lv.spec.long_from else ""
    through = f", windows: {', '.join(windows)}{long_only}" if windows else ""
    print(f"{args.out}: {lv.spec.members} networks averaged ({', '.join(str(f) for f in args.files)}){through}")
    return 0


def cmd_train_verifier(args: argparse.Namespace) -> int:
    from agent.config import load_config
    from detector.verifier import VerifierSpec
    from detector.verifier_train import VerifierTrainConfig, train_verifier

    if args.pair_candidates and not (args.pairs or args.pills or args.counts):
        print(
            "closebot train-verifier: --pair-candidates looks at the pasted mute buttons, word pills and counts: "
            "give --pairs N, --pills N or --counts N",
            file=sys.stderr,
        )
        return 2
    make_room("--out", args.out)
    config = load_config(args.config)
    detector = args.detector_weights or Path(config.detector.weights)
    cfg = VerifierTrainConfig(
        data=tuple(str(d) for d in args.data),
        detector=str(detector),
        out=str(args.out),
        screens=args.screens,
        val_screens=args.val_screens,
        epochs=args.epochs,
        lr=args.lr,
        seed=args.seed,
        init=str(args.init) if args.init else None,
        squeeze=args.squeeze,
        long_context=args.long_context,
        context=args.context,
        input_size=args.input_size,
        harvest_repeat=args.harvest_repeat,
        cache_dir=str(args.cache_dir) if args.cache_dir else None,
        pairs_per_screen=args.pairs,
        pair_candidates=args.pair_candidates,
        pills_per_screen=args.pills,
        counts_per_screen=args.counts,
        keep_parent=args.keep_parent,
        icons=str(args.icons) if args.icons else None,
        long_only=args.long_only,
        train_only=args.train_only,
        inference=config.detector.inference,  # candidates mined as the runtime proposes them (tile shape, ...)
    )
    res = train_verifier(cfg, show_progress=not args.quiet)
    for part in res.get("parts", [res]):  # an ensemble of several windows: one line per window
        window = ""
        if "window" in part:
            squeeze, _, context = part["window"]
            wider = "" if context == VerifierSpec.context else f" context {context:g}"
            window = f"window squeeze {squeeze}{wider} ({part['networks']} network(s)): "
        done = f"kept as it was ({part['kept']})" if "kept" in part else _verifier_summary(part)
        print(window + done + f"; verifier {args.out}")
    if "parts" in res:
        trained = sum("kept" not in part for part in res["parts"])
        print(f"{trained} of {len(res['parts'])} windows trained in {res['seconds']:.0f} s; verifier {args.out}")
    return 0


def cmd_train_speaker(args: argparse.Namespace) -> int:
    from detector.speaker_train import train_speaker

    make_room("--out", args.out)
    res = train_speaker(list(args.data), args.icons, args.out, args.windows, args.epochs, args.seed, not args.quiet)
    v = res["val"]
    print(
        f"speaker check {args.out}: {res['data']['muted_speakers']['train']} muted speakers to train on, "
        f"{res['data']['muted_speakers']['val']} held out; {res['data']['windows']['train']} training windows; "
        f"validation (held-out icon sets and screens): loss {v['loss']:.4f}, muted speakers at 0.99 or more "
        f"{v['positives>=0.99']:.3f}, closes {v['negatives>=0.99']:.4f}; {res['seconds']['total']} s"
    )
    return 0


def _verifier_summary(res: dict) -> str:
    """One line on a verifier's training run: its best epoch's validation numbers and where its crops came from."""
    best = min(res["history"], key=lambda h: h["loss"])
    rates = [
        ("non-targets passing", "none_passed", ".4f"),
        ("pasted mute buttons passing", "mute_passed", ".4f"),
        ("pasted word pills passing", "word_pill_passed", ".4f"),
        ("pasted close pills found", "pill_close_recall", ".3f"),
        ("pasted skip pills found", "pill_skip_recall", ".3f"),
        ("pasted counts passing", "count_passed", ".4f"),
        ("their lone signs found", "count_sign_recall", ".3f"),
    ]
    found = [
        ("mute_candidates", "on pasted mute buttons"),
        ("word_pill_candidates", "on pasted word pills"),
        ("count_candidates", "on pasted counts"),
    ]
    return (
        f"best epoch {best['epoch']}: val loss {best['loss']:.4f}, recall "
        + ", ".join(f"{k} {v:.3f}" for k, v in best["recall"].items())
        + "".join(f", {text} {best[key]:{fmt}}" for text, key, fmt in rates if best.get(key) is not None)
        + "".join(
            f", the SSD's {best[key]} candidates {text} passing {best[key + '_passed']:.4f}"
            for key, text in found
            if best.get(key)
        )
        + "; "
        + (f"mined in {res['mine_seconds']:.0f} s" if res["mined"] else f"crops read from {res['cache']}")
        + f", {res['seconds']:.0f} s in all"
    )


# -------------------------------------------------------------------------------------------------------------- eval


def cmd_eval(args: argparse.Namespace) -> int:
    from detector.data import load_items
    from detector.evaluate import detect_for_eval, score, sweep, write_report

    make_room("--report", args.report)
    make_room("--sheet", args.sheet)
    cfg, det = _detector(args)
    items = load_items([Path(d) for d in args.data], args.split, args.include_unreviewed)
    if args.limit:
        items = items[: args.limit]
    all_dets, below = detect_for_eval(det, items, show_progress=not args.quiet)
    report = score(items, all_dets, cfg.policy, below=below, intervals=args.intervals)
    rows = sweep(items, all_dets, cfg.policy) if args.sweep else None
    if args.json:
        print(json.dumps({**report.to_dict(), **({"sweep": rows} if rows else {})}, default=str))
    else:
        print(report.table())
        if rows:
            print("threshold sweep (close = skip threshold):")
            print("  thr   tap success  false taps  misses  ja-text clean")
            for r in rows:
                print(
                    f"  {r['threshold']:.2f}  {r['tap_success']:>11.3f}  {r['false_taps']:>10d}  {r['misses']:>6d}"
                    f"  {r['ja_no_target_clean']:>13.4f}"
                )
    if args.report:
        write_report(report, Path(args.report), rows)
    if args.sheet:
        _write_failure_sheet(report, items, Path(args.sheet))
    return 0


def _write_failure_sheet(report: EvalReport, items: list[VocItem], path: Path) -> None:
    """``eval --sheet``: one picture of the screens tapped wrong or missed (stderr says what was written)."""
    from detector.evaluate import failure_cells
    from detector.render import failure_sheet, save_png

    if not report.failures:
        print(f"closebot eval: no wrong taps or misses; {path} not written", file=sys.stderr)
        return
    save_png(failure_sheet(failure_cells(report.failures, items)), path)
    wrong = sum(f["kind"] != "miss" for f in report.failures)
    print(f"closebot eval: {path}: {wrong} wrong taps, {len(report.failures) - wrong} misses", file=sys.stderr)


# ------------------------------------------------------------------------------------------------------------- bench


def cmd_bench(args: argparse.Namespace) -> int:
    from detector.bench import run_bench

    cfg, det = _detector(args)
    result = run_bench(
        det,
        frames=args.frames,
        seed=args.seed,
        template_frames=args.template_frames,
        weights=args.weights or Path(cfg.detector.weights),
        config=args.config,
        rss=not args.no_rss,
        verifier_arg=args.verifier,
    )
    print(json.dumps(result, indent=2) if args.json else result["table"])
    return 0


# ---------------------------------------------------------------------------------------------------------- quantize


def cmd_quantize(args: argparse.Namespace) -> int:
    import dataclasses

    from tqdm import tqdm

    from agent.config import load_config
    from detector.data import load_items
    from detector.engine import Detector
    from detector.errors import DatasetError
    from detector.images import load_rgb
    from detector.quantize import quantize

    cfg = load_config(args.config)
    weights = args.weights or Path(cfg.detector.weights)
    # the float network: only its tiling matters here (and an int8 file that is stale or missing must not stop it)
    det = Detector.load(weights, dataclasses.replace(cfg.detector.inference, precision="fp32", runtime="torch"))
    items = load_items([Path(d) for d in args.data], args.split)[: args.screens]
    if not items:
        raise DatasetError(f"no {args.split} screens in {', '.join(args.data)}")
    screens = (load_rgb(it.image_path) for it in tqdm(items, desc="calibrating", unit="screen", disable=args.quiet))
    recipe = {"data": [str(d) for d in args.data], "split": args.split, "made_by": {}}
    for d in args.data:  # how each folder was generated, where it says (closebot synth's recipe.json)
        try:
            r = json.loads((Path(d) / "recipe.json").read_text())
            recipe["made_by"][str(d)] = {k: r[k] for k in ("generator", "seed", "n", "n_val") if k in r}
        except (OSError, ValueError):
            recipe["made_by"][str(d)] = None
    rep = quantize(det, screens, recipe)
    print(
        f"wrote {rep.path} ({rep.size_bytes / 1e6:.1f} MB) from {weights} (sha256 {rep.source_sha256[:12]}), "
        f"calibrated on {rep.tiles} tiles of {rep.screens} screens"
        + (f" ({rep.skipped} screens of another tile size skipped)" if rep.skipped else "")
        + "; use it with detector.inference.precision: int8"
    )
    return 0


# -------------------------------------------------------------------------------------------------------------- main


# ---------------------------------------------------------------------------------------------------------------- sim


def cmd_sim(args: argparse.Namespace) -> int:
    from agent.sim.phone import Faults
    from agent.sim.run import SimOptions, main, parse_at, parse_size

    try:
        rotate_at = override_at = None
        if args.rotate_at:
            t, v = parse_at(args.rotate_at, "--rotate-at")
            if v not in ("0", "1", "2", "3"):
                raise ValueError(f"--rotate-at rotation {v!r} is not 0..3")
            rotate_at = (t, int(v))
        if args.override_at:
            t, v = parse_at(args.override_at, "--override-at")
            override_at = (t, parse_size(v))
        faults = Faults(args.corrupt, args.blank, args.slow, rotate_at, override_at)
        opts = SimOptions(
            port=args.port,
            scenario=args.scenario,
            events=args.events,
            seed=args.seed,
            size=parse_size(args.size),
            rotation=args.rotation,
            override=parse_size(args.override) if args.override else None,
            seconds=args.seconds,
            faults=faults,
        )
    except ValueError as e:
        print(f"closebot sim: {e}", file=sys.stderr)
        return 2
    return main(opts)


# ------------------------------------------------------------------------------------------------------- run / demo


def _agent_config(args: argparse.Namespace, run_dir: bool = False):
    """The config with the command's adb flags, and the detector. ``run_dir``: the command records into ``--run-dir``
    (else ``agent.run_dir``), made room for before the model loads."""
    from agent.config import load_config
    from agent.demo import with_adb_port

    cfg = load_config(args.config)
    if run_dir:
        make_room("--run-dir" if args.run_dir else "agent.run_dir", args.run_dir or cfg.agent.run_dir, folder=True)
    cfg, det = _detector(args, cfg)
    return with_adb_port(cfg, getattr(args, "adb_host", None), getattr(args, "adb_port", None)), det


def cmd_run(args: argparse.Namespace) -> int:
    from agent.daemon import Daemon

    cfg, det = _agent_config(args, run_dir=True)
    daemon = Daemon(cfg, det, args.device, dry_run=args.dry_run, run_dir=args.run_dir)
    mode = "dry run: no input is sent" if args.dry_run else "tapping"
    print(f"closebot run: {', '.join(args.device)} ({mode}; Ctrl-C to stop)", flush=True)
    stats = daemon.run(args.duration)
    for serial, s in stats.items():
        extra = f", would tap {s.would_tap}" if args.dry_run else ""
        misses = ", ".join(f"{k} {v}" for k, v in sorted(s.misses.items())) or "none"
        print(
            f"{serial}: {s.ticks} ticks ({s.detected} frames detected, {s.reused} the last one again), {s.taps} taps "
            f"({s.effective} effective, {s.ineffective} ineffective, {s.decoys} decoys){extra}, {s.errors} errors; "
            f"misses recorded: {misses}"
        )
    print(f"run directory: {daemon.root}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    import dataclasses

    from agent.demo import run_demo
    from agent.report import format_table

    cfg, det = _agent_config(args, run_dir=True)
    print(
        f"closebot demo: {len(args.size)} simulated phone(s) ({', '.join(args.size)}), real adb server on port "
        f"{cfg.agent.adb.port}, daemon for {args.seconds:.0f} s",
        flush=True,
    )
    res = run_demo(
        cfg, det, args.seconds, args.size, args.scenario, args.seed, dry_run=args.dry_run, run_dir=args.run_dir
    )
    reports, root, first, last = res.reports, res.root, res.first, res.last
    print(format_table(reports))
    print(
        f"daemon process: RSS {first.rss_mib:.0f} -> {last.rss_mib:.0f} MiB, open files {first.open_files} -> "
        f"{last.open_files}, threads {first.threads} -> {last.threads} (after warm-up -> end)"
    )
    print(f"daemon records: {root}   phone events: {root.parent}/phone-*.jsonl")
    if args.json:
        process = {"start": dataclasses.asdict(first), "end": dataclasses.asdict(last)}
        print(json.dumps({"phones": {k: r.to_dict() for k, r in reports.items()}, "process": process}))
    return 0


# ------------------------------------------------------------------------------------- harvest / review / label


def cmd_harvest(args: argparse.Namespace) -> int:
    from detector.harvest import harvest

    make_room("--out", args.out, folder=True)
    rep = harvest([Path(d) for d in args.run_dirs], args.out, show_progress=not args.quiet)
    for line in rep.skipped:
        print(f"skipped {line}", file=sys.stderr)
    print(
        f"harvest: {rep.added} new misses ({2 * rep.added} items: frame + crop), {rep.already} already harvested, "
        f"{rep.duplicates} near-duplicates, {len(rep.skipped)} skipped -> {args.out}"
    )
    return 1 if rep.skipped else 0


def cmd_review(args: argparse.Namespace) -> int:
    from detector.review import write_gallery

    make_room("--html", args.html)
    out = write_gallery(args.dataset, args.html)
    print(f"review gallery: {out}")
    return 0


def cmd_label(args: argparse.Namespace) -> int:
    from detector.review import label, read_labels_file

    accept, reject = list(args.accept or []), list(args.reject or [])
    if args.file:
        a, r = read_labels_file(args.file)
        accept += a
        reject += r
    if not accept and not reject:
        print("closebot label: nothing to do (give --accept, --reject or --file)", file=sys.stderr)
        return 2
    res = label(args.dataset, accept, reject)
    for u in res.unknown:
        print(f"unknown id: {u}", file=sys.stderr)
    print(f"label: {res.accepted} accepted, {res.rejected} rejected, {len(res.unknown)} unknown")
    return 1 if res.unknown else 0


def cmd_promote(args: argparse.Namespace) -> int:
    from agent.config import load_config
    from detector.promote import commit, compare, stage
    from detector.quantize import int8_path, quantize_command
    from detector.weights import sha256_of

    cfg = load_config(args.config)
    current = Path(args.current or cfg.detector.weights)
    sets = [(Path(d).name, Path(d)) for d in args.data]
    verifier = _verifier(args, cfg)
    new_verifier, verifier_path = None, None
    if args.new_verifier:
        verifier_path = cfg.detector.verifier_weights()
        if verifier_path is None or (args.verifier or "").lower() == "none":
            print(
                "closebot promote: --new-verifier needs an installed verifier path (detector.verifier.weights is "
                "empty, or --verifier none was given)",
                file=sys.stderr,
            )
            return 2
        new_verifier = cfg.detector.verifier.load(args.new_verifier)
    comp = compare(
        current,
        args.new,
        sets,
        args.limit,
        cfg.detector.inference,
        cfg.policy,
        verifier,
        new_verifier,
        cfg.detector.speaker.load(),
    )
    print(comp.table())
    what = f"{args.new} + {args.new_verifier}" if args.new_verifier else str(args.new)
    refusals = comp.refusals
    if refusals:
        print(f"not promoted: {what} is worse than {current}: " + "; ".join(refusals))
        return 1
    if args.dry_run:
        print(f"would promote {what} -> {current} (dry run)")
        return 0
    data = [str(d) for d in args.data]
    # NEW may be the installed SSD itself (a verifier-only promotion): then it stays as it is, with its lineage,
    # instead of being kept as its own parent
    same_ssd = current.is_file() and sha256_of(current) == sha256_of(Path(args.new))
    staged = [] if same_ssd else [stage(current, args.new, comp, data)]
    if args.new_verifier:
        staged.append(stage(Path(verifier_path), args.new_verifier, comp, data))
    commit(staged)  # the SSD and its verifier change together, after every copy and hash is done
    if same_ssd:
        print(f"{args.new} is the installed SSD: left as it is")
    else:
        print(f"promoted {args.new} -> {current}; previous weights kept as {staged[0].prev}")
        if int8_path(current).is_file():  # made from the weights just replaced: refused at load until remade
            print(f"{int8_path(current)} is now stale (precision int8 refuses it): run {quantize_command(current)}")
    if args.new_verifier:
        vprev = staged[-1].prev
        kept = f"previous verifier kept as {vprev}" if vprev else "there was none before"
        print(f"promoted {args.new_verifier} -> {verifier_path}; {kept}")
    return 0


def cmd_prove_loop(args: argparse.Namespace) -> int:
    from agent.proof import ProofOptions, prove_loop

    cfg, det = _agent_config(args)
    if det.runner.precision == "int8":  # checked before the minutes of running and fine-tuning, not after them
        raise ConfigError(
            "prove-loop fine-tunes a new SSD, which has no int8 graph to compare with: use --precision fp32 "
            "(or detector.inference.precision: fp32)"
        )
    weights = Path(args.weights) if args.weights else Path(cfg.detector.weights)
    work = args.work or Path(cfg.agent.run_dir) / ("prove-loop-" + time.strftime("%Y%m%d-%H%M%S"))
    make_room("--work" if args.work else "agent.run_dir", work, folder=True)
    opts = ProofOptions(
        work=work,
        weights=weights,
        seconds=args.seconds,
        seed=args.seed,
        size=args.size,
        synth=args.synth,
        synth_n=args.synth_n,
        steps=args.steps,
        harvest_repeat=args.harvest_repeat,
    )
    res = prove_loop(cfg, opts, verifier=det.verifier)
    print(res.table())
    print(f"harvested {res.harvested} frames, labelled {res.labelled} items, fine-tuned in {res.finetune_s:.0f} s")
    print(f"fine-tuned weights: {res.weights} (not installed; see closebot promote)")
    if res.verifier:
        print(
            f"fine-tuned verifier: {res.verifier} ({res.verifier_finetune_s:.0f} s; not installed: "
            f"closebot promote {res.weights} --new-verifier {res.verifier} --data ...)"
        )
    (work / "proof.json").write_text(json.dumps(res.to_dict(), indent=1) + "\n")
    if args.json:
        print(json.dumps(res.to_dict()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="closebot", description="Find and tap the close button of interstitial ads.")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("detect", help="detect close/skip buttons in screenshots and print the tap decision")
    d.add_argument("images", nargs="+", help="image files (PNG, JPEG, WebP...)")
    d.add_argument("--json", action="store_true", help="one JSON object per line per image")
    d.add_argument("--out", type=Path, help="write one annotated PNG per image into this folder")
    _add_common(d)
    d.set_defaults(func=cmd_detect)

    s = sub.add_parser("synth", help="generate a Pascal VOC dataset of synthetic ad screens")
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--n", type=at_least(1), required=True, help="number of screens")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument(
        "--val-fraction", type=number_in(0, 1), default=0.1, help="share of screens from held-out layouts/assets"
    )
    s.add_argument("--workers", type=at_least(0), default=2)
    s.add_argument("--size", help="fixed screen size WIDTHxHEIGHT (default: a mix of phone sizes)")
    s.add_argument("--icons", type=Path, default=None, help="icon-mask cache from `closebot icons` to draw from too")
    s.add_argument(
        "--close-px",
        help="close button sizes MIN-MAX, px on a 1080-px-wide screen, drawn log-uniform (default: 24-150)",
    )
    s.add_argument(
        "--text-negatives",
        type=at_least(0),
        default=0,
        metavar="N",
        help="also draw 1 to N word pills, text bubbles and words with a '×' on each training-layout screen, "
        "never labelled close or skip (default 0: none)",
    )
    s.add_argument(
        "--close-pills",
        type=number_in(0, 1),
        metavar="F",
        help="share of close buttons drawn as a pill with a word, e.g. '✕ 閉じる' (default 0.08, every set before "
        "2026-12-05)",
    )
    s.add_argument(
        "--condensed-x",
        type=number_in(0, 1),
        default=0.0,
        metavar="F",
        help="share of close marks (drawn or typed, not icons) squeezed to 55-80%% of their width like a condensed "
        "font's X (default 0: none, every set before 2026-12-07)",
    )
    s.add_argument(
        "--raised-x",
        type=number_in(0, 1),
        default=0.0,
        metavar="F",
        help="share of close marks (drawn or typed, not icons) on a plate made 60-78%% of it and set high, their top "
        "at its edge, as a browser sets a font's X in a circle (default 0: none, every set before 2026-12-07)",
    )
    s.add_argument(
        "--mute-apart",
        type=number_in(0, 1),
        default=0.0,
        metavar="F",
        help="share of mute buttons on a screen with a close drawn as large as the close and, beside it, 0.3-0.8 of "
        "its side away, so that a close never looks like a muted speaker's x (default 0: sized as any close and 8-40 "
        "px away, as every set made before the flag)",
    )
    s.add_argument(
        "--allow-thin-assets",
        action="store_true",
        help="generate even when fonts or pictures are missing (tests, smoke runs)",
    )
    s.add_argument("--quiet", action="store_true")
    s.set_defaults(func=cmd_synth)

    ic = sub.add_parser("icons", help="render close/skip/negative icons of open icon sets (npm @iconify-json) to masks")
    ic.add_argument("--npm-dir", type=Path, required=True, help="a node_modules folder holding @iconify-json/*")
    ic.add_argument("--out", type=Path, required=True, help="cache folder (masks + index.json) for synth --icons")
    ic.add_argument("--negatives", type=at_least(0), default=80, help="other icons per set kept as hard negatives")
    ic.add_argument("--quiet", action="store_true")
    ic.set_defaults(func=cmd_icons)

    t = sub.add_parser("train", help="train (or fine-tune with --init) the detector on VOC datasets")
    t.add_argument("--data", type=Path, action="append", required=True, help="VOC dataset folder (repeatable)")
    t.add_argument("--out", type=Path, required=True, help="weights file to write (best epoch); OUT.ckpt to resume")
    t.add_argument("--init", type=Path, help="start from these weights (fine-tuning)")
    t.add_argument("--epochs", type=at_least(1), default=10)
    t.add_argument("--resume", action="store_true", help="continue from OUT.ckpt")
    t.add_argument("--lr", type=number_in(0, above=True), default=2e-3)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--eval-screens", type=at_least(0), default=200, help="validation screens per epoch (0: all)")
    t.add_argument(
        "--workers",
        type=at_least(0),
        default=0,
        help="data-loading processes (0: batches cut in this process between steps, by --load-threads threads)",
    )
    t.add_argument("--load-threads", type=at_least(1), default=2, help="threads cutting tiles when --workers is 0")
    t.add_argument("--screens-per-batch", type=at_least(1), default=8)
    t.add_argument("--crops-per-screen", type=at_least(1), default=4, help="tiles cut from each decoded screen")
    t.add_argument("--include-unreviewed", action="store_true", help="harvested data: also unreviewed items")
    t.add_argument(
        "--harvest-repeat",
        type=at_least(1),
        default=1,
        help="each harvested item counts N times per epoch (scarce data)",
    )
    t.add_argument("--max-steps-per-epoch", type=at_least(0), default=0)
    t.add_argument(
        "--ignore-iou",
        type=float,
        metavar="IOU",
        help="anchors overlapping a button by IoU in [IOU, 0.5) are not mined as background (default: they are)",
    )
    t.add_argument(
        "--train-only",
        choices=TRAIN_PARTS,
        default="all",
        help="wide-anchors (with --init): change only the outputs of anchors wider than tall (pills), every other "
        "output staying the --init network's; heads (with --init): only the heads' last 1x1 convolutions, the "
        "features frozen",
    )
    t.add_argument(
        "--crop-shape",
        choices=CROP_SHAPES,
        default="square",
        help="strip: train on strips across the screen's short side at the engine's scale, as tile_shape: strip "
        "cuts at inference (default: jittered squares)",
    )
    t.add_argument(
        "--mirror",
        type=float,
        default=0.0,
        metavar="P",
        help="mirror left to right this share of the training tiles that hold closes only (never one with a skip "
        "or Japanese text box: a mirrored '>>' is a '<<'); default 0",
    )
    t.add_argument("--torch-device", choices=("auto", "cpu", "cuda"), default="auto")
    t.add_argument(
        "--precision",
        choices=PRECISIONS,
        default="fp32",
        help="bf16: forward pass and loss under bfloat16 autocast (faster on CPUs with AVX512-BF16; weights stay fp32)",
    )
    t.add_argument("--quiet", action="store_true")
    t.set_defaults(func=cmd_train)

    tv = sub.add_parser(
        "train-verifier", help="mine the detector's close/skip candidates and train the crop verifier on them"
    )
    tv.add_argument("--data", type=Path, action="append", required=True, help="VOC dataset folder (repeatable)")
    tv.add_argument("--out", type=Path, required=True, help="verifier file to write (best epoch by validation loss)")
    tv.add_argument(
        "--detector-weights", type=Path, help="SSD whose candidates are mined (default: detector.weights in the config)"
    )
    tv.add_argument("--init", type=Path, help="start from this verifier (fine-tuning; its network spec is kept)")
    tv.add_argument(
        "--squeeze",
        type=number_in(1),
        help="a long box's crop window may be up to this many times longer than wide (1: square; default: "
        "the --init file's, else 1)",
    )
    tv.add_argument(
        "--long-context",
        type=number_in(1),
        help="a long box's window along its length, in lengths (with --squeeze > 1; default: the --init file's, "
        "else 1.25)",
    )
    tv.add_argument(
        "--context",
        type=number_in(1),
        help="the square window's side, in the box's longer sides (with --squeeze also a long box's window across, "
        "in its short sides; default: the --init file's, else 2); a wider "
        "look shows what lies beside the mark (the speaker beside a mute button's x, the digits after a price's x)",
    )
    tv.add_argument(
        "--input-size",
        type=at_least(32),
        help="the crop's side in network pixels (default: the --init file's, else 64); with a wider --context a "
        "larger input keeps the mark as many pixels as the square window gives it (--context 4 --input-size 128)",
    )
    tv.add_argument(
        "--long-only",
        type=off_or_at_least(1),
        default=0.0,
        metavar="R",
        help="train and validate on the crops of boxes at least R times longer than wide only, as a squeezed "
        "verifier merged with --long-from R sees them (default: all boxes)",
    )
    tv.add_argument(
        "--train-only",
        choices=VERIFIER_TRAIN_PARTS,
        default="all",
        help="long-window: fine-tune only the squeezed window of an --init file merged with --long-from, on the "
        "long boxes it scores; its square networks are kept bit for bit (default: all)",
    )
    tv.add_argument(
        "--harvest-repeat", type=at_least(1), default=1, help="mine each harvested screen N times (scarce data)"
    )
    tv.add_argument("--screens", type=at_least(0), default=0, help="training screens to mine (0: all)")
    tv.add_argument(
        "--pairs", type=at_least(0), default=0, help="plate-matched mute/close pairs pasted per screen (needs --icons)"
    )
    tv.add_argument(
        "--icons",
        type=Path,
        default=None,
        help="icon-mask cache from `closebot icons` (needed by --pairs; icon-set marks for --pills)",
    )
    tv.add_argument(
        "--pair-candidates",
        action="store_true",
        help="also train on the SSD's own close/skip candidates on each pasted mute button, word pill or count",
    )
    tv.add_argument(
        "--pills",
        type=at_least(0),
        default=0,
        help="close, skip and word pills of one colour pasted per screen (icons from --icons when given)",
    )
    tv.add_argument(
        "--counts",
        type=at_least(0),
        default=0,
        help='counts with a times sign ("×10": none) and the sign alone (close), one font and colour, per screen',
    )
    tv.add_argument(
        "--keep-parent",
        type=number_in(0),
        default=0.0,
        metavar="W",
        help="with --init: weight of a term keeping the class probabilities near the --init file's on every crop "
        "(KL divergence, 'learning without forgetting'), so a fine-tune learns what its new crops teach and keeps the "
        "rest (default 0: none)",
    )
    tv.add_argument("--val-screens", type=at_least(0), default=300)
    tv.add_argument(
        "--cache-dir", type=Path, help="where mined crops are kept (default: $XDG_CACHE_HOME/closebot/verifier-crops)"
    )
    tv.add_argument("--epochs", type=at_least(1), default=20)
    tv.add_argument("--lr", type=number_in(0, above=True), default=2e-3)
    tv.add_argument("--seed", type=int, default=0)
    tv.add_argument("--config", type=Path, default=None, help="config file (default: the repository's config.yaml)")
    tv.add_argument("--quiet", action="store_true")
    tv.set_defaults(func=cmd_train_verifier)

    ts = sub.add_parser(
        "train-speaker", help="train the speaker check (is a close candidate the x of a muted speaker?) from scratch"
    )
    ts.add_argument(
        "--data",
        type=Path,
        action="append",
        required=True,
        help="VOC sets whose training screens give the backgrounds and the real closes (drawn with --mute-apart 1)",
    )
    ts.add_argument("--icons", type=Path, required=True, help="the icon cache of `closebot icons` (its muted speakers)")
    ts.add_argument("--out", type=Path, required=True, help="speaker check file to write")
    ts.add_argument("--windows", type=at_least(500), default=24000, help="training windows to draw (default 24000)")
    ts.add_argument("--epochs", type=at_least(1), default=10)
    ts.add_argument("--seed", type=int, default=0)
    ts.add_argument("--quiet", action="store_true")
    ts.set_defaults(func=cmd_train_speaker)

    mv = sub.add_parser(
        "merge-verifiers", help="one verifier file averaging the probabilities of several (mined on the same SSD)"
    )
    mv.add_argument("files", type=Path, nargs="+", help="verifier files (at least two)")
    mv.add_argument("--out", type=Path, required=True, help="ensemble verifier file to write")
    mv.add_argument(
        "--long-from",
        type=off_or_at_least(1),
        default=0.0,
        metavar="R",
        help="squeezed windows only score boxes at least R times longer than wide; the square ones alone score the "
        "rest (default: every window scores every box)",
    )
    mv.set_defaults(func=cmd_merge_verifiers)

    e = sub.add_parser("eval", help="tap-decision and AP@0.5 evaluation on a VOC dataset")
    e.add_argument("--data", type=Path, action="append", required=True)
    e.add_argument("--split", default="val")
    e.add_argument("--limit", type=at_least(0), default=0)
    e.add_argument("--json", action="store_true")
    e.add_argument("--report", type=Path, help="also write the full JSON report here")
    e.add_argument(
        "--sheet", type=Path, help="also write a PNG of the screens tapped wrong (first) and missed, up to 50"
    )
    e.add_argument("--sweep", action="store_true", help="also show tap success / false taps for thresholds 0.3-0.9")
    e.add_argument(
        "--intervals",
        type=at_least(0),
        default=1000,
        metavar="N",
        help="95%% intervals for AP, tap success, false taps and Japanese-text screens from N draws of the screens "
        "with replacement (default 1000; 0: none)",
    )
    e.add_argument("--quiet", action="store_true")
    e.add_argument("--include-unreviewed", action="store_true", help="harvested data: also unreviewed items")
    _add_common(e)
    e.set_defaults(func=cmd_eval)

    sm = sub.add_parser("sim", help="a simulated Android phone on 127.0.0.1 for `adb connect`, showing ads")
    sm.add_argument("--port", type=int, default=0, help="TCP port (0: any free port, printed at start)")
    sm.add_argument("--scenario", default="default", help="default | skip | quiet | decoy")
    sm.add_argument("--events", default=None, help="write the phone's events here (JSON lines)")
    sm.add_argument("--seed", type=int, default=0)
    sm.add_argument("--size", default="1080x2400", help="physical size in portrait, e.g. 720x1600, 1440x3120")
    sm.add_argument("--rotation", type=int, choices=(0, 1, 2, 3), default=0, help="0..3 = 0/90/180/270 degrees")
    sm.add_argument("--override", default=None, help="`wm size` override, e.g. 720x1600")
    sm.add_argument("--seconds", type=number_in(0), default=0.0, help="stop after this long (0: at SIGINT/SIGTERM)")
    sm.add_argument("--corrupt", action="store_true", help="fault: damaged screencap output every other second")
    sm.add_argument("--blank", action="store_true", help="fault: the screen is black")
    sm.add_argument("--slow", type=number_in(0), default=0.0, help="fault: seconds each screencap takes")
    sm.add_argument("--rotate-at", default=None, help="fault: T:R turns the display to rotation R at T seconds")
    sm.add_argument("--override-at", default=None, help="fault: T:WxH sets a `wm size` override at T seconds")
    sm.set_defaults(func=cmd_sim)
    r = sub.add_parser("run", help="the daemon: close ads on devices through the adb server")
    r.add_argument(
        "--device", action="append", required=True, help="device serial (repeatable); host:port is connected"
    )
    r.add_argument("--dry-run", action="store_true", help="never send input; record detections and would-be taps")
    r.add_argument(
        "--duration",
        type=number_in(0, above=True),
        default=None,
        help="stop after this many seconds (default: run on)",
    )
    r.add_argument("--run-dir", default=None, help="where runs are recorded (default: agent.run_dir)")
    r.add_argument("--adb-host", default=None, help="adb server host (default: agent.adb.host)")
    r.add_argument("--adb-port", type=int, default=None, help="adb server port (default: agent.adb.port)")
    _add_common(r)
    r.set_defaults(func=cmd_run)

    dm = sub.add_parser("demo", help="simulated phone + real adb server + daemon; ends with a table")
    dm.add_argument("--seconds", type=number_in(0, above=True), default=60.0)
    dm.add_argument("--size", action="append", default=None, help="phone size (repeatable: one phone each)")
    dm.add_argument("--scenario", default="default")
    dm.add_argument("--seed", type=int, default=0)
    dm.add_argument("--dry-run", action="store_true")
    dm.add_argument("--run-dir", default=None)
    dm.add_argument("--adb-port", type=int, default=None, help="adb server port (default: agent.adb.port)")
    dm.add_argument("--json", action="store_true", help="also print the numbers as one JSON line")
    _add_common(dm)
    dm.set_defaults(func=cmd_demo)

    hv = sub.add_parser("harvest", help="turn the daemon's logged misses into a VOC dataset for review/retraining")
    hv.add_argument("run_dirs", nargs="+", help="run directories (or the runs/ folder holding them)")
    hv.add_argument("--out", type=Path, required=True, help="dataset folder (created or extended)")
    hv.add_argument("--quiet", action="store_true")
    hv.set_defaults(func=cmd_harvest)

    rv = sub.add_parser("review", help="a static HTML gallery of a harvested dataset")
    rv.add_argument("dataset", type=Path)
    rv.add_argument("--html", type=Path, default=None, help="output file (default: DATASET/review.html)")
    rv.set_defaults(func=cmd_review)

    lb = sub.add_parser("label", help="mark harvested items accepted or rejected")
    lb.add_argument("dataset", type=Path)
    lb.add_argument("--accept", nargs="+", metavar="ID")
    lb.add_argument("--reject", nargs="+", metavar="ID")
    lb.add_argument("--file", type=Path, help="lines 'accept ID' / 'reject ID'")
    lb.set_defaults(func=cmd_label)

    pr = sub.add_parser(
        "promote", help="install new weights only when they are no worse (false taps per set, screens tapped right)"
    )
    pr.add_argument("new", type=Path, help="the candidate weights file")
    pr.add_argument("--current", type=Path, default=None, help="the installed weights (default: detector.weights)")
    pr.add_argument("--data", type=Path, action="append", required=True, help="evaluation set (its val split)")
    pr.add_argument("--limit", type=at_least(0), default=0, help="val screens per set (0: all)")
    pr.add_argument("--dry-run", action="store_true", help="compare only")
    pr.add_argument("--config", type=Path, default=None)
    pr.add_argument(
        "--verifier", default=None, help="verifier for both, or 'none' (default: detector.verifier.weights)"
    )
    pr.add_argument(
        "--new-verifier",
        type=Path,
        default=None,
        help="a candidate verifier to promote with NEW (the pair is judged against the installed pair)",
    )
    pr.set_defaults(func=cmd_promote)

    pl = sub.add_parser(
        "prove-loop",
        help="run -> harvest -> label from the simulated phone's truth (test-only) -> fine-tune -> run again",
    )
    pl.add_argument("--seconds", type=number_in(0, above=True), default=120.0, help="length of each of the two runs")
    pl.add_argument("--seed", type=int, default=0)
    pl.add_argument("--size", default="1080x2400")
    pl.add_argument("--synth", type=Path, default=None, help="synthetic dataset for the mix (default: generate)")
    pl.add_argument("--synth-n", type=at_least(1), default=160, help="screens to generate when --synth is not given")
    pl.add_argument("--steps", type=at_least(1), default=150, help="fine-tuning steps")
    pl.add_argument("--harvest-repeat", type=at_least(1), default=3, help="each harvested item counts N times")
    pl.add_argument("--work", type=Path, default=None, help="output folder (default: RUN_DIR/prove-loop-<time>)")
    pl.add_argument("--json", action="store_true")
    pl.add_argument("--adb-host", default=None)
    pl.add_argument("--adb-port", type=int, default=None)
    _add_common(pl)
    pl.set_defaults(func=cmd_prove_loop)

    qz = sub.add_parser(
        "quantize", help="the network in 8-bit integers (NAME.int8.onnx beside the weights), calibrated on screens"
    )
    qz.add_argument("--data", action="append", required=True, help="VOC dataset folder of calibration screens")
    qz.add_argument("--split", default="train", help="which screens of --data (default: train)")
    qz.add_argument("--screens", type=at_least(1), default=64, help="calibration screens, the first N (default: 64)")
    qz.add_argument("--config", type=Path, default=None, help="config file (default: the repository's config.yaml)")
    qz.add_argument("--weights", type=Path, default=None, help="SSD weights (default: detector.weights in the config)")
    qz.add_argument("--quiet", action="store_true")
    qz.set_defaults(func=cmd_quantize)

    b = sub.add_parser("bench", help="ms per 1080x2400 frame, split by stage, vs. an OpenCV template matcher")
    b.add_argument("--frames", type=at_least(1), default=20, help="generated 1080x2400 frames timed (default: 20)")
    b.add_argument(
        "--template-frames",
        type=at_least(1),
        default=5,
        help="of those, frames spread over the run also timed through the template matcher, each right after "
        "closebot (default: 5)",
    )
    b.add_argument("--seed", type=int, default=123)
    b.add_argument("--no-rss", action="store_true", help="skip the peak-RSS measurement of `closebot detect`")
    b.add_argument("--json", action="store_true")
    _add_common(b)
    b.set_defaults(func=cmd_bench)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if getattr(args, "size", None) is None and args.func.__name__ == "cmd_demo":
        args.size = ["1080x2400"]
    try:
        return args.func(args)
    except ClosebotError as e:
        print(f"closebot: error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("closebot: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
