#!/usr/bin/env bash
# ft26: ft25's recipe (ft25/run.sh: the shipped SSD ft23 fine-tuned on synth8, synth7 and synth5's train split, band
# --ignore-iou 0.35, lr 2e-4, one epoch of 1000 steps, bf16, seed 24) on strips instead of squares: `--crop-shape
# strip`, the screen's short side whole at the engine's scale (1080 px -> 672 model px, 288 long), as `tile_shape:
# strip` cuts at inference; 2 strips a screen (16 a step, about the pixels of ft25's 32 squares). STEPS=N for a longer
# run. Run at commit f7bbb7b, when a strip mined as many background default boxes as one training square; since then
# it mines per area and this script trains what ft27/run.sh does.
set -euo pipefail
OUT=${OUT:-runs/ft26} exec bash "$(dirname "$0")/../ft25/run.sh" --crop-shape strip --crops-per-screen 2
