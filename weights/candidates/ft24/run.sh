#!/usr/bin/env bash
# ft24: ft23 (shipped 2026-12-05) trained another 1000 steps the same way (wide anchors only, ft19's data, LR 5e-4),
# seed 16. Of the 21 close-pill screens ft23 + v21 still misses, 10 are lost at the network and 9 score under the
# threshold, 2 at the verifier (weights/candidates/ft23/miss-stages.txt): the wide anchors have more to learn.
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
source scripts/pinned.sh
source scripts/pill-data.sh
init=$(pinned weights/closebot-ssd.pt 206c62a8d1be ft23)
out=${OUT:-runs/ft24}; mkdir -p $out
pill_data  # ft19's training sets (scripts/pill-data.sh)
s=$(date +%s); echo "ssd started $s" >> $out/times.txt
closebot train --init $init --train-only wide-anchors --lr "${LR:-5e-4}" "${PILL_SETS[@]}" --out $out/closebot-ssd.pt \
  --ignore-iou 0.35 --epochs 1 --max-steps-per-epoch 1000 --eval-screens 200 --precision fp32 --seed 16 \
  >> $out/ssd.log 2>&1
echo "ssd $(( $(date +%s) - s ))" >> $out/times.txt
