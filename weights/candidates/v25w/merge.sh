#!/usr/bin/env bash
# mix25: the shipped verifier v21 with v25w merged in as a third window (run.sh first); judged with ft8 and ft14.
# `merge.sh v25c3` does the same with v25c3 (`run.sh 3` first).
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
name=${1:-v25w}
mix=runs/mix-$name
source scripts/pinned.sh
v21=$(pinned weights/closebot-verifier.pt 5b2d6ac6058c v21)
mkdir -p $mix
closebot merge-verifiers $v21 runs/$name/closebot-verifier.pt --long-from 1.6 --out $mix/closebot-verifier.pt
sed "6s#.*#  weights: $PWD/weights/closebot-ssd.pt#; 76s#.*#    weights: $PWD/$mix/closebot-verifier.pt#" \
  config.yaml > $mix/ft8.yaml
sed "6s#.*#  weights: $PWD/runs/ft14/closebot-ssd.pt#" $mix/ft8.yaml > $mix/ft14.yaml
for c in ft8 ft14; do
  echo "# $c + mix of v21 and $name"
  python3 scripts/judge-policy.py --data data/synth3 --data data/webeval --data data/synth4 --data data/synth5 \
    --data data/synth9 --config $mix/$c.yaml --set close_threshold=0.5,0.54,0.56,0.58,0.6 2>/dev/null
done
