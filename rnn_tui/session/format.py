"""Session files: JSON Lines, a header then one line per action, each flushed as written.

Header: {"format": "rnn-tui-session", "version": 1, "app_version", "created",
"terminal": {"columns", "rows"}, "scenario": {"name", "path", "text", "sequence",
"network", "tokens", "weights", "trained"}}; "weights": {"sha256", "embedded" (base64
.npz, when at most 1 MB) or null, "path" (null, or the name of a SESSION.weights-N.npz
beside the session file)}. Action: {"time" (seconds since the start), "key", "action",
"view": {t, layer, direction, unit}, "change" (what the action changed in the model, or
null), "state" (sha256 of the state shown, see state.py)}.

A session file is hostile until shown otherwise: every line is bounded in bytes and
nesting, every field's type is checked, every string is made visible (rnn_tui.text) as
it is read, and nothing a session names is read outside its own folder. The recorded
scenario's text goes through the scenario loader with its `[weights] file` taken out:
the recorded weights (embedded, or in the file beside the session) replace it.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import io
import json
import math
import os
import stat
import time
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from .. import __version__
from ..files import Unreadable, WriteRefused, check_target, open_regular, reason, write_atomic
from ..i18n import _
from ..scenario import Scenario, ScenarioError, parse_scenario
from ..scenario.loader import MAX_TOML_BYTES
from ..scenario.weights import WeightsError, read_npz, read_npz_stream
from ..text import visible
from .state import ViewState

FORMAT = "rnn-tui-session"
VERSION = 1
MAX_EMBEDDED_BYTES = 1024 * 1024
"""Weights whose .npz is at most this are embedded (base64) in the line; bigger ones go
into a file beside the session."""
MAX_LINE_BYTES = 16 * 1024 * 1024
"""The longest line read: a header holds a scenario text (at most MAX_TOML_BYTES) and
at most MAX_EMBEDDED_BYTES of weights in base64."""
MAX_SESSION_BYTES = 256 * 1024 * 1024
MAX_ACTIONS = 200_000
MAX_CHANGES = 10_000
"""Action lines with a model change: each one rebuilds a scenario when replayed."""
MAX_DEPTH = 16
"""The deepest nesting of a line's JSON (a recorder writes at most 5)."""
MAX_TOKENS = 10_000
"""The longest recorded sentence (one typed into the edit dialog)."""
MAX_INPUT_VALUES = 16 * 1024 * 1024
"""A recorded sentence encodes to at most this many input values (T × input width)."""
MAX_TIME = 10**9
COLUMNS = (20, 1000)
ROWS = (10, 500)
"""The terminal sizes a session may name (and export may render at)."""
DEFAULT_TERMINAL = (80, 24)


class SessionError(Exception):
    """A session file cannot be used; the message names the file and the line."""


class SessionWriteError(OSError):
    """A recording could not be written (a full disk, a lost file system); the message
    names the file and says that the lines before it are kept."""


def line_of(path: object, line: int) -> str:
    """ "FILE: line N": where a message about one line of a session file points."""
    return _("{path}: line {line}").format(path=visible(str(path)), line=line)


