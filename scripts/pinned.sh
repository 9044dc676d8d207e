# Sourced by weights/candidates/*/run.sh. `init=$(pinned weights/closebot-ssd.pt 448bc8c835e7 ft8)` prints FILE when
# its sha256 starts with SHA12, else the copy `closebot promote` keeps of it when it replaced that file
# (FILE's stem + .prev-<first 8 of SHA12>.pt); with neither, says so and exits 2: a recipe starts from the weights it
# names, not from whatever is installed now.
pinned() {  # pinned FILE SHA12 NAME
  local file="$1" sha="$2" name="$3" prev="${1%.pt}.prev-${2:0:8}.pt"
  if [ -f "$file" ] && [ "$(sha256sum "$file" | cut -c1-12)" = "$sha" ]; then echo "$file"; return; fi
  [ -f "$prev" ] && { echo "$prev"; return; }
  echo "$0: $name (sha256 $sha...) is neither installed as $file nor kept as $prev" >&2
  exit 2
}

# borrow_val DIR FROM N: a set made with --val-fraction 0 gets the last N val screens of FROM as its val.txt (linked,
# not copied), since `closebot train-verifier` takes only sets with training screens and chooses its epoch on val
# crops; nothing is done when DIR already has a val.txt.
borrow_val() {  # borrow_val DIR FROM N
  local dir="$1" from="$2" n="$3" i
  [ -s "$dir/ImageSets/Main/val.txt" ] && return
  tail -"$n" "$from/ImageSets/Main/val.txt" > "$dir/ImageSets/Main/val.txt"
  while read -r i; do
    ln -sf "$PWD/$from/JPEGImages/$i.jpg" "$dir/JPEGImages/$i.jpg"
    ln -sf "$PWD/$from/Annotations/$i.xml" "$dir/Annotations/$i.xml"
  done < "$dir/ImageSets/Main/val.txt"
}
