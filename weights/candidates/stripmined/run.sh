#!/usr/bin/env bash
# The verifier candidates of docs/experiments.md, "Fine-tunes on strips, weight interpolation (WiSE-FT) and counts as
# hard negatives": the shipped verifier v21 (4 square networks + 1 squeezed, merged) fine-tuned on the shipped SSD
# ft23's candidates as strips cut them (v21 was mined on ft8's, in squares), v15's recipe (mute/close pairs and word
# pills with the SSD's candidates on them), 3000 screens of synth8, synth7 and synth5's train split, seed 29:
#   v29  lr 3e-4, 3 epochs (1584 s on the AVX512-BF16 EPYC of 2026-12-06)
#   v30  v29 with --counts 1 (2271 s): its control is v29, same seed
#   v31  v30 at lr 1e-4 for 2 epochs (1218 s; the mined crops read from v30's cache)
# v30 and v31 drew their counts' words from a list of their own (commit 0e33b75); since the review after them,
# --counts takes them from the generator's (screen.COUNT_WORDS), so a rerun draws other counts.
# Usage: bash weights/candidates/stripmined/run.sh v29|v30|v31   (writes runs/NAME/closebot-verifier.pt; OUT=DIR moves it)
set -euo pipefail
name="${1:-}"
case "$name" in
  v29) recipe=(--epochs 3 --lr 3e-4) ;;
  v30) recipe=(--counts 1 --epochs 3 --lr 3e-4) ;;
  v31) recipe=(--counts 1 --epochs 2 --lr 1e-4) ;;
  *) echo "usage: bash $0 v29|v30|v31" >&2; exit 2 ;;
esac
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
source scripts/pinned.sh
init=$(pinned weights/closebot-verifier.pt 5b2d6ac6058c v21)
ssd=$(pinned weights/closebot-ssd.pt 206c62a8d1be ft23)
out=${OUT:-runs/$name}
mkdir -p "$out"
s=$(date +%s)
closebot train-verifier --data data/synth8 --data data/synth7 --data data/synth5 \
  --detector-weights "$ssd" --init "$init" --screens 3000 --pairs 1 --pills 1 --pair-candidates --icons data/icons \
  "${recipe[@]}" --seed 29 --out "$out/closebot-verifier.pt" > "$out/log" 2>&1
echo "$name $(( $(date +%s) - s ))" >> "$out/times.txt"