def _shown(value: object, limit: int = 60) -> str:
    """A value from a file, for a message: its repr, visible and shortened."""
    text = visible(repr(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _why(error: BaseException) -> str:
    """An exception's words for a message (they may quote a file's values), on one line."""
    if isinstance(error, ScenarioError):
        return "; ".join(visible(str(p)) for p in error.problems)
    return visible(str(error) or type(error).__name__)


# ---------------------------------------------------------------- writing
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
                _("weights of {size:,} bytes are too big to embed, and there is no file "
                  "beside the session to write them to").format(size=len(data))
            )  # fmt: skip
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

    def __init__(self, path: Path, scenario: Scenario, *, columns: int, rows: int,
                 inputs: Iterable[Path] = ()) -> None:  # fmt: skip
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
                "format": FORMAT, "version": VERSION, "app_version": __version__,
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "terminal": {"columns": columns, "rows": rows},
                "scenario": self.scenario_record(scenario),
            }  # fmt: skip
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
        message = _("{path}: cannot write the recording ({reason}); its {count} line(s) "
                    "before are kept").format(path=visible(str(self.path)),
                                              reason=visible(reason(error)),
                                              count=self.lines)  # fmt: skip
        failure = SessionWriteError(error.errno or errno.EIO, message)
        self.error = failure
        self._close_fd()
        return failure

    def _write(self, data: dict) -> None:
        if self._fd is None:
            raise self.error or SessionWriteError(
                errno.EBADF, _("{path}: the recording is closed").format(
                    path=visible(str(self.path)))
            )  # fmt: skip
        payload = (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8", "replace")
        view = memoryview(payload)
        try:
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
        except OSError as e:
            raise self._failed(e) from None
        self.lines += 1

    def action(self, *, key: str, action: str, view: ViewState, state: str,
               change: dict | None = None) -> None:  # fmt: skip
        """One line: what was pressed, what it did, the view after it and its hash.
        Raises SessionWriteError (an OSError) when it cannot be written."""
        self._write({
            "time": round(time.monotonic() - self._start, 3), "key": key, "action": action,
            "view": view.to_dict(), "change": change, "state": state,
        })  # fmt: skip

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
            _("{path}: refusing to record into an existing file; a recording never replaces "
              "one").format(path=visible(str(path)))
        )  # fmt: skip


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
        _("{path}: refusing to record into an existing file; a recording never replaces "
          "one").format(path=shown)
    )  # fmt: skip


# ---------------------------------------------------------------- reading
@dataclass
class Action:
    """One recorded action and the line it came from."""

    line: int
    time: float
    key: str
    action: str
    view: ViewState
    change: dict | None
    state: str


@dataclass
class Session:
    """A read session: its header, its whole action lines, and whether it ends mid-line."""

    path: Path
    header: dict
    actions: list[Action] = field(default_factory=list)
    ends_mid_line: bool = False

    @property
    def terminal(self) -> tuple[int, int]:
        """(columns, rows) of the recording terminal, checked when read."""
        terminal = self.header.get("terminal") or {}
        return (
            int(terminal.get("columns", DEFAULT_TERMINAL[0])),
            int(terminal.get("rows", DEFAULT_TERMINAL[1])),
        )


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


def _reject_constant(name: str) -> Any:
    raise ValueError(_("{name} is not a number JSON allows").format(name=name))


def _json_line(path: Path, number: int, line: bytes) -> dict:
    """One line as a JSON object, every string in it (but a scenario's text) visible."""
    where = line_of(path, number)
    try:
        data = json.loads(line.decode("utf-8"), parse_constant=_reject_constant)
    except RecursionError:
        raise SessionError(f"{where}: " + _("corrupt (nested too deeply)")) from None
    except (UnicodeDecodeError, ValueError) as e:  # JSONDecodeError, an int of 5,000 digits
        raise SessionError(f"{where}: " + _("corrupt ({reason})").format(reason=_why(e))) from None
    if not isinstance(data, dict):
        raise SessionError(f"{where}: " + _("corrupt (not a JSON object)"))
    return _visible_tree(data, where)


def _visible_tree(data: dict, where: str) -> dict:
    """`data` with every string and key made visible, except the "text" of a scenario
    record (the scenario loader takes it, and escapes what it shows); no deeper than
    MAX_DEPTH."""

    def walk(value: Any, depth: int, key: str = "") -> Any:
        if depth > MAX_DEPTH:
            raise SessionError(
                f"{where}: " + _("nested deeper than {limit}").format(limit=MAX_DEPTH)
            )
        if isinstance(value, str):
            return value if key == "text" else visible(value)
        if isinstance(value, float) and not math.isfinite(value):
            raise SessionError(f"{where}: " + _("a number is out of range ({value})").format(
                value=value))  # fmt: skip
        if isinstance(value, list):
            return [walk(v, depth + 1) for v in value]
        if isinstance(value, dict):
            return {visible(k): walk(v, depth + 1, k) for k, v in value.items()}
        return value

    out: dict = walk(data, 0)
    return out


