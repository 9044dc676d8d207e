#!/usr/bin/env bash
# Rebuilds on a fresh machine the data the README's training and measuring commands read (data/ is git-ignored):
#   1. apt-installs the fonts, Japanese text and art the generator draws from (without them `closebot synth`
#      refuses: a handful of fonts and no pictures make data not worth training on) and chromium;
#   2. the icon-mask cache data/icons (scripts/icons.sh) and, for the browser-rendered set, the npm icon packages
#      and playwright (a driver for Debian's chromium; nothing is downloaded by it);
#   3. the sets: eval = the held-out val screens measure.sh and promote read (synth3/synth4/synth5/synth9 val, webeval)
#      and webeval8 and webeval9 (more browser-rendered screens, 300 and 600, for measure.sh), webeval10 (300 more,
#      their closes from Iconify sets used nowhere else: scripts/fresh-close-icons.py), webeval12 and webeval12s (the
#      same 300 pages, their text in web fonts no other set uses, scripts/fresh-fonts.py, and in the system fonts),
#      webeval8x2 and webeval8x4 (webeval8's pages shot as a 720x1600 and a 1440x3200 phone) and the 64 calibration
#      screens of `closebot quantize` (data/calib, 1080x2400);
#      train = also the full synth8/synth7/synth5 (train + val), the fine-tuning mix of candidate ft9, and the full
#      synth10 (small closes, --close-px 16-64), with synth5 the training screens of candidate ft10, and synth3tr and
#      synth4tr (train screens of synth3's and synth4's recipes); all six are what the from-scratch run reads; and
#      synth11 (training screens with text where buttons sit: candidates ft14, ft15, v25w), and web1 and web2
#      (browser-rendered training screens, scripts/webtrain.py: candidate ft16).
# Usage: bash scripts/data.sh [eval|train|packages]   (default eval; packages: steps 1-2 only, no sets)
# A set's folder is kept when its recipe.json has the seed and val screens asked for and at least as many screens
# (a full synth5 serves eval). Sets are made by the current generator, which changes over time: a set rebuilt here is
# not bit for bit the one an older README number was measured on (README "Training data").
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-eval}"
case "$what" in eval|train|packages) ;; *) echo "usage: bash scripts/data.sh [eval|train|packages]" >&2; exit 2 ;; esac
bash scripts/apt-install.sh fonts-noto-cjk fonts-noto-cjk-extra fonts-ipafont fonts-ipaexfont fonts-takao \
  fonts-vlgothic fonts-mplus fonts-motoya-l-cedar fonts-horai-umefont fonts-umeplus fonts-kouzan-mouhitsu \
  fonts-komatuna fonts-seto fonts-aoyagi-kouzan-t fonts-aoyagi-soseki fonts-kiloji fonts-yozvox-yozfont fonts-klee \
  fonts-misaki fonts-noto-core fonts-dejavu fonts-liberation fonts-roboto fonts-open-sans fonts-lato fonts-cantarell \
  fonts-bebas-neue fonts-comic-neue fonts-freefont-ttf fonts-font-awesome fonts-fork-awesome \
  fonts-materialdesignicons-webfont fonts-material-design-icons-iconfont fonts-symbola manpages-ja gnome-backgrounds \
  desktop-base plasma-workspace-wallpapers wesnoth-1.16-data supertux-data freeciv-data pingus-data \
  frozen-bubble-data openclipart-png chromium
command -v npm >/dev/null || { echo "data: npm (Node.js) is needed for the icon sets" >&2; exit 1; }
[ -d data/icons ] || bash scripts/icons.sh data/icons
if [ "$what" = packages ]; then echo "data: done (packages)"; exit 0; fi

synth() {  # synth OUT N VAL_FRACTION SEED [ARGS...]: one set, unless OUT already holds those screens
  local out="$1" n="$2" vf="$3" seed="$4"
  shift 4
  if [ -d "$out" ]; then
    # n_val as closebot synth computes it: int(round(n * val_fraction))
    if ! python3 - "$out/recipe.json" "$n" "$vf" "$seed" <<'PY' 2>/dev/null; then
import json, sys
r = json.load(open(sys.argv[1]))
n, vf, seed = int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
sys.exit(not (r["seed"] == seed and r["n_val"] == int(round(n * vf)) and r["n"] >= n))
PY
      echo "data: $out is not the set asked for (--n $n --val-fraction $vf --seed $seed): remove it, run again" >&2
      exit 1
    fi
    echo "data: $out exists, kept"
    return
  fi
  echo "data: closebot synth --out $out --n $n --val-fraction $vf --seed $seed $*"
  closebot synth --out "$out" --n "$n" --val-fraction "$vf" --seed "$seed" "$@" --workers 2 --quiet >/dev/null
}

