#!/usr/bin/env bash
# The speaker check shipped as weights/closebot-speaker.pt (docs/experiments.md, "The speaker check"): drawn from
# scratch on 3000 generated training screens whose mute buttons sit apart from the close (data/muteapart, the set of
# candidate v38) and the icon cache's muted speakers. 803 s on the AVX512-BF16 EPYC (2026-12-08, beside another
# training of the same size); the windows took ~70 s of it.
# Usage: bash weights/candidates/speakerx/run.sh   (writes runs/speaker/closebot-speaker.pt)
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
if [ ! -f data/muteapart/recipe.json ]; then
  closebot synth --out data/muteapart --n 3000 --val-fraction 0 --seed 79 --icons data/icons --mute-apart 1
fi
mkdir -p runs/speaker
s=$(date +%s)
closebot train-speaker --data data/muteapart --icons data/icons --out runs/speaker/closebot-speaker.pt --seed 0 \
  > runs/speaker/log 2>&1
echo "speaker $(( $(date +%s) - s )) s" >> runs/speaker/times.txt
