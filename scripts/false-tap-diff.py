"""List the screens a candidate taps wrong that the shipped pair does not, from judge-policy.py's cached detections.

Usage: python scripts/false-tap-diff.py --new-config C [--old-config config.yaml] --data data/synth3 --data ...
  [--limit 400] [--cache runs/policy] [--sheet FILE]
Run `python scripts/judge-policy.py` with both configs and the same --data/--limit first: this reads its caches and
runs no network. Prints one line per screen whose outcome became a false tap or a tap on the wrong button:
SET IMAGE OLD_KIND -> NEW_KIND new: TAP old: TAP. --sheet FILE also draws those screens in one PNG (`closebot eval
--sheet`'s picture: a crop around each new tap, ringed, with the screen's close and skip boxes in green).
--changes lists every screen whose outcome changed instead (SET IMAGE OLD -> NEW, "right" for a hit), the sheet
drawing each one as the configuration that got it wrong saw it ("lost" or "won" in its caption).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent import judgecache  # noqa: E402
from agent.config import load_config  # noqa: E402
from detector.data import load_items  # noqa: E402
from detector.evaluate import failure_cells, score  # noqa: E402
from detector.render import failure_sheet, save_png  # noqa: E402


def outcomes(config: Path, sets: dict[Path, list], limit: int, cache: Path) -> dict[tuple[str, str], dict]:
    """(set, image) -> the failure record of `closebot eval` (kind and tap) for every screen not tapped right."""
    policy = load_config(config).policy
    out = {}
    for root, dets in judgecache.cached_detections(config, sets, limit, cache).items():
        report = score(sets[root], dets, policy, len(sets[root]), with_ap=False)
        out.update({(root.name, f["image"]): f for f in report.failures})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--new-config", type=Path, required=True)
    ap.add_argument("--old-config", type=Path, default=Path("config.yaml"))
    ap.add_argument("--data", action="append", required=True, type=Path)
    ap.add_argument("--limit", type=int, default=400)
    ap.add_argument("--cache", type=Path, default=Path("runs/policy"))
    ap.add_argument("--sheet", type=Path, help="also write the newly wrong screens as one PNG here")
    ap.add_argument("--changes", action="store_true", help="every screen whose outcome changed, won or lost")
    args = ap.parse_args()
    sets = {root: load_items([root], "val")[: args.limit] for root in args.data}
    old = outcomes(args.old_config, sets, args.limit, args.cache)
    new = outcomes(args.new_config, sets, args.limit, args.cache)
    if args.changes:
        return changes(old, new, sets, args.sheet)
    newly_wrong = []
    for k in sorted(new):
        was, now = old.get(k, {}).get("kind", "hit or no tap"), new[k]["kind"]
        if now in ("false_tap", "wrong_button") and was != now:
            print(f"{k[0]} {k[1]} {was} -> {now} new: {new[k].get('tap')} old: {old.get(k, {}).get('tap')}")
            newly_wrong.append(k)
    if args.sheet:
        if not newly_wrong:
            print(f"false-tap-diff: no screen newly tapped wrong; {args.sheet} not written", file=sys.stderr)
            return 0
        cells = itertools.chain.from_iterable(
            failure_cells([new[k] for k in newly_wrong if k[0] == root.name], items) for root, items in sets.items()
        )
        save_png(failure_sheet(cells), args.sheet)
        print(f"false-tap-diff: {args.sheet}: {len(newly_wrong)} screens", file=sys.stderr)
    return 0


def changed_screens(old: dict, new: dict) -> list[tuple[tuple[str, str], str, str, str, dict]]:
    """(key, outcome before, outcome now, what, record) for every screen whose outcome differs ("right" for a hit):
    what is "won" (now right), "lost" (was right) or "changed" (wrong both times, another way: a wrong tap become a
    miss, say); record is the failure of the configuration that did not tap it right (now, unless it was won)."""
    out = []
    for k in sorted(set(old) | set(new)):
        was, now = old.get(k, {}).get("kind", "right"), new.get(k, {}).get("kind", "right")
        if was != now:
            what = "won" if now == "right" else "lost" if was == "right" else "changed"
            out.append((k, was, now, what, old[k] if now == "right" else new[k]))
    return out


def changes(old: dict, new: dict, sets: dict[Path, list], sheet: Path | None) -> int:
    """Print every screen whose outcome differs between the two configurations; draw them into ``sheet``, each as
    the configuration that did not tap it right saw it, "won", "lost" or "changed" in its caption."""
    changed = changed_screens(old, new)
    for k, was, now, _, _ in changed:
        print(f"{k[0]} {k[1]} {was} -> {now}")
    if sheet and changed:
        by_name = {root.name: items for root, items in sets.items()}
        cells = (
            replace(cell, caption=f"{what} {cell.caption}")
            for k, _, _, what, record in changed
            for cell in failure_cells([record], by_name[k[0]])
        )
        save_png(failure_sheet(cells, cell_px=260, cols=6, crop=0.3), sheet)
        print(f"false-tap-diff: {sheet}: {len(changed)} screens", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
