"""webeval12 (web fonts no other set uses) against webeval12s (the same pages in the system fonts), screen by screen:
what `closebot eval` failed on each (its --report files), the screens whose outcome differs, and the counts.

    python3 weights/candidates/freshfonts/pairs.py weights/eval-web12.json weights/eval-web12s.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def outcomes(report: Path) -> dict[str, str]:
    """Screen id -> how it failed ("miss", "false_tap", "wrong_button" and the tap); screens not listed were right."""
    out = {}
    for f in json.loads(report.read_text())["failures"]:
        tap = f["tap"]
        out[Path(f["image"]).stem] = f["kind"] + (f" ({tap['label']} {tap['score']:.2f})" if tap else "")
    return out


def main() -> None:
    fresh, own = (outcomes(Path(p)) for p in sys.argv[1:3])
    changed = sorted(k for k in set(fresh) | set(own) if fresh.get(k) != own.get(k))
    print(f"{'screen':<14} {'web fonts (webeval12)':<32} system fonts (webeval12s)")
    for k in changed:
        print(f"{k:<14} {fresh.get(k, 'right'):<32} {own.get(k, 'right')}")
    right_fresh_only = sum(1 for k in changed if k not in fresh)
    right_own_only = sum(1 for k in changed if k not in own)
    print(
        f"{len(changed)} screens differ; right with the web fonts only: {right_fresh_only}, "
        f"with the system fonts only: {right_own_only}; failed on both: {len(set(fresh) & set(own))}"
    )


if __name__ == "__main__":
    main()
