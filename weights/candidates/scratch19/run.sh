#!/usr/bin/env bash
# scratch19: scratch18 + a short fine-tune of its SSD (the rest of the 3 h budget), then a verifier on its candidates.
set -euo pipefail
cd /work/main
out=runs/scratch19
sets=(--data data/synth3tr --data data/synth4tr --data data/synth5 --data data/synth7 --data data/synth8 --data data/synth10)
s=$(date +%s); echo "ssd started $s" >> $out/times.txt
closebot train --init runs/scratch18/closebot-ssd.pt --lr 5e-4 "${sets[@]}" --out $out/closebot-ssd.pt \
  --epochs 2 --max-steps-per-epoch 1200 --eval-screens 200 --precision bf16 --seed 19 >> $out/ssd.log 2>&1
echo "ssd $(( $(date +%s) - s ))" >> $out/times.txt
s=$(date +%s); echo "verifier started $s" >> $out/times.txt
closebot train-verifier "${sets[@]}" --detector-weights $out/closebot-ssd.pt --init runs/scratch18/closebot-verifier.pt \
  --out $out/closebot-verifier.pt --screens 4000 --epochs 5 --pairs 1 --icons data/icons --seed 13 >> $out/verifier.log 2>&1
echo "verifier $(( $(date +%s) - s ))" >> $out/times.txt
set +e
closebot promote $out/closebot-ssd.pt --new-verifier $out/closebot-verifier.pt --data data/synth3 --data data/webeval \
  --data data/synth4 --data data/synth5 --data data/synth9 --limit 400 --dry-run > $out/promote.txt 2>&1
echo done >> $out/times.txt
