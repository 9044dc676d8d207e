"""Close icons from Iconify sets that neither training (scripts/iconify/package.json) nor the browser sets of
scripts/webeval.py use, and that are not among the reserved families: written as SVG files for ``scripts/webeval.py
--close-icons``, with the table of them, and a contact sheet to check that each is a close mark.

Usage: python3 scripts/fresh-close-icons.py ICONIFY_NODE_MODULES OUT_DIR SHEET.png
(ICONIFY_NODE_MODULES: the packages of PACKAGES installed there with npm, as ``bash scripts/data.sh eval`` does;
OUT_DIR a folder inside webeval's --icons node_modules, e.g. .../node_modules/freshclose). The webeval10 set is
``scripts/webeval.py --close-icons OUT_DIR/close-icons.json``.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import cairosvg
import numpy as np
from PIL import Image

PACKAGES = (  # pinned: the versions webeval10 was first drawn with (2026-12-07)
    "@iconify-json/charm@1.2.3 @iconify-json/cil@1.2.3 @iconify-json/dashicons@1.2.1 @iconify-json/el@1.2.2 "
    "@iconify-json/fe@1.2.4 @iconify-json/fontisto@1.2.1 @iconify-json/foundation@1.2.1 @iconify-json/gridicons@1.2.5 "
    "@iconify-json/jam@1.2.3 @iconify-json/oui@1.2.6 @iconify-json/pajamas@1.2.15"
)
CLOSE = {
    "charm": ["cross", "circle-cross", "square-cross"],
    "cil": ["x", "x-circle"],
    "dashicons": ["no", "no-alt", "dismiss"],
    "el": ["remove", "remove-circle", "remove-sign"],
    "fe": ["close"],
    "fontisto": ["close", "close-a"],
    "foundation": ["x", "x-circle"],
    "gridicons": ["cross", "cross-circle", "cross-small"],
    "jam": ["close", "close-circle", "close-circle-f", "close-rectangle", "close-rectangle-f"],
    "oui": ["cross", "cross-in-circle-empty", "cross-in-circle-filled"],
    "pajamas": ["close", "close-xs", "clear"],
}


def svg_of(data: dict, name: str) -> str:
    """The icon ``name`` of an Iconify JSON set as an SVG document (an alias resolved to its parent)."""
    aliases = data.get("aliases", {})
    while name not in data["icons"]:
        name = aliases[name]["parent"]
    icon = data["icons"][name]
    w, h = icon.get("width", data.get("width", 16)), icon.get("height", data.get("height", 16))
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}">{icon["body"]}</svg>'


def main() -> None:
    if sys.argv[1:] == ["--packages"]:  # for the npm install of scripts/data.sh
        print(PACKAGES)
        return
    src, out, sheet = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    table, tiles = {}, []
    for prefix, names in CLOSE.items():
        data = json.loads((src / "@iconify-json" / prefix / "icons.json").read_text())
        (out / prefix).mkdir(parents=True, exist_ok=True)
        for name in names:
            text = svg_of(data, name).replace("currentColor", "#000")
            (out / prefix / f"{name}.svg").write_text(text)
            table.setdefault(prefix, []).append(f"{out.name}/{prefix}/{name}.svg")
            png = cairosvg.svg2png(
                bytestring=text.encode(), output_width=64, output_height=64, background_color="white"
            )
            tiles.append(np.asarray(Image.open(io.BytesIO(png)).convert("RGB")))
    (out / "close-icons.json").write_text(json.dumps(table, indent=1))
    rows = [
        np.hstack(tiles[i : i + 10] + [np.full_like(tiles[0], 255)] * (10 - len(tiles[i : i + 10])))
        for i in range(0, len(tiles), 10)
    ]
    Image.fromarray(np.vstack(rows)).save(sheet)
    print(f"{len(tiles)} close icons of {len(table)} sets -> {out}/close-icons.json, sheet {sheet}")


if __name__ == "__main__":
    main()
