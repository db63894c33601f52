"""The weights a session carries: their digest, and the arrays a record holds, embedded
in its line (a base64 .npz) or in a .npz file beside the session, which a replay reads
from the session's own folder and nowhere else."""

from __future__ import annotations

import base64
import hashlib
import io
from pathlib import Path

import numpy as np

from ..i18n import _
from ..scenario import Scenario
from ..scenario.weights import WeightsError, read_npz, read_npz_stream
from ..text import visible
from .errors import SessionError, _shown, _why
from .lines import Session

MAX_EMBEDDED_BYTES = 1024 * 1024
"""Weights whose .npz is at most this are embedded (base64) in the line; bigger ones go
into a file beside the session."""


def scenario_weights(scenario: Scenario) -> dict[str, np.ndarray]:
    """Every array the scenario computes with: the network's parameters and the embedding."""
    arrays = dict(scenario.network.params)
    if scenario.embedding is not None:
        arrays["embedding.weight"] = scenario.embedding
    return arrays


def weights_digest(arrays: dict[str, np.ndarray]) -> str:
    """sha256 over names, shapes and float64 bytes, in name order: the same weights,
    the same digest, however they were stored."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name], dtype=np.float64)
        digest.update(f"{name}{a.shape}".encode())
        digest.update(a.tobytes())
    return digest.hexdigest()


def _recorded_arrays(weights: dict, where: str, base: Path | None) -> dict[str, np.ndarray] | None:
    """The arrays a weights entry holds: embedded, or in the .npz file it names, which
    must be a file in `base` (the session's own folder) itself; None when it holds
    none (seeded weights that the text rebuilds; the sha256 checks them)."""
    if weights.get("embedded"):
        try:
            return _npz_from_base64(str(weights["embedded"]))
        except (ValueError, WeightsError, OSError) as e:
            raise SessionError(
                f"{where}: "
                + _("embedded weights are unreadable ({reason})").format(reason=_why(e))
            ) from None
    name = weights.get("path")
    if name is None:
        return None
    path = sidecar_path(name, where, base)
    try:
        return read_npz(path)
    except (OSError, WeightsError, ValueError) as e:
        raise SessionError(
            f"{where}: "
            + _("the recorded weights file {path} is unreadable ({reason})").format(
                path=visible(str(path)), reason=_why(e)
            )
        ) from None


def _npz_from_base64(text: str) -> dict[str, np.ndarray]:
    data = base64.b64decode(text, validate=True)
    if len(data) > 2 * MAX_EMBEDDED_BYTES:
        raise ValueError(_("{size:,} bytes").format(size=len(data)))
    return read_npz_stream(io.BytesIO(data))  # checks sizes before reading any array


def is_sidecar_name(name: str) -> bool:
    """A plain .npz file name, with no folder in it: what a record may name as weights."""
    return (
        name.endswith(".npz")
        and name not in (".", "..")
        and "/" not in name
        and "\\" not in name
        and "\x00" not in name
        and not Path(name).is_absolute()
        and Path(name).name == name
    )


def sidecar_path(name: str, where: str, base: Path | None) -> Path:
    """The weights file a record names: a plain .npz file name in `base` (the session's
    folder), a regular file there and not a link out of it; else a SessionError."""
    shown = _shown(name)
    if not is_sidecar_name(name) or base is None:
        raise SessionError(
            f"{where}: "
            + _(
                "refusing the recorded weights file {name}: a session reads only a .npz "
                "file in its own folder"
            ).format(name=shown)
        )
    path = base / name
    try:
        folder = base.resolve(strict=True)
        inside = path.resolve(strict=True).parent == folder
    except (OSError, RuntimeError):
        raise SessionError(
            f"{where}: "
            + _("the recorded weights file {path} is missing").format(path=visible(str(path)))
        ) from None
    if not inside:
        raise SessionError(
            f"{where}: "
            + _(
                "refusing the recorded weights file {name}: it links out of the session's folder"
            ).format(name=shown)
        )
    if not path.is_file():
        raise SessionError(
            f"{where}: "
            + _("refusing the recorded weights file {name}: not a regular file").format(name=shown)
        )
    return path


def session_files(session: Session) -> list[Path]:
    """The files a session consists of: itself and the weights files beside it that
    its records name (an export never writes onto one)."""
    out = [session.path]
    records = [session.header.get("scenario")]
    records += [a.change.get("scenario") for a in session.actions if a.change]
    for record in records:
        if isinstance(record, dict) and isinstance(record.get("weights"), dict):
            name = record["weights"].get("path")
            if isinstance(name, str) and is_sidecar_name(name):
                out.append(session.path.parent / name)
    return out
