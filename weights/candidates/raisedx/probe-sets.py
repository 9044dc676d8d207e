"""A paired probe of the reading "the missed X's fill their plate": the same screens as a `closebot synth` val set,
with every close mark drawn or typed on a plate made 70-100% of the plate instead of 32-60% (the same random numbers
drawn, the mark's size mapped linearly from 0.32-0.6 to 0.7-1.0), so each close can be compared with itself.

Usage: python3 weights/candidates/raisedx/probe-sets.py OUT N SEED [CONDENSED [full|plain|high]]
(the val set of `closebot synth --n N --seed SEED --val-fraction 1 --icons data/icons [--condensed-x CONDENSED]`,
marks enlarged (``full``, the default), as drawn (``plain``) or enlarged and drawn high (``high``); run before
`closebot synth --raised-x` existed, which draws ``high`` marks as a share of its own)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from detector.synth import elements  # noqa: E402
from detector.synth.generate import synthesize  # noqa: E402

_plain = elements._mark_layer


def _full(size, mark, rng, pool, mark_frac, source):  # type: ignore[no-untyped-def]
    if mark_frac < 0.65:  # a mark on a plate (bare marks are drawn at 0.8-0.95 and left alone)
        mark_frac = 0.7 + (mark_frac - 0.32) / 0.28 * 0.3
    return _plain(size, mark, rng, pool, mark_frac, source)


def _high(size, mark, rng, pool, mark_frac, source):  # type: ignore[no-untyped-def]
    """As a Latin font's X set in a circle by a browser: the mark 60-75% of the plate and drawn high, its top at
    or over the plate's top edge (the line box puts the glyph above centre)."""
    if mark_frac >= 0.65:
        return _plain(size, mark, rng, pool, mark_frac, source)
    mark_frac = 0.6 + (mark_frac - 0.32) / 0.28 * 0.15
    layer, src = _plain(size, mark, rng, pool, mark_frac, source)
    out = layer.copy()
    out.paste((0, 0, 0, 0), (0, 0, *layer.size))
    out.alpha_composite(layer, (0, -round(layer.height * 0.2)))
    return out, f"{src}_high"


def main() -> int:
    out, n, seed = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    condensed = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    mode = sys.argv[5] if len(sys.argv) > 5 else "full"
    if mode != "plain":
        elements._mark_layer = {"full": _full, "high": _high}[mode]
    synthesize(out, n, seed, val_fraction=1.0, workers=2, icons=Path("data/icons"), condensed=condensed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
