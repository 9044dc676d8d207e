#!/usr/bin/env bash
# ft12: the shipped SSD (ft8) fine-tuned with near-miss anchors (IoU 0.35-0.5) ignored instead of mined as background
set -euo pipefail
cd "$(dirname "$0")/../../.."  # written in runs/ft12/; kept in weights/candidates/ft12/
out=runs/ft12; mkdir -p $out
sets=(--data data/synth3tr --data data/synth4tr --data data/synth5 --data data/synth7 --data data/synth8 --data data/synth10)
s=$(date +%s); echo "ssd started $s" >> $out/times.txt
closebot train --init weights/closebot-ssd.pt --lr 5e-4 "${sets[@]}" --out $out/closebot-ssd.pt --ignore-iou 0.35 \
  --epochs 2 --max-steps-per-epoch 1200 --eval-screens 200 --precision bf16 --seed 12 >> $out/ssd.log 2>&1
echo "ssd $(( $(date +%s) - s ))" >> $out/times.txt
