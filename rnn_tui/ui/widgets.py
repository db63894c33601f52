"""Thin widgets over the renderables in rnn_tui.render: they pass data and theme styles in."""

from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache
from typing import Any

import numpy as np
from rich.console import Group
from rich.style import Style
from textual import constants, events
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from ..i18n import _, ngettext
from ..present.position import View
from ..present.view import STYLE_NAMES, Look
from ..render.mixing import MixingBar
from ..render.notation import sub
from ..render.tokens import TokenStrip


def few_colours(app: Any) -> bool:
    """Draw heatmaps with shade glyphs? Without colour (NO_COLOR), or when the terminal
    is declared to have 16 colours (TEXTUAL_COLOR_SYSTEM=standard), where the palettes'
    21 levels would collapse into a few indistinct ones. (Not guessed from TERM: the
    same app would then draw differently under different test environments.)"""
    return bool(app.no_color) or constants.COLOR_SYSTEM in ("standard", "windows")


TALL_SCREEN = 34
"""From this many rows on, small vectors are drawn two lines tall, and a panel keeps its
lines for a shorter content (HeldHeight)."""
DRAWINGS_KEPT = 12
"""Drawings a panel keeps (by content, width and styles): stepping back and forth, or
into a view and out, draws each step once; the views a key away are drawn ahead into
them (Body's prefetch: up to 9 besides the one shown)."""


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

    _styles: dict[str, Style] | None = None

    def styles_by_name(self) -> dict[str, Style]:
        """The styles by name (STYLE_NAMES), looked up once per restyle (a theme)."""
        if self._styles is None:
            self._styles = {
                name: self.get_component_rich_style(f"figure-view--{name}") for name in STYLE_NAMES
            }
        return self._styles

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None


@lru_cache(maxsize=8192)
def _pick(meta: tuple[tuple[str, Any], ...]) -> Style:
    """The link of the cell whose data is `meta`: "@click" added, and a link id of its
    own, shared by every character (and line) of that cell and by no other cell, so
    hovering one cell marks that cell alone. Its click is reported by
    FigureView.on_click from the cell's data, not by an action string."""
    return Style.from_meta({**dict(meta), "@click": "pick"})


@lru_cache(maxsize=16384)
def _linked(style: Style) -> Style:
    """`style` made the link of its cell (cached: the same cells recur every frame)."""
    return style + _pick(tuple(sorted(style.meta.items())))


def _clickable(line: list) -> list:
    """A rendered line with every cell that carries data (a "unit" in its meta) made a
    link. Only styles with meta have a link id, so the others cost one test."""
    out = []
    for segment in line:
        style = segment.style
        if style is not None and style.link_id and "unit" in style.meta:
            segment = segment._replace(style=_linked(style))
        out.append(segment)
    return out


class OneLayout:
    """A widget whose new size asks for no second layout of the screen.

    After a layout, Textual sets each resized widget's virtual size as a reactive that
    asks for another layout, and so a step that changes a panel's height (t = 1, the end
    of a many-to-one reading) was laid out and drawn twice, a frame apart (15-20 ms at
    160x48). A widget that draws its own lines (FigureView), and a column whose
    scrollbars follow its virtual size anyway, lay out nothing more from it: the size
    is kept without that request. (Widget._size_updated is Textual's; its `layout`
    argument is the switch it offers for this.)"""

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)  # type: ignore[misc]


