"""Pascal VOC datasets: JPEGImages/, Annotations/*.xml, ImageSets/Main/{train,val}.txt (what LabelImg and CVAT open).

Boxes are written as integer pixels, xmin/ymin inclusive and xmax/ymax exclusive, 0-based. Extra per-object tags
(``<style>``) are closebot's own and are ignored by other tools.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from detector.errors import DatasetError
from detector.types import CLASSES, Box, GroundTruth


@dataclass(frozen=True)
class VocItem:
    image_id: str
    image_path: Path
    width: int
    height: int
    objects: tuple[GroundTruth, ...]


def write_annotation(
    path: Path,
    image_name: str,
    width: int,
    height: int,
    objects: list[GroundTruth],
    scores: list[float] | None = None,
    verified: bool | None = None,
) -> None:
    """Write one annotation atomically. ``scores`` (the model's, for pre-annotations) go into a ``<score>`` tag;
    ``verified`` into LabelImg's ``verified="yes|no"`` attribute of the root."""
    root = ET.Element("annotation")
    if verified is not None:
        root.set("verified", "yes" if verified else "no")
    ET.SubElement(root, "folder").text = "JPEGImages"
    ET.SubElement(root, "filename").text = image_name
    size = ET.SubElement(root, "size")
    for tag, val in (("width", width), ("height", height), ("depth", 3)):
        ET.SubElement(size, tag).text = str(val)
    ET.SubElement(root, "segmented").text = "0"
    for i, o in enumerate(objects):
        obj = ET.SubElement(root, "object")
        ET.SubElement(obj, "name").text = o.label
        ET.SubElement(obj, "pose").text = "Unspecified"
        ET.SubElement(obj, "truncated").text = "0"
        ET.SubElement(obj, "difficult").text = "0"
        if o.style:
            ET.SubElement(obj, "style").text = o.style
        if scores is not None:
            ET.SubElement(obj, "score").text = f"{scores[i]:.4f}"
        bb = ET.SubElement(obj, "bndbox")
        for tag, val in (("xmin", o.box.x1), ("ymin", o.box.y1), ("xmax", o.box.x2), ("ymax", o.box.y2)):
            ET.SubElement(bb, tag).text = str(int(round(val)))
    ET.indent(root)
    tmp = path.with_suffix(".xml.tmp")
    ET.ElementTree(root).write(tmp, encoding="utf-8", xml_declaration=True)
    os.replace(tmp, path)


def read_annotation(path: Path) -> tuple[str, int, int, tuple[GroundTruth, ...]]:
    """(filename, width, height, objects). Unknown class names raise DatasetError naming the file."""
    root = _parse(path).getroot()
    try:
        filename = root.findtext("filename") or path.with_suffix(".jpg").name
        w = int(root.findtext("size/width") or 0)
        h = int(root.findtext("size/height") or 0)
        objs = []
        for obj in root.iter("object"):
            name = (obj.findtext("name") or "").strip()
            if name not in CLASSES:
                raise DatasetError(f"{path}: unknown class {name!r}; expected one of {', '.join(CLASSES)}")
            bb = obj.find("bndbox")
            if bb is None:
                raise DatasetError(f"{path}: object {name!r} has no bndbox")
            box = Box(*(float(bb.findtext(t) or "nan") for t in ("xmin", "ymin", "xmax", "ymax")))
            if not (box.x2 > box.x1 and box.y2 > box.y1):
                raise DatasetError(f"{path}: empty or inverted box {box.as_list()} for {name!r}")
            objs.append(GroundTruth(box, name, obj.findtext("style") or ""))  # type: ignore[arg-type]
    except ValueError as e:
        raise DatasetError(f"{path}: malformed number ({e})") from e
    return filename, w, h, tuple(objs)


def read_verified(path: Path) -> bool:
    """LabelImg's verified flag (``<annotation verified="yes">``), set when a person pressed "Verify Image"."""
    return _parse(path).getroot().get("verified") == "yes"


def _parse(path: Path) -> ET.ElementTree:
    """The XML tree of ``path``; DatasetError naming the file when it cannot be read or parsed: bad XML, or an
    encoding its declaration names that does not exist (LookupError) or that expat cannot read (ValueError)."""
    try:
        return ET.parse(path)
    except (ET.ParseError, OSError, LookupError, ValueError) as e:
        raise DatasetError(f"{path}: cannot read annotation ({e})") from e


def read_split(root: Path, split: str) -> list[VocItem]:
    """Items listed in ImageSets/Main/<split>.txt."""
    listing = root / "ImageSets" / "Main" / f"{split}.txt"
    if not listing.is_file():
        raise DatasetError(f"{root}: not a VOC dataset (no ImageSets/Main/{split}.txt)")
    items = []
    for image_id in listing.read_text().split():
        filename, w, h, objs = read_annotation(root / "Annotations" / f"{image_id}.xml")
        items.append(VocItem(image_id, root / "JPEGImages" / Path(filename).name, w, h, objs))
    return items
