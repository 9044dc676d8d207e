#!/usr/bin/env bash
# The verifier candidate of docs/experiments.md, "A condensed letter X": the shipped verifier v21 (4 square networks
# + 1 squeezed, merged) fine-tuned gently (v31's rate, 1e-4, 2 epochs) on the shipped SSD ft23's candidates on
# data/condx, 3000 training screens whose closes' drawn or typed marks are squeezed like a condensed font's X a third
# of the time (`closebot synth --out data/condx --n 3000 --val-fraction 0 --seed 71 --icons data/icons
# --condensed-x 0.3`), with v15's mute/close pairs and word pills (as v29); validation crops from the last 300 val
# screens of synth8 (made as README "Measured" says), which this script links into data/condx as its val.txt
# (train-verifier takes only sets with training screens, and synth8 here is val only).
# Usage: bash weights/candidates/condensedx/run.sh   (writes runs/v34/closebot-verifier.pt; OUT=DIR moves it)
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
source scripts/pinned.sh
init=$(pinned weights/closebot-verifier.pt 5b2d6ac6058c v21)
ssd=$(pinned weights/closebot-ssd.pt 206c62a8d1be ft23)
out=${OUT:-runs/v34}
mkdir -p "$out"
borrow_val data/condx data/synth8 300
s=$(date +%s)
closebot train-verifier --data data/condx \
  --detector-weights "$ssd" --init "$init" --screens 3000 --pairs 1 --pills 1 --pair-candidates --icons data/icons \
  --epochs 2 --lr 1e-4 --seed 71 --out "$out/closebot-verifier.pt" > "$out/log" 2>&1
echo "v34 $(( $(date +%s) - s ))" >> "$out/times.txt"
