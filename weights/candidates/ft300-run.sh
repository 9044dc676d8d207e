#!/usr/bin/env bash
# Fine-tuning the shipped pair on a few hundred new screens, timed: the SSD, then the verifier on its candidates.
set -euo pipefail
cd /work/main
out=runs/ft300
t=$(date +%s)
closebot synth --out $out/data --n 300 --seed 43 --icons data/icons > $out/synth.log 2>&1
echo "synth $(( $(date +%s) - t ))" >> $out/times.txt
t=$(date +%s)
closebot train --data $out/data --init weights/closebot-ssd.pt --out $out/closebot-ssd.pt --epochs 3 --lr 5e-4 --seed 43 > $out/train.log 2>&1
echo "ssd $(( $(date +%s) - t ))" >> $out/times.txt
t=$(date +%s)
closebot train-verifier --data $out/data --detector-weights $out/closebot-ssd.pt --init weights/closebot-verifier.pt \
  --out $out/closebot-verifier.pt --epochs 4 --lr 5e-4 --seed 43 > $out/verifier.log 2>&1
echo "verifier $(( $(date +%s) - t ))" >> $out/times.txt
