"""The screens policy rule 5 decides (a skip held back by a close candidate scoring `close_blocks_skip` or more), what
holds each skip back, and whether a test on the blocker would tell the blockers to keep from those to let go.

For each screen of the sets whose outcome changes with rule 5 turned off (`close_blocks_skip` 1.01): the outcome
without it (hit: the skip tap would be right; wrong_button: a close was there and missed), and for each blocker its
score, whether it lies on a labelled close, the shipped closer look's best close on its box (`Detector.look_closer`
without `accept`, verified) and the pixel tests of `detector.glyphs` (`bare_mark_in_row` and `glyph_beside`, reach
0.5 and 1). Then, per test, what rule 5 with blockers that pass the test exempted would change: the skips it lets go
that are right and wrong. Writes a sheet of the blockers (`detector.render.failure_sheet`; green: the blocker's
box) to --sheet. Run with rule 5 as it was before `policy.close_on_skip_iou` (runs/onskip0.yaml: config.yaml with
absolute weight paths and that key 0).

    python3 weights/candidates/browsermiss/rule5.py --config runs/onskip0.yaml --data data/synth7 --data data/synth8 \
        --data data/synth3 --data data/webeval --data data/synth4 --data data/synth5 --data data/synth9 \
        --data data/webeval8 --data data/webeval9 --data data/webeval10 \
        --sheet weights/candidates/browsermiss/blockers.png
"""

from __future__ import annotations

import collections
import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from agent.judgecache import cached_sets, probe_arguments  # noqa: E402
from detector.engine import Detector  # noqa: E402
from detector.evaluate import judge  # noqa: E402
from detector.glyphs import bare_mark_in_row, glyph_beside  # noqa: E402
from detector.images import load_rgb  # noqa: E402
from detector.render import SheetCell, failure_sheet, save_png  # noqa: E402
from detector.types import GroundTruth  # noqa: E402

TESTS = {
    "bare+glyph 0.5": lambda im, b: bare_mark_in_row(im, b, 0.5),
    "bare+glyph 1": lambda im, b: bare_mark_in_row(im, b, 1.0),
    "glyph 0.5": lambda im, b: glyph_beside(im, b, 0.5),
    "glyph 1": lambda im, b: glyph_beside(im, b, 1.0),
}


def main() -> None:
    ap = probe_arguments(__doc__.split("\n\n")[0])
    ap.add_argument("--sheet", type=Path, required=True)
    args = ap.parse_args()
    cfg, sets, cached = cached_sets(args)
    off = dataclasses.replace(cfg.policy, close_blocks_skip=1.01)  # no score blocks a skip
    d = cfg.detector
    det = Detector.load(d.weights, d.inference, d.verifier_weights())
    match = d.inference.zoom.match_iou
    let_go = {name: collections.Counter() for name in TESTS}
    cells, decided = [], collections.Counter()
    for root, items in sets.items():
        for it, dets in zip(items, cached[root], strict=True):
            without = judge(it, dets, off).kind
            if judge(it, dets, cfg.policy).kind == without:
                continue
            decided[f"{root.name} {without}"] += 1
            image = load_rgb(it.image_path)
            blockers = [x for x in dets if x.label == "close" and x.score >= cfg.policy.close_blocks_skip]
            zoomed = det.look_closer(image, [x.box for x in blockers])
            print(f"{root.name} {it.image_id} without rule 5: {without}")
            for x in blockers:
                on = any(g.label == "close" and g.box.contains(*x.box.center) for g in it.objects)
                look = max((z.score for z in zoomed if z.label == "close" and z.box.iou(x.box) >= match), default=0.0)
                said = " ".join(f"{name}={'Y' if t(image, x.box) else '.'}" for name, t in TESTS.items())
                print(f"  blocker {x.score:.2f} on a close: {'yes' if on else 'no '} closer look {look:.2f}  {said}")
                caption = f"{it.image_id} {without[:5]} {x.score:.2f}"
                cells.append(SheetCell(image, (GroundTruth(x.box, "close"),), None, caption))
            for name, test in TESTS.items():
                if all(test(image, x.box) for x in blockers):  # every blocker exempt: the skip is tapped
                    let_go[name][without] += 1
    print("\nscreens rule 5 decides, by set and outcome without it:", dict(sorted(decided.items())))
    print("blockers exempted when the test says yes: skips let go that are right (hit) and wrong (wrong_button)")
    for name, c in let_go.items():
        print(f"  {name:16} right {c['hit']:2}  wrong {c['wrong_button']:2}")
    save_png(failure_sheet(cells, cell_px=260, cols=8, crop=0.3), args.sheet)


if __name__ == "__main__":
    main()
