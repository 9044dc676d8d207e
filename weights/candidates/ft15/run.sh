#!/usr/bin/env bash
# ft15: ft14's data and band, but from the shipped SSD ft8 instead of ft13: does a short fine-tune with text where
# buttons sit (data/synth11) keep ft8's few false taps and add ft13/ft14's right ones? lr 2e-4 (ft13's, from ft8),
# one epoch of 1000 steps, fp32, seed 15.
set -euo pipefail
cd "$(dirname "$0")/../../.."  # written in runs/ft15/; kept in weights/candidates/ft15/
# ft8 (sha256 448bc8c835e7...): the installed SSD when ft15 was made, or the copy `closebot promote` keeps of it.
source scripts/pinned.sh
init=$(pinned weights/closebot-ssd.pt 448bc8c835e7 ft8)
out=runs/ft15; mkdir -p $out
[ -d data/synth11 ] || bash scripts/data.sh train  # synth11 and the other training sets
sets=(--data data/synth11 --data data/synth3tr --data data/synth5 --data data/synth7)
s=$(date +%s); echo "ssd started $s" >> $out/times.txt
closebot train --init $init --lr 2e-4 "${sets[@]}" --out $out/closebot-ssd.pt --ignore-iou 0.35 \
  --epochs 1 --max-steps-per-epoch 1000 --eval-screens 200 --precision fp32 --seed 15 >> $out/ssd.log 2>&1
echo "ssd $(( $(date +%s) - s ))" >> $out/times.txt
