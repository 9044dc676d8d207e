#!/usr/bin/env bash
# The verifier candidate of docs/experiments.md, "A font's X set high": the shipped verifier v21 (4 square networks
# + 1 squeezed, merged) fine-tuned as v34 was (1e-4, 2 epochs, v29's pairs and pills) on the shipped SSD ft23's
# candidates on data/raised, 3000 training screens whose close marks on a plate are made big and set high 35% of the
# time and whose drawn or typed marks are squeezed like a condensed font's X 35% of the time, both at once on ~12% of
# the plated ones, as the Bebas Neue X's the shipped pair misses (`closebot synth --out data/raised --n 3000
# --val-fraction 0 --seed 73 --icons data/icons --raised-x 0.35 --condensed-x 0.35`),
# with `--keep-parent 1`: its probabilities held near v21's on every crop, so that it learns the raised marks and
# keeps the rest. Validation crops from the last 300 val screens of synth8, linked into data/raised as its val.txt.
# Usage: bash weights/candidates/raisedx/run.sh   (writes runs/v35/closebot-verifier.pt; OUT=DIR, KEEP=W change it)
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
source scripts/pinned.sh
init=$(pinned weights/closebot-verifier.pt 5b2d6ac6058c v21)
ssd=$(pinned weights/closebot-ssd.pt 206c62a8d1be ft23)
out=${OUT:-runs/v35}
keep=${KEEP:-1}
mkdir -p "$out"
borrow_val data/raised data/synth8 300
s=$(date +%s)
closebot train-verifier --data data/raised \
  --detector-weights "$ssd" --init "$init" --screens 3000 --pairs 1 --pills 1 --pair-candidates --icons data/icons \
  --keep-parent "$keep" --epochs 2 --lr 1e-4 --seed 73 --out "$out/closebot-verifier.pt" > "$out/log" 2>&1
echo "$(basename "$out") $(( $(date +%s) - s ))" >> "$out/times.txt"
