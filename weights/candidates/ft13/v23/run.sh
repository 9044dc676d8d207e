#!/usr/bin/env bash
# v23: the shipped verifier v21 (4 square networks + 1 squeezed, merged) fine-tuned on ft13's candidates (ft13 first:
# bash weights/candidates/ft13/run.sh), v21's last recipe for both windows (the three sets, 4000 screens, mute/close
# pairs, word pills, the SSD's candidates on them, 4 epochs, lr 3e-4). 4501 s on the AVX2 EPYC of 2026-12-04.
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
# v21 (sha256 5b2d6ac6058c...): the installed verifier when v23 was made, or the copy `closebot promote` keeps of it.
source scripts/pinned.sh
init=$(pinned weights/closebot-verifier.pt 5b2d6ac6058c v21)
out=runs/v23; mkdir -p $out
s=$(date +%s)
closebot train-verifier --data data/synth8 --data data/synth7 --data data/synth5 \
  --detector-weights runs/ft13/closebot-ssd.pt --init $init \
  --screens 4000 --pairs 1 --pills 1 --pair-candidates --icons data/icons \
  --epochs 4 --lr 3e-4 --seed 23 --out $out/closebot-verifier.pt > $out/log 2>&1
echo "v23 $(( $(date +%s) - s ))" >> $out/times.txt
