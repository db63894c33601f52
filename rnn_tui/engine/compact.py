"""Compact traces for long sequences: keep the hidden states, recompute the rest.

A full trace of a 100,000-step, 2-layer bidirectional LSTM with H = 256 would hold
gates, cell states and input projections for every step: about 4 GB in float32. A
compact trace keeps only what the recurrence cannot cheaply redo, the hidden states
h (T, H) and, for an LSTM, the cell state c at the start of every block of BLOCK
steps. Everything else is a `TimeRows`: an array-like that computes the rows asked
for, block by block, from the layer's input, the stored h and the weights. The
values agree with a full trace to rounding (the same formulas, batched per block).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import cast

import numpy as np

from .cells import gru_step, lstm_step
from .trace import BLOCK, DirectionTrace, TimeRows

CACHED_BLOCKS = 8  # per direction: stepping and the history window stay in cache


def _block_cache(compute: Callable[[int], dict[str, np.ndarray]]):
    """`compute(j)` memoised for the last CACHED_BLOCKS blocks."""
    cache: OrderedDict[int, dict[str, np.ndarray]] = OrderedDict()

    def get(j: int) -> dict[str, np.ndarray]:
        if j in cache:
            cache.move_to_end(j)
            return cache[j]
        value = cache[j] = compute(j)
        if len(cache) > CACHED_BLOCKS:
            cache.popitem(last=False)
        return value

    return get


def compact_direction(
    cell: str,
    gate_names: tuple[str, ...],
    x: np.ndarray,
    h: np.ndarray,
    weights: tuple[np.ndarray, ...],
    backward: bool,
    checkpoints: np.ndarray | None,
) -> DirectionTrace:
    """The DirectionTrace of one layer and direction with h stored, the rest on demand.

    x: (T, in) the layer's input; h: (T, H) its states in time order; weights:
    (W_ih (G, in), W_hh (G, H), b_ih (G,), b_hh (G,)) in PyTorch's row order;
    checkpoints (LSTM only): (blocks, H), row j the cell state just before block j is
    processed (c at t = j·BLOCK - 1 forward, at t = (j+1)·BLOCK backward; zeros at the
    sequence's edge)."""
    w_ih, w_hh, b_ih, b_hh = weights
    T, H = h.shape
    G = w_ih.shape[0]
    w_hh_t = np.ascontiguousarray(w_hh.T)
    zero = np.zeros((1, H), dtype=h.dtype)

    def projection(j: int) -> np.ndarray:
        a, b = j * BLOCK, min(T, (j + 1) * BLOCK)
        return x[a:b] @ w_ih.T + b_ih

    def previous_states(a: int, b: int) -> np.ndarray:
        """s at the step before each t in [a, b): t - 1 forward, t + 1 backward. (b-a, H)"""
        if backward:
            return np.concatenate([h[a + 1 : b], h[b : b + 1] if b < T else zero])
        return np.concatenate([h[a - 1 : a] if a > 0 else zero, h[a : b - 1]])

    def gates_and_cells(j: int) -> dict[str, np.ndarray]:
        a, b = j * BLOCK, min(T, (j + 1) * BLOCK)
        xp, prev = projection(j), previous_states(a, b)
        if cell == "gru":
            _, gates = gru_step(xp, prev, w_hh_t, b_hh)
            return {"gates": np.concatenate(gates, axis=-1)}
        assert checkpoints is not None
        _, _, gates = lstm_step(xp, prev, np.zeros_like(prev), w_hh_t, b_hh)
        i, f, g, _o = gates
        write = i * g
        c = np.empty_like(prev)
        state = checkpoints[j].copy()
        for r in range(b - a - 1, -1, -1) if backward else range(b - a):
            state *= f[r]
            state += write[r]
            c[r] = state
        return {"gates": np.concatenate(gates, axis=-1), "c": c}

    # TimeRows stand in for arrays (DirectionTrace's types say what they behave as)
    projected = _block_cache(lambda j: {"projection": projection(j)})
    rows = TimeRows(T, lambda j: projected(j)["projection"], G, h.dtype)
    projection_rows = cast(np.ndarray, rows)
    if cell == "rnn":
        return DirectionTrace(h=h, projection=projection_rows)
    computed = _block_cache(gates_and_cells)

    def gate_rows(k: int) -> np.ndarray:
        columns = slice(k * H, (k + 1) * H)
        return cast(np.ndarray, TimeRows(T, lambda j: computed(j)["gates"], H, h.dtype, columns))

    gates = {name: gate_rows(k) for k, name in enumerate(gate_names)}
    c_rows = TimeRows(T, lambda j: computed(j)["c"], H, h.dtype) if cell == "lstm" else None
    return DirectionTrace(
        h=h, c=cast(np.ndarray | None, c_rows), gates=gates, projection=projection_rows
    )


def finite_abs_max(values: np.ndarray | TimeRows, rows: int = 4096) -> float:
    """max |v| over the finite entries of a (T, ...) array, read `rows` rows at a time so a
    long trace needs no full-size temporary; a TimeRows is sampled (see TimeRows.sample)."""
    if isinstance(values, TimeRows):
        values = values.sample()
    best = 0.0
    for start in range(0, max(len(values), 1), rows):
        chunk = np.abs(np.asarray(values[start : start + rows]))
        finite = chunk[np.isfinite(chunk)]
        if finite.size:
            best = max(best, float(finite.max()))
    return best
