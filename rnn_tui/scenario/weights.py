"""Reading named arrays from .npz and .safetensors files, safely.

Nothing here unpickles, and every array's declared size is checked against a
limit before any memory is allocated for it (a zip bomb or a header declaring
10 GB is refused at once).
"""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import numpy as np

from ..i18n import _

MAX_ARRAY_ELEMENTS = 64 * 1024 * 1024  # 512 MB of float64: far beyond a model meant to be read
MAX_TOTAL_ELEMENTS = 4 * MAX_ARRAY_ELEMENTS
SAFETENSORS_DTYPES = {
    "F64": np.float64, "F32": np.float32, "F16": np.float16,
    "I64": np.int64, "I32": np.int32, "I16": np.int16, "I8": np.int8, "U8": np.uint8,
}  # fmt: skip


class WeightsError(Exception):
    """A weights file or one of its arrays cannot be used. `key` is None for the whole file."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


def _check_size(key: str, shape: tuple[int, ...], budget: list[int]) -> None:
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if count > MAX_ARRAY_ELEMENTS:
        raise WeightsError(
            _("declares shape {shape} ({count:,} values); the limit is {limit:,}").format(
                shape=shape, count=count, limit=MAX_ARRAY_ELEMENTS
            ),
            key,
        )
    budget[0] += count
    if budget[0] > MAX_TOTAL_ELEMENTS:
        raise WeightsError(
            _("the file holds more than {limit:,} values in all").format(limit=MAX_TOTAL_ELEMENTS)
        )


def read_npz(path: Path) -> dict[str, np.ndarray]:
    """Every array of an .npz (as written by np.savez), name -> array. Refuses
    object arrays (pickle), oversized arrays, and members that inflate past their header."""
    arrays: dict[str, np.ndarray] = {}
    budget = [0]
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise WeightsError(_("is not a readable .npz (not a zip archive)")) from None
    with archive:
        for info in archive.infolist():
            key = info.filename.removesuffix(".npy")
            if not info.filename.endswith(".npy"):
                raise WeightsError(
                    _("holds {name}, which is not a .npy array").format(name=repr(info.filename))
                )
            try:
                with archive.open(info) as member:
                    version = np.lib.format.read_magic(member)
                    header = (
                        np.lib.format.read_array_header_1_0
                        if version == (1, 0)
                        else np.lib.format.read_array_header_2_0
                    )
                    shape, fortran, dtype = header(member)
                    if dtype.hasobject:
                        raise WeightsError(_("holds Python objects (pickle); refused"), key)
                    _check_size(key, shape, budget)
                    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
                    if info.file_size > expected + 4096:  # header is at most a few KB
                        raise WeightsError(
                            _(
                                "inflates to {size:,} bytes, more than its {declared:,} "
                                "declared; refused"
                            ).format(size=info.file_size, declared=expected),
                            key,
                        )
                with archive.open(info) as member:  # read_array reads the header again
                    array = np.lib.format.read_array(member, allow_pickle=False)
            except WeightsError:
                raise
            except (ValueError, OSError, EOFError, zipfile.BadZipFile, struct.error) as e:
                raise WeightsError(
                    _("is not a readable .npy array ({reason})").format(reason=e), key
                ) from None
            arrays[key] = array
    return arrays


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of a .safetensors file, name -> array, through the safetensors package.
    The JSON header is checked (dtypes, sizes) before anything is loaded."""
    try:
        with open(path, "rb") as f:
            raw = f.read(8)
            if len(raw) != 8:
                raise WeightsError(_("is not a .safetensors file (too short)"))
            (length,) = struct.unpack("<Q", raw)
            if length > 100 * 1024 * 1024:
                raise WeightsError(
                    _("declares a {size:,}-byte header; refused").format(size=length)
                )
            header = json.loads(f.read(length))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise WeightsError(
            _("is not a readable .safetensors file ({reason})").format(reason=e)
        ) from None
    if not isinstance(header, dict):
        raise WeightsError(_("is not a readable .safetensors file (header is not an object)"))
    budget = [0]
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        if not isinstance(entry, dict) or entry.get("dtype") not in SAFETENSORS_DTYPES:
            dtype = entry.get("dtype") if isinstance(entry, dict) else None
            raise WeightsError(
                _("has dtype {dtype}, which numpy cannot hold").format(dtype=dtype), key
            )
        _check_size(key, tuple(entry.get("shape", ())), budget)
    try:
        from safetensors.numpy import load_file
    except ImportError:  # pragma: no cover - a declared dependency
        raise WeightsError(_("needs the safetensors package (pip install safetensors)")) from None
    try:
        return dict(load_file(str(path)))
    except Exception as e:  # the package raises its own error types for corrupt files
        raise WeightsError(
            _("is not a readable .safetensors file ({reason})").format(reason=e)
        ) from None


def read_weights(path: Path) -> dict[str, np.ndarray]:
    """Arrays from a weights file by its suffix: .npz or .safetensors."""
    if path.suffix == ".safetensors":
        return read_safetensors(path)
    if path.suffix == ".npz":
        return read_npz(path)
    raise WeightsError(_("is neither .npz nor .safetensors"))


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> Path:
    """Save named arrays as an .npz that `read_npz` (and np.load) read back as they are.
    Returns the path written: numpy appends ".npz" to a name without it."""
    path = Path(path)
    written = path if path.suffix == ".npz" else path.with_name(path.name + ".npz")
    np.savez(written, **arrays)  # type: ignore[arg-type]  # numpy's stub mistypes **kwds
    return written
