"""The numbers of the step a view shows, as data: x_t, s_t, c_t, the gates and o_t.

Everything is read from the stage's trace (the screen's own source), never computed
again, and only what the screen shows at that view: the directions shown, and o_t where
the output panel has one (a many-to-one readout only once the reading has reached its
end). Written out as text for the clipboard, as CSV, or as an .npz archive. No textual,
no rich: the app's `y` and its palette entries call this (ui/copying.py).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..i18n import _
from ..text import visible

if TYPE_CHECKING:
    from .position import View
    from .view import Stage

LOGITS = "o_t logits"
"""The readout's output at t, before the softmax."""
PROBABILITIES = "o_t p"
"""softmax(o_t), where the scenario has labels."""
LABELLED = (LOGITS, PROBABILITIES)
"""The vectors whose entries are the labels, one each."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a cell starting with one of these as a formula (CSV injection)."""


@dataclass(frozen=True)
class StepHeader:
    """What the numbers are of: the scenario's name, step t of T, layer of layers, the
    direction shown (forward, backward, both), the cell (rnn with its nonlinearity, lstm,
    gru), the token read at t (None for vector inputs) and o's labels (None when o is
    not among the numbers or the scenario has no labels). Names, tokens and labels are
    data from files: made visible when written."""

    scenario: str
    t: int
    steps: int
    layer: int
    layers: int
    direction: str
    cell: str
    token: str | None = None
    labels: tuple[str, ...] | None = None

    def line(self) -> str:
        """One line: "intent: t = 3 of 5 “is”, layer 1 of 1, forward, rnn (tanh)"."""
        step = _("t = {t} of {steps}").format(t=self.t, steps=self.steps)
        if self.token is not None:
            step += f" “{visible(self.token)}”"
        layer = _("layer {k} of {layers}").format(k=self.layer, layers=self.layers)
        parts = (step, layer, _(self.direction), self.cell)
        return f"{visible(self.scenario)}: " + _(", ").join(parts)


def step_numbers(stage: Stage, view: View) -> dict[str, np.ndarray]:
    """The numbers of `view`'s step (clamped to the stage), in the order they are
    computed, each a copy of the trace's row at t:

    - "x_t": the layer's input, (input_size,) at layer 1, above it the merged state of
      the layer below, (H',) with H' = 2H for a bidirectional concat, else H;
    - for each direction shown ("forward", "backward"; both for "both"): "s_t {d}" (H,),
      for an LSTM "c_t {d}" (H,), and "gate {name} {d}" (H,) for each gate in PyTorch's
      order and names (i, f, g, o; r, z, n);
    - "s_t merged" (H',): the two directions merged, when both are shown;
    - "o_t logits" (O,) and, with labels, "o_t p" (O,): the readout's output, where the
      screen shows one: at every t for readout "every" (from the top layer whatever
      layer is shown), only at the end of the reading for a many-to-one readout (t = T,
      or t = 1 going backward), which has no o before it.
    """
    view = stage.clamp(view)
    trace, t = stage.trace, view.t
    layer = trace.layers[view.layer - 1]
    numbers: dict[str, np.ndarray] = {"x_t": _row(layer.input, t)}
    for direction in view.shown:
        run = layer.backward if direction == "backward" else layer.forward
        if run is None:  # a clamped view shows no backward on a one-way network
            continue
        numbers[f"s_t {direction}"] = _row(run.h, t)
        if run.c is not None:
            numbers[f"c_t {direction}"] = _row(run.c, t)
        for name, gate in run.gates.items():
            numbers[f"gate {name} {direction}"] = _row(gate, t)
    if view.direction == "both":
        numbers["s_t merged"] = _row(layer.output, t)
    row = _output_row(stage, view)
    if row is not None and trace.outputs is not None:
        numbers[LOGITS] = _row(trace.outputs, row)
        if trace.labels and trace.probabilities is not None:
            numbers[PROBABILITIES] = _row(trace.probabilities, row)
    return numbers


def _row(array: np.ndarray, t: int) -> np.ndarray:
    """Row t (1-based) of a (T, n) trace array, copied: (n,)."""
    return np.array(array[t - 1], copy=True)


