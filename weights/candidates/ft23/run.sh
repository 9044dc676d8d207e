#!/usr/bin/env bash
# ft23 (shipped 2026-12-05): the close pills again, without touching anything else. ft19 (the whole of ft8
# fine-tuned with data/synth12's close pills) found more pills but added false taps on small square marks (counts
# like "x2", muted speakers' x, x in text): a fine-tune moves the features every small x is found with. Here only the
# heads' outputs for anchors wider than tall change (`closebot train --train-only wide-anchors`): the last 1x1
# convolutions, with the loss over those anchors alone and from wide objects only (a square x matched to a wide
# anchor is left out: detector.model.WIDE_OBJECT), batch norm frozen and no weight decay, so every square and tall
# anchor's score and box stays ft8's bit for bit. Data: ft19's recipe (scripts/pill-data.sh), 1000 steps.
#
# The other runs of this recipe (README "Measured", "Wide anchors only"; their results beside this file):
#   ft21: `git checkout 9e73b1b && bash weights/candidates/ft21/run.sh` (that commit's script, LR 1e-3, and its
#         loss, which also counted square objects matched to wide anchors)
#   ft22: `OUT=runs/ft22 LR=1e-3 bash weights/candidates/ft23/run.sh`
#   ft24: `OUT=runs/ft24 FROM=ft23 SEED=16 bash weights/candidates/ft23/run.sh` (ft23 trained 1000 steps more)
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
source scripts/pinned.sh
source scripts/pill-data.sh
case "${FROM:-ft8}" in
  ft8) init=$(pinned weights/closebot-ssd.pt 448bc8c835e7 ft8) ;;
  ft23) init=$(pinned weights/closebot-ssd.pt 206c62a8d1be ft23) ;;
  *) echo "$0: FROM must be ft8 or ft23, got $FROM" >&2; exit 2 ;;
esac
out=${OUT:-runs/ft23}; mkdir -p $out
pill_data  # ft19's training sets (scripts/pill-data.sh)
s=$(date +%s); echo "ssd started $s" >> $out/times.txt
closebot train --init $init --train-only wide-anchors --lr "${LR:-5e-4}" "${PILL_SETS[@]}" --out $out/closebot-ssd.pt \
  --ignore-iou 0.35 --epochs 1 --max-steps-per-epoch 1000 --eval-screens 200 --precision fp32 --seed "${SEED:-15}" \
  >> $out/ssd.log 2>&1
echo "ssd $(( $(date +%s) - s ))" >> $out/times.txt
