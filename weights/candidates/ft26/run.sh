#!/usr/bin/env bash
# ft26: ft25's recipe (the shipped SSD ft23 fine-tuned on synth8, synth7 and synth5's train split, band --ignore-iou
# 0.35, lr 2e-4, one epoch of 1000 steps, bf16, seed 24) on strips instead of squares: `--crop-shape strip`, the
# screen's short side whole at the engine's scale (1080 px -> 672 model px, 288 long), as `tile_shape: strip` cuts
# at inference; 2 strips a screen (16 a step, about the pixels of ft25's 32 squares). STEPS=N for a longer run.
# Run at commit f7bbb7b, when a strip mined as many background default boxes as one training square; since then
# it mines per area and this script trains what ft27/run.sh does.
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
source scripts/pinned.sh
init=$(pinned weights/closebot-ssd.pt 206c62a8d1be ft23)
out=${OUT:-runs/ft26}; mkdir -p $out
s=$(date +%s); echo "ssd started $s" >> $out/times.txt
closebot train --init $init --lr 2e-4 --data data/synth8 --data data/synth7 --data data/synth5 \
  --out $out/closebot-ssd.pt --ignore-iou 0.35 --epochs 1 --max-steps-per-epoch ${STEPS:-1000} --eval-screens 200 \
  --precision bf16 --seed 24 --crop-shape strip --crops-per-screen 2 >> $out/ssd.log 2>&1
echo "ssd $(( $(date +%s) - s ))" >> $out/times.txt
