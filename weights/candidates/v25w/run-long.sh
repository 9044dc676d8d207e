#!/usr/bin/env bash
# v25w2: v25w (run.sh first) trained on for 12 more epochs on the same crops (the crop cache is reused; the pasted
# pairs and pills are drawn anew): after 4 epochs its validation loss was still falling (0.61, 0.53, 0.49, 0.48) and
# it was far weaker than the square networks on the same crops (close recall 0.79 against v24's 0.91).
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
source scripts/pinned.sh
ssd=$(pinned weights/closebot-ssd.pt 448bc8c835e7 ft8)
[ -f runs/v25w/closebot-verifier.pt ] || { echo "$0: no runs/v25w/closebot-verifier.pt: run v25w/run.sh first" >&2; exit 2; }
out=runs/v25w2; mkdir -p $out
s=$(date +%s)
closebot train-verifier --data data/synth11 --data data/synth8 --data data/synth7 --data data/synth5 \
  --detector-weights $ssd --init runs/v25w/closebot-verifier.pt \
  --screens 4000 --pairs 1 --pills 1 --pair-candidates --icons data/icons \
  --epochs 12 --lr 1e-3 --seed 25 --out $out/closebot-verifier.pt > $out/log 2>&1
echo "v25w2 $(( $(date +%s) - s ))" >> $out/times.txt
