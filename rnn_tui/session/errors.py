"""The errors of session files, and the words of their messages (every value quoted
from a file made visible)."""

from __future__ import annotations

from ..i18n import _
from ..scenario import ScenarioError
from ..text import visible


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


def _expected(name: str, kind: str, found: object) -> str:
    return _("{name}: expected {kind}, found {found}").format(
        name=name, kind=kind, found=_shown(found)
    )
