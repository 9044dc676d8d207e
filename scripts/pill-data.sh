# Sourced by weights/candidates/ft19/run.sh and ft23/run.sh (the shipped SSD's recipe), after scripts/pinned.sh:
# `pill_data` makes sure the training sets of ft19's recipe are on disk and sets PILL_SETS to its --data list:
# ft16's sets (ft16/run.sh: synth11, synth3tr, synth5, synth7, web1 and web2 twice) plus data/synth12 twice (1200
# screens, seed 43, half their closes pills: `--close-pills 0.5 --text-negatives 3`). A data/synth12 made with other
# flags stops the recipe (exit 2) instead of being trained on.
pill_data() {
  [ -d data/synth11 ] || bash scripts/data.sh train  # synth11, web1, web2 and the other training sets
  if [ -f data/synth12/meta.jsonl ]; then  # made before: only if it is the set this recipe asks for
    python3 -c "import json, sys; r = json.load(open('data/synth12/recipe.json'));
sys.exit((r['seed'], r['n'], r['text_negatives'], r.get('close_pills')) != (43, 1200, 3, 0.5))" \
      || { echo "$0: data/synth12 is another set (see its recipe.json): remove it, run again" >&2; exit 2; }
  else
    closebot synth --out data/synth12 --n 1200 --val-fraction 0 --seed 43 \
      --icons data/icons --text-negatives 3 --close-pills 0.5 --workers 2 --quiet
  fi
  PILL_SETS=(--data data/synth11 --data data/synth3tr --data data/synth5 --data data/synth7
             --data data/web1 --data data/web2 --data data/web1 --data data/web2 --data data/synth12 --data data/synth12)
}
