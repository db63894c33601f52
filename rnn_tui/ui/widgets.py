"""Thin widgets over the renderables in rnn_tui.render: they pass data and theme styles in."""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.style import Style
from textual import constants, events
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from ..i18n import _
from ..present.position import View
from ..present.view import STYLE_NAMES, Look
from ..render.notation import sub
from ..render.tokens import TokenStrip


def few_colours(app: Any) -> bool:
    """Draw heatmaps with shade glyphs? Without colour (NO_COLOR), or when the terminal
    is declared to have 16 colours (TEXTUAL_COLOR_SYSTEM=standard), where the palettes'
    21 levels would collapse into a few indistinct ones. (Not guessed from TERM: the
    same app would then draw differently under different test environments.)"""
    return bool(app.no_color) or constants.COLOR_SYSTEM in ("standard", "windows")


TALL_SCREEN = 34
"""From this many rows on, small vectors are drawn two lines tall."""


class FigureStyles(Widget):
    """Never shown: the theme styles of the panels (the figure-view-- component classes),
    held once for every FigureView on its screen. Textual restyles each component class
    of each widget on every restyle: a dozen classes on each of eleven panels was ~11 ms
    of the first frame. The panels and this widget sit on the same background (the
    screen's), so the styles come out the same."""

    COMPONENT_CLASSES = {f"figure-view--{name}" for name in STYLE_NAMES}
    DEFAULT_CSS = """
    FigureStyles {
        display: none;
        & > .figure-view--header { background: $boost; }
        & > .figure-view--title { color: $text-primary; text-style: bold; }
        & > .figure-view--detail { color: $text-secondary; text-style: italic; }
        & > .figure-view--values { color: $foreground; }
        & > .figure-view--note { color: $text-accent; }
        & > .figure-view--muted { color: $text-muted; text-style: italic; }
        & > .figure-view--label { color: $text-secondary; }
        & > .figure-view--highlight { color: $text; background: $accent-muted; text-style: bold; }
        & > .figure-view--accent { color: $text-accent; text-style: bold; }
        & > .figure-view--good { color: $text-success; }
        & > .figure-view--bad { color: $text-error; background: $error-muted; text-style: bold; }
        & > .figure-view--bar { color: $primary; }
    }
    """


PICK = Style.from_meta({"@click": "pick"})
"""Makes a cell a link (drawn, and hovered, as the theme draws links); its click is
reported by FigureView.on_click from the cell's data, not by an action string."""


def _clickable(line: list) -> list:
    """A rendered line with every cell that carries data (a "unit" in its meta) made a
    link. Only styles with meta have a link id, so the others cost one test."""
    out = []
    for segment in line:
        style = segment.style
        if style is not None and style.link_id and "unit" in style.meta:
            segment = segment._replace(style=style + PICK)
        out.append(segment)
    return out


