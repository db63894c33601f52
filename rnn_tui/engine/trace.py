"""The record of one run of a network over a sequence: every state, every gate."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

BLOCK = 64  # time steps a compact trace recomputes together (compact.py)
BATCH_BLOCKS = 8  # blocks it computes in one go when a read spans several


class TimeRows:
    """A read-only (T, width) array whose rows are computed on demand.

    `block_rows(first, stop)` returns the rows of blocks [first, stop) of the full array
    (width_all columns), one (≤ BLOCK, width_all) array a block, stop - first at most
    BATCH_BLOCKS; `columns` selects this array's part of them (gates share one
    computation). A read within one block asks for that block alone (a trace still being
    computed may not have the next). Supports what the app and the JSON export use:
    `shape`, `dtype`, `len`, `x[t]`, `x[a:b]`, `x[t, j]`, `x[a:b, c:d]`, `np.asarray(x)`
    and `tolist()`.
    """

    def __init__(
        self,
        steps: int,
        block_rows: Callable[[int, int], list[np.ndarray]],
        width: int,
        dtype: np.dtype,
        columns: slice = slice(None),
    ) -> None:
        self.steps = steps
        self._block_rows = block_rows
        self._columns = columns
        self.dtype = np.dtype(dtype)
        self.shape = (steps, width)
        self.ndim = 2

    def __len__(self) -> int:
        return self.steps

    def _rows(self, start: int, stop: int) -> np.ndarray:
        """Rows [start, stop) of this array, (stop - start, width)."""
        if stop <= start:
            return np.empty((0, self.shape[1]), dtype=self.dtype)
        first, last = start // BLOCK, (stop - 1) // BLOCK
        offset = first * BLOCK
        if first == last:  # one block: a view of it, nothing else computed
            (rows,) = self._block_rows(first, first + 1)
            return rows[start - offset : stop - offset, self._columns]
        # several: batches of blocks copied into place one after another, so only this
        # array's columns outlive each batch
        out = np.empty((min(self.steps, (last + 1) * BLOCK) - offset, self.shape[1]), self.dtype)
        for batch in range(first, last + 1, BATCH_BLOCKS):
            for j, rows in enumerate(self._block_rows(batch, min(batch + BATCH_BLOCKS, last + 1))):
                at = (batch + j) * BLOCK - offset
                out[at : at + len(rows)] = rows[:, self._columns]
        return out[start - offset : stop - offset]

    def __getitem__(self, index):
        rest: tuple = ()
        if isinstance(index, tuple):
            index, rest = index[0], index[1:]
        if isinstance(index, (int, np.integer)):
            t = int(index) + (self.steps if index < 0 else 0)
            if not 0 <= t < self.steps:
                raise IndexError(f"time index {index} is out of range for {self.steps} steps")
            row = self._rows(t, t + 1)[0]
            return row[rest] if rest else row
        if isinstance(index, slice):
            start, stop, stride = index.indices(self.steps)
            if stride == 1:
                rows = self._rows(start, stop)
            else:
                low, high = (start, stop) if stride > 0 else (stop + 1, start + 1)
                rows = self._rows(max(low, 0), high)[(start - max(low, 0)) :: stride]
            return rows[(slice(None), *rest)] if rest else rows
        raise TypeError(f"TimeRows takes an int or a slice in time, not {index!r}")

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        whole = self._rows(0, self.steps)
        return whole if dtype is None else whole.astype(dtype)

    def tolist(self) -> list:
        return np.asarray(self).tolist()

    def sample(self, blocks: int = 16) -> np.ndarray:
        """Rows of up to `blocks` evenly spaced blocks, (n, width): enough for a colour scale
        without computing every row."""
        count = -(-self.steps // BLOCK)
        chosen = sorted({round(k * (count - 1) / max(blocks - 1, 1)) for k in range(blocks)})
        return np.concatenate(
            [self._rows(j * BLOCK, min(self.steps, (j + 1) * BLOCK)) for j in chosen if j < count]
        )


@dataclass
class DirectionTrace:
    """One direction of one layer.

    h: (T, H) hidden states, indexed by original time (backward too, as in PyTorch).
    c: (T, H) LSTM cell states, else None.
    gates: gate name -> (T, H) activations (LSTM i f g o, GRU r z n; empty for RNN).
    projection: (T, blocks*H) the input projection X W_ihᵀ + b_ih, computed for all t at once
    (None after `Network.trace_stepwise`, which projects each step's input as it goes).
    In a compact trace c, gates and projection are TimeRows, computed when read; they are
    typed as arrays because they answer the indexing the app and the export use.
    """

    h: np.ndarray
    c: np.ndarray | None = None
    gates: dict[str, np.ndarray] = field(default_factory=dict)
    projection: np.ndarray | None = None


@dataclass
class LayerTrace:
    """One layer: its input, each direction, and the merged states the next layer reads.

    input: (T, in) what this layer read; output: (T, H') merged states
    (H' = 2H for a bidirectional concat, else H).
    """

    input: np.ndarray
    forward: DirectionTrace
    backward: DirectionTrace | None
    output: np.ndarray


@dataclass
class Trace:
    """A whole run. inputs: (T, input_size); outputs: (T, O), (1, O) for
    readout "last", or None without a readout. Scenario-level fields (tokens,
    labels, probabilities, prediction) are filled in when a scenario made it.
    compact: the directions keep h only; c, gates and projections are TimeRows
    computed on demand (compact.py)."""

    inputs: np.ndarray
    layers: list[LayerTrace]
    outputs: np.ndarray | None = None
    tokens: list[str] | None = None
    labels: list[str] | None = None
    probabilities: np.ndarray | None = None
    prediction: str | list[str] | None = None
    compact: bool = False

    @property
    def steps(self) -> int:
        """T, the sequence length."""
        return int(self.inputs.shape[0])


@np.errstate(over="ignore", invalid="ignore")  # inf logits give NaN, silently
def softmax(logits: np.ndarray) -> np.ndarray:
    """Softmax over the last axis; logits: (..., O) -> (..., O), stable for large values."""
    shifted = logits - np.max(logits, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def _numbers(array: object, where: str, nonfinite: list[str]) -> list:
    """An array as nested lists for JSON. JSON has no NaN or Infinity: each non-finite
    number becomes None (null) and `where` is added to `nonfinite` (once)."""
    values = np.asarray(array)
    if values.dtype.kind in "fc":
        bad = ~np.isfinite(values)
        if bad.any():
            if where not in nonfinite:
                nonfinite.append(where)
            values = values.astype(object)
            values[bad] = None
    return values.tolist()


class LayoutArray:
    """An array of the JSON layout, kept as an array until it is written (see
    write_trace_json and trace_files.write_trace_npz); `where` is its path, as in
    `nonfinite` ("layers[0].forward.h"), and its key in the .npz."""

    def __init__(self, array: object, where: str) -> None:
        self.array = array
        self.where = where

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.array.shape)  # type: ignore[attr-defined]

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(self.array.dtype)  # type: ignore[attr-defined]

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))


def _direction_layout(d: DirectionTrace, where: str) -> dict:
    out: dict = {"h": LayoutArray(d.h, f"{where}.h")}
    if d.c is not None:
        out["c"] = LayoutArray(d.c, f"{where}.c")
    out["gates"] = {name: LayoutArray(g, f"{where}.gates.{name}") for name, g in d.gates.items()}
    return out


def trace_layout(
    trace: Trace, *, scenario: str | None, model: dict, influence: np.ndarray | None = None
) -> dict:
    """The JSON layout of `rnn-tui trace --json` (DESIGN.md) with its arrays not yet
    converted (see trace_to_dict and write_trace_json); its last key, `nonfinite`, is
    filled as the arrays are converted."""
    layers = []
    for k, layer in enumerate(trace.layers):
        entry: dict = {"forward": _direction_layout(layer.forward, f"layers[{k}].forward")}
        if layer.backward is not None:
            entry["backward"] = _direction_layout(layer.backward, f"layers[{k}].backward")
        entry["output"] = LayoutArray(layer.output, f"layers[{k}].output")
        layers.append(entry)
    out = {
        "scenario": scenario,
        "model": model,
        "tokens": trace.tokens,
        "inputs": LayoutArray(trace.inputs, "inputs"),
        "layers": layers,
        "outputs": None if trace.outputs is None else LayoutArray(trace.outputs, "outputs"),
        "influence": None if influence is None else LayoutArray(influence, "influence"),
    }
    if trace.labels and trace.probabilities is not None:
        out["labels"] = list(trace.labels)
        out["probabilities"] = LayoutArray(trace.probabilities, "probabilities")
        out["prediction"] = trace.prediction
    out["nonfinite"] = []
    return out


def layout_numbers(layout: object) -> int:
    """How many numbers the arrays of a trace_layout hold."""
    return sum(array.size for array in layout_arrays(layout))


def layout_arrays(layout: object) -> list[LayoutArray]:
    """The arrays of a trace_layout, in the order the JSON writes them."""
    if isinstance(layout, LayoutArray):
        return [layout]
    if isinstance(layout, dict):
        return [a for value in layout.values() for a in layout_arrays(value)]
    if isinstance(layout, list):
        return [a for value in layout for a in layout_arrays(value)]
    return []


def layout_skeleton(layout: object) -> object:
    """A trace_layout as plain Python data with each array replaced by its path (its key
    in the .npz): the JSON layout without its numbers."""
    if isinstance(layout, LayoutArray):
        return layout.where
    if isinstance(layout, dict):
        return {key: layout_skeleton(value) for key, value in layout.items()}
    if isinstance(layout, list):
        return [layout_skeleton(value) for value in layout]
    return layout


def trace_to_dict(
    trace: Trace, *, scenario: str | None, model: dict, influence: np.ndarray | None = None
) -> dict:
    """The JSON layout of `rnn-tui trace --json` (DESIGN.md), as plain Python data.
    influence: (T, T) ‖∂s_t/∂x_k‖ when computed, else null in the JSON.

    Every number is finite, so `json.dumps(..., allow_nan=False)` succeeds: a NaN or
    ±Infinity (extreme weights can give them) is written as null, and `nonfinite` lists
    the arrays where that happened ("inputs", "layers[0].forward.h",
    "layers[1].backward.gates.f", "outputs", "probabilities", "influence"; empty when
    every number is finite)."""
    text = io.StringIO()  # one writer of the layout: this is its JSON read back
    write_trace_json(
        trace_layout(trace, scenario=scenario, model=model, influence=influence), text.write
    )
    return json.loads(text.getvalue())


LARGE_JSON_NUMBERS = 20_000_000
"""Past this many numbers (about 400 MB of text and 15 s), `trace --json` still writes
them, in the same bounded memory, but says on standard error that `--npz` is the smaller
and faster way."""
JSON_ROWS = BATCH_BLOCKS * BLOCK
"""Rows of an array converted and written at a time by write_trace_json: the blocks a
compact trace computes in one product."""


def write_trace_json(layout: dict, write: Callable[[str], object]) -> None:
    """Write a trace_layout as JSON text through `write`, each array JSON_ROWS rows at a
    time, so memory stays that of the trace itself (a compact trace's rows are
    recomputed block by block). The same JSON as json.dumps(trace_to_dict(...),
    ensure_ascii=False, allow_nan=False), without the final newline."""
    nonfinite: list[str] = layout["nonfinite"]

    def emit(value: object) -> None:
        if isinstance(value, LayoutArray):
            array = value.array
            shape = array.shape  # type: ignore[attr-defined]
            if len(shape) < 2 or shape[0] == 0:
                write(json.dumps(_numbers(array, value.where, nonfinite), allow_nan=False))
                return
            write("[")
            for start in range(0, shape[0], JSON_ROWS):
                rows = _numbers(array[start : start + JSON_ROWS], value.where, nonfinite)  # type: ignore[index]
                text = json.dumps(rows, allow_nan=False)[1:-1]
                write(text if start == 0 else ", " + text)
            write("]")
        elif isinstance(value, dict):
            write("{")
            for i, (key, item) in enumerate(value.items()):
                write(("" if i == 0 else ", ") + json.dumps(key, ensure_ascii=False) + ": ")
                emit(item)
            write("}")
        elif isinstance(value, list) and value is not nonfinite:
            write("[")
            for i, item in enumerate(value):
                write("" if i == 0 else ", ")
                emit(item)
            write("]")
        else:
            write(json.dumps(value, ensure_ascii=False, allow_nan=False))

    emit(layout)
