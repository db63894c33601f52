"""The fast path: one layer's recurrence as a few in-place numpy calls per step.

network.py is the reference a student reads: `Network.step` applies cells.py's
equations one timestep at a time, and `Network.trace_stepwise` loops it. This
module computes the same recurrence and is what `Network.trace` and
`Network.trace_batch` run, faster because

- the input projections, with every bias that does not multiply a gate folded in,
  are computed CHUNK steps at a time outside the step loop;
- both directions of a layer advance in one batched product per step (step s is
  t = s forward and t = T-1-s backward);
- LSTM gate rows run i, f, o, g, so one tanh covers all four gates and the three σ
  are one slice; σ(a) = (1 + tanh(a/2)) / 2, with the rows behind a σ halved once
  in the weights (exact: a power of two);
- the nonlinearities run in place on preallocated buffers;
- `compact` keeps only h (plus LSTM cell-state checkpoints): see compact.py.

The two paths agree to rounding, not bit for bit: tests/unit/test_engine.py
compares `trace` with `trace_stepwise` for every cell, merge and readout,
tests/unit/test_fused.py over several chunks and for batches,
tests/unit/test_compact.py compact traces with full ones, and tests/parity both
paths with PyTorch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .compact import compact_direction
from .trace import BLOCK, DirectionTrace

if TYPE_CHECKING:
    from .network import Network
    from .progressive import LayerWatch

CHUNK = 256  # steps whose input projections are computed together inside the loop


def run_layer(
    net: Network,
    x: np.ndarray,
    layer: int,
    compact: bool = False,
    watch: LayerWatch | None = None,
) -> tuple[DirectionTrace, DirectionTrace | None, np.ndarray | None]:
    """One layer of `net`, both directions in one loop.
    x: (T, [B,] in) -> (forward, backward or None) DirectionTraces, plus the layer's
    output (T, [B,] H') when the loop wrote it in place (compact, bidirectional concat),
    else None: the caller merges the directions' h.

    `compact` (batch 1 only) keeps just the states, written straight into the layer's
    output, plus LSTM cell-state checkpoints; see compact.py. `watch` (compact only)
    is handed the layer's traces before the loop fills them, then told after every
    CHUNK steps how many are done, so another thread can read them (progressive.py)."""
    dirs, H, cell = net.directions, net.hidden_size, net.cell
    D, T, batch = len(dirs), x.shape[0], x.shape[1:-1]
    G = net.spec.blocks * H
    # LSTM rows run i, f, o, g inside the loop: one σ over three gates, one tanh
    blocks = [0, 1, 3, 2] if cell == "lstm" else list(range(net.spec.blocks))
    order = np.concatenate([np.arange(b * H, (b + 1) * H) for b in blocks])  # for W_hh
    projections, w_in, b_in, w_stack, b_hn = [], [], [], [], []
    for d in dirs:
        w_ih, w_hh, b_ih, b_hh = net.weights(layer, d)
        bias = b_hh.copy()
        if cell == "gru":  # b_hn sits inside r ⊙ (W_hn s + b_hn): it cannot be folded
            b_hn.append(bias[2 * H :].copy())
            bias[2 * H :] = 0
        if not compact:
            projections.append(x @ w_ih.T + b_ih)  # all t in one product, kept
        w_in.append(w_ih)
        b_in.append((b_ih, bias))
        w_stack.append(w_hh.T[:, order])

    # the loop's gate order as runs of PyTorch's rows: slice copies, not a gather
    runs = [(b * H, (b + 1) * H, k * H) for k, b in enumerate(blocks)]

    def fold_into(out: np.ndarray, d: int, start: int, stop: int) -> None:
        """Write what direction d adds at steps [start, stop) into out (n, [B,] G):
        its input projection plus the folded biases, rows in loop order, scaled."""
        a, b = (start, stop) if d == 0 else (T - stop, T - start)  # backward reads back
        b_ih, bias = b_in[d]
        part = (projections[d][a:b] if projections else x[a:b] @ w_in[d].T + b_ih) + bias
        if d == 1:
            part = part[::-1]
        for src, src_end, dst in runs:
            width = src_end - src
            np.multiply(
                part[..., src:src_end], scale[dst : dst + width], out=out[..., dst : dst + width]
            )

    # σ(a) = (1 + tanh(a/2)) / 2: the rows behind a σ are halved once here (exactly: a
    # power of two), so each step needs one tanh and no scaling before it
    halve = {"lstm": 3 * H, "gru": 2 * H}.get(cell, G if net.nonlinearity == "sigmoid" else 0)
    scale = np.ones(G, dtype=net.dtype)
    scale[:halve] = 0.5
    # (D, H, G), C order: the column gather above leaves each slab in Fortran order,
    # and a stacked matmul on that copies or loops instead of calling BLAS each step
    w = np.ascontiguousarray(np.stack(w_stack) * scale)
    rows = int(np.prod(batch, dtype=np.int64)) if batch else 1
    h = np.zeros((D, rows, H), dtype=net.dtype)
    z = np.empty((D, rows, G), dtype=net.dtype)
    if compact:
        merged = np.empty((T, D * H) if net.merge == "concat" else (T, D, H), net.dtype)
        held = [
            merged[:, d * H : (d + 1) * H] if net.merge == "concat" else merged[:, d]
            for d in range(D)
        ]
        n_blocks = -(-T // BLOCK)
        checkpoints = np.zeros((D, n_blocks, H), net.dtype) if cell == "lstm" else None
        hs = gs = cs = None
        # the traces read the buffers the loop fills: made now, so a watcher has them
        traces = [
            compact_direction(
                cell,
                net.spec.gate_names,
                x,
                held[d],
                net.weights(layer, dirs[d]),
                backward=d == 1,
                checkpoints=None if checkpoints is None else checkpoints[d],
            )
            for d in range(D)
        ]
        if watch is not None:
            watch.begun(traces[0], traces[1] if D == 2 else None)
    else:
        hs = np.empty((T, D, rows, H), dtype=net.dtype)
        gs = np.empty((T, D, rows, G), dtype=net.dtype) if cell != "rnn" else None
        cs = np.empty((T, D, rows, H), dtype=net.dtype) if cell == "lstm" else None
    tmp = np.empty((D, rows, H), dtype=net.dtype)
    c = np.zeros((D, rows, H), dtype=net.dtype)
    # fixed views of the step buffer: slicing anew each step costs more than the math
    sigmoids, first, second, third, fourth = (
        z[..., :halve],
        z[..., :H],
        z[..., H : 2 * H],
        z[..., 2 * H : 3 * H],
        z[..., 3 * H :],
    )  # LSTM: i f o g; GRU: r z n (third), fourth empty
    if cell == "gru":
        bn = np.stack(b_hn)[:, None, :]  # (D, 1, H)
    chunk = np.empty((min(T, CHUNK), D, *batch, G), dtype=net.dtype)
    for start in range(0, T, CHUNK):
        stop = min(T, start + CHUNK)
        for side in range(D):
            fold_into(chunk[: stop - start, side], side, start, stop)
        xs = chunk.reshape(-1, D, rows, G)
        xs_rz, xs_n = xs[..., : 2 * H], xs[..., 2 * H :]  # GRU adds these at two places
        for step in range(start, stop):
            np.matmul(h, w, out=z)  # W_hh s for both directions at once
            if cell == "rnn":
                z += xs[step - start]
                if net.nonlinearity == "relu":
                    np.maximum(z, 0, out=z)
                else:
                    np.tanh(z, out=z)
                    if halve:  # σ
                        z *= 0.5
                        z += 0.5
                h, z = z, h  # the new state is z; reuse the old state's buffer
            elif cell == "lstm":
                z += xs[step - start]
                np.tanh(z, out=z)  # g, and i f o halved
                sigmoids *= 0.5
                sigmoids += 0.5  # i, f, o
                c *= second  # f ⊙ c_{t-1}
                np.multiply(first, fourth, out=tmp)  # i ⊙ g
                c += tmp  # c_t
                np.tanh(c, out=tmp)
                np.multiply(third, tmp, out=h)  # s_t = o ⊙ tanh(c_t)
            else:  # gru
                sigmoids += xs_rz[step - start]
                np.tanh(sigmoids, out=sigmoids)
                sigmoids *= 0.5
                sigmoids += 0.5  # r, z
                third += bn  # W_hn s + b_hn
                third *= first  # r ⊙ (...)
                third += xs_n[step - start]  # + W_in x + b_in
                np.tanh(third, out=third)  # n
                np.subtract(h, third, out=tmp)
                tmp *= second
                np.add(third, tmp, out=h)  # s_t = n + z ⊙ (s_{t-1} - n)
            if hs is not None:
                hs[step] = h
                if gs is not None:
                    gs[step] = z
                if cs is not None:
                    cs[step] = c
                continue
            held[0][step] = h[0, 0]
            if D == 2:
                held[1][T - 1 - step] = h[1, 0]
            if checkpoints is not None:  # c just before the next block in each direction
                if step % BLOCK == BLOCK - 1 and step + 1 < T:
                    checkpoints[0, (step + 1) // BLOCK] = c[0, 0]
                back = T - 1 - step  # the backward direction's t
                if D == 2 and back % BLOCK == 0 and back > 0:
                    checkpoints[1, back // BLOCK - 1] = c[1, 0]
        if watch is not None:
            watch.advanced(stop)  # steps [0, stop) forward and [T - stop, T) backward are in
    if compact:
        if D == 2 and net.merge == "concat":
            return traces[0], traces[1], merged  # the directions' h are views of it
        return traces[0], traces[1] if D == 2 else None, None
    assert hs is not None
    traces = [_direction_trace(net, projections[d], hs, gs, cs, d, batch, blocks) for d in range(D)]
    return traces[0], traces[1] if D == 2 else None, None


def _direction_trace(
    net: Network,
    projection: np.ndarray,
    hs: np.ndarray,
    gs: np.ndarray | None,
    cs: np.ndarray | None,
    index: int,
    batch: tuple[int, ...],
    blocks: list[int],
) -> DirectionTrace:
    """Unpack direction `index` of the step-ordered buffers into time order.
    projection: (T, [B,] G); hs, cs: (T, D, rows, H); gs: (T, D, rows, G), gate rows in
    the loop's order `blocks` (PyTorch block numbers)."""
    T, H = hs.shape[0], net.hidden_size
    order = slice(None) if index == 0 else slice(None, None, -1)

    def timed(a: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(a[order, index]).reshape(T, *batch, a.shape[-1])

    gates = {}
    if gs is not None:
        g = timed(gs)
        at = {block: k for k, block in enumerate(blocks)}  # PyTorch block -> loop position
        gates = {
            name: g[..., at[b] * H : (at[b] + 1) * H] for b, name in enumerate(net.spec.gate_names)
        }
    return DirectionTrace(
        h=timed(hs), c=None if cs is None else timed(cs), gates=gates, projection=projection
    )
