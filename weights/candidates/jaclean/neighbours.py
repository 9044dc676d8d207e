"""Probe: does the ink beside a tapped mark tell "×10", a mute button's "speaker ×" or a "×" in a word from a close?

For the one tap per screen of a configuration (judge-policy.py's cached detections), measure on the screen the
share of each side window (left, right: one box side wide, the box's middle rows) covered by ink of the mark's own
colour (the colour at the box's centre, where an x's strokes cross) that stands out from the window's background.
Prints one line per tapped screen (set, image, outcome, label, score, box side, left and right ink shares) and a
summary of how many right taps and false taps a veto at each level would remove.

Usage: python weights/candidates/jaclean/neighbours.py --config C --data data/synth3 ... [--out FILE.tsv]
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from agent import judgecache as judge  # noqa: E402
from detector.evaluate import judge as judge_screen  # noqa: E402

INK = 60.0  # colour distance (RGB, 0-255) within which a pixel is the mark's ink
STANDOUT = 60.0  # the mark's colour must differ this much from a window's background for the window to count


def side_ink(img: np.ndarray, box, gap: float = 0.08, width: float = 1.0, rows: float = 0.6) -> tuple[float, float]:
    h, w = img.shape[:2]
    bw, bh = box.x2 - box.x1, box.y2 - box.y1
    s = max(bw, bh)
    cx, cy = (box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2
    r = max(1, int(round(s * 0.04)))
    core = img[max(0, int(cy) - r) : int(cy) + r + 1, max(0, int(cx) - r) : int(cx) + r + 1].reshape(-1, 3)
    ink = np.median(core, axis=0)
    y1, y2 = int(max(0, cy - rows * bh / 2)), int(min(h, cy + rows * bh / 2))
    out = []
    for x1, x2 in ((box.x1 - gap * s - width * s, box.x1 - gap * s), (box.x2 + gap * s, box.x2 + gap * s + width * s)):
        a, b = int(max(0, x1)), int(min(w, x2))
        if b - a < 2 or y2 - y1 < 2:
            out.append(0.0)
            continue
        win = img[y1:y2, a:b].reshape(-1, 3).astype(np.float32)
        bg = np.median(win, axis=0)
        if np.linalg.norm(ink - bg) < STANDOUT:
            out.append(0.0)
            continue
        near = np.linalg.norm(win - ink, axis=1) < INK
        out.append(float(near.mean()))
    return out[0], out[1]


def main() -> int:
    ap = judge.probe_arguments(__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    cfg, sets, cached = judge.cached_sets(args)
    lines = []
    for root, items in sets.items():
        for item, dets in zip(items, cached[root], strict=True):
            o = judge_screen(item, dets, cfg.policy)
            if o.tap is None:
                continue
            img = cv2.imread(str(item.image_path))[:, :, ::-1].astype(np.float32)
            left, right = side_ink(img, o.tap.box)
            s = max(o.tap.box.width, o.tap.box.height)
            lines.append((root.name, item.image_id, o.kind, o.tap.label, o.tap.score, s, left, right))
    rows = ["\t".join(str(round(v, 3)) if isinstance(v, float) else str(v) for v in line) for line in lines]
    if args.out:
        args.out.write_text("\n".join(rows) + "\n")
    for level in (0.02, 0.05, 0.1, 0.15, 0.2, 0.3):
        hit = [line for line in lines if line[3] == "close" and max(line[6], line[7]) >= level]
        right = sum(line[2] == "hit" for line in hit)
        wrong = sum(line[2] in ("false_tap", "wrong_button") for line in hit)
        print(f"veto at {level}: removes {right} right taps, {wrong} false taps")
    for line in lines:
        if line[2] in ("false_tap", "wrong_button"):
            print(*[round(v, 3) if isinstance(v, float) else v for v in line])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
