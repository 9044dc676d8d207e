#!/usr/bin/env bash
# ft29 / ft30: the shipped SSD ft23 fine-tuned, every layer, on a pool drawn like ft23's (draw.sh: synth3tr,
# synth11, synth5 and synth7's train screens, synth12, web1; fewer screens of each), ft25's settings (band
# --ignore-iou 0.35, lr 2e-4, one epoch of 1000 steps), fp32 (an AVX2-only CPU), seed 29; ft29 with `--mirror 0.5`
# (half the training tiles holding closes only mirrored left to right), ft30 without (its control).
# Usage: bash weights/candidates/mirror-train/run.sh OUT [closebot train args...]
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
source scripts/pinned.sh
init=$(pinned weights/closebot-ssd.pt 206c62a8d1be ft23)
out=$1; shift; mkdir -p "$out"
[ -f data/ft29/val/meta.jsonl ] || closebot synth --out data/ft29/val --n 240 --val-fraction 0.5 --seed 67 \
  --icons data/icons --workers 2 --quiet >/dev/null
s=$(date +%s); echo "ssd started $s" >> "$out/times.txt"
closebot train --init "$init" --lr 2e-4 --data data/ft29/synth3tr --data data/ft29/synth11 --data data/ft29/synth5tr \
  --data data/ft29/synth7tr --data data/ft29/synth12 --data data/ft29/web1 --data data/ft29/val \
  --out "$out/closebot-ssd.pt" --ignore-iou 0.35 --epochs 1 --max-steps-per-epoch 1000 --eval-screens 120 \
  --seed 29 --quiet "$@" >> "$out/ssd.log" 2>&1
echo "ssd $(( $(date +%s) - s ))" >> "$out/times.txt"
