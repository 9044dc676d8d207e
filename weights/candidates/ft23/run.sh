#!/usr/bin/env bash
# ft23: the close pills again, without touching anything else. ft19 (the whole of ft8 fine-tuned with
# data/synth12's close pills) found more pills but added false taps on small square marks (counts like "x2", muted
# speakers' x, x in text): a fine-tune moves the features every small x is found with. Here only the heads' outputs for anchors
# wider than tall change (`closebot train --train-only wide-anchors`): the last 1x1 convolutions, with the loss over
# those anchors alone, batch norm frozen and no weight decay, so every square and tall anchor's score and box stays
# ft8's bit for bit. Data: ft19's recipe (ft16/run.sh's sets plus synth12 twice), 1000 steps, seed 15.
# The wide anchors learn from wide objects only (a square x matched to a wide anchor is left out of the loss:
# detector.model.WIDE_OBJECT). ft21 (weights/candidates/ft21/) and ft22 were this at LR 1e-3.
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
source scripts/pinned.sh
source scripts/pill-data.sh
init=$(pinned weights/closebot-ssd.pt 448bc8c835e7 ft8)
out=${OUT:-runs/ft23}; mkdir -p $out
pill_data  # ft19's training sets (scripts/pill-data.sh)
s=$(date +%s); echo "ssd started $s" >> $out/times.txt
closebot train --init $init --train-only wide-anchors --lr "${LR:-5e-4}" "${PILL_SETS[@]}" --out $out/closebot-ssd.pt \
  --ignore-iou 0.35 --epochs 1 --max-steps-per-epoch 1000 --eval-screens 200 --precision fp32 --seed 15 \
  >> $out/ssd.log 2>&1
echo "ssd $(( $(date +%s) - s ))" >> $out/times.txt
