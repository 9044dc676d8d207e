"""``config.yaml`` -> one typed, validated :class:`Config`. Unknown keys, wrong types and out-of-range values stop the
program at start-up with a :class:`ConfigError` that names the file, the key and the value."""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import yaml

from detector.engine import InferenceConfig
from detector.errors import ConfigError
from detector.speaker import SpeakerCheck, SpeakerConfig
from detector.verifier import Verifier
from policies.decide import PolicyConfig
from policies.temporal import TemporalConfig

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"
DEFAULT_WEIGHTS = Path(__file__).resolve().parent.parent / "weights" / "closebot-ssd.pt"
DEFAULT_VERIFIER = Path(__file__).resolve().parent.parent / "weights" / "closebot-verifier.pt"
DEFAULT_SPEAKER = Path(__file__).resolve().parent.parent / "weights" / "closebot-speaker.pt"


@dataclass(frozen=True)
class VerifierSection:
    weights: str = str(DEFAULT_VERIFIER)  # "" turns the second look off
    max_candidates: int = 32

    def load(self, path: str | Path | None = None) -> Verifier | None:
        """The verifier in ``path`` (default: ``weights``) with this section's settings; None when it is off."""
        path = self.weights if path is None else path
        return Verifier.load(path, self.max_candidates) if path else None


@dataclass(frozen=True)
class SpeakerSection:
    weights: str = str(DEFAULT_SPEAKER)  # "" turns the speaker check off
    level: float = 0.999
    min_score: float = 0.3

    def load(self, path: str | Path | None = None) -> SpeakerCheck | None:
        """The speaker check in ``path`` (default: ``weights``) with this section's settings; None when it is off."""
        path = self.weights if path is None else path
        return SpeakerCheck.load(path, SpeakerConfig(self.level, self.min_score)) if path else None


@dataclass(frozen=True)
class DetectorSection:
    weights: str = str(DEFAULT_WEIGHTS)
    inference: InferenceConfig = field(default_factory=InferenceConfig)
    verifier: VerifierSection = field(default_factory=VerifierSection)
    speaker: SpeakerSection = field(default_factory=SpeakerSection)

    def verifier_weights(self) -> str | None:
        return self.verifier.weights or None


@dataclass(frozen=True)
class AdbSection:
    host: str = "127.0.0.1"
    port: int = 5037
    timeout_s: float = 5.0
    connect_wait_s: float = 15.0


@dataclass(frozen=True)
class AgentSection:
    interval_s: float = 0.5
    capture: Literal["raw", "png"] = "raw"
    confirm_delay_s: float = 0.1
    verify_delay_s: float = 0.4
    change_threshold: float = 10.0
    uncertain_low: float = 0.15
    stuck_ticks: int = 20
    max_misses: int = 500
    run_dir: str = "runs"
    adb: AdbSection = field(default_factory=AdbSection)
    temporal: TemporalConfig = field(default_factory=TemporalConfig)


@dataclass(frozen=True)
class Config:
    detector: DetectorSection = field(default_factory=DetectorSection)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    agent: AgentSection = field(default_factory=AgentSection)
    source: str = "<defaults>"


# Ranges checked after types: (min, max) inclusive; None = open.
RANGES: dict[str, tuple[float | None, float | None]] = {
    "detector.inference.tile_size": (64, 4096),
    "detector.inference.min_overlap": (0, 2048),
    "detector.inference.batch_size": (1, 256),
    "detector.inference.min_score": (0.0, 1.0),
    "detector.inference.nms_iou": (0.0, 1.0),
    "detector.inference.max_candidates": (1, 100_000),
    "detector.inference.max_detections": (1, 10_000),
    "detector.inference.threads": (0, 256),
    "detector.inference.zoom.context": (1.0, 32.0),
    "detector.inference.zoom.box_px": (8, 1080),
    "detector.inference.zoom.floor": (0.0, 1.0),
    "detector.inference.zoom.low": (0.0, 1.0),
    "detector.inference.zoom.high": (0.0, 1.0),
    "detector.inference.zoom.accept": (0.0, 1.0),
    "detector.inference.zoom.text_veto": (0.0, 1.0),
    "detector.inference.zoom.text_line_gap": (0.0, 10.0),
    "detector.inference.zoom.glyph_reach": (0.0, 10.0),
    "detector.inference.zoom.match_iou": (0.0, 1.0),
    "detector.inference.zoom.max_crops": (1, 64),
    "detector.inference.zoom.corners": (0, 4),
    "detector.inference.zoom.corner_px": (8, 1080),
    "detector.inference.zoom.refine": (0, 16),
    "detector.inference.zoom.refine_min": (0.0, 1.0),
    "detector.inference.zoom.refine_weight": (0.0, 1.0),
    "detector.inference.zoom.refine_context": (1.0, 32.0),
    "detector.inference.zoom.coarse": (0.0, 1.0),
    "detector.verifier.max_candidates": (1, 1000),
    "detector.speaker.level": (0.0, 1.0),
    "detector.speaker.min_score": (0.0, 1.0),
    "policy.close_threshold": (0.0, 1.0),
    "policy.skip_threshold": (0.0, 1.0),
    "policy.close_over_text_threshold": (0.0, 1.0),
    "policy.ja_overlap": (0.0, 1.0),
    "policy.close_blocks_skip": (0.0, 1.0),
    "policy.close_on_skip_iou": (0.0, 1.0),
    "policy.text_line_gap": (0.0, 10.0),
    "agent.interval_s": (0.05, 3600.0),
    "agent.confirm_delay_s": (0.0, 10.0),
    "agent.verify_delay_s": (0.0, 10.0),
    "agent.change_threshold": (0.0, 255.0),
    "agent.uncertain_low": (0.0, 1.0),
    "agent.stuck_ticks": (1, 100_000),
    "agent.max_misses": (0, 1_000_000),
    "agent.adb.port": (1, 65535),
    "agent.adb.timeout_s": (0.1, 600.0),
    "agent.adb.connect_wait_s": (0.0, 600.0),
    "agent.temporal.confirm_frames": (1, 10),
    "agent.temporal.same_target_iou": (0.0, 1.0),
    "agent.temporal.cooldown_s": (0.0, 3600.0),
    "agent.temporal.max_same_spot": (1, 100),
    "agent.temporal.spot_radius_px": (0.0, 10_000.0),
    "agent.temporal.max_taps_per_minute": (1, 600),
    "agent.temporal.dead_after": (0, 100),
}


