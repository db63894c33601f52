"""The views beside the step-by-step panels: the numbers behind a cell, all layers,
the history of a state, and the weights with the vectorised input projection.

Each `*_content(stage, view)` reads a Stage (a scenario's trace and colour scales) and
returns a frozen content object whose `renderable(look)` draws it; the app's widget
caches the drawn lines until the content, the width or the theme change. Work per
keypress is bounded by what fits on the screen (windows of units and of time), never
by T × H. Nothing here imports textual.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.text import Text

from ..engine.terms import recurrent_term
from ..i18n import _
from ..render.equation import EquationPanel, EquationStyles, Step, UnitEquation
from ..render.heatmap import Heatmap, Legend
from ..render.history import HistoryBlock, HistoryDrawing, HistoryStyles
from ..render.layout import Beside, window
from ..render.matrices import Matrix, weight_matrix
from ..render.notation import (
    OUTPUT_GATE,
    bias_sum,
    final_state,
    gate_label,
    input_symbol,
    state_symbol,
    sub,
    sup,
    tutorial_name,
)
from ..render.palette import ColorScale
from .numbers import merge_steps, readout_step, unit_equation
from .position import View
from .view import SMALL, Look, Stage

MAX_ROWS = 16
"""Units shown at once in the history and the weights (a window around the selected one)."""


def _header(title: str, look: Look, detail: str = "") -> Text:
    text = Text(title, look.style("title"))
    if detail:
        text.append("   " + detail, look.style("detail"))
    return text


def _note(text: str, look: Look, name: str = "note") -> Text:
    return Text(text, look.style(name))


# --------------------------------------------------------------------------- numbers
@dataclass(frozen=True, eq=False)
class EquationContent:
    """The equation of the selected unit (both directions when both are shown), the
    merge and the readout where they apply."""

    equations: tuple[UnitEquation, ...]
    extra: tuple[Step, ...] = ()
    title: str = ""
    notes: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        """Does every number computed for the panel agree with the trace?"""
        return all(eq.exact for eq in self.equations)

    def renderable(self, look: Look) -> RenderableType:
        styles = EquationStyles(
            title=look.style("title"),
            symbol=look.style("title"),
            label=look.style("label"),
            value=look.style("values"),
            note=look.style("detail"),
            muted=look.style("muted"),
            good=look.style("good"),
            bad=look.style("bad"),
        )
        return EquationPanel(
            self.equations, extra=self.extra, title=self.title, notes=self.notes, styles=styles
        )


def equation_content(stage: Stage, view: View) -> EquationContent:
    """The numbers behind unit view.unit of the selected layer at view.t."""
    view = stage.clamp(view)
    net, trace, k = stage.network, stage.trace, view.layer - 1
    equations = tuple(
        unit_equation(net, trace, k, direction, view.t, view.unit) for direction in view.shown
    )
    extra: list[Step] = []
    if view.direction == "both":
        extra += merge_steps(net, trace, k, view.t, view.unit)
    top = view.layer == stage.num_layers
    output_now = net.readout == "every" or stage.is_last(view)
    if top and output_now and trace.outputs is not None and net.merged_size >= view.unit:
        extra += readout_step(net, trace, view.t, view.unit, trace.labels)
    title = _("The numbers behind unit {unit} of {units} at t = {t}").format(
        unit=view.unit, units=stage.hidden, t=view.t
    )
    notes = [_("[ and ] (or a click on a cell) select another unit; every value is the trace's.")]
    return EquationContent(equations, tuple(extra), title, tuple(notes))


# --------------------------------------------------------------------------- layers
@dataclass(frozen=True)
class Vector:
    """One named vector of the overview, with its colour scale."""

    name: str
    data: np.ndarray
    scale: ColorScale
    hidden: bool = True  # a state whose columns are hidden units (marked when selected)


@dataclass(frozen=True)
class LayerRow:
    """One row of the overview: x, a layer (its directions and merge), or o."""

    label: str
    vectors: tuple[Vector, ...]
    selected: bool = False
    link: str = ""  # the line under it: what reads it
    large: bool = True  # drawn large when selected


@dataclass(frozen=True, eq=False)
class LayersContent:
    """Every layer at t, top to bottom as in the tutorial's stacked figure (o above
    the layers above x); the selected layer drawn large with its numbers."""

    title: str
    rows: tuple[LayerRow, ...]
    units: int = 0
    highlight: int = 0
    notes: tuple[str, ...] = ()

    def _heatmap(self, vector: Vector, look: Look, big: bool) -> Heatmap:
        n = vector.data.shape[-1]
        small = n <= SMALL
        merged = n == 2 * self.units
        marked = (self.highlight, self.units + self.highlight) if merged else (self.highlight,)
        return Heatmap(
            vector.data,
            look.scale(vector.scale),
            cell_width=None if big else (2 if n <= 32 else 1),
            gap=None if big else 0,
            cell_height=2,
            values=big and small,
            wide_cells=big and small,
            mono=look.mono,
            value_style=look.style("values"),
            highlight=marked if vector.hidden else (),
            highlight_style=look.style("highlight"),
        )

    def renderable(self, look: Look) -> RenderableType:
        parts: list[RenderableType] = [_header(self.title, look)]
        label_width = max(cell_len(row.label) for row in self.rows) + 2
        for row in self.rows:
            mark = "▶ " if row.selected else "  "
            padded = row.label + " " * (label_width - cell_len(row.label))
            label = Text(mark + padded, look.style("title"))
            if row.selected and row.large:
                parts.append(label)
                parts.append(
                    Beside(
                        [
                            Group(
                                Text(vector.name, look.style("label")),
                                self._heatmap(vector, look, big=True),
                            )
                            for vector in row.vectors
                        ],
                        gap=3,
                    )
                )
            else:
                pieces: list[RenderableType] = [label]
                for vector in row.vectors:
                    pieces.append(
                        Beside(
                            [
                                Text(vector.name, look.style("label")),
                                self._heatmap(vector, look, big=False),
                            ],
                            gap=1,
                        )
                    )
                parts.append(Beside(pieces, gap=2))
            if row.link:
                parts.append(Text("    " + row.link, look.style("muted")))
        parts.extend(_note(note, look, "detail") for note in self.notes)
        return Group(*parts)


def layers_content(stage: Stage, view: View, *, large: bool = True) -> LayersContent:
    """All layers at view.t: o on top, then layer L … layer 1, then x; the selected
    layer drawn large (with its numbers) unless `large` is False."""
    view = stage.clamp(view)
    trace, net, t = stage.trace, stage.network, view.t
    rows: list[LayerRow] = []
    if trace.outputs is not None:
        if net.readout == "every":
            o = Vector(f"o{sub(t)}", trace.outputs[t - 1], stage.scales["output"], False)
            link = _("↑ W_oh reads layer {k}").format(k=stage.num_layers)
            rows.append(LayerRow(_("output"), (o,), link=link))
        elif stage.is_last(view):
            o = Vector("o", trace.outputs[0], stage.scales["output"], False)
            final = final_state(stage.steps, bidirectional=stage.bidirectional, merge=net.merge)
            if stage.bidirectional:
                link = _("↑ W_oh reads each direction's final state only, merged: {s}")
            else:
                link = _("↑ W_oh reads the final state {s} only")
            rows.append(LayerRow(_("output"), (o,), link=link.format(s=final)))
        else:
            rows.append(
                LayerRow(_("output"), (), link=_("o comes after the last step (many-to-one)"))
            )
    for k in range(stage.num_layers - 1, -1, -1):
        layer = trace.layers[k]
        vectors = [
            Vector(
                state_symbol(t, "forward" if stage.bidirectional else None),
                layer.forward.h[t - 1],
                stage.scales[f"state{k}"],
            )
        ]
        if layer.backward is not None:
            vectors.append(
                Vector(
                    state_symbol(t, "backward"), layer.backward.h[t - 1], stage.scales[f"state{k}"]
                )
            )
            vectors.append(
                Vector(f"⇒ s{sub(t)} {net.merge}", layer.output[t - 1], stage.scales[f"merged{k}"])
            )
        if k:
            below = _("layer {k}'s merged state {s}").format(k=k, s=f"s{sub(t)}⁽{sup(k)}⁾")
        else:
            below = f"x{sub(t)}"
        if k and not stage.bidirectional:
            below = _("layer {k}'s state {s}").format(k=k, s=f"s{sub(t)}⁽{sup(k)}⁾")
        rows.append(
            LayerRow(
                _("layer {k}").format(k=k + 1),
                tuple(vectors),
                selected=k == view.layer - 1,
                link=_("↑ reads {what}").format(what=below),
                large=large,
            )
        )
    tokens = trace.tokens
    word = f" “{tokens[t - 1]}”" if tokens else ""
    x = Vector(f"x{sub(t)}{word}", trace.inputs[t - 1], stage.scales["input0"], False)
    rows.append(LayerRow(_("input"), (x,)))
    if stage.num_layers == 1:
        title = _("The layer at t = {t}: it reads the input x").format(t=t)
    else:
        title = _("All {n} layers at t = {t}: each layer reads the one below").format(
            n=stage.num_layers, t=t
        )
    notes = (
        _("↑ ↓ select a layer (▶); it is drawn large.") if large else _("↑ ↓ select a layer (▶)."),
    )
    return LayersContent(
        title, tuple(rows), units=stage.hidden, highlight=view.unit - 1, notes=notes
    )


# --------------------------------------------------------------------------- history
def _cell_click(unit0: int, t0: int):
    """Cell meta of a (unit × time) window starting at unit0, t0 (0-based): the step
    and the unit (1-based) under a cell, for a front end to select on a click."""

    def meta(row: int, col: int) -> dict:
        return {"t": t0 + col + 1, "unit": unit0 + row + 1}

    return meta


@dataclass(frozen=True, eq=False)
class HistoryContent:
    """s_1 … s_T of the selected layer as a unit × time heatmap (time runs left to
    right, as in the token strip), the current t marked, the unread steps blank."""

    title: str
    blocks: tuple[HistoryBlock, ...]
    t: int
    unit: int
    max_rows: int = MAX_ROWS
    notes: tuple[str, ...] = ()
    cell_width: int = 0  # 0: chosen from the width

    def renderable(self, look: Look) -> RenderableType:
        styles = HistoryStyles(
            label=look.style("label"),
            muted=look.style("muted"),
            highlight=look.style("highlight"),
            accent=look.style("accent"),
        )
        return HistoryDrawing(
            [replace(block, scale=look.scale(block.scale)) for block in self.blocks],
            t=self.t,
            unit=self.unit,
            max_rows=self.max_rows,
            cell_width=self.cell_width,
            header=_header(self.title, look),
            notes=[_note(note, look, "detail") for note in self.notes],
            mono=look.mono,
            styles=styles,
            cell_meta=_cell_click,
        )


def history_content(stage: Stage, view: View, max_rows: int = MAX_ROWS) -> HistoryContent:
    """The states s_1..s_T of the selected layer (each direction shown) as a heatmap."""
    view = stage.clamp(view)
    k = view.layer - 1
    layer = stage.trace.layers[k]
    scale = stage.scales[f"state{k}"]
    blocks = []
    for direction in view.shown:
        run = layer.forward if direction == "forward" else layer.backward
        assert run is not None
        arrow = direction if stage.bidirectional else None
        words = [_("layer {k}").format(k=view.layer)] if stage.num_layers > 1 else []
        if stage.bidirectional:
            words.append(_(direction))
        name = state_symbol("ₜ", arrow) + (f"  {_(', ').join(words)}" if words else "")
        filled = "all" if view.direction == "both" else direction
        blocks.append(HistoryBlock(name, run.h, scale, filled))
    s_T = f"s₁ … s{sub(stage.steps)}"
    if view.direction == "backward":
        title = _("History: {s} (time →, units ↓), filled from the end of the sentence")
    else:
        title = _("History: {s} (time →, units ↓), filled from t = 1")
    if view.direction == "both":
        title = _("History: {s} (time →, units ↓), both directions complete")
    title = title.format(s=s_T)
    notes = (_("A click on a cell selects that step and unit."),)
    return HistoryContent(title, tuple(blocks), view.t, view.unit, max_rows, notes)


# --------------------------------------------------------------------------- weights
@dataclass(frozen=True, eq=False)
class WeightsContent:
    """The weights of the selected layer (each direction), drawn once: the same objects
    at every step. blocks of rows per gate for LSTM / GRU; a window of rows around the
    selected unit for big layers."""

    title: str
    groups: tuple[tuple[str, tuple[Matrix, ...]], ...]
    unit: int
    hidden: int
    notes: tuple[str, ...] = ()
    max_rows: int = MAX_ROWS

    def _matrix(self, m: Matrix, look: Look, scale: ColorScale) -> Group:
        return weight_matrix(
            m,
            scale,
            unit=self.unit,
            max_rows=self.max_rows,
            mono=look.mono,
            label_style=look.style("label"),
            muted_style=look.style("muted"),
            mark_style=look.style("highlight"),
        )

    def renderable(self, look: Look) -> RenderableType:
        parts: list[RenderableType] = [_header(self.title, look)]
        for heading, matrices in self.groups:
            values = [m.data for m in matrices]
            scale = look.scale(ColorScale.symmetric(np.concatenate([v.ravel() for v in values])))
            parts.append(
                Beside([Text(heading, look.style("accent")), Legend(scale, mono=look.mono)])
            )
            columns = [self._matrix(m, look, scale) for m in matrices if m.data.ndim == 2]
            vectors = [self._matrix(m, look, scale) for m in matrices if m.data.ndim == 1]
            parts.append(Beside(columns, gap=4))
            if vectors:
                parts.append(Beside(vectors, gap=4))
        parts.extend(_note(note, look, "detail") for note in self.notes)
        return Group(*parts)


def _neighbour(direction: str, bidirectional: bool) -> str:
    """The state a direction's W_hh reads at step t, the step before it in its order:
    "sₜ₋₁" going forward, "←sₜ₊₁" going backward (with the arrows of a bidirectional layer)."""
    return state_symbol(
        "t-1" if direction == "forward" else "t+1", direction if bidirectional else None
    )


def weights_content(stage: Stage, view: View) -> WeightsContent:
    """W_ih, W_hh, b_ih, b_hh of the selected layer (each direction shown), used by every
    step, and at the top layer the readout: by every step, or once (many-to-one). The
    selected unit is marked where it is: its rows of W_ih and W_hh, its column of W_hh
    and of W_oh (two with concat), its entries of the biases."""
    view = stage.clamp(view)
    net, k = stage.network, view.layer - 1
    gates = tuple(gate_label(g, net.cell) for g in net.spec.gate_names)
    shown = ("forward", "backward") if stage.bidirectional else ("forward",)
    if view.direction in ("forward", "backward") and stage.bidirectional:
        shown = (view.direction,)
    H, j = stage.hidden, view.unit - 1
    per_gate = tuple(b * H + j for b in range(max(1, len(gates))))  # unit j of each block
    T = stage.steps
    steps = " ".join(str(t) for t in range(1, min(T, 12) + 1)) + (" …" if T > 12 else "")
    every = _("used by every step t = {steps}").format(steps=steps)
    groups: list[tuple[str, tuple[Matrix, ...]]] = []
    for direction in shown:
        w_ih, w_hh, b_ih, b_hh = net.weights(k, direction)
        reads = input_symbol("t", view.layer)
        mark = "'" if direction == "backward" else ""
        heading = _("layer {k}").format(k=view.layer) if stage.num_layers > 1 else ""
        if stage.bidirectional:
            own = _("{direction}: its own {W}").format(direction=_(direction), W=f"W{mark}")
            heading = f"{heading} {own}".strip()
        heading = (heading or _("the cell")) + " · " + every
        prev = _neighbour(direction, stage.bidirectional)
        groups.append(
            (
                heading,
                (
                    Matrix(
                        f"W{mark}_ih = {tutorial_name('ih', mark)} "
                        + _("(reads {x})").format(x=reads),
                        w_ih,
                        gates,
                        unit_rows=True,
                    ),
                    Matrix(
                        f"W{mark}_hh = {tutorial_name('hh', mark)} "
                        + _("(reads {x})").format(x=prev),
                        w_hh,
                        gates,
                        unit_rows=True,
                        unit_columns=(j,),
                    ),
                    Matrix(f"b{mark}_ih", b_ih, unit_columns=per_gate),
                    Matrix(f"b{mark}_hh", b_hh, unit_columns=per_gate),
                ),
            )
        )
    if view.layer == stage.num_layers and net.output_size:
        w_oh = net.params["readout.weight"]
        columns = (j, H + j) if w_oh.shape[1] == 2 * H else (j,)
        if net.readout == "every":
            top = f"s{sub('t')}"
            when = every
        else:
            top = final_state(T, bidirectional=stage.bidirectional, merge=net.merge)
            when = _("used once, after the last step: o = {W} {s} + b_o").format(
                W=tutorial_name("oh"), s=top
            )
        groups.append(
            (
                _("readout") + " · " + when,
                (
                    Matrix(
                        f"W_oh = {tutorial_name('oh')} " + _("(reads {x})").format(x=top),
                        w_oh,
                        row_names=tuple(stage.trace.labels) if stage.trace.labels else None,
                        unit_columns=columns,
                    ),
                    Matrix("b_o", net.params["readout.bias"]),
                ),
            )
        )
    title = _("Weights: one copy each, drawn once: the same numbers whenever they are used")
    neighbours = _(" and ").join(_neighbour(direction, stage.bidirectional) for direction in shown)
    names = ", ".join(
        f"{plain} = {tutorial_name(kind)}"
        for plain, kind in (("W_ih", "ih"), ("W_hh", "hh"), ("W_oh", "oh"))
    )
    notes = [
        _(
            "Nothing here changes as you step (the tutorial's question in 3.4): only {x} "
            "and {neighbours} do."
        ).format(x=f"x{sub('t')}", neighbours=neighbours),
        _(
            "The tutorial's names: {names}; {b} is the b of the step equation (the "
            "tutorial's 3.4 leaves the bias out)."
        ).format(names=names, b=bias_sum()),
    ]
    if stage.bidirectional:
        notes.append(
            _("Forward and backward have separate weights (W and W'): not the same numbers (3.6).")
        )
    if gates:
        notes.append(
            _("Rows come in blocks, one per gate: {gates} (PyTorch's order).").format(
                gates=" ".join(gates)
            )
        )
    if OUTPUT_GATE in gates:
        notes.append(
            _("{og} is the output gate (PyTorch's o), not the output o.").format(og=OUTPUT_GATE)
        )
    return WeightsContent(title, tuple(groups), view.unit, stage.hidden, tuple(notes))


# --------------------------------------------------------------------------- vectorised
@dataclass(frozen=True, eq=False)
class ProjectionContent:
    """Why no matrix product per step: P = X·W_ihᵀ + b_ih for all t at once (the rows
    around t, the current one marked) beside the per-step recurrent part at t."""

    title: str
    projection: np.ndarray  # (T, G*H)
    recurrent: np.ndarray  # (G*H,) W_hh s_prev + b_hh at t
    t: int
    unit: int
    recurrent_name: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    max_rows: int = 8
    mark: str = ""
    """"'" for the backward direction: its own W'_ih, b'_ih and P'."""

    def renderable(self, look: Look) -> RenderableType:
        T, width = self.projection.shape
        rows = window(T, self.t - 1, self.max_rows)
        cols = window(width, self.unit - 1, 64)
        shown = self.projection[rows.start : rows.stop]
        scale = ColorScale.symmetric(np.concatenate([shown.ravel(), self.recurrent.ravel()]))
        scale = look.scale(scale)
        labels = [("▶" if r == self.t - 1 else " ") + f"t={r + 1}" for r in rows]
        cell = 2 if len(cols) <= 32 else 1
        projection = Heatmap(
            self.projection[rows.start : rows.stop, cols.start : cols.stop],
            scale,
            cell_width=cell,
            gap=0,
            cell_height=2,
            row_labels=labels,
            mono=look.mono,
            label_style=look.style("muted"),
        )
        label_width = max(len(label) for label in labels) + 1
        recurrent = Heatmap(
            self.recurrent[cols.start : cols.stop],
            scale,
            cell_width=cell,
            gap=0,
            cell_height=2,
            row_labels=[f"t={self.t}"],
            mono=look.mono,
            label_style=look.style("muted"),
        )
        pad = Text(" " * max(0, label_width - len(f"t={self.t}") - 1))
        left = Group(
            Text(
                f"P{self.mark} = X·W{self.mark}_ihᵀ + b{self.mark}_ih"
                + _(", every t in one product"),
                look.style("label"),
            ),
            projection,
        )
        right = Group(
            Text(_("per step: {what}").format(what=self.recurrent_name), look.style("label")),
            Beside([pad, recurrent], gap=0),
        )
        parts: list[RenderableType] = [
            Beside([_header(self.title, look), Legend(scale, mono=look.mono)], gap=3),
            Beside([left, right], gap=4),
        ]
        if cols.stop - cols.start < width:
            shown_cols = _("columns {a}–{b} of {n}").format(a=cols.start + 1, b=cols.stop, n=width)
            parts.append(_note(shown_cols, look, "muted"))
        parts.extend(_note(note, look, "detail") for note in self.notes)
        return Group(*parts)