def _header(path: Path, header: dict) -> dict:
    """The header line, checked: format, version, the terminal's size."""
    where = line_of(path, 1)
    if header.get("format") != FORMAT:
        raise SessionError(
            f"{where}: "
            + _("not an rnn-tui session (format {format})").format(
                format=_shown(header.get("format"))
            )
        )
    if header.get("version") != VERSION or type(header.get("version")) is not int:
        raise SessionError(
            f"{where}: "
            + _(
                "session format version {version} is not supported (this rnn-tui reads "
                "version {supported})"
            ).format(version=_shown(header.get("version")), supported=VERSION)
        )
    for name in ("app_version", "created"):
        if name in header and not isinstance(header[name], str):
            raise SessionError(f"{where}: " + _expected(name, _("a string"), header[name]))
    if "terminal" in header:
        terminal = header["terminal"]
        if not isinstance(terminal, dict):
            raise SessionError(f"{where}: " + _expected("terminal", _("an object"), terminal))
        for name, (low, high), default in zip(
            ("columns", "rows"), (COLUMNS, ROWS), DEFAULT_TERMINAL, strict=True
        ):
            value = terminal.get(name, default)
            if type(value) is not int or not low <= value <= high:
                raise SessionError(
                    f"{where}: "
                    + _expected(
                        f"terminal.{name}",
                        _("a whole number from {low} to {high}").format(low=low, high=high),
                        value,
                    )
                )
        header["terminal"] = {"columns": terminal.get("columns", DEFAULT_TERMINAL[0]),
                              "rows": terminal.get("rows", DEFAULT_TERMINAL[1])}  # fmt: skip
    if "scenario" in header and not isinstance(header["scenario"], dict):
        raise SessionError(f"{where}: " + _("scenario entry is malformed"))
    return header


def _expected(name: str, kind: str, found: object) -> str:
    return _("{name}: expected {kind}, found {found}").format(
        name=name, kind=kind, found=_shown(found)
    )


def _action(path: Path, number: int, data: dict) -> Action:
    """One action line, every field of its type."""
    where = line_of(path, number)

    def fail(detail: str) -> SessionError:
        return SessionError(f"{where}: " + _("not an action line ({detail})").format(detail=detail))

    for name in ("time", "key", "action", "view", "state"):
        if name not in data:
            raise fail(_("missing {key}").format(key=repr(name)))
    seconds = data["time"]
    if type(seconds) not in (int, float) or not 0 <= seconds <= MAX_TIME:
        raise fail(_expected("time", _("seconds from 0 to {limit:,}").format(limit=MAX_TIME),
                             seconds))  # fmt: skip
    for name in ("key", "action", "state"):
        if not isinstance(data[name], str):
            raise fail(_expected(name, _("a string"), data[name]))
        if len(data[name]) > 200:
            raise fail(_("{name} is longer than {limit} characters").format(name=name, limit=200))
    if not isinstance(data["view"], dict):
        raise fail(_expected("view", _("an object"), data["view"]))
    change = data.get("change")
    if change is not None and not isinstance(change, dict):
        raise SessionError(f"{where}: " + _("change is not an object"))
    try:
        view = ViewState.from_dict(data["view"])
    except ValueError as e:
        raise fail(_why(e)) from None
    return Action(line=number, time=float(seconds), key=data["key"], action=data["action"],
                  view=view, change=change or None, state=data["state"])  # fmt: skip


