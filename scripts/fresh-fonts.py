"""Web fonts that neither training nor the browser sets use, for ``scripts/webeval.py --fonts``: Japanese display and
text fonts of the kinds game ads are set in, and Latin ones (condensed, rounded, heavy): Google Fonts' whole TTF files
from npm's @expo-google-fonts packages (pinned below; @fontsource's, cut into ~120 files a weight by Unicode range,
made Chromium time out waiting for them after 86 pages). Writes ``fonts.css`` (an @font-face for each upright weight
of each package, its file as a file:// URL) and ``fonts.json`` ({"ja": [...], "latin": [...], "css": <fonts.css>}),
then checks in Chromium that each family really draws (a family that does not load falls back to a system font
without a word: the check draws a sample in each family and in a family no machine has, and stops when the two are
the same pixels), and writes a contact sheet of the samples.

The lists have as many families as webeval.py's own (10 Japanese, 8 Latin), so a seed draws the same pages with
either: only the fonts differ (webeval.py's ``--fonts``).

Usage: python3 scripts/fresh-fonts.py FONTS_NODE_MODULES OUT_DIR SHEET.png
(FONTS_NODE_MODULES: ``npm install $(python3 scripts/fresh-fonts.py --packages)`` run in a folder, its node_modules;
2026-12-07: 18 packages, 3 s, 96 MB).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from detector.synth.browser import CHROMIUM_ARGS  # noqa: E402

# package -> (CSS family, version pinned: the ones webeval12 was first drawn with, 2026-12-07). None of the families
# is installed by scripts/data.sh (training's and the other browser sets' fonts).
JA = {
    "dela-gothic-one": ("Dela Gothic One", "0.4.1"),
    "dotgothic16": ("DotGothic16", "0.4.1"),
    "rampart-one": ("Rampart One", "0.4.1"),
    "hachi-maru-pop": ("Hachi Maru Pop", "0.4.1"),
    "mochiy-pop-one": ("Mochiy Pop One", "0.4.1"),
    "reggae-one": ("Reggae One", "0.4.1"),
    "rocknroll-one": ("RocknRoll One", "0.4.1"),
    "yusei-magic": ("Yusei Magic", "0.4.2"),
    "zen-kaku-gothic-new": ("Zen Kaku Gothic New", "0.4.1"),
    "shippori-mincho": ("Shippori Mincho", "0.4.1"),
}
LATIN = {
    "oswald": ("Oswald", "0.4.2"),
    "anton": ("Anton", "0.4.2"),
    "montserrat": ("Montserrat", "0.4.2"),
    "poppins": ("Poppins", "0.4.1"),
    "archivo-black": ("Archivo Black", "0.4.1"),
    "bangers": ("Bangers", "0.4.1"),
    "fredoka": ("Fredoka", "0.4.1"),
    "russo-one": ("Russo One", "0.4.1"),
}
PACKAGES = " ".join(f"@expo-google-fonts/{pkg}@{version}" for pkg, (_, version) in {**JA, **LATIN}.items())
JA_SAMPLE = "残者十区ジ スキップ 閉じる"
LATIN_SAMPLE = "X x × Skip CLOSE"
NO_FONT = "closebot-no-such-font"


def font_css(node_modules: Path, package: str, family: str) -> str:
    """An @font-face for each upright weight of one @expo-google-fonts package (``400Regular/X_400Regular.ttf``...)."""
    root = node_modules / "@expo-google-fonts" / package
    faces = sorted(p for p in root.glob("*/*.ttf") if re.fullmatch(r"\d00[A-Za-z]+", p.parent.name))
    if not faces:
        sys.exit(f"fresh-fonts: no TTF in {root}: install the packages (--packages) with npm first")
    return "".join(
        f"@font-face{{font-family:'{family}';font-style:normal;font-weight:{f.parent.name[:3]};"
        f"src:url(file://{f.resolve()}) format('truetype')}}"
        for f in faces
    )


def sample_page(css_file: Path, family: str, text: str) -> str:
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="file://{css_file.resolve()}">'
        f'</head><body style="margin:0;background:#fff"><div style="font:48px \'{family}\', {NO_FONT};'
        f'padding:8px;white-space:nowrap;width:780px;height:64px">{text}</div></body></html>'
    )


def check_and_sheet(families: list[tuple[str, str]], css_file: Path, work: Path, sheet: Path) -> list[str]:
    """Each (family, sample) drawn in Chromium, and in a family no machine has: the families that drew the same
    pixels as that fallback (did not load). Writes the samples one under another to ``sheet``."""
    from playwright.sync_api import sync_playwright

    work.mkdir(parents=True, exist_ok=True)
    rows, failed = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        pg = browser.new_page(viewport={"width": 1000, "height": 80})
        for i, (family, text) in enumerate(families):
            shots = []
            for name in (family, NO_FONT):
                page = work / f"sample{i}-{name == NO_FONT}.html"
                page.write_text(sample_page(css_file, name, text))
                pg.goto(f"file://{page.resolve()}")
                pg.evaluate("document.fonts.ready.then(() => true)")
                shots.append(cv2.imdecode(np.frombuffer(pg.screenshot(), np.uint8), cv2.IMREAD_COLOR))
            if np.array_equal(shots[0], shots[1]):
                failed.append(family)
            row = shots[0].copy()
            cv2.putText(row, family, (800, 46), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 200), 1, cv2.LINE_AA)
            rows.append(row)
        browser.close()
    cv2.imwrite(str(sheet), np.vstack(rows))
    return failed


def main() -> None:
    if sys.argv[1:] == ["--packages"]:  # for the npm install
        print(PACKAGES)
        return
    if len(sys.argv) != 4:
        sys.exit("usage: python3 scripts/fresh-fonts.py FONTS_NODE_MODULES OUT_DIR SHEET.png | --packages")
    node_modules, out, sheet = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    css_file = out / "fonts.css"
    css_file.write_text("".join(font_css(node_modules, pkg, fam) for pkg, (fam, _) in {**JA, **LATIN}.items()))
    families = [(f, JA_SAMPLE) for f, _ in JA.values()] + [(f, LATIN_SAMPLE) for f, _ in LATIN.values()]
    failed = check_and_sheet(families, css_file, out / "samples", sheet)
    if failed:
        sys.exit(f"fresh-fonts: these families drew as the fallback font (not loaded): {', '.join(failed)}")
    table = {"ja": [f for f, _ in JA.values()], "latin": [f for f, _ in LATIN.values()], "css": str(css_file.resolve())}
    (out / "fonts.json").write_text(json.dumps(table, indent=1))
    print(f"{len(JA)} Japanese + {len(LATIN)} Latin families -> {out}/fonts.json, each drawn (sheet {sheet})")


if __name__ == "__main__":
    main()
