"""Compact traces for long sequences: keep the hidden states, recompute the rest.

A full trace of a 100,000-step, 2-layer bidirectional LSTM with H = 256 would hold
gates, cell states and input projections for every step: about 4 GB in float32. A
compact trace keeps only what the recurrence cannot cheaply redo, the hidden states
h (T, H) and, for an LSTM, the cell state c at the start of every block of BLOCK
steps. Everything else is a `TimeRows`: an array-like that computes the rows asked
for, block by block, from the layer's input, the stored h and the weights. The
values agree with a full trace to rounding (the same formulas, batched per block).

A read within one block computes that block only: the app reads blocks of a trace
that is still being computed, whose later blocks are not ready. A read across
several blocks (the .npz and JSON writers read whole slices) computes up to
BATCH_BLOCKS of them together: one matrix product over 512 rows runs 1.5-2× as fast as
eight over 64 rows, and the LSTM's c recurrence steps through all of them at once, each
from its own checkpoint.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from typing import cast

import numpy as np

from .cells import gru_step
from .trace import BATCH_BLOCKS, BLOCK, DirectionTrace, TimeRows

CACHED_BLOCKS = BATCH_BLOCKS
"""Blocks kept per direction: stepping and the history window stay in cache, and so
does a writer's slice (BATCH_BLOCKS, aligned) while it reads c and each gate of it in
turn. Kept small: a 64-layer network keeps this many per layer and direction. (A
block computed with others is a view of their batch, which it keeps alive: at worst
BATCH_BLOCKS blocks' memory per block kept.)"""


class _BlockCache:
    """The computed blocks of one direction, the last CACHED_BLOCKS read kept.

    compute(first, stop) returns {name: rows of blocks [first, stop)}: "projection",
    and "gates" (GRU, LSTM) and "c" (LSTM); all the direction's arrays come from one
    computation, so reading c, the gates and the projection of a block computes it once."""

    def __init__(self, compute: Callable[[int, int], dict[str, np.ndarray]]) -> None:
        self._compute = compute
        self._blocks: OrderedDict[int, dict[str, np.ndarray]] = OrderedDict()

    def rows(self, name: str, first: int, stop: int) -> list[np.ndarray]:
        """Array `name`'s rows of blocks [first, stop), one (≤ BLOCK, width) array a block.
        Only those blocks are computed, each run of missing ones in one go. Safe to call
        from several threads (a block may then be computed twice, never wrongly)."""
        kept = self._blocks
        found = {j: block for j in range(first, stop) if (block := kept.get(j)) is not None}
        missing = [j for j in range(first, stop) if j not in found]
        while missing:
            run = 1  # consecutive blocks
            while run < len(missing) and missing[run] == missing[0] + run:
                run += 1
            computed = self._compute(missing[0], missing[0] + run)
            for k, j in enumerate(missing[:run]):
                found[j] = {
                    key: rows[k * BLOCK : (k + 1) * BLOCK] for key, rows in computed.items()
                }
            missing = missing[run:]
        for j in range(first, stop):  # most recently read last
            kept.pop(j, None)
            kept[j] = found[j]
        while len(kept) > CACHED_BLOCKS:  # a read spans at most BATCH_BLOCKS (TimeRows)
            kept.popitem(last=False)
        return [found[j][name] for j in range(first, stop)]


def _lstm_activations(z: np.ndarray, scale: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """The gates from their pre-activations, in place. z: (n, 4H), rows i f g o; scale,
    shift: (4H,), 1/2 and 1/2 on the σ gates' rows, 1 and 0 on g's. As fused.py computes
    σ(a) = (1 + tanh(a/2)) / 2, with one tanh over all four gates."""
    z *= scale
    np.tanh(z, out=z)
    z *= scale
    z += shift
    return z


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
    scale, shift = np.full(G, 0.5, h.dtype), np.full(G, 0.5, h.dtype)  # LSTM: σ for i f o,
    scale[2 * H : 3 * H], shift[2 * H : 3 * H] = 1, 0  # tanh for g

    def previous_states(a: int, b: int) -> np.ndarray:
        """s at the step before each t in [a, b): t - 1 forward, t + 1 backward. (b-a, H)"""
        if backward:
            return np.concatenate([h[a + 1 : b], h[b : b + 1] if b < T else zero])
        return np.concatenate([h[a - 1 : a] if a > 0 else zero, h[a : b - 1]])

    def cell_states(f: np.ndarray, write: np.ndarray, first: int) -> np.ndarray:
        """c for the rows of blocks first, first + 1, ...: f, write (n, H) the forget gate
        and i ⊙ g. Each block runs from its checkpoint, all blocks in step. (n, H)"""
        assert checkpoints is not None
        n = len(f)
        count = -(-n // BLOCK)
        if n < count * BLOCK:  # the sequence's last block is short: pad it with steps
            pad = count * BLOCK - n  # that keep c as it is (f = 1, nothing written)
            f = np.concatenate([f, np.ones((pad, H), f.dtype)])
            write = np.concatenate([write, np.zeros((pad, H), write.dtype)])
        f, write = f.reshape(count, BLOCK, H), write.reshape(count, BLOCK, H)
        c = np.empty((count, BLOCK, H), dtype=h.dtype)
        state = checkpoints[first : first + count].copy()  # (count, H)
        for r in range(BLOCK - 1, -1, -1) if backward else range(BLOCK):
            state *= f[:, r]  # keep part of the old cell state
            state += write[:, r]  # write part of the new
            c[:, r] = state
        return c.reshape(count * BLOCK, H)[:n]

    def compute(first: int, stop: int) -> dict[str, np.ndarray]:
        """Everything of blocks [first, stop), computed for all their rows at once."""
        a, b = first * BLOCK, min(T, stop * BLOCK)
        projection = x[a:b] @ w_ih.T
        projection += b_ih  # W_ih x_t + b_ih
        if cell == "rnn":
            return {"projection": projection}
        prev = previous_states(a, b)
        if cell == "gru":
            _, (r, z, n) = gru_step(projection, prev, w_hh_t, b_hh)
            return {"projection": projection, "gates": np.concatenate([r, z, n], axis=-1)}
        pre = prev @ w_hh_t  # W_hh s_{t-1}, all four gates stacked i f g o
        pre += projection
        pre += b_hh
        gates = _lstm_activations(pre, scale, shift)
        write = gates[:, :H] * gates[:, 2 * H : 3 * H]  # i ⊙ g
        c = cell_states(gates[:, H : 2 * H], write, first)
        return {"projection": projection, "gates": gates, "c": c}

    cache = _BlockCache(compute)

    def rows(name: str, width: int, columns: slice = slice(None)) -> np.ndarray:
        # TimeRows stand in for arrays (DirectionTrace's types say what they behave as)
        return cast(np.ndarray, TimeRows(T, partial(cache.rows, name), width, h.dtype, columns))

    projection_rows = rows("projection", G)
    if cell == "rnn":
        return DirectionTrace(h=h, projection=projection_rows)
    gates = {name: rows("gates", H, slice(k * H, (k + 1) * H)) for k, name in enumerate(gate_names)}
    c_rows = rows("c", H) if cell == "lstm" else None
    return DirectionTrace(h=h, c=c_rows, gates=gates, projection=projection_rows)


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
