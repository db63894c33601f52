"""UnrolledDiagram: the tutorial's picture of a recurrent network, rolled and unrolled.

On the left the folded cell with its loop (sections 3.1, 3.3), on the right the same
cell unrolled in time (3.2): x₁ … x_T below, the chain s₁ → … → s_T, the outputs above,
every arrow named by its weights, so "are the three W the same at every step?" (3.4)
answers itself. A bidirectional network gets a second chain running right to left with
its own weights W' (3.6); a many-to-one readout gets one o, after the last step (4).

      o           o₁          o₂          o₃
      ↑ W_oh      ↑W_oh       ↑W_oh       ↑W_oh
    [RNN]↺ W_hh   s₁ ──W_hh─→ s₂ ──W_hh─→ s₃
      ↑ W_ih      ↑W_ih       ↑W_ih       ↑W_ih
      x           x₁          x₂          x₃
                  what        time        is

Time always runs left to right (as in the tutorial's figures); the backward chain's
arrows point left. A long sequence is windowed around the current step with "…" at
the cut ends: only the slots near it are measured, so the cost is bounded by the
width, never by T. Labels are escaped (`text.visible`) and drawn as plain text, never
read as markup; widths are terminal cells (CJK words count twice). The current step
is marked by a style (reverse and bold by default), so no colour is needed to read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from ..text import visible
from .notation import state_symbol, sub

DIRECTIONS = ("forward", "backward", "both")
READOUTS = ("every", "last", None)
MAX_TOKEN = 12
"""A word wider than this many cells is cut, with "…", so one long token cannot fill the line."""
GAP = 3
"""Blank columns between the folded cell and the unrolled chain when they sit side by side."""
MIN_CHAIN = 30
"""The unrolled chain goes under the folded cell when less than this is left beside it."""
LOOPS = {"forward": "↺", "backward": "↻"}


def _mark(chain: str) -> str:
    """The prime of the backward direction's own weights (W'), "" going forward."""
    return "'" if chain == "backward" else ""


def fit(text: str, width: int) -> str:
    """`text` cut to at most `width` terminal cells, "…" at the cut (wide characters
    count twice; a cut never splits one)."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1).rstrip() + "…"


@dataclass(frozen=True)
class DiagramStyles:
    """symbol: x, s, o and the cell; weight: the arrows and their weight names;
    highlight: the current step; muted: what the reading has not reached yet, and the
    "…" of a cut; title: the optional title line."""

    symbol: Style = field(default_factory=Style)
    weight: Style = field(default_factory=lambda: Style(italic=True))
    highlight: Style = field(default_factory=lambda: Style(reverse=True, bold=True))
    muted: Style = field(default_factory=lambda: Style(dim=True))
    title: Style = field(default_factory=lambda: Style(bold=True))


class _Row:
    """One line built left to right: `put` pads with blanks up to a column, then writes."""

    def __init__(self) -> None:
        self.text = Text(no_wrap=True, end="")
        self.width = 0

    def put(self, column: int, text: str, style: Style) -> None:
        if column > self.width:
            self.text.append(" " * (column - self.width))
            self.width = column
        self.text.append(text, style)
        self.width += cell_len(text)


