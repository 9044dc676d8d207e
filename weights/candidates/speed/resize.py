"""Probe: the frame's resize, most of closebot's pre-processing (README `closebot bench`: 9.4 ms). A 1080x2400 val
screen of synth3 resized to the strips' 672x1493 by cv2 INTER_AREA (what the engine and training do), INTER_LINEAR,
PIL's BOX filter (an area average too) and torch's antialiased bilinear; median ms of 30 (10 for torch), and how far
PIL's pixels are from OpenCV's:

    python3 weights/candidates/speed/resize.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import cv2
import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from detector.data import load_items, read_image  # noqa: E402


def median_ms(fn, n: int = 30) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return float(np.median(times))


def main() -> int:
    image = read_image(load_items([Path("data/synth3")], "val")[0].image_path)
    size = (672, 1493)
    print(f"{image.shape[1]}x{image.shape[0]} -> {size[0]}x{size[1]}, cv2 threads {cv2.getNumThreads()}")
    area = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    print(f"cv2 INTER_AREA   {median_ms(lambda: cv2.resize(image, size, interpolation=cv2.INTER_AREA)):.2f} ms")
    print(f"cv2 INTER_LINEAR {median_ms(lambda: cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)):.2f} ms")
    pil = Image.fromarray(image)
    box = np.asarray(pil.resize(size, Image.Resampling.BOX))
    diff = np.abs(box.astype(int) - area)
    print(
        f"PIL BOX          {median_ms(lambda: pil.resize(size, Image.Resampling.BOX)):.2f} ms "
        f"(against INTER_AREA: max {diff.max()}, mean {diff.mean():.2f}, "
        f"{100 * (diff > 1).mean():.1f}% off by more than 1)"
    )
    x = torch.from_numpy(image).permute(2, 0, 1)[None].float()
    aa = median_ms(lambda: torch.nn.functional.interpolate(x, size=size[::-1], mode="bilinear", antialias=True), n=10)
    print(f"torch bilinear, antialiased {aa:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