def projection_content(stage: Stage, view: View) -> ProjectionContent | None:
    """The vectorised input projection of the selected layer and direction, and the
    recurrent part at view.t (W_hh s_prev + b_hh, from engine.terms)."""
    view = stage.clamp(view)
    k, t = view.layer - 1, view.t
    direction = view.reading
    layer = stage.trace.layers[k]
    run = layer.forward if direction == "forward" else layer.backward
    if run is None or run.projection is None:
        return None
    prev_t = view.previous(direction)  # t - 1 forward, t + 1 backward
    arrow = direction if stage.bidirectional else None
    mark = "'" if direction == "backward" else ""  # the backward direction's own W'
    s_prev_name = state_symbol(prev_t, arrow)
    name = f"W{mark}_hh {s_prev_name} + b{mark}_hh"
    if 1 <= prev_t <= stage.steps:
        s_prev = run.h[prev_t - 1]
    else:
        s_prev = np.zeros(stage.hidden, dtype=run.h.dtype)
        name = f"{name}, {s_prev_name} = 0"
    recurrent = recurrent_term(stage.network, k, direction, s_prev)  # (G*H,)
    title = _("Why no matrix product per step? (3.5)")
    pre = f"P{mark}[{t}] + {name.split(',')[0]}"
    cell = stage.network.cell
    if cell == "lstm":  # the gates read the sum; s_t = o ⊙ tanh(c_t) comes after
        equation = f"i, f, g, {OUTPUT_GATE} = act({pre})"
    elif cell == "gru":  # r scales the recurrent part of n's rows only
        equation = (
            f"r, z = σ({pre}); n = tanh(P{mark}[{t}] + r ⊙ (W{mark}_hh {s_prev_name} + b{mark}_hh))"
        )
    else:
        equation = f"{state_symbol(t, arrow)} = act({pre})"
    notes = (
        _(
            "X·W_ihᵀ does not depend on the state, so it is one product for all {n} steps "
            "before the loop; step {t} reads its row and adds only the recurrent part: "
            "{equation}."
        ).format(n=stage.steps, t=t, equation=equation),
    )
    return ProjectionContent(title, run.projection, recurrent, t, view.unit, name, notes, mark=mark)