# ---------------------------------------------------------------- restoring
def restore_scenario(record: Any, where: str, base: Path | None = None) -> Scenario:
    """The scenario a record describes, with exactly its recorded weights: embedded, or
    in the file the record names, looked for in `base` (the session's folder) and
    nowhere else. The recorded text goes through the scenario loader with its
    `[weights] file` taken out, so no file it names is ever opened."""
    record = _checked_record(record, where)
    weights = record["weights"]
    arrays = _recorded_arrays(weights, where, base)
    text = record["text"]
    name = visible(record.get("name") or "session")[:200]
    try:
        parsed = _without_weights_file(text, carried=arrays is not None, where=where)
        scenario = parse_scenario(text if parsed is None else parsed, path=None, name=name)
    except ScenarioError as e:
        raise SessionError(
            f"{where}: " + _("the recorded scenario does not load: {reason}").format(reason=_why(e))
        ) from None
    except (RecursionError, ValueError, TypeError, KeyError, IndexError, OverflowError) as e:
        raise SessionError(
            f"{where}: " + _("the recorded scenario does not load: {reason}").format(reason=_why(e))
        ) from None
    scenario.text = text
    if parsed is not None:
        scenario.weights_source = "file"
    network = record.get("network") or {}
    switched = {k: network[k] for k in ("cell", "merge") if k in network}
    if switched and switched != {k: getattr(scenario.network, k) for k in switched}:
        try:
            scenario = scenario.with_network(**switched)  # recorded after a cell / merge switch
        except (ValueError, TypeError) as e:
            raise SessionError(
                f"{where}: " + _("scenario entry is malformed") + f" ({_why(e)})"
            ) from None
    if arrays is not None:
        embedding = arrays.pop("embedding.weight", None)
        try:
            scenario.network.set_params(arrays)
            if embedding is not None:
                if scenario.embedding is None or np.shape(embedding) != scenario.embedding.shape:
                    raise ValueError("embedding.weight")
                scenario.embedding = np.asarray(embedding, dtype=scenario.network.dtype)
        except (ValueError, TypeError) as e:
            raise SessionError(
                f"{where}: "
                + _("recorded weights do not fit the scenario ({reason})").format(reason=_why(e))
            ) from None
    if isinstance(record.get("trained"), bool):
        scenario.trained = record["trained"]
    if weights_digest(scenario_weights(scenario)) != weights.get("sha256"):
        raise SessionError(f"{where}: " + _("the weights differ from the recorded ones (sha256)"))
    sequence = record.get("sequence")
    try:
        if isinstance(sequence, str) and sequence in scenario.sequences:
            scenario = scenario.select(sequence)
        tokens = record.get("tokens")
        if tokens is not None:
            scenario = with_recorded_tokens(scenario, tokens, where)  # an edited sentence
        elif scenario.tokens is not None:
            scenario = scenario.with_tokens(list(scenario.tokens))  # encoded with its weights
    except (ValueError, KeyError) as e:
        raise SessionError(
            f"{where}: " + _("the recorded input does not load ({reason})").format(reason=_why(e))
        ) from None
    return scenario


