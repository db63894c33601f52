"""Recording a walk through the app: one session line per change of what is shown.

The app calls `Recording.record` after every change of the view, of the scenario and
of what else the screen shows (the view shown, the ∂ numbers, the input followed, a
page scrolled, the theme); the recorder works out what changed in the model (a
sequence, an edited sentence, or a whole scenario record with its weights) and writes
it with the hash of the state shown and the screen's state. `a` adds a note.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import dated_name, first_free, reason, safe_stem
from ..i18n import _, ngettext
from ..text import visible
from .commands import CommandListProvider

if TYPE_CHECKING:
    from ..present.position import View
    from ..present.view import Stage
    from ..session.lines import ScreenState
    from .app import RnnTuiApp


def default_session_path(directory: Path, scenario: Any) -> Path:
    """A new file name for a recording started in the app, short and predictable:
    DIRECTORY/intent-2026-12-05-1.jsonl (the scenario's name, the day, the first number
    not taken: a recording never replaces a file). Raises WriteRefused (an OSError)
    when every number is taken."""
    stem = safe_stem(str(getattr(scenario, "name", "") or ""))
    return first_free(Path(directory), dated_name(stem, ".jsonl"))


def screen_state(app: RnnTuiApp) -> ScreenState:
    """What the app's screen shows beside the view, as a session line keeps it: the
    view shown, the ∂ numbers, the input the memory view follows, the body's scroll
    offsets (when the body tells them) and the theme."""
    from ..session.lines import ScreenState
    from .body import Body
    from .widgets import TokenStripView

    body = app.query_one(Body)
    scroll = None
    if hasattr(body, "scroll_state"):
        scroll = tuple(sorted((str(k), int(v)) for k, v in body.scroll_state().items()))
    return ScreenState(
        pane=app.pane,
        numbers=bool(app.query_one(TokenStripView).numbers),
        probe=app.probed or 0,
        scroll=scroll,
        theme=app.theme,
    )


SETTLE_ROUNDS = 2
"""Refreshes after a change before its line is written: a scroll asked for in the same
turn (Textual's scroll_to without immediate=True) lands after the first."""


class Recorder:
    """Writes a session while the app runs: the header at once, then a line per change.

    A line is taken when something changed (`take`) and held until the screen has
    settled (`settle`, after a refresh: a scroll lands then) or the next line is taken,
    so that it holds the scroll the change led to; `record` writes one at once.

    Creating one raises OSError (WriteRefused for a path that is the scenario or its
    weights file, an existing file that is not empty, a device, or in the built-ins);
    `record`, `settle` and `flush` raise OSError (SessionWriteError: the recording
    stopped, the lines written are kept); `close` never raises and returns the error
    that stopped the recording or that closing it met (None when all went well)."""

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
        self.screen: ScreenState | None = None
        """The screen's state in the last line taken."""
        self.pending: dict[str, Any] | None = None
        """The last line taken, not written yet (SessionWriter.action's arguments)."""
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

    def record(
        self,
        app: RnnTuiApp,
        *,
        key: str,
        action: str,
        screen: ScreenState | None = None,
        note: str | None = None,
    ) -> bool:
        """Take a line (`take`) and write it now. True when one was written."""
        taken = self.take(app, key=key, action=action, screen=screen, note=note)
        self.flush()
        return taken

    def take(
        self,
        app: RnnTuiApp,
        *,
        key: str,
        action: str,
        screen: ScreenState | None = None,
        note: str | None = None,
    ) -> bool:
        """Write the line held, then take one for the app's current view and scenario
        and `screen` (screen_state(app)), unless nothing changed since the last (a
        `note` is always taken); it is held until `settle` or `flush`. True when a line
        was taken."""
        from ..session import state_hash

        self.flush()
        view = app.view
        stage = app.stage
        if note is None and view == self.view and stage is self.stage and screen == self.screen:
            return False
        change = self.change(app.scenario) if stage is not self.stage else None
        self.pending = {
            "key": key,
            "action": action,
            "view": view,
            "state": state_hash(stage.trace, view),
            "change": change,
            "screen": screen,
            "note": note,
        }
        self.scenario, self.stage, self.view, self.screen = app.scenario, stage, view, screen
        return True

    def settle(self, app: RnnTuiApp, screen: ScreenState, *, key: str, action: str) -> None:
        """The screen has settled (after a refresh) and shows `screen`: write the line
        held with its scroll; with none held, write a line (`key`, `action`) when the
        scroll moved since the last."""
        if self.pending is not None and self.screen is not None:
            self.screen = replace(self.screen, scroll=screen.scroll)
            self.pending["screen"] = self.screen
        elif self.screen is not None and screen.scroll != self.screen.scroll:
            scrolled = replace(self.screen, scroll=screen.scroll)
            self.take(app, key=key, action=action, screen=scrolled)
        self.flush()

    def flush(self) -> None:
        """Write the line held, if any, as it was taken."""
        pending, self.pending = self.pending, None
        if pending is not None:
            self.writer.action(**pending)
            self.lines += 1

    @property
    def error(self) -> OSError | None:
        """The error that stopped the recording, if one did."""
        return self.writer.error

    def close(self) -> OSError | None:
        """Write the line held, then close the session file; never raises. Returns the
        error that stopped the recording or that closing met (its message names the
        file and says that the lines before it are kept), else None."""
        try:
            self.flush()
        except OSError:
            pass  # the writer keeps it: returned below
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
        self.settling: tuple[str, str] | None = None
        """(key, action) of the last record asked for, until the screen has settled."""
        self.rounds = 0
        """Refreshes to wait before the screen has settled (0: none due)."""

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
        """Record the view, the model and the screen shown now, if a recording runs. A
        write that fails (a full disk) stops the recording with a message; the lines
        written before it are kept.

        A scroll (a page, a view brought to the top) lands after a refresh or two: the
        line is written once the screen has settled (Recorder.settle), or when the next
        one is taken."""
        if self.recorder is None or self.app.stage.partial:
            # a line holds the hash of the states shown: the walk is recorded again once
            # the trace is whole (the app then records the view it is on)
            return
        key, action = self.key, self.action or action or "change"
        take = self.recorder.take
        self._guard(partial(take, self.app, key=key, action=action, screen=screen_state(self.app)))
        if self.recorder is None:
            return
        self.settling = (key, action)
        if self.rounds == 0:
            self.app.call_after_refresh(self._settle)
        self.rounds = SETTLE_ROUNDS

    def _settle(self) -> None:
        """After a refresh: again after the next (a scroll asked for in the same turn
        lands after the first), then Recorder.settle."""
        self.rounds -= 1
        if self.recorder is None or self.settling is None or self.app.stage.partial:
            # (another scenario meanwhile, still traced: recorded once whole, see record)
            self.rounds = 0
            return
        if self.rounds > 0:
            self.app.call_after_refresh(self._settle)
            return
        key, action = self.settling
        self.settling = None
        settle = self.recorder.settle
        self._guard(partial(settle, self.app, screen_state(self.app), key=key, action=action))

    def _guard(self, write: Callable[[], Any]) -> bool:
        """Run `write` (a Recorder method); True unless it failed: a failed write
        stops the recording, saying why."""
        try:
            write()
        except (OSError, ValueError) as e:
            why = reason(e) if isinstance(e, OSError) else str(e)
            self.stop(failed=visible(why))
            return False
        return True

    def note(self) -> None:
        """`a`: while recording, ask for a line of text (screens.NoteScreen) and write
        it into the session at the step shown, as a line of action "note"; else say
        that notes belong to a recording."""
        from ..session.lines import MAX_NOTE
        from .screens import NoteScreen

        app = self.app
        recorder = self.recorder
        if recorder is None:
            app.say(
                _("Notes belong to a recording: press r to start one, then a to add a note."),
                title=_("note"),
                timeout=5,
            )
            return
        if app.whole_trace_needed():  # a line holds the hash of the states shown
            return
        key = self.key

        def done(text: str | None) -> None:
            if text is None:
                return
            if self.recorder is not recorder:  # stopped (a write failed, r) meanwhile
                app.say(
                    _("The recording stopped before the note was added; the note is not kept."),
                    title=_("note"),
                    severity="warning",
                    timeout=5,
                )
                return
            screen = screen_state(app)
            write = partial(recorder.record, app, key=key, action="note", screen=screen, note=text)
            if self._guard(write):
                app.say(
                    _("Note added to the recording at t = {t}.").format(t=app.view.t),
                    title=_("note"),
                    timeout=3,
                )

        app.push_screen(NoteScreen(app.view.t, MAX_NOTE), done)

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
        action = self.action or "start"  # "record" when r started it
        first = partial(self.recorder.record, app, key=self.key, action=action)
        if not self._guard(partial(first, screen=screen_state(app))):
            return  # its first line, written at once, failed: said by stop
        app.show_activity()
        where = visible(str(Path(path).resolve()))
        app.say(
            _("Recording to {path} (r stops).").format(path=where), title=_("record"), timeout=4
        )

    def toggle(self) -> None:
        """Stop the recording, or start one into a new file in `directory`
        (default_session_path: intent-2026-12-05-1.jsonl)."""
        if self.recorder is not None:
            self.stop()
            return
        try:
            path = default_session_path(self.directory, self.app.scenario)
        except OSError as e:  # every number taken, a folder that cannot be listed
            self.app.say(
                _("Could not record to {path}: {reason}").format(
                    path=visible(str(self.directory)), reason=visible(reason(e))
                ),
                severity="error",
                timeout=6,
            )
            return
        self.start(path)

    def stop(self, *, failed: str = "") -> None:
        """Close the recording, if one runs, and say where it is (`failed`: why a write
        failed, said with where the lines written so far are)."""
        self.settling = None
        recorder, self.recorder = self.recorder, None  # closing writes the line held
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
        self.settling = None
        recorder, self.recorder = self.recorder, None  # closing writes the line held
        if recorder is not None:
            self.close(recorder)


def commands(app: RnnTuiApp) -> Iterator[tuple[str, str, Any]]:
    """The recording's entries in the command palette."""
    run = app.call_after_refresh
    if app.check_action("record", ()) is False:  # a replay: no recording there
        return
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
