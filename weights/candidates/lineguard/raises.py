"""Every close the candidates' closer look raises on the judging sets, and which guard would have kept it down.

    python3 weights/candidates/lineguard/raises.py record CONFIG OUT.jsonl --data data/synth7 --data ...
    python3 weights/candidates/lineguard/raises.py count OUT.jsonl

`record` runs the detector of CONFIG over each set's first 400 val screens (as scripts/judge-policy.py does) and
writes one line per raise: the screen, the candidate's and the zoomed close's scores, the zoomed box, the Japanese
text boxes of the frame and of the closer look, and where the box's centre falls: on a labelled close, on a skip, or
on neither. `count` reads those lines (and the screens again, for the pixel tests) and prints, per guard of
detector.textline and detector.glyphs, how many raises it keeps down on closes and elsewhere. A raise elsewhere is
not always a false tap (the frame may tap something else first), nor one on a close always a screen won:
scripts/judge-policy.py measures what a guard does to the taps; this shows what each guard sees, in seconds per
variant.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

import detector.engine as engine  # noqa: E402
from agent.config import load_config  # noqa: E402
from detector.data import load_items, read_image  # noqa: E402
from detector.glyphs import bare_mark, glyph_beside  # noqa: E402
from detector.textline import beside_in_line  # noqa: E402
from detector.types import Box  # noqa: E402
from detector.zoom import confirmation  # noqa: E402


def watch_looks() -> list:
    """From now on, every call of the engine's candidates' look (detector.zoom.apply) appends what it was given,
    (detections, candidates, zoomed detections), to the list returned (the caller clears it per screen)."""
    seen = []
    real = engine.apply_zoom

    def spy(dets, looked, zoomed, z, nms_iou, glyph=None):
        seen.append((dets, looked, zoomed))
        return real(dets, looked, zoomed, z, nms_iou, glyph)

    engine.apply_zoom = spy
    return seen


def record(config: Path, out: Path, roots: list[Path], limit: int) -> None:
    cfg = load_config(config)
    det = engine.Detector.load(cfg.detector.weights, cfg.detector.inference, cfg.detector.verifier.weights)
    zoom = cfg.detector.inference.zoom
    seen = watch_looks()
    with out.open("w") as f:
        for root in roots:
            for item in tqdm(load_items([root], "val")[:limit], desc=root.name, file=sys.stderr):
                seen.clear()
                det.detect(read_image(item.image_path))
                for dets, looked, zoomed in seen:
                    for c in looked:
                        best = confirmation(c, zoomed, zoom)
                        if best is None:
                            continue
                        x, y = best.box.center
                        on = [o.label for o in item.objects if o.label in ("close", "skip") and o.box.contains(x, y)]
                        row = {
                            "set": root.name,
                            "image": item.image_id,
                            "path": str(item.image_path),
                            "candidate": round(c.score, 3),
                            "raised": round(best.score, 3),
                            "box": best.box.as_list(1),
                            "on": "close" if "close" in on else ("skip" if on else "neither"),
                            "texts": [d.box.as_list(1) for d in (*dets, *zoomed) if d.label == "ja_char"],
                        }
                        f.write(json.dumps(row) + "\n")


def count(path: Path) -> None:
    rows = [json.loads(line) for line in path.open()]
    images: dict[str, object] = {}
    tests = {f"text line, gap {g}": ("line", g) for g in (0.5, 1.0, 1.5)}
    tests |= {f"glyph, reach {r}": ("glyph", r) for r in (0.25, 0.5, 1.0, 1.5)}
    tests |= {f"bare mark and glyph, reach {r}": ("bare glyph", r) for r in (0.25, 0.5, 1.0, 1.5)}
    tests |= {f"bare mark and text line, gap {g}": ("bare line", g) for g in (0.5, 1.0, 1.5)}
    tests |= {f"bare mark and (glyph or text line), {v}": ("bare either", v) for v in (0.5, 1.0, 1.5)}
    kept = {name: {"close": [], "skip": [], "neither": []} for name in tests}
    totals = {"close": 0, "skip": 0, "neither": 0}
    for r in rows:
        totals[r["on"]] += 1
        box = Box(*r["box"])
        texts = [Box(*t) for t in r["texts"]]
        if r["path"] not in images:
            images = {r["path"]: read_image(Path(r["path"]))}  # rows come screen by screen
        image = images[r["path"]]
        for name, (kind, v) in tests.items():
            line = "line" in kind and beside_in_line(box, texts, v)
            glyph = "line" not in kind and glyph_beside(image, box, v)
            either = kind == "bare either" and (beside_in_line(box, texts, v) or glyph_beside(image, box, v))
            hit = line or glyph or either
            if kind.startswith("bare"):
                hit = hit and bare_mark(image, box)
            if hit:
                kept[name][r["on"]].append(f"{r['set']}/{r['image']}")
    print(f"raises: {len(rows)} (" + ", ".join(f"on {w} {n}" for w, n in totals.items()) + ")")
    for name, k in kept.items():
        print(f"{name}: keeps down " + ", ".join(f"{len(k[w])} on {w}" for w in totals))
        for where in ("neither", "skip", "close"):
            if k[where]:
                print(f"  {where}: {' '.join(k[where])}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("config", type=Path)
    rec.add_argument("out", type=Path)
    rec.add_argument("--data", action="append", required=True, type=Path)
    rec.add_argument("--limit", type=int, default=400)
    cnt = sub.add_parser("count")
    cnt.add_argument("rows", type=Path)
    args = ap.parse_args()
    if args.what == "record":
        record(args.config, args.out, args.data, args.limit)
    else:
        count(args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