def _output_row(stage: Stage, view: View) -> int | None:
    """The row (1-based) of trace.outputs the output panel shows at `view` (clamped),
    None where it shows no o (no readout; many-to-one before the end of the reading)."""
    if stage.trace.outputs is None:
        return None
    if stage.network.readout == "every":
        return view.t
    return 1 if stage.is_last(view) else None


def step_header(stage: Stage, view: View, numbers: Mapping[str, np.ndarray]) -> StepHeader:
    """The header of `numbers` (step_numbers(stage, view)): where they were read."""
    view = stage.clamp(view)
    trace, net = stage.trace, stage.network
    cell = f"rnn ({net.nonlinearity})" if net.cell == "rnn" else net.cell
    tokens = trace.tokens
    labels = tuple(trace.labels) if trace.labels and LOGITS in numbers else None
    return StepHeader(
        scenario=stage.scenario.name,
        t=view.t,
        steps=stage.steps,
        layer=view.layer,
        layers=stage.num_layers,
        direction=view.direction,
        cell=cell,
        token=tokens[view.t - 1] if tokens else None,
        labels=labels,
    )


def format_number(value: np.generic) -> str:
    """The shortest text that reads back to exactly `value` in its own dtype (numpy's
    str of a scalar: 0.1, -0.33333334 for a float32, 1e-20, nan, -inf)."""
    return str(value)


def numbers_text(numbers: Mapping[str, np.ndarray], header: StepHeader) -> str:
    """The numbers as plain text: the header line, then one line a vector,
    "name: [v1, v2, ...]" (vectors (n,), each value written exactly, see format_number),
    and after o, "o_t labels: [...]" with the labels as JSON strings, where there are
    labels. Ends with a newline."""
    lines = [header.line()]
    for name, vector in numbers.items():
        values = ", ".join(format_number(v) for v in np.asarray(vector).ravel())
        lines.append(f"{name}: [{values}]")
    if header.labels is not None:
        labels = ", ".join(
            json.dumps(visible(label), ensure_ascii=False) for label in header.labels
        )
        lines.append(f"o_t labels: [{labels}]")
    return "\n".join(lines) + "\n"


def csv_cell(text: str) -> str:
    """`text` made visible and safe in a spreadsheet: a leading ' when it would start a
    formula (=, +, -, @)."""
    shown = visible(text)
    return "'" + shown if shown.startswith(FORMULA_START) else shown


def numbers_csv(numbers: Mapping[str, np.ndarray], labels: Sequence[str] | None = None) -> str:
    """The numbers in long format, one row a value under a header row
    "name,index,label,value": the vector's name, the value's position in it (from 0, as
    in the .npz), o's label for the entries of o_t (empty elsewhere, and without
    `labels`), the value written exactly. Vectors (n,) of any lengths fit. Text cells
    are made visible and a cell that would start a formula gets a leading '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("name", "index", "label", "value"))
    for name, vector in numbers.items():
        named = labels if labels is not None and name in LABELLED else None
        for index, value in enumerate(np.asarray(vector).ravel()):
            label = named[index] if named is not None and index < len(named) else ""
            writer.writerow((csv_cell(name), index, csv_cell(label), format_number(value)))
    return out.getvalue()


def npz_key(name: str) -> str:
    """A name as an .npz key: "s_t forward" -> "s_t_forward"."""
    return name.replace(" ", "_")


def numbers_npz(numbers: Mapping[str, np.ndarray], labels: Sequence[str] | None = None) -> bytes:
    """The numbers as an .npz archive: each vector (n,) under npz_key(name), in its own
    dtype, and o's labels as "o_t_labels" (a unicode array, loaded without pickle) when
    given and o is among the numbers."""
    arrays = {npz_key(name): np.asarray(vector) for name, vector in numbers.items()}
    if labels is not None and LOGITS in numbers:
        arrays["o_t_labels"] = np.array([str(label) for label in labels], dtype=str)
    out = io.BytesIO()
    np.savez(out, allow_pickle=False, **arrays)
    return out.getvalue()
