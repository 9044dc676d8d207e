#!/usr/bin/env bash
# Demo: generate a few ad screens the model never trained on, detect with the shipped model, print the
# coordinates and write annotated pictures to demo-out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
rm -rf demo-out
closebot synth --out demo-out/screens --n 6 --seed 2026 --val-fraction 1 --size 1080x2400 --workers 1 --quiet
closebot detect demo-out/screens/JPEGImages/*.jpg --out demo-out/annotated
echo "annotated screens: demo-out/annotated/"
