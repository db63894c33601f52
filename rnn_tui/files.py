"""Every file rnn-tui writes goes through here: atomically, never onto an input of
the same command, never into the built-in scenarios, never onto a device. And every
file it reads from a user is opened here: only a regular file, without blocking.

A write goes to a temporary file in the target's own folder and is moved over the
target with `os.replace`, so a full disk or a crash leaves the old file whole.
No textual or rich here.
"""

from __future__ import annotations

import datetime
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO

from .i18n import _
from .text import visible

# A source checkout keeps the built-ins at the top of the repository; a wheel inside
# the package. The scenario loader reads them from here too.
_CHECKOUT_DIR = Path(__file__).resolve().parents[1] / "scenarios"
_PACKAGE_DIR = Path(__file__).resolve().parent / "scenarios"
BUILTIN_DIR = _CHECKOUT_DIR if _CHECKOUT_DIR.is_dir() else _PACKAGE_DIR


class WriteRefused(OSError):
    """A write that rnn-tui will not make; the message says why and names the file."""


class Unreadable(OSError):
    """A file rnn-tui will not or cannot read; the message says why ("is not a regular
    file: a fifo"), without the file's name, which the caller's message gives."""


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words: "a directory", "a fifo", ..."""
    if stat.S_ISDIR(mode):
        return _("a directory")
    if stat.S_ISFIFO(mode):
        return _("a fifo")
    if stat.S_ISCHR(mode):
        return _("a character device")
    if stat.S_ISBLK(mode):
        return _("a block device")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("not a regular file")


def open_regular(path: Path) -> BinaryIO:
    """Open `path` for reading in binary, refusing whatever is not a regular file
    (a directory, a fifo, a device, a socket) without blocking on it. A symbolic
    link is followed and judged by what it points to. Unreadable says why not."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.lexists(path):
            raise Unreadable(_("is a broken symbolic link")) from None
        raise Unreadable(_("file not found")) from None
    except ValueError:  # an embedded NUL: no file has such a name
        raise Unreadable(_("file not found")) from None
    except OSError as e:
        raise Unreadable(_("cannot be read: {reason}").format(reason=e.strerror or e)) from None
    if not stat.S_ISREG(info.st_mode):
        raise Unreadable(_("is not a regular file: {kind}").format(kind=file_kind(info.st_mode)))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise Unreadable(_("cannot be read: {reason}").format(reason=e.strerror or e)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):  # swapped between the two looks
            raise Unreadable(_("is not a regular file: {kind}").format(kind=file_kind(mode)))
        if hasattr(os, "set_blocking"):  # not on Windows, where O_NONBLOCK is 0 anyway
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except (OSError, ValueError):
        return False


def is_builtin(path: Path) -> bool:
    """True when `path` lies in the built-in scenarios' folder (which is never written)."""
    try:
        return path.resolve().is_relative_to(BUILTIN_DIR.resolve())
    except (OSError, ValueError):
        return False


def check_target(path: Path, *, inputs: Iterable[Path] = ()) -> None:
    """Raise WriteRefused when `path` may not be written: it is one of `inputs` (the
    files the same command reads), lies among the built-in scenarios, or exists and is
    not a regular file (a device, a folder, a fifo)."""
    shown = visible(str(path))  # names in messages are data: no control characters
    if "\0" in str(path):
        raise WriteRefused(_("{path}: a file name cannot hold a NUL character").format(path=shown))
    for source in inputs:
        if _same_file(path, Path(source)):
            raise WriteRefused(
                _("{path}: refusing to write onto {input}, an input of this command").format(
                    path=shown, input=visible(str(source))
                )
            )
    if is_builtin(path):
        raise WriteRefused(
            _("{path}: refusing to write into the built-in scenarios' folder").format(path=shown)
        )
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as e:
        raise WriteRefused(f"{shown}: {e.strerror}") from None
    if not stat.S_ISREG(mode):
        what = _("a folder") if stat.S_ISDIR(mode) else _("not a regular file")
        raise WriteRefused(_("{path}: cannot write: {what}").format(path=shown, what=what))


