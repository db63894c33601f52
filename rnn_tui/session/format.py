"""Session files: JSON Lines, a header then one line per action, each flushed as written.

Header: {"format": "rnn-tui-session", "version": 1, "app_version", "created",
"terminal": {"columns", "rows"}, "scenario": {"name", "path", "text", "sequence",
"network", "tokens", "weights", "trained"}}; "weights": {"sha256", "embedded" (base64
.npz, when at most 1 MB) or null, "path" (null, or the name of a SESSION.weights-N.npz
beside the session file)}. Action: {"time" (seconds since the start), "key", "action",
"view": {t, layer, direction, unit}, "change" (what the action changed in the model, or
null), "state" (sha256 of the state shown, see state.py), and optionally "screen" (what
else the screen showed: {"pane", "numbers", "probe", "scroll", "theme"}, each optional,
see lines.ScreenState) and "note" (a line of text the teacher added, action "note")}.
The optional fields came later in version 1: a reader that does not know them skips
them, and they never enter the state hash.

A session file is hostile until shown otherwise: every line is bounded in bytes and
nesting, every field's type is checked, every string is made visible (rnn_tui.text) as
it is read, and nothing a session names is read outside its own folder. The recorded
scenario's text goes through the scenario loader with its `[weights] file` taken out:
the recorded weights (embedded, or in the file beside the session) replace it.

This module writes a session and reads its lines; the rest is beside it, and every
name is importable from here too: errors.py (the errors and the words of messages),
lines.py (what the header and an action line hold, each checked), weights.py (the
weights a record carries, embedded or in a file beside the session) and restore.py
(the scenario a record describes, restored).
"""

from __future__ import annotations

import base64
import errno
import io
import json
import os
import stat
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from .. import __version__
from ..files import Unreadable, WriteRefused, check_target, open_regular, reason, write_atomic
from ..i18n import _, ngettext
from ..present.position import View
from ..scenario import Scenario
from ..text import visible
from .errors import SessionError, SessionWriteError, line_of
from .errors import _expected as _expected  # verify.py imports these from here
from .errors import _shown as _shown
from .errors import _why as _why
from .lines import (
    COLUMNS,
    DEFAULT_TERMINAL,
    FORMAT,
    MAX_DEPTH,
    MAX_NOTE,
    MAX_TIME,
    PANES,
    ROWS,
    TIMER_KEY,
    VERSION,
    Action,
    ScreenState,
    Session,
    _action,
    _header,
    _json_line,
)
from .restore import (
    MAX_INPUT_VALUES,
    MAX_TOKENS,
    checked_tokens,
    restore_scenario,
    with_recorded_tokens,
)
from .weights import (
    MAX_EMBEDDED_BYTES,  # weights_record (below) reads it from this module
    is_sidecar_name,
    scenario_weights,
    session_files,
    sidecar_path,
    weights_digest,
)

__all__ = [
    "COLUMNS",
    "DEFAULT_TERMINAL",
    "FORMAT",
    "MAX_ACTIONS",
    "MAX_CHANGES",
    "MAX_DEPTH",
    "MAX_EMBEDDED_BYTES",
    "MAX_INPUT_VALUES",
    "MAX_LINE_BYTES",
    "MAX_NOTE",
    "MAX_SESSION_BYTES",
    "MAX_TIME",
    "MAX_TOKENS",
    "PANES",
    "ROWS",
    "TIMER_KEY",
    "VERSION",
    "Action",
    "ScreenState",
    "Session",
    "SessionError",
    "SessionWriteError",
    "SessionWriter",
    "check_record_target",
    "checked_tokens",
    "edited_tokens",
    "is_sidecar_name",
    "line_of",
    "read_session",
    "restore_scenario",
    "scenario_record",
    "scenario_weights",
    "session_files",
    "sidecar_path",
    "weights_digest",
    "weights_record",
    "with_recorded_tokens",
]

MAX_LINE_BYTES = 16 * 1024 * 1024
"""The longest line read: a header holds a scenario text (at most MAX_TOML_BYTES) and
at most MAX_EMBEDDED_BYTES of weights in base64."""
MAX_SESSION_BYTES = 256 * 1024 * 1024
MAX_ACTIONS = 200_000
MAX_CHANGES = 10_000
"""Action lines with a model change: each one rebuilds a scenario when replayed."""


# ---------------------------------------------------------------- writing
def weights_record(
    scenario: Scenario, beside: Path | None = None, *, inputs: Iterable[Path] = ()
) -> dict[str, Any]:
    """The weights entry of a scenario record: embedded (base64 .npz) when at most
    MAX_EMBEDDED_BYTES, else written to `beside` (a file next to the session, with
    rnn_tui.files.write_atomic, never onto one of `inputs`) and named by its file name,
    which a replay looks for in the session's own folder. Without `beside`, weights
    too big to embed are a SessionError: a session never points at another file."""
    arrays = scenario_weights(scenario)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    data = buffer.getvalue()
    small = len(data) <= MAX_EMBEDDED_BYTES
    name = None
    if not small:
        if beside is None:
            raise SessionError(
                _(
                    "weights of {size:,} bytes are too big to embed, and there is no file "
                    "beside the session to write them to"
                ).format(size=len(data))
            )
        write_atomic(beside, data, inputs=inputs)
        name = beside.name  # relative to the session file
    return {
        "sha256": weights_digest(arrays),
        "embedded": base64.b64encode(data).decode("ascii") if small else None,
        "path": name,
    }


