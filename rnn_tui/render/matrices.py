"""weight_matrix: a weight matrix (or bias vector) drawn as a heatmap, in blocks of rows.

An LSTM's or GRU's W_ih and W_hh stack one block of H rows per gate (PyTorch's order);
each block is drawn under its gate's name. A big matrix shows a window of rows around
the selected unit and its first 64 columns, and says what it left out; a matrix of a
few rows draws one line per row, named, the selected unit's row marked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text

from ..i18n import _
from .heatmap import Heatmap
from .layout import Beside, window
from .palette import ColorScale

MAX_COLUMNS = 64
"""Columns of a matrix drawn at most."""


@dataclass(frozen=True)
class Matrix:
    """A named weight matrix (rows, cols) or vector (cols,), its block names (gates)."""

    name: str
    data: np.ndarray
    blocks: tuple[str, ...] = ()
    row_names: tuple[str, ...] | None = None


def weight_matrix(
    m: Matrix,
    scale: ColorScale,
    *,
    unit: int,
    max_rows: int = 16,
    mono: bool | None = None,
    label_style: Style | None = None,
    muted_style: Style | None = None,
) -> Group:
    """m drawn on `scale`: its name and shape, then each block of rows (a window around
    `unit`, 1-based, of at least 8 rows and max_rows in all), then what was left out."""
    label = label_style or Style()
    muted = muted_style or Style()
    data = m.data if m.data.ndim == 2 else m.data[None, :]
    rows_all, cols_all = data.shape
    title = Text(m.name, label)
    shape = f"{rows_all} × {cols_all}" if m.data.ndim == 2 else f"{cols_all}"
    title.append(f"  {shape}", muted)
    out: list[RenderableType] = [title]
    blocks = m.blocks or ("",)
    per = rows_all // len(blocks) if m.data.ndim == 2 else 1
    cols = range(min(cols_all, MAX_COLUMNS))
    cell = 2 if cols_all <= 32 else 1
    cut = []
    for b, gate in enumerate(blocks):
        if m.data.ndim == 1:
            block = data
            rows = range(1)
        else:
            block = data[b * per : (b + 1) * per]
            rows = window(per, unit - 1, max(8, max_rows // len(blocks)))
        part = block[rows.start : rows.stop, : cols.stop]
        if m.data.ndim == 2 and not m.blocks and part.shape[0] <= 8:
            # a few rows: one line each, named, the selected unit's row marked
            names = m.row_names or tuple(str(r + 1) for r in range(rows_all))
            labels = [("▶" if r == unit - 1 else " ") + names[r] for r in rows]
            out.append(
                Heatmap(
                    part,
                    scale,
                    cell_width=cell,
                    gap=0,
                    cell_height=2,
                    row_labels=labels,
                    mono=mono,
                    label_style=muted,
                )
            )
        else:
            heatmap = Heatmap(part, scale, cell_width=cell, gap=0, cell_height=1, mono=mono)
            out.append(Beside([Text(gate.ljust(2), muted), heatmap], gap=0) if gate else heatmap)
        if len(rows) < block.shape[0]:
            cut.append(
                _("{what} {a}–{b} of {n}").format(
                    what=gate or _("rows"), a=rows.start + 1, b=rows.stop, n=block.shape[0]
                )
            )
    if cols.stop < cols_all:
        cut.append(_("columns 1–{b} of {n}").format(b=cols.stop, n=cols_all))
    if cut:
        out.append(Text(_("shown: ") + _(", ").join(cut), muted))
    return Group(*out)


if __name__ == "__main__":  # pragma: no cover - a demo: python -m rnn_tui.render.matrices
    from rich.console import Console

    w = np.random.default_rng(0).normal(size=(12, 5))
    gates = Matrix("W_hh", w, blocks=("r", "z", "n"))
    Console().print(weight_matrix(gates, ColorScale.symmetric(w), unit=2))
