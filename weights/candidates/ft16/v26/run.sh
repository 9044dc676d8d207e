#!/usr/bin/env bash
# v26: the shipped verifier v21 (4 square networks + 1 squeezed, merged) fine-tuned with browser-rendered screens:
# the SSD's candidates on data/web1 and data/web2 (scripts/webtrain.py; each listed twice, about 30% of the 3000
# screens mined) beside v24's sets (synth11, synth8, synth7, synth5; 3000 screens instead of v24's 4000, to fit the
# session), so its crops show marks, plates and text as Chromium draws them. v24's recipe otherwise (mute/close
# pairs, word pills, the SSD's candidates on them, lr 3e-4, 3 epochs), seed 26. SSD=ft8 (default: the shipped SSD),
# SSD=ft16 (runs/ft16, ft16/run.sh first) or SSD=ft18 (runs/ft18, `OUT=runs/ft18 bash ft16/run.sh` first, on web1/web2
# rendered without undrawn labels) picks whose candidates it learns; the output is runs/v26, runs/v26-ft16 or
# runs/v26-ft18.
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
source scripts/pinned.sh
init=$(pinned weights/closebot-verifier.pt 5b2d6ac6058c v21)
ssd_name="${SSD:-ft8}"
case "$ssd_name" in
  ft8) ssd=$(pinned weights/closebot-ssd.pt 448bc8c835e7 ft8); out=runs/v26 ;;
  ft16 | ft18) ssd=runs/$ssd_name/closebot-ssd.pt; out=runs/v26-$ssd_name ;;
  *) echo "v26/run.sh: SSD must be ft8, ft16 or ft18, not $ssd_name" >&2; exit 2 ;;
esac
[ -f "$ssd" ] || { echo "v26/run.sh: no $ssd: run weights/candidates/ft16/run.sh (OUT=$(dirname "$ssd")) first" >&2; exit 2; }
[ -f data/web2/meta.jsonl ] || bash scripts/data.sh train  # web1, web2 and the other training sets
mkdir -p $out
s=$(date +%s)
closebot train-verifier --data data/web1 --data data/web2 --data data/web1 --data data/web2 \
  --data data/synth11 --data data/synth8 --data data/synth7 --data data/synth5 \
  --detector-weights "$ssd" --init $init \
  --screens 3000 --pairs 1 --pills 1 --pair-candidates --icons data/icons \
  --epochs 3 --lr 3e-4 --seed 26 --out $out/closebot-verifier.pt > $out/log 2>&1
echo "v26 ($ssd_name) $(( $(date +%s) - s ))" >> $out/times.txt
