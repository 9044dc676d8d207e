#!/usr/bin/env bash
# v28: the shipped verifier v21 with its squeezed window (v21s, mined on ft8's candidates) fine-tuned on the shipped
# SSD ft23's candidates on long boxes, its four square networks kept bit for bit (`--train-only long-window`). ft23
# changed only the SSD's outputs for wide default boxes, so only the candidates the squeezed window scores changed.
# v21s's recipe (weights/candidates/v21s-run.sh) with another seed: other screens and pasted pills.
# Needs data/synth8, synth7 and the full synth5 (bash scripts/data.sh train, or closebot synth as it does).
set -euo pipefail
cd "$(dirname "$0")/../../.."
OUT=${OUT:-runs/v28}
mkdir -p "$OUT"
/usr/bin/time -f "%e s" -o "$OUT/time.txt" closebot train-verifier --data data/synth8 --data data/synth7 \
  --data data/synth5 --detector-weights weights/closebot-ssd.pt --screens 4000 --pills 1 --pair-candidates \
  --icons data/icons --seed ${SEED:-28} --init weights/closebot-verifier.pt --train-only long-window --epochs 4 \
  --lr 3e-4 --out "$OUT/closebot-verifier.pt"
