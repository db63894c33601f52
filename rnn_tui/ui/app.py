"""The Textual app: step through a scenario's trace one keypress at a time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, HorizontalGroup, VerticalGroup, VerticalScroll
from textual.content import Content
from textual.notifications import Notification
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Label, Static
from textual.worker import get_current_worker

from ..engine import MERGES, Network
from ..files import new_path, reason, write_atomic
from ..i18n import N_, _
from ..scenario.limits import influence_plan
from ..text import visible
from .commands import RnnCommands
from .recording import RecordCommands, Recorder, default_session_path
from .view import DIRECTIONS, PANELS, Stage, View
from .widgets import (
    PANES,
    TALL_SCREEN,
    FigureStyles,
    FigureView,
    KeyFooter,
    StatusLine,
    TokenStripView,
    ViewBar,
)

# descriptions are marked with N_ and translated where they are shown (footer, help)
STEP = Binding.Group(N_("step"))
ENDS = Binding.Group(N_("first/last"))
LAYER = Binding.Group(N_("layer"))
SPEED = Binding.Group(N_("speed"))
UNIT = Binding.Group(N_("unit"))

UNTRAINED = N_("untrained (seeded) weights")
LEFT_PANES = ("step", "layers", "history")
"""The views in the left column when every view is on screen (the others on the right)."""
OPTIONAL_KEYS = frozenset({"1", "n", "t", "i", "r"})
"""Keys the footer leaves out when two lines cannot hold them (the help lists them all)."""
CELL_CYCLE = ("rnn", "lstm", "gru")
SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
"""Playing speeds, steps per second."""
WIDE = (150, 40)
"""From this size on (columns, rows) every view is on screen at once; below, one at a time."""


class RnnTuiApp(App[None], inherit_bindings=False):
    """Shows x_t, s_t and o_t of one scenario as heatmaps, with the numbers behind any
    unit, all layers, the history of a state and the weights; the keys move t, the
    layer, the direction and the unit, and switch the merge, the cell and the input.
    It reads a precomputed trace: the only arithmetic it does is for display.

    (App's own bindings are not inherited: its ctrl+q is hidden from the footer, ours
    is shown, last.)"""

    BINDINGS = [
        Binding("ctrl+c", "help_quit", show=False, system=True),
        Binding("left", "step(-1)", N_("step back"), group=STEP, key_display="←"),
        Binding("right", "step(1)", N_("step forward"), group=STEP, key_display="→"),
        Binding("home", "first", N_("first step"), group=ENDS),
        Binding("end", "last", N_("last step"), group=ENDS),
        Binding("down", "layer(-1)", N_("layer down"), group=LAYER, key_display="↓"),
        Binding("up", "layer(1)", N_("layer up"), group=LAYER, key_display="↑"),
        Binding("space", "play", N_("play"), key_display="space"),
        Binding("minus", "speed(-1)", N_("slower"), group=SPEED, key_display="-"),
        Binding("plus", "speed(1)", N_("faster"), group=SPEED, key_display="+"),
        Binding("equals_sign", "speed(1)", N_("faster"), show=False),
        Binding("d", "direction", N_("direction")),
        Binding("m", "merge", N_("merge")),
        Binding(
            "left_square_bracket", "unit(-1)", N_("unit before"), group=UNIT, key_display="["
        ),  # fmt: skip
        Binding(
            "right_square_bracket", "unit(1)", N_("next unit"), group=UNIT, key_display="]"
        ),  # fmt: skip
        Binding("shift+left", "unit(-1)", N_("unit before"), show=False),
        Binding("shift+right", "unit(1)", N_("next unit"), show=False),
        Binding("c", "cell", N_("cell")),
        Binding("e", "edit", N_("edit")),
        Binding("o", "open", N_("open")),
        Binding("r", "record", N_("record")),
        Binding("s", "screenshot", N_("screenshot")),
        # shown when the footer has room (the view bar shows 1-5 anyway); all in the help
        Binding("1", "show_pane('step')", N_("views"), key_display="1-5"),
        Binding("2", "show_pane('numbers')", N_("numbers view"), show=False),
        Binding("3", "show_pane('layers')", N_("layers view"), show=False),
        Binding("4", "show_pane('history')", N_("history view"), show=False),
        Binding("5", "show_pane('weights')", N_("weights view"), show=False),
        Binding("n", "sequence", N_("sequence")),
        Binding("t", "train", N_("train")),
        Binding("i", "influence_numbers", N_("∂ numbers")),
        Binding("question_mark", "help", N_("help"), key_display="?"),
        Binding("ctrl+q", "quit", N_("quit"), priority=True),
    ]
    CSS_PATH = "app.tcss"
    TITLE = "rnn-tui"
    COMMANDS = App.COMMANDS | {RnnCommands, RecordCommands}

    view: reactive[View] = reactive(View, init=False, always_update=True)
    """The step, layer, direction and unit on screen."""
    pane: reactive[str] = reactive("step", init=False)
    """The view shown when they do not all fit: step, numbers, layers, history, weights."""
    playing: reactive[bool] = reactive(False, init=False)
    """Stepping by itself."""
    speed: reactive[int] = reactive(2, init=False)
    """Index into SPEEDS."""

    def __init__(
        self,
        scenario: Any,
        *,
        size: tuple[int, int] | None = None,
        record: Path | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.size_hint = size
        self.record_path = record
        """Where to record from the start (--record), if anywhere."""
        self.recorder: Recorder | None = None
        """The recording in progress."""
        self.record_dir = Path.cwd()
        """Where `r` writes its session files."""
        self._key = ""
        self._action = ""
        self.screenshot_dir = Path.cwd()
        """Where `s` saves its SVG screenshots: the folder rnn-tui was started in (the
        only place a screenshot goes; see action_screenshot)."""
        self.last_screenshot: Path | None = None
        self._timer: Timer | None = None
        self._training: Any = None
        self._training_key = ""
        self._weights_key: tuple | None = None
        self._mounted_once = False
        self.training_status = ""
        """What the last (or the running) training said."""
        self.notices: list[Notification] = []
        """The notifications said since the last clear_notifications, oldest first."""
        self._adopt(scenario)

    def _adopt(self, scenario: Any) -> None:
        """A newly opened scenario: its network is the origin of every cell / merge switch."""
        net = scenario.network
        self.origin = scenario
        self.origin_key = (net.cell, net.merge)
        self.networks: dict[tuple[str, str], tuple[Network, bool]] = {
            self.origin_key: (net, bool(scenario.trained))
        }
        self.scenario = scenario
        self.stage = Stage(scenario)
        self.trace = self.stage.trace
        self.influence: np.ndarray | None = None
        self.sub_title = scenario.title

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        scenario, stage = self.scenario, self.stage
        with VerticalGroup(id="top"):
            with HorizontalGroup(id="title-bar"):
                # text from the file is data (Content), never markup: see STYLE.md
                yield Label(Content(scenario.title), id="title")
                yield Label(_(UNTRAINED), id="untrained")
            yield Static(Content(" ".join(scenario.description.split())), id="description")
            yield TokenStripView(self.trace.tokens, stage.steps, id="tokens")
            yield StatusLine(stage.steps, stage.num_layers, "", id="status")
            yield ViewBar(id="view-bar")
        with Horizontal(id="body"):
            # two columns when wide: the step panels, all layers and the history on the
            # left, the numbers and the weights on the right; else one view at a time
            with VerticalScroll(id="left", can_focus=False, classes="column"):
                # born -current (as on_mount would make it), so mounting does not restyle it
                step_classes = "pane -current" if self.pane == "step" else "pane"
                with VerticalGroup(id="step", classes=step_classes):
                    yield FigureView(id="output")
                    with HorizontalGroup(id="directions"):
                        yield FigureView(id="state-forward")
                        yield FigureView(id="state-backward")
                    yield FigureView(id="state-merged")
                    yield FigureView(id="gates")
                    yield FigureView(id="input")
                yield FigureView(id="layers", classes="pane")
                yield FigureView(id="history", classes="pane")
            with VerticalScroll(id="right", can_focus=False, classes="column"):
                yield FigureView(id="numbers", classes="pane")
                with VerticalGroup(id="weights", classes="pane"):
                    yield FigureView(id="projection")
                    yield FigureView(id="weights-matrices")
        yield FigureStyles()
        yield KeyFooter(optional=OPTIONAL_KEYS)

    def on_mount(self) -> None:
        self._mounted_once = True
        self._scenario_changed()
        self.view = self.stage.clamp(View())
        self._on_resized()
        if self.record_path is not None:
            self.start_recording(self.record_path)

    def on_resize(self, event: events.Resize) -> None:
        # this handler runs before Textual's own records the new size: lay out after it
        self.call_next(self._on_resized)

    @property
    def wide(self) -> bool:
        """Is every view on screen at once?"""
        return self.size.width >= WIDE[0] and self.size.height >= WIDE[1]

    def _on_resized(self) -> None:
        self.screen.set_class(self.size.height < TALL_SCREEN, "-short")
        self.screen.set_class(self.wide, "-wide")
        self._show_panes()
        self._set_density()

    def _show_panes(self) -> None:
        """All views in two columns when wide; else the one chosen, by itself."""
        wide = self.wide
        bar = self.query_one(ViewBar)
        bar.display = not wide
        bar.active = self.pane
        for pane_id, _label in PANES:
            pane = self.query_one(f"#{pane_id}")
            pane.display = wide or self.pane == pane_id
            pane.set_class(self.pane == pane_id, "-current")
        left = self.pane in LEFT_PANES
        self.query_one("#left").display = wide or left
        self.query_one("#right").display = wide or not left
        self._update_panes(self.view)

    # ------------------------------------------------------------------ state
    def validate_view(self, view: View) -> View:
        return self.stage.clamp(view)

    def watch_view(self, view: View) -> None:
        contents = self.stage.panels(view)
        for panel_id in PANELS:
            widget = self.panel(panel_id)
            content = contents[panel_id]
            widget.display = content is not None
            widget.content = content
        self.query_one(TokenStripView).view = view
        self.query_one(StatusLine).view = view
        self.screen.set_class(view.direction == "both", "-both")
        self._set_density()
        self._update_panes(view)
        self._record()

    def watch_pane(self) -> None:
        self._show_panes()

    def _visible(self, pane_id: str) -> bool:
        return self.wide or self.pane == pane_id

    def _update_panes(self, view: View) -> None:
        """Fill the views beside the step panels; only those on screen (the others are
        filled when shown), so a keypress costs what is visible."""
        if not self._mounted_once:
            return
        stage = self.stage
        if self._visible("numbers"):
            from .panes import equation_content  # not at start-up: only once a pane shows

            self.panel("numbers").content = equation_content(stage, view)
        if self._visible("layers"):
            from .panes import layers_content

            # when the step panels are on screen they draw the selected layer large
            self.panel("layers").content = layers_content(stage, view, large=not self.wide)
        if self._visible("history"):
            from .panes import history_content

            rows = max(4, min(32, self.size.height - (18 if self.wide else 14)))
            self.panel("history").content = history_content(stage, view, rows)
        if self._visible("weights"):
            self._update_weights(view)

    def _update_weights(self, view: View) -> None:
        """The weights change only with the layer, direction or unit (not with t):
        their content is kept, so their drawing is cached, while t moves."""
        from .panes import projection_content, weights_content

        key = (id(self.stage), view.layer, view.direction, view.unit)
        if self._weights_key != key:
            self.panel("weights-matrices").content = weights_content(self.stage, view)
            self._weights_key = key
        projection = projection_content(self.stage, view)
        self.panel("projection").display = projection is not None
        self.panel("projection").content = projection

    def _set_density(self) -> None:
        """On a short screen the panels drop the blank line between them; the panel
        headers' background still sets them apart."""
        if not self._mounted_once:
            return
        self.screen.set_class(self.size.height < TALL_SCREEN, "-dense")

    def _scenario_changed(self, message: str = "") -> None:
        """A new scenario, network or input: redraw everything that depends on it."""
        scenario, stage = self.scenario, self.stage
        self.query_one("#title", Label).update(Content(scenario.title))
        untrained = self.query_one("#untrained", Label)
        untrained.update(_(UNTRAINED))
        untrained.display = not scenario.trained
        description = self.query_one("#description", Static)
        description.update(Content(" ".join(scenario.description.split())))
        description.set_class(not scenario.description, "-empty")
        self.query_one(TokenStripView).set_sequence(self.trace.tokens, stage.steps)
        self._configure_status()
        self._start_influence()
        self._weights_key = None
        if message:
            self.say(message, timeout=6)

    def _configure_status(self) -> None:
        net, stage, scenario = self.stage.network, self.stage, self.scenario
        cell = f"{net.cell} ({net.nonlinearity})" if net.cell == "rnn" else net.cell
        extra = [(_("H = "), str(net.hidden_size))]
        if net.bidirectional:
            extra.append((_("merge "), net.merge))
        if net.output_size:
            readout = _("last (many-to-one)") if net.readout == "last" else _("every")
            extra.append((_("readout "), readout))
        if len(scenario.sequences) > 1:
            extra.append((_("sequence "), scenario.sequence))
        self.query_one(StatusLine).configure(stage.steps, stage.num_layers, cell, extra)
        self._show_activity()

    def _show_activity(self) -> None:
        fields = []
        if self.recorder is not None:
            fields.append(("● ", _("REC")))
        if self.playing:
            fields.append(("▶ ", _("{speed:g}/s").format(speed=SPEEDS[self.speed])))
        if self.training_status:
            fields.append(("", self.training_status))
        self.query_one(StatusLine).set_activity(fields)

    def set_scenario(self, scenario: Any, message: str = "") -> None:
        """Show `scenario` (the same one with another input or network, or a new one
        after _adopt): new trace, scales, influence; the view kept where it still fits."""
        self.scenario = scenario
        self.stage = Stage(scenario)
        self.trace = self.stage.trace
        self.sub_title = scenario.title
        self._scenario_changed(message)
        self.view = self.stage.clamp(self.view)

    # ------------------------------------------------------------------ influence
    def _start_influence(self) -> None:
        """‖∂s_t/∂x_k‖ for the new stage: at once when cheap, else in a thread; never
        per keypress. Very long or very wide networks get a note instead."""
        strip = self.query_one(TokenStripView)
        self.influence = None
        stage = self.stage
        plan = influence_plan(stage.network, stage.steps)
        if plan.how == "skip":
            strip.set_influence(None, plan.reason)
            return
        if plan.how == "inline":
            self._influence_ready(stage, _influence(stage))
            return
        strip.set_influence(None, _("influence ‖∂s_t/∂x_k‖: computing in the background…"))
        self._influence_worker(stage)

    @work(thread=True, exclusive=True, group="influence")
    def _influence_worker(self, stage: Stage) -> None:
        values = _influence(stage)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._influence_ready, stage, values)

    def _influence_ready(self, stage: Stage, values: np.ndarray) -> None:
        if stage is not self.stage:
            return  # computed for a scenario no longer shown
        self.influence = values
        # the engine differentiates the top layer's merged state: say so where that is
        # not simply s_t (a layer or direction selected below would otherwise look meant)
        net = stage.network
        parts = [_("top layer")] if net.num_layers > 1 else []
        if net.bidirectional:
            parts.append(_("both directions merged"))
        self.query_one(TokenStripView).set_influence(values, subject=_(", ").join(parts))

    def say(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float = 4,
    ) -> None:
        """A notification that replaces the one before (a pile of them would cover the
        status line), taken as plain text: "[train]" is not markup."""
        self.clear_notifications()
        self.notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = True) -> None:  # fmt: skip
        """As App's; what was said is also kept in `notices`, public (Textual keeps its
        own list private), for whoever reads the app's messages: the tests, the replay."""
        self.notices.append(Notification(message, title, severity, timeout or 0, markup=markup))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def clear_notifications(self) -> None:
        self.notices.clear()
        super().clear_notifications()

    # ------------------------------------------------------------------ accessors
    @property
    def t(self) -> int:
        """The step shown, 1..T."""
        return self.view.t

    @property
    def layer(self) -> int:
        """The layer shown, 1 (bottom) .. num_layers."""
        return self.view.layer

    @property
    def direction(self) -> str:
        """forward, backward or both."""
        return self.view.direction

    @property
    def unit(self) -> int:
        """The selected unit, 1..H."""
        return self.view.unit

    def panel(self, panel_id: str) -> FigureView:
        """One panel widget by id: output, gates, state-forward, state-backward,
        state-merged, input, numbers, layers, history, weights-matrices, projection."""
        return self.query_one(f"#{panel_id}", FigureView)

    # ------------------------------------------------------------------ stepping
    def action_step(self, delta: int) -> None:
        """Move along the reading order (backward: t goes down)."""
        self.view = self.stage.step(self.view, delta)

    def action_first(self) -> None:
        """The first step of the reading order."""
        self.view = self.stage.first(self.view)

    def action_last(self) -> None:
        """The last step of the reading order."""
        self.view = self.stage.last(self.view)

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
        following = DIRECTIONS[(DIRECTIONS.index(self.view.direction) + 1) % len(DIRECTIONS)]
        self.view = replace(self.view, direction=following)

    def action_unit(self, delta: int) -> None:
        """The unit before or after the selected one (wrapping round)."""
        hidden = self.stage.hidden
        self.view = replace(self.view, unit=(self.view.unit - 1 + delta) % hidden + 1)

    def action_select_unit(self, unit: int) -> None:
        """Select a unit (1-based), e.g. by a click on its cell."""
        self.view = replace(self.view, unit=unit)

    def action_select_cell(self, t: int, unit: int) -> None:
        """Select a step and a unit at once (a click in the history)."""
        self.view = replace(self.view, t=t, unit=unit)

    # ------------------------------------------------------------------ views
    def action_show_pane(self, pane: str) -> None:
        """Show one view (when they do not all fit), or scroll to it (when they do)."""
        self.pane = pane
        if self.wide:
            column = "#left" if pane in LEFT_PANES else "#right"
            self.query_one(column, VerticalScroll).scroll_to_widget(
                self.query_one(f"#{pane}"), top=True, animate=False
            )

    # ------------------------------------------------------------------ playing
    def action_play(self) -> None:
        """Start or stop stepping by itself; from the end it starts again at the first step."""
        if self.playing:
            self.playing = False
            return
        if self.stage.is_last(self.view):
            self.view = self.stage.first(self.view)
        self.playing = True

    def watch_playing(self, playing: bool) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if playing:
            self._timer = self.set_interval(1 / SPEEDS[self.speed], self._tick)
        self._show_activity()

    def _tick(self) -> None:
        if self.stage.is_last(self.view):
            self.playing = False
            self.say(_("The end of the sequence: space plays it again."), timeout=3)
            return
        with self.acting("play"):
            self.view = self.stage.step(self.view, 1)

    def action_speed(self, delta: int) -> None:
        """Play faster or slower (steps per second)."""
        self.speed = min(max(self.speed + delta, 0), len(SPEEDS) - 1)
        self.say(
            _("Playing speed: {speed:g} steps a second.").format(speed=SPEEDS[self.speed]),
            timeout=2,
        )

    def watch_speed(self) -> None:
        if self.playing:
            self.watch_playing(True)
        else:
            self._show_activity()

    # ------------------------------------------------------------------ networks
    def action_merge(self) -> None:
        """concat -> sum -> mean -> mul: how the two directions are combined."""
        if not self.stage.bidirectional:
            self.say(_("This network is unidirectional: there is nothing to merge."), timeout=4)
            return
        mode = self.stage.network.merge
        self.set_network(merge=MERGES[(MERGES.index(mode) + 1) % len(MERGES)])

    def action_cell(self) -> None:
        """rnn -> lstm -> gru on the same scenario (fresh seeded weights)."""
        cell = self.stage.network.cell
        self.set_network(cell=CELL_CYCLE[(CELL_CYCLE.index(cell) + 1) % len(CELL_CYCLE)])

    def set_network(self, *, cell: str | None = None, merge: str | None = None) -> None:
        """The same scenario with another cell or merge. Back at the scenario's own
        settings its own weights return; a merge change keeps every weight whose shape
        still fits (layer 1 always; all of them between sum, mean and mul), so the merge
        is the only thing that differs; the rest are fresh seeded weights. The screen
        says which. Each (cell, merge) keeps its weights for the session."""
        if not self.allowed("cell" if cell else "merge"):
            return
        net = self.stage.network
        cell, merge = cell or net.cell, merge or net.merge
        key = (cell, merge)
        if key == (net.cell, net.merge):
            return
        if key in self.networks:
            network, trained = self.networks[key]
            message = self._switch_message(net, cell, merge, kept=None)
        else:
            fresh = self.scenario.with_network(cell=cell, merge=merge).network
            kept = []
            if cell == net.cell:  # a merge change: keep every weight whose shape still fits
                params = dict(fresh.params)
                for name, value in net.params.items():
                    if name in params and params[name].shape == value.shape:
                        params[name] = value
                        kept.append(name)
                fresh.set_params(params)
            network, trained = fresh, False
            self.networks[key] = (network, trained)
            message = self._switch_message(net, cell, merge, kept=kept)
        scenario = replace(self.scenario, network=network, trained=trained)
        with self.acting("cell" if cell != net.cell else "merge"):
            self.set_scenario(scenario, message)

    def _switch_message(self, net: Network, cell: str, merge: str, kept: list[str] | None) -> str:
        if cell != net.cell:
            change = _("cell {old} → {new}").format(old=net.cell, new=cell)
        else:
            change = _("merge {old} → {new}").format(old=net.merge, new=merge)
        if (cell, merge) == self.origin_key:
            return _("{change}: the scenario's own weights again.").format(change=change)
        if kept is None:
            return _("{change}: the weights made when you first switched to it "
                     "(untrained).").format(change=change)  # fmt: skip
        if not kept:
            return _("{change}: fresh seeded weights (untrained) for the whole "
                     "network.").format(change=change)  # fmt: skip
        layers = self.stage.num_layers
        fresh = [
            _("layer {k}").format(k=k + 1)
            for k in range(1, layers)
            if f"weight_ih_l{k}" not in kept
        ]
        if net.output_size and "readout.weight" not in kept:
            fresh.append(_("the readout"))
        if not fresh:
            return _("{change}: every weight kept (no shape changed), but untrained for "
                     "{merge}.").format(change=change, merge=merge)  # fmt: skip
        return _(
            "{change}: layer 1 keeps its weights; {fresh} get fresh seeded weights, since "
            "the merged width they read changed (untrained)."
        ).format(change=change, fresh=_(" and ").join(fresh))

    # ------------------------------------------------------------------ inputs
    def action_sequence(self) -> None:
        """The scenario's next named input sequence."""
        if not self.allowed("sequence"):
            return
        names = list(self.scenario.sequences)
        if len(names) < 2:
            self.say(_("This scenario has a single input sequence (e edits it)."), timeout=4)
            return
        current = names.index(self.scenario.sequence) if self.scenario.sequence in names else -1
        self.select_sequence(names[(current + 1) % len(names)])

    def select_sequence(self, name: str) -> None:
        """Read the named input sequence."""
        if not self.allowed("sequence"):
            return
        with self.acting("sequence"):
            message = _("Input sequence: {name}.").format(name=name)
            self.set_scenario(self.scenario.select(name), message)

    def action_edit(self) -> None:
        """Type another input sentence (token scenarios only)."""
        if not self.allowed("edit"):
            return
        if self.scenario.vocab is None:
            self.say(
                _(
                    "This scenario's inputs are vectors, not words: edit its file, or open "
                    "another scenario (o)."
                ),
                timeout=5,
            )
            return
        key = self._key

        from .screens import EditScreen

        def done(scenario: Any) -> None:
            if scenario is not None:
                with self.acting("edit", key):
                    message = _("Reading: {sentence}").format(sentence=" ".join(scenario.tokens))
                    self.set_scenario(scenario, message)

        self.push_screen(EditScreen(self.scenario), done)

    def action_open(self) -> None:
        """Pick a scenario file; one that does not load keeps the current scenario."""
        if not self.allowed("open"):
            return
        key = self._key

        from .screens import OpenScreen

        def done(scenario: Any) -> None:
            if scenario is not None:
                with self.acting("open", key):
                    self.open_scenario(scenario)

        self.push_screen(OpenScreen(Path.cwd(), self.scenario.path), done)

    def open_scenario(self, scenario: Any) -> None:
        """Show a newly loaded scenario from its first step."""
        self.playing = False
        if self._training is not None:
            self._training.cancel()
            self.training_status = ""
        self._adopt(scenario)
        with self.acting("open"):
            name = visible(scenario.name)  # from the file's name
            message = _("Opened {name}: {title}").format(name=name, title=scenario.title)
            self.set_scenario(scenario, message)
            self.view = self.stage.clamp(View())

    def open_builtin(self, name: str) -> None:
        """Open a built-in scenario by name."""
        if not self.allowed("open"):
            return
        from ..scenario import ScenarioError, load_scenario

        try:
            self.open_scenario(load_scenario(name))
        except ScenarioError as e:  # a broken built-in is a bug; say it, keep going
            self.say(visible(str(e)), severity="error", timeout=8)

    # ------------------------------------------------------------------ training
    def action_train(self) -> None:
        """Fit the weights on the scenario's [train] examples in a thread; the heatmaps
        switch to the new weights when it ends. Pressed again, it stops."""
        if not self.allowed("train"):
            return
        if self._training is not None and self._training.is_running:
            self._training.cancel()
            self.training_status = _("training stopped")
            self._show_activity()
            return
        from ..scenario.training import training_examples

        scenario = self.scenario
        examples = training_examples(scenario) if scenario.examples else []
        if not examples:
            why = (
                _("this scenario has no [train] examples")
                if not scenario.examples
                else _("its examples cannot be trained here (vector inputs or no labels)")
            )
            self.say(
                _(
                    "Nothing to train on: {why}. Add examples such as [train] examples = "
                    '[{{ text = "what time is it ?", label = "ask_time" }}] to its file.'
                ).format(why=why),
                title=_("train"),
                severity="warning",
                timeout=8,
            )
            return
        self.training_status = _("training on {count} examples…").format(count=len(examples))
        self._show_activity()
        self._training_key = self._key
        self._training = self._train_worker(scenario, examples)

    @work(thread=True, exclusive=True, group="train")
    def _train_worker(self, scenario: Any, examples: list) -> None:
        from ..engine.train import Trainer
        from ..scenario.training import train_config

        worker = get_current_worker()
        config = train_config(scenario)
        copy = scenario.with_network()  # the same settings; then the scenario's own weights
        copy.network.set_params(scenario.network.params)
        trainer = Trainer(
            copy.network, examples, vocab_size=len(scenario.vocab or []),
            embedding=scenario.embedding, config=config,
        )  # fmt: skip
        stats = None
        for stats in trainer.epochs():
            if worker.is_cancelled:
                return
            self.call_from_thread(self._training_progress, stats, config.epochs)
        embedding = trainer.state_dict().get("embedding.weight")
        self.call_from_thread(self._training_done, scenario, copy.network, embedding, stats)

    def _training_progress(self, stats: Any, epochs: int) -> None:
        self.training_status = _(
            "training {epoch}/{epochs} · loss {loss:.4f} · acc {accuracy:.2f}"
        ).format(epoch=stats.epoch, epochs=epochs, loss=stats.loss, accuracy=stats.accuracy)
        self._show_activity()

    def _training_done(self, scenario: Any, network: Network, embedding: Any, stats: Any) -> None:
        if self.scenario.network is not scenario.network:
            self.training_status = _("training finished for another network: not applied")
            self._show_activity()
            return
        trained = replace(self.scenario, network=network, trained=True)
        if embedding is not None:
            trained = replace(trained, embedding=embedding)
        if trained.tokens is not None:
            trained = trained.with_tokens(list(trained.tokens))  # re-encode: new embedding
        key = (network.cell, network.merge)
        self.networks[key] = (network, True)
        if key == self.origin_key:
            self.origin = replace(self.origin, network=network, trained=True,
                                  embedding=trained.embedding)  # fmt: skip
        self.training_status = (
            _("trained: loss {loss:.4f}, accuracy {accuracy:.2f}").format(
                loss=stats.loss, accuracy=stats.accuracy
            )
            if stats
            else ""
        )
        message = _("Training done; the heatmaps show the new weights ({status}).")
        with self.acting("train", self._training_key):
            self.set_scenario(trained, message.format(status=self.training_status))

    # ------------------------------------------------------------------ recording
    def allowed(self, action: str) -> bool:
        """May `action` (open, edit, train, cell, merge, sequence, record: the actions that
        change the model or the recording) run now? Always, here; a replay refuses them."""
        return True

    async def _check_bindings(self, key: str, priority: bool = False) -> bool:
        """As App's; the key is kept while its action runs, for the recording."""
        self._key = key
        try:
            return await super()._check_bindings(key, priority)
        finally:
            self._key = ""

    async def run_action(self, action: Any, *args: Any, **kwargs: Any) -> bool:
        """As App's; the action's name is kept while it runs, for the recording."""
        outer = self._action
        if isinstance(action, str):
            self._action = action.partition("(")[0]
        try:
            return await super().run_action(action, *args, **kwargs)
        finally:
            self._action = outer

    @contextmanager
    def acting(self, action: str, key: str | None = None) -> Iterator[None]:
        """Record the changes made inside as `action` (and, given, as pressed with `key`):
        for the model changes that end outside the binding's own action (a dialog's answer,
        a training's end, a command from the palette)."""
        outer = self._action, self._key
        self._action = action
        if key is not None:
            self._key = key
        try:
            yield
        finally:
            self._action, self._key = outer

    def _record(self, action: str = "") -> None:
        """Write the view and the model shown now into the recording, if one runs. A
        write that fails (a full disk) stops the recording with a message; the lines
        written before it are kept."""
        if self.recorder is None:
            return
        try:
            self.recorder.record(self, key=self._key, action=self._action or action or "change")
        except (OSError, ValueError) as e:
            why = reason(e) if isinstance(e, OSError) else str(e)
            self.stop_recording(failed=visible(why))

    def start_recording(self, path: Path) -> None:
        """Record from now on into `path`: the header with the current scenario, then a
        line for the view shown now and one per change."""
        self.stop_recording()
        try:
            self.recorder = Recorder(
                path, self.scenario, self.stage, columns=self.size.width, rows=self.size.height
            )
        except (OSError, ValueError) as e:
            message = _("Could not record to {path}: {reason}")
            why = reason(e) if isinstance(e, OSError) else str(e)
            self.say(message.format(path=visible(str(path)), reason=visible(why)),
                     severity="error", timeout=6)  # fmt: skip
            return
        self._record("start")
        if self.recorder is None:  # its first line failed: said by stop_recording
            return
        self._show_activity()
        where = visible(str(Path(path).resolve()))
        self.say(_("Recording to {path} (r stops).").format(path=where), title=_("record"),
                 timeout=4)  # fmt: skip

    def _close_recorder(self, recorder: Recorder) -> str:
        """Close `recorder`; the reason it could not (a full disk), or "". Recorder.close
        returns the error it met (and should not raise; if it does, that is said too)."""
        try:
            error = recorder.close()
        except OSError as e:
            error = e
        return "" if error is None else visible(reason(error))

    def stop_recording(self, *, failed: str = "") -> None:
        """Close the recording, if one runs, and say where it is (`failed`: why a write
        failed, said with where the lines written so far are)."""
        recorder, self.recorder = self.recorder, None
        if recorder is None:
            return
        closing = self._close_recorder(recorder)
        self._show_activity()
        path = visible(str(recorder.path.resolve()))
        if failed or closing:
            kept = _("Recording stopped: {reason}. The {count} action(s) recorded before it "
                     "are kept in {path}.")  # fmt: skip
            self.say(kept.format(reason=failed or closing, count=recorder.lines, path=path),
                     title=_("record"), severity="error", timeout=8)  # fmt: skip
            return
        done = _(
            "Recorded {count} action(s) to {path}; check it with rnn-tui replay {file} --check"
        )
        self.say(done.format(count=recorder.lines, path=path, file=visible(str(recorder.path))),
                 title=_("record"), timeout=6)  # fmt: skip

    def action_record(self) -> None:
        """Start or stop recording this walk into a session file."""
        if not self.allowed("record"):
            return
        if self.recorder is not None:
            self.stop_recording()
        else:
            self.start_recording(default_session_path(self.record_dir))

    def on_unmount(self) -> None:
        recorder, self.recorder = self.recorder, None
        if recorder is not None:
            self._close_recorder(recorder)  # leaving: nowhere left to say it failed

    # ------------------------------------------------------------------ the rest
    def action_influence_numbers(self) -> None:
        """Write the values of ‖∂s_t/∂x_k‖ into the influence strip, or stop."""
        strip = self.query_one(TokenStripView)
        strip.numbers = not strip.numbers

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Save the screen as an SVG file in `screenshot_dir` (the folder rnn-tui was
        started in) under a new generated name, and say where.

        Textual's App.action_screenshot takes a file name and a folder, and any action
        string (a `[@click=app.screenshot("/some/file")]` in markup) could call it: here
        both arguments are ignored, so no string chooses where the app writes."""
        del filename, path  # never taken from an action string
        try:
            saved = write_atomic(self._screenshot_path(), self.export_screenshot())
        except OSError as e:
            self.say(_("Could not save the screenshot: {reason}").format(reason=visible(reason(e))),
                     severity="error", timeout=6)  # fmt: skip
            return
        self.last_screenshot = saved
        self.say(_("Screenshot saved to {path}").format(path=visible(str(saved.resolve()))),
                 title=_("screenshot"), timeout=6)  # fmt: skip

    def _screenshot_path(self) -> Path:
        """A file name in screenshot_dir not taken yet: rnn-tui-screenshot-DATE-TIME.svg
        (-2, -3, … for more than one a second)."""
        stem = time.strftime("rnn-tui-screenshot-%Y%m%d-%H%M%S")
        return new_path(self.screenshot_dir, stem, ".svg")

    def action_notify(self, message: str, title: str = "", severity: str = "information") -> None:
        """As App's action, but the message is plain text, never markup."""
        self.notify(message, title=title, severity=severity, markup=False)  # type: ignore[arg-type]

    def get_system_commands(self, screen: Screen) -> Iterator[SystemCommand]:
        """Textual's palette entries, less its Screenshot (it saves into ~/Downloads
        under the app's own choice of name): ours is `s`, "Save a screenshot"."""
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":
                yield command

    def action_help(self) -> None:
        """Open the help screen."""
        from .help import KEY_NOTES, HelpScreen, markdown_literal

        keys = []
        for b in self.BINDINGS:
            if not isinstance(b, Binding) or b.system or b.action == "help_quit":
                continue
            if not b.show and not b.action.startswith("show_pane"):
                continue
            shown = b.key if b.action.startswith("show_pane") else self.get_key_display(b)
            what = b.description if b.key != "1" else N_("step view")
            keys.append((shown, what, KEY_NOTES.get(b.action, "")))
        keys.append(("^p", N_("command palette"),
                     N_("built-in scenarios, sequences, themes and more")))  # fmt: skip
        # the scenario's text is data: every Markdown character in it escaped
        about = f"**{markdown_literal(self.scenario.title)}**"
        if self.scenario.description:
            about += "\n\n" + markdown_literal(self.scenario.description)
        if not self.scenario.trained:
            note = _("{untrained}: the outputs are arbitrary until trained (t).")
            about += "\n\n*" + note.format(untrained=_(UNTRAINED)) + "*"
        self.push_screen(HelpScreen(keys, about))

    def run(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        """As App.run; a `size` given to make_app is the default for headless runs."""
        if self.size_hint is not None and kwargs.get("headless"):
            kwargs.setdefault("size", self.size_hint)
        return super().run(*args, **kwargs)


def _influence(stage: Stage) -> np.ndarray:
    """The engine's ‖∂s_t/∂x_k‖ (T, T) for the stage's network and inputs."""
    from ..engine.backward import influence

    return influence(stage.network, stage.trace.inputs)


def make_app(
    source: str | Path | None = None,
    *,
    size: tuple[int, int] | None = None,
    record: str | Path | None = None,
) -> RnnTuiApp:
    """The app on a scenario: a built-in name, a path, or None for the default one.

    The command line and the tests build the app through this one factory. Raises
    rnn_tui.scenario.ScenarioError when the scenario cannot be loaded. `size`
    (columns, rows) is kept for headless runs (screenshots, replays); `record` is a
    session file to record into from the start."""
    from ..scenario import BUILTIN_DEFAULT, load_scenario

    scenario = load_scenario(BUILTIN_DEFAULT if source is None else source)
    return RnnTuiApp(scenario, size=size, record=None if record is None else Path(record))
