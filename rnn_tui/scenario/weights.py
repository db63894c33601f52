"""Reading named arrays from .npz and .safetensors files, safely.

A weights file is hostile until shown otherwise: nothing here unpickles, only
regular files are opened (never a fifo, a device or a directory, which could block
or never end), and every array's header is read and checked before any memory is
allocated for its data: its dtype must be a real float or integer type, and its
size in bytes (count x itemsize) must fit the budget. A zip bomb, a member of dtype
`|V1048576`, a header declaring 10 GB or nested 100,000 deep is a message, at once.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import struct
import warnings
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from ..engine.cells import CELLS
from ..files import Unreadable, open_regular
from ..i18n import _
from ..text import visible

MAX_ARRAY_BYTES = 256 * 2**20  # one array: far beyond a model meant to be read
MAX_TOTAL_BYTES = 256 * 2**20  # all arrays of one file together
MAX_ARRAY_ELEMENTS = MAX_ARRAY_BYTES // 8  # the same budget in float64 values
MAX_MEMBERS = 4096  # arrays in one file (64 bidirectional LSTM layers need 514)
MAX_NPY_HEADER = 65536  # bytes of one .npy header (numpy writes ~128)
MAX_SAFETENSORS_HEADER = 16 * 2**20  # bytes of a .safetensors JSON header
MAX_SHAPE_RANK = 32  # numpy's own limit is 64
ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
SAFETENSORS_DTYPES = {
    "F64": "<f8",
    "F32": "<f4",
    "F16": "<f2",
    "I64": "<i8",
    "I32": "<i4",
    "I16": "<i2",
    "I8": "i1",
    "U8": "u1",
}
_CHUNK = 1 << 20


class WeightsError(Exception):
    """A weights file or one of its arrays cannot be used. `key` is None for the whole file."""

    def __init__(self, message: str, key: str | None = None) -> None:
        message = visible(message)  # quotes names and reasons from the file: shown escaped
        super().__init__(message)
        self.key = key  # as in the file (the loader matches it; its messages escape it)
        self.message = message


# ---------------------------------------------------------------- opening files
def open_weights(path: Path) -> BinaryIO:
    """files.open_regular, its refusal as a WeightsError."""
    try:
        return open_regular(path)
    except Unreadable as e:
        raise WeightsError(str(e)) from None


def _short(reason: object, limit: int = 160) -> str:
    text = str(reason).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------- sizes
def _check_size(
    key: str, shape: tuple[int, ...], dtype: np.dtype, budget: list[int]
) -> tuple[int, int]:
    """(count, bytes) of an array, or WeightsError when it is over the budget."""
    count = math.prod(shape)  # Python integers: no overflow, whatever the header says
    nbytes = count * dtype.itemsize
    if nbytes > MAX_ARRAY_BYTES:
        raise WeightsError(
            _(
                "declares shape {shape} ({count:,} values), {size:,} bytes; "
                "the limit is {limit:,} bytes"
            ).format(shape=shape, count=count, size=nbytes, limit=MAX_ARRAY_BYTES),
            key,
        )
    budget[0] += nbytes
    if budget[0] > MAX_TOTAL_BYTES:
        raise WeightsError(
            _("the file holds more than {limit:,} bytes of arrays in all").format(
                limit=MAX_TOTAL_BYTES
            )
        )
    return count, nbytes


def _numeric(dtype: np.dtype) -> bool:
    """A real float or integer dtype: no object, string, void, structured, complex, bool."""
    return dtype.kind in "fiu" and dtype.fields is None and dtype.subdtype is None


def _check_dtype(key: str, dtype: np.dtype) -> None:
    if dtype.hasobject:
        raise WeightsError(_("holds Python objects (pickle); refused"), key)
    if not _numeric(dtype):
        raise WeightsError(
            _("has dtype {dtype}; only float and integer arrays are read").format(
                dtype=_short(dtype.str if dtype.fields is None else dtype.descr, 60)
            ),
            key,
        )


def _fill(stream: BinaryIO, array: np.ndarray) -> bool:
    """Read exactly array.nbytes bytes into a contiguous array, in chunks (no second
    copy of the data). False when the stream ends first."""
    view = array.reshape(-1).view(np.uint8)  # a view: array is fresh and contiguous
    pos, total = 0, array.nbytes
    while pos < total:
        chunk = stream.read(min(_CHUNK, total - pos))
        if not chunk:
            return False
        view[pos : pos + len(chunk)] = np.frombuffer(chunk, dtype=np.uint8)
        pos += len(chunk)
    return True


# ---------------------------------------------------------------- .npz
def _npy_header(member: BinaryIO, key: str) -> tuple[tuple[int, ...], bool, np.dtype]:
    """Shape, fortran order and dtype from a .npy header, read by itself (at most
    MAX_NPY_HEADER bytes), before any data."""
    magic = member.read(8)
    if len(magic) != 8 or magic[:6] != b"\x93NUMPY":
        raise WeightsError(_("is not a .npy array (no .npy header)"), key)
    version = (magic[6], magic[7])
    if version == (1, 0):
        size_bytes, read_header = 2, np.lib.format.read_array_header_1_0
    elif version == (2, 0):
        size_bytes, read_header = 4, np.lib.format.read_array_header_2_0
    else:
        raise WeightsError(
            _("uses .npy format version {version}; 1.0 and 2.0 are read").format(
                version=f"{version[0]}.{version[1]}"
            ),
            key,
        )
    raw = member.read(size_bytes)
    if len(raw) != size_bytes:
        raise WeightsError(_("is cut short in its header"), key)
    length = int.from_bytes(raw, "little")
    if length > MAX_NPY_HEADER:
        raise WeightsError(_("declares a {size:,}-byte header; refused").format(size=length), key)
    header = member.read(length)
    if len(header) != length:
        raise WeightsError(_("is cut short in its header"), key)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy warns about Python 2 headers
        shape, fortran, dtype = read_header(io.BytesIO(raw + header))
    if len(shape) > MAX_SHAPE_RANK or any(not isinstance(n, int) or n < 0 for n in shape):
        raise WeightsError(
            _("declares shape {shape}, which is not a list of sizes").format(
                shape=_short(shape, 60)
            ),
            key,
        )
    return tuple(int(n) for n in shape), bool(fortran), dtype


def _npz_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, key: str, budget: list[int]
) -> np.ndarray:
    if info.flag_bits & 0x1:
        raise WeightsError(_("is encrypted; refused"), key)
    if info.compress_type not in ZIP_METHODS:
        raise WeightsError(
            _("uses zip compression method {method}, which rnn-tui does not read").format(
                method=info.compress_type
            ),
            key,
        )
    if info.file_size > MAX_ARRAY_BYTES + MAX_NPY_HEADER + 16:
        raise WeightsError(
            _("inflates to {size:,} bytes; the limit is {limit:,}").format(
                size=info.file_size, limit=MAX_ARRAY_BYTES
            ),
            key,
        )
    with archive.open(info) as member:
        shape, fortran, dtype = _npy_header(member, key)  # type: ignore[arg-type]
        _check_dtype(key, dtype)
        count, nbytes = _check_size(key, shape, dtype, budget)
        start = member.tell()
        if info.file_size > start + nbytes + 4096:
            raise WeightsError(
                _(
                    "inflates to {size:,} bytes, more than its {declared:,} declared; refused"
                ).format(size=info.file_size, declared=nbytes),
                key,
            )
        if info.file_size < start + nbytes:
            raise WeightsError(
                _("is cut short: {size:,} bytes of data for the {declared:,} declared").format(
                    size=max(0, info.file_size - start), declared=nbytes
                ),
                key,
            )
        flat = np.empty(count, dtype=dtype)
        if not _fill(member, flat):  # type: ignore[arg-type]
            raise WeightsError(_("is cut short in its data"), key)
        member.read()  # the rest (at most 4 KB): zipfile checks the CRC at the end
    return flat.reshape(shape, order="F" if fortran else "C")


def _check_member_count(stream: BinaryIO) -> None:
    """Refuse an archive whose end record declares more than MAX_MEMBERS entries, before
    zipfile builds an object for each (a 100 MB directory of empty entries is 2 million).
    Uses zipfile's own reader of that record; where it is missing, ZipFile checks later."""
    end_record = getattr(zipfile, "_EndRecData", None)
    if end_record is None:  # pragma: no cover - present in every CPython since 2.x
        return
    try:
        record = end_record(stream)
        stream.seek(0)
    except (OSError, ValueError, EOFError, struct.error, zipfile.BadZipFile):
        return  # ZipFile reports it
    if record and record[getattr(zipfile, "_ECD_ENTRIES_TOTAL", 4)] > MAX_MEMBERS:
        raise WeightsError(
            _("holds {count:,} members; the limit is {limit:,}").format(
                count=record[getattr(zipfile, "_ECD_ENTRIES_TOTAL", 4)], limit=MAX_MEMBERS
            )
        )