def write_atomic(path: Path, data: bytes | str, *, inputs: Iterable[Path] = ()) -> Path:
    """Write `data` (str as UTF-8) to `path` through a temporary file in the same folder
    and `os.replace`. Raises WriteRefused (see check_target) or OSError (the old file,
    if any, is untouched and no temporary file is left). Returns `path`."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    return write_streamed(path, lambda f: f.write(payload), inputs=inputs)


def write_streamed(
    path: Path, fill: Callable[[BinaryIO], Any], *, inputs: Iterable[Path] = ()
) -> Path:
    """write_atomic for data too big to hold: `fill` writes into a temporary file
    in `path`'s folder (open for reading and writing, seekable), which is synced and moved
    over `path` with os.replace. Raises WriteRefused (files.check_target) or OSError; on
    any failure (a full disk, Ctrl-C) the old file is untouched and no temporary file is
    left. Returns `path`."""
    path = Path(path)
    check_target(path, inputs=inputs)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w+b") as f:
            fill(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    return path


_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9_-]+")
MAX_STEM = 40
"""The longest stem a generated file name takes from a scenario's name."""
MAX_NUMBERED = 100_000
"""How many numbered names save_new tries before it gives up (a folder full of them)."""


def safe_stem(name: str, fallback: str = "rnn-tui") -> str:
    """A file-name stem from `name` (a scenario's name: data from a file): ASCII letters,
    digits, - and _ kept, every other run of characters one -, at most MAX_STEM long;
    `fallback` when nothing is left ("../", "意图" or "")."""
    stem = _UNSAFE_IN_NAME.sub("-", name).strip("-_")[:MAX_STEM].strip("-_")
    return stem or fallback


def numbered_name(stem: str, suffix: str) -> Callable[[int], str]:
    """stem-001.suffix, stem-002.suffix, ... (more digits past 999): for screenshots and
    saved numbers, in the order they were made."""
    return lambda n: f"{stem}-{n:03d}{suffix}"


def dated_name(stem: str, suffix: str, day: datetime.date | None = None) -> Callable[[int], str]:
    """stem-YYYY-MM-DD-1.suffix, -2, ...: for sessions, by the day they were recorded
    (`day`: today by default)."""
    on = (day or datetime.date.today()).isoformat()
    return lambda n: f"{stem}-{on}-{n}{suffix}"


def first_free(folder: Path, name_for: Callable[[int], str]) -> Path:
    """folder/name_for(n) for the smallest n from 1 that names nothing yet (not even a
    broken link). Another process may take it before it is written: save_new (and a
    session's O_EXCL) make the write itself refuse to replace."""
    for n in range(1, MAX_NUMBERED + 1):
        path = folder / name_for(n)
        if not os.path.lexists(path):
            return path
    raise WriteRefused(
        _("{folder}: no free file name left ({limit:,} taken)").format(
            folder=visible(str(folder)), limit=MAX_NUMBERED
        )
    )


def save_new(
    folder: Path,
    name_for: Callable[[int], str],
    data: bytes | str,
    *,
    inputs: Iterable[Path] = (),
) -> Path:
    """Write `data` to a new file folder/name_for(n), n the smallest free number, and
    return its path. Atomic and never replacing: the name is reserved with O_EXCL (taken
    meanwhile: the next number is tried), and the data, written to a temporary file,
    replaces that empty reservation. Raises WriteRefused (the built-ins, an input, a NUL) or
    OSError (no temporary file is left)."""
    folder = Path(folder)
    if is_builtin(folder):  # refused before anything is made there, even a temporary file
        check_target(folder / name_for(1), inputs=inputs)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, temporary = tempfile.mkstemp(prefix=".rnn-tui-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        for n in range(1, MAX_NUMBERED + 1):
            path = folder / name_for(n)
            if os.path.lexists(path):
                continue
            check_target(path, inputs=inputs)
            try:  # reserve the name: O_EXCL fails if it was taken since lexists
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:
                continue
            os.replace(temporary, path)  # onto our own empty reservation only
            return path
        raise WriteRefused(
            _("{folder}: no free file name left ({limit:,} taken)").format(
                folder=visible(str(folder)), limit=MAX_NUMBERED
            )
        )
    finally:
        try:
            os.unlink(temporary)
        except OSError:
            pass


def reason(error: OSError) -> str:
    """The words of an OSError for a message (its strerror, else its text)."""
    return error.strerror or str(error)  # WriteRefused and Unreadable have no strerror
