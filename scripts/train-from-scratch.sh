#!/usr/bin/env bash
# The from-scratch recipe of README "A pair trained from scratch", in one command:
#   1. the SSD from random weights: one warm-up + cosine schedule of 15 epochs x 1000 steps on the six training sets
#      (lr 2e-3, bfloat16 autocast: 24% more steps per hour than fp32 on this CPU, same loss per step within ~1%);
#   2. the verifier from scratch on the candidates of that SSD;
#   3. the gate: `closebot promote --dry-run` of the new pair against the shipped one on the five held-out sets.
# Resumable: run it again with the same OUT after an interruption (a session's end) and the SSD continues from its
# last finished epoch (OUT/closebot-ssd.ckpt); finished stages are not redone. Every invocation of a step appends
# "NAME started EPOCH-SECONDS" and, when it ends, "NAME SECONDS" to OUT/times.txt; an interrupted invocation leaves
# only its start line (the seconds of each finished epoch are in the checkpoint's history; add them as "ssd N").
# Needs `bash scripts/data.sh train` (the sets it reads) and `bash scripts/data.sh eval` (the gate's sets).
# Usage: bash scripts/train-from-scratch.sh [OUT]          (default runs/scratch; 1 h 35 min on the 2-core AVX512-BF16 machine of
#                                                            2026-12-02, as EPOCHS=10 STEPS=1500: the same 15,000 steps,
#                                                            on the smaller synth3tr / synth4tr of before that day)
#        PRECISION=fp32 bash scripts/train-from-scratch.sh OUT   (a CPU without AVX512-BF16: bf16 autocast there
#                                                                  ran a training step 10-20x slower than fp32)
#        SMOKE=1 bash scripts/train-from-scratch.sh OUT   (a few steps of each: checks the chain in minutes, no model)
#        EPOCHS=10 STEPS=1500 bash scripts/train-from-scratch.sh OUT   (the SSD's schedule: epochs x steps per epoch)
#        IGNORE_IOU=0.35 bash scripts/train-from-scratch.sh OUT   (the SSD trained with `closebot train --ignore-iou`;
#                                                                   README "Where a button falls on the network's grid")
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/scratch}"
if [ -n "${SMOKE:-}" ]; then
  epochs=2 steps=3 eval_screens=4 screens=40 v_epochs=1 limit=10
else
  epochs="${EPOCHS:-15}" steps="${STEPS:-1000}" eval_screens=200 screens=4000 v_epochs=10 limit=400
fi
precision="${PRECISION:-bf16}"
band=()
[ -n "${IGNORE_IOU:-}" ] && band=(--ignore-iou "$IGNORE_IOU")
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
touch "$out/times.txt"

timed() {  # timed NAME COMMAND...: runs it, logs to OUT/NAME.log, appends its start and "NAME SECONDS" to OUT/times.txt
  local name="$1" start
  shift
  start=$(date +%s)
  echo "$name started $start" >> "$out/times.txt"
  echo "train-from-scratch: $name ($(date -u +%H:%M:%S) UTC; log $out/$name.log)"
  "$@" >> "$out/$name.log" 2>&1 || { echo "train-from-scratch: $name failed; see $out/$name.log" >&2; exit 1; }
  echo "$name $(( $(date +%s) - start ))" | tee -a "$out/times.txt"
}

ssd_done() {  # the SSD's checkpoint holds its last epoch
  [ -f "$out/closebot-ssd.ckpt" ] && python -c "
import sys, torch
sys.exit(0 if int(torch.load(sys.argv[1], weights_only=True)['epoch']) >= int(sys.argv[2]) else 1)" \
    "$out/closebot-ssd.ckpt" "$epochs"
}

if ! ssd_done; then
  resume=()
  [ -f "$out/closebot-ssd.ckpt" ] && resume=(--resume)
  timed ssd closebot train "${data_args[@]}" --out "$out/closebot-ssd.pt" --epochs "$epochs" \
    --max-steps-per-epoch "$steps" --eval-screens "$eval_screens" --precision "$precision" --seed 16 "${band[@]}" "${resume[@]}"
fi
if [ ! -f "$out/closebot-verifier.pt" ]; then
  timed verifier closebot train-verifier "${data_args[@]}" --detector-weights "$out/closebot-ssd.pt" \
    --out "$out/closebot-verifier.pt" --screens "$screens" --epochs "$v_epochs" --pairs 1 --icons data/icons --seed 13
fi
awk '$2 != "started" {s += $2} END {printf "training in all: %d s = %d h %02d min\n", s, s / 3600, (s % 3600) / 60}' \
  "$out/times.txt"
# promote exits 1 when it refuses: that is a result here, not a failure of the script
set +e
closebot promote "$out/closebot-ssd.pt" --new-verifier "$out/closebot-verifier.pt" "${gate_args[@]}" \
  --limit "$limit" --dry-run 2>&1 | tee "$out/promote.txt"
echo "train-from-scratch: done; the gate's verdict is in $out/promote.txt, the times in $out/times.txt"
