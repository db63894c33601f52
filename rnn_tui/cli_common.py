"""What every command of the command line (`rnn_tui.cli`) shares: printing, writing files,
needing a terminal.

Everything printed goes through `say` (no control or bidi character from a file, a path
or an argument reaches the terminal), and every file written goes through `write_file`
(`rnn_tui.files.write_atomic`: never onto an input, never into the built-ins).
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from .files import WriteRefused, check_target, reason, write_atomic
from .i18n import _
from .scenario import ScenarioError
from .text import visible


def shown(value: object) -> str:
    """A path or an argument, as it may be printed: control and bidi characters escaped."""
    text = os.fsdecode(value) if isinstance(value, (str, bytes, os.PathLike)) else str(value)
    return visible(text)


def say(text: str, *, err: bool = False) -> None:
    """Print one line: anything from a file, a path or an argument in it shown escaped."""
    if err:
        click.echo(visible(text), err=True)
    else:
        to_stdout(lambda: click.echo(visible(text)))


class PipeClosed(Exception):
    """Standard output's reader has gone (`rnn-tui trace x | head`); click would turn the
    BrokenPipeError into exit status 1, this gets to main, which ends quietly."""


def to_stdout(write: Callable[[], object]) -> None:
    """Run `write`; standard output that cannot take it (a full disk) is a message."""
    try:
        write()
    except BrokenPipeError:  # `rnn-tui list | head`: main ends quietly
        raise PipeClosed() from None
    except OSError as e:
        drop_stdout()
        raise click.ClickException(
            _("standard output: cannot write: {reason}").format(reason=reason(e))
        ) from None


def drop_stdout() -> None:
    """Send what is still waiting for standard output to /dev/null, so that Python's own
    flush at exit does not fail a second time, with a traceback."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def has_terminal() -> bool:
    """Whether stdin and stdout are a terminal: the app needs one (without, it would spin
    on a closed input). Tests replace this."""
    return all(stream is not None and stream.isatty() for stream in (sys.stdin, sys.stdout))


def need_terminal() -> None:
    """Refuse to start the app without a terminal, saying what to use instead."""
    if not has_terminal():
        raise click.ClickException(_("rnn-tui needs a terminal; for scripts use trace --json"))


def finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """A FloatRange lets NaN through (it compares false with both bounds): refuse it."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(_("{value} is not a finite number").format(value=value))
    return value


def write_file(path: Path, data: bytes | str, *, inputs: list[Path]) -> Path:
    """write_atomic, its failures as a message naming the file (exit 2)."""
    try:
        return write_atomic(path, data, inputs=inputs)
    except WriteRefused as e:
        raise click.ClickException(str(e)) from None
    except OSError as e:
        raise click.ClickException(
            _("{path}: cannot write: {reason}").format(path=shown(path), reason=reason(e))
        ) from None


def refuse_target(path: Path, *, inputs: list[Path]) -> None:
    """check_target before any work, its refusal as a message (exit 2)."""
    try:
        check_target(path, inputs=inputs)
    except WriteRefused as e:
        raise click.ClickException(str(e)) from None


def echo_problems(error: ScenarioError) -> None:
    """Each of a scenario's problems on its own line of standard error."""
    for problem in error.problems:
        say(_("error: {problem}").format(problem=problem), err=True)
