#!/usr/bin/env bash
# Demo: install what is missing, then a simulated phone + the real adb server + the daemon for 60 s.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
closebot demo --seconds "${DEMO_SECONDS:-60}"
