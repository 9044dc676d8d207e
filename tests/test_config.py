from pathlib import Path

import pytest

from agent.cli import main
from agent.config import load_config
from detector.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent


def test_shipped_config_loads():
    cfg = load_config(REPO / "config.yaml")
    assert cfg.detector.inference.tile_size == 720
    assert (cfg.policy.close_threshold, cfg.policy.skip_threshold) == (0.66, 0.7)
    assert cfg.detector.inference.tile_shape == "strip" and cfg.detector.inference.zoom.high == 0.66
    zoom = cfg.detector.inference.zoom
    assert (zoom.corner_mirror, zoom.corner_cells, zoom.whole_cells) == ("right", "none", "none")
    assert Path(cfg.detector.weights).is_absolute()
    assert cfg.detector.verifier_weights() == str(REPO / "weights" / "closebot-verifier.pt")


@pytest.mark.parametrize(
    ("yaml_text", "high"),
    [
        ("policy:\n  close_threshold: 0.75\n", 0.75),  # the closer look's band follows the tap threshold
        ("policy:\n  close_threshold: 0.75\ndetector:\n  inference:\n    zoom:\n      high: 0.5\n", 0.5),
        ("detector:\n  inference:\n    zoom:\n      low: 0.2\n", 0.66),  # the policy's default
    ],
)
def test_zoom_high_follows_the_close_threshold_unless_set(tmp_path, yaml_text, high):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml_text)
    assert load_config(cfg).detector.inference.zoom.high == high


def test_verifier_path_is_relative_to_the_config_and_empty_turns_it_off(tmp_path):
    (tmp_path / "a.yaml").write_text("detector:\n  verifier:\n    weights: w/v.pt\n")
    assert load_config(tmp_path / "a.yaml").detector.verifier_weights() == str(tmp_path / "w" / "v.pt")
    (tmp_path / "b.yaml").write_text("detector:\n  verifier:\n    weights: ''\n")
    assert load_config(tmp_path / "b.yaml").detector.verifier_weights() is None


@pytest.mark.parametrize(
    ("yaml_text", "needles"),
    [
        ("policy:\n  close_treshold: 0.5\n", ["policy.close_treshold", "unknown key"]),
        ("detector:\n  inference:\n    tile_size: big\n", ["detector.inference.tile_size", "'big'", "whole number"]),
        ("detector:\n  inference:\n    tile_shape: hex\n", ["detector.inference.tile_shape", "'hex'", "'strip'"]),
        ("detector:\n  inference:\n    precision: int4\n", ["detector.inference.precision", "'int4'", "'int8'"]),
        (
            "detector:\n  inference:\n    zoom:\n      corner_mirror: top\n",
            ["detector.inference.zoom.corner_mirror", "'top'", "'left'"],
        ),
        (
            "detector:\n  inference:\n    zoom:\n      whole_cells: down\n",
            ["detector.inference.zoom.whole_cells", "'down'", "'nearest'"],
        ),
        (
            "detector:\n  inference:\n    zoom:\n      corner_cells: 2\n",
            ["detector.inference.zoom.corner_cells", "2", "'nearest'"],
        ),
        ("policy:\n  close_threshold: 1.4\n", ["policy.close_threshold=1.4", "between 0.0 and 1.0"]),
        ("detector:\n  inference:\n    torch_device: tpu\n", ["torch_device", "'tpu'", "'cuda'"]),
        (
            "detector:\n  inference:\n    runtime: tensorrt\n",
            ["detector.inference.runtime", "'tensorrt'", "'onnxruntime'"],
        ),
        ("detector:\n  inference:\n    min_overlap: 800\n", ["min_overlap", "800", "tile_size"]),
        ("policy: [1, 2]\n", ["policy", "mapping"]),
        (
            "detector:\n  verifier:\n    max_candidates: 0\n",
            ["detector.verifier.max_candidates=0", "between 1 and 1000"],
        ),
        (
            "detector:\n  inference:\n    zoom:\n      low: 0.7\n",
            ["detector.inference.zoom.low=0.7", "below detector.inference.zoom.high (0.66)"],
        ),
        (
            "detector:\n  inference:\n    zoom:\n      accept: 0.5\n",
            ["detector.inference.zoom.accept=0.5", "at least detector.inference.zoom.high"],
        ),
        ("detector:\n  inference:\n    zoom:\n      enabled: yes please\n", ["zoom.enabled", "true or false"]),
        (
            "detector:\n  inference:\n    zoom:\n      corners: 5\n",
            ["detector.inference.zoom.corners=5", "between 0 and 4"],
        ),
        (
            "detector:\n  inference:\n    zoom:\n      refine_weight: 1.5\n",
            ["detector.inference.zoom.refine_weight=1.5", "between 0.0 and 1.0"],
        ),
        (
            "detector:\n  inference:\n    zoom:\n      coarse: 1.2\n",
            ["detector.inference.zoom.coarse=1.2", "between 0.0 and 1.0"],
        ),
        (
            "policy:\n  close_over_text_threshold: 0.5\n",
            ["policy.close_over_text_threshold=0.5", "at least policy.close_threshold (0.66)"],
        ),
        ("agent:\n  uncertain_low: 0.7\n", ["agent.uncertain_low=0.7", "must not exceed"]),
        ("policy:\n  close_threshold: true\n", ["policy.close_threshold", "True", "number"]),
        ("detector: {inference: {tile_size: 480}\n", ["not valid YAML"]),
    ],
)
def test_bad_config_exits_2_naming_key_value_and_file(tmp_path, capsys, yaml_text, needles):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text(yaml_text)
    with pytest.raises(ConfigError):
        load_config(cfg)
    assert main(["detect", "whatever.png", "--config", str(cfg)]) == 2
    err = capsys.readouterr().err
    assert str(cfg) in err
    for n in needles:
        assert n in err


def test_missing_config_file_is_an_error(tmp_path, capsys):
    assert main(["detect", "x.png", "--config", str(tmp_path / "nope.yaml")]) == 2
    assert "config file not found" in capsys.readouterr().err
