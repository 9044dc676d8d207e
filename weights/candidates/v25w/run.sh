#!/usr/bin/env bash
# v25w: a verifier that looks wider. The shipped pair's remaining false taps and most of ft14's are an x whose
# neighbours say it is no close: the x beside a mute button's speaker, the "×" of "×10" or "×2", a "×" after a word.
# The square window (twice the box's longer side) shows the x and little else, so this network looks through a
# square of 4x the box (`--context 4`), to be merged beside v21's windows. Started from v12 (a single square network
# on the same SSD, ft8), fine-tuned on ft8's candidates on v24's sets (synth11's text where buttons sit, synth8,
# synth7, synth5) with v23's extras (mute/close pairs, word pills, the SSD's candidates on them); 4 epochs, lr 1e-3.
# `run.sh 3` makes v25c3, the same at context 3 (a 30-px x is 21 px of the 64-px crop instead of 16).
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
ctx=${1:-4}
name=$([ "$ctx" = 4 ] && echo v25w || echo "v25c$ctx")
source scripts/pinned.sh
ssd=$(pinned weights/closebot-ssd.pt 448bc8c835e7 ft8)
init=$(pinned weights/closebot-verifier.pt 7f901178561a v12)
[ -d data/synth11 ] || bash scripts/data.sh train  # synth11 and the other training sets
out=runs/$name; mkdir -p $out
s=$(date +%s)
closebot train-verifier --data data/synth11 --data data/synth8 --data data/synth7 --data data/synth5 \
  --detector-weights $ssd --init $init --context "$ctx" \
  --screens 4000 --pairs 1 --pills 1 --pair-candidates --icons data/icons \
  --epochs 4 --lr 1e-3 --seed 25 --out $out/closebot-verifier.pt > $out/log 2>&1
echo "$name $(( $(date +%s) - s ))" >> $out/times.txt
