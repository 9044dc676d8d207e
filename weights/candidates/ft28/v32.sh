#!/usr/bin/env bash
# v32: the shipped verifier v21 fine-tuned on ft28's candidates (ft28/run.sh writes runs/ft28/closebot-ssd.pt):
# v29's recipe (stripmined/run.sh: mute/close pairs and word pills with the SSD's candidates on them, 3000 screens
# of synth8, synth7 and synth5's train split, 3 epochs, lr 3e-4), seed 32. ft28's new wrong taps are mostly muted
# speakers' x it scores higher than ft23 did, which a verifier mined on its own candidates may learn to turn down.
# Usage: bash weights/candidates/ft28/v32.sh   (writes runs/ft28/v32/closebot-verifier.pt; OUT=DIR moves it)
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
source scripts/pinned.sh
init=$(pinned weights/closebot-verifier.pt 5b2d6ac6058c v21)
ssd=runs/ft28/closebot-ssd.pt
[ -f "$ssd" ] || { echo "$0: $ssd missing: run weights/candidates/ft28/run.sh first" >&2; exit 2; }
out=${OUT:-runs/ft28/v32}
mkdir -p "$out"
s=$(date +%s)
closebot train-verifier --data data/synth8 --data data/synth7 --data data/synth5 \
  --detector-weights "$ssd" --init "$init" --screens 3000 --pairs 1 --pills 1 --pair-candidates --icons data/icons \
  --epochs 3 --lr 3e-4 --seed 32 --out "$out/closebot-verifier.pt" > "$out/log" 2>&1
echo "v32 $(( $(date +%s) - s ))" >> "$out/times.txt"