class HeldHeight:
    """A panel that keeps its lines when its content needs fewer, on a screen of
    TALL_SCREEN rows or more, until release_height (blank at its bottom): stepping onto
    a shorter content, or back to a layer or a direction shown before, then repaints
    the panel without a layout of the whole screen and the frame after it (10-20 ms at
    160x48), and the panels under it stay put. On a
    shorter screen every line counts: a panel takes the lines its content needs. An
    app whose `holds_heights` is False (an export: each frame drawn from its state
    alone) holds none."""

    _floor: tuple[tuple[int, int], int] | None = None
    """(width, screen height) of the last layout and the lines it gave the panel."""
    _released = False
    """release_height since the last layout: the next content takes its own lines."""

    def _hold(self, width: int, lines: int) -> int:
        """The lines to lay the panel out with at `width`: the content's `lines`, or
        more when it holds them (call from get_content_height)."""
        where = (width, self.app.size.height)  # type: ignore[attr-defined]
        if self._floor is not None and self._floor[0] == where and self.holds:
            lines = max(lines, self._floor[1])
        self._floor, self._released = (where, lines), False
        return lines

    def _settled(self) -> None:
        """A content was shown in the lines the panel has, with no layout: it holds
        them (also after a release, which a content as tall leaves laid out as it was)."""
        self._released = False

    @property
    def holds(self) -> bool:
        """Does the panel keep its lines for a shorter content (see the class)?"""
        app: Any = self.app  # type: ignore[attr-defined]
        return (
            self._floor is not None
            and not self._released
            and app.size.height >= TALL_SCREEN
            and getattr(app, "holds_heights", True)
        )

    def hold_height(self, lines: int) -> None:
        """Lay the panel out with at least `lines` from now on (as if a content that
        tall had been shown): an app that stepped here holds them."""
        if self._floor is not None:
            self._floor, self._released = (self._floor[0], lines), False
            self.refresh(layout=True)  # type: ignore[attr-defined]

    def release_height(self) -> None:
        """Let the next content lay the panel out at its own height, fewer lines too:
        the lines kept were for another stage (the panels: Body's and StepPane's
        watch_stage; a new scenario, model, sequence or language is a new stage) or
        sequence (the token strip: set_sequence)."""
        self._released = True


class FigureView(OneLayout, HeldHeight, Widget):
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
        link-style-hover: underline;
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

    @property
    def link_style_hover(self) -> Style:
        """The cell under the pointer is underlined, its colours kept: they are its value.
        (Textual's own hover style also sets a colour and a background, from
        link-color-hover and link-background-hover, which would paint the cell over.)"""
        return self.styles.link_style_hover

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
        self._drawings: OrderedDict[tuple, tuple[Any, Look, list[Strip]]] = OrderedDict()
        """The last DRAWINGS_KEPT drawings, by (id of the content, width, id of the look,
        the widget's style): each with its content and look, so neither id is reused
        while it is kept. A step back finds its drawing here."""
        self._look: tuple[tuple, Look] | None = None
        self._layout_width: int | None = None
        self._laid_height: int | None = None  # the height of the last layout, in lines
        self.set_reactive(FigureView.content, content)

    @property
    def data(self):
        """The array drawn (a vector or a matrix), or None."""
        return getattr(self.content, "data", None)

    def watch_content(self, old: Any, new: Any) -> None:
        """Draw the new content; ask for a new layout only when it needs more lines than
        the panel has, or fewer after release_height (a layout of the whole screen, and
        the frame after it, cost more than drawing every panel): a step onto a shorter
        content keeps the lines, blank at the bottom, so the panels under it stay put.
        The same content again (the view moved, this panel's part of it did not) is
        nothing to do."""
        if new is old and self._cache_key is not None and self._cache_key[0] == id(new):
            return
        if new is None:
            self.release_height()  # no blank lines kept for nothing
        # the lines on screen, when drawn with the styles of now (none after a restyle)
        shown = self._strips if self._cache_key is not None else None
        self._cache_key = None
        width = self._width()
        if self.is_attached and (not self.display or width <= 0):
            # hidden, or in a hidden pane: showing it lays it out (and a layout asked
            # for here would be the whole screen's, on every key)
            return
        if self.is_attached and new is not None:
            strips = self.strips(width)
            laid = self._laid_height
            if laid is None or len(strips) > laid or (len(strips) < laid and not self.holds):
                self.refresh(layout=True)
            elif shown is not None:
                self._refresh_changed(shown, strips)
                self._settled()
            else:
                self.refresh()
                self._settled()
        elif self._laid_height == 0 and new is None:
            self.refresh()  # empty before, empty now
        else:
            self.refresh(layout=True)

    def _refresh_changed(self, shown: list[Strip], strips: list[Strip]) -> None:
        """Repaint only the lines that differ from those on screen (a step changes the
        numbers, not the titles, the legends or the notes; the compositor's work goes
        with the lines repainted). A line one of them lacks is blank in it."""
        width = self.size.width
        lines = max(len(shown), len(strips))
        changed = [
            y for y in range(lines) if y >= len(shown) or y >= len(strips) or shown[y] != strips[y]
        ]
        runs: list[Region] = []
        for y in changed:
            if runs and runs[-1].bottom == y:
                runs[-1] = runs[-1].union(Region(0, y, width, 1))
            else:
                runs.append(Region(0, y, width, 1))
        if runs:
            self.refresh(*runs)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # a new theme or class: look the styles up again (a drawing is kept by its look
        # and the widget's style, so one made with other styles is not found)
        self._cache_key = None
        self._look = None

    def look(self) -> Look:
        """The theme's styles for the contents, and whether to draw without colour
        (looked up once per theme and screen height: it takes a millisecond)."""
        tall = self.app.size.height >= TALL_SCREEN
        key = (self.app.theme, tall, few_colours(self.app))
        if self._look is None or self._look[0] != key:
            styles = self.screen.query_one(FigureStyles).styles_by_name()
            look = Look(styles, few_colours(self.app), tall, self.rich_style.bgcolor)
            kept = next((kept for _, kept, _ in self._drawings.values() if kept == look), None)
            self._look = (key, kept or look)  # the same styles: the same look, and its drawings
        return self._look[1]

    def strips(self, width: int) -> list[Strip]:
        """The panel rendered at `width`, cached until the content, size or theme change
        (looked up several times a frame, so the check is cheap)."""
        content = self.content
        if content is None or width <= 0:
            return []
        look = self.look()
        if self._cache_key is not None and self._cache_key[:3] == (id(content), width, id(look)):
            return self._strips  # (a restyle, notify_style_update, forgets the key)
        key = (id(content), width, id(look), self.rich_style)
        self._strips, self._cache_key = self._drawing(key, content, look), key
        return self._strips

    def _drawing(self, key: tuple, content: Any, look: Look) -> list[Strip]:
        """The drawing kept under `key` (see _drawings), else `content` drawn now."""
        kept = self._drawings.get(key)
        if kept is not None:
            self._drawings.move_to_end(key)
            return kept[2]
        width, style = key[1], key[3]
        console = self.app.console
        options = console.options.update(width=width, height=None, highlight=False)
        lines = console.render_lines(
            content.renderable(look), options, style=style, pad=True, new_lines=False
        )
        strips = [Strip(_clickable(line), width) for line in lines]
        self._drawings[key] = (content, look, strips)
        if len(self._drawings) > DRAWINGS_KEPT:
            self._drawings.popitem(last=False)
        return strips

    def prepare(self, content: Any) -> None:
        """Draw `content` ahead, as it would be drawn now, into the kept drawings: when
        it is shown next, its lines are there. Nothing on screen changes; a panel not
        on screen draws nothing."""
        width = self._width()
        if content is None or width <= 0 or not self.display or not self.region:
            return
        look = self.look()
        self._drawing((id(content), width, id(look), self.rich_style), content, look)

    @property
    def text(self) -> str:
        """What the panel shows, as plain text (for tests and the tmux check)."""
        return "\n".join(strip.text for strip in self.strips(self._width()))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._layout_width = width
        self._laid_height = self._hold(width, len(self.strips(width)))
        return self._laid_height

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


