#!/usr/bin/env bash
# v33w: a last look before a tap. The false taps and Japanese-text strays left are mostly an x whose neighbours say
# it is no close ("×10", a mute button's "speaker ×", a "×" in a word); the verifier's square window (2x the box at
# 64 px) shows the mark and little else, and v25w (4x the box at 64 px) lost the mark's pixels. This network looks
# through 4x the box at 128 px (the mark as many pixels as in the square window), started from v12 (one square
# network, mined on ft8, whose square boxes ft23 scores bit for bit), fine-tuned on the shipped SSD's candidates on
# synth8, synth7 and synth5 with mute/close pairs, word pills and counts ("×10") pasted, and the SSD's candidates on
# those; 4 epochs, lr 1e-3.
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
out=${1:-runs/lastlook}; mkdir -p "$out"
s=$(date +%s)
closebot train-verifier --data data/synth8 --data data/synth7 --data data/synth5 \
  --init weights/candidates/closebot-verifier-v12.pt --context 4 --input-size 128 \
  --screens 2500 --pairs 1 --pills 1 --counts 1 --pair-candidates --icons data/icons \
  --epochs 4 --lr 1e-3 --seed 32 --out "$out/closebot-verifier-v33w.pt" > "$out/log" 2>&1
echo "v33w $(( $(date +%s) - s ))" >> "$out/times.txt"
