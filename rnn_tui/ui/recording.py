"""Recording a walk through the app: one session line per view or model change.

The app calls `Recorder.record` after every change of the view and of the scenario;
the recorder works out what changed in the model (a sequence, an edited sentence, or a
whole scenario record with its weights) and writes it with the hash of the state shown.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import new_path
from ..i18n import _
from ..text import visible
from .commands import CommandListProvider

if TYPE_CHECKING:
    from ..session import ViewState
    from .app import RnnTuiApp
    from .view import Stage, View


def view_state(view: View) -> ViewState:
    """The app's view as a session records it."""
    from ..session import ViewState

    return ViewState(t=view.t, layer=view.layer, direction=view.direction, unit=view.unit)


def default_session_path(directory: Path) -> Path:
    """A new file name for a recording started in the app (one not taken yet: a
    recording never replaces a file)."""
    return new_path(directory, time.strftime("rnn-tui-session-%Y%m%d-%H%M%S"), ".jsonl")


class Recorder:
    """Writes a session while the app runs: the header at once, then a line per change.

    Creating one raises OSError (WriteRefused for a path that is the scenario or its
    weights file, an existing file that is not empty, a device, or in the built-ins);
    `record` raises OSError (SessionWriteError: the recording stopped, the lines
    written are kept); `close` never raises and returns the error that stopped the
    recording or that closing it met (None when all went well)."""

    def __init__(self, path: Path, scenario: Any, stage: Stage, *, columns: int,
                 rows: int) -> None:  # fmt: skip
        from ..session import SessionWriter

        self.path = Path(path)
        self.writer = SessionWriter(self.path, scenario, columns=columns, rows=rows)
        self.scenario = scenario
        self.stage = stage
        self.view: ViewState | None = None
        self.lines = 0
        """Action lines written."""

    def change(self, scenario: Any) -> dict | None:
        """What the model change from the last recorded scenario to `scenario` is."""
        from ..session.format import edited_tokens

        before = self.scenario
        if scenario is before:
            return None
        same_weights = (
            scenario.network is before.network
            and scenario.embedding is before.embedding
            and scenario.text == before.text
        )
        if same_weights:
            tokens = edited_tokens(scenario)
            if tokens is not None:
                return {"tokens": tokens}
            if scenario.sequence != before.sequence or edited_tokens(before) is not None:
                return {"sequence": scenario.sequence}
        return {"scenario": self.writer.scenario_record(scenario)}

    def record(self, app: RnnTuiApp, *, key: str, action: str) -> None:
        """One line for the app's current view and scenario, unless nothing changed."""
        from ..session import state_hash

        view = view_state(app.view)
        stage = app.stage
        if view == self.view and stage is self.stage:
            return
        change = self.change(app.scenario) if stage is not self.stage else None
        self.writer.action(key=key, action=action, view=view,
                           state=state_hash(stage.trace, view), change=change)  # fmt: skip
        self.scenario, self.stage, self.view = app.scenario, stage, view
        self.lines += 1

    @property
    def error(self) -> OSError | None:
        """The error that stopped the recording, if one did."""
        return self.writer.error

    def close(self) -> OSError | None:
        """Close the session file; never raises. Returns the error that stopped the
        recording or that closing met (its message names the file and says that the
        lines before it are kept), else None."""
        return self.writer.close()


def commands(app: RnnTuiApp) -> Iterator[tuple[str, str, Any]]:
    """The recording's entries in the command palette."""
    run = app.call_after_refresh
    if app.recorder is None:
        yield _("Start recording"), _("record every step into a session file (r)"), \
            partial(run, app.action_record)  # fmt: skip
    else:
        name = visible(app.recorder.path.name)
        yield _("Stop recording"), _("close {file} (r)").format(file=name), \
            partial(run, app.action_record)  # fmt: skip


class RecordCommands(CommandListProvider):
    """Start / stop recording from the command palette."""

    entries = staticmethod(commands)
