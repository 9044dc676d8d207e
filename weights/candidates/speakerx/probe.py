"""Probe: the speaker check on judge-policy.py's cached detections of a configuration. Every close detection scoring
at least --from is shown to the check (its window on the screen, data.window); where the check says "the x of a muted
speaker" with at least a level's probability, the detection is either dropped (``drop``: it no longer holds a skip
back under policy rule 5 either) or kept under the tap threshold (``demote``: its score set just under
policy.close_threshold, so it is never tapped but still holds a skip back). Every screen is judged again with the
configuration's policy. Prints per level and mode right / false taps in all and per set, the change against no check
(C) with its 95% paired interval, and the Japanese-text screens without a target that are clean; with --show, first
the screens a level changes.

Usage: python weights/candidates/speakerx/probe.py --config C --check FILE.pt --data data/synth7 ... [--levels ...]
"""

from __future__ import annotations

import pickle
import sys
from dataclasses import replace
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent import judgecache as judge  # noqa: E402
from detector.evaluate import judge as judge_screen  # noqa: E402
from detector.speaker import SpeakerCheck  # noqa: E402


def ja_clean(sets, dets, cfg) -> str:
    """Screens of the generator's held-out sets (synth7 and synth8 are the thresholds' own) with Japanese text and no
    target that have nothing at a tap threshold, as `closebot eval` counts them."""
    clean = total = 0
    for root, items in sets.items():
        if root.name.startswith("synth") and root.name not in ("synth7", "synth8"):
            for it, d in zip(items, dets[root], strict=True):
                o = judge_screen(it, d, cfg.policy)
                if o.has_ja and not (o.has_close or o.has_skip):
                    total += 1
                    clean += not o.stray_at_threshold
    return f"{clean} of {total}"


def main() -> int:
    ap = judge.probe_arguments(__doc__.split("\n\n")[0])
    ap.add_argument("--check", type=Path, required=True)
    ap.add_argument("--from", dest="low", type=float, default=0.3)
    ap.add_argument("--levels", default="0.5,0.7,0.9,0.97,0.99")
    ap.add_argument("--cache-file", type=Path)
    ap.add_argument("--show", help="MODE:LEVEL, e.g. demote:0.9: list the screens it changes")
    args = ap.parse_args()
    cfg, sets, cached = judge.cached_sets(args)
    check = SpeakerCheck.load(args.check)
    probs: dict = {}
    if args.cache_file and args.cache_file.exists():
        probs = pickle.loads(args.cache_file.read_bytes())
    for root, items in sets.items():
        for item, dets in zip(items, cached[root], strict=True):
            need = [d for d in dets if d.label == "close" and d.score >= args.low]
            need = [d for d in need if (root.name, item.image_id, d.box) not in probs]
            if not need:
                continue
            img = cv2.imread(str(item.image_path), cv2.IMREAD_COLOR)[:, :, ::-1].copy()
            p = check.probabilities(img, [d.box for d in need])
            for d, v in zip(need, p, strict=True):
                probs[(root.name, item.image_id, d.box)] = float(v)
    if args.cache_file:
        args.cache_file.write_bytes(pickle.dumps(probs))
    under = cfg.policy.close_threshold - 1e-3

    def checked(name, item, dets, mode, level):
        out = []
        for d in dets:
            p = probs.get((name, item.image_id, d.box), 0.0) if d.label == "close" and d.score >= args.low else 0.0
            if p >= level:
                if mode == "drop":
                    continue
                d = replace(d, score=min(d.score, under))
            out.append(d)
        return out

    judge.print_judged("none (C)", sets, cached, cached, cfg.policy)
    for mode, level in [(m, float(v)) for m in ("drop", "demote") for v in args.levels.split(",")]:
        joined = {
            root: [checked(root.name, it, d, mode, level) for it, d in zip(items, cached[root], strict=True)]
            for root, items in sets.items()
        }
        show = f"{mode} {level:g} " if args.show == f"{mode}:{level:g}" else None
        judge.print_judged(f"{mode} {level:g}", sets, cached, joined, cfg.policy, show)
        print(f"  Japanese-text screens clean: {ja_clean(sets, cached, cfg)} -> {ja_clean(sets, joined, cfg)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