def _checked_record(record: Any, where: str) -> dict[str, Any]:
    """A scenario record with every field of its type (strings made visible, but the
    text), or a SessionError naming the field."""

    def fail(name: str, kind: str, found: object) -> SessionError:
        return SessionError(
            f"{where}: " + _("scenario entry is malformed") + f" ({_expected(name, kind, found)})"
        )

    if not isinstance(record, dict) or not isinstance(record.get("weights"), dict):
        raise SessionError(f"{where}: " + _("scenario entry is malformed"))
    out = dict(record)
    text = record.get("text")
    if not isinstance(text, str):
        raise fail("scenario.text", _("a string"), text)
    if len(text) > MAX_TOML_BYTES or len(text.encode("utf-8", "replace")) > MAX_TOML_BYTES:
        raise SessionError(
            f"{where}: "
            + _("the recorded scenario is longer than {limit:,} bytes").format(limit=MAX_TOML_BYTES)
        )
    for name in ("name", "path", "sequence"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise fail(f"scenario.{name}", _("a string"), value)
        if isinstance(value, str):
            out[name] = visible(value)
    if "trained" in record and not isinstance(record["trained"], bool):
        raise fail("scenario.trained", _("true or false"), record["trained"])
    network = record.get("network")
    if network is not None:
        if not isinstance(network, dict):
            raise fail("scenario.network", _("an object"), network)
        from ..engine import CELLS, MERGES

        for name, allowed in (("cell", tuple(CELLS)), ("merge", MERGES)):
            if name in network and network[name] not in allowed:
                raise fail(f"scenario.network.{name}", " | ".join(allowed), network[name])
    if record.get("tokens") is not None:
        out["tokens"] = checked_tokens(record["tokens"], where, "scenario.tokens")
    weights = dict(record["weights"])
    for name in ("sha256", "embedded", "path"):
        value = weights.get(name)
        if value is not None and not isinstance(value, str):
            raise fail(f"scenario.weights.{name}", _("a string"), value)
    if not isinstance(weights.get("sha256"), str):
        raise fail("scenario.weights.sha256", _("a string"), weights.get("sha256"))
    out["weights"] = weights
    return out


def checked_tokens(tokens: Any, where: str, name: str = "tokens") -> list[str]:
    """A recorded sentence: a list of at most MAX_TOKENS strings, made visible."""
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise SessionError(
            f"{where}: " + _expected(name, _("a list of strings"), tokens)
        )  # fmt: skip
    if len(tokens) > MAX_TOKENS:
        raise SessionError(
            f"{where}: "
            + _("{name}: {count:,} tokens; a recorded sentence has at most {limit:,}").format(
                name=name, count=len(tokens), limit=MAX_TOKENS
            )
        )
    return [visible(t) for t in tokens]


def with_recorded_tokens(scenario: Scenario, tokens: Any, where: str) -> Scenario:
    """The scenario reading a recorded sentence (checked by checked_tokens, and small
    enough to encode: at most MAX_INPUT_VALUES input values); ValueError when a token
    is not in the vocabulary."""
    tokens = checked_tokens(tokens, where)
    if len(tokens) * max(scenario.network.input_size, 1) > MAX_INPUT_VALUES:
        raise SessionError(
            f"{where}: "
            + _("{count:,} tokens of width {width:,} exceed {limit:,} input values").format(
                count=len(tokens), width=scenario.network.input_size, limit=MAX_INPUT_VALUES
            )
        )
    return scenario.with_tokens(tokens)


def _without_weights_file(text: str, *, carried: bool, where: str) -> str | None:
    """The scenario text with its `[weights] file` replaced by the recorded weights
    (a seed, overwritten once parsed), so the loader opens nothing; None when it names
    no file (the text is parsed as it is). A file named by a session whose weights are
    not carried is a SessionError: a session never reads one. So is a text that does
    not parse here: it is never handed to the loader unchecked."""
    try:  # as the loader reads it (a byte-order mark ignored): whatever it would open
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as e:
        raise SessionError(
            f"{where}: "
            + _("the recorded scenario does not load: {reason}").format(
                reason=_("not valid TOML: {detail}").format(detail=_why(e))
            )
        ) from None
    weights = data.get("weights")
    if not isinstance(weights, dict) or "file" not in weights:
        return None
    if not carried:
        raise SessionError(
            f"{where}: "
            + _("the session does not carry its weights (its scenario names the file "
                "{name}, which a replay never opens)").format(name=_shown(weights["file"]))
        )  # fmt: skip
    kept = {k: v for k, v in weights.items() if k not in ("file", "prefix", "rename", "seed")}
    kept.setdefault("trained", True)  # as from a file
    data["weights"] = {"seed": 0, **kept}
    try:
        return "\n".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in data.items()) + "\n"
    except (RecursionError, ValueError) as e:
        raise SessionError(
            f"{where}: " + _("the recorded scenario does not load: {reason}").format(reason=_why(e))
        ) from None


def _toml_key(key: str) -> str:
    return _toml_string(key)


def _toml_string(text: str) -> str:
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _toml_value(value: Any) -> str:
    """A value as tomllib parsed it, as TOML on one line (tables inline)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return value.isoformat()  # a date, time or datetime


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
            + _("refusing the recorded weights file {name}: a session reads only a .npz "
                "file in its own folder").format(name=shown)
        )  # fmt: skip
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
            + _("refusing the recorded weights file {name}: it links out of the session's "
                "folder").format(name=shown)
        )  # fmt: skip
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


def _npz_from_base64(text: str) -> dict[str, np.ndarray]:
    data = base64.b64decode(text, validate=True)
    if len(data) > 2 * MAX_EMBEDDED_BYTES:
        raise ValueError(_("{size:,} bytes").format(size=len(data)))
    return read_npz_stream(io.BytesIO(data))  # checks sizes before reading any array
