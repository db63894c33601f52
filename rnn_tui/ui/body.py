"""The app's body: the step panels and the views beside them, shown two columns wide or
one view at a time. They receive the stage, the view, the chosen pane and the memory
re-runs from the app by data binding and draw what those say; nothing here changes the
model."""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, HorizontalGroup, VerticalGroup, VerticalScroll
from textual.reactive import reactive

from ..i18n import current_language
from ..present.position import View
from ..present.view import PANELS, WITHOUT_TRACE, Stage
from .bars import PANES
from .widgets import FigureView, OneLayout

if TYPE_CHECKING:
    from ..present.memory import MemoryMeasure

LEFT_PANES = ("step", "layers", "history")
"""The views in the left column when every view is on screen (the others on the right)."""
WIDE = (150, 40)
"""From this size on (columns, rows) every view is on screen at once; below, one at a time."""


PREFETCH = True
"""Draw the views a key away from the one shown ahead, while no key is pressed."""
VIEW_PANELS = ("numbers", "layers", "history", "weights-matrices", "projection", "memory")
"""The panels of the views beside the step panels, filled by Body.fill."""
COLUMNS = ("left", "right")
"""The ids of the two scrolling columns, in focus order (tab)."""


class Recent:
    """The contents made for the last few views, by what each depends on: the same
    view again gives back the same object, whose drawing its panel has kept
    (FigureView), and a panel whose part of the view did not change gets the same
    content and draws nothing. Keys hold the stage itself and the language: a new
    stage or language makes everything anew."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._made: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        key = (key, current_language())
        if key in self._made:
            self._made.move_to_end(key)
            return self._made[key]
        made = self._made[key] = make()
        if len(self._made) > self.size:
            self._made.popitem(last=False)
        return made

    def clear(self) -> None:
        self._made.clear()


class PaneColumn(OneLayout, VerticalScroll, inherit_bindings=False):
    """A column of views: scrolled by the wheel, and by PageUp/PageDown when in focus
    (tab, shift+tab, a click). It has no keys of its own (a VerticalScroll's would take
    ← → ↑ ↓ home end from the app): those stay the step, the layer and the ends."""


class TopGroup(OneLayout, VerticalGroup):
    """The title, the description, the words, the status and the view bar above the
    views."""


class WeightsGroup(OneLayout, VerticalGroup):
    """The weights view: the matrices and the projection, one above the other."""


class StepPane(OneLayout, VerticalGroup):
    """The unrolled step: o above s (forward, backward, merged) above the gates and x,
    and under them the tutorial's picture of the loop, folded and unrolled."""

    # (no repaint of their own: the panels whose content changes repaint themselves)
    stage: reactive[Stage | None] = reactive(None, init=False, always_update=True, repaint=False)
    view: reactive[View] = reactive(View, init=False, always_update=True, repaint=False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.recent = Recent()

    def compose(self) -> ComposeResult:
        yield FigureView(id="output")
        with HorizontalGroup(id="directions"):
            yield FigureView(id="state-forward")
            yield FigureView(id="state-backward")
        yield FigureView(id="state-merged")
        yield FigureView(id="gates")
        yield FigureView(id="input")
        yield FigureView(id="diagram")

    def watch_stage(self) -> None:
        self.recent.clear()
        for panel in self.query(FigureView):
            panel.release_height()  # (HeldHeight) the lines kept were another stage's

    def watch_view(self, view: View) -> None:
        for widget, content in self.contents(view):
            if widget.id != "diagram":
                widget.display = content is not None
            widget.content = content

    def contents(self, view: View) -> list[tuple[FigureView, Any]]:
        """Each panel and its content for `view`: the same objects for the panels whose
        part of the view is one they were made for lately (Stage.panels, Recent)."""
        stage = self.stage
        if stage is None:
            return []
        view = stage.clamp(view)
        panels = stage.panels(view)
        out = [
            (self.query_one(f"#{panel_id}", FigureView), panels[panel_id]) for panel_id in PANELS
        ]
        from ..present.diagram import diagram_content

        # the diagram marks t; its chains are the direction's (both, when bidirectional)
        key = (stage, view.t, view.direction)
        diagram = self.recent.get(key, lambda: diagram_content(stage, view))
        out.append((self.query_one("#diagram", FigureView), diagram))
        return out


class Body(OneLayout, Horizontal):
    """Every view in two columns when `wide`; else the `pane` chosen, by itself. Only
    the views on screen are filled (the others when shown), so a key costs what shows.
    The columns scroll a page at a time and take the focus in turn (page, focus_pane)."""

    BINDINGS = [
        # Once a column has the focus, tab reaches the app's action through here: the
        # screen's own tab (Textual's focus_next) comes before the app's bindings. With
        # nothing in focus that one runs, and does the same: focus on the first column.
        Binding("tab", "app.focus_pane(1)", show=False),
        Binding("shift+tab", "app.focus_pane(-1)", show=False),
    ]

    # (no repaint of their own: the panels whose content changes repaint themselves,
    # where a repaint of the body would draw the whole of it again on every key)
    stage: reactive[Stage | None] = reactive(None, init=False, always_update=True, repaint=False)
    view: reactive[View] = reactive(View, init=False, always_update=True, repaint=False)
    pane: reactive[str] = reactive("step", init=False, repaint=False)
    wide: reactive[bool] = reactive(False, init=False, repaint=False)
    memory: reactive[MemoryMeasure | None] = reactive(
        None, init=False, always_update=True, repaint=False
    )
    """The memory pane's re-runs (the app starts them when the pane is on screen)."""

    def __init__(self, pane: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.set_reactive(Body.pane, pane)
        self.recent = {pane_id: Recent() for pane_id in VIEW_PANELS}
        """The contents made lately, by panel (see Recent)."""
        self._shown_view: View | None = None
        self._prefetch_views: deque[View] = deque()
        self._prefetch_jobs: deque[tuple[FigureView, Any]] = deque()
        self._prefetch_round = 0
        self.draws_ahead = PREFETCH
        """Draw the views a key away while idle (an export, which never goes there,
        turns it off)."""

    def compose(self) -> ComposeResult:
        # no column takes the focus by itself (Textual's AUTO_FOCUS "*" would give it the
        # first at start and after each dialog, marked): only tab or a click gives it
        self.screen.AUTO_FOCUS = ""  # type: ignore[misc]
        # two columns when wide: the step panels, all layers and the history on the
        # left, the numbers and the weights on the right; else one view at a time
        with PaneColumn(id="left", classes="column"):
            # born -current (as showing it would make it), so mounting does not restyle it
            step_classes = "pane -current" if self.pane == "step" else "pane"
            yield StepPane(id="step", classes=step_classes).data_bind(Body.stage, Body.view)
            yield FigureView(id="layers", classes="pane")
            yield FigureView(id="history", classes="pane")
        with PaneColumn(id="right", classes="column"):
            yield FigureView(id="numbers", classes="pane")
            with WeightsGroup(id="weights", classes="pane"):
                yield FigureView(id="projection")
                yield FigureView(id="weights-matrices")
            yield FigureView(id="memory", classes="pane")

    def watch_stage(self) -> None:
        for recent in self.recent.values():
            recent.clear()
        for panel_id in VIEW_PANELS:
            self._figure(panel_id).release_height()  # (HeldHeight) another stage's lines

    def watch_view(self, view: View) -> None:
        self.fill(view)

    def watch_pane(self) -> None:
        self.show_panes()

    def watch_wide(self) -> None:
        self.show_panes()

    def watch_memory(self) -> None:
        self.recent["memory"].clear()  # made from the re-runs before
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
        focused = self.screen.focused
        self._column("left").display = self.wide or left
        self._column("right").display = self.wide or not left
        if isinstance(focused, PaneColumn) and not focused.display:
            # one view at a time and another shown: the focus goes with it, to its column
            self._column(self._column_of(self.pane)).focus(scroll_visible=False)
        self.fill(self.view)

    def scroll_to_pane(self, pane: str) -> None:
        """Bring a view to the top of its column (when every view is on screen)."""
        # now, not after the next frame: the view and the scroll in one frame
        self._column(self._column_of(pane)).scroll_to_widget(
            self.query_one(f"#{pane}"), top=True, animate=False, immediate=True
        )

    # ------------------------------------------------------------------ scrolling, focus
    def _column(self, column_id: str) -> PaneColumn:
        return self.query_one(f"#{column_id}", PaneColumn)

    @staticmethod
    def _column_of(pane: str) -> str:
        return "left" if pane in LEFT_PANES else "right"

    def _shown_columns(self) -> list[PaneColumn]:
        return [column for column in map(self._column, COLUMNS) if column.display]

    def page(self, delta: int) -> None:
        """Scroll the column in focus, else the one holding the chosen view, a page down
        (delta 1) or up (-1), at once: whoever reads scroll_state next sees it moved."""
        focused = self.screen.focused
        column = (
            focused
            if isinstance(focused, PaneColumn) and focused.display
            else self._column(self._column_of(self.pane))
        )
        page = column.scrollable_content_region.height
        column.scroll_to(y=column.scroll_y + delta * page, animate=False, immediate=True)

    def focus_pane(self, delta: int) -> None:
        """Give the focus to the next (delta 1) or the previous (-1) column on screen,
        round; with none in focus, to the first, as Textual's tab and shift+tab do then.
        The focused one is marked (app.tcss: .column:focus)."""
        columns = self._shown_columns()
        focused = self.screen.focused
        index = columns.index(focused) + delta if focused in columns else 0
        columns[index % len(columns)].focus(scroll_visible=False)

    def scroll_state(self) -> dict[str, int]:
        """How far each column on screen is scrolled, in rows, by id ("left", "right")."""
        return {str(column.id): round(column.scroll_y) for column in self._shown_columns()}

    def restore_scroll(self, state: dict[str, int]) -> None:
        """Scroll the columns named in `state` (as scroll_state gives it) to its rows, at
        once and within their range; a column not on screen is left alone."""
        for column in self._shown_columns():
            rows = state.get(str(column.id))
            if rows is None:
                continue
            column.scroll_to(y=max(0, rows), animate=False, immediate=True)
            if column.scroll_y < rows:
                # clamped by a layout not made yet (a view just shown): again after it
                column.call_after_refresh(column.scroll_to, y=rows, animate=False, immediate=True)

    def _shown(self, pane_id: str) -> bool:
        return self.wide or self.pane == pane_id

    def _figure(self, panel_id: str) -> FigureView:
        return self.query_one(f"#{panel_id}", FigureView)

    def fill(self, view: View) -> None:
        """Fill the views beside the step panels that are on screen: with the content
        made before for the same view where there is one (see Recent); then draw the
        views a key away ahead, while no key is pressed (_prefetch_for)."""
        if self.stage is None or not self.is_mounted:
            return
        for panel_id, content in self.contents(view):
            widget = self._figure(panel_id)
            if panel_id == "projection":
                widget.display = content is not None
            widget.content = content
        self._prefetch_for(view)

    def contents(self, view: View) -> list[tuple[str, Any]]:
        """Each panel of the views on screen beside the step panels, and its content
        for `view`: the one made before for the same part of a view (what the panel
        depends on), else made now."""
        stage = self.stage
        if stage is None:
            return []
        view = stage.clamp(view)
        out: list[tuple[str, Any]] = []

        def content(panel_id: str, part: Hashable, make: Callable[[], Any]) -> None:
            if stage.partial and panel_id not in WITHOUT_TRACE:  # they say so until whole
                waiting = None if panel_id == "projection" else stage.waiting_pane()
                out.append((panel_id, waiting))
                return
            out.append((panel_id, self.recent[panel_id].get((stage, part), make)))

        if self._shown("numbers"):
            from ..present.panes import equation_content  # not at start-up: once a pane shows

            content("numbers", view, lambda: equation_content(stage, view))
        if self._shown("layers"):
            from ..present.panes import layers_content

            # when the step panels are on screen they draw the selected layer large
            large = not self.wide
            content("layers", (view, large), lambda: layers_content(stage, view, large=large))
        if self._shown("history"):
            from ..present.panes import history_content

            rows = max(4, min(32, self.app.size.height - (18 if self.wide else 14)))
            content("history", (view, rows), lambda: history_content(stage, view, rows))
        if self._shown("weights"):
            from ..present.panes import projection_content, weights_content

            # the weights change only with the layer, direction or unit, not with t
            weights = (view.layer, view.direction, view.unit)
            content("weights-matrices", weights, lambda: weights_content(stage, view))
            # the projection reads t, and the state before it in the reading direction
            part = (view.t, view.layer, view.reading, view.unit)
            content("projection", part, lambda: projection_content(stage, view))
        if self._shown("memory"):
            from ..present.memory import memory_content

            # the memory pane reads t alone (and the re-runs: `recent` is cleared for new ones)
            measure = self.memory
            content("memory", view.t, lambda: memory_content(stage, view, measure))
        return out

    def refresh_waiting(self, view: View) -> None:
        """While the trace is computed (a partial stage): the panels again, those that
        were waiting made now if they can be (the others are the same objects: not
        redrawn), and the progress in the views that wait for the whole trace."""
        self.query_one(StepPane).watch_view(view)
        self.fill(view)

    # ------------------------------------------------------------------ drawing ahead
    def _prefetch_for(self, view: View) -> None:
        """After the frame of `view`, draw the views a key away into the panels' kept
        drawings, one panel at a time while the app is idle (a key stops it): a key
        onto them then costs the frame alone. The steps either side first (the one in
        the direction of the last move before the other), then the next direction, the
        layers above and below, the units after and before, the last step and the first
        (Stage.nearby). While the trace is computed, the steps either side alone: the
        other views mostly wait for it (their "not computed yet" panels are made anew
        each time, so drawing them ahead would only push the useful drawings out)."""
        stage = self.stage
        assert stage is not None
        before, self._shown_view = self._shown_view, view
        self._prefetch_jobs.clear()
        self._prefetch_views.clear()
        self._prefetch_round += 1
        if not self.draws_ahead:
            return
        back = before is not None and before.t != view.t and stage.step(view, -1) == before
        self._prefetch_views.extend(stage.nearby(view, back=back, steps_only=stage.partial))
        self.call_after_refresh(self._prefetch, self._prefetch_round)

    @property
    def drawing_ahead(self) -> bool:
        """Are views a key away still being drawn ahead (see _prefetch_for)?"""
        return bool(self._prefetch_jobs or self._prefetch_views)

    def _prefetch(self, round_: int) -> None:
        """One job ahead: the contents of a view (kept, see Recent), or one panel's
        drawing; then the app takes its messages (a key) before the next. A newer view
        (round) stops it."""
        if round_ != self._prefetch_round:
            return
        if self._prefetch_jobs:
            widget, content = self._prefetch_jobs.popleft()
            widget.prepare(content)
        elif self._prefetch_views:
            near = self._prefetch_views.popleft()
            if self._shown("step"):
                self._prefetch_jobs.extend(self.query_one(StepPane).contents(near))
            for panel_id, content in self.contents(near):
                self._prefetch_jobs.append((self._figure(panel_id), content))
        else:
            return
        # the next job once the screen is painted: one after another on this widget's
        # queue would hold the event loop (a frame left to paint, a key) until the last
        self.call_after_refresh(self._prefetch, round_)
