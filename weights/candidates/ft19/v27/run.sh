#!/usr/bin/env bash
# v27: the verifier for ft19 (../run.sh). v26's recipe (v21 fine-tuned on the SSD's candidates on data/web1 and
# data/web2, each listed twice, beside synth11, synth8, synth7, synth5; 3000 screens mined, mute/close pairs, word
# pills, lr 3e-4, 3 epochs) with ft19's candidates, and data/synth12 (half its closes pills, `--close-pills 0.5`)
# listed twice too: the shipped verifier calls some close pills skip (val_3_000074: "Close ☒", skip 0.51) or none.
# Seed 27; the output is runs/v27.
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
source scripts/pinned.sh
init=$(pinned weights/closebot-verifier.pt 5b2d6ac6058c v21)
ssd=runs/ft19/closebot-ssd.pt
[ -f "$ssd" ] || { echo "v27/run.sh: no $ssd: run weights/candidates/ft19/run.sh first" >&2; exit 2; }
out=runs/v27; mkdir -p $out
s=$(date +%s)
closebot train-verifier --data data/web1 --data data/web2 --data data/web1 --data data/web2 \
  --data data/synth12 --data data/synth12 --data data/synth11 --data data/synth8 --data data/synth7 --data data/synth5 \
  --detector-weights "$ssd" --init $init \
  --screens 3000 --pairs 1 --pills 1 --pair-candidates --icons data/icons \
  --epochs 3 --lr 3e-4 --seed 27 --out $out/closebot-verifier.pt > $out/log 2>&1
echo "v27 $(( $(date +%s) - s ))" >> $out/times.txt
