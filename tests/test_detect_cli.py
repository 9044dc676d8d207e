import json

import numpy as np
import pytest
from PIL import Image

from agent.cli import _detect_table, main
from detector.engine import DetectResult, DetectTimings
from detector.types import Box, Detection


@pytest.fixture()
def images(tmp_path):
    ok = tmp_path / "screen.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (800, 360, 3), dtype=np.uint8)).save(ok)
    trunc = tmp_path / "trunc.png"
    trunc.write_bytes(ok.read_bytes()[:300])
    text = tmp_path / "notes.txt"
    text.write_text("not an image")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    return ok, trunc, text, empty


def test_detect_json_lines_in_order_with_error_lines(tmp_path, capsys, images, tiny_weights):
    ok, trunc, text, empty = images
    missing = tmp_path / "missing.png"
    names = [str(ok), str(missing), str(trunc), str(text), str(empty), str(ok)]
    status = main(["detect", *names, "--json", "--weights", str(tiny_weights), "--out", str(tmp_path / "ann")])
    assert status == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["image"] for line in lines] == names
    for line in (lines[0], lines[5]):
        assert set(line) == {"image", "width", "height", "detections", "tap", "ms"}
        assert (line["width"], line["height"]) == (360, 800)
        assert isinstance(line["ms"], float) and line["ms"] > 0
        for d in line["detections"]:
            assert set(d) == {"label", "score", "box"} and d["label"] in ("close", "skip", "ja_char")
            assert len(d["box"]) == 4 and 0 <= d["box"][0] <= d["box"][2] <= 360
        assert line["tap"] is None or set(line["tap"]) == {"x", "y", "label", "score"}
    for line in lines[1:5]:
        assert set(line) == {"image", "error"} and line["error"]
    assert "not found" in lines[1]["error"]
    assert "decode" in lines[2]["error"] and "decode" in lines[3]["error"]
    pngs = sorted(p.name for p in (tmp_path / "ann").iterdir())
    assert pngs == ["000-screen.png", "005-screen.png"]


def test_detect_huge_image_is_refused_before_decoding(tmp_path, capsys, tiny_weights):
    huge = tmp_path / "huge.png"
    # A valid 20000x20000 PNG header with a tiny body: the size check must refuse it before any decode.
    Image.new("1", (20000, 20000)).save(huge, optimize=True)
    assert main(["detect", str(huge), "--json", "--weights", str(tiny_weights)]) == 1
    line = json.loads(capsys.readouterr().out)
    assert "too large" in line["error"]
    # just over the limit, under PIL's own bomb guard: our check names the size
    big = tmp_path / "big.png"
    Image.new("1", (8000, 6000)).save(big, optimize=True)
    assert main(["detect", str(big), "--json", "--weights", str(tiny_weights)]) == 1
    assert "8000x6000" in json.loads(capsys.readouterr().out)["error"]


def test_detect_table_output(capsys, images, tiny_weights):
    ok = images[0]
    assert main(["detect", str(ok), "--weights", str(tiny_weights)]) == 0
    out = capsys.readouterr().out
    assert f"{ok}  360x800" in out and "tap:" in out


@pytest.mark.parametrize(
    ("crops", "coarse", "looks"),
    [
        (0, False, "(4 tiles)"),
        (1, False, "(4 tiles, 1 closer look)"),
        (7, True, "(4 tiles, 7 closer looks, a coarse look)"),
    ],
)
def test_detect_table_says_which_looks_a_frame_got(crops, coarse, looks):
    timings = DetectTimings(4, 1.0, 2.0, 3.0, zoom_crops=crops, coarse=coarse)
    res = DetectResult(1080, 2400, [Detection(Box(10, 20, 60, 70), "close", 0.97)], timings)
    first = _detect_table("s.png", res, None, 88.0).splitlines()[0]
    assert first == f"s.png  1080x2400  1 detections  88 ms {looks}"


def test_missing_weights_is_a_clear_error(tmp_path, capsys, images):
    assert main(["detect", str(images[0]), "--weights", str(tmp_path / "no.pt")]) == 1
    assert "weights file not found" in capsys.readouterr().err


def test_an_out_folder_that_cannot_be_made_fails_before_the_model_loads(tmp_path, capsys, images):
    """--out under a regular file: one clear error naming the flag and folder, before the weights are read (a missing
    weights file would be the error otherwise), not a traceback after the first image."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    out = blocker / "annotated"
    assert main(["detect", str(images[0]), "--out", str(out), "--weights", str(tmp_path / "no.pt")]) == 1
    err = capsys.readouterr().err
    assert f"--out {out}: cannot make the folder" in err and "Traceback" not in err


def test_a_png_that_cannot_be_written_is_an_error_line_and_the_rest_go_on(tmp_path, capsys, images, tiny_weights):
    ok = images[0]
    out = tmp_path / "ann"
    out.mkdir()
    (out / "000-screen.png.tmp.png").mkdir()  # the first image's PNG cannot be written there; the second's can
    status = main(["detect", str(ok), str(ok), "--json", "--weights", str(tiny_weights), "--out", str(out)])
    assert status == 1
    captured = capsys.readouterr()
    assert [json.loads(line)["image"] for line in captured.out.splitlines()] == [str(ok), str(ok)]
    assert f"{ok}: error: cannot write {out / '000-screen.png'}" in captured.err
    assert (out / "001-screen.png").is_file() and not (out / "000-screen.png").exists()
