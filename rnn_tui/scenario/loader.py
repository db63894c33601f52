"""TOML -> a validated Scenario (a network plus its input sequences).

Every problem a user can cause is a ScenarioError whose messages name the file
and the field (``s.toml: model.hidden_size: expected an integer, found "eight"``);
the loader gathers all it can find before it stops.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from ..files import BUILTIN_DIR, Unreadable, open_regular
from ..i18n import _
from ..text import visible
from .builder import MAX_MODEL_BYTES, MAX_PROBLEMS, _Builder
from .model import DEFAULT_SEQUENCE, MAX_SEQUENCE_BYTES, Problem, Scenario, ScenarioError

__all__ = [
    "BUILTIN_DEFAULT",
    "BUILTIN_DIR",
    "DEFAULT_SEQUENCE",
    "MAX_MODEL_BYTES",
    "MAX_NESTING",
    "MAX_PROBLEMS",
    "MAX_SEQUENCE_BYTES",
    "MAX_TOML_BYTES",
    "Problem",
    "Scenario",
    "ScenarioError",
    "builtin_names",
    "load_scenario",
    "parse_scenario",
    "resolve",
]

BUILTIN_DEFAULT = "intent"
MAX_TOML_BYTES = 4 * 1024 * 1024  # a scenario is hand-written text; larger is a mistake
MAX_NESTING = 32  # tables and arrays inside each other; a scenario needs 6


# ---------------------------------------------------------------- finding files
def builtin_names() -> list[str]:
    """Names of the built-in scenarios, sorted."""
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.toml"))


def resolve(source: str | Path | None) -> Path:
    """A path, or a built-in name, or None (the default) -> the scenario file's path."""
    if source is None:
        source = BUILTIN_DEFAULT
    path = Path(source)
    if path.suffix == ".toml" or os.path.lexists(fs_name(path)) or "/" in str(source):
        return path
    builtin = BUILTIN_DIR / f"{source}.toml"
    if builtin.exists():
        return builtin
    names = ", ".join(builtin_names())
    raise ScenarioError(
        [
            Problem(
                str(source),
                "",
                _("no such file or built-in scenario (built-ins: {names})").format(names=names),
            )
        ]
    )


def load_scenario(source: str | Path | None = None) -> Scenario:
    """Load a scenario file or a built-in by name; raise ScenarioError on any problem."""
    path = resolve(source)
    too_big = _("file is {size:,} bytes; scenarios are limited to {limit:,}")
    return parse_scenario(read_file_text(path, MAX_TOML_BYTES, too_big), path=path)


def read_file_text(
    path: Path, limit: int, too_big: str, error: type[ScenarioError] = ScenarioError
) -> str:
    """The text of the file at `path` (a scenario's or a lesson's): a regular file of at
    most `limit` bytes, UTF-8; else `error` with one problem naming the file (`too_big`:
    the message of a file too large, with {size} and {limit})."""
    label = str(path)

    def fail(message: str) -> ScenarioError:
        return error([Problem(label, "", message)])

    if not os.path.lexists(fs_name(path)):
        raise fail(_("file not found"))
    try:
        # Only a regular file: a fifo or /dev/urandom (or a link to one) would block or
        # never end; a directory or a device is named for what it is.
        with open_regular(path) as f:
            size = os.fstat(f.fileno()).st_size
            data = f.read(limit + 1) if size <= limit else b""
    except Unreadable as e:
        raise fail(visible(str(e))) from None
    except OSError as e:
        raise fail(_("cannot be read: {reason}").format(reason=e.strerror or e)) from None
    if size > limit or len(data) > limit:
        raise fail(too_big.format(size=max(size, len(data)), limit=limit))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise fail(
            _("not UTF-8 text (byte {offset:,} cannot be decoded)").format(offset=e.start)
        ) from None


def fs_name(path: str | Path) -> str:
    """A path for os functions; a name with a NUL byte (which no file has) becomes one
    that does not exist, instead of a ValueError."""
    name = str(path)
    return name if "\0" not in name else ""


def parse_scenario(text: str, *, path: Path | None = None, name: str | None = None) -> Scenario:
    """TOML text -> Scenario. `path` names the file in messages and anchors relative files."""
    label = str(path) if path is not None else (name or "<scenario>")
    data = parse_toml(text, label)
    scenario = _Builder(label, path, data).build()
    scenario.text = text
    scenario.name = visible(name or (path.stem if path is not None else "scenario"))
    return scenario


def parse_toml(text: str, label: str, error: type[ScenarioError] = ScenarioError) -> dict:
    """TOML text -> its table, guarded (a dotted key of too many parts, too deep a
    nesting, numbers Python refuses): else `error` with one problem naming `label`."""

    def fail(message: str, where: str = "") -> ScenarioError:
        return error([Problem(label, where, message)])

    source = text.removeprefix("\ufeff")  # a byte-order mark, as some editors write
    long_key = _LONG_DOTTED_KEY.search(source)
    if long_key is not None:  # tomllib takes time and memory quadratic in a key's parts
        line = source.count("\n", 0, long_key.start()) + 1
        raise fail(
            _("line {line}: a dotted key of more than {limit} parts").format(
                line=line, limit=MAX_NESTING
            )
        )
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as e:
        detail = str(e).replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        raise fail(_("not valid TOML: {detail}").format(detail=detail)) from None
    except RecursionError:  # tomllib recurses once per level of nested arrays and tables
        raise fail(
            _("not valid TOML: nested more than {limit} levels deep").format(limit=MAX_NESTING)
        ) from None
    except ValueError as e:  # an integer of more than 4,300 digits
        raise fail(_("not valid TOML: {detail}").format(detail=str(e).split(";")[0])) from None
    deep = _too_deep(data, MAX_NESTING)
    if deep is not None:
        raise fail(_("nested more than {limit} levels deep").format(limit=MAX_NESTING), deep)
    return data


_KEY_PART = r"""(?:[A-Za-z0-9_-]++|"[^"\n]*+"|'[^'\n]*+')"""
# MAX_NESTING + 1 parts joined by dots, starting where no key part or dot precedes: one
# attempt per chain, possessive parts, so the search stays linear over any text.
_LONG_DOTTED_KEY = re.compile(
    r"""(?<![A-Za-z0-9_."'-])""" + _KEY_PART + rf"(?:[ \t]*+\.[ \t]*+{_KEY_PART}){{{MAX_NESTING}}}"
)


def _too_deep(data: dict, limit: int) -> str | None:
    """Where tables and arrays nest more than `limit` deep (dotted keys nest without
    brackets), or None. Iterative: no recursion whatever the depth."""
    stack: list[tuple[Any, int, str]] = [(data, 1, "")]
    while stack:
        value, depth, where = stack.pop()
        if depth > limit:
            return where if len(where) <= 80 else where[:77] + "..."
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, (dict, list)):
                    stack.append((item, depth + 1, f"{where}.{key}" if where else str(key)))
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, (dict, list)):
                    stack.append((item, depth + 1, where))
    return None
