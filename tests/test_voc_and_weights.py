import json
import pickle
from pathlib import Path

import pytest
import torch

from detector.errors import DatasetError, WeightsError
from detector.model import ModelSpec, build_model
from detector.types import Box, GroundTruth
from detector.voc import read_annotation, read_verified, write_annotation
from detector.weights import load_weights, model_from_weights, save_weights

from .conftest import TINY_SPEC


def test_voc_roundtrip(tmp_path):
    objs = [
        GroundTruth(Box(10, 20, 50, 60), "close", "light_translucent/proc_thin_round"),
        GroundTruth(Box(100, 100, 130, 131), "ja_char", "ipag"),
    ]
    p = tmp_path / "a.xml"
    write_annotation(p, "a.jpg", 1080, 2400, objs)
    name, w, h, back = read_annotation(p)
    assert (name, w, h) == ("a.jpg", 1080, 2400)
    assert back == tuple(objs)


def test_voc_unknown_class_names_the_file(tmp_path):
    p = tmp_path / "b.xml"
    write_annotation(p, "b.jpg", 10, 10, [GroundTruth(Box(1, 1, 5, 5), "close")])
    p.write_text(p.read_text().replace(">close<", ">banana<"))
    with pytest.raises(DatasetError, match=r"b\.xml.*'banana'"):
        read_annotation(p)


@pytest.mark.parametrize("encoding", ["u-f-8", "utf-16"])
def test_voc_declared_encoding_it_cannot_read_names_the_file(tmp_path, encoding):
    # found by tests/test_fuzz.py: one byte changed "utf-8" to "u-f-8", and ElementTree raised LookupError
    p = tmp_path / "c.xml"
    write_annotation(p, "c.jpg", 10, 10, [GroundTruth(Box(1, 1, 5, 5), "close")])
    text = p.read_text()
    assert "encoding='utf-8'" in text
    p.write_text(text.replace("encoding='utf-8'", f"encoding='{encoding}'"))
    with pytest.raises(DatasetError, match=r"c\.xml: cannot read annotation"):
        read_annotation(p)
    with pytest.raises(DatasetError, match=r"c\.xml: cannot read annotation"):
        read_verified(p)


def test_weights_roundtrip_gives_same_outputs(tiny_weights):
    w = load_weights(tiny_weights)
    assert w.spec == TINY_SPEC
    assert w.manifest["name"] == "tiny-test" and w.manifest["classes"] == ["close", "skip", "ja_char"]
    assert w.manifest["sha256"] == json.loads(tiny_weights.with_suffix(".json").read_text())["sha256"]  # the model id
    m = model_from_weights(w).eval()
    x = torch.rand(1, 3, TINY_SPEC.input_size, TINY_SPEC.input_size)
    torch.manual_seed(0)
    ref = build_model(TINY_SPEC)
    ref.load_state_dict(torch.load(tiny_weights, weights_only=True)["state_dict"])
    ref.eval()
    with torch.no_grad():
        assert torch.equal(m.backbone(x)["0"], ref.backbone(x)["0"])


def test_missing_weights(tmp_path):
    with pytest.raises(WeightsError, match="not found"):
        load_weights(tmp_path / "none.pt")


def test_truncated_weights(tmp_path, tiny_weights):
    p = tmp_path / "cut.pt"
    p.write_bytes(tiny_weights.read_bytes()[:5000])
    with pytest.raises(WeightsError, match=r"cut\.pt"):
        load_weights(p)


def test_tampered_weights_detected_by_manifest_hash(tmp_path, tiny_weights):
    p = tmp_path / "t.pt"
    data = bytearray(tiny_weights.read_bytes())
    data[-100] ^= 0xFF
    p.write_bytes(bytes(data))
    (tmp_path / "t.json").write_text(tiny_weights.with_suffix(".json").read_text())
    with pytest.raises(WeightsError, match="sha256 differs"):
        load_weights(p)


class _Evil:
    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


def test_pickle_carrying_code_is_refused_and_not_run(tmp_path):
    marker = tmp_path / "pwned"
    evil = _Evil()
    evil.marker = str(marker)
    p = tmp_path / "evil.pt"
    with open(p, "wb") as f:
        pickle.dump({"format": "closebot-weights/1", "payload": evil}, f, protocol=2)
    with pytest.raises(WeightsError, match="refused to load"):
        load_weights(p)
    assert not marker.exists()


def test_wrong_classes(tmp_path):
    spec = ModelSpec(widths=(8, 8, 16, 16, 16), classes=("close", "skip"))
    p = tmp_path / "two.pt"
    save_weights(p, build_model(spec), spec, {})
    with pytest.raises(WeightsError, match="classes"):
        load_weights(p)
