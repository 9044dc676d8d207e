#!/usr/bin/env bash
# ft28: the shipped SSD ft23 with only its heads' last 1x1 convolutions fine-tuned (`closebot train --train-only
# heads`: the features and batch norm frozen, no weight decay) on ft25's data (synth8, synth7, synth5's train split,
# band --ignore-iou 0.35, one epoch of 1000 steps, bf16), lr 5e-4 (ft23's for its wide anchors), seed 28. ft25, the
# whole network fine-tuned on the same data, tapped 6 screens more right and 7 more wrong on the six sets; a fine-tune
# that cannot move the features every small x is found with is what ft23 did for pills (docs/experiments.md).
# Usage: bash weights/candidates/ft28/run.sh   (OUT=DIR for another folder than runs/ft28; LR=, STEPS=)
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
source scripts/pinned.sh
init=$(pinned weights/closebot-ssd.pt 206c62a8d1be ft23)
out=${OUT:-runs/ft28}; mkdir -p $out
s=$(date +%s); echo "ssd started $s" >> $out/times.txt
closebot train --init $init --train-only heads --lr "${LR:-5e-4}" --data data/synth8 --data data/synth7 \
  --data data/synth5 --out $out/closebot-ssd.pt --ignore-iou 0.35 --epochs 1 --max-steps-per-epoch ${STEPS:-1000} \
  --eval-screens 200 --precision bf16 --seed 28 >> $out/ssd.log 2>&1
echo "ssd $(( $(date +%s) - s ))" >> $out/times.txt