def scenario_record(
    scenario: Scenario, beside: Path | None = None, *, inputs: Iterable[Path] = ()
) -> dict[str, Any]:
    """A scenario as a recording keeps it: its text, name, the name of its file (for
    information only: a replay never reads it), and its weights (`beside`: where
    weights too big to embed are written, see weights_record)."""
    return {
        "name": scenario.name,
        "path": None if scenario.path is None else Path(scenario.path).name,
        "text": scenario.text,
        "sequence": scenario.sequence,
        "network": {"cell": scenario.network.cell, "merge": scenario.network.merge},
        "tokens": edited_tokens(scenario),
        "weights": weights_record(scenario, beside, inputs=inputs),
        "trained": scenario.trained,  # weights trained in the app are no longer the seed's
    }


def edited_tokens(scenario: Scenario) -> list[str] | None:
    """The tokens read when they are not the selected sequence's own (an edited
    sentence), else None."""
    if scenario.tokens is None:
        return None
    own = scenario.sequences.get(scenario.sequence)
    if isinstance(own, list) and list(own) == list(scenario.tokens):
        return None
    return list(scenario.tokens)


class SessionWriter:
    """Writes a session to a new file: the header at once, then one line per action,
    each handed to the operating system as it is written (a killed app keeps them).

    Refuses (WriteRefused, an OSError) a path that is the scenario recorded or one of
    `inputs`, lies among the built-in scenarios, is not a regular file, or is a file
    that exists and is not empty: a recording never replaces a file. A failed write
    raises SessionWriteError from `action` and stops the recording; `close` never
    raises, and returns the error that stopped it (or that closing met), if any."""

    def __init__(
        self,
        path: Path,
        scenario: Scenario,
        *,
        columns: int,
        rows: int,
        inputs: Iterable[Path] = (),
    ) -> None:
        self.path = Path(path)
        self.inputs = [Path(p) for p in inputs]
        # the scenario's own files: its TOML and the weights file it read
        self.inputs += [Path(p) for p in (scenario.path, scenario.weights_file) if p is not None]
        self.error: OSError | None = None
        """The error that stopped the recording, if one did."""
        self.lines = 0
        """Lines written, the header included."""
        self._fd: int | None = _create(self.path, self.inputs)
        self._start = time.monotonic()
        self._weights_files = 0
        columns = min(max(int(columns), COLUMNS[0]), COLUMNS[1])
        rows = min(max(int(rows), ROWS[0]), ROWS[1])
        try:
            header = {
                "format": FORMAT,
                "version": VERSION,
                "app_version": __version__,
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "terminal": {"columns": columns, "rows": rows},
                "scenario": self.scenario_record(scenario),
            }
            self._write(header)
        except BaseException:
            self.close()
            raise

    def scenario_record(self, scenario: Scenario) -> dict[str, Any]:
        """A scenario record for this session: weights too big to embed go into a new
        file beside it (SESSION.weights-N.npz, N the first number not taken)."""
        while True:
            self._weights_files += 1
            beside = self.path.with_name(f"{self.path.stem}.weights-{self._weights_files}.npz")
            if not os.path.lexists(beside):
                break
        try:
            return scenario_record(scenario, beside, inputs=[self.path, *self.inputs])
        except OSError as e:
            raise self._failed(e) from None

    def _failed(self, error: OSError) -> SessionWriteError:
        """Stop the recording after `error`; the error to raise, naming the file."""
        message = ngettext(
            "{path}: cannot write the recording ({reason}); its {count} line before is kept",
            "{path}: cannot write the recording ({reason}); its {count} lines before are kept",
            self.lines,
        ).format(path=visible(str(self.path)), reason=visible(reason(error)), count=self.lines)
        failure = SessionWriteError(error.errno or errno.EIO, message)
        self.error = failure
        self._close_fd()
        return failure

    def _write(self, data: dict) -> None:
        if self._fd is None:
            raise self.error or SessionWriteError(
                errno.EBADF,
                _("{path}: the recording is closed").format(path=visible(str(self.path))),
            )
        payload = (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8", "replace")
        view = memoryview(payload)
        try:
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
        except OSError as e:
            raise self._failed(e) from None
        self.lines += 1

    def action(
        self,
        *,
        key: str,
        action: str,
        view: View,
        state: str,
        change: dict | None = None,
        screen: ScreenState | None = None,
        note: str | None = None,
    ) -> None:
        """One line: what was pressed, what it did, the view after it and its hash;
        what else the screen showed (`screen`), and a note (made visible and cut to
        MAX_NOTE characters, as a reader takes it). Raises SessionWriteError (an
        OSError) when it cannot be written."""
        line: dict[str, Any] = {
            "time": round(time.monotonic() - self._start, 3),
            "key": key,
            "action": action,
            "view": view.to_dict(),
            "change": change,
            "state": state,
        }
        if screen is not None:
            line["screen"] = screen.to_dict()
        if note is not None:
            line["note"] = visible(note)[:MAX_NOTE]
        self._write(line)

    def _close_fd(self) -> OSError | None:
        fd, self._fd = self._fd, None
        if fd is None:
            return None
        failure = None
        try:
            os.fsync(fd)
        except OSError as e:
            failure = e
        try:
            os.close(fd)
        except OSError as e:
            failure = failure or e
        return failure

    def close(self) -> OSError | None:
        """Close the file (again: nothing). Never raises: returns the error that
        stopped the recording, or that closing it met, else None."""
        failure = self._close_fd()
        if failure is not None and self.error is None:
            self.error = self._failed(failure)
        return self.error


def check_record_target(path: Path, *, inputs: Iterable[Path] = ()) -> None:
    """Raise WriteRefused when a recording may not go to `path` (what SessionWriter
    refuses: one of `inputs`, the built-ins, a device or folder, a link, a file that
    is not empty), without creating anything: for `--record` before the app starts."""
    path = Path(path)
    check_target(path, inputs=inputs)  # a NUL in the name, an input, a device, the built-ins
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as e:
        raise WriteRefused(f"{visible(str(path))}: {visible(reason(e))}") from None
    if not stat.S_ISREG(info.st_mode) or info.st_size > 0:
        raise WriteRefused(
            _(
                "{path}: refusing to record into an existing file; a recording never replaces one"
            ).format(path=visible(str(path)))
        )


def _create(path: Path, inputs: list[Path]) -> int:
    """Open a new session file for writing; refuse anything but a new or empty file."""
    check_record_target(path, inputs=inputs)
    flags = os.O_WRONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        return os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        pass
    shown = visible(str(path))
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise WriteRefused(
            _("{path}: refusing to record into it ({reason})").format(path=shown, reason=reason(e))
        ) from None
    info = os.fstat(fd)
    if stat.S_ISREG(info.st_mode) and info.st_size == 0:
        return fd  # an empty file made for the recording (mktemp, touch)
    os.close(fd)
    raise WriteRefused(
        _(
            "{path}: refusing to record into an existing file; a recording never replaces one"
        ).format(path=shown)
    )


# ---------------------------------------------------------------- reading
def read_session(path: Path) -> Session:
    """Read a session file. A last line without its newline (a recording cut short) is
    dropped and reported by `ends_mid_line`; any other bad line is a SessionError
    naming the file and its line number, whatever the line holds."""
    path = Path(path)
    shown = visible(str(path))
    try:
        with open_regular(path) as f:  # never blocks on a fifo, refuses a device
            size = os.fstat(f.fileno()).st_size
            if size > MAX_SESSION_BYTES:
                raise SessionError(
                    f"{shown}: "
                    + _("the file is {size:,} bytes; sessions are limited to {limit:,}").format(
                        size=size, limit=MAX_SESSION_BYTES
                    )
                )
            return _read_lines(path, f)
    except Unreadable as e:
        raise SessionError(f"{shown}: {visible(str(e))}") from None
    except OSError as e:
        raise SessionError(
            f"{shown}: " + _("cannot read: {reason}").format(reason=visible(reason(e)))
        ) from None


def _read_lines(path: Path, f: BinaryIO) -> Session:
    total = 0
    session: Session | None = None
    changes = 0
    number = 0
    while True:
        raw = f.readline(MAX_LINE_BYTES + 1)
        if not raw:
            break
        number += 1
        total += len(raw)
        if total > MAX_SESSION_BYTES:  # the file grew while read
            raise SessionError(
                f"{line_of(path, number)}: "
                + _("sessions are limited to {limit:,} bytes").format(limit=MAX_SESSION_BYTES)
            )
        if not raw.endswith(b"\n"):
            if len(raw) > MAX_LINE_BYTES:
                raise SessionError(
                    f"{line_of(path, number)}: "
                    + _("the line is longer than {limit:,} bytes").format(limit=MAX_LINE_BYTES)
                )
            if session is None:
                break
            session.ends_mid_line = True  # the last line, cut short: dropped
            break
        if session is None:
            session = Session(path=path, header=_header(path, _json_line(path, 1, raw)))
            continue
        if len(session.actions) >= MAX_ACTIONS:
            raise SessionError(
                f"{line_of(path, number)}: "
                + _("sessions are limited to {limit:,} actions").format(limit=MAX_ACTIONS)
            )
        action = _action(path, number, _json_line(path, number, raw))
        if action.change:
            changes += 1
            if changes > MAX_CHANGES:
                raise SessionError(
                    f"{line_of(path, number)}: "
                    + _("sessions are limited to {limit:,} model changes").format(limit=MAX_CHANGES)
                )
        session.actions.append(action)
    if session is None:
        raise SessionError(
            f"{visible(str(path))}: " + _("no complete header line; not a session or cut short")
        )
    return session