def read_npz(path: Path) -> dict[str, np.ndarray]:
    """Every array of an .npz (as written by np.savez), name -> array. Refuses object
    arrays (pickle), any dtype but float and integer, arrays over the byte budget,
    encrypted members, unknown compression, and members that inflate past their header;
    each before reading the member's data."""
    with open_weights(Path(path)) as stream:
        return read_npz_stream(stream)


def read_npz_stream(stream: BinaryIO) -> dict[str, np.ndarray]:
    """read_npz of an open, seekable binary stream (a file, or bytes in memory)."""
    arrays: dict[str, np.ndarray] = {}
    budget = [0]
    _check_member_count(stream)
    try:
        archive = zipfile.ZipFile(stream)
    except zipfile.BadZipFile:
        raise WeightsError(_("is not a readable .npz (not a zip archive)")) from None
    except (OSError, ValueError, EOFError, struct.error, RuntimeError) as e:
        raise WeightsError(
            _("is not a readable .npz ({reason})").format(reason=_short(e))
        ) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise WeightsError(
                _("holds {count:,} members; the limit is {limit:,}").format(
                    count=len(infos), limit=MAX_MEMBERS
                )
            )
        for info in infos:
            key = info.filename.removesuffix(".npy")
            if not info.filename.endswith(".npy") or info.is_dir():
                raise WeightsError(
                    _("holds {name}, which is not a .npy array").format(
                        name=_short(repr(info.filename), 80)
                    )
                )
            if key in arrays:
                raise WeightsError(_("holds this array twice"), key)
            try:
                arrays[key] = _npz_member(archive, info, key, budget)
            except WeightsError:
                raise
            except (NotImplementedError, RuntimeError) as e:  # encryption, methods
                raise WeightsError(
                    _("cannot be read ({reason})").format(reason=_short(e)), key
                ) from None
            except Exception as e:  # noqa: BLE001 - zlib, lzma, bz2, CRC, headers: all data
                raise WeightsError(
                    _("is not a readable .npy array ({reason})").format(reason=_short(e)),
                    key,
                ) from None
    return arrays


