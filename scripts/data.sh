#!/usr/bin/env bash
# Rebuilds on a fresh machine the data the README's training and measuring commands read (data/ is git-ignored):
#   1. apt-installs the fonts, Japanese text and art the generator draws from (without them `closebot synth` still
#      runs, but from a handful of fonts and no pictures at all: data not worth training on);
#   2. the icon-mask cache data/icons (scripts/icons.sh) and, for the browser-rendered set, the npm icon packages
#      and playwright (a driver for Debian's chromium; nothing is downloaded by it);
#   3. the sets: eval = the held-out val screens measure.sh and promote read (synth3/synth4/synth5 val, webeval);
#      train = also the full synth5/synth7/synth8 (train + val) used to fine-tune the shipped SSD.
# Usage: bash scripts/data.sh [eval|train]   (default eval; ~10 min eval, ~30 min train on 2 cores)
# A set whose folder exists is kept. Sets are made by the current generator: since the generator changes over time,
# a set rebuilt here is not bit for bit the one an older README number was measured on (README "Training data").
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-eval}"
case "$what" in eval|train) ;; *) echo "usage: bash scripts/data.sh [eval|train]" >&2; exit 2 ;; esac
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  pkgs=(fonts-noto-cjk fonts-noto-cjk-extra fonts-ipafont fonts-ipaexfont fonts-takao fonts-vlgothic
    fonts-mplus fonts-motoya-l-cedar fonts-horai-umefont fonts-umeplus fonts-kouzan-mouhitsu fonts-komatuna fonts-seto
    fonts-aoyagi-kouzan-t fonts-aoyagi-soseki fonts-kiloji fonts-yozvox-yozfont fonts-klee fonts-misaki fonts-noto-core
    fonts-dejavu fonts-liberation fonts-roboto fonts-open-sans fonts-lato fonts-cantarell fonts-bebas-neue
    fonts-comic-neue fonts-freefont-ttf fonts-font-awesome fonts-fork-awesome fonts-materialdesignicons-webfont
    fonts-material-design-icons-iconfont fonts-symbola manpages-ja gnome-backgrounds desktop-base
    plasma-workspace-wallpapers wesnoth-1.16-data supertux-data freeciv-data pingus-data frozen-bubble-data
    openclipart-png chromium)
  need=()
  for pkg in "${pkgs[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
  if [ ${#need[@]} -gt 0 ]; then
    echo "data: apt-get install ${#need[@]} packages (fonts, art, chromium)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi
command -v npm >/dev/null || { echo "data: npm (Node.js) is needed for the icon sets" >&2; exit 1; }
[ -d data/icons ] || bash scripts/icons.sh data/icons
synth() {  # synth OUT --n N [--val-fraction 1] ARGS...: one set, unless its folder already holds those screens
  local out="$1"; shift
  local n="$2" n_val
  if [ "${3:-}" = "--val-fraction" ]; then n_val="$n"; else n_val=$(( (n + 5) / 10 )); fi
  if [ -d "$out" ]; then
    # kept when it has the same val screens and at least as many screens (a full set serves an eval-only request)
    if ! python3 -c "import json,sys; r=json.load(open(sys.argv[1])); sys.exit(not (r['n_val'] == int(sys.argv[2]) and r['n'] >= int(sys.argv[3])))" \
        "$out/recipe.json" "$n_val" "$n" 2>/dev/null; then
      echo "data: $out is not the set asked for (--n $n, $n_val val screens; an eval-only set?): remove it, run again" >&2
      exit 1
    fi
    echo "data: $out exists, kept"
    return
  fi
  echo "data: closebot synth --out $out $*"
  closebot synth --out "$out" "$@" --workers 2 >/dev/null
}
if [ "$what" = train ]; then
  synth data/synth8 --n 3000 --seed 19 --icons data/icons
  synth data/synth7 --n 3000 --seed 17 --icons data/icons
  synth data/synth5 --n 4000 --seed 5 --icons data/icons
else
  # val screens only: index i of a val split is drawn from (seed, "val", i), so --val-fraction 1 with n = the
  # original set's val count gives the same val screens as the full set would
  synth data/synth5 --n 400 --val-fraction 1 --seed 5 --icons data/icons
fi
synth data/synth3 --n 400 --val-fraction 1 --seed 3    # = the first 400 val screens of --n 7000 --seed 3
synth data/synth4 --n 300 --val-fraction 1 --seed 11   # = the 300 val screens of --n 3000 --seed 11
if [ ! -d data/webeval ]; then
  icons=/tmp/closebot-webeval-icons
  mkdir -p "$icons"
  npm install --prefix "$icons" --no-audit --no-fund --silent bootstrap-icons remixicon lucide-static ionicons@7 heroicons
  python3 -c "import playwright" 2>/dev/null || python3 -m pip install -q playwright
  python3 scripts/webeval.py --icons "$icons/node_modules" --out data/webeval --n 150 --seed 7
fi
echo "data: done ($what)"
