#!/usr/bin/env bash
# The verifier candidate v38 of docs/experiments.md, "Mute buttons apart from the close": the shipped verifier v21
# fine-tuned as v35 was (1e-4, 2 epochs, v29's pairs and pills, `--keep-parent 1`) on the shipped SSD ft23's
# candidates on data/muteapart, 3000 training screens whose mute buttons are as large as the close and, beside it,
# 0.3-0.8 of its side away (`closebot synth --out data/muteapart --n 3000 --val-fraction 0 --seed 79 --icons data/icons
# --mute-apart 1`): the sets before drew a mute button of any size 8-40 px left of the close, so that a small close
# just right of a larger speaker, labelled close, was the picture of a muted speaker's x, the browser sets' most
# frequent false tap. Validation crops from the last 300 val screens of synth8, linked into data/muteapart.
# Usage: bash weights/candidates/muteapart/run.sh   (writes runs/v38/closebot-verifier.pt; OUT=DIR, KEEP=W change it)
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
source scripts/pinned.sh
init=$(pinned weights/closebot-verifier.pt 5b2d6ac6058c v21)
ssd=$(pinned weights/closebot-ssd.pt 206c62a8d1be ft23)
out=${OUT:-runs/v38}
keep=${KEEP:-1}
mkdir -p "$out"
borrow_val data/muteapart data/synth8 300
s=$(date +%s)
closebot train-verifier --data data/muteapart \
  --detector-weights "$ssd" --init "$init" --screens 3000 --pairs 1 --pills 1 --pair-candidates --icons data/icons \
  --keep-parent "$keep" --epochs 2 --lr 1e-4 --seed 79 --out "$out/closebot-verifier.pt" > "$out/log" 2>&1
echo "$(basename "$out") $(( $(date +%s) - s ))" >> "$out/times.txt"
