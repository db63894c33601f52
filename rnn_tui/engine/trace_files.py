"""A trace's arrays as an .npz file, written as they are read (`rnn-tui trace --npz`).

np.savez needs every array whole, and a long trace's arrays do not fit in memory at
once: a compact trace (compact.py) computes c and the gates of a direction block by
block when they are read. Reading a direction's arrays one after another would compute
each block once per array (c and four LSTM gates: five times), so this module lays the
zip file out first (each member's size follows from its shape) and fills the members
of one direction together, NPZ_ROWS rows at a time, each block computed once (several
in one product). Memory stays the trace's own plus a few blocks, whatever the length;
the file's size is reserved before anything is computed, and what is written goes to
the disk while the rest is computed (_ToDisk).

The file is a plain .npz (np.load reads it, and any zip tool): one stored, uncompressed
.npy member per array of the JSON layout, named by its path ("inputs",
"layers[0].forward.gates.i", "outputs"; see trace.LayoutArray), in the JSON's order,
with non-finite numbers kept as they are; then `layout`, the JSON layout as text with
each array replaced by its key (its `nonfinite` filled in). Zip64 records throughout,
so a file past 4 GiB is fine; every member is dated 1980-01-01, so the same trace gives
the same bytes.
"""

from __future__ import annotations

import errno
import io
import json
import os
import struct
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np
from numpy.lib import format as npy

from .trace import BATCH_BLOCKS, BLOCK, LayoutArray, layout_arrays, layout_skeleton

NPZ_ROWS = BATCH_BLOCKS * BLOCK
"""Rows of each array read and written at a time: the blocks a compact trace computes in
one go, aligned to them, and few enough that they stay in compact.py's cache while a
direction's c and every gate are read."""
FLUSH_BYTES = 128 * 2**20
"""Bytes written between two hand-overs to the disk (see _ToDisk)."""
LAYOUT_KEY = "layout"
"""The member holding the JSON layout with each array replaced by its key."""

# zip records (APPNOTE.TXT 4.3): stored members, Zip64 sizes and offsets always
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_LOCAL_ZIP64 = struct.Struct("<HHQQ")  # tag 1: size, compressed size
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_CENTRAL_ZIP64 = struct.Struct("<HHQQQ")  # tag 1: size, compressed size, header offset
_END_ZIP64 = struct.Struct("<IQHHIIQQQQ")
_LOCATOR_ZIP64 = struct.Struct("<IIQI")
_END = struct.Struct("<IHHHHIIH")
_VERSION = 45  # Zip64
_MADE_BY = 3 << 8 | _VERSION  # Unix, so the permission bits below are read
_PERMISSIONS = 0o100644 << 16  # a regular file, rw-r--r--
_DOS_DATE = 1 << 5 | 1  # 1980-01-01, the zip format's first day
_FULL = 0xFFFFFFFF  # "see the Zip64 field"


@dataclass
class _Member:
    """One .npy member: where its local header starts, its .npy header, its array's
    size in bytes, and the running CRC-32 of what is written so far (header, then
    rows in order)."""

    name: str
    offset: int
    header: bytes
    size: int
    crc: int = field(init=False)

    def __post_init__(self) -> None:
        self.crc = zlib.crc32(self.header)

    @property
    def local_size(self) -> int:
        return _LOCAL.size + len(self.name.encode()) + _LOCAL_ZIP64.size

    @property
    def data_offset(self) -> int:
        """Where the array's bytes start (after the .npy header)."""
        return self.offset + self.local_size + len(self.header)

    @property
    def end(self) -> int:
        return self.data_offset + self.size


def npy_header(dtype: np.dtype, shape: tuple[int, ...]) -> bytes:
    """The .npy header np.save writes for a C-order array of this dtype and shape."""
    fields = {"descr": npy.dtype_to_descr(dtype), "fortran_order": False, "shape": shape}
    out = io.BytesIO()
    npy.write_array_header_1_0(out, fields)  # version 1.0: a dtype and a shape fit its 64 KiB
    return out.getvalue()


def _groups(layout: dict) -> list[list[LayoutArray]]:
    """The layout's arrays in the JSON's order, those of one direction together (their
    rows are read in step), every other array alone."""
    groups: list[list[LayoutArray]] = []
    for key, value in layout.items():
        if key != "layers":
            groups.extend([array] for array in layout_arrays(value))
            continue
        for layer in value:
            for part in layer.values():
                arrays = layout_arrays(part)
                if all(len(a.shape) == 2 and a.shape[0] == arrays[0].shape[0] for a in arrays):
                    groups.append(arrays)
                else:
                    groups.extend([a] for a in arrays)
    return groups


