"""The app's one-line bars: the status line, the view bar and the key footer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from ..i18n import N_, _
from ..present.position import View

ESSENTIAL_FIELDS = 4
"""The status line always shows t, layer, direction and cell; the rest when they fit."""


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

    def describe(self, scenario: Any, stage: Any) -> None:
        """The fixed fields of a scenario shown on `stage`: T, layers, the cell, H, the
        merge, the readout and the sequence (where there is a choice)."""
        net = stage.network
        cell = f"{net.cell} ({net.nonlinearity})" if net.cell == "rnn" else net.cell
        extra = [(_("H = "), str(net.hidden_size))]
        if net.bidirectional:
            extra.append((_("merge "), net.merge))
        if net.output_size:
            readout = _("last (many-to-one)") if net.readout == "last" else _("every")
            extra.append((_("readout "), readout))
        if len(scenario.sequences) > 1:
            extra.append((_("sequence "), scenario.sequence))
        self.configure(stage.steps, stage.num_layers, cell, extra)

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
    ("memory", N_("memory")),
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

    class Chosen(Message):
        """A view's name was clicked: show `pane`."""

        def __init__(self, pane: str) -> None:
            super().__init__()
            self.pane = pane

    def action_choose(self, pane: str) -> None:
        """A click on a view's name: report it."""
        if pane in dict(PANES):
            self.post_message(self.Chosen(pane))

    def render(self) -> Text:
        key = self.get_component_rich_style("view-bar--key")
        name = self.get_component_rich_style("view-bar--name")
        active = self.get_component_rich_style("view-bar--active")
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, (pane, label) in enumerate(PANES, start=1):
            click = Style.from_meta({"@click": f"choose({pane!r})"})
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
        optional: Sequence[str] = (),
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """optional: the keys of the entries that may be left out, most essential first
        (keys.OPTIONAL_KEYS); when MAX_LINES lines cannot hold every entry, they go from
        the end. An entry with none of its keys here always stays."""
        super().__init__(name=name, id=id, classes=classes)
        self.optional = tuple(optional)

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
                out[-1] = FooterItem(
                    last.keys + (binding.key,), f"{last.display} {shown}", last.description
                )
                continue
            group = binding.group
            description = binding.group.description if binding.group else binding.description
            out.append(FooterItem((binding.key,), shown, _(description)))
        return out

    def _lines(self, width: int) -> list[list[FooterItem]]:
        items = self.items()
        lines = self._wrap(items, width)
        ranked = sorted((rank, i) for i, item in enumerate(items) if (rank := self._rank(item)))
        optional = [items[i] for _rank, i in ranked]
        while len(lines) > self.MAX_LINES and optional:
            items.remove(optional.pop())  # the least essential left
            lines = self._wrap(items, width)
        return lines

    def _rank(self, item: FooterItem) -> int:
        """Where `item` stands in the ranking, 1 the most essential, by the best of its
        keys; 0 for an entry that always stays."""
        ranks = [self.optional.index(key) + 1 for key in item.keys if key in self.optional]
        return min(ranks, default=0)

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


class TraceProgress(Widget):
    """A bar and a sentence while the trace is computed in the background (a partial
    Stage): how much is done and which steps can be shown. Hidden otherwise."""

    DEFAULT_CSS = """
    TraceProgress {
        height: 1;
        padding: 0 1;
        display: none;
        & > .trace-progress--text { color: $text-muted; }
        & > .trace-progress--bar { color: $accent; }
    }
    """
    COMPONENT_CLASSES = {"trace-progress--text", "trace-progress--bar"}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fraction = 0.0
        self.text = ""
        self.detail = ""

    def show(self, fraction: float, text: str, detail: str) -> None:
        """fraction done (0..1), "computing the trace: 37 %" and which steps are shown;
        hidden when `text` is empty."""
        self.display = bool(text)
        self.fraction, self.text, self.detail = fraction, text, detail
        self.refresh()

    def render(self) -> Text:
        width = max(10, min(30, self.size.width // 4))
        filled = round(self.fraction * width)
        bar_style = self.get_component_rich_style("trace-progress--bar", partial=True)
        text_style = self.get_component_rich_style("trace-progress--text", partial=True)
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append("━" * filled, style=bar_style)
        line.append("╺" + "━" * (width - filled - 1) if filled < width else "", style=text_style)
        line.append(f"  {self.text}", style=Style(bold=True))
        if self.detail:
            line.append(f"  ({self.detail})", style=text_style)
        return line
