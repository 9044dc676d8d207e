"""How often the browser sets' muted-speaker icons are tapped: every muted-speaker icon a page of scripts/webeval.py
drew as a negative (bootstrap volume-mute-fill, remixicon volume-mute-fill, heroicons speaker-x-mark; matched by
their drawing in the inlined SVG), its box on the screen (its CSS position and size x 3), and whether the shipped
policy's tap on that screen (judge-policy's cached detections), judged wrong, lands in it. A target number for work
on the browser sets' most frequent false tap. Runs no network.

    python3 weights/candidates/muteapart/muted.py --config runs/current.yaml --data data/webeval \
        --data data/webeval8 ...
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from agent.judgecache import cached_sets, probe_arguments  # noqa: E402
from detector.evaluate import judge  # noqa: E402

ICONS = Path("/tmp/closebot-webeval-icons/node_modules")
MUTED = (
    "bootstrap-icons/icons/volume-mute-fill.svg",
    "remixicon/icons/Media/volume-mute-fill.svg",
    "heroicons/24/solid/speaker-x-mark.svg",
)
PLACED = re.compile(
    r'<div style="position:absolute;left:([\d.]+)px;top:([\d.]+)px">'
    r'<svg style="width:([\d.]+)px;[^>]*>(.*?)</svg>',
    re.S,
)
SCALE = 3  # device px per CSS px (detector.synth.browser)


def drawing(svg: str) -> str:
    m = re.search(r'\sd="([^"]{0,60})', re.sub(r"<!--.*?-->", "", svg, flags=re.S))
    return m.group(1) if m else "?"


def muted_boxes(page: str, prints: set[str]) -> list[tuple[float, float, float, float]]:
    """Screen boxes (device px) of the muted-speaker icons the page placed."""
    out = []
    for left, top, px, body in PLACED.findall(page):
        if drawing(body) in prints:
            x, y, s = float(left) * SCALE, float(top) * SCALE, float(px) * SCALE
            out.append((x, y, x + s, y + s))
    return out


def main() -> None:
    args = probe_arguments(__doc__).parse_args()
    cfg, sets, cached = cached_sets(args)
    prints = {drawing((ICONS / rel).read_text()) for rel in MUTED}
    total_screens = total_tapped = 0
    for root, items in sets.items():
        screens, tapped = 0, []
        for it, dets in zip(items, cached[root], strict=True):
            boxes = muted_boxes((root / "html" / f"{it.image_id}.html").read_text(), prints)
            if not boxes:
                continue
            screens += 1
            verdict = judge(it, dets, cfg.policy)
            tap = verdict.tap
            if tap is None or verdict.kind not in ("false_tap", "wrong_button"):
                continue  # a tap on the target counts as right even where an icon overlaps the button
            for x1, y1, x2, y2 in boxes:
                p = 0.1 * (x2 - x1)
                if x1 - p <= tap.x <= x2 + p and y1 - p <= tap.y <= y2 + p:
                    tapped.append(f"{it.image_id} ({tap.label} {tap.score:.2f})")
                    break
        total_screens, total_tapped = total_screens + screens, total_tapped + len(tapped)
        where = ", ".join(tapped)
        print(f"{root.name}: {screens} screens with a muted speaker, tapped wrong on {len(tapped)}: {where}")
    print(f"all: {total_screens} screens with a muted speaker, tapped wrong on {total_tapped}")


if __name__ == "__main__":
    main()