# ---------------------------------------------------------------- .safetensors
def _describe(value: Any) -> str:
    """A JSON value in a message, bounded whatever its size or depth."""
    if isinstance(value, str):
        return _short(json.dumps(value, ensure_ascii=False), 40)
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return json.dumps(value)
    if isinstance(value, int):
        return _short(str(value), 40) if value.bit_length() < 128 else _("a huge integer")
    if isinstance(value, list):
        return _("a list")
    return _("an object")


def _safetensors_entry(key: str, entry: Any, data_size: int, budget: list[int]) -> tuple:
    """(dtype name, shape, begin, end) of a header entry, every field checked."""
    if not isinstance(entry, dict):
        raise WeightsError(_("is {found}, not a tensor entry").format(found=_describe(entry)), key)
    dtype_name = entry.get("dtype")
    if not isinstance(dtype_name, str) or dtype_name not in SAFETENSORS_DTYPES:
        raise WeightsError(
            _("has dtype {dtype}; only F64, F32, F16 and integer tensors are read").format(
                dtype=_describe(dtype_name)
            ),
            key,
        )
    shape = entry.get("shape")
    if (
        not isinstance(shape, list)
        or len(shape) > MAX_SHAPE_RANK
        or not all(type(n) is int and 0 <= n < 2**63 for n in shape)
    ):
        if isinstance(shape, list):
            more = ", ..." if len(shape) > 4 else ""
            found = "[" + ", ".join(_describe(n) for n in shape[:4]) + more + "]"
        else:
            found = _describe(shape)
        raise WeightsError(
            _("has shape {found}; expected a list of non-negative integers").format(found=found),
            key,
        )
    dtype = np.dtype(SAFETENSORS_DTYPES[dtype_name])
    nbytes = _check_size(key, tuple(shape), dtype, budget)[1]
    offsets = entry.get("data_offsets")
    if (
        not isinstance(offsets, list)
        or len(offsets) != 2
        or not all(type(n) is int for n in offsets)
        or not 0 <= offsets[0] <= offsets[1] <= data_size
        or offsets[1] - offsets[0] != nbytes
    ):
        raise WeightsError(
            _(
                "has data_offsets that do not fit its shape and dtype ({size:,} bytes) "
                "in the file's {data:,} bytes of data"
            ).format(size=nbytes, data=data_size),
            key,
        )
    return dtype_name, tuple(shape), offsets[0], offsets[1]