class UnrolledDiagram:
    """tokens: the words (or None: the inputs are vectors); steps: T; current: the step
    shown (1-based); direction: "forward", "backward" or "both" (the chains shown; a
    one-way network shows forward only); bidirectional: the network has the backward
    chain with its own weights W'; readout: "every" (o_t at every step), "last" (one
    o after the last step) or None (no output); cell: "rnn", "lstm" or "gru"; layers:
    how many are stacked in the cell; title: an optional first line.

    After a render, `drawn` holds the steps drawn and `measured` counts the slots
    measured: both are bounded by the width, whatever T is."""

    def __init__(
        self,
        tokens: Sequence[str] | None,
        steps: int,
        current: int,
        *,
        direction: str = "forward",
        bidirectional: bool = False,
        readout: str | None = "every",
        cell: str = "rnn",
        layers: int = 1,
        title: str | Text = "",
        styles: DiagramStyles | None = None,
    ) -> None:
        if steps < 1:
            raise ValueError(f"steps must be at least 1, not {steps}")
        if not 1 <= current <= steps:
            raise ValueError(f"current must be in 1..{steps}, not {current}")
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be forward, backward or both, not {direction!r}")
        if direction != "forward" and not bidirectional:
            raise ValueError(f"direction {direction!r} needs a bidirectional network")
        if readout not in READOUTS:
            raise ValueError(f"readout must be 'every', 'last' or None, not {readout!r}")
        if layers < 1:
            raise ValueError(f"layers must be at least 1, not {layers}")
        if tokens is not None and len(tokens) != steps:
            raise ValueError(f"{len(tokens)} tokens for {steps} steps")
        self.tokens = tokens
        self.steps = steps
        self.current = current
        self.direction = direction
        self.bidirectional = bidirectional
        self.readout = readout
        self.cell = visible(cell)
        self.layers = layers
        self.title = title
        self.styles = styles or DiagramStyles()
        self.chains: tuple[str, ...] = (
            ("forward", "backward") if direction == "both" else (direction,)
        )
        self.drawn: list[int] = []
        self.measured = 0
        self._widths: dict[int, int] = {}

    # ------------------------------------------------------------------ names
    def hh(self, chain: str) -> str:
        """The recurrent weights of a chain: W_hh, or the backward one's own W'_hh."""
        return f"W{_mark(chain)}_hh"

    def ih(self, chain: str) -> str:
        """The input weights of a chain: W_ih, or W'_ih."""
        return f"W{_mark(chain)}_ih"

    def state(self, t: int, chain: str) -> str:
        """s₃, or →s₃ / ←s₃ on a bidirectional network."""
        return state_symbol(t, chain if self.bidirectional else None)

    def word(self, t: int) -> str:
        """The token at step t, escaped and cut to MAX_TOKEN cells ("" for vectors)."""
        if self.tokens is None:
            return ""
        return fit(visible(str(self.tokens[t - 1])), MAX_TOKEN)

    @property
    def link(self) -> int:
        """The width of the gap between two slots: an arrow with its weight name."""
        return max(cell_len(self.hh(chain)) for chain in self.chains) + 4

    @property
    def up_ih(self) -> str:
        """The label of the arrows from x_t: "↑W_ih" (both chains: "↑W_ih W'_ih")."""
        return "↑" + " ".join(self.ih(chain) for chain in self.chains)

    UP_OH = "↑W_oh"

    def _slot(self, t: int) -> int:
        """The width of step t's column: its labels (the vertical arrows' labels may
        run on into the gap after it)."""
        width = self._widths.get(t)
        if width is None:
            self.measured += 1
            labels = [self.state(t, chain) for chain in self.chains]
            labels += [f"x{sub(t)}", self.word(t)]
            if self.readout == "every":
                labels.append(f"o{sub(t)}")
            arrows = [self.up_ih] + ([self.UP_OH] if self.readout else [])
            width = max(
                max(cell_len(label) for label in labels),
                max(cell_len(arrow) for arrow in arrows) - self.link + 1,
            )
            self._widths[t] = width
        return width

    def _unit(self, t: int) -> int:
        return self._slot(t) + self.link

    # ------------------------------------------------------------------ reading
    def _read(self, t: int, chain: str) -> bool:
        """Has the reading reached step t in this chain (its state exists)?"""
        if self.direction == "both":
            return True
        return t <= self.current if chain == "forward" else t >= self.current

    @property
    def _end(self) -> int:
        """The last step in reading order, where a many-to-one output appears."""
        return 1 if self.direction == "backward" else self.steps

    # ------------------------------------------------------------------ layout
    def _tail(self, t: int, cut: bool) -> int:
        """The cells the last slot drawn takes: its column, the arrow and "…" of a cut,
        or else just what its labels need (the arrows' labels run on past its column)."""
        if cut:
            return self._unit(t) + 1
        return max(self._slot(t), cell_len(self.up_ih), cell_len(self.UP_OH))

    def window(self, room: int) -> tuple[list[int], bool, bool]:
        """The steps drawn in `room` cells, and whether the sequence is cut on the left
        and on the right. All steps when they fit, else a run around the current one
        grown a step at a time on each side: only the slots near it are measured."""
        T, L = self.steps, self.link

        def width(i: int, j: int, inner: int) -> int:  # steps i..j, inner: all but j's
            return (1 + L if i > 1 else 0) + inner + self._tail(j, j < T)

        if T * (2 + L) <= room:  # short enough to measure whole
            inner = sum(self._unit(t) for t in range(1, T))
            if width(1, T, inner) <= room:
                return list(range(1, T + 1)), False, False
        i = j = self.current
        inner = 0  # the units of i..j-1
        while True:
            grown = False
            if j < T and width(i, j + 1, inner + self._unit(j)) <= room:
                inner += self._unit(j)
                j += 1
                grown = True
            if i > 1 and width(i - 1, j, inner + self._unit(i - 1)) <= room:
                i -= 1
                inner += self._unit(i)
                grown = True
            if not grown:
                return list(range(i, j + 1)), i > 1, j < T

    def _arrow(self, chain: str, width: int, target_read: bool) -> tuple[str, Style]:
        """The arrow between two states, `width` cells with a blank at each end:
        " ─W_hh→ " going forward, " ←W'_hh─ " going backward."""
        name = self.hh(chain)
        extra = max(0, width - 2 - cell_len(name) - 2)
        left, right = 1 + extra // 2, extra - extra // 2
        if chain == "forward":
            body = "─" * left + name + "─" * right + "→"
        else:
            body = "←" + "─" * right + name + "─" * left
        style = self.styles.weight if target_read else self.styles.muted
        return f" {body} ", style

    def _folded(self) -> dict[str, str]:
        """The folded cell's lines by row: o, its arrow, the cell with its loop (one line
        per chain), the arrow from x, x."""
        name = self.cell.upper() + (f"×{self.layers}" if self.layers > 1 else "")
        box = f"[{name}]"
        prefix = 1 if self.bidirectional else 0
        pad = " " * (prefix + cell_len(box) // 2)
        lines: dict[str, str] = {}
        if self.readout:
            lines["o"] = pad + "o"
            lines["oh"] = pad + "↑ W_oh"
        for chain in self.chains:
            arrow = {"forward": "→", "backward": "←"}[chain] if self.bidirectional else ""
            lines[chain] = f"{arrow}{box}{LOOPS[chain]} {self.hh(chain)}"
        lines["ih"] = pad + "↑ " + ", ".join(self.ih(chain) for chain in self.chains)
        lines["x"] = pad + "x"
        return lines

    def _rows(self, room: int) -> dict[str, Text]:
        """The unrolled chain's lines by row, in `room` cells."""
        shown, cut_left, cut_right = self.window(room)
        self.drawn = shown
        styles, L, T = self.styles, self.link, self.steps
        columns: dict[int, int] = {}
        column = 1 + L if cut_left else 0
        for t in shown:
            columns[t] = column
            column += self._unit(t)
        end = column  # where the "…" of a cut on the right goes
        rows: dict[str, _Row] = {}
        if self.readout:
            rows["o"], rows["oh"] = _Row(), _Row()
        for chain in self.chains:
            rows[chain] = _Row()
        rows["ih"], rows["x"] = _Row(), _Row()
        if self.tokens is not None:
            rows["tokens"] = _Row()

        def marked(t: int, read: bool = True) -> Style:
            if t == self.current:
                return styles.highlight
            return styles.symbol if read else styles.muted

        # the chains: s_t and the arrows between them (into a cut end: "…")
        for chain in self.chains:
            row = rows[chain]
            if cut_left:
                row.put(0, "…", styles.muted)
                first = shown[0]
                target = first if chain == "forward" else first - 1
                row.put(1, *self._arrow(chain, L, self._read(target, chain)))
            for k, t in enumerate(shown):
                label = self.state(t, chain)
                row.put(columns[t], label, marked(t, self._read(t, chain)))
                after = shown[k + 1] if k + 1 < len(shown) else None
                if after is None and not cut_right:
                    continue
                target = t + 1 if chain == "forward" else t
                stop = columns[after] if after is not None else end
                width = stop - row.width
                row.put(row.width, *self._arrow(chain, width, self._read(target, chain)))
            if cut_right:
                row.put(end, "…", styles.muted)

        # the inputs and the arrows up from them
        for t in shown:
            rows["ih"].put(columns[t], self.up_ih, styles.weight)
            rows["x"].put(columns[t], f"x{sub(t)}", marked(t))
            if self.tokens is not None:
                rows["tokens"].put(columns[t], self.word(t), marked(t))

        # the outputs: one per step, or one after the last step (many-to-one)
        if self.readout == "every":
            for t in shown:
                read = any(self._read(t, chain) for chain in self.chains)
                rows["oh"].put(columns[t], self.UP_OH, styles.weight if read else styles.muted)
                rows["o"].put(columns[t], f"o{sub(t)}", marked(t, read))
        elif self.readout == "last":
            # o_T, or on a bidirectional network o of the final state of each direction,
            # above the step where the reading ends (t = 1 going backward)
            label = f"o{sub(T)}"
            reads = ""
            if self.bidirectional:
                label = "o"
                reads = f"({state_symbol(T, 'forward')}, {state_symbol(1, 'backward')})"
            end_t = self._end
            ready = self.current == end_t
            style = styles.highlight if ready else styles.muted
            row = rows["o"]
            if end_t in columns:
                rows["oh"].put(columns[end_t], self.UP_OH, styles.weight if ready else styles.muted)
                at = columns[end_t]
                if not reads:
                    row.put(at, label, style)
                elif at + cell_len(label) + 1 + cell_len(reads) <= room:
                    row.put(at, label, style)
                    row.put(at + cell_len(label) + 1, reads, styles.symbol)
                else:  # what it reads on its left, o itself above its arrow
                    row.put(max(0, at - 1 - cell_len(reads)), reads, styles.symbol)
                    row.put(at, label, style)
            elif end_t > shown[-1]:  # beyond the window: pointed at, over the "…" of the cut
                label = " ".join(part for part in ("→", label, reads) if part)
                row.put(max(0, min(end + 1, room) - cell_len(label)), label, style)
            else:
                row.put(0, " ".join(part for part in ("←", label, reads) if part), style)
        return {name: row.text for name, row in rows.items()}

    # ------------------------------------------------------------------ Rich
    def _natural(self, max_width: int) -> int:
        """The width the whole diagram takes, or max_width when it may not fit (T is
        then too long to measure whole)."""
        folded = max(cell_len(line) for line in self._folded().values())
        T, L = self.steps, self.link
        if T * (2 + L) > max_width:
            return max_width
        chain = sum(self._unit(t) for t in range(1, T)) + self._tail(T, False)
        return min(max_width, folded + GAP + chain)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        folded = max(cell_len(line) for line in self._folded().values())
        natural = self._natural(options.max_width)
        return Measurement(min(folded, natural), natural)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        self._widths = {}
        self.measured = 0
        lines: list[Text] = []
        if self.title:
            title = self.title if isinstance(self.title, Text) else Text(self.title)
            title = title.copy()
            title.stylize(self.styles.title)
            title.no_wrap = True
            title.truncate(width, overflow="ellipsis")
            lines.append(title)
        folded = self._folded()
        folded_width = max(cell_len(line) for line in folded.values())
        beside = width - folded_width - GAP >= MIN_CHAIN
        rows = self._rows(width - folded_width - GAP if beside else width)
        if beside:
            for name, text in rows.items():
                line = Text(no_wrap=True, end="")
                line.append(self._folded_line(folded, name, folded_width + GAP))
                line.append_text(text)
                lines.append(line)
        else:  # the folded cell above the chain
            lines.extend(self._folded_line(folded, name, 0) for name in folded)
            lines.extend(rows.values())
        for line in lines:
            line.truncate(width)  # a guard for widths too small for one slot
            yield from line.render(console, end="")
            yield Segment.line()

    def _folded_line(self, folded: dict[str, str], name: str, width: int) -> Text:
        """One line of the folded cell, padded to `width`: its symbol parts in the symbol
        style and the weight names (after the arrow or the loop) in the weight style."""
        line = folded.get(name, "")
        styles = self.styles
        text = Text(no_wrap=True, end="")
        if name in self.chains:  # "→[RNN]↺ W_hh": the cell, then its loop
            loop = line.index(LOOPS[name])
            text.append(line[:loop], styles.symbol)
            text.append(line[loop:], styles.weight)
        elif "↑" in line:
            text.append(line, styles.weight)
        else:
            text.append(line, styles.symbol)
        text.append(" " * max(0, width - cell_len(line)))
        return text


if __name__ == "__main__":  # pragma: no cover - a demo: python -m rnn_tui.render.diagram
    demo = Console()
    sentence = ["what", "time", "is", "it", "?"]
    demo.print(UnrolledDiagram(sentence, 5, 3, title="RNN, rolled and unrolled"), width=80)
    demo.print()
    demo.print(
        UnrolledDiagram(
            ["the", "cat", "sat", "on", "the", "mat"],
            6,
            2,
            direction="both",
            bidirectional=True,
            readout="every",
        ),
        width=120,
    )
    demo.print()
    demo.print(UnrolledDiagram(["现在", "几点", "了", "？"], 4, 4, readout="last", cell="gru"))
    demo.print()
    demo.print(UnrolledDiagram(None, 100_000, 50_000, readout="last", cell="lstm", layers=2))