if [ "$what" = train ]; then
  synth data/synth8 3000 0.1 19 --icons data/icons
  synth data/synth7 3000 0.1 17 --icons data/icons
  synth data/synth5 4000 0.1 5 --icons data/icons
  synth data/synth10 3000 0.1 29 --icons data/icons --close-px 16-64
  # train screens only, drawn like synth3's and synth4's train splits (their val screens are eval sets): 6300 and
  # 2700 screens, as many as the train splits of --n 7000 --seed 3 and --n 3000 --seed 11 the shipped chain saw
  # (until 2026-12-02 these were 2000 and 1500: the sets of scratch13-scratch17)
  synth data/synth3tr 6300 0 3
  synth data/synth4tr 2700 0 11
  # text where buttons sit, never labelled close or skip (candidates ft14, ft15, v25w; since 2026-12-04)
  synth data/synth11 2400 0 41 --icons data/icons --text-negatives 3
  # browser-rendered training screens (candidate ft16; since 2026-12-05): headless chromium through playwright, the
  # Iconify packages of scripts/icons.sh (kept in /tmp, so installed again on a fresh /tmp); meta.jsonl is written
  # last, so a set without it was cut short and is made again
  python3 -c "import playwright" 2>/dev/null || python3 -m pip install -q playwright
  if [ ! -d /tmp/closebot-iconify/node_modules/@iconify-json ]; then
    mkdir -p /tmp/closebot-iconify && cp scripts/iconify/package.json /tmp/closebot-iconify/package.json
    npm install --prefix /tmp/closebot-iconify --no-audit --no-fund --silent
  fi
  for s in 1 2; do
    [ -f data/web$s/meta.jsonl ] && { echo "data: data/web$s exists, kept"; continue; }
    rm -rf data/web$s
    echo "data: python3 scripts/webtrain.py --out data/web$s --n 1200 --seed 10$s"
    python3 scripts/webtrain.py --out data/web$s --n 1200 --seed 10$s 2>/dev/null
  done
else
  # val screen i is drawn from (seed, "val", i) alone, so --val-fraction 1 with n = the full set's val count writes
  # the same val screens as the full set (--n 4000 --seed 5) would
  synth data/synth5 400 1 5 --icons data/icons
fi
synth data/synth3 400 1 3    # = the first 400 val screens of --n 7000 --seed 3
synth data/synth4 300 1 11   # = the 300 val screens of --n 3000 --seed 11
synth data/synth9 400 1 23 --icons data/icons  # a seed no training set uses (held-out icon sets, layouts, fonts, art)
synth data/calib 64 0 31 --icons data/icons --size 1080x2400  # `closebot quantize` calibrates on these (training recipe)
# the browser-rendered evaluation sets: webeval (150, seed 7), webeval8 (300 more, seed 8; since 2026-12-05),
# webeval9 (600 more, seed 9; since 2026-12-06), webeval12s (300 more, seed 12; since 2026-12-07: webeval12 below
# in other fonts), and webeval8x2 and webeval8x4 (since 2026-12-08: webeval8's pages at device scale 2 and 4, a
# 720x1600 and a 1440x3200 phone, where the others are 1080x2400)
icons=/tmp/closebot-webeval-icons
webeval_needs() {  # the icon packages and playwright, once
  if [ ! -d "$icons/node_modules/bootstrap-icons" ]; then
    mkdir -p "$icons"
    npm install --prefix "$icons" --no-audit --no-fund --silent bootstrap-icons remixicon lucide-static ionicons@7 heroicons
  fi
  python3 -c "import playwright" 2>/dev/null || python3 -m pip install -q playwright
}
for spec in "webeval 150 7 3" "webeval8 300 8 3" "webeval9 600 9 3" "webeval12s 300 12 3" "webeval8x2 300 8 2" \
  "webeval8x4 300 8 4"; do
  read -r name n seed scale <<< "$spec"
  [ -f data/$name/meta.jsonl ] && continue  # written last: a set without it was cut short
  webeval_needs
  rm -rf data/$name
  python3 scripts/webeval.py --icons "$icons/node_modules" --out data/$name --n $n --seed $seed --scale $scale
done
# webeval10 (300, seed 10; since 2026-12-07): the same pages, their closes drawn from 11 Iconify sets that neither
# training nor the browser sets above use (scripts/fresh-close-icons.py; none of the reserved families)
if [ ! -f data/webeval10/meta.jsonl ]; then
  webeval_needs
  fresh=/tmp/closebot-fresh-icons
  if [ ! -d "$fresh/node_modules/@iconify-json/pajamas" ]; then
    mkdir -p "$fresh"
    # shellcheck disable=SC2046  # the package list is words
    npm install --prefix "$fresh" --no-audit --no-fund --silent $(python3 scripts/fresh-close-icons.py --packages)
  fi
  python3 scripts/fresh-close-icons.py "$fresh/node_modules" "$icons/node_modules/freshclose" "$fresh/close-icons.png"
  rm -rf data/webeval10
  python3 scripts/webeval.py --icons "$icons/node_modules" --out data/webeval10 --n 300 --seed 10 \
    --close-icons "$icons/node_modules/freshclose/close-icons.json"
fi
# webeval12 (300, seed 12; since 2026-12-07): text in 10 Japanese and 8 Latin web fonts that neither training nor
# the sets above use (scripts/fresh-fonts.py); webeval12s (in the loop above) is the same pages in webeval.py's own
# system fonts: the two differ only in their fonts
if [ ! -f data/webeval12/meta.jsonl ]; then
  webeval_needs
  fonts=/tmp/closebot-webfonts
  if [ ! -d "$fonts/node_modules/@expo-google-fonts/russo-one" ]; then
    mkdir -p "$fonts"
    # shellcheck disable=SC2046  # the package list is words
    npm install --prefix "$fonts" --no-audit --no-fund --silent $(python3 scripts/fresh-fonts.py --packages)
  fi
  python3 scripts/fresh-fonts.py "$fonts/node_modules" "$fonts/out" "$fonts/fonts.png"
  rm -rf data/webeval12
  python3 scripts/webeval.py --icons "$icons/node_modules" --out data/webeval12 --n 300 --seed 12 \
    --fonts "$fonts/out/fonts.json"
fi
echo "data: done ($what)"
