"""Probe: the screens where policy rule 5 (a close candidate scoring ``close_blocks_skip`` or more keeps a skip from
being tapped) changes the outcome, from judge-policy.py's cached detections (run it first). One line per screen: set,
screen, outcome with rule 5 and without it, the best qualifying skip's score, the blocking close's score and box, and
whether that close candidate sits on the screen's real close, elsewhere on a screen with a close, or on a screen with
none. Sorted by the outcome without the rule, then the skip's score.

    python3 weights/candidates/rule5/probe.py --config C --data data/synth7 --data data/synth8 ... [--limit 400]
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent import judgecache as jp  # noqa: E402
from detector.evaluate import judge  # noqa: E402
from policies.decide import qualifies  # noqa: E402


def main() -> int:
    args = jp.probe_arguments(__doc__.split("\n\n")[0]).parse_args()
    cfg, sets, cached = jp.cached_sets(args)
    off = dataclasses.replace(cfg.policy, close_blocks_skip=1.0)
    rows = []
    for r, items in sets.items():
        for it, dets in zip(items, cached[r], strict=True):
            with_rule, without = judge(it, dets, cfg.policy), judge(it, dets, off)
            if with_rule.kind == without.kind and with_rule.tap == without.tap:
                continue
            texts = [d.box for d in dets if d.label == "ja_char"]
            skip = max(d.score for d in dets if d.label == "skip" and qualifies(d, texts, cfg.policy))
            block = max(
                (d for d in dets if d.label == "close" and d.score >= cfg.policy.close_blocks_skip),
                key=lambda d: d.score,
            )
            closes = [g for g in it.objects if g.label == "close"]
            on_close = any(g.box.iou(block.box) > 0.3 or g.box.contains(*block.box.center) for g in closes)
            where = "blocker on real close" if on_close else ("close on screen" if closes else "no close")
            box = [round(v) for v in (block.box.x1, block.box.y1, block.box.x2, block.box.y2)]
            rows.append(
                (r.name, it.image_id, with_rule.kind, without.kind, round(skip, 3), round(block.score, 3), box, where)
            )
    for row in sorted(rows, key=lambda x: (x[3], -x[4])):
        print(*row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
