#!/usr/bin/env bash
# The test command: set up (idempotent), then the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
python3 -m pytest "$@"
