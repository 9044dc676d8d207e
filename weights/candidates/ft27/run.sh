#!/usr/bin/env bash
# ft27: ft26 with background mined per area: a strip mines as many background default boxes as the 2.3 training
# squares of its area would (ft26, run at f7bbb7b before that change in `ClosebotSSD.native_loss`, mined as many as
# one square and tapped Japanese text as a skip on 4 screens). The recipe is ft26's (ft26/run.sh: ft25's on strips,
# `--crop-shape strip`, 2 a screen), which trains this since the change. STEPS=N for a longer run.
set -euo pipefail
OUT=${OUT:-runs/ft27} exec bash "$(dirname "$0")/../ft26/run.sh"
