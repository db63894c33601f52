"""weight_matrix: a weight matrix (or bias vector) drawn as a heatmap, in blocks of rows.

An LSTM's or GRU's W_ih and W_hh stack one block of H rows per gate (PyTorch's order);
each block is drawn under its gate's name. A big matrix shows a window of rows around
the selected unit and 64 columns around the selected unit's column, and says what it
left out. The selected unit is marked where it really is: ▶ on its rows where rows are
units (W_ih, W_hh: row j of each gate's block computes unit j), ▼ over its columns where
columns read it (W_hh's column j multiplies s_{t-1}[j]; W_oh's column j, and H + j with
concat, reads the top state's unit j). A matrix of a few rows (W_oh's outputs) draws one
line per row, named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.style import Style
from rich.text import Text

from ..i18n import _, ngettext
from .heatmap import Heatmap
from .layout import Beside, window
from .palette import ColorScale

MAX_COLUMNS = 64
"""Columns of a matrix drawn at most."""


@dataclass(frozen=True)
class Matrix:
    """A named weight matrix (rows, cols) or vector (cols,), its block names (gates).

    unit_rows: the rows of each block are the units (row j of each block computes unit j
    of the state, so the selected unit's rows are marked ▶); unit_columns: the columns
    (0-based) that read the selected unit (marked ▼): a column of W_hh, of W_oh (two
    with concat's halves), the entries of a bias. caption: a line under the name (when
    the matrix is used)."""

    name: str
    data: np.ndarray
    blocks: tuple[str, ...] = ()
    row_names: tuple[str, ...] | None = None
    unit_rows: bool = False
    unit_columns: tuple[int, ...] = ()
    caption: str = ""


class ColumnMarks:
    """ "▼" over the marked columns of a heatmap (cell characters each, after its row
    labels); nothing when the heatmap wraps into bands at the width it gets, where a
    mark would stand over the wrong column."""

    def __init__(self, heatmap: Heatmap, columns: Sequence[int], style: Style) -> None:
        self.heatmap = heatmap
        self.columns = sorted(columns)
        self.style = style

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.heatmap)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        layout = self.heatmap.layout(options.max_width)
        if len(layout.bands) != 1:
            return
        labels = self.heatmap.row_labels
        offset = max(len(label) for label in labels) + 1 if labels else 0
        line = [" "] * (offset + self.heatmap.data.shape[1] * layout.cell_width)
        for col in self.columns:
            at = offset + col * layout.cell_width
            line[at : at + layout.cell_width - layout.gap] = "▼" * (layout.cell_width - layout.gap)
        yield Text("".join(line).rstrip(), self.style)


def _row_label(mark: bool, gate: str, row: int, width: int, gate_width: int = 0) -> str:
    """ "▶i 3": the mark of the selected unit, the gate (when blocks have names, padded
    to gate_width cells) and the row's unit number, right-aligned to `width` digits."""
    prefix = "▶" if mark else " "
    gate = gate + " " * (gate_width - cell_len(gate) + 1) if gate else ""
    return f"{prefix}{gate}{str(row + 1).rjust(width)}"


def weight_matrix(
    m: Matrix,
    scale: ColorScale,
    *,
    unit: int,
    max_rows: int = 16,
    mono: bool | None = None,
    label_style: Style | None = None,
    muted_style: Style | None = None,
    mark_style: Style | None = None,
) -> Group:
    """m drawn on `scale`: its name and shape, then each block of rows (a window around
    `unit`, 1-based, of at least 8 rows and max_rows in all), then what was left out.
    Where the selected unit is: ▶ on its rows (when m.unit_rows), ▼ over its columns
    (m.unit_columns), and a line saying so."""
    label = label_style or Style()
    muted = muted_style or Style()
    marked = mark_style or label
    data = m.data if m.data.ndim == 2 else m.data[None, :]
    rows_all, cols_all = data.shape
    title = Text(m.name, label)
    shape = f"{rows_all} × {cols_all}" if m.data.ndim == 2 else f"{cols_all}"
    title.append(f"  {shape}", muted)
    out: list[RenderableType] = [title]
    if m.caption:
        out.append(Text(m.caption, muted))
    blocks = m.blocks or ("",)
    per = rows_all // len(blocks) if m.data.ndim == 2 else 1
    focus = m.unit_columns[0] if m.unit_columns else 0
    cols = window(cols_all, focus, MAX_COLUMNS)
    columns = tuple(c - cols.start for c in m.unit_columns if c in cols)
    cell = 2 if cols_all <= 32 else 1
    cut = []
    for b, gate in enumerate(blocks):
        if m.data.ndim == 1:
            block = data
            rows = range(1)
        else:
            block = data[b * per : (b + 1) * per]
            rows = window(per, unit - 1, max(8, max_rows // len(blocks)))
        part = block[rows.start : rows.stop, cols.start : cols.stop]
        labels = None
        if m.data.ndim == 2 and m.unit_rows:
            # the rows are units: one line each, named by gate and unit, the selected one ▶
            digits = len(str(per))
            gate_width = max(cell_len(g) for g in blocks)
            labels = [_row_label(r == unit - 1, gate, r, digits, gate_width) for r in rows]
        elif m.data.ndim == 2 and not m.blocks and part.shape[0] <= 8:
            # a few rows (the outputs of W_oh): one line each, named
            names = m.row_names or tuple(str(r + 1) for r in range(rows_all))
            labels = [" " + names[r] for r in rows]
        if labels is not None:
            heatmap = Heatmap(
                part,
                scale,
                cell_width=cell,
                gap=0,
                cell_height=2,
                row_labels=labels,
                mono=mono,
                label_style=muted,
            )
        else:
            heatmap = Heatmap(part, scale, cell_width=cell, gap=0, cell_height=1, mono=mono)
        if columns and b == 0:
            out.append(ColumnMarks(heatmap, columns, marked))
        if gate and labels is None:
            out.append(Beside([Text(gate.ljust(2), muted), heatmap], gap=0))
        else:
            out.append(heatmap)
        if len(rows) < block.shape[0]:
            cut.append(
                _("{what} {a}–{b} of {n}").format(
                    what=gate or _("rows"), a=rows.start + 1, b=rows.stop, n=block.shape[0]
                )
            )
    if len(cols) < cols_all:
        cut.append(_("columns {a}–{b} of {n}").format(a=cols.start + 1, b=cols.stop, n=cols_all))
    if cut:
        out.append(Text(_("shown: ") + _(", ").join(cut), muted))
    where = []
    if m.unit_rows and m.data.ndim == 2:
        where.append(_("▶ its row") if len(blocks) == 1 else _("▶ its row in each gate's block"))
    if m.unit_columns:
        numbers = _(", ").join(str(c + 1) for c in m.unit_columns)
        n = len(m.unit_columns)
        if m.data.ndim == 1:
            said = ngettext("▼ its entry {numbers}", "▼ its entries {numbers}", n)
        else:
            said = ngettext("▼ its column {numbers}", "▼ its columns {numbers}", n)
        where.append(said.format(numbers=numbers))
    if where:
        out.append(Text(_("unit {unit}: ").format(unit=unit) + _(", ").join(where), marked))
    return Group(*out)


if __name__ == "__main__":  # pragma: no cover - a demo: python -m rnn_tui.render.matrices
    from rich.console import Console

    w = np.random.default_rng(0).normal(size=(12, 5))
    gates = Matrix("W_hh", w, blocks=("r", "z", "n"))
    Console().print(weight_matrix(gates, ColorScale.symmetric(w), unit=2))
