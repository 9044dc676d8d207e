"""Probe: a last look before a tap. A wide-window network (``--look FILE``, a verifier file) scores every close/skip
detection that could be tapped (at least ``--from``) on judge-policy.py's cached detections of a configuration, and
a detection it gives less than a veto level for its label is dropped; every screen is judged again with the
configuration's policy. Prints, per veto level, right / false taps per set and in all, the change against no veto
with its 95% paired interval, and the Japanese-text screens without a target that are clean; then the screens a
level changes. The network's probabilities are computed once per detection (cached in --cache-file).

Usage: python weights/candidates/jaclean/veto-probe.py --config C --look FILE --data data/synth7 ... [--levels ...]
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent import judgecache as judge  # noqa: E402
from detector.evaluate import judge as judge_screen  # noqa: E402
from detector.evaluate import tap_change  # noqa: E402
from detector.promote import judged  # noqa: E402
from detector.verifier import VERIFIER_CLASSES, Verifier  # noqa: E402


def main() -> int:
    ap = judge.probe_arguments(__doc__.split("\n\n")[0])
    ap.add_argument("--look", type=Path, required=True)
    ap.add_argument("--from", dest="low", type=float, default=0.6)
    ap.add_argument("--levels", default="0.01,0.02,0.05,0.1,0.2,0.3")
    ap.add_argument("--cache-file", type=Path)
    ap.add_argument("--show", type=float, help="list the screens this level changes")
    args = ap.parse_args()
    cfg, sets, cached = judge.cached_sets(args)
    look = Verifier.load(args.look)
    probs: dict = {}
    if args.cache_file and args.cache_file.exists():
        probs = pickle.loads(args.cache_file.read_bytes())
    for root, items in sets.items():
        for item, dets in zip(items, cached[root], strict=True):
            boxes = [d for d in dets if d.label in ("close", "skip") and d.score >= args.low]
            need = [d for d in boxes if (root.name, item.image_id, d.box) not in probs]
            if not need:
                continue
            img = cv2.imread(str(item.image_path), cv2.IMREAD_COLOR)[:, :, ::-1].copy()
            p = look.box_probabilities(img, [d.box for d in need])
            for d, row in zip(need, p, strict=True):
                probs[(root.name, item.image_id, d.box)] = row
    if args.cache_file:
        args.cache_file.write_bytes(pickle.dumps(probs))

    def vetoed(name, item, dets, level):
        out = []
        for d in dets:
            if d.label in ("close", "skip") and d.score >= args.low:
                p = float(probs[(name, item.image_id, d.box)][VERIFIER_CLASSES.index(d.label)])
                if p < level:
                    continue
            out.append(d)
        return out

    levels = [0.0] + [float(v) for v in args.levels.split(",")]
    base = None
    for level in levels:
        rows, ja_total, ja_clean = [], 0, 0
        for root, items in sets.items():
            dets = [vetoed(root.name, it, d, level) for it, d in zip(items, cached[root], strict=True)]
            rows.append(judged(root.name, items, dets, cfg.policy))
            if root.name.startswith("synth") and root.name not in ("synth7", "synth8"):
                for it, d in zip(items, dets, strict=True):
                    o = judge_screen(it, d, cfg.policy)
                    if o.has_ja and not (o.has_close or o.has_skip):
                        ja_total += 1
                        ja_clean += not o.stray_at_threshold
        line = " ".join(f"{r.name} {r.hits}/{r.false_taps}" for r in rows)
        hits, false = sum(r.hits for r in rows), sum(r.false_taps for r in rows)
        pairs = [] if base is None else [(list(a.kinds), list(b.kinds)) for a, b in zip(base, rows, strict=True)]
        change = "" if base is None else f"; {tap_change(pairs)}"
        print(f"veto {level:g}: {line}; all {hits}/{false}{change}; ja clean {ja_clean}/{ja_total}", flush=True)
        if base is None:
            base = rows
        if args.show is not None and abs(level - args.show) < 1e-9:
            for before, after in zip(base, rows, strict=True):
                for it, a, b in zip(sets_items(sets, before.name), before.kinds, after.kinds, strict=True):
                    if a != b:
                        print(f"  {before.name} {it.image_id}: {a} -> {b}")
    return 0


def sets_items(sets, name):
    return next(items for root, items in sets.items() if root.name == name)


if __name__ == "__main__":
    raise SystemExit(main())
