"""The app's body: the step panels and the views beside them, shown two columns wide or
one view at a time. They receive the stage, the view, the chosen pane and the memory
re-runs from the app by data binding and draw what those say; nothing here changes the
model."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, HorizontalGroup, VerticalGroup, VerticalScroll
from textual.reactive import reactive

from ..present.memory import MemoryMeasure
from ..present.position import View
from ..present.view import PANELS, Stage
from .bars import PANES
from .widgets import FigureView

LEFT_PANES = ("step", "layers", "history")
"""The views in the left column when every view is on screen (the others on the right)."""
WIDE = (150, 40)
"""From this size on (columns, rows) every view is on screen at once; below, one at a time."""


class StepPane(VerticalGroup):
    """The unrolled step: o above s (forward, backward, merged) above the gates and x,
    and under them the tutorial's picture of the loop, folded and unrolled."""

    stage: reactive[Stage | None] = reactive(None, init=False, always_update=True)
    view: reactive[View] = reactive(View, init=False, always_update=True)

    def compose(self) -> ComposeResult:
        yield FigureView(id="output")
        with HorizontalGroup(id="directions"):
            yield FigureView(id="state-forward")
            yield FigureView(id="state-backward")
        yield FigureView(id="state-merged")
        yield FigureView(id="gates")
        yield FigureView(id="input")
        yield FigureView(id="diagram")

    def watch_view(self, view: View) -> None:
        if self.stage is None:
            return
        contents = self.stage.panels(view)
        for panel_id in PANELS:
            widget = self.query_one(f"#{panel_id}", FigureView)
            content = contents[panel_id]
            widget.display = content is not None
            widget.content = content
        from ..present.diagram import diagram_content

        self.query_one("#diagram", FigureView).content = diagram_content(self.stage, view)


class Body(Horizontal):
    """Every view in two columns when `wide`; else the `pane` chosen, by itself. Only
    the views on screen are filled (the others when shown), so a key costs what shows."""

    stage: reactive[Stage | None] = reactive(None, init=False, always_update=True)
    view: reactive[View] = reactive(View, init=False, always_update=True)
    pane: reactive[str] = reactive("step", init=False)
    wide: reactive[bool] = reactive(False, init=False)
    memory: reactive[MemoryMeasure | None] = reactive(None, init=False, always_update=True)
    """The memory pane's re-runs (the app starts them when the pane is on screen)."""

    def __init__(self, pane: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.set_reactive(Body.pane, pane)
        self._weights_key: tuple | None = None

    def compose(self) -> ComposeResult:
        # two columns when wide: the step panels, all layers and the history on the
        # left, the numbers and the weights on the right; else one view at a time
        with VerticalScroll(id="left", can_focus=False, classes="column"):
            # born -current (as showing it would make it), so mounting does not restyle it
            step_classes = "pane -current" if self.pane == "step" else "pane"
            yield StepPane(id="step", classes=step_classes).data_bind(Body.stage, Body.view)
            yield FigureView(id="layers", classes="pane")
            yield FigureView(id="history", classes="pane")
        with VerticalScroll(id="right", can_focus=False, classes="column"):
            yield FigureView(id="numbers", classes="pane")
            with VerticalGroup(id="weights", classes="pane"):
                yield FigureView(id="projection")
                yield FigureView(id="weights-matrices")
            yield FigureView(id="memory", classes="pane")

    def watch_stage(self) -> None:
        self._weights_key = None

    def watch_view(self, view: View) -> None:
        self.fill(view)

    def watch_pane(self) -> None:
        self.show_panes()

    def watch_wide(self) -> None:
        self.show_panes()

    def watch_memory(self) -> None:
        self.fill(self.view)

    def on_resize(self) -> None:
        self.fill(self.view)  # the history shows as many rows as the height holds

    def show_panes(self) -> None:
        for pane_id, _label in PANES:
            pane = self.query_one(f"#{pane_id}")
            pane.display = self.wide or self.pane == pane_id
            pane.set_class(self.pane == pane_id, "-current")
        # the loop's picture under the step panels: in the step view alone, not when
        # every view shares the screen (the views under it would leave the screen)
        self.query_one("#diagram").display = not self.wide
        left = self.pane in LEFT_PANES
        self.query_one("#left").display = self.wide or left
        self.query_one("#right").display = self.wide or not left
        self.fill(self.view)

    def scroll_to_pane(self, pane: str) -> None:
        """Bring a view to the top of its column (when every view is on screen)."""
        column = "#left" if pane in LEFT_PANES else "#right"
        self.query_one(column, VerticalScroll).scroll_to_widget(
            self.query_one(f"#{pane}"), top=True, animate=False
        )

    def _shown(self, pane_id: str) -> bool:
        return self.wide or self.pane == pane_id

    def _figure(self, panel_id: str) -> FigureView:
        return self.query_one(f"#{panel_id}", FigureView)

    def fill(self, view: View) -> None:
        """Fill the views beside the step panels that are on screen."""
        stage = self.stage
        if stage is None or not self.is_mounted:
            return
        if self._shown("numbers"):
            from ..present.panes import equation_content  # not at start-up: once a pane shows

            self._figure("numbers").content = equation_content(stage, view)
        if self._shown("layers"):
            from ..present.panes import layers_content

            # when the step panels are on screen they draw the selected layer large
            self._figure("layers").content = layers_content(stage, view, large=not self.wide)
        if self._shown("history"):
            from ..present.panes import history_content

            rows = max(4, min(32, self.app.size.height - (18 if self.wide else 14)))
            self._figure("history").content = history_content(stage, view, rows)
        if self._shown("weights"):
            self._fill_weights(view)
        if self._shown("memory"):
            from ..present.memory import memory_content

            self._figure("memory").content = memory_content(stage, view, self.memory)

    def _fill_weights(self, view: View) -> None:
        """The weights change only with the layer, direction or unit (not with t):
        their content is kept, so their drawing is cached, while t moves."""
        from ..present.panes import projection_content, weights_content

        stage = self.stage
        assert stage is not None
        key = (id(stage), view.layer, view.direction, view.unit)
        if self._weights_key != key:
            self._figure("weights-matrices").content = weights_content(stage, view)
            self._weights_key = key
        projection = projection_content(stage, view)
        self._figure("projection").display = projection is not None
        self._figure("projection").content = projection
