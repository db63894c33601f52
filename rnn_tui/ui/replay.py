"""Replaying a recorded session in the app: at its pace or faster, pausable, steppable."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.binding import Binding
from textual.keys import format_key
from textual.timer import Timer

from ..i18n import N_, _
from ..session import Session
from ..session.player import delays, scenarios_of
from .app import RnnTuiApp
from .view import View

ACTION_LABELS = {
    "start": N_("start"), "record": N_("record"), "step": N_("step"),
    "first": N_("first step"), "last": N_("last step"), "layer": N_("layer"),
    "direction": N_("direction"), "unit": N_("unit"), "select_unit": N_("unit"),
    "select_cell": N_("unit"), "play": N_("play"), "merge": N_("merge"), "cell": N_("cell"),
    "edit": N_("edit"), "open": N_("open"), "train": N_("train"),
    "sequence": N_("sequence"), "language": N_("language"),
}  # fmt: skip
"""How the status line names a recorded action (the file keeps the app's action names)."""


class ReplayApp(RnnTuiApp):
    """The app showing a session line by line: space pauses and resumes, → and ← step
    through the recorded lines, home and end go to the first and the last."""

    BINDINGS = [
        Binding("space", "toggle_replay", N_("pause / play"), key_display="space", priority=True),
        Binding("right", "replay_step(1)", N_("next line"), key_display="→", priority=True),
        Binding("left", "replay_step(-1)", N_("line before"), key_display="←", priority=True),
        Binding("home", "replay_goto(0)", N_("first line"), priority=True),
        Binding("end", "replay_goto(-1)", N_("last line"), priority=True),
    ]
    REFUSED = {
        "open": N_("opening a scenario"),
        "edit": N_("editing the input"),
        "train": N_("training"),
        "cell": N_("switching the cell"),
        "merge": N_("switching the merge"),
        "sequence": N_("another input sequence"),
        "record": N_("recording"),
    }
    """What a key of the app would do to the model or the recording, refused here: a
    replay shows the recorded walk (the view keys, help, themes and quit still work)."""

    def __init__(self, session: Session, *, speed: float = 1.0, paused: bool = False,
                 exporting: bool = False, **kwargs: Any) -> None:  # fmt: skip
        first, self.scenarios = scenarios_of(session)
        super().__init__(first, **kwargs)
        self.session = session
        self.delays = delays(session, speed)
        self.position = -1
        """The index of the action shown (-1: the header's scenario, before any)."""
        self.replaying = not paused and not exporting
        self.exporting = exporting
        """Rendering frames: the status line does not show the replay."""
        self._replay_timer: Timer | None = None

    def on_mount(self) -> None:
        super().on_mount()
        if self.session.ends_mid_line and not self.exporting:
            self.say(
                _("The recording ends mid-line (it was cut short): its {count} whole lines are "
                  "replayed.").format(count=len(self.session.actions)),
                title=_("replay"), severity="warning", timeout=6,
            )  # fmt: skip
        self._schedule()

    def show_line(self, index: int) -> None:
        """Show the state after action `index` (its scenario and its view)."""
        self.position = index
        action = self.session.actions[index]
        scenario = self.scenarios[index]
        if scenario is not self.scenario:
            self.set_scenario(scenario)
        self.view = View(action.view.t, action.view.layer, action.view.direction,
                         action.view.unit)  # fmt: skip
        self._show_activity()

    def _schedule(self) -> None:
        if self._replay_timer is not None:
            self._replay_timer.stop()
            self._replay_timer = None
        if not self.replaying:
            return
        following = self.position + 1
        if following >= len(self.session.actions):
            self.replaying = False
            self._show_activity()
            self.say(_("The end of the recording: ← steps back, space plays it again."), timeout=4)
            return
        self._replay_timer = self.set_timer(max(self.delays[following], 0.001), self._advance)

    def _advance(self) -> None:
        self._replay_timer = None
        self.show_line(self.position + 1)
        self._schedule()

    def action_toggle_replay(self) -> None:
        """Pause, or play on from the line shown (from the start when at the end)."""
        self.replaying = not self.replaying
        if self.replaying and self.position + 1 >= len(self.session.actions):
            self.position = -1
        self._schedule()
        self._show_activity()

    def action_replay_step(self, delta: int) -> None:
        """Pause, and show the next or the previous recorded line."""
        self.replaying = False
        self._schedule()
        target = min(max(self.position + delta, 0), len(self.session.actions) - 1)
        if self.session.actions:
            self.show_line(target)

    def action_replay_goto(self, index: int) -> None:
        """Pause, and show the first (0) or the last (-1) recorded line."""
        self.replaying = False
        self._schedule()
        if self.session.actions:
            self.show_line(index % len(self.session.actions))

    def allowed(self, action: str) -> bool:
        """None of the actions that change the model or the recording: each says why not."""
        self.say(
            _("Not while replaying: {what} would change the recorded walk. Quit (ctrl+q) and "
              "open the scenario with rnn-tui to explore it.").format(what=_(self.REFUSED[action])),
            title=_("replay"), severity="warning", timeout=4,
        )  # fmt: skip
        return False

    def _show_activity(self) -> None:
        super()._show_activity()
        if not hasattr(self, "session") or self.exporting:
            return
        state = "▶" if self.replaying else "⏸"
        line = self.position + 1
        total = len(self.session.actions)
        fields = [(f"{state} " + _("replay "), f"{line}/{total}")]
        if 0 <= self.position < total:
            action = self.session.actions[self.position]
            what = _(ACTION_LABELS.get(action.action, action.action))
            fields.append(("", f"{what} ({format_key(action.key) if action.key else _('no key')})"))
        status = self.query_one("#status")
        status.set_activity(fields)  # type: ignore[attr-defined]


def screen_ansi(app: RnnTuiApp) -> str:
    """The app's screen as ANSI text (truecolor), as the terminal would draw it."""
    width, height = app.size
    out = io.StringIO()
    console = Console(width=width, height=height, file=out, force_terminal=True,
                      color_system="truecolor", legacy_windows=False, safe_box=False)  # fmt: skip
    console.print(app.screen._compositor.render_update(full=True), end="")
    return out.getvalue()


async def render_frames(
    session: Session, *, size: tuple[int, int] | None = None, svg_dir: Path | None = None
) -> AsyncIterator[tuple[float, str]]:
    """The screen after each action, headless at the recorded terminal size (or `size`):
    (time, ANSI text) each; with `svg_dir`, an SVG of each too (0001-step.svg, ...)."""
    terminal = session.header.get("terminal") or {}
    if size is None:
        size = (int(terminal.get("columns") or 80), int(terminal.get("rows") or 24))
    app = ReplayApp(session, exporting=True)
    async with app.run_test(size=size) as pilot:
        for index, action in enumerate(session.actions):
            app.show_line(index)
            await pilot.pause()
            if svg_dir is not None:
                name = f"{index + 1:04d}-{action.action or 'change'}.svg"
                (svg_dir / name).write_text(app.export_screenshot(), encoding="utf-8")
            yield action.time, screen_ansi(app)
