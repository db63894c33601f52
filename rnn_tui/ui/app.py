"""The Textual app: step through a scenario's trace one keypress at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup, VerticalGroup, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Footer, Label, Static

from .help import KEY_NOTES, HelpScreen
from .view import DIRECTIONS, PANELS, Stage, View
from .widgets import TALL_SCREEN, FigureView, StatusLine, TokenStripView

STEP = Binding.Group("step")
ENDS = Binding.Group("first/last")
LAYER = Binding.Group("layer")

UNTRAINED = "untrained (seeded) weights"
WIDE_SCREEN = 100
"""From this many columns on, the footer also shows the command palette key."""


class RnnTuiApp(App[None], inherit_bindings=False):
    """Shows x_t, s_t and o_t of one scenario as heatmaps; the keys move t, the layer
    and the direction. It reads a precomputed trace and never recomputes the math.

    (App's own bindings are not inherited: its ctrl+q is hidden from the footer, ours
    is shown, last.)"""

    BINDINGS = [
        Binding("ctrl+c", "help_quit", show=False, system=True),
        Binding("left", "step(-1)", "back", group=STEP, key_display="←"),
        Binding("right", "step(1)", "forward", group=STEP, key_display="→"),
        Binding("home", "first", "first step", group=ENDS),
        Binding("end", "last", "last step", group=ENDS),
        Binding("down", "layer(-1)", "layer down", group=LAYER, key_display="↓"),
        Binding("up", "layer(1)", "layer up", group=LAYER, key_display="↑"),
        Binding("d", "direction", "direction"),
        Binding("question_mark", "help", "help", key_display="?"),
        Binding("ctrl+q", "quit", "quit", priority=True),
    ]
    CSS_PATH = "app.tcss"
    TITLE = "rnn-tui"

    view: reactive[View] = reactive(View, init=False, always_update=True)
    """The step, layer and direction on screen."""

    def __init__(
        self, scenario: Any, *, size: tuple[int, int] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.stage = Stage(scenario)
        self.trace = self.stage.trace
        self.size_hint = size
        self.sub_title = scenario.title

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        scenario, stage, net = self.scenario, self.stage, self.stage.network
        with VerticalGroup(id="top"):
            with HorizontalGroup(id="title-bar"):
                yield Label(scenario.title, id="title")
                if not scenario.trained:
                    yield Label(UNTRAINED, id="untrained")
            if scenario.description:
                yield Static(" ".join(scenario.description.split()), id="description")
            yield TokenStripView(self.trace.tokens, stage.steps, id="tokens")
            cell = f"{net.cell} ({net.nonlinearity})" if net.cell == "rnn" else net.cell
            extra = [("H = ", str(net.hidden_size))]
            if net.output_size:
                many = " (many-to-one)" if net.readout == "last" else ""
                extra.append(("readout ", f"{net.readout}{many}"))
            yield StatusLine(stage.steps, stage.num_layers, cell, extra, id="status")
        with VerticalScroll(id="panels", can_focus=False):
            yield FigureView(id="output")
            with HorizontalGroup(id="directions"):
                yield FigureView(id="state-forward")
                yield FigureView(id="state-backward")
            yield FigureView(id="state-merged")
            yield FigureView(id="gates")
            yield FigureView(id="input")
        yield Footer()

    def on_mount(self) -> None:
        self.view = self.stage.clamp(View())
        self._on_resized()

    def on_resize(self, event: events.Resize) -> None:
        self._on_resized()

    def _on_resized(self) -> None:
        self.screen.set_class(self.size.height < TALL_SCREEN, "-short")
        self._set_density()
        # ctrl+p still opens the palette; at 80 columns its footer key would hide ours.
        self.query_one(Footer).show_command_palette = self.size.width >= WIDE_SCREEN

    # ------------------------------------------------------------------ state
    def validate_view(self, view: View) -> View:
        return self.stage.clamp(view)

    def watch_view(self, view: View) -> None:
        contents = self.stage.panels(view)
        for panel_id in PANELS:
            widget = self.query_one(f"#{panel_id}", FigureView)
            content = contents[panel_id]
            widget.display = content is not None
            widget.content = content
        self.query_one(TokenStripView).view = view
        self.query_one(StatusLine).view = view
        self.screen.set_class(view.direction == "both", "-both")
        self._set_density()

    def _set_density(self) -> None:
        """On a short screen, the busiest views (both directions, or gates) drop the
        blank line between panels; the panel headers' background still sets them apart."""
        busy = self.view.direction == "both" or self.panel("gates").display
        self.screen.set_class(busy and self.size.height < TALL_SCREEN, "-dense")

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

    def panel(self, panel_id: str) -> FigureView:
        """One panel widget by id: output, gates, state-forward, state-backward,
        state-merged, input."""
        return self.query_one(f"#{panel_id}", FigureView)

    # ------------------------------------------------------------------ actions
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
            self.notify("This network has a single layer.", timeout=3)
            return
        target = self.view.layer + delta
        if not 1 <= target <= layers:
            where = "top" if delta > 0 else "bottom"
            self.notify(f"Already at the {where} layer ({self.view.layer} of {layers}).", timeout=3)
            return
        self.view = View(self.view.t, target, self.view.direction)

    def action_direction(self) -> None:
        """forward -> backward -> both -> forward; a unidirectional network only says so."""
        if not self.stage.bidirectional:
            self.notify(
                "This network is unidirectional: it reads forward only.",
                title="direction",
                timeout=4,
            )
            return
        following = DIRECTIONS[(DIRECTIONS.index(self.view.direction) + 1) % len(DIRECTIONS)]
        self.view = View(self.view.t, self.view.layer, following)

    def action_help(self) -> None:
        """Open the help screen."""
        keys = [
            (self.get_key_display(b), b.description, KEY_NOTES.get(b.action, ""))
            for b in self.BINDINGS
            if isinstance(b, Binding) and b.show
        ]
        keys.append(("^p", "command palette", "themes and the other commands"))
        about = f"**{self.scenario.title}**"
        if self.scenario.description:
            about += "\n\n" + " ".join(self.scenario.description.split())
        if not self.scenario.trained:
            about += f"\n\n*{UNTRAINED}: the outputs are arbitrary until trained.*"
        self.push_screen(HelpScreen(keys, about))

    def run(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        """As App.run; a `size` given to make_app is the default for headless runs."""
        if self.size_hint is not None and kwargs.get("headless"):
            kwargs.setdefault("size", self.size_hint)
        return super().run(*args, **kwargs)


def make_app(source: str | Path | None = None, *, size: tuple[int, int] | None = None) -> RnnTuiApp:
    """The app on a scenario: a built-in name, a path, or None for the default one.

    The command line and the tests build the app through this one factory. Raises
    rnn_tui.scenario.ScenarioError when the scenario cannot be loaded. `size`
    (columns, rows) is kept for headless runs (screenshots, replays)."""
    from ..scenario import BUILTIN_DEFAULT, load_scenario

    scenario = load_scenario(BUILTIN_DEFAULT if source is None else source)
    return RnnTuiApp(scenario, size=size)
