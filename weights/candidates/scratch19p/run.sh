#!/usr/bin/env bash
# scratch19p: scratch19's SSD, a verifier from scratch18's with 3 mute/close pairs a screen on 3000 screens.
set -euo pipefail
cd /work/main
out=runs/scratch19p
sets=(--data data/synth3tr --data data/synth4tr --data data/synth5 --data data/synth7 --data data/synth8 --data data/synth10)
s=$(date +%s); echo "verifier started $s" >> $out/times.txt
closebot train-verifier "${sets[@]}" --detector-weights runs/scratch19/closebot-ssd.pt --init runs/scratch18/closebot-verifier.pt \
  --out $out/closebot-verifier.pt --screens 3000 --epochs 5 --pairs 3 --icons data/icons --seed 14 >> $out/verifier.log 2>&1
echo "verifier $(( $(date +%s) - s ))" >> $out/times.txt
set +e
closebot promote runs/scratch19/closebot-ssd.pt --new-verifier $out/closebot-verifier.pt --data data/synth3 --data data/webeval \
  --data data/synth4 --data data/synth5 --data data/synth9 --limit 400 --dry-run > $out/promote.txt 2>&1
echo done >> $out/times.txt
