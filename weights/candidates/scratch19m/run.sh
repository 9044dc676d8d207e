#!/usr/bin/env bash
# scratch19m: scratch19's SSD, a verifier from scratch18's with 2 mute/close pairs a screen and the SSD's own
# candidates on each pasted mute button (--pair-candidates); then v15: the shipped verifier fine-tuned the same way.
set -uo pipefail
cd /work/main
out=runs/scratch19m
sets=(--data data/synth3tr --data data/synth4tr --data data/synth5 --data data/synth7 --data data/synth8 --data data/synth10)
gate=(--data data/synth3 --data data/webeval --data data/synth4 --data data/synth5 --data data/synth9 --limit 400 --dry-run)
s=$(date +%s); echo "verifier started $s" >> $out/times.txt
closebot train-verifier "${sets[@]}" --detector-weights runs/scratch19/closebot-ssd.pt --init runs/scratch18/closebot-verifier.pt \
  --out $out/closebot-verifier.pt --screens 4000 --epochs 5 --pairs 2 --pair-candidates --icons data/icons --seed 13 > $out/verifier.log 2>&1
echo "verifier $(( $(date +%s) - s ))" >> $out/times.txt
closebot promote runs/scratch19/closebot-ssd.pt --new-verifier $out/closebot-verifier.pt "${gate[@]}" > $out/promote.txt 2>&1
echo "gate done $(date +%s)" >> $out/times.txt
out=runs/v15
s=$(date +%s); echo "verifier started $s" >> $out/times.txt
closebot train-verifier --data data/synth8 --data data/synth7 --data data/synth5 --detector-weights weights/closebot-ssd.pt \
  --init weights/closebot-verifier.pt --out $out/closebot-verifier.pt --screens 4000 --epochs 4 --lr 4e-4 --pairs 2 \
  --pair-candidates --icons data/icons --seed 15 > $out/verifier.log 2>&1
echo "verifier $(( $(date +%s) - s ))" >> $out/times.txt
closebot promote weights/closebot-ssd.pt --new-verifier $out/closebot-verifier.pt "${gate[@]}" > $out/promote.txt 2>&1
echo "gate done $(date +%s)" >> $out/times.txt