def _safetensors_header(f: BinaryIO) -> tuple[dict[str, tuple], int]:
    """The checked entries of an open .safetensors file's header (name -> dtype name,
    shape, begin, end) and the size of its data, nothing of the data read.

    The safetensors package validates the same header itself, but only as a whole: one
    message for any fault ("invalid JSON in header: invalid type: string ..."), none naming
    the tensor and field at fault, and with a 100 MB header allowed. These checks come
    first, in our words, for every limit: header size, nesting, dtype, shape, budget."""
    try:
        file_size = os.fstat(f.fileno()).st_size
        raw = f.read(8)
        if len(raw) != 8:
            raise WeightsError(_("is not a .safetensors file (too short)"))
        (length,) = struct.unpack("<Q", raw)
        if length > MAX_SAFETENSORS_HEADER:
            raise WeightsError(
                _("declares a {size:,}-byte header; the limit is {limit:,}").format(
                    size=length, limit=MAX_SAFETENSORS_HEADER
                )
            )
        if 8 + length > file_size:
            raise WeightsError(
                _("declares a {size:,}-byte header in a {file:,}-byte file").format(
                    size=length, file=file_size
                )
            )
        text = f.read(length).decode("utf-8")
    except OSError as e:
        raise WeightsError(
            _("is not a readable .safetensors file ({reason})").format(
                reason=_short(e.strerror or e)
            )
        ) from None
    except UnicodeDecodeError:
        raise WeightsError(_("is not a readable .safetensors file (header is not UTF-8)")) from None
    try:
        header = json.loads(text)
    except RecursionError:  # the C scanner stops at the recursion limit, cleanly
        raise WeightsError(_("has a header nested too deeply; refused")) from None
    except ValueError as e:  # JSONDecodeError, a 5,000-digit integer
        raise WeightsError(
            _("is not a readable .safetensors file ({reason})").format(reason=_short(e))
        ) from None
    if not isinstance(header, dict):
        raise WeightsError(_("is not a readable .safetensors file (header is not an object)"))
    if len(header) > MAX_MEMBERS:
        raise WeightsError(
            _("holds {count:,} members; the limit is {limit:,}").format(
                count=len(header), limit=MAX_MEMBERS
            )
        )
    data_size = file_size - 8 - length
    budget = [0]
    entries = {
        key: _safetensors_entry(key, entry, data_size, budget)
        for key, entry in header.items()
        if key != "__metadata__"
    }
    return entries, data_size


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of a .safetensors file, name -> array. The JSON header is checked
    first (its size, nesting, every dtype, shape and offset, the byte budget), then the
    safetensors package reads the tensors, each into an array of its checked size, after
    validating the layout too (tensors back to back, covering the data exactly)."""
    from safetensors import SafetensorError, safe_open

    path = Path(path)
    with open_weights(path) as f:
        entries, data_size = _safetensors_header(f)
    end = max((e[3] for e in entries.values()), default=0)
    if data_size > end:  # the package refuses it too, but only after mapping every byte
        raise WeightsError(
            _("holds {count:,} bytes after its last tensor; refused").format(count=data_size - end)
        )
    arrays: dict[str, np.ndarray] = {}
    key = None
    try:
        with safe_open(path, framework="numpy") as tensors:
            for key, (dtype_name, shape, _begin, _end) in entries.items():
                # opened again by name: only what was checked is read, should the file
                # have been replaced in between
                view = tensors.get_slice(key)
                if view.get_dtype() != dtype_name or tuple(view.get_shape()) != shape:
                    raise WeightsError(_("changed while it was read; refused"), key)
                arrays[key] = tensors.get_tensor(key)
    except SafetensorError as e:  # the layout: offsets overlapping or apart
        raise WeightsError(
            _("is not a readable .safetensors file ({reason})").format(reason=_short(e))
        ) from None
    except OSError as e:
        raise WeightsError(
            _("cannot be read ({reason})").format(reason=_short(e.strerror or e)), key
        ) from None
    return arrays


def read_weights(path: Path) -> dict[str, np.ndarray]:
    """Arrays from a weights file by its suffix: .npz or .safetensors. Whatever is not a
    regular readable file is refused first, saying what it is."""
    path = Path(path)
    if path.suffix not in (".npz", ".safetensors"):
        open_weights(path).close()  # a device or an unreadable file says so, not its suffix
        raise WeightsError(_("is neither .npz nor .safetensors"))
    if path.suffix == ".safetensors":
        return read_safetensors(path)
    return read_npz(path)


# ---------------------------------------------------------------- hints for names and shapes
def shared_prefix(keys: list[str], names: set[str]) -> tuple[str, list[str]] | None:
    """The one module prefix P (ending in ".") that turns keys of `keys` into names of
    `names` (P + name, as `model.state_dict()` writes `lstm.weight_ih_l0` for a
    `self.lstm`), and the keys that carry it; None when no key does or when they carry
    different prefixes."""
    prefixes: dict[str, list[str]] = {}
    for key in keys:
        for i, char in enumerate(key):
            if char == "." and key[i + 1 :] in names:
                prefixes.setdefault(key[: i + 1], []).append(key)
                break
    if len(prefixes) != 1:
        return None
    ((prefix, carried),) = prefixes.items()
    return prefix, carried


def prefix_hint(prefix: str, *, every: bool, count: int, old: str = "") -> str:
    """The message for keys that all miss the model's names by `prefix`: every key of the
    file (`every`) or `count` of them. The prefix is shown as the TOML string to write."""
    shown = visible(json.dumps(_short(prefix, 80), ensure_ascii=False))
    if every:
        message = _("every key starts with {prefix}: add prefix = {prefix} to [weights]")
    else:
        message = _(
            "{count} keys start with {prefix} and name parameters of this model after it: "
            "add prefix = {prefix} to [weights]"
        )
    message = message.format(prefix=shown, count=count)
    if old:
        message += _(" (in place of prefix = {old})").format(
            old=visible(json.dumps(_short(old, 80), ensure_ascii=False))
        )
    return message


_CELL_PARAMETER = re.compile(r"(weight_ih|weight_hh|bias_ih|bias_hh)_l[0-9]+(_reverse)?")


def _cell_with(cell: str, hidden: int) -> str:
    if cell == "lstm":
        return _("an LSTM with H = {h} (4 gates × {h})").format(h=hidden)
    if cell == "gru":
        return _("a GRU with H = {h} (3 gates × {h})").format(h=hidden)
    return _("an RNN with H = {h}").format(h=hidden)


def shape_hint(name: str, found: tuple[int, ...], cell: str, hidden: int) -> str:
    """What another cell or hidden size a cell parameter's rows fit, from the gate blocks
    they stack (rnn 1, gru 3, lstm 4), e.g. "16 rows fit an LSTM with H = 4 (4 gates ×
    4), not an RNN with H = 4"; "" when they fit none, or the scenario's own. weight_hh
    is (G·H, H): its columns give H. weight_ih and the biases give only G·H: the same H
    in another cell is preferred, then another H in the same cell."""
    match = _CELL_PARAMETER.fullmatch(name)
    if match is None or cell not in CELLS or not found:
        return ""
    kind, rows = match.group(1), found[0]
    if len(found) != (2 if kind.startswith("weight") else 1) or rows == 0:
        return ""
    fits: list[tuple[str, int]] = []
    if kind == "weight_hh":
        h = found[1]
        if h and rows % h == 0:
            fits = [(c, h) for c, spec in CELLS.items() if spec.blocks == rows // h]
    else:
        fits = [(c, hidden) for c, spec in CELLS.items() if spec.blocks * hidden == rows]
        if rows % CELLS[cell].blocks == 0:
            fits.append((cell, rows // CELLS[cell].blocks))
    fits = [fit for fit in fits if fit != (cell, hidden)]
    if not fits:
        return ""
    return _("{rows} rows fit {found}, not {expected}").format(
        rows=rows, found=_cell_with(*fits[0]), expected=_cell_with(cell, hidden)
    )