class FigureView(Widget):
    """One panel: any content with a `renderable(look)` method (a titled heatmap, an
    equation, the layers, the history, the weights), drawn through Rich.

    Uses the Line API: the strips are rendered once per content and width, cached,
    and `render_line` only looks them up, so stepping through time costs one render
    of each panel, not one widget per cell. Colours come from the theme through the
    component classes of the screen's FigureStyles, so every built-in theme works.
    """

    DEFAULT_CSS = """
    FigureView {
        height: auto;
        link-style: none;
        link-color: $foreground;
        link-background-hover: $boost;
        padding: 0 1;
    }
    """

    content: reactive[Any] = reactive(None, repaint=False, always_update=True)
    """What the panel shows (PanelContent or any content with renderable(look)); None
    draws nothing."""

    class Picked(Message):
        """A cell was clicked: its `unit` (1-based), and its step `t` where the figure
        has one per column (the history), else None."""

        def __init__(self, unit: int, t: int | None = None) -> None:
            super().__init__()
            self.unit, self.t = unit, t

    def on_click(self, event: events.Click) -> None:
        meta = event.style.meta
        unit, t = meta.get("unit"), meta.get("t")
        if isinstance(unit, int) and (t is None or isinstance(t, int)):
            self.post_message(self.Picked(unit, t))

    def action_pick(self) -> None:
        """The action of a cell's link: on_click has read the cell's data and reported it."""

    def __init__(
        self,
        content: Any = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._cache_key: tuple | None = None
        self._strips: list[Strip] = []
        self._look: tuple[tuple, Look] | None = None
        self._layout_width: int | None = None
        self.set_reactive(FigureView.content, content)

    @property
    def data(self):
        """The array drawn (a vector or a matrix), or None."""
        return getattr(self.content, "data", None)

    def watch_content(self) -> None:
        """Draw the new content; ask for a new layout only when its height changed (a
        layout of the whole screen costs more than drawing a panel)."""
        before = len(self._strips) if self._cache_key is not None else -1
        self._cache_key = None
        width = self._width()
        if self.is_attached and width > 0 and self.content is not None:
            self.refresh(layout=len(self.strips(width)) != before)
        else:
            self.refresh(layout=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache_key = None  # a new theme or class: draw again with its styles
        self._look = None

    def look(self) -> Look:
        """The theme's styles for the contents, and whether to draw without colour
        (looked up once per theme and screen height: it takes a millisecond)."""
        tall = self.app.size.height >= TALL_SCREEN
        key = (self.app.theme, tall, few_colours(self.app))
        if self._look is None or self._look[0] != key:
            source = self.screen.query_one(FigureStyles)
            styles = {
                name: source.get_component_rich_style(f"figure-view--{name}")
                for name in STYLE_NAMES
            }
            self._look = (key, Look(styles, few_colours(self.app), tall, self.rich_style.bgcolor))
        return self._look[1]

    def strips(self, width: int) -> list[Strip]:
        """The panel rendered at `width`, cached until the content, size or theme change
        (looked up several times a frame, so the check is cheap)."""
        content = self.content
        if content is None or width <= 0:
            return []
        tall = self.app.size.height >= TALL_SCREEN
        key = (id(content), width, tall, few_colours(self.app), self.app.theme)
        if key != self._cache_key:
            console = self.app.console
            options = console.options.update(width=width, height=None, highlight=False)
            lines = console.render_lines(
                content.renderable(self.look()),
                options,
                style=self.rich_style,
                pad=True,
                new_lines=False,
            )
            self._strips = [Strip(_clickable(line), width) for line in lines]
            self._cache_key = key
        return self._strips

    @property
    def text(self) -> str:
        """What the panel shows, as plain text (for tests and the tmux check)."""
        return "\n".join(strip.text for strip in self.strips(self._width()))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._layout_width = width
        return len(self.strips(width))

    def _width(self) -> int:
        """The width to draw at: the one the height was measured at (Textual may round
        a fractional width up by a column when it places the widget; drawn wider, a
        panel could need a line more than it was given)."""
        width = self.size.width
        if self._layout_width is not None and 0 < self._layout_width < width:
            return self._layout_width
        return width

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        drawn = self._width()
        strips = self.strips(drawn)
        if 0 <= y < len(strips):
            strip = strips[y]
            return strip if drawn == width else strip.extend_cell_length(width, self.rich_style)
        return Strip.blank(width, self.rich_style)


class TokenStripView(Widget):
    """The input sequence in reading order with the current step highlighted, and under
    it the influence strip: how strongly each input still affects the current state."""

    COMPONENT_CLASSES = {
        "token-strip--current",
        "token-strip--read",
        "token-strip--unread",
        "token-strip--index",
        "token-strip--arrow",
    }
    DEFAULT_CSS = """
    TokenStripView {
        height: auto;
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
    numbers: reactive[bool] = reactive(False)
    """Write the influence values in their slots."""

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
        self.influence: np.ndarray | None = None
        self.influence_note = ""
        self.subject = ""  # which state the influence is of, when not plain (see set_influence)

    def set_sequence(self, tokens: list[str] | None, steps: int) -> None:
        """Show another input sequence (its influence comes later, or not at all)."""
        self.tokens, self.steps = tokens, steps
        self.influence, self.influence_note = None, ""
        self.refresh(layout=True)

    def show_influence(self, values: np.ndarray, network: Any) -> None:
        """‖∂s_t/∂x_k‖ (T, T) of `network`, saying what it differentiates where that is
        not simply s_t: the top layer, both directions merged (a layer or direction
        selected below would otherwise look meant)."""
        parts = [_("top layer")] if network.num_layers > 1 else []
        if network.bidirectional:
            parts.append(_("both directions merged"))
        self.set_influence(values, subject=_(", ").join(parts))

    def set_influence(
        self, influence: np.ndarray | None, note: str = "", subject: str = ""
    ) -> None:
        """influence: (T, T) ‖∂s_t/∂x_k‖, or None with a note saying why there is none;
        subject: which state s is, when not plainly the one layer's (e.g. "top layer")."""
        self.influence, self.influence_note, self.subject = influence, note, subject
        self.refresh(layout=True)

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

    @property
    def row(self) -> np.ndarray | None:
        """The influence values under the words: ‖∂s_t/∂x_k‖ for the current t, (T,)."""
        if self.influence is None:
            return None
        return self.influence[self.view.t - 1]

    def strip(self) -> TokenStrip:
        style = self.get_component_rich_style
        t = self.view.t
        symbol = f"‖∂s{sub(t)}/∂xₖ‖"
        subject = _("({subject})").format(subject=self.subject) + " " if self.subject else ""
        return TokenStrip(
            self.tokens,
            self.steps,
            t,
            self.view.direction,
            current_style=style("token-strip--current"),
            read_style=style("token-strip--read"),
            unread_style=style("token-strip--unread"),
            index_style=style("token-strip--index"),
            label_style=style("token-strip--arrow"),
            influence=self.row,
            influence_numbers=self.numbers,
            influence_caption=(  # the longest that fits the line
                f"{symbol} {subject}{_('(i: numbers)')}",
                f"{symbol} {subject}".rstrip(),
                symbol,
            ),
            influence_note=self.influence_note,
            mono=few_colours(self.app),
        )

    def render(self) -> TokenStrip:
        return self.strip()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 3 if self.influence is not None or self.influence_note else 2
