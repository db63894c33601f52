"""Thin widgets over the renderables in rnn_tui.render: they pass data and theme styles in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import constants, events
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from ..i18n import N_, _
from ..render.notation import sub
from ..render.tokens import TokenStrip
from .view import STYLE_NAMES, Look, View


def few_colours(app: Any) -> bool:
    """Draw heatmaps with shade glyphs? Without colour (NO_COLOR), or when the terminal
    is declared to have 16 colours (TEXTUAL_COLOR_SYSTEM=standard), where the palettes'
    21 levels would collapse into a few indistinct ones. (Not guessed from TERM: the
    same app would then draw differently under different test environments.)"""
    return bool(app.no_color) or constants.COLOR_SYSTEM in ("standard", "windows")


TALL_SCREEN = 34
"""From this many rows on, small vectors are drawn two lines tall."""
ESSENTIAL_FIELDS = 4
"""The status line always shows t, layer, direction and cell; the rest when they fit."""


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
            self._strips = [Strip(line, width) for line in lines]
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


class StatusLine(Widget):
    """t, layer, direction and the cell: always visible, one line; then whatever else
    fits (H, readout, sequence, playing, training)."""

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
        self.first: list[tuple[str, str]] = []  # shown before the extras (playing, training)

    def configure(self, steps: int, layers: int, cell: str, extra: list[tuple[str, str]]) -> None:
        """New scenario or network: the fixed fields."""
        self.steps, self.num_layers, self.cell, self.extra = steps, layers, cell, extra
        self.refresh()

    def set_activity(self, fields: list[tuple[str, str]]) -> None:
        """What is going on (playing, training), shown right after the essentials."""
        self.first = fields
        self.refresh()

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
            (_("layer "), f"{v.layer} / {self.num_layers}"),
            (_("direction "), _(v.direction)),
            (_("cell "), self.cell),
            *self.first,
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


PANES = (
    ("step", N_("step")),
    ("numbers", N_("numbers")),
    ("layers", N_("layers")),
    ("history", N_("history")),
    ("weights", N_("weights")),
)
"""The views, in the order of their number keys: (id, name on the bar)."""


class ViewBar(Widget):
    """One line of tabs, `1 step │ 2 numbers │ …`, the view shown highlighted; a click
    on a name shows it. (One line, where Textual's Tabs take two.)"""

    COMPONENT_CLASSES = {"view-bar--active", "view-bar--key", "view-bar--name"}
    DEFAULT_CSS = """
    ViewBar {
        height: 1;
        link-style: none;
        link-style-hover: bold;
        padding: 0 1;
        background: $panel;
        & > .view-bar--active { background: $primary; color: auto 90%; text-style: bold; }
        & > .view-bar--key { color: $text-accent; text-style: bold; }
        & > .view-bar--name { color: $text-muted; }
    }
    """

    active: reactive[str] = reactive("step")
    """The id of the view shown."""

    def render(self) -> Text:
        key = self.get_component_rich_style("view-bar--key")
        name = self.get_component_rich_style("view-bar--name")
        active = self.get_component_rich_style("view-bar--active")
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, (pane, label) in enumerate(PANES, start=1):
            click = Style.from_meta({"@click": f"app.show_pane('{pane}')"})
            on = pane == self.active
            text.append(f" {i} ", (active if on else key) + click)
            text.append(f"{_(label)} ", (active if on else name) + click)
            text.append(" ")
        return text


@dataclass(frozen=True)
class FooterItem:
    """One entry of the footer: its keys (the first is pressed on a click), how they are
    shown, and what they do."""

    keys: tuple[str, ...]
    display: str
    description: str


class KeyFooter(Widget):
    """The footer: every shown binding of the app, wrapped onto as many lines as the
    width needs (Textual's Footer is one line, which 80 columns cannot hold here).
    Drawn with the theme's footer colours; a click on an entry presses its key."""

    COMPONENT_CLASSES = {"key-footer--key", "key-footer--description"}
    MAX_LINES = 2
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: auto;
        padding: 0 1 0 0;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(
        self,
        *,
        optional: frozenset[str] = frozenset(),
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """optional: keys of bindings left out, last first, when MAX_LINES lines cannot
        hold every entry."""
        super().__init__(name=name, id=id, classes=classes)
        self.optional = optional

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Any) -> None:
        self.refresh(layout=True)

    def items(self) -> list[FooterItem]:
        """The entries, in the order of the app's bindings; bindings of one group
        (← →, home end) share an entry."""
        out: list[FooterItem] = []
        group: Any = None
        for active in self.screen.active_bindings.values():
            binding: Binding = active.binding
            if not binding.show:
                continue
            shown = self.app.get_key_display(binding)
            if binding.group is not None and binding.group is group and out:
                last = out[-1]
                out[-1] = FooterItem(last.keys + (binding.key,), f"{last.display} {shown}",
                                     last.description)  # fmt: skip
                continue
            group = binding.group
            description = binding.group.description if binding.group else binding.description
            out.append(FooterItem((binding.key,), shown, _(description)))
        return out

    def _lines(self, width: int) -> list[list[FooterItem]]:
        items = self.items()
        lines = self._wrap(items, width)
        optional = [item for item in items if set(item.keys) & self.optional]
        while len(lines) > self.MAX_LINES and optional:
            items.remove(optional.pop())
            lines = self._wrap(items, width)
        return lines

    def _wrap(self, items: list[FooterItem], width: int) -> list[list[FooterItem]]:
        lines: list[list[FooterItem]] = [[]]
        used = 0
        for item in items:
            size = self._item_width(item)
            if lines[-1] and used + size > width:
                lines.append([])
                used = 0
            lines[-1].append(item)
            used += size
        return lines

    @staticmethod
    def _item_width(item: FooterItem) -> int:
        return cell_len(item.display) + 2 + cell_len(item.description) + 1

    def layout_items(self) -> list[tuple[FooterItem, int, int, int]]:
        """(item, line, first column, last column + 1) of each entry, as drawn."""
        out = []
        for y, line in enumerate(self._lines(self.content_size.width or 80)):
            x = 0
            for item in line:
                size = self._item_width(item)
                out.append((item, y, x, x + size - 1))
                x += size
        return out

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-footer--key")
        description = self.get_component_rich_style("key-footer--description")
        text = Text(no_wrap=True, overflow="crop", end="")
        for y, line in enumerate(self._lines(self.content_size.width or 80)):
            if y:
                text.append("\n")
            for item in line:
                shown = item.display.split(" ")
                if len(shown) != len(item.keys):
                    shown = [item.display]
                text.append(" ", key_style)
                for i, (key, part) in enumerate(zip(item.keys, shown, strict=False)):
                    meta = Style.from_meta({"key": key})
                    text.append(("" if not i else " ") + part, key_style + meta)
                text.append(" ", key_style)
                text.append(item.description, description + Style.from_meta({"key": item.keys[0]}))
                text.append(" ")
        return text

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def on_click(self, event: events.Click) -> None:
        key = event.style.meta.get("key")
        if key:
            self.app.simulate_key(key)
