"""Thin widgets over the renderables in rnn_tui.render: they pass data and theme styles in."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from ..render.figure import Figure
from ..render.heatmap import Heatmap, Legend
from ..render.tokens import TokenStrip
from .view import PanelContent, View

TALL_SCREEN = 34
"""From this many rows on, small vectors are drawn two lines tall."""
ESSENTIAL_FIELDS = 4
"""The status line always shows t, layer, direction and cell; the rest when they fit."""


class FigureView(Widget):
    """One panel: a titled heatmap with legend, values and notes (see render.figure).

    Uses the Line API: the strips are rendered once per content and width, cached,
    and `render_line` only looks them up, so stepping through time costs one render
    of each panel, not one widget per cell.
    """

    COMPONENT_CLASSES = {
        "figure-view--header",
        "figure-view--title",
        "figure-view--detail",
        "figure-view--values",
        "figure-view--note",
        "figure-view--muted",
    }
    DEFAULT_CSS = """
    FigureView {
        height: auto;
        padding: 0 1;
        & > .figure-view--header { background: $boost; }
        & > .figure-view--title { color: $text-primary; text-style: bold; }
        & > .figure-view--detail { color: $text-secondary; text-style: italic; }
        & > .figure-view--values { color: $foreground; }
        & > .figure-view--note { color: $text-accent; }
        & > .figure-view--muted { color: $text-muted; text-style: italic; }
    }
    """

    content: reactive[PanelContent | None] = reactive(None, layout=True, always_update=True)
    """What the panel shows; None draws nothing."""

    def __init__(
        self,
        content: PanelContent | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._cache_key: tuple | None = None
        self._strips: list[Strip] = []
        self.set_reactive(FigureView.content, content)

    @property
    def data(self):
        """The array drawn (a vector or a matrix), or None."""
        return None if self.content is None else self.content.data

    def watch_content(self) -> None:
        self._cache_key = None

    def _figure(self, content: PanelContent, tall: bool) -> Figure:
        mono = self.app.no_color
        style = self.get_component_rich_style
        heatmap = None
        data = content.data
        if data is not None:
            # A matrix (gates) gets a line of numbers per row: only when there is room.
            values = content.values and (tall or data.ndim == 1)
            big = tall and data.ndim == 1  # small vectors two lines tall
            heatmap = Heatmap(
                data,
                content.scale,
                cell_width=None,
                gap=None,
                cell_height=(4 if big else 2) if values else None,
                values=values,
                wide_cells=content.values,
                row_labels=content.row_labels,
                mono=mono,
                value_style=style("figure-view--values"),
                label_style=style("figure-view--title"),
            )
        legend = Legend(content.scale, mono=mono) if content.scale is not None else None
        note_style = style("figure-view--muted" if content.muted else "figure-view--note")
        return Figure(
            content.title,
            detail=content.detail,
            heatmap=heatmap,
            legend=legend,
            notes=[Text(note, style=note_style) for note in content.notes],
            title_style=style("figure-view--title"),
            detail_style=style("figure-view--detail"),
            header_style=Style(bgcolor=style("figure-view--header").bgcolor),
        )

    def strips(self, width: int) -> list[Strip]:
        """The panel rendered at `width`, cached until the content, size or theme change."""
        content = self.content
        if content is None or width <= 0:
            return []
        tall = self.app.size.height >= TALL_SCREEN
        base = self.rich_style
        key = (id(content), width, tall, base, self.app.no_color, self.app.theme)
        if key != self._cache_key:
            console = self.app.console
            options = console.options.update(width=width, height=None, highlight=False)
            lines = console.render_lines(
                self._figure(content, tall), options, style=base, pad=True, new_lines=False
            )
            self._strips = [Strip(line, width) for line in lines]
            self._cache_key = key
        return self._strips

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.strips(width))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        strips = self.strips(width)
        if 0 <= y < len(strips):
            return strips[y]
        return Strip.blank(width, self.rich_style)


class TokenStripView(Widget):
    """The input sequence in reading order with the current step highlighted."""

    COMPONENT_CLASSES = {
        "token-strip--current",
        "token-strip--read",
        "token-strip--unread",
        "token-strip--index",
        "token-strip--arrow",
    }
    DEFAULT_CSS = """
    TokenStripView {
        height: 2;
        padding: 0 1;
        & > .token-strip--current { background: $accent; color: $text; text-style: bold; }
        & > .token-strip--read { color: $foreground; }
        & > .token-strip--unread { color: $text-muted; }
        & > .token-strip--index { color: $text-muted; }
        & > .token-strip--arrow { color: $text-accent; text-style: bold; }
    }
    """

    view: reactive[View] = reactive(View, layout=True)
    """The step, layer and direction shown."""

    def __init__(
        self,
        tokens: list[str] | None,
        steps: int,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.tokens = tokens
        self.steps = steps

    @property
    def current(self) -> int:
        """The highlighted step t (1-based)."""
        return self.view.t

    @property
    def current_token(self) -> str | None:
        """The highlighted word, or None for vector inputs."""
        return self.tokens[self.view.t - 1] if self.tokens else None

    @property
    def order(self) -> list[int]:
        """The steps in the order shown, left to right."""
        return self.strip().order

    def strip(self) -> TokenStrip:
        style = self.get_component_rich_style
        return TokenStrip(
            self.tokens,
            self.steps,
            self.view.t,
            self.view.direction,
            current_style=style("token-strip--current"),
            read_style=style("token-strip--read"),
            unread_style=style("token-strip--unread"),
            index_style=style("token-strip--index"),
            label_style=style("token-strip--arrow"),
        )

    def render(self) -> TokenStrip:
        return self.strip()


class StatusLine(Widget):
    """t, layer, direction and the cell: always visible, one line."""

    COMPONENT_CLASSES = {"status-line--key", "status-line--value", "status-line--sep"}
    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        padding: 0 1;
        background: $boost;
        & > .status-line--key { color: $text-muted; }
        & > .status-line--value { color: $text; text-style: bold; }
        & > .status-line--sep { color: $text-muted; }
    }
    """

    view: reactive[View] = reactive(View)
    """The step, layer and direction shown."""

    def __init__(
        self,
        steps: int,
        layers: int,
        cell: str,
        extra: list[tuple[str, str]] | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.steps = steps
        self.num_layers = layers
        self.cell = cell
        self.extra = extra or []

    @property
    def plain(self) -> str:
        """The status as plain text."""
        return self.render().plain

    def render(self) -> Text:
        key = self.get_component_rich_style("status-line--key")
        value = self.get_component_rich_style("status-line--value")
        sep = self.get_component_rich_style("status-line--sep")
        v = self.view
        fields = [
            ("t = ", f"{v.t} / {self.steps}"),
            ("layer ", f"{v.layer} / {self.num_layers}"),
            ("direction ", v.direction),
            ("cell ", self.cell),
            *self.extra,
        ]
        room = self.content_size.width or 10_000
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, (name, shown) in enumerate(fields):
            part = Text.assemble((" │ ", sep) if i else "", (name, key), (shown, value))
            if i >= ESSENTIAL_FIELDS and text.cell_len + part.cell_len > room:
                break  # the extras go whole or not at all
            text.append_text(part)
        return text
