#!/usr/bin/env bash
# Fetches the pinned icon sets from npm (scripts/iconify/package.json) into WORK and renders them into OUT with
# `closebot icons`: the icon-mask cache that `closebot synth --icons OUT` draws from. Needs npm and network access
# to the npm registry. Usage: bash scripts/icons.sh [OUT=data/icons] [WORK=/tmp/closebot-iconify]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-data/icons}"
work="${2:-/tmp/closebot-iconify}"
mkdir -p "$work"
cp scripts/iconify/package.json "$work/package.json"
npm install --prefix "$work" --no-audit --no-fund --silent
closebot icons --npm-dir "$work/node_modules" --out "$out"
