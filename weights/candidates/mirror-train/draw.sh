#!/usr/bin/env bash
# the fine-tuning pool of ft29 and ft30 (run.sh): ft23's recipes (weights/closebot-ssd.json "data"), fewer screens of
# each; 2026-12-07 03:36-04:05 on the AVX2-only EPYC
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
s() { local out="$1"; shift; [ -f "$out/meta.jsonl" ] && return; rm -rf "$out"; echo "$(date +%T) $out"; closebot synth --out "$out" "$@" --val-fraction 0 --workers 2 --quiet >/dev/null; }
s data/ft29/synth3tr --n 1800 --seed 3
s data/ft29/synth11 --n 1000 --seed 41 --icons data/icons --text-negatives 3
s data/ft29/synth5tr --n 1000 --seed 5 --icons data/icons
s data/ft29/synth7tr --n 1000 --seed 17 --icons data/icons
s data/ft29/synth12 --n 600 --seed 43 --icons data/icons --text-negatives 3 --close-pills 0.5
if [ ! -f data/ft29/web1/meta.jsonl ]; then rm -rf data/ft29/web1; echo "$(date +%T) web1"; python3 scripts/webtrain.py --out data/ft29/web1 --n 600 --seed 101 2>/dev/null; fi
echo "$(date +%T) done"
