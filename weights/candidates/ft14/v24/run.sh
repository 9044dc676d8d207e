#!/usr/bin/env bash
# v24: the shipped verifier v21 (4 square networks + 1 squeezed, merged) fine-tuned on ft14's candidates (ft14 first:
# bash weights/candidates/ft14/run.sh), on v21's three sets plus data/synth11 (the screens with text where buttons
# sit), so the word pills, bubbles and "×" words ft14 still proposes are among the crops; v23's recipe otherwise
# (4000 screens, mute/close pairs, word pills, the SSD's candidates on them, lr 3e-4) but 3 epochs, seed 24.
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
# v21 (sha256 5b2d6ac6058c...): the installed verifier when v24 was made, or the copy `closebot promote` keeps of it.
source scripts/pinned.sh
init=$(pinned weights/closebot-verifier.pt 5b2d6ac6058c v21)
[ -f runs/ft14/closebot-ssd.pt ] || { echo "v24/run.sh: no runs/ft14/closebot-ssd.pt: run ft14/run.sh first" >&2; exit 2; }
out=runs/v24; mkdir -p $out
s=$(date +%s)
closebot train-verifier --data data/synth11 --data data/synth8 --data data/synth7 --data data/synth5 \
  --detector-weights runs/ft14/closebot-ssd.pt --init $init \
  --screens 4000 --pairs 1 --pills 1 --pair-candidates --icons data/icons \
  --epochs 3 --lr 3e-4 --seed 24 --out $out/closebot-verifier.pt > $out/log 2>&1
echo "v24 $(( $(date +%s) - s ))" >> $out/times.txt
