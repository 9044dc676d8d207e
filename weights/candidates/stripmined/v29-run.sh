#!/usr/bin/env bash
# v29: the shipped verifier v21 (4 square networks + 1 squeezed, merged) fine-tuned on the shipped SSD ft23's
# candidates as strips cut them (the mining's InferenceConfig defaults to tile_shape strip since 2026-12-06; v21 was
# mined on ft8's candidates in squares): v15's recipe (mute/close pairs with the SSD's candidates on them, word pills),
# lr 3e-4, 3 epochs, 3000 screens of synth8, synth7 and synth5's train split, seed 29.
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
source scripts/pinned.sh
init=$(pinned weights/closebot-verifier.pt 5b2d6ac6058c v21)
ssd=$(pinned weights/closebot-ssd.pt 206c62a8d1be ft23)
out=${OUT:-runs/v29}
mkdir -p "$out"
s=$(date +%s)
closebot train-verifier --data data/synth8 --data data/synth7 --data data/synth5 \
  --detector-weights "$ssd" --init "$init" --screens 3000 --pairs 1 --pills 1 --pair-candidates --icons data/icons \
  --epochs 3 --lr 3e-4 --seed 29 --out "$out/closebot-verifier.pt" > "$out/log" 2>&1
echo "v29 $(( $(date +%s) - s ))" >> "$out/times.txt"
