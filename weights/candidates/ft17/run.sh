#!/usr/bin/env bash
# ft17: ft8 fine-tuned on its own training mix plus the browser-rendered screens, nothing else changed. ft16 added
# data/web1 + web2 to ft15's recipe (synth11, the --ignore-iou band), which alone was worse than ft8 (954 / 24
# against 960 / 18 on the five gate sets); here the browser screens join the sets ft8 was trained on (synth3tr and
# synth4tr: the train screens of synth3's and synth4's recipes; synth7, synth5; ft8's synth6 is gone), each web set
# listed twice (about a quarter of the screens drawn), at ft16's lr 2e-4 for one epoch of 1000 steps, fp32, seed 17,
# without the ignore band (ft8 had none).
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
source scripts/pinned.sh
init=$(pinned weights/closebot-ssd.pt 448bc8c835e7 ft8)
out=runs/ft17; mkdir -p $out
[ -d data/synth3tr ] || bash scripts/data.sh train  # synth3tr, synth4tr and the other training sets
for s in 1 2; do
  [ -f data/web$s/ImageSets/Main/train.txt ] || python3 scripts/webtrain.py --out data/web$s --n 1200 --seed 10$s
done
sets=(--data data/synth3tr --data data/synth4tr --data data/synth7 --data data/synth5
      --data data/web1 --data data/web2 --data data/web1 --data data/web2)
s=$(date +%s); echo "ssd started $s" >> $out/times.txt
closebot train --init $init --lr 2e-4 "${sets[@]}" --out $out/closebot-ssd.pt \
  --epochs 1 --max-steps-per-epoch 1000 --eval-screens 200 --precision fp32 --seed 17 >> $out/ssd.log 2>&1
echo "ssd $(( $(date +%s) - s ))" >> $out/times.txt
