"""What the candidates' closer look sees at the six screens where it raises a mark to a wrong tap (the shipped pair;
weights/candidates/raisedx/candidate-look-false-taps.png): per candidate it raised, the zoomed close and every Japanese
text box near it, of the frame and of the closer look, with the text-line test and the glyph test
(detector.textline.beside_in_line; detector.glyphs.glyph_beside alone) at gap / reach 0.5 and 1, and whether it is
a bare mark.

Usage: python3 weights/candidates/lineguard/probe.py CONFIG
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from raises import watch_looks  # noqa: E402  (beside this file)

import detector.engine as engine  # noqa: E402
from agent.config import load_config  # noqa: E402
from detector.data import load_items, read_image  # noqa: E402
from detector.glyphs import bare_mark, glyph_beside  # noqa: E402
from detector.textline import beside_in_line  # noqa: E402
from detector.zoom import confirmation  # noqa: E402

SCREENS = [
    ("synth4", "val_11_000171"),
    ("synth9", "val_23_000234"),
    ("webeval8", "web_8_0187"),
    ("webeval8", "web_8_0192"),
    ("webeval9", "web_9_0273"),
    ("webeval10", "web_10_0213"),
]


def main() -> int:
    cfg = load_config(Path(sys.argv[1]))
    det = engine.Detector.load(cfg.detector.weights, cfg.detector.inference, cfg.detector.verifier.weights)
    zoom = cfg.detector.inference.zoom
    seen = watch_looks()
    for name, screen in SCREENS:
        if not (Path("data") / name).is_dir():
            print(f"== {name} {screen}: data/{name} is not here (scripts/data.sh eval makes it)")
            continue
        item = {it.image_id: it for it in load_items([Path("data") / name], "val")}[screen]
        seen.clear()
        image = read_image(item.image_path)
        det.detect(image)
        print(f"== {name} {screen}")
        for dets, looked, zoomed in seen:
            for c in looked:
                best = confirmation(c, zoomed, zoom)
                if best is None:
                    continue
                b = best.box
                print(f"  raised {c.score:.2f} -> {best.score:.2f} box {b.as_list(0)} (h {b.height:.0f})")
                h = max(b.height, b.width)
                for src, ds in (("frame", dets), ("look", zoomed)):
                    near = [
                        d
                        for d in ds
                        if d.label == "ja_char"
                        and abs(d.box.center[0] - b.center[0]) < 6 * h
                        and abs(d.box.center[1] - b.center[1]) < 3 * h
                    ]
                    for d in near:
                        print(f"    {src} ja_char {d.score:.2f} {d.box.as_list(0)} (h {d.box.height:.0f})")
                texts = [d.box for d in (*dets, *zoomed) if d.label == "ja_char"]
                line = {g: beside_in_line(b, texts, g) for g in (0.5, 1.0)}
                glyph = {r: glyph_beside(image, b, r) for r in (0.5, 1.0)}
                print(f"    text beside in its line (gap: found) {line}; glyph in its row (reach: found) {glyph}")
                print(f"    a bare mark: {bare_mark(image, b)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
