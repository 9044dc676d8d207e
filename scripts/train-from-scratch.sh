#!/usr/bin/env bash
# The from-scratch recipe of README "A pair trained from scratch" (candidates scratch13 + scratch14), in one command:
#   1. the SSD from random weights, 10 epochs of 800 steps on the six training sets (lr 2e-3, warm-up + cosine);
#   2. 5 more epochs from it with a fresh schedule at lr 1e-3 (the second half of the scratch14 run);
#   3. the verifier from scratch on the candidates of that SSD;
#   4. the gate: `closebot promote --dry-run` of the new pair against the shipped one on the five held-out sets.
# Every step's wall time goes to OUT/times.txt; the sum of steps 1-3 is the training time the 3 h goal counts.
# Needs `bash scripts/data.sh train` (the sets it reads) and `bash scripts/data.sh eval` (the gate's sets).
# Usage: bash scripts/train-from-scratch.sh [OUT]          (default runs/scratch; ~2 h 40 min on a 2-core CPU)
#        SMOKE=1 bash scripts/train-from-scratch.sh OUT   (a few steps of each: checks the chain in minutes, no model)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/scratch}"
if [ -n "${SMOKE:-}" ]; then
  epochs_a=1 epochs_b=1 steps=3 eval_screens=4 screens=40 v_epochs=1 limit=10
else
  epochs_a=10 epochs_b=5 steps=800 eval_screens=200 screens=4000 v_epochs=10 limit=400
fi
sets=(data/synth3tr data/synth4tr data/synth5 data/synth7 data/synth8 data/synth10)
gate=(data/synth3 data/webeval data/synth4 data/synth5 data/synth9)
for d in "${sets[@]}" "${gate[@]}"; do
  [ -d "$d" ] || { echo "train-from-scratch: $d is missing; run: bash scripts/data.sh train" >&2; exit 1; }
done
data_args=()
for d in "${sets[@]}"; do data_args+=(--data "$d"); done
gate_args=()
for d in "${gate[@]}"; do gate_args+=(--data "$d"); done
mkdir -p "$out"
: > "$out/times.txt"

timed() {  # timed NAME COMMAND...: runs it, logs to OUT/NAME.log, appends "NAME SECONDS" to OUT/times.txt
  local name="$1" start
  shift
  start=$(date +%s)
  echo "train-from-scratch: $name ($(date -u +%H:%M:%S) UTC; log $out/$name.log)"
  "$@" > "$out/$name.log" 2>&1 || { echo "train-from-scratch: $name failed; see $out/$name.log" >&2; exit 1; }
  echo "$name $(( $(date +%s) - start ))" | tee -a "$out/times.txt"
}

timed ssd-a closebot train "${data_args[@]}" --out "$out/ssd-a/closebot-ssd.pt" --epochs "$epochs_a" \
  --max-steps-per-epoch "$steps" --eval-screens "$eval_screens" --seed 13
timed ssd-b closebot train "${data_args[@]}" --init "$out/ssd-a/closebot-ssd.pt" --lr 1e-3 \
  --out "$out/closebot-ssd.pt" --epochs "$epochs_b" --max-steps-per-epoch "$steps" --eval-screens "$eval_screens" \
  --seed 14
timed verifier closebot train-verifier "${data_args[@]}" --detector-weights "$out/closebot-ssd.pt" \
  --out "$out/closebot-verifier.pt" --screens "$screens" --epochs "$v_epochs" --pairs 1 --icons data/icons --seed 13
awk '{s += $2} END {printf "training in all: %d s = %d h %02d min\n", s, s / 3600, (s % 3600) / 60}' \
  "$out/times.txt" | tee -a "$out/times.txt"
# promote exits 1 when it refuses: that is a result here, not a failure of the script
set +e
closebot promote "$out/closebot-ssd.pt" --new-verifier "$out/closebot-verifier.pt" "${gate_args[@]}" \
  --limit "$limit" --dry-run 2>&1 | tee "$out/promote.txt"
echo "train-from-scratch: done; the gate's verdict is in $out/promote.txt, the times in $out/times.txt"