class TokenStripView(OneLayout, HeldHeight, Widget):
    """The input sequence in reading order with the current step highlighted and the
    probed input pinned beside the window; under it two measures of each input at the
    current step: the influence ‖∂s_t/∂x_k‖ (a local slope, not memory) and the memory
    ‖s_t − s_t(x_k replaced)‖ (the network run again); and at the end of a many-to-one
    reading, each word's share of the prediction (the colour mixing)."""

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

    _fitted: tuple[tuple, Any, int] | None = None
    """What `fitted` drew last: (its key, the renderable, its height)."""
    view: reactive[View] = reactive(View)
    """The step, layer and direction shown."""
    numbers: reactive[bool] = reactive(False)
    """Write the influence and memory values in their slots."""
    pinned: reactive[int | None] = reactive(None)
    """The input the memory measures follow (1-based), kept on screen; None: none."""

    def watch_view(self) -> None:
        self._redraw()

    def watch_numbers(self) -> None:
        self._redraw()

    def watch_pinned(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        """Draw again; lay the screen out again only when the strip needs more lines (a
        step moves the highlight, not the lines: a layout of the whole screen per key
        was most of a step's time). Fewer keep theirs (HeldHeight) until set_sequence:
        the colour mixing at the end of a reading does not move the panels under it at
        every step off it and back."""
        width = self.content_size.width
        if self._laid_height is None or width <= 0 or not 1 <= self.view.t <= self.steps:
            # (a new sequence before the app's view is clamped to it: drawn once it is)
            self.refresh(layout=True)
            return
        lines, laid = self.fitted(width)[1], self._laid_height
        layout = lines > laid or (lines < laid and not self.holds)
        self.refresh(layout=layout)
        if not layout:
            self._settled()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # a new theme or class: draw again with its styles (a theme's restyle may come
        # after a drawing that already had the new theme's name in its key)
        self._fitted = None

    class Probed(Message):
        """A word was clicked: follow input `k` (1-based)."""

        def __init__(self, k: int) -> None:
            super().__init__()
            self.k = k

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
        self.memory: np.ndarray | None = None
        """(T, T) ‖s_t − s_t(x_k replaced)‖ (engine.memory.Replaced.effect), or None."""
        self.memory_note = ""
        self.rule = ""  # what x_k is replaced with (scenario.memory.Probe.rule)
        self.swaps = False  # does the rule name tokens (A→B), not just x_k → 0?
        self.mixing: tuple[np.ndarray, str, float] | None = None
        """Each input's share of the prediction (Replaced.shares), the label and its p;
        None without a many-to-one readout with labels."""
        self._fitted = None
        self._version = 0  # counts the changes of the data drawn (a key of `_fitted`)
        self._laid_height: int | None = None  # the height of the last layout, in lines

    def on_click(self, event: events.Click) -> None:
        k = event.style.meta.get("probe")
        if isinstance(k, int):
            self.post_message(self.Probed(k))

    def set_sequence(self, tokens: list[str] | None, steps: int) -> None:
        """Show another input sequence (its measures come later, or not at all)."""
        self.tokens, self.steps = tokens, steps
        self.influence, self.influence_note = None, ""
        self.memory, self.memory_note, self.mixing = None, "", None
        self.set_reactive(TokenStripView.pinned, None)
        self._version += 1
        self.release_height()
        self.refresh(layout=True)

    def show_influence(self, values: np.ndarray, network: Any) -> None:
        """‖∂s_t/∂x_k‖ (T, T) of `network`, saying what it differentiates where that is
        not simply s_t: the top layer, both directions merged (a layer or direction
        selected below would otherwise look meant)."""
        self.set_influence(values, subject=subject_of(network))

    def set_influence(
        self, influence: np.ndarray | None, note: str = "", subject: str = ""
    ) -> None:
        """influence: (T, T) ‖∂s_t/∂x_k‖, or None with a note saying why there is none;
        subject: which state s is, when not plainly the one layer's (e.g. "top layer")."""
        self.influence, self.influence_note, self.subject = influence, note, subject
        self._version += 1
        self.refresh(layout=True)

    def set_memory(
        self,
        found: Any,
        replaced: Any,
        network: Any = None,
        labels: list[str] | None = None,
        note: str = "",
    ) -> None:
        """Every input replaced in turn: `found` (scenario.memory.Probe) and `replaced`
        (engine.memory.Replaced) of `network`, whose output `labels` name; or None for
        both with a note saying why there is none (computing, or skipped)."""
        self.mixing = None
        self._version += 1
        if replaced is None:
            self.memory, self.memory_note = None, note
            self.refresh(layout=True)
            return
        self.memory, self.memory_note = replaced.effect, ""
        self.rule = found.rule().replace("x_k", "xₖ")
        self.swaps = len(set(found.names)) > 1
        if network is not None:
            self.subject = self.subject or subject_of(network)
        final = replaced.final
        many_to_one = network is not None and network.readout == "last"
        if many_to_one and labels and final is not None and np.all(np.isfinite(final)):
            best = int(np.argmax(final))
            shares = replaced.shares(best)
            if shares is not None:
                self.mixing = (shares, labels[best], float(final[best]))
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

    @property
    def memory_row(self) -> np.ndarray | None:
        """The memory values under the words: ‖s_t − s_t(x_k replaced)‖ for the
        current t, (T,)."""
        if self.memory is None:
            return None
        return self.memory[self.view.t - 1]

    def strip(self, *, legend: bool = True, influence: bool = True) -> TokenStrip:
        """The strip; without the captions' own lines (legend) or the influence line
        where the screen is short of lines."""
        style = self.get_component_rich_style
        t = self.view.t
        symbol = f"‖∂s{sub(t)}/∂xₖ‖"
        subject = _("({subject})").format(subject=self.subject) + " " if self.subject else ""
        local = _("local sensitivity, not memory:")
        change = f"xₖ: {self.rule}" if self.swaps else self.rule
        formula = f"‖s{sub(t)} − s{sub(t)}({change})‖"
        memory = _("memory:")
        pinned = self.pinned if self.pinned is not None and self.pinned <= self.steps else None
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
            influence=self.row if influence else None,
            influence_numbers=self.numbers,
            influence_caption=(  # the longest that fits the line
                f"{local} {symbol} {subject}{_('(i: numbers)')}",
                f"{local} {symbol} {subject}".rstrip(),
                f"{symbol} {_('(not memory)')}",
                symbol,
            ),
            influence_note=self.influence_note if influence else "",
            memory=self.memory_row,
            memory_caption=(
                f"{memory} {formula} {subject}{_('re-run')}",
                f"{memory} {formula}",
                formula,
                f"‖s{sub(t)} − s{sub(t)}(xₖ)‖",
            ),
            memory_note=self.memory_note,
            pinned=pinned,
            clickable=True,
            legend=legend,
            mono=few_colours(self.app),
        )

    def mixing_bar(self) -> MixingBar | None:
        """Each word's share of the prediction, at the end of a many-to-one reading."""
        if self.mixing is None or not self.view.is_last(self.steps):
            return None
        shares, label, p = self.mixing
        words = self.tokens or [f"x{sub(k)}" for k in range(1, self.steps + 1)]
        below = int(np.sum(np.asarray(shares) < 0))
        finite = np.asarray(shares)[np.isfinite(shares)]
        total = float(np.sum(finite[finite > 0]))
        what = _("each word's share of p({label}) = {p}: the drop when it is replaced").format(
            label=label, p=f"{p:.2f}"
        )
        rule = f" ({self.rule})" if self.rule else ""
        added = _("; the drops add up to {total}").format(total=f"{total:.2f}")
        clipped = (
            ngettext(
                "; {count} rise shown as 0",
                "; {count} rises shown as 0",
                below,
            ).format(count=below)
            if below
            else ""
        )
        short = _("shares of p({label}) = {p}: drops when replaced").format(
            label=label, p=f"{p:.2f}"
        )
        if not total > 0:
            what = short = _("no word's replacement lowers p({label}) = {p}").format(
                label=label, p=f"{p:.2f}"
            )
            added = ""
        return MixingBar(
            words,
            shares,
            order=self.strip().order,
            label="Σ",
            label_style=self.get_component_rich_style("token-strip--arrow"),
            number_style=self.get_component_rich_style("token-strip--index"),
            numbers=3 if self.app.size.height >= TALL_SCREEN else 0,
            caption=(what + rule + added + clipped, what + added + clipped, what, short),
            mono=few_colours(self.app),
        )

    def budget(self) -> int:
        """The lines the strip may take: 3 on a 12-line screen, one more every 3 lines
        (the step panels below need the rest)."""
        return 3 + max(0, self.app.size.height - 12) // 3

    def fitted(self, width: int) -> tuple[Any, int]:
        """What the strip draws at `width` within budget() lines, and its height: all
        of it, else without the captions' own lines, the influence line, the colour
        mixing, in that order (the words, their t and the memory line stay). Cached
        until anything it shows changes."""
        key = (
            self.view, width, self.pinned, self.numbers, self.app.size.height,
            self._version, few_colours(self.app), self.app.theme,
        )  # fmt: skip
        if self._fitted is not None and self._fitted[0] == key:
            return self._fitted[1], self._fitted[2]
        console = self.app.console
        options = console.options.update(width=max(width, 1), height=None)
        budget = self.budget()
        bar = self.mixing_bar()
        tries = (
            (True, True, bar),
            (False, True, bar),
            (False, False, bar),
            (False, False, None),
        )
        for legend, influence, mixing in tries:
            strip = self.strip(legend=legend, influence=influence)
            drawn: Any = strip if mixing is None else Group(strip, mixing)
            height = len(console.render_lines(drawn, options, pad=False))
            if height <= budget:
                break
        self._fitted = (key, drawn, height)
        return drawn, height

    def render(self) -> Any:
        return self.fitted(self.content_size.width or self.size.width)[0]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._laid_height = self._hold(width, self.fitted(width)[1])
        return self._laid_height


def subject_of(network: Any) -> str:
    """Which state the strip's measures are of, when not plainly the one layer's: the
    top layer, both directions merged ("" for one layer, one way)."""
    parts = [_("top layer")] if network.num_layers > 1 else []
    if network.bidirectional:
        parts.append(_("both directions merged"))
    return _(", ").join(parts)
