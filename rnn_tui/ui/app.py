"""The Textual app: step through a scenario's trace one keypress at a time.

The app is wiring: keys become changes of the view (present.position.View) or of the
model (Scenario.switch, select, with_tokens; scenario.training.fit in ModelWorkers),
and widgets draw what those give. Recording is its own controller (recording.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from textual import events
from textual.app import App, ComposeResult, SystemCommand
from textual.notifications import Notification
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from ..i18n import _
from ..present.position import View
from ..present.view import WITHOUT_TRACE, Stage
from ..render.notation import sub
from ..settings import Settings
from .bars import KeyFooter, StatusLine, TraceProgress, ViewBar
from .body import WIDE, Body, TopGroup
from .changes import ModelChanges
from .collector import IdleCollector
from .commands import RnnCommands, command_palette, system_commands
from .copying import NumbersCommands
from .keys import BINDINGS, OPTIONAL_KEYS, SPEEDS
from .player import Player
from .recording import RecordCommands, Recording
from .screenshot import save_screenshot
from .title import Description, TitleBar, show_description
from .widgets import TALL_SCREEN, FigureStyles, FigureView, TokenStripView
from .workers import ModelWorkers

MODIFIER_KEYS = frozenset(
    {
        *(f"{side}_{name}" for side in ("left", "right") for name in ("shift", "control")),
        *(f"{side}_{name}" for side in ("left", "right") for name in ("alt", "super")),
        *(f"{side}_{name}" for side in ("left", "right") for name in ("hyper", "meta")),
        *("shift", "ctrl", "control", "alt", "super", "hyper", "meta"),
        *("iso_level3_shift", "iso_level5_shift", "caps_lock", "num_lock", "scroll_lock"),
    }
)
"""Keys that are modifiers alone (the kitty keyboard protocol reports them): pressed,
they never call for the "Press ? for keys." hint."""


QUIET_CHECK_SECONDS = 0.25
"""How often the app looks for a moment to run a full garbage collection (collector.py)."""
AHEAD_SECONDS = 0.25
"""Seconds after a new stage until the app does ahead what the first show of a view
would do on its key (RnnTuiApp._ahead)."""


class RnnTuiApp(App[None], inherit_bindings=False):
    """x_t, s_t and o_t of one scenario as heatmaps, the numbers behind any unit, all
    layers, a state's history and the weights. (App's own bindings are not inherited:
    its ctrl+q is hidden from the footer, ours is shown, last.)"""

    BINDINGS = BINDINGS
    CSS_PATH = "app.tcss"
    TITLE = "rnn-tui"
    COMMANDS = App.COMMANDS | {RnnCommands, RecordCommands, NumbersCommands}
    FOOTER_OPTIONAL: tuple[str, ...] = OPTIONAL_KEYS
    """The keys the footer may leave out, most essential first (keys.OPTIONAL_KEYS)."""
    TRACE_IN_BACKGROUND = True
    """Compute a long trace in a thread and show its steps as they come (Stage's
    `background`); a replay, which must show every frame whole, computes it first."""
    holds_heights = True
    """May the panels keep their lines for a shorter content (widgets.HeldHeight)? An
    export draws each frame from its state alone: not there."""
    PROGRESS_SECONDS = 0.25
    """How often the progress of a trace computed in the background is shown."""

    # repaint=False: the widgets that draw these refresh themselves (a repaint of the app
    # redrew the whole screen on every key)
    stage: reactive[Stage] = reactive(Stage, init=False, always_update=True, repaint=False)  # type: ignore[arg-type]
    """The scenario shown, its trace and colour scales."""
    view: reactive[View] = reactive(View, init=False, always_update=True, repaint=False)
    """The step, layer, direction and unit on screen."""
    pane: reactive[str] = reactive("step", init=False, repaint=False)
    """The view shown when they do not all fit: step, numbers, layers, history, weights."""
    wide: reactive[bool] = reactive(False, init=False, repaint=False)
    """Is every view on screen at once?"""
    playing: reactive[bool] = reactive(False, init=False, repaint=False)
    """Stepping by itself."""
    speed: reactive[int] = reactive(2, init=False, repaint=False)
    """Index into SPEEDS."""
    memory: reactive[Any] = reactive(None, init=False, always_update=True, repaint=False)
    """The memory pane's re-runs (present.memory.MemoryMeasure), once asked for; None
    before."""

    def __init__(
        self,
        scenario: Any,
        *,
        size: tuple[int, int] | None = None,
        record: Path | None = None,
        settings: Settings | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.size_hint = size
        self.record_path = record
        """Where to record from the start (--record), if anywhere."""
        self.settings = settings or Settings()
        """Theme, language, speed and the save folder; what the user changes here is
        remembered in the settings file (when the settings have one: the CLI's)."""
        self.screenshot_dir = self.settings.save_folder()
        """Where `s` saves its SVG screenshots, `r` its sessions and `y`'s palette entries
        the step's numbers: the save folder (the only place they go; see
        action_screenshot)."""
        self.recording = Recording(self, self.screenshot_dir)
        self.background = ModelWorkers()
        self.changes = ModelChanges(self)
        self.last_screenshot: Path | None = None
        self.player = Player(self)
        self.training_status = ""
        """What the last (or the running) training said."""
        self.notices: list[Notification] = []
        """The notifications said since the last clear_notifications, oldest first."""
        self.hinted_keys = False
        """Has an unbound key said "Press ? for keys." yet (once per run; on_key)?"""
        self.influence: np.ndarray | None = None
        self.probed: int | None = None
        """The input the memory measures follow (1-based), chosen with k or a click on
        a word; None: the scenario's own (its [memory] step, else x₁)."""
        self.scenario = scenario
        self.set_reactive(RnnTuiApp.stage, self.make_stage(scenario))
        self.sub_title = scenario.title
        self._progress_timer: Timer | None = None
        self.collector = IdleCollector()
        """Full garbage collections while no key is pressed (collector.py)."""
        self._ahead_timer: Timer | None = None  # see _start_memory
        self._record_when_whole = False
        """--record on a scenario whose trace is computed in the background: recording
        starts once it is whole (a session line holds the hash of the states shown)."""

    @property
    def trace(self) -> Any:
        return self.stage.trace

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        with TopGroup(id="top"):
            yield TitleBar(id="title-bar")
            yield Description(id="description")
            yield TokenStripView(self.trace.tokens, self.stage.steps, id="tokens")
            yield StatusLine(self.stage.steps, self.stage.num_layers, "", id="status")
            yield TraceProgress(id="trace-progress")
            yield ViewBar(id="view-bar")
        bound = (
            RnnTuiApp.stage,
            RnnTuiApp.view,
            RnnTuiApp.pane,
            RnnTuiApp.wide,
            RnnTuiApp.memory,
        )
        yield Body(self.pane, id="body").data_bind(*bound)
        yield FigureStyles()
        yield KeyFooter(optional=self.FOOTER_OPTIONAL)
        yield self.background

    def on_mount(self) -> None:
        self.collector.start()
        self.set_interval(QUIET_CHECK_SECONDS, self.collector.check)
        settings = self.settings
        if settings.theme is not None and settings.theme in self.available_themes:
            self.theme = settings.theme
        if settings.speed in SPEEDS:
            self.set_reactive(RnnTuiApp.speed, SPEEDS.index(settings.speed))
        self._scenario_changed()
        self.view = self.stage.clamp(View())
        self.begin()
        self._on_resized()
        if self.record_path is not None:
            if self.stage.partial:
                self._record_when_whole = True
                self.say(_("Recording starts when the trace is complete."), timeout=4)
            else:
                self.recording.start(self.record_path)

    def begin(self) -> None:
        """The first state, once mounted (a lesson sets its first step here)."""

    def on_resize(self, event: events.Resize) -> None:
        # this handler runs before Textual's own records the new size: lay out after it
        self.call_next(self._on_resized)

    def body_width(self) -> int:
        """The columns the views have (all of them, here; a lesson's side panel takes some)."""
        return self.size.width

    def _on_resized(self) -> None:
        self.wide = self.body_width() >= WIDE[0] and self.size.height >= WIDE[1]
        self.screen.set_class(self.size.height < TALL_SCREEN, "-short", "-dense")
        self.screen.set_class(self.wide, "-wide")
        bar = self.query_one(ViewBar)
        bar.display, bar.active = not self.wide, self.pane
        self._want_memory()

    # ------------------------------------------------------------------ state
    def validate_view(self, view: View) -> View:
        return self.stage.clamp(view)

    def watch_view(self, view: View) -> None:
        self.query_one(TokenStripView).view = view
        self.query_one(StatusLine).view = view
        # on the one widget it styles: a class on the screen restyles every widget (d: 30-50 ms)
        self.query_one("#state-backward").set_class(view.direction == "both", "-both")
        self.recording.record()

    def watch_pane(self, pane: str) -> None:
        self.query_one(ViewBar).active = pane
        self._want_memory()
        self.recording.record("show_pane")

    def _scenario_changed(self, message: str = "") -> None:
        """A new scenario, network or input: redraw everything that depends on it."""
        scenario, stage = self.scenario, self.stage
        self.query_one(TitleBar).show(scenario)
        show_description(self.query_one("#description", Static), scenario)
        self.query_one(TokenStripView).set_sequence(self.trace.tokens, stage.steps)
        self.query_one(StatusLine).describe(scenario, stage)
        self.show_activity()
        self._start_trace()
        self._start_influence()
        self._start_memory()
        if message:
            self.say(message, timeout=6)

    def show_activity(self) -> None:
        """The status line's right end: recording, playing, training."""
        fields = []
        if self.recording.recorder is not None:
            fields.append(("● ", _("REC")))
        if self.playing:
            fields.append(("▶ ", _("{speed:g}/s").format(speed=SPEEDS[self.speed])))
        if self.training_status:
            fields.append(("", self.training_status))
        self.query_one(StatusLine).set_activity(fields)

    def set_scenario(self, scenario: Any, message: str = "") -> None:
        """Show `scenario` (the same one with another input or network, or a new one):
        new trace, scales, influence; the view kept where it still fits."""
        self.scenario = scenario
        self._stop_trace()
        self.stage = self.make_stage(scenario)
        self.sub_title = scenario.title
        self._scenario_changed(message)
        self.view = self.stage.clamp(self.view)

    # ------------------------------------------------------------------ a long trace
    def make_stage(self, scenario: Any) -> Stage:
        """The stage of `scenario`: a long trace is computed in the background
        (TRACE_IN_BACKGROUND; started by _start_trace), else here."""
        return Stage(scenario, background=self.TRACE_IN_BACKGROUND)

    def _start_trace(self) -> None:
        """A partial stage: its trace in a thread, its progress on screen until whole."""
        stage = self.stage
        if self._progress_timer is not None:
            self._progress_timer.stop()
            self._progress_timer = None
        if not stage.partial:
            self.query_one(TraceProgress).show(1.0, "", "")
            return
        # after the frame in hand: the first frame does not share the CPU with the trace
        self.call_after_refresh(self._trace_in_background, stage)
        self._progress_timer = self.set_interval(self.PROGRESS_SECONDS, self._show_progress)
        self._show_progress()

    def _trace_in_background(self, stage: Stage) -> None:
        if stage is self.stage:  # else another was shown meanwhile
            self.background.start_trace(stage)

    def _stop_trace(self) -> None:
        """Stop computing the shown stage's trace (another is shown, or the app ends)."""
        run = self.stage.run
        if run is not None:
            run.stop()

    def _show_progress(self) -> None:
        """The bar, and the panels that were waiting and may be computed now."""
        stage = self.stage
        run = stage.run
        if run is None:
            return
        self.query_one(TraceProgress).show(
            run.fraction, stage.progress_text(), stage.progress_detail()
        )
        self.query_one(Body).refresh_waiting(self.view)

    def on_model_workers_trace_ready(self, message: ModelWorkers.TraceReady) -> None:
        if message.stage is not self.stage:
            return  # computed for a scenario no longer shown
        if message.whole is None:
            if self._progress_timer is not None:
                self._progress_timer.stop()
                self._progress_timer = None
            self.stage.failed(message.problem)
            self._show_progress()  # the bar and the waiting panels say why, not "computing"
            self._start_influence()  # and the measures that waited for the whole trace
            self._start_memory()
            self.say(message.problem, severity="error", timeout=10)
            return
        self.stage = message.whole
        self._start_trace()  # whole: the bar goes
        self._start_influence()
        self._start_memory()
        self.view = self.stage.clamp(self.view)
        if self._record_when_whole and self.record_path is not None:
            self._record_when_whole = False
            self.recording.start(self.record_path)

    def whole_trace_needed(self) -> bool:
        """Say so and return True when what was asked needs the whole trace and the
        stage is still partial (the key does nothing else)."""
        stage = self.stage
        if not stage.partial:
            return False
        self.say(
            _("This needs the whole trace ({progress}).").format(progress=stage.progress_text()),
            timeout=3,
        )
        return True

    # ------------------------------------------------------------------ influence
    def _start_influence(self) -> None:
        """‖∂s_t/∂x_k‖ for the new stage: at once when cheap, else in a thread; never
        per keypress. Very long or very wide networks get a note instead."""
        self.influence = None
        values, note = self.background.start_influence(self.stage)
        if values is not None:
            self._show_influence(values)
        else:
            self.query_one(TokenStripView).set_influence(None, note)

    def on_model_workers_influence_ready(self, message: ModelWorkers.InfluenceReady) -> None:
        if message.stage is self.stage:  # else computed for a scenario no longer shown
            self._show_influence(message.values)

    def _show_influence(self, values: np.ndarray) -> None:
        self.influence = values
        self.query_one(TokenStripView).show_influence(values, self.stage.network)

    # ------------------------------------------------------------------ memory
    def _start_memory(self) -> None:
        """A new stage: every input replaced in turn for the memory strip and the colour
        mixing (at once when cheap, else in a thread, or a note why not; never per
        keypress), the probed input back to the scenario's own, and the memory pane's
        curves when it is on screen."""
        from ..scenario.memory import followed_step

        self.probed = None
        found, note = self.background.start_replaced(self.stage)
        strip = self.query_one(TokenStripView)
        if found is not None:
            self._show_replaced(*found)
        else:
            strip.set_memory(None, None, note=note)
        strip.pinned = followed_step(self.scenario)
        self.memory = None
        self._want_memory()
        # a moment after the stage's first frame (not in the way of its own work); one
        # timer: stages changed in a row (c, m) are prepared for once, the last
        if self._ahead_timer is not None:
            self._ahead_timer.stop()
        self._ahead_timer = self.set_timer(AHEAD_SECONDS, self._ahead)

    def _ahead(self) -> None:
        """What the first show of a view would do on its key, done now: the views'
        modules imported (once; ~20 ms), and the memory curves measured in a thread."""
        from ..present import panes  # noqa: F401

        self._want_memory(ahead=True)

    def on_model_workers_replaced_ready(self, message: ModelWorkers.ReplacedReady) -> None:
        if message.stage is self.stage:  # else computed for a scenario no longer shown
            self._show_replaced(message.probe, message.replaced)

    def _show_replaced(self, found: Any, replaced: Any) -> None:
        labels = self.trace.labels
        self.query_one(TokenStripView).set_memory(found, replaced, self.stage.network, labels)

    def _want_memory(self, *, ahead: bool = False) -> None:
        """The memory pane's curves for this stage and the probed input, when the pane is
        on screen and they are not there yet (once per stage and input). `ahead`: when
        it is not on screen, measured in a thread all the same (MemoryReady), so that
        showing it (6) reads no sibling files on the key (~20 ms)."""
        shown = self.wide or self.pane == "memory"
        if not (shown or ahead):
            return
        measure = self.memory
        if measure is not None and measure.stage is self.stage:
            if self.probed is None or measure.k == self.probed:
                return
        if shown:
            self.memory = self.background.start_memory(self.stage, self.probed)
        else:
            self.background.measure_memory_ahead(self.stage, self.probed)

    def on_model_workers_memory_ready(self, message: ModelWorkers.MemoryReady) -> None:
        measure = message.measure
        if measure.stage is not self.stage or (self.probed not in (None, measure.k)):
            return  # computed for a stage or an input no longer shown
        shown = self.memory
        if shown is not None and shown.stage is self.stage and shown.k == measure.k:
            if shown.models:  # measured meanwhile (6 pressed while measured ahead)
                return
        self.memory = measure

    def probe(self, k: int, *, say: bool = True) -> None:
        """Follow input k (1-based) in the memory pane, pinned in the token strip;
        say so unless `say` is False (a click: the pin shows it)."""
        from ..scenario.memory import followed_step

        k = min(max(k, 1), self.stage.steps)
        self.probed = k
        self.query_one(TokenStripView).pinned = k
        self._want_memory()
        self.recording.record("probe")
        if not say:
            return
        words = self.trace.tokens
        word = f" “{words[k - 1]}”" if words else ""
        self.say(
            _("The memory pane follows x{k}{word}.").format(k=sub(k), word=word)
            if k != followed_step(self.scenario)
            else _("The memory pane follows x{k}{word}, the scenario's own.").format(
                k=sub(k), word=word
            ),
            timeout=3,
        )

    def action_probe(self) -> None:
        """Follow the input at the current step in the memory pane (pressed again on
        it: back to the scenario's own)."""
        from ..scenario.memory import followed_step

        if self.whole_trace_needed():
            return
        t = self.view.t
        self.probe(followed_step(self.scenario) if self.probed == t else t)

    def on_token_strip_view_probed(self, message: TokenStripView.Probed) -> None:
        """A click on a word: follow that input (the pin in the strip says so)."""
        self.probe(message.k, say=False)

    def say(
        self, message: str, *, title: str = "", severity: Any = "information", timeout: float = 4
    ) -> None:
        """A notification that replaces the one before (a pile of them would cover the
        status line), taken as plain text: "[train]" is not markup."""
        self.clear_notifications()
        self.notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def notify(self, message: str, **options: Any) -> None:
        """As App's; what was said is also kept in `notices`, public (Textual keeps its
        own list private), for whoever reads the app's messages: the tests, the replay."""
        title, severity = options.get("title", ""), options.get("severity", "information")
        markup = options.get("markup", True)  # Textual's default
        self.notices.append(Notification(message, title, severity, markup=markup))
        super().notify(message, **options)

    def clear_notifications(self) -> None:
        self.notices.clear()
        super().clear_notifications()

    def panel(self, panel_id: str) -> FigureView:
        """One panel widget by id: output, gates, state-forward, state-backward,
        state-merged, input, numbers, layers, history, weights-matrices, projection."""
        return self.query_one(f"#{panel_id}", FigureView)

    # ------------------------------------------------------------------ the view
    def action_step(self, delta: int) -> None:
        """Move along the reading order (backward: t goes down)."""
        self.view = self.stage.step(self.view, delta)

    def action_first(self) -> None:
        """The first step of the reading order."""
        self.view = self.stage.first(self.view)

    def action_last(self) -> None:
        """The last step of the reading order."""
        self.view = self.stage.last(self.view)

    def action_go_to(self) -> None:
        """Ask for a step t in 1..T (screens.JumpScreen) and show it; recorded as go_to
        with the key that opened the dialog."""
        from .screens import JumpScreen

        key = self.recording.key

        def done(t: int | None) -> None:
            if t is not None:
                with self.recording.acting("go_to", key):
                    self.view = replace(self.view, t=t)

        self.push_screen(JumpScreen(self.stage.steps, self.view.t), done)

    def action_layer(self, delta: int) -> None:
        """Up or down the stack; layer 1 is the bottom one."""
        layers = self.stage.num_layers
        if layers == 1:
            self.say(_("This network has a single layer."), timeout=3)
            return
        target = self.view.layer + delta
        if not 1 <= target <= layers:
            where = (
                _("Already at the top layer ({layer} of {layers}).")
                if delta > 0
                else _("Already at the bottom layer ({layer} of {layers}).")
            )
            self.say(where.format(layer=self.view.layer, layers=layers), timeout=3)
            return
        self.view = replace(self.view, layer=target)

    def action_direction(self) -> None:
        """forward -> backward -> both -> forward; a unidirectional network only says so."""
        if not self.stage.bidirectional:
            self.say(
                _("This network is unidirectional: it reads forward only."),
                title=_("direction"),
                timeout=4,
            )
            return
        self.view = self.view.turned()

    def action_unit(self, delta: int) -> None:
        """The unit before or after the selected one (wrapping round)."""
        self.view = self.stage.unit_step(self.view, delta)

    def on_figure_view_picked(self, message: FigureView.Picked) -> None:
        """A click on a cell: its unit, and its step where the figure has one per column."""
        if message.t is None:
            with self.recording.acting("select_unit"):
                self.view = replace(self.view, unit=message.unit)
        else:
            with self.recording.acting("select_cell"):
                self.view = replace(self.view, t=message.t, unit=message.unit)

    def action_show_pane(self, pane: str) -> None:
        """Show one view (when they do not all fit), or scroll to it (when they do)."""
        if pane not in WITHOUT_TRACE and self.whole_trace_needed():
            return
        self.pane = pane
        if self.wide:
            self.query_one(Body).scroll_to_pane(pane)

    def on_view_bar_chosen(self, message: ViewBar.Chosen) -> None:
        with self.recording.acting("show_pane"):
            self.action_show_pane(message.pane)

    # ------------------------------------------------------------------ playing
    def action_play(self) -> None:
        """Start or stop stepping by itself; from the end it starts again at the first step."""
        self.player.toggle()

    def action_speed(self, delta: int) -> None:
        """Play faster or slower (steps per second)."""
        self.player.change_speed(delta)

    def watch_playing(self) -> None:
        self.player.restart()

    def watch_speed(self, speed: int) -> None:
        self.player.restart()
        self.remember(speed=SPEEDS[speed])

    def watch_theme(self, theme: str) -> None:
        if not hasattr(self, "recording"):  # App.__init__ sets the theme before ours runs
            return
        self.recording.record("theme")
        self.remember(theme=theme)

    def remember(self, **changes: Any) -> None:
        """Keep what the user changed (theme, language, speed) in the settings file, if
        it differs from what is there; say once if the file cannot be written."""
        settings = self.settings
        if all(getattr(settings, name) == value for name, value in changes.items()):
            return
        problem = settings.remember(**changes)
        if problem:  # after what the key says (a speed), which would clear it
            self.call_later(self.say, problem, severity="warning", timeout=6)

    # ------------------------------------------------------------------ the model
    def action_merge(self) -> None:
        """concat -> sum -> mean -> mul: how the two directions are combined."""
        self.changes.merge()

    def action_cell(self) -> None:
        """rnn -> lstm -> gru on the same scenario (see Scenario.switch for the weights)."""
        self.changes.cell()

    def action_sequence(self) -> None:
        """The scenario's next named input sequence."""
        self.changes.next_sequence()

    def action_edit(self) -> None:
        """Type another input sentence (token scenarios only)."""
        self.changes.edit()

    def action_open(self) -> None:
        """Pick a scenario file; one that does not load keeps the current scenario."""
        self.changes.open()

    def action_train(self) -> None:
        """Train on the scenario's examples in a thread; pressed again, stop."""
        self.changes.train()

    def action_close_training(self) -> None:
        """Take the training panel away (it stays after a run until then)."""
        self.changes.close_training()

    def on_model_workers_training_progress(self, message: ModelWorkers.TrainingProgress) -> None:
        self.changes.training_progress(message)

    def on_model_workers_training_done(self, message: ModelWorkers.TrainingDone) -> None:
        self.changes.training_done(message)

    # ------------------------------------------------------------------ recording
    def allowed(self, action: str) -> bool:
        """May `action` (open, edit, train, cell, merge, sequence, record: the actions that
        change the model or the recording) run now? Always, here; a replay refuses them."""
        return True

    async def on_event(self, event: events.Event) -> None:
        """As App's; a key is kept while its bindings run, for the recording."""
        if not isinstance(event, events.Key):
            return await super().on_event(event)
        self.collector.key()
        outer, self.recording.key = self.recording.key, event.key
        try:
            await super().on_event(event)
        finally:
            self.recording.key = outer

    def on_key(self, event: events.Key) -> None:
        """A key that does nothing on the main screen: say once per run that ? lists the
        keys. A key reaches this handler only when no widget stopped it (an Input
        typing it, say); it does nothing when no active binding (Textual's public
        Screen.active_bindings: the focused widget's, the screen's and the app's, as
        the key is matched) names it or one of its aliases (tab is ctrl+i)."""
        if self.hinted_keys or self.screen.is_modal:  # a dialog's keys are its own
            return
        if event.key.rpartition("+")[2] in MODIFIER_KEYS:  # shift, ctrl, ... alone
            return
        bound = self.screen.active_bindings
        if any(key in bound for key in event.aliases):
            return
        self.hinted_keys = True
        self.notify(_("Press ? for keys."), timeout=3, markup=False)

    async def run_action(self, action: Any, *args: Any, **kwargs: Any) -> bool:
        """As App's; the action's name is kept while it runs, for the recording."""
        if not isinstance(action, str):
            return await super().run_action(action, *args, **kwargs)
        with self.recording.acting(action.partition("(")[0]):
            return await super().run_action(action, *args, **kwargs)

    def action_record(self) -> None:
        """Start or stop recording this walk into a session file (a line holds the hash
        of the states shown: a recording starts once the trace is whole)."""
        if self.recording.recorder is None and self.whole_trace_needed():
            return
        if self.allowed("record"):
            self.recording.toggle()

    def on_unmount(self) -> None:
        self.collector.stop()
        self._stop_trace()
        self.recording.leave()

    # ------------------------------------------------------------------ the rest
    def action_influence_numbers(self) -> None:
        """Write the values of ‖∂s_t/∂x_k‖ into the influence strip, or stop."""
        strip = self.query_one(TokenStripView)
        strip.numbers = not strip.numbers
        self.recording.record()

    # ------------------------------------------------------------------ panes, notes, numbers
    def action_page(self, delta: int) -> None:
        """Scroll the pane in focus (else the one shown) by a page; recorded."""
        self.query_one(Body).page(delta)
        self.recording.record()

    def action_focus_pane(self, delta: int) -> None:
        """Move the focus to the next (1) or the previous (-1) pane on screen."""
        self.query_one(Body).focus_pane(delta)

    def action_note(self) -> None:
        """While recording: ask for a line of text and add it to the session here."""
        self.recording.note()

    def action_copy_numbers(self) -> None:
        """Copy this step's numbers (x, s, o, the gates) to the clipboard as text."""
        from .copying import copy_numbers

        copy_numbers(self)

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Save the screen as an SVG file in `screenshot_dir` (the folder rnn-tui was
        started in) under a new generated name, and say where.

        Textual's App.action_screenshot takes a file name and a folder, and any action
        string (a `[@click=app.screenshot("/some/file")]` in markup) could call it: here
        both arguments are ignored, so no string chooses where the app writes."""
        del filename, path  # never taken from an action string
        save_screenshot(self, self.screenshot_dir)

    def action_notify(self, message: str, title: str = "", severity: str = "information") -> None:
        """As App's action, but the message is plain text, never markup."""
        self.notify(message, title=title, severity=severity, markup=False)  # type: ignore[arg-type]

    def get_system_commands(self, screen: Screen) -> Iterator[SystemCommand]:
        """Textual's palette entries in the interface's language, less its Screenshot
        (commands.system_commands)."""
        yield from system_commands(self, screen)

    def action_command_palette(self) -> None:
        """Open the command palette, its prompt in the interface's language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(command_palette())

    def action_description(self) -> None:
        """Read the scenario's whole description (and what a switch changed)."""
        from .description import DescriptionScreen

        self.push_screen(DescriptionScreen(self.scenario))

    def action_help(self) -> None:
        """Open the help screen."""
        from .help import help_screen

        self.push_screen(help_screen(self))

    def run(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        """As App.run; a `size` given to make_app is the default for headless runs."""
        if self.size_hint is not None and kwargs.get("headless"):
            kwargs.setdefault("size", self.size_hint)
        return super().run(*args, **kwargs)
