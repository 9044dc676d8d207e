"""Reviewing a harvested dataset: a static HTML gallery, accept/reject marks, and which items training may use.

Corrections made in LabelImg or CVAT are simply the edited XML files (read back by the VOC reader); LabelImg's
"Verify Image" (``verified="yes"``) counts as accepted. ``closebot label`` records accept/reject in the manifest.
Training uses accepted items only, unless asked to include unreviewed ones; rejected items never.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from detector.errors import DatasetError
from detector.harvest import MANIFEST, HarvestItem, load_manifest, save_manifest, write_split_lists
from detector.render import annotate
from detector.types import Detection
from detector.voc import read_annotation, read_verified

THUMB_HEIGHT = 480


def is_harvest(root: Path) -> bool:
    return (Path(root) / MANIFEST).is_file()


def effective_status(root: Path, item: HarvestItem) -> str:
    if item.status != "unreviewed":
        return item.status
    xml = root / "Annotations" / f"{item.id}.xml"
    return "accepted" if xml.is_file() and read_verified(xml) else "unreviewed"


def usable_ids(root: Path, include_unreviewed: bool = False) -> set[str]:
    """Ids training may use: accepted (or verified in LabelImg); unreviewed too when asked; never rejected."""
    items = load_manifest(root)
    ok = {"accepted", "unreviewed"} if include_unreviewed else {"accepted"}
    return {i for i, it in items.items() if effective_status(root, it) in ok}


@dataclass(frozen=True)
class LabelResult:
    accepted: int
    rejected: int
    unknown: list[str]


def label(root: Path, accept: list[str], reject: list[str]) -> LabelResult:
    """Mark items (ids, or a base id for both its full frame and crop) reviewed."""
    root = Path(root)
    items = load_manifest(root)
    if not items:
        raise DatasetError(f"{root}: no {MANIFEST} (not a harvested dataset)")
    unknown = []
    counts = {"accepted": 0, "rejected": 0}
    for status, ids in (("accepted", accept), ("rejected", reject)):
        for ident in ids:
            matched = [k for k in items if k == ident or k.rsplit("_", 1)[0] == ident]
            if not matched:
                unknown.append(ident)
            for k in matched:
                items[k].status = status
                counts[status] += 1
    save_manifest(root, items)
    write_split_lists(root, items)
    return LabelResult(counts["accepted"], counts["rejected"], unknown)


def read_labels_file(path: Path) -> tuple[list[str], list[str]]:
    """Lines ``accept ID`` / ``reject ID`` (``#`` comments allowed)."""
    accept, reject = [], []
    for n, line in enumerate(Path(path).read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2 or parts[0] not in ("accept", "reject"):
            raise DatasetError(f"{path}:{n}: expected 'accept ID' or 'reject ID', got {line!r}")
        (accept if parts[0] == "accept" else reject).append(parts[1])
    return accept, reject


def _thumb(root: Path, item: HarvestItem) -> tuple[str, list[tuple[str, float, list[float]]]]:
    xml = root / "Annotations" / f"{item.id}.xml"
    filename, _, _, objs = read_annotation(xml)
    img = cv2.imread(str(root / "JPEGImages" / Path(filename).name), cv2.IMREAD_COLOR)
    if img is None:
        raise DatasetError(f"{item.id}: image missing or unreadable")
    rgb = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    dets = [Detection(o.box, o.label, 1.0) for o in objs]
    out = annotate(rgb, dets, None)
    if item.hard_negative and item.view == "full":
        x1, y1, x2, y2 = (int(v) for v in item.hard_negative)
        cv2.rectangle(out, (x1, y1), (x2, y2), (255, 0, 255), max(2, out.shape[0] // 400))
    scale = THUMB_HEIGHT / out.shape[0]
    if scale < 1:
        out = cv2.resize(out, (max(1, int(out.shape[1] * scale)), THUMB_HEIGHT), interpolation=cv2.INTER_AREA)
    ok, enc = cv2.imencode(".jpg", cv2.cvtColor(out, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    scores = _scores(xml)
    rows = [(o.label, scores[i] if i < len(scores) else float("nan"), o.box.as_list()) for i, o in enumerate(objs)]
    return "data:image/jpeg;base64," + base64.b64encode(enc.tobytes()).decode(), rows


def _scores(xml: Path) -> list[float]:
    import xml.etree.ElementTree as ET

    out = []
    for obj in ET.parse(xml).getroot().iter("object"):
        try:
            out.append(float(obj.findtext("score") or "nan"))
        except ValueError:
            out.append(float("nan"))
    return out


def write_gallery(root: Path, out: Path | None = None) -> Path:
    """One self-contained HTML file (pictures embedded): works offline, opened from anywhere."""
    root = Path(root)
    items = load_manifest(root)
    if not items:
        raise DatasetError(f"{root}: no {MANIFEST} (not a harvested dataset)")
    out = Path(out) if out else root / "review.html"
    cards = []
    for item in sorted(items.values(), key=lambda i: (i.kind, i.id)):
        status = effective_status(root, item)
        try:
            src, rows = _thumb(root, item)
        except DatasetError as e:
            cards.append(
                f'<figure class="item broken" data-id="{html.escape(item.id)}"><p>{html.escape(str(e))}</p></figure>'
            )
            continue
        table = "".join(
            f"<tr><td>{html.escape(lab)}</td><td>{s:.2f}</td><td>{', '.join(str(int(v)) for v in box)}</td></tr>"
            for lab, s, box in rows
        )
        neg = "<p class='neg'>hard negative (decoy tap) in magenta</p>" if item.hard_negative else ""
        cards.append(
            f'<figure class="item {status}" data-id="{html.escape(item.id)}" data-kind="{html.escape(item.kind)}">'
            f'<img src="{src}" alt="{html.escape(item.id)}">'
            f"<figcaption><b>{html.escape(item.id)}</b> · {html.escape(item.kind)} · {html.escape(item.view)} · "
            f"<span class='status'>{status}</span> · {html.escape(item.device)}{neg}"
            f"<table><tr><th>label</th><th>score</th><th>box</th></tr>{table}</table></figcaption></figure>"
        )
    counts = {k: sum(1 for i in items.values() if i.kind == k) for k in sorted({i.kind for i in items.values()})}
    summary = ", ".join(f"{k}: {v}" for k, v in counts.items())
    doc = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>closebot review: {html.escape(root.name)}</title>
<style>
body {{ font: 14px system-ui, sans-serif; margin: 1em; background: #fafafa; }}
.grid {{ display: flex; flex-wrap: wrap; gap: 12px; }}
figure {{ margin: 0; padding: 8px; background: #fff; border: 2px solid #ccc; border-radius: 6px; max-width: 420px; }}
figure.accepted {{ border-color: #2a2; }} figure.rejected {{ border-color: #c22; opacity: .6; }}
img {{ max-width: 400px; max-height: {THUMB_HEIGHT}px; display: block; }}
table {{ border-collapse: collapse; margin-top: 4px; }} td, th {{ padding: 0 6px; text-align: left; }}
.neg {{ color: #a0a; margin: 2px 0; }}
</style></head><body>
<h1>closebot review: {html.escape(str(root))}</h1>
<p>{len(items)} items ({summary}). Boxes are the model's pre-annotations (unverified until accepted).
Accept or reject with <code>closebot label {html.escape(str(root))} --accept ID --reject ID</code>, or correct the
boxes in LabelImg/CVAT (Annotations/ID.xml).</p>
<div class="grid">
{"".join(cards)}
</div>
<script>
// for headless checks: how many pictures decoded
window.addEventListener("load", () => {{
  const imgs = [...document.images];
  document.title = "loaded " + imgs.filter(i => i.complete && i.naturalWidth > 0).length + "/" + imgs.length;
}});
</script>
</body></html>
"""
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text(doc, encoding="utf-8")
    tmp.replace(out)
    return out


def thumbnails(root: Path) -> list[tuple[HarvestItem, np.ndarray]]:
    """(item, annotated RGB picture) for notebooks."""
    root = Path(root)
    out = []
    for item in sorted(load_manifest(root).values(), key=lambda i: (i.kind, i.id)):
        src, _ = _thumb(root, item)
        data = base64.b64decode(src.split(",", 1)[1])
        img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        out.append((item, cv2.cvtColor(img, cv2.COLOR_BGR2RGB)))
    return out
