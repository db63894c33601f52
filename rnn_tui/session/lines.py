"""The lines of a session file, each checked as it is read: the header, then actions.

Every line is bounded in nesting, every field's type is checked, and every string in
it (but a scenario's text, which the scenario loader escapes) is made visible
(rnn_tui.text) before anything uses it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..i18n import _
from ..present.position import View
from ..text import visible
from .errors import SessionError, _expected, _shown, _why, line_of

FORMAT = "rnn-tui-session"
VERSION = 1
MAX_DEPTH = 16
"""The deepest nesting of a line's JSON (a recorder writes at most 5)."""
MAX_TIME = 10**9
COLUMNS = (20, 1000)
ROWS = (10, 500)
"""The terminal sizes a session may name (and export may render at)."""
DEFAULT_TERMINAL = (80, 24)


@dataclass
class Action:
    """One recorded action and the line it came from."""

    line: int
    time: float
    key: str
    action: str
    view: View
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
            raise SessionError(
                f"{where}: " + _("a number is out of range ({value})").format(value=value)
            )
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
        header["terminal"] = {
            "columns": terminal.get("columns", DEFAULT_TERMINAL[0]),
            "rows": terminal.get("rows", DEFAULT_TERMINAL[1]),
        }
    if "scenario" in header and not isinstance(header["scenario"], dict):
        raise SessionError(f"{where}: " + _("scenario entry is malformed"))
    return header


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
        raise fail(
            _expected("time", _("seconds from 0 to {limit:,}").format(limit=MAX_TIME), seconds)
        )
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
        view = View.from_dict(data["view"])
    except ValueError as e:
        raise fail(_why(e)) from None
    return Action(
        line=number,
        time=float(seconds),
        key=data["key"],
        action=data["action"],
        view=view,
        change=change or None,
        state=data["state"],
    )
