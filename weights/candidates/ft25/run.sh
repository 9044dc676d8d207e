#!/usr/bin/env bash
# ft25: the shipped SSD ft23 fine-tuned on the full training sets on this machine (synth8, synth7, synth5's train
# split), ft16's settings otherwise (band --ignore-iou 0.35, lr 2e-4, one epoch of 1000 steps), bf16, seed 24: the
# fine-tune that a weight interpolation with ft23 (WiSE-FT) is probed on. Arguments go on to `closebot train`
# (ft26/run.sh adds the strips'); STEPS=N for another number of steps.
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
source scripts/pinned.sh
init=$(pinned weights/closebot-ssd.pt 206c62a8d1be ft23)
out=${OUT:-runs/ft25}; mkdir -p $out
s=$(date +%s); echo "ssd started $s" >> $out/times.txt
closebot train --init $init --lr 2e-4 --data data/synth8 --data data/synth7 --data data/synth5 \
  --out $out/closebot-ssd.pt --ignore-iou 0.35 --epochs 1 --max-steps-per-epoch ${STEPS:-1000} --eval-screens 200 \
  --precision bf16 --seed 24 "$@" >> $out/ssd.log 2>&1
echo "ssd $(( $(date +%s) - s ))" >> $out/times.txt
