#!/usr/bin/env bash
# ft12c: the control for ft12, the same fine-tune without --ignore-iou
set -euo pipefail
cd "$(dirname "$0")/../../../.."  # written in runs/ft12c/; kept in weights/candidates/ft12/control/
out=runs/ft12c; mkdir -p $out
sets=(--data data/synth3tr --data data/synth4tr --data data/synth5 --data data/synth7 --data data/synth8 --data data/synth10)
s=$(date +%s); echo "ssd started $s" >> $out/times.txt
closebot train --init weights/closebot-ssd.pt --lr 5e-4 "${sets[@]}" --out $out/closebot-ssd.pt \
  --epochs 2 --max-steps-per-epoch 1200 --eval-screens 200 --precision bf16 --seed 12 >> $out/ssd.log 2>&1
echo "ssd $(( $(date +%s) - s ))" >> $out/times.txt
