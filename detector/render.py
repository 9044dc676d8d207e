"""Pictures for people: a screen with its detections, labels, scores and the tap point."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from detector.types import Detection
from policies.decide import TapDecision

COLORS = {"close": (230, 40, 40), "skip": (40, 180, 40), "ja_char": (60, 120, 255)}  # RGB


def annotate(image: np.ndarray, detections: list[Detection], tap: TapDecision | None) -> np.ndarray:
    """A copy of the RGB ``image`` with boxes (ja_char thin), ``label score`` captions and a crosshair at the tap."""
    out = image.copy()
    scale = max(1.0, min(out.shape[:2]) / 1080)
    for d in sorted(detections, key=lambda d: d.label != "ja_char"):
        color = COLORS.get(d.label, (255, 255, 0))
        x1, y1, x2, y2 = (int(round(v)) for v in (d.box.x1, d.box.y1, d.box.x2, d.box.y2))
        thick = 1 if d.label == "ja_char" else max(2, int(3 * scale))
        cv2.rectangle(out, (x1, y1), (x2, y2), color, thick, cv2.LINE_AA)
        if d.label != "ja_char":
            text = f"{d.label} {d.score:.2f}"
            fs = 0.8 * scale
            (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, fs, 2)
            ty = y1 - 6 if y1 - th - 8 > 0 else y2 + th + 6
            cv2.rectangle(out, (x1, ty - th - 4), (x1 + tw + 4, ty + 4), color, -1)
            cv2.putText(out, text, (x1 + 2, ty), cv2.FONT_HERSHEY_SIMPLEX, fs, (255, 255, 255), 2, cv2.LINE_AA)
    if tap is not None:
        r = int(18 * scale)
        for color, w in (((0, 0, 0), 7), ((255, 230, 0), 3)):
            cv2.circle(out, (tap.x, tap.y), r, color, w, cv2.LINE_AA)
            cv2.line(out, (tap.x - 2 * r, tap.y), (tap.x + 2 * r, tap.y), color, w, cv2.LINE_AA)
            cv2.line(out, (tap.x, tap.y - 2 * r), (tap.x, tap.y + 2 * r), color, w, cv2.LINE_AA)
    return out


def save_png(image: np.ndarray, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.png")
    if not cv2.imwrite(str(tmp), cv2.cvtColor(image, cv2.COLOR_RGB2BGR)):
        raise OSError(f"cannot write {path}")
    tmp.replace(path)
