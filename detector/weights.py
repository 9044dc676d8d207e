"""Weights files: a state dict plus the spec and manifest that explain it, saved with ``torch.save`` and read with
``torch.load(weights_only=True)``, so a file can carry tensors and plain data but never code.

Next to ``NAME.pt`` a human-readable ``NAME.json`` holds the same manifest and the file's sha256; when it is present
a mismatch means the file was changed after training and loading stops.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from detector.errors import WeightsError
from detector.model import ModelSpec, build_model
from detector.types import CLASSES

FORMAT = "closebot-weights/1"


@dataclass(frozen=True)
class LoadedWeights:
    path: Path
    spec: ModelSpec
    state_dict: dict[str, torch.Tensor]
    manifest: dict[str, Any]


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def manifest_path(path: Path) -> Path:
    return path.with_suffix(".json")


def save_weights(path: Path, model: torch.nn.Module, spec: ModelSpec, manifest: dict[str, Any]) -> None:
    """Write ``path`` and its ``.json`` manifest atomically (temp file, then rename)."""
    manifest = {
        **manifest,
        "format": FORMAT,
        "spec": spec.to_dict(),
        "classes": list(spec.classes),
        "torch": torch.__version__,
    }
    write_checked(path, FORMAT, spec.to_dict(), model.state_dict(), manifest)


def write_checked(
    path: Path, fmt: str, spec: dict[str, Any], state_dict: dict[str, torch.Tensor], manifest: dict[str, Any]
) -> None:
    """The file layout every closebot weights format shares: format tag, spec, manifest and tensors in one
    ``torch.save`` payload, plus the manifest with the file's sha256 beside it; both written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": fmt,
        "spec": spec,
        "manifest_json": json.dumps(manifest),
        "state_dict": {k: v.detach().cpu() for k, v in state_dict.items()},
    }
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(payload, tmp)
    os.replace(tmp, path)
    write_manifest(path, {**manifest, "sha256": sha256_of(path)})


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Write the human-readable manifest beside weights file ``path`` atomically (temp file, then rename)."""
    mtmp = manifest_path(path).with_suffix(".json.tmp")
    mtmp.write_text(json.dumps(manifest, indent=2) + "\n")
    os.replace(mtmp, manifest_path(path))


def read_checked(path: Path | str, fmt: str, what: str = "weights") -> tuple[dict[str, Any], dict[str, Any]]:
    """The payload (``spec``, ``state_dict``...) and manifest (with the file's sha256) of a file written by
    :func:`write_checked`, read with ``weights_only=True``. Every way the file can be wrong is a WeightsError naming
    it: missing, changed since its ``.json`` was written, holding code, truncated, another format, incomplete."""
    path = Path(path)
    if not path.is_file():
        raise WeightsError(f"{path}: {what} file not found")
    side = manifest_path(path)
    digest = sha256_of(path)
    if side.is_file():
        try:
            expected = json.loads(side.read_text()).get("sha256")
        except (json.JSONDecodeError, OSError) as e:
            raise WeightsError(f"{side}: unreadable manifest ({e})") from e
        if expected and expected != digest:
            raise WeightsError(f"{path}: sha256 differs from {side.name}: the file was modified or truncated")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as e:
        raise WeightsError(
            f"{path}: refused to load: the file holds objects other than tensors and plain data "
            f"(weights_only=True); it may carry code ({str(e).splitlines()[0]})"
        ) from e
    except (RuntimeError, EOFError, OSError, ValueError) as e:
        raise WeightsError(f"{path}: not a readable {what} file (truncated or corrupt): {e}") from e
    if not isinstance(payload, dict) or payload.get("format") != fmt:
        raise WeightsError(f"{path}: not a closebot {what} file (expected format {fmt!r})")
    missing = [k for k in ("spec", "state_dict", "manifest_json") if k not in payload]
    if missing:
        raise WeightsError(f"{path}: incomplete {what} file (no {', '.join(missing)})")
    try:
        manifest = {**json.loads(payload["manifest_json"]), "sha256": digest}  # the id runs and harvests record
    except (TypeError, ValueError) as e:
        raise WeightsError(f"{path}: incomplete {what} file (unreadable manifest: {e})") from e
    return payload, manifest


def load_weights(path: Path | str) -> LoadedWeights:
    """Read a weights file safely. Raises WeightsError naming the file for every way it can be wrong."""
    path = Path(path)
    payload, manifest = read_checked(path, FORMAT)
    try:
        spec = ModelSpec.from_dict(payload["spec"])
    except (KeyError, TypeError, ValueError) as e:
        raise WeightsError(f"{path}: incomplete weights file ({e})") from e
    if tuple(spec.classes) != CLASSES:
        raise WeightsError(f"{path}: trained for classes {list(spec.classes)}, closebot needs {list(CLASSES)}")
    return LoadedWeights(path, spec, payload["state_dict"], manifest)


def model_from_weights(w: LoadedWeights) -> torch.nn.Module:
    model = build_model(w.spec)
    try:
        model.load_state_dict(w.state_dict, strict=True)
    except RuntimeError as e:
        raise WeightsError(f"{w.path}: tensors do not fit the network described in the file: {e}") from e
    return model
