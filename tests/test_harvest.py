"""Harvest -> review -> label: misses from a run directory become a reviewable VOC dataset; bad input is skipped."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import cv2
import numpy as np
import pytest

from agent.runlog import DeviceLog
from detector.data import load_items
from detector.harvest import MANIFEST, harvest, load_manifest
from detector.review import label, read_labels_file, usable_ids, write_gallery
from detector.voc import read_annotation

MODEL = {"name": "closebot-ssd", "sha256": "0123456789abcdef"}


def frame(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    img = np.full((800, 600, 3), 40 + 20 * seed, np.uint8)
    for _ in range(12):
        x, y = rng.integers(0, 560), rng.integers(0, 760)
        img[y : y + 40, x : x + 40] = rng.integers(0, 255, 3)
    return img


def det(label: str, score: float, box) -> dict:
    return {"label": label, "score": score, "box": list(box)}


def make_run(base: Path, name: str = "20261124-010000", seed0: int = 0) -> Path:
    dl = DeviceLog(base / name / "127.0.0.1_5555")
    close = det("close", 0.93, (500, 40, 560, 100))
    dl.miss(
        "ineffective",
        frame(seed0),
        {
            "t": 1,
            "model": MODEL,
            "detections": [close],
            "decision": {"x": 530, "y": 70, "label": "close", "score": 0.93, "box": [500, 40, 560, 100]},
        },
    )
    dl.miss(
        "decoy",
        frame(seed0 + 1),
        {
            "t": 2,
            "model": MODEL,
            "detections": [close, det("ja_char", 0.9, (10, 10, 50, 50))],
            "decision": {"x": 530, "y": 70, "label": "close", "score": 0.93, "box": [500, 40, 560, 100]},
            "focused_after": "com.android.vending",
        },
    )
    dl.miss(
        "uncertain", frame(seed0 + 2), {"t": 3, "model": MODEL, "detections": [det("skip", 0.45, (20, 700, 120, 760))]}
    )
    dl.miss(
        "stuck", frame(seed0 + 3), {"t": 4, "model": MODEL, "detections": [det("close", 0.4, (300, 300, 340, 340))]}
    )
    dl.tick({"t": 5})
    dl.close()
    with open(base / name / "127.0.0.1_5555" / "events.jsonl", "a") as fh:
        fh.write('{"t": 6, "detec')  # a truncated last line, as after a crash
    return base / name


def add_bad_records(run: Path) -> None:
    misses = run / "127.0.0.1_5555" / "misses"
    (misses / "000090-stuck.json").write_text('{"kind": "stuck", "frame": "000090-stu')  # truncated record
    (misses / "000091-stuck.json").write_text(json.dumps({"kind": "stuck", "frame": "000091-stuck.png"}))  # no frame
    (misses / "000092-stuck.png").write_bytes(b"not a png at all")
    (misses / "000092-stuck.json").write_text(json.dumps({"kind": "stuck", "frame": "000092-stuck.png"}))
    (misses / "000093-stuck.json").write_text(json.dumps({"kind": "stuck", "frame": "../../../../etc/passwd.png"}))


def test_harvest_makes_a_voc_dataset_and_skips_bad_items(tmp_path: Path) -> None:
    run = make_run(tmp_path / "runs")
    add_bad_records(run)
    out = tmp_path / "harvested"
    rep = harvest([tmp_path / "runs"], out, show_progress=False)
    assert (rep.added, rep.already, rep.duplicates) == (4, 0, 0)
    assert len(rep.skipped) == 4 and all("0000" in s for s in rep.skipped)
    items = load_manifest(out)
    assert len(items) == 8 and {i.view for i in items.values()} == {"full", "crop"}
    assert {i.kind for i in items.values()} == {"ineffective", "decoy", "uncertain", "stuck"}
    assert all(i.model == MODEL and i.device == "127.0.0.1_5555" and i.status == "unreviewed" for i in items.values())
    listed = (out / "ImageSets/Main/train.txt").read_text().split() + (
        out / "ImageSets/Main/val.txt"
    ).read_text().split()
    assert sorted(listed) == sorted(items)
    for item_id in items:
        name, w, h, objs = read_annotation(out / "Annotations" / f"{item_id}.xml")
        img = cv2.imread(str(out / "JPEGImages" / name))
        assert img is not None and img.shape[:2] == (h, w)
        assert ET.parse(out / "Annotations" / f"{item_id}.xml").getroot().get("verified") == "no"
        if item_id.endswith("_crop"):
            assert (w, h) == (400, 400)
    decoy = [i for i in items.values() if i.kind == "decoy" and i.view == "full"][0]
    assert decoy.hard_negative == [500, 40, 560, 100]
    labels = [o.label for o in read_annotation(out / "Annotations" / f"{decoy.id}.xml")[3]]
    assert labels == ["ja_char"]  # the tapped decoy is background now
    ineff = [i for i in items.values() if i.kind == "ineffective" and i.view == "crop"][0]
    _, _, _, objs = read_annotation(out / "Annotations" / f"{ineff.id}.xml")
    assert [o.label for o in objs] == ["close"]  # pre-annotation moved into the crop
    # nothing written outside --out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["harvested", "runs"]
    assert not list(out.rglob("*.tmp"))


def test_harvest_twice_adds_nothing_and_near_duplicates_are_dropped(tmp_path: Path) -> None:
    make_run(tmp_path / "runs")
    out = tmp_path / "ds"
    harvest([tmp_path / "runs"], out, show_progress=False)
    before = {p.name: p.stat().st_mtime_ns for p in (out / "JPEGImages").iterdir()}
    rep = harvest([tmp_path / "runs"], out, show_progress=False)
    assert (rep.added, rep.already) == (0, 4)
    assert {p.name: p.stat().st_mtime_ns for p in (out / "JPEGImages").iterdir()} == before
    make_run(tmp_path / "runs2", "20261124-020000", seed0=0)  # the same screens again in another run
    rep = harvest([tmp_path / "runs2"], out, show_progress=False)
    assert (rep.added, rep.duplicates) == (0, 4)


def test_interrupted_harvest_leaves_whole_files_and_resumes(tmp_path: Path, monkeypatch) -> None:
    import detector.harvest as hv

    make_run(tmp_path / "runs")
    out = tmp_path / "ds"
    real = hv._write_item
    calls = {"n": 0}

    def crash_on_third(*a, **k):
        calls["n"] += 1
        if calls["n"] == 3:
            (out / "JPEGImages" / "half.jpg.tmp").write_bytes(b"\xff\xd8")  # what a kill mid-write leaves
            raise KeyboardInterrupt
        return real(*a, **k)

    monkeypatch.setattr(hv, "_write_item", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        harvest([tmp_path / "runs"], out, show_progress=False)
    assert len(load_manifest(out)) == 2  # the first miss, whole
    for jpg in (out / "JPEGImages").glob("*.jpg"):
        assert cv2.imread(str(jpg)) is not None
    monkeypatch.setattr(hv, "_write_item", real)
    rep = harvest([tmp_path / "runs"], out, show_progress=False)
    assert (rep.added, rep.already) == (3, 1) and len(load_manifest(out)) == 8
    assert not list(out.rglob("*.tmp"))


def test_label_and_what_training_may_use(tmp_path: Path) -> None:
    make_run(tmp_path / "runs")
    out = tmp_path / "ds"
    harvest([tmp_path / "runs"], out, show_progress=False)
    items = load_manifest(out)
    assert usable_ids(out) == set()
    train_ids = set((out / "ImageSets/Main/train.txt").read_text().split())
    base = sorted(train_ids)[0].rsplit("_", 1)[0]
    other = sorted(i for i in items if not i.startswith(base))[0]
    res = label(out, accept=[base], reject=[other, "nope"])
    assert (res.accepted, res.rejected, res.unknown) == (2, 1, ["nope"])
    assert usable_ids(out) == {f"{base}_full", f"{base}_crop"}
    assert other not in usable_ids(out, include_unreviewed=True)
    assert len(usable_ids(out, include_unreviewed=True)) == 7
    assert {it.image_id for it in load_items([out], "train")} == {f"{base}_full", f"{base}_crop"} & train_ids
    # LabelImg's "Verify Image" counts as accepted
    third = sorted(set(items) - {f"{base}_full", f"{base}_crop", other})[0]
    xml = out / "Annotations" / f"{third}.xml"
    xml.write_text(xml.read_text().replace('verified="no"', 'verified="yes"'))
    assert third in usable_ids(out)
    labels_file = tmp_path / "labels.txt"
    labels_file.write_text(f"# reviewed\naccept {third}\nreject {base}_crop\n")
    assert read_labels_file(labels_file) == ([third], [f"{base}_crop"])


def test_review_gallery_renders_in_headless_chromium(tmp_path: Path) -> None:
    make_run(tmp_path / "runs")
    out = tmp_path / "ds"
    harvest([tmp_path / "runs"], out, show_progress=False)
    html = write_gallery(out)
    text = html.read_text()
    assert text.count('<figure class="item') == 8 and "hard negative" in text
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "chromium is missing: run scripts/setup.sh"
    dom = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=5000",
            "--dump-dom",
            html.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert "<title>loaded 8/8</title>" in dom  # every embedded picture decoded in a real browser
    assert (out / MANIFEST).is_file()


def test_review_notebook_executes(tmp_path: Path, monkeypatch) -> None:
    import nbformat
    from nbclient import NotebookClient

    run = make_run(tmp_path / "runs")
    out = tmp_path / "ds"
    harvest([tmp_path / "runs"], out, show_progress=False)
    monkeypatch.setenv("CLOSEBOT_DATASET", str(out))
    monkeypatch.setenv("CLOSEBOT_RUN", str(run / "127.0.0.1_5555"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(Path(__file__).resolve().parent.parent / "notebooks" / "review.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "8 items" in text and "decoy" in text and "1 ticks" in text
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]


def test_harvest_cli_reports_skipped_items(tmp_path: Path) -> None:
    import sys

    run = make_run(tmp_path / "runs")
    add_bad_records(run)
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "agent.cli",
            "harvest",
            str(tmp_path / "runs"),
            "--out",
            str(tmp_path / "ds"),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 1
    assert "4 new misses (8 items" in r.stdout and r.stderr.count("skipped") == 4
