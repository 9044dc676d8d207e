#!/usr/bin/env bash
# v21s: v19s fine-tuned on the crops of long boxes only (what it scores in v20, merged with --long-from 1.6)
cd "$(dirname "$0")/../.."  # run from weights/candidates/ or runs/v21/
/usr/bin/time -f "%e s" closebot train-verifier --data data/synth8 --data data/synth7 --data data/synth5 \
  --detector-weights weights/closebot-ssd.pt --screens 4000 --pills 1 --pair-candidates --icons data/icons \
  --seed 15 --init runs/v19s/closebot-verifier.pt --long-only 1.6 --epochs 4 --lr 3e-4 \
  --out runs/v21/closebot-verifier.pt
