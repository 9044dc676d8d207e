#!/usr/bin/env bash
# ft27: ft26 with background mined per area: a strip mines as many background default boxes as the 2.3 training
# squares of its area would (ft26, run before that change in `ClosebotSSD.native_loss`, mined as many as one square
# and tapped more Japanese text as a skip). Otherwise ft26's recipe: ft25's (the shipped SSD ft23 fine-tuned on
# synth8, synth7 and synth5's train split, band --ignore-iou 0.35, lr 2e-4, one epoch of 1000 steps, bf16, seed 24)
# on strips, `--crop-shape strip`, 2 a screen. STEPS=N for a longer run.
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
source scripts/pinned.sh
init=$(pinned weights/closebot-ssd.pt 206c62a8d1be ft23)
out=${OUT:-runs/ft27}; mkdir -p $out
s=$(date +%s); echo "ssd started $s" >> $out/times.txt
closebot train --init $init --lr 2e-4 --data data/synth8 --data data/synth7 --data data/synth5 \
  --out $out/closebot-ssd.pt --ignore-iou 0.35 --epochs 1 --max-steps-per-epoch ${STEPS:-1000} --eval-screens 200 \
  --precision bf16 --seed 24 --crop-shape strip --crops-per-screen 2 >> $out/ssd.log 2>&1
echo "ssd $(( $(date +%s) - s ))" >> $out/times.txt