def _fail(source: str, key: str, value: Any, why: str) -> ConfigError:
    return ConfigError(f"{source}: '{key}={value!r}' is invalid: {why}")


def _convert(source: str, key: str, tp: Any, value: Any) -> Any:
    origin = get_origin(tp)
    if dataclasses.is_dataclass(tp):
        return _build(source, key, tp, value)
    if origin is Literal:
        allowed = get_args(tp)
        if value not in allowed:
            raise _fail(source, key, value, f"valid values are {', '.join(map(repr, allowed))}")
        return value
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _convert(source, key, args[0], value)
    if tp is bool:
        if not isinstance(value, bool):
            raise _fail(source, key, value, "expected true or false")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(source, key, value, "expected a whole number")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _fail(source, key, value, "expected a number")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise _fail(source, key, value, "expected a string")
        return value
    raise _fail(source, key, value, f"unsupported type {tp}")


def _build(source: str, prefix: str, cls: type, data: Any) -> Any:
    if not isinstance(data, dict):
        raise _fail(source, prefix or "<top>", data, "expected a mapping of keys to values")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name != "source"}
    kwargs = {}
    for k, v in data.items():
        key = f"{prefix}.{k}" if prefix else str(k)
        if k not in fields:
            raise ConfigError(f"{source}: unknown key '{key}'; valid keys here: {', '.join(sorted(fields))}")
        kwargs[k] = _convert(source, key, hints[k], v)
        bounds = RANGES.get(key)
        if bounds and kwargs[k] is not None:
            lo, hi = bounds
            if (lo is not None and kwargs[k] < lo) or (hi is not None and kwargs[k] > hi):
                raise _fail(source, key, v, f"valid values are between {lo} and {hi}")
    return cls(**kwargs)


def _cross_checks(cfg: Config) -> None:
    """Rules between keys: each is (holds, key, value, why), the first broken one is reported."""
    inf, zoom, pol = cfg.detector.inference, cfg.detector.inference.zoom, cfg.policy
    rules = (
        (
            inf.min_overlap < inf.tile_size,
            "detector.inference.min_overlap",
            inf.min_overlap,
            f"must be smaller than detector.inference.tile_size ({inf.tile_size})",
        ),
        (
            zoom.low < zoom.high,
            "detector.inference.zoom.low",
            zoom.low,
            f"must be below detector.inference.zoom.high ({zoom.high})",
        ),
        (
            zoom.accept >= zoom.high,
            "detector.inference.zoom.accept",
            zoom.accept,
            f"must be at least detector.inference.zoom.high ({zoom.high})",
        ),
        (
            pol.close_over_text_threshold >= pol.close_threshold,
            "policy.close_over_text_threshold",
            pol.close_over_text_threshold,
            f"must be at least policy.close_threshold ({pol.close_threshold})",
        ),
        (
            cfg.agent.uncertain_low <= min(pol.close_threshold, pol.skip_threshold),
            "agent.uncertain_low",
            cfg.agent.uncertain_low,
            "must not exceed policy.close_threshold/skip_threshold",
        ),
    )
    for holds, key, value, why in rules:
        if not holds:
            raise _fail(cfg.source, key, value, why)


def load_config(path: Path | str | None = None) -> Config:
    """Read and validate ``path`` (default: the repository's config.yaml; built-in defaults when that is absent)."""
    p = Path(path) if path is not None else DEFAULT_CONFIG
    if not p.is_file():
        if path is None:
            return Config()
        raise ConfigError(f"{p}: config file not found")
    try:
        data = yaml.safe_load(p.read_text()) or {}
    except yaml.YAMLError as e:
        raise ConfigError(f"{p}: not valid YAML: {e}") from e
    cfg = _build(str(p), "", Config, data)
    cfg = dataclasses.replace(cfg, source=str(p))
    det = cfg.detector
    if det.weights and not Path(det.weights).is_absolute():
        det = dataclasses.replace(det, weights=str((p.parent / det.weights).resolve()))
    if det.verifier.weights and not Path(det.verifier.weights).is_absolute():
        ver = dataclasses.replace(det.verifier, weights=str((p.parent / det.verifier.weights).resolve()))
        det = dataclasses.replace(det, verifier=ver)
    if det.speaker.weights and not Path(det.speaker.weights).is_absolute():
        spk = dataclasses.replace(det.speaker, weights=str((p.parent / det.speaker.weights).resolve()))
        det = dataclasses.replace(det, speaker=spk)
    if not _given(data, "detector.inference.zoom.high"):  # the closer look's band ends where close taps begin
        zoom = dataclasses.replace(det.inference.zoom, high=cfg.policy.close_threshold)
        det = dataclasses.replace(det, inference=dataclasses.replace(det.inference, zoom=zoom))
    cfg = dataclasses.replace(cfg, detector=det)
    _cross_checks(cfg)
    return cfg


def _given(data: dict, key: str) -> bool:
    """Whether the file's mapping sets the dotted ``key`` (one that follows another key when absent)."""
    for part in key.split("."):
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True
