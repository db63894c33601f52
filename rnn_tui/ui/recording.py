"""Recording a walk through the app: one session line per view or model change.

The app calls `Recorder.record` after every change of the view and of the scenario;
the recorder works out what changed in the model (a sequence, an edited sentence, or a
whole scenario record with its weights) and writes it with the hash of the state shown.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import new_path, reason
from ..i18n import _, ngettext
from ..text import visible
from .commands import CommandListProvider

if TYPE_CHECKING:
    from ..present.position import View
    from ..present.view import Stage
    from .app import RnnTuiApp


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

    def __init__(self, path: Path, scenario: Any, stage: Stage, *, columns: int, rows: int) -> None:
        from ..session import SessionWriter

        self.path = Path(path)
        self.writer = SessionWriter(self.path, scenario, columns=columns, rows=rows)
        self.scenario = scenario
        self.stage = stage
        self.replayed = replace(scenario, origin=None)
        """The scenario a replay has reached, as far as switches go: restored from the
        header or the last whole scenario recorded, then switched."""
        self.view: View | None = None
        self.lines = 0
        """Action lines written."""

    def change(self, scenario: Any) -> dict | None:
        """What the model change from the last recorded scenario to `scenario` is: a
        cell or merge switch when replaying it gives these weights bit for bit (see
        session.verify.switch_change), else the edited sentence, the sequence, or the
        whole scenario."""
        from ..session.format import edited_tokens
        from ..session.verify import switch_change

        before = self.scenario
        if scenario is before:
            return None
        switched = switch_change(self.replayed, scenario)
        if switched is not None and scenario.text == before.text:
            change, self.replayed = switched
            return change
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
        record = self.writer.scenario_record(scenario)
        self.replayed = replace(scenario, origin=None)  # as a replay restores it
        return {"scenario": record}

    def record(self, app: RnnTuiApp, *, key: str, action: str) -> None:
        """One line for the app's current view and scenario, unless nothing changed."""
        from ..session import state_hash

        view = app.view
        stage = app.stage
        if view == self.view and stage is self.stage:
            return
        change = self.change(app.scenario) if stage is not self.stage else None
        self.writer.action(
            key=key, action=action, view=view, state=state_hash(stage.trace, view), change=change
        )
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


class Recording:
    """The app's recording: the Recorder while one runs, and which key and action the
    changes made now come from (a key's binding, a dialog's answer, a training's end).
    The app tells it what happened; it writes, and says when writing fails."""

    def __init__(self, app: RnnTuiApp, directory: Path) -> None:
        self.app = app
        self.directory = directory
        """Where `r` writes its session files."""
        self.recorder: Recorder | None = None
        """The recording in progress."""
        self.key = ""
        """The key whose binding runs now, if any."""
        self.action = ""
        """The action that runs now, if any."""

    @contextmanager
    def acting(self, action: str, key: str | None = None) -> Iterator[None]:
        """Record the changes made inside as `action` (and, given, as pressed with `key`)."""
        outer = self.action, self.key
        self.action = action
        if key is not None:
            self.key = key
        try:
            yield
        finally:
            self.action, self.key = outer

    def record(self, action: str = "") -> None:
        """Write the view and the model shown now into the recording, if one runs. A
        write that fails (a full disk) stops the recording with a message; the lines
        written before it are kept."""
        if self.recorder is None:
            return
        try:
            self.recorder.record(self.app, key=self.key, action=self.action or action or "change")
        except (OSError, ValueError) as e:
            why = reason(e) if isinstance(e, OSError) else str(e)
            self.stop(failed=visible(why))

    def start(self, path: Path) -> None:
        """Record from now on into `path`: the header with the current scenario, then a
        line for the view shown now and one per change."""
        app = self.app
        self.stop()
        try:
            self.recorder = Recorder(
                path, app.scenario, app.stage, columns=app.size.width, rows=app.size.height
            )
        except (OSError, ValueError) as e:
            message = _("Could not record to {path}: {reason}")
            why = reason(e) if isinstance(e, OSError) else str(e)
            app.say(
                message.format(path=visible(str(path)), reason=visible(why)),
                severity="error",
                timeout=6,
            )
            return
        self.record("start")
        if self.recorder is None:  # its first line failed: said by stop
            return
        app.show_activity()
        where = visible(str(Path(path).resolve()))
        app.say(
            _("Recording to {path} (r stops).").format(path=where), title=_("record"), timeout=4
        )

    def toggle(self) -> None:
        """Stop the recording, or start one into a new file in `directory`."""
        if self.recorder is not None:
            self.stop()
        else:
            self.start(default_session_path(self.directory))

    def stop(self, *, failed: str = "") -> None:
        """Close the recording, if one runs, and say where it is (`failed`: why a write
        failed, said with where the lines written so far are)."""
        recorder, self.recorder = self.recorder, None
        if recorder is None:
            return
        closing = self.close(recorder)
        app = self.app
        app.show_activity()
        path = visible(str(recorder.path.resolve()))
        if failed or closing:
            kept = ngettext(
                "Recording stopped: {reason}. The {count} action recorded before it is kept "
                "in {path}.",
                "Recording stopped: {reason}. The {count} actions recorded before it are kept "
                "in {path}.",
                recorder.lines,
            )
            app.say(
                kept.format(reason=failed or closing, count=recorder.lines, path=path),
                title=_("record"),
                severity="error",
                timeout=8,
            )
            return
        done = ngettext(
            "Recorded {count} action to {path}; check it with rnn-tui replay {file} --check",
            "Recorded {count} actions to {path}; check it with rnn-tui replay {file} --check",
            recorder.lines,
        )
        app.say(
            done.format(count=recorder.lines, path=path, file=visible(str(recorder.path))),
            title=_("record"),
            timeout=6,
        )

    @staticmethod
    def close(recorder: Recorder) -> str:
        """Close `recorder`; the reason it could not (a full disk), or "". Recorder.close
        returns the error it met (and should not raise; if it does, that is said too)."""
        try:
            error = recorder.close()
        except OSError as e:
            error = e
        return "" if error is None else visible(reason(error))

    def leave(self) -> None:
        """The app is closing: close the recording without a word (nowhere to say it)."""
        recorder, self.recorder = self.recorder, None
        if recorder is not None:
            self.close(recorder)


def commands(app: RnnTuiApp) -> Iterator[tuple[str, str, Any]]:
    """The recording's entries in the command palette."""
    run = app.call_after_refresh
    if app.recording.recorder is None:
        yield (
            _("Start recording"),
            _("record every step into a session file (r)"),
            partial(run, app.action_record),
        )
    else:
        name = visible(app.recording.recorder.path.name)
        yield (
            _("Stop recording"),
            _("close {file} (r)").format(file=name),
            partial(run, app.action_record),
        )


class RecordCommands(CommandListProvider):
    """Start / stop recording from the command palette."""

    entries = staticmethod(commands)
