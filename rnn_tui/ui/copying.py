"""The step's numbers out of the app: `y` copies them as text to the clipboard, the
palette saves them as .npz or CSV into the save folder. What the numbers are, and how
they are written, is present/step_numbers.py; this is the app's side: the clipboard, the
file, and saying what happened."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..files import first_free, numbered_name, reason, safe_stem, save_new
from ..i18n import _
from ..text import visible
from .commands import CommandListProvider

if TYPE_CHECKING:
    from ..present.step_numbers import StepHeader
    from .app import RnnTuiApp

KINDS = {"npz": ".npz", "csv": ".csv"}
"""What save_numbers writes, and the suffix of its files."""


def shown_numbers(app: RnnTuiApp) -> tuple[dict[str, np.ndarray], StepHeader]:
    """The numbers of the step on screen and their header (present.step_numbers)."""
    stage = app.stage
    view = stage.clamp(app.view)
    from ..present.step_numbers import step_header, step_numbers  # when asked, not at start

    numbers = step_numbers(stage, view)
    return numbers, step_header(stage, view, numbers)


def _what(numbers: dict[str, np.ndarray]) -> str:
    """Which kinds of vector `numbers` holds, for a notice: "x, s, c, gates, o"."""
    kinds = []
    for kind, start in (("x", "x_t"), ("s", "s_t"), ("c", "c_t")):
        if any(name.startswith(start) for name in numbers):
            kinds.append(kind)
    if any(name.startswith("gate ") for name in numbers):
        kinds.append(_("gates"))
    if any(name.startswith("o_t") for name in numbers):
        kinds.append("o")
    return _(", ").join(kinds)


def _where(header: StepHeader) -> str:
    """The layer and the direction shown, for a notice: "layer 1, forward"."""
    return _(", ").join((_("layer {k}").format(k=header.layer), _(header.direction)))


def copy_numbers(app: RnnTuiApp) -> None:
    """Put the numbers of the step shown on the clipboard as text (numbers_text) and say
    so. Textual sends them to the terminal (OSC 52), which must allow it; the app keeps
    them too (`app.clipboard`)."""
    if app.whole_trace_needed():
        return
    from ..present.step_numbers import numbers_text

    numbers, header = shown_numbers(app)
    app.copy_to_clipboard(numbers_text(numbers, header))
    app.say(
        _(
            "Copied {what} of t = {t} ({where}) to the clipboard. The terminal must allow "
            "programs to set it (OSC 52)."
        ).format(what=_what(numbers), t=header.t, where=_where(header)),
        timeout=5,
    )


def save_numbers(app: RnnTuiApp, kind: str) -> Path | None:
    """Save the numbers of the step shown into the save folder (`app.screenshot_dir`)
    as a new file SCENARIO-tT-NNN.npz (one numpy array per vector, numbers_npz) or .csv
    (numbers_csv), and say where; None (said too, naming the file) when it cannot be
    written, or while the trace is still computed. kind: "npz" or "csv"."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if app.whole_trace_needed():
        return None
    from ..present.step_numbers import numbers_csv, numbers_npz

    numbers, header = shown_numbers(app)
    data: bytes | str
    if kind == "npz":
        data = numbers_npz(numbers, header.labels)
    else:
        data = numbers_csv(numbers, header.labels)
    folder = Path(app.screenshot_dir)
    name_for = numbered_name(f"{safe_stem(app.stage.scenario.name)}-t{header.t}", KINDS[kind])
    try:
        path = save_new(folder, name_for, data)
    except OSError as e:
        app.say(
            _("Could not save the numbers to {path}: {reason}").format(
                path=visible(str(_meant(folder, name_for))), reason=visible(reason(e))
            ),
            severity="error",
            timeout=6,
        )
        return None
    app.say(
        _("Saved the numbers of t = {t} ({where}) to {path}").format(
            t=header.t, where=_where(header), path=visible(str(path.resolve()))
        ),
        timeout=6,
    )
    return path


def _meant(folder: Path, name_for: Callable[[int], str]) -> Path:
    """The file a save that failed was to write: the first free name, as save_new takes."""
    try:
        return first_free(folder, name_for)
    except OSError:
        return folder / name_for(1)


def commands(app: RnnTuiApp) -> Iterator[tuple[str, str, Any]]:
    """The palette's entries for the step's numbers."""
    run = app.call_after_refresh
    folder = visible(str(Path(app.screenshot_dir)))
    yield (
        _("Copy this step's numbers (y)"),
        _("x_t, s_t, the gates and o_t of the step shown, as text, to the clipboard"),
        partial(run, copy_numbers, app),
    )
    yield (
        _("Save this step's numbers as .npz"),
        _("one numpy array per vector, in a new file in {folder}").format(folder=folder),
        partial(run, save_numbers, app, "npz"),
    )
    yield (
        _("Save this step's numbers as CSV"),
        _("one row per value (name, index, label, value), in a new file in {folder}").format(
            folder=folder
        ),
        partial(run, save_numbers, app, "csv"),
    )


class NumbersCommands(CommandListProvider):
    """The command palette's entries to copy and save the step's numbers."""

    entries = staticmethod(commands)
