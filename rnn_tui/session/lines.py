"""The lines of a session file, each checked as it is read: the header, then actions.

Every line is bounded in nesting, every field's type is checked, and every string in
it (but a scenario's text, which the scenario loader escapes) is made visible
(rnn_tui.text) before anything uses it.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..i18n import _
from ..present.position import MAX_INDEX, View
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

PANES = ("step", "numbers", "layers", "history", "weights", "memory")
"""The views a line's "screen" may name (the app's panes, ui.bars.PANES)."""
MAX_NOTE = 500
"""The longest note, in characters (as read: control characters made visible)."""
MAX_SCROLL = 1_000_000
"""The largest scroll offset a line may name, in rows or columns."""
MAX_SCROLL_PARTS = 16
"""The most scrolled parts (columns, panes) a line may name."""
MAX_NAME = 100
"""The longest theme or scrolled part name."""
_PART_NAME = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_NAME}}}")
TIMER_KEY = "(timer)"
"""The key of a line that a play tick wrote (no key was pressed)."""


@dataclass(frozen=True)
class ScreenState:
    """What else the screen showed after an action, beside the view: a line's optional
    "screen" object (older sessions have none; a reader that does not know it skips
    it). Each field None when the line does not say."""

    pane: str | None = None
    """The view shown when they do not all fit (one of PANES)."""
    numbers: bool | None = None
    """The ∂ numbers written into the influence strip (`i`)."""
    probe: int | None = None
    """The input the memory view follows, 1-based; 0: the scenario's own (null in the
    file)."""
    scroll: tuple[tuple[str, int], ...] | None = None
    """The scroll offsets of the body's parts, (name, rows) each, sorted by name."""
    theme: str | None = None
    """The colour theme's name (a replay keeps its own when it has no such theme)."""

    def to_dict(self) -> dict[str, Any]:
        """The line's "screen" object: the fields said, probe 0 as null."""
        out: dict[str, Any] = {}
        if self.pane is not None:
            out["pane"] = self.pane
        if self.numbers is not None:
            out["numbers"] = self.numbers
        if self.probe is not None:
            out["probe"] = self.probe or None
        if self.scroll is not None:
            out["scroll"] = dict(self.scroll)
        if self.theme is not None:
            out["theme"] = self.theme
        return out

    @classmethod
    def from_dict(cls, data: Any) -> ScreenState:
        """From a line's "screen"; ValueError naming the field for anything but the
        fields above, each of its type and within its bounds."""
        if not isinstance(data, dict):
            raise ValueError(_expected("screen", _("an object"), data))
        unknown = sorted(set(data) - {"pane", "numbers", "probe", "scroll", "theme"})
        if unknown:
            raise ValueError(_("screen: unknown field {name}").format(name=_shown(unknown[0], 40)))
        pane = data.get("pane")
        if pane is not None and pane not in PANES:
            raise ValueError(_expected("screen.pane", " | ".join(PANES), pane))
        numbers = data.get("numbers")
        if numbers is not None and type(numbers) is not bool:
            raise ValueError(_expected("screen.numbers", _("true or false"), numbers))
        probe = data.get("probe")
        if "probe" not in data:
            probe = None
        elif probe is None:
            probe = 0  # the scenario's own
        elif type(probe) is not int or not 1 <= probe <= MAX_INDEX:
            raise ValueError(
                _expected(
                    "screen.probe",
                    _("null or a whole number from 1 to {limit:,}").format(limit=MAX_INDEX),
                    probe,
                )
            )
        theme = data.get("theme")
        if theme is not None and (not isinstance(theme, str) or not 1 <= len(theme) <= MAX_NAME):
            raise ValueError(
                _expected(
                    "screen.theme",
                    _("a name of 1 to {limit} characters").format(limit=MAX_NAME),
                    theme,
                )
            )
        return cls(
            pane=pane,
            numbers=numbers,
            probe=probe,
            scroll=_scroll(data.get("scroll")),
            theme=theme,
        )


def _scroll(data: Any) -> tuple[tuple[str, int], ...] | None:
    """A "scroll" object checked: at most MAX_SCROLL_PARTS names, each a short name of
    letters, digits, - and _, each offset a whole number from 0 to MAX_SCROLL."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ValueError(_expected("screen.scroll", _("an object"), data))
    if len(data) > MAX_SCROLL_PARTS:
        raise ValueError(_("screen.scroll: more than {limit} parts").format(limit=MAX_SCROLL_PARTS))
    for name, offset in data.items():
        if not _PART_NAME.fullmatch(name):
            raise ValueError(
                _expected("screen.scroll", _("names of letters, digits, - and _"), name)
            )
        if type(offset) is not int or not 0 <= offset <= MAX_SCROLL:
            raise ValueError(
                _expected(
                    f"screen.scroll.{name}",
                    _("a whole number from 0 to {limit:,}").format(limit=MAX_SCROLL),
                    offset,
                )
            )
    return tuple(sorted(data.items()))


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
    screen: ScreenState | None = None
    """What else the screen showed (the view shown, ∂ numbers, ...), when recorded."""
    note: str | None = None
    """The teacher's note made at this line (made visible), if any."""


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
        screen = None if data.get("screen") is None else ScreenState.from_dict(data["screen"])
    except ValueError as e:
        raise fail(_why(e)) from None
    note = data.get("note")
    if note is not None:
        if not isinstance(note, str) or not note.strip():
            raise fail(_expected("note", _("a line of text"), note))
        if len(note) > MAX_NOTE:
            raise fail(
                _("{name} is longer than {limit} characters").format(name="note", limit=MAX_NOTE)
            )
    return Action(
        line=number,
        time=float(seconds),
        key=data["key"],
        action=data["action"],
        view=view,
        change=change or None,
        state=data["state"],
        screen=screen,
        note=note,
    )
