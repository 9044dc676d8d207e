"""The browser sets' targets by how their page drew them, and how often the shipped pair taps each kind right.

Each screen of scripts/webeval.py keeps its page (DIR/html/<id>.html); the target's element there says its kind: a
close as a bare icon, an icon on a circle, ring or square plate, a typed character on a circle (which character,
which font) or a pill with a word; a skip as a bare icon, an icon on a circle or a pill with a word. An icon is named
by matching its inline SVG against the files of the icon packages (/tmp/closebot-webeval-icons, what
`bash scripts/data.sh eval` installs); webeval10's Iconify icons count as "iconify". Reads the shipped pair's
detections as `scripts/judge-policy.py` cached them (run it on the sets first); runs no network.

    python3 weights/candidates/browsermiss/kinds.py --config runs/current.yaml --data data/webeval \
        --data data/webeval8 --data data/webeval9 --data data/webeval10
"""

from __future__ import annotations

import collections
import dataclasses
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from agent.judgecache import cached_sets, probe_arguments  # noqa: E402
from detector.evaluate import judge  # noqa: E402

ICONS = Path("/tmp/closebot-webeval-icons/node_modules")
SIZE = re.compile(r"width:([\d.]+)px")


def fingerprints() -> dict[str, str]:
    """The first drawing attribute of every icon file the browser sets draw from -> 'package/name'."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))
    import webeval

    out = {}
    for rel in [r for rels in webeval.CLOSE_ICONS.values() for r in rels] + webeval.SKIP_ICONS:
        key = _drawing(re.sub(r"<!--.*?-->", "", (ICONS / rel).read_text(), flags=re.S))
        out[key] = f"{rel.split('/')[0].replace('-static', '').replace('-icons', '')}/{Path(rel).stem}"
    return out


def _drawing(svg: str) -> str:
    m = re.search(r'<(path|circle|line|rect|polyline)\b[^>]*?\s(d|cx|x1|x|points)="([^"]{0,40})', svg)
    return f"{m.group(1)}:{m.group(3)}" if m else "?"


def element(page: str, label: str) -> str | None:
    """The markup of the page's ``label`` element, from its opening tag to its closing </div> (one level of nested
    divs at most: the buttons are flat)."""
    i = page.find(f'data-label="{label}"')
    if i < 0:
        return None
    j = page.find("</div>", i)
    return page[i:j]


def kind(markup: str, label: str, icons: dict[str, str]) -> tuple[str, str]:
    """(form, detail): form bare / circle / ring / square / char / pill, detail the icon or the character and font."""
    head = markup.split(">", 1)[0]
    svg = markup[markup.find("<svg") :] if "<svg" in markup else ""
    icon = icons.get(_drawing(svg), "iconify") if svg else ""
    if 'data-ink="1"' in head:
        return "bare", icon
    if "<svg" not in markup:
        font = re.search(r"px ([^;]+);", head)
        return "char", f"{markup.rsplit('>', 1)[1].strip()} {font.group(1) if font else '?'}"
    if "padding:0" in head:
        return "pill", icon
    if "solid" in head and "transparent" in head:
        return "ring", icon
    return ("circle" if "50%" in head else "square"), icon


def main() -> None:
    args = probe_arguments(__doc__.split("\n\n")[0]).parse_args()
    cfg, sets, cached = cached_sets(args)
    icons = fingerprints()
    no_rule5 = dataclasses.replace(cfg.policy, close_blocks_skip=1.01)  # 1.01: no score blocks a skip
    by_form: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    by_detail: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for root, items in sets.items():
        for it, dets in zip(items, cached[root], strict=True):
            out = judge(it, dets, cfg.policy)
            if not (out.has_close or out.has_skip):
                continue
            label = "close" if out.has_close else "skip"
            markup = element((root / "html" / f"{it.image_id}.html").read_text(), label)
            form, detail = kind(markup, label, icons) if markup else ("?", "")
            for table, key in ((by_form, f"{label} {form}"), (by_detail, f"{label} {form} {detail}")):
                table[key]["screens"] += 1
                table[key][out.kind] += 1
                if out.kind == "miss" and judge(it, dets, no_rule5).kind == "hit":
                    table[key]["rule5"] += 1
    for title, table in (("by form", by_form), ("by form and icon / character", by_detail)):
        print(f"\n{title}: screens, tapped right (share), missed (of them held back by rule 5), tapped elsewhere")
        for key, c in sorted(table.items(), key=lambda kv: (kv[1]["hit"] / kv[1]["screens"], kv[0])):
            share = c["hit"] / c["screens"]
            missed = f"{c['miss']:3} ({c['rule5']})"
            print(f"  {key:48} {c['screens']:4} {c['hit']:4} ({share:.2f}) {missed} {c['wrong_button']:3}")


if __name__ == "__main__":
    main()
