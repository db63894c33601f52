"""HistoryDrawing: the states of a run over time as a unit × time heatmap.

Time runs left to right (as in the token strip), units top to bottom; the current step
is marked on a time axis ("▼ now") and the steps a direction has not read yet are left
blank. The window of steps shown depends on the console's width, so the drawing is done
at render time: a 100,000-step history draws only the columns that fit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.style import Style
from rich.text import Text

from ..i18n import _
from .heatmap import Heatmap, Legend
from .layout import window
from .palette import ColorScale

FILLED = ("forward", "backward", "all")
"""Which steps of a history are drawn: up to t, from t on, or every one."""


@dataclass(frozen=True)
class HistoryBlock:
    """The states of one direction (or the cell state): states (T, H) by time; filled:
    "forward" draws t' <= t, "backward" t' >= t, "all" every step."""

    name: str
    states: np.ndarray
    scale: ColorScale
    filled: str


@dataclass(frozen=True)
class HistoryStyles:
    """The styles of a history: block names, the time axis, the current step, "▼ now"."""

    label: Style = Style()
    muted: Style = Style()
    highlight: Style = Style()
    accent: Style = Style()


class HistoryDrawing:
    """blocks drawn one under the other at the console's width: at most `max_rows` units
    around `unit` and the steps that fit around `t` (both 1-based); cell_width 0 picks
    the widest cell (4, 3, 2 or 1 characters) that shows every step. header and notes
    go above and below, with a legend of the first block's scale; cell_meta(unit0, t0)
    gives the heatmap's cell meta for a window starting at that unit and step (0-based)."""

    def __init__(
        self,
        blocks: Sequence[HistoryBlock],
        *,
        t: int,
        unit: int,
        max_rows: int = 16,
        cell_width: int = 0,
        header: RenderableType | None = None,
        notes: Sequence[RenderableType] = (),
        mono: bool | None = None,
        styles: HistoryStyles | None = None,
        cell_meta: Callable[[int, int], Callable[[int, int], dict]] | None = None,
    ) -> None:
        self.blocks = list(blocks)
        self.t = t
        self.unit = unit
        self.max_rows = max_rows
        self.cell_width = cell_width
        self.header = header
        self.notes = list(notes)
        self.mono = mono
        self.styles = styles or HistoryStyles()
        self.cell_meta = cell_meta

    def block(self, block: HistoryBlock, width: int) -> list[RenderableType]:
        """One block at `width` columns: its name, the time axis, "▼ now", the heatmap."""
        styles = self.styles
        T, H = block.states.shape
        rows = window(H, self.unit - 1, self.max_rows)
        label_width = len(f"▶u{rows[-1] + 1}") + 1
        room = max(1, width - label_width)
        cell = self.cell_width or next((c for c in (4, 3, 2) if T * c <= room), 1)
        cols = window(T, self.t - 1, room // cell)
        data = block.states[cols.start : cols.stop, rows.start : rows.stop].T  # (units, time)
        times = np.arange(cols.start + 1, cols.stop + 1)
        mask = None
        if block.filled == "forward":
            mask = np.broadcast_to(times > self.t, data.shape)
        elif block.filled == "backward":
            mask = np.broadcast_to(times < self.t, data.shape)
        labels = [("▶" if r == self.unit - 1 else " ") + f"u{r + 1}" for r in rows]
        meta: Any = self.cell_meta(rows.start, cols.start) if self.cell_meta else None
        heatmap = Heatmap(
            data,
            block.scale,
            cell_width=cell,
            gap=1 if cell >= 3 else 0,
            cell_height=2,
            row_labels=labels,
            mono=self.mono,
            label_style=styles.label,
            mask=mask,
            cell_meta=meta,
        )
        # the time axis: the current t always, others where they fit whole (a number may
        # run past the last cell, never past the width: never cut)
        axis_width = max(label_width + len(cols) * cell, width)
        axis = [" "] * axis_width
        taken = [False] * axis_width
        now = label_width + (self.t - 1 - cols.start) * cell

        def place(t: int, force: bool = False) -> int:
            text = str(t)
            at = label_width + (t - 1 - cols.start) * cell
            if force:  # the current t: moved left only when it would not fit
                at = max(0, min(at, width - len(text)))
            elif at + len(text) > width:
                return at
            span = range(at, min(at + len(text) + 1, axis_width))
            if not force and any(taken[i] for i in span):
                return at
            for i, ch in zip(span, text, strict=False):
                axis[i] = ch
            for i in span:
                taken[i] = True
            return at

        at = place(self.t, force=True)
        for t in range(cols.start + 1, cols.stop + 1):
            place(t)
        axis_text = Text("t" + "".join(axis)[1:].rstrip(), styles.muted)
        axis_text.stylize(styles.highlight, at, at + len(str(self.t)))
        now_text = _("▼ now")
        if now + cell_len(now_text) <= width:
            marker = Text(" " * now + now_text, styles.accent)
        else:  # at the right edge: the word before the arrow, the arrow over the step
            before = _("now ▼")
            marker = Text(" " * max(0, now + 1 - cell_len(before)) + before, styles.accent)
        title = Text(block.name, styles.label)
        if len(cols) < T or len(rows) < H:
            shown = _("steps {a}–{b} of {T}, units {c}–{d} of {H}").format(
                a=cols.start + 1, b=cols.stop, T=T, c=rows.start + 1, d=rows.stop, H=H
            )
            title.append(f"   {shown}", styles.muted)
        return [title, axis_text, marker, heatmap]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        parts: list[RenderableType] = [] if self.header is None else [self.header]
        if self.blocks:
            parts.append(Legend(self.blocks[0].scale, mono=self.mono))
        for block in self.blocks:
            parts.extend(self.block(block, options.max_width))
        parts.extend(self.notes)
        yield Group(*parts)


if __name__ == "__main__":  # pragma: no cover - a demo: python -m rnn_tui.render.history
    states = np.tanh(np.cumsum(np.random.default_rng(0).normal(size=(40, 6)), axis=0) / 4)
    forward = HistoryBlock("→s_t", states, ColorScale(-1.0, 1.0), "forward")
    Console().print(HistoryDrawing([forward], t=12, unit=2, header=Text("History", "bold")))