def write_trace_npz(layout: dict, file: BinaryIO) -> None:
    """Write a trace_layout (trace.py) as an .npz into `file`, an empty binary file open
    for writing that can seek. Every array of the layout is a member named by its path,
    equal to the array bit for bit (NaN and ±inf kept: the JSON's nulls), plus `layout`
    (see the module's docstring); the layout's `nonfinite` is filled in as in
    write_trace_json. Arrays: any (n, ...) arrays or TimeRows, read NPZ_ROWS rows at a
    time."""
    nonfinite: list[str] = layout["nonfinite"]
    groups = _groups(layout)
    order = {a.where: i for i, a in enumerate(layout_arrays(layout))}
    members: dict[str, _Member] = {}
    offset = 0
    for array in (a for group in groups for a in group):
        # C order: the bytes of rows [a, b) are one run, written where they belong
        member = _Member(
            f"{array.where}.npy",
            offset,
            npy_header(array.dtype, array.shape),
            array.size * array.dtype.itemsize,
        )
        members[array.where] = member
        offset = member.end
    found: set[str] = set()
    with _ToDisk(file, offset) as disk:
        for group in groups:
            rows = group[0].shape[0] if group[0].shape else 0
            chunks = range(0, rows, NPZ_ROWS) if len(group[0].shape) >= 2 and rows else [None]
            for start in chunks:
                for array in group:
                    member = members[array.where]
                    if start is None:
                        values = np.ascontiguousarray(np.asarray(array.array), dtype=array.dtype)
                        at = member.data_offset
                    else:
                        part = array.array[start : start + NPZ_ROWS]  # type: ignore[index]
                        values = np.ascontiguousarray(part, dtype=array.dtype)
                        at = member.data_offset + start * (member.size // rows)
                    if array.dtype.kind in "fc" and not np.isfinite(values).all():
                        found.add(array.where)
                    member.crc = zlib.crc32(values.data, member.crc)
                    file.seek(at)
                    file.write(values.data)
                    disk.wrote(values.nbytes)
    nonfinite[:] = sorted(found, key=order.__getitem__)
    text = json.dumps(layout_skeleton(layout), ensure_ascii=False, allow_nan=False)
    described = np.array(text)  # a 0-d unicode array: np.load reads it without pickle
    last = _Member(f"{LAYOUT_KEY}.npy", offset, npy_header(described.dtype, ()), described.nbytes)
    last.crc = zlib.crc32(described.data, last.crc)
    members[LAYOUT_KEY] = last
    file.seek(last.data_offset)
    file.write(described.data)
    _write_directory(file, list(members.values()))


class _ToDisk:
    """The disk's side of writing a large file: its whole size is reserved first (the
    filesystem allocates it in one go, and a full disk fails before any computing), and
    what is written is handed to the disk in a thread every FLUSH_BYTES while the rest is
    computed, so the final fsync (files.write_streamed) has little left to wait for. A
    file without a descriptor (io.BytesIO) is left alone. The last hand-over's errors
    are raised on leaving."""

    def __init__(self, file: BinaryIO, size: int) -> None:
        self._file = file
        try:
            self._fd: int | None = file.fileno()
        except (OSError, io.UnsupportedOperation):
            self._fd = None
        if self._fd is not None and hasattr(os, "posix_fallocate"):
            try:
                os.posix_fallocate(self._fd, 0, size)
            except OSError as e:  # a full disk is an error; a filesystem that cannot is not
                if e.errno not in (errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                    raise
        self._unsynced = 0
        self._thread = ThreadPoolExecutor(max_workers=1)
        self._syncing: Future | None = None

    def wrote(self, count: int) -> None:
        """`count` more bytes were written."""
        self._unsynced += count
        if self._fd is None or self._unsynced < FLUSH_BYTES:
            return
        if self._syncing is not None:
            if not self._syncing.done():
                return  # the disk is behind: try again after the next write
            self._syncing.result()
        self._file.flush()
        self._syncing = self._thread.submit(getattr(os, "fdatasync", os.fsync), self._fd)
        self._unsynced = 0

    def __enter__(self) -> _ToDisk:
        return self

    def __exit__(self, error: type[BaseException] | None, *_: object) -> None:
        self._thread.shutdown(wait=True)
        if self._syncing is not None and error is None:
            self._syncing.result()


def _write_directory(file: BinaryIO, members: list[_Member]) -> None:
    """Each member's local header (its CRC now known) before its data, then the central
    directory and the end records after the last member."""
    directory = io.BytesIO()
    for m in members:
        name = m.name.encode()
        size = len(m.header) + m.size
        local = _LOCAL.pack(
            0x04034B50, _VERSION, 0, 0, 0, _DOS_DATE, m.crc, _FULL, _FULL, len(name),
            _LOCAL_ZIP64.size,
        )  # fmt: skip
        file.seek(m.offset)
        file.write(local + name + _LOCAL_ZIP64.pack(1, 16, size, size) + m.header)
        central = _CENTRAL.pack(
            0x02014B50, _MADE_BY, _VERSION, 0, 0, 0, _DOS_DATE, m.crc, _FULL, _FULL, len(name),
            _CENTRAL_ZIP64.size, 0, 0, 0, _PERMISSIONS, _FULL,
        )  # fmt: skip
        directory.write(central + name + _CENTRAL_ZIP64.pack(1, 24, size, size, m.offset))
    start, entries, central = members[-1].end, len(members), directory.getvalue()
    end64 = start + len(central)  # where the Zip64 end record starts
    few = min(entries, 0xFFFF)
    file.seek(start)
    file.write(
        central
        + _END_ZIP64.pack(
            0x06064B50,
            _END_ZIP64.size - 12,
            _MADE_BY,
            _VERSION,
            0,
            0,
            entries,
            entries,
            len(central),
            start,
        )  # fmt: skip
        + _LOCATOR_ZIP64.pack(0x07064B50, 0, end64, 1)
        + _END.pack(0x06054B50, 0, 0, few, few, min(len(central), _FULL), _FULL, 0)
    )
