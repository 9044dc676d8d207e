"""The close/skip labels of two renders of the same browser pages, box by box: data/webevalN as the sets are made,
and the same pages rendered with `scripts/webeval.py --label-shown` (a button whose plate does not show labelled by
what does).

Usage: python3 weights/candidates/shownplates/compare-labels.py OLD NEW [--list]
Prints how many button labels differ (with --list, each: screen, label, old box, new box, new area / old area) and,
of the first 20 screens, how many are the same picture pixel for pixel.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from detector.data import load_items  # noqa: E402


def main() -> int:
    old, new = (load_items([Path(a)], "val") for a in sys.argv[1:3])
    listed = "--list" in sys.argv
    changed = n = 0
    for a, b in zip(old, new, strict=True):
        assert a.image_id == b.image_id
        pairs = zip(
            [g for g in a.objects if g.label != "ja_char"], [g for g in b.objects if g.label != "ja_char"], strict=True
        )
        for g, h in pairs:
            n += 1
            if g.box != h.box:
                changed += 1
                if listed:
                    box = [round(v) for v in (g.box.x1, g.box.y1, g.box.x2, g.box.y2)]
                    seen = [round(v) for v in (h.box.x1, h.box.y1, h.box.x2, h.box.y2)]
                    print(a.image_id, g.label, box, seen, round(h.box.area / g.box.area, 2))
    print(changed, "of", n, "button labels changed")
    same = sum(
        np.array_equal(cv2.imread(str(a.image_path)), cv2.imread(str(b.image_path)))
        for a, b in list(zip(old, new, strict=True))[:20]
    )
    print(f"identical images of the first 20: {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
