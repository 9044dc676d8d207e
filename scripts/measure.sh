#!/usr/bin/env bash
# Reproduces the numbers in README "Measured" for the shipped model (needs data/synth3 from `closebot synth
# --out data/synth3 --n 7000 --seed 3`; the other sets, when present, from `bash scripts/data.sh eval`: synth4, synth5,
# synth9 and the browser-rendered webeval and webeval8 from scripts/webeval.py).
set -euo pipefail
cd "$(dirname "$0")/.."
W=${WEIGHTS:-weights/closebot-ssd.pt}
closebot eval --data data/synth3 --limit 400 --weights "$W" --sweep --quiet --report weights/eval-synth-val.json | tee /tmp/eval-synth.txt
if [ -d data/synth4 ]; then  # closebot synth --out data/synth4 --n 3000 --seed 11 (never trained on by the shipped SSD)
  closebot eval --data data/synth4 --weights "$W" --sweep --quiet --report weights/eval-synth4-val.json | tee /tmp/eval-synth4.txt
fi
if [ -d data/synth5 ]; then  # bash scripts/icons.sh; closebot synth --out data/synth5 --n 4000 --seed 5 --icons data/icons
  closebot eval --data data/synth5 --weights "$W" --sweep --quiet --report weights/eval-synth5-val.json | tee /tmp/eval-synth5.txt
fi
if [ -d data/synth9 ]; then  # closebot synth --out data/synth9 --n 400 --val-fraction 1 --seed 23 --icons data/icons
  closebot eval --data data/synth9 --weights "$W" --sweep --quiet --report weights/eval-synth9-val.json | tee /tmp/eval-synth9.txt
fi
if [ -d data/webeval ]; then
  closebot eval --data data/webeval --weights "$W" --sweep --quiet --report weights/eval-web.json | tee /tmp/eval-web.txt
fi
if [ -d data/webeval8 ]; then  # bash scripts/data.sh eval: 300 more screens of scripts/webeval.py, seed 8
  closebot eval --data data/webeval8 --weights "$W" --sweep --quiet --report weights/eval-web8.json | tee /tmp/eval-web8.txt
fi
if [ -d data/webeval9 ]; then  # bash scripts/data.sh eval: 600 more screens of scripts/webeval.py, seed 9
  closebot eval --data data/webeval9 --weights "$W" --sweep --quiet --report weights/eval-web9.json | tee /tmp/eval-web9.txt
fi
if [ -d data/webeval10 ]; then  # bash scripts/data.sh eval: 300 more, their closes from Iconify sets used nowhere else
  closebot eval --data data/webeval10 --weights "$W" --sweep --quiet --report weights/eval-web10.json | tee /tmp/eval-web10.txt
fi
if [ -d data/webeval8 ] && [ -d data/webeval9 ]; then  # the three browser-rendered sets as one sample
  closebot eval --data data/webeval --data data/webeval8 --data data/webeval9 --weights "$W" --quiet \
    --report weights/eval-web-pooled.json | tee /tmp/eval-web-pooled.txt
fi
# The four generator sets as one sample: every val screen of each (synth3's 400 as `bash scripts/data.sh eval` writes
# it; a full synth3 of 7000 screens would add its other 300 here, unlike the --limit 400 above).
if [ -d data/synth4 ] && [ -d data/synth5 ] && [ -d data/synth9 ]; then
  closebot eval --data data/synth3 --data data/synth4 --data data/synth5 --data data/synth9 --weights "$W" --quiet \
    --report weights/eval-synth-pooled.json | tee /tmp/eval-synth-pooled.txt
fi
closebot bench --weights "$W" --json > weights/bench.json
python3 -c "import json; print(json.load(open('weights/bench.json'))['table'])"
