#!/usr/bin/env bash
# v22: the shipped verifier (v21, all five networks) fine-tuned on ft12's candidates, so the pair is fitted together
set -euo pipefail
cd "$(dirname "$0")/../../../.."  # written in runs/v22/; kept in weights/candidates/ft12/v22/
out=runs/v22; mkdir -p $out
s=$(date +%s); echo "verifier started $s" >> $out/times.txt
closebot train-verifier --data data/synth8 --data data/synth7 --data data/synth5 \
  --detector-weights runs/ft12/closebot-ssd.pt --init weights/closebot-verifier.pt --out $out/closebot-verifier.pt \
  --screens 3000 --epochs 2 --lr 3e-4 --pairs 2 --pair-candidates --pills 1 --icons data/icons --seed 16 >> $out/verifier.log 2>&1
echo "verifier $(( $(date +%s) - s ))" >> $out/times.txt
