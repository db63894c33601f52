"""A stacked, optionally bidirectional RNN / LSTM / GRU with PyTorch's parameters."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .cells import ACTIVATIONS, CELLS, NONLINEARITIES, CellSpec, gru_step, lstm_step, rnn_step
from .compact import compact_direction
from .trace import BLOCK, DirectionTrace, LayerTrace, Trace

MERGES = ("concat", "sum", "mean", "mul")
READOUTS = ("every", "last")
DIRECTIONS = ("forward", "backward")
CHUNK = 256  # steps whose input projections are computed together inside the loop
COMPACT_ABOVE = 256 * 2**20  # bytes of full trace above which `trace` keeps it compact


def merge_states(forward: np.ndarray, backward: np.ndarray, mode: str) -> np.ndarray:
    """Combine the two directions. forward, backward: (..., H) -> (..., 2H) for
    concat (PyTorch's choice), else (..., H) elementwise (Keras' other modes)."""
    if mode == "concat":
        return np.concatenate([forward, backward], axis=-1)
    if mode == "sum":
        return forward + backward
    if mode == "mean":
        return (forward + backward) / 2
    if mode == "mul":
        return forward * backward
    raise ValueError(f"merge must be one of {', '.join(MERGES)}, not {mode!r}")


def parameter_shapes(
    cell: str,
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    bidirectional: bool = False,
    merge: str = "concat",
    output_size: int = 0,
    bias: bool = True,
) -> dict[str, tuple[int, ...]]:
    """Every parameter's PyTorch name and shape, in PyTorch's order, then the readout."""
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {', '.join(CELLS)}, not {cell!r}")
    gh = CELLS[cell].blocks * hidden_size
    merged = 2 * hidden_size if bidirectional and merge == "concat" else hidden_size
    shapes: dict[str, tuple[int, ...]] = {}
    for k in range(num_layers):
        layer_in = input_size if k == 0 else merged
        for suffix in ("", "_reverse") if bidirectional else ("",):
            shapes[f"weight_ih_l{k}{suffix}"] = (gh, layer_in)
            shapes[f"weight_hh_l{k}{suffix}"] = (gh, hidden_size)
            if bias:
                shapes[f"bias_ih_l{k}{suffix}"] = (gh,)
                shapes[f"bias_hh_l{k}{suffix}"] = (gh,)
    if output_size:
        shapes["readout.weight"] = (output_size, merged)
        shapes["readout.bias"] = (output_size,)
    return shapes


def init_state_dict(
    shapes: Mapping[str, tuple[int, ...]], hidden_size: int, seed: int
) -> dict[str, np.ndarray]:
    """PyTorch's default initialisation from a seed: U(-1/√H, 1/√H) for the
    recurrent parameters, U(-1/√fan_in, 1/√fan_in) for the readout (nn.Linear),
    N(0, 1) for an embedding table. Drawn in the order of `shapes`; float64."""
    rng = np.random.default_rng(seed)
    out: dict[str, np.ndarray] = {}
    readout_fan_in = shapes["readout.weight"][1] if "readout.weight" in shapes else 1
    for name, shape in shapes.items():
        if name.startswith("embedding."):
            out[name] = rng.standard_normal(shape)
            continue
        fan = readout_fan_in if name.startswith("readout.") else hidden_size
        bound = 1.0 / np.sqrt(fan)
        out[name] = rng.uniform(-bound, bound, size=shape)
    return out


class Network:
    """RNN, LSTM or GRU; any depth; uni- or bidirectional; optional linear readout.

    Parameters use PyTorch's names and shapes (``weight_ih_l0``, ``bias_hh_l1_reverse``,
    …) plus ``readout.weight`` (O × H') and ``readout.bias`` (O,), so a trained
    PyTorch ``state_dict`` is a dictionary copy. Without ``state_dict`` the weights
    are drawn from ``seed`` with PyTorch's default initialisation.
    """

    def __init__(
        self,
        cell: str = "rnn",
        input_size: int = 1,
        hidden_size: int = 1,
        num_layers: int = 1,
        bidirectional: bool = False,
        merge: str = "concat",
        nonlinearity: str = "tanh",
        output_size: int = 0,
        readout: str = "every",
        bias: bool = True,
        state_dict: Mapping[str, np.ndarray] | None = None,
        seed: int = 0,
        dtype: type | np.dtype = np.float64,
    ) -> None:
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {', '.join(CELLS)}, not {cell!r}")
        for name, value in (
            ("input_size", input_size),
            ("hidden_size", hidden_size),
            ("num_layers", num_layers),
        ):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, not {value!r}")
        if (
            not isinstance(output_size, (int, np.integer))
            or isinstance(output_size, bool)
            or output_size < 0
        ):
            raise ValueError(f"output_size must be a non-negative integer, not {output_size!r}")
        if merge not in MERGES:
            raise ValueError(f"merge must be one of {', '.join(MERGES)}, not {merge!r}")
        if nonlinearity not in NONLINEARITIES:
            raise ValueError(
                f"nonlinearity must be one of {', '.join(NONLINEARITIES)}, not {nonlinearity!r}"
            )
        if readout not in READOUTS:
            raise ValueError(f"readout must be one of {', '.join(READOUTS)}, not {readout!r}")
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise ValueError(f"dtype must be float32 or float64, not {self.dtype}")
        self.spec: CellSpec = CELLS[cell]
        self.cell = cell
        self.input_size = int(input_size)
        self.hidden_size = int(hidden_size)
        self.num_layers = int(num_layers)
        self.bidirectional = bool(bidirectional)
        self.merge = merge
        self.nonlinearity = nonlinearity
        self.output_size = int(output_size)
        self.readout = readout
        self.bias = bool(bias)
        self.shapes = parameter_shapes(
            cell, self.input_size, self.hidden_size, self.num_layers,
            self.bidirectional, merge, self.output_size, self.bias,
        )  # fmt: skip
        if state_dict is None:
            state_dict = init_state_dict(self.shapes, self.hidden_size, seed)
        self.set_params(state_dict)  # keeps W_hhᵀ contiguous too: each step is one h @ W

    # ------------------------------------------------------------------ set-up
    def set_params(self, state_dict: Mapping[str, np.ndarray]) -> None:
        """Replace every parameter (same names and shapes), e.g. after a training step."""
        self.params = self._checked(state_dict)
        self._w_hh_t = {
            name: np.ascontiguousarray(w.T)
            for name, w in self.params.items()
            if name.startswith("weight_hh")
        }

    def copy(self) -> Network:
        """An independent network with the same settings and a copy of every parameter."""
        return Network(
            self.cell, self.input_size, self.hidden_size, self.num_layers, self.bidirectional,
            merge=self.merge, nonlinearity=self.nonlinearity, output_size=self.output_size,
            readout=self.readout, bias=self.bias, state_dict=self.params, dtype=self.dtype,
        )  # fmt: skip

    def _checked(self, state_dict: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        missing = [name for name in self.shapes if name not in state_dict]
        if missing:
            raise ValueError(f"state_dict lacks {', '.join(missing)}")
        unexpected = [name for name in state_dict if name not in self.shapes]
        if unexpected:
            raise ValueError(f"state_dict has unexpected keys: {', '.join(unexpected)}")
        params = {}
        for name, shape in self.shapes.items():
            array = np.asarray(state_dict[name])
            if array.shape != shape:
                raise ValueError(f"{name} has shape {array.shape}, expected {shape}")
            if not np.all(np.isfinite(array)):
                raise ValueError(f"{name} contains NaN or infinity")
            params[name] = np.array(array, dtype=self.dtype)  # a private copy
        return params

    @property
    def merged_size(self) -> int:
        """Width H' of a layer's output: 2H for bidirectional concat, else H."""
        return (
            2 * self.hidden_size
            if self.bidirectional and self.merge == "concat"
            else self.hidden_size
        )

    @property
    def directions(self) -> tuple[str, ...]:
        """("forward",) or ("forward", "backward")."""
        return DIRECTIONS if self.bidirectional else DIRECTIONS[:1]

    def config(self) -> dict:
        """The model block of `trace --json`."""
        return {
            "cell": self.cell,
            "input_size": self.input_size,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "bidirectional": self.bidirectional,
            "merge": self.merge,
            "nonlinearity": self.nonlinearity if self.cell == "rnn" else None,
            "output_size": self.output_size,
            "readout": self.readout if self.output_size else None,
        }

    def weights(self, layer: int, direction: str) -> tuple[np.ndarray, ...]:
        """(W_ih, W_hh, b_ih, b_hh) of one layer and direction; zeros when bias=False.
        Shapes: (blocks*H, in), (blocks*H, H), (blocks*H,), (blocks*H,)."""
        suffix = self._suffix(direction)
        w_ih = self.params[f"weight_ih_l{layer}{suffix}"]
        w_hh = self.params[f"weight_hh_l{layer}{suffix}"]
        zeros = np.zeros(w_ih.shape[0], dtype=self.dtype)
        b_ih = self.params.get(f"bias_ih_l{layer}{suffix}", zeros)
        b_hh = self.params.get(f"bias_hh_l{layer}{suffix}", zeros)
        return w_ih, w_hh, b_ih, b_hh

    def _inputs(self, inputs: np.ndarray, batched: bool = False) -> np.ndarray:
        x = np.asarray(inputs)
        ndim = 3 if batched else 2
        if x.ndim != ndim or x.shape[-1] != self.input_size or x.shape[0] < 1:
            want = f"(T >= 1, B, {self.input_size})" if batched else f"(T >= 1, {self.input_size})"
            raise ValueError(f"inputs must have shape {want}, not {x.shape}")
        if not np.all(np.isfinite(x)):
            raise ValueError("inputs contain NaN or infinity")
        return np.array(x, dtype=self.dtype, order="C")  # the trace keeps its own copy

    # ------------------------------------------------------------------ the math
    def step(
        self, layer: int, direction: str, x_t: np.ndarray, state: tuple[np.ndarray, ...]
    ) -> tuple[tuple[np.ndarray, ...], dict[str, np.ndarray]]:
        """One timestep of one layer and direction, input projection included.
        x_t: (in,); state: (h,) or for LSTM (h, c), each (H,).
        Returns the new state and the gate activations {name: (H,)}."""
        w_ih, _, b_ih, b_hh = self.weights(layer, direction)
        xp = x_t @ w_ih.T + b_ih  # this step's input projection
        return self._recur(xp, state, self._w_hh_t[self._hh_name(layer, direction)], b_hh)

    def _suffix(self, direction: str) -> str:
        if direction not in self.directions:
            raise ValueError(
                f"direction must be one of {', '.join(self.directions)}, not {direction!r}"
            )
        return "_reverse" if direction == "backward" else ""

    def _hh_name(self, layer: int, direction: str) -> str:
        return f"weight_hh_l{layer}{self._suffix(direction)}"

    def _recur(self, xp, state, w_hh_t, b_hh):
        if self.cell == "lstm":
            h, c, gates = lstm_step(xp, state[0], state[1], w_hh_t, b_hh)
            return (h, c), dict(zip(self.spec.gate_names, gates, strict=True))
        if self.cell == "gru":
            h, gates = gru_step(xp, state[0], w_hh_t, b_hh)
            return (h,), dict(zip(self.spec.gate_names, gates, strict=True))
        return (rnn_step(xp, state[0], w_hh_t, b_hh, ACTIVATIONS[self.nonlinearity]),), {}

    def initial_state(self, batch: tuple[int, ...] = ()) -> tuple[np.ndarray, ...]:
        """Zero state: (h0,) or (h0, c0), each (*batch, H)."""
        zero = np.zeros((*batch, self.hidden_size), dtype=self.dtype)
        return (zero, zero.copy()) if self.spec.has_cell_state else (zero,)

    def _run_direction(self, x: np.ndarray, layer: int, direction: str, vectorised: bool):
        """Run one layer in one direction over x: (T, [B,] in) -> DirectionTrace."""
        T, batch = x.shape[0], x.shape[1:-1]
        shape = (T, *batch, self.hidden_size)
        w_ih, _, b_ih, b_hh = self.weights(layer, direction)
        w_hh_t = self._w_hh_t[self._hh_name(layer, direction)]
        projection = x @ w_ih.T + b_ih if vectorised else None  # all t in one product
        h_all = np.empty(shape, dtype=self.dtype)
        c_all = np.empty(shape, dtype=self.dtype) if self.spec.has_cell_state else None
        gates = {name: np.empty(shape, dtype=self.dtype) for name in self.spec.gate_names}
        order = range(T) if direction == "forward" else range(T - 1, -1, -1)
        state = self.initial_state(batch)
        for t in order:
            if projection is not None:
                state, step_gates = self._recur(projection[t], state, w_hh_t, b_hh)
            else:
                state, step_gates = self.step(layer, direction, x[t], state)
            h_all[t] = state[0]
            if c_all is not None:
                c_all[t] = state[1]
            for name, value in step_gates.items():
                gates[name][t] = value
        return DirectionTrace(h=h_all, c=c_all, gates=gates, projection=projection)

    def _run_layer(self, x: np.ndarray, layer: int, compact: bool = False):
        """The vectorised run of one layer, both directions in one loop.
        x: (T, [B,] in) -> (forward, backward or None) DirectionTraces, plus the layer's
        output (T, [B,] H') when `compact` (else None: the caller merges).

        The input projections (with every bias that does not multiply a gate folded in)
        are computed a chunk of steps at a time; each step then does one batched product
        for both directions (step s is t = s forward and t = T-1-s backward), and the
        nonlinearities in place on preallocated buffers. `compact` (batch 1 only) keeps
        just the states, written straight into the layer's output, plus LSTM cell-state
        checkpoints; see compact.py."""
        dirs, H, cell = self.directions, self.hidden_size, self.cell
        D, T, batch = len(dirs), x.shape[0], x.shape[1:-1]
        G = self.spec.blocks * H
        # LSTM rows run i, f, o, g inside the loop: one σ over three gates, one tanh
        blocks = [0, 1, 3, 2] if cell == "lstm" else list(range(self.spec.blocks))
        order = np.concatenate([np.arange(b * H, (b + 1) * H) for b in blocks])  # for W_hh
        projections, w_in, b_in, w_stack, b_hn = [], [], [], [], []
        for d in dirs:
            w_ih, _, b_ih, b_hh = self.weights(layer, d)
            bias = b_hh.copy()
            if cell == "gru":  # b_hn sits inside r ⊙ (W_hn s + b_hn): it cannot be folded
                b_hn.append(bias[2 * H :].copy())
                bias[2 * H :] = 0
            if not compact:
                projections.append(x @ w_ih.T + b_ih)  # all t in one product, kept
            w_in.append(w_ih)
            b_in.append((b_ih, bias))
            w_stack.append(self._w_hh_t[self._hh_name(layer, d)][:, order])

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
                np.multiply(part[..., src:src_end], scale[dst : dst + width],
                            out=out[..., dst : dst + width])  # fmt: skip

        # σ(a) = (1 + tanh(a/2)) / 2: the rows behind a σ are halved once here (exactly: a
        # power of two), so each step needs one tanh and no scaling before it
        halve = {"lstm": 3 * H, "gru": 2 * H}.get(cell, G if self.nonlinearity == "sigmoid" else 0)
        scale = np.ones(G, dtype=self.dtype)
        scale[:halve] = 0.5
        # (D, H, G), C order: the column gather above leaves each slab in Fortran order,
        # and a stacked matmul on that copies or loops instead of calling BLAS each step
        w = np.ascontiguousarray(np.stack(w_stack) * scale)
        rows = int(np.prod(batch, dtype=np.int64)) if batch else 1
        h = np.zeros((D, rows, H), dtype=self.dtype)
        z = np.empty((D, rows, G), dtype=self.dtype)
        if compact:
            merged = np.empty((T, D * H) if self.merge == "concat" else (T, D, H), self.dtype)
            held = [merged[:, d * H : (d + 1) * H] if self.merge == "concat" else merged[:, d]
                    for d in range(D)]  # fmt: skip
            n_blocks = -(-T // BLOCK)
            checkpoints = np.zeros((D, n_blocks, H), self.dtype) if cell == "lstm" else None
            hs = gs = cs = None
        else:
            hs = np.empty((T, D, rows, H), dtype=self.dtype)
            gs = np.empty((T, D, rows, G), dtype=self.dtype) if cell != "rnn" else None
            cs = np.empty((T, D, rows, H), dtype=self.dtype) if cell == "lstm" else None
        tmp = np.empty((D, rows, H), dtype=self.dtype)
        c = np.zeros((D, rows, H), dtype=self.dtype)
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
        chunk = np.empty((min(T, CHUNK), D, *batch, G), dtype=self.dtype)
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
                    if self.nonlinearity == "relu":
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
        if compact:
            traces = [
                compact_direction(
                    cell,
                    self.spec.gate_names,
                    x,
                    held[d],
                    self.weights(layer, dirs[d]),
                    backward=d == 1,
                    checkpoints=None if checkpoints is None else checkpoints[d],
                )  # fmt: skip
                for d in range(D)
            ]
            if D == 1:
                return traces[0], None, held[0]
            if self.merge == "concat":
                return traces[0], traces[1], merged
            return traces[0], traces[1], merge_states(held[0], held[1], self.merge)
        return (
            tuple(
                self._direction_trace(projections[i], hs, gs, cs, i, batch, blocks)
                for i in range(D)
            )
            + ((None,) if D == 1 else ())
            + (None,)
        )

    def _direction_trace(
        self, projection, hs, gs, cs, index: int, batch, blocks: list[int]
    ) -> DirectionTrace:
        """Unpack direction `index` of the step-ordered buffers into time order."""
        T, H = hs.shape[0], self.hidden_size
        order = slice(None) if index == 0 else slice(None, None, -1)

        def timed(a: np.ndarray) -> np.ndarray:
            return np.ascontiguousarray(a[order, index]).reshape(T, *batch, a.shape[-1])

        gates = {}
        if gs is not None:
            g = timed(gs)
            at = {block: k for k, block in enumerate(blocks)}  # PyTorch block -> loop position
            gates = {
                name: g[..., at[b] * H : (at[b] + 1) * H]
                for b, name in enumerate(self.spec.gate_names)
            }
        return DirectionTrace(
            h=timed(hs), c=None if cs is None else timed(cs), gates=gates, projection=projection
        )

    def _run(
        self, inputs: np.ndarray, vectorised: bool, batched: bool = False, compact: bool = False
    ) -> Trace:
        # Huge weights may overflow to inf (and inf - inf to NaN): that is a result to show,
        # not a warning to print over the screen.
        with np.errstate(over="ignore", invalid="ignore"):
            return self._run_unchecked(inputs, vectorised, batched, compact)

    def full_trace_bytes(self, steps: int) -> int:
        """Bytes a full (not compact) trace of `steps` steps holds: per layer and direction
        h, the input projection, the gates and c, plus each layer's merged output."""
        H, G = self.hidden_size, self.spec.blocks * self.hidden_size
        per_direction = H + G + (G if self.cell != "rnn" else 0) + (H if self.cell == "lstm" else 0)
        per_layer = len(self.directions) * per_direction + self.merged_size
        return steps * self.num_layers * per_layer * self.dtype.itemsize

    def _run_unchecked(
        self, inputs: np.ndarray, vectorised: bool, batched: bool, compact: bool
    ) -> Trace:
        x = self._inputs(inputs, batched)
        layers = []
        layer_in = x
        for k in range(self.num_layers):
            out = None
            if vectorised:
                fwd, bwd, out = self._run_layer(layer_in, k, compact)
            else:
                fwd = self._run_direction(layer_in, k, "forward", vectorised)
                bwd = (
                    self._run_direction(layer_in, k, "backward", vectorised)
                    if self.bidirectional
                    else None
                )
            if out is None:
                out = fwd.h if bwd is None else merge_states(fwd.h, bwd.h, self.merge)
            layers.append(LayerTrace(input=layer_in, forward=fwd, backward=bwd, output=out))
            layer_in = out
        return Trace(inputs=x, layers=layers, outputs=self._readout(layers[-1]), compact=compact)

    def final_state(self, top: LayerTrace) -> np.ndarray:
        """The many-to-one summary, ([B,] H'): forward at t=T merged with backward at t=1 (h_n)."""
        if top.backward is None:
            return top.forward.h[-1]
        return merge_states(top.forward.h[-1], top.backward.h[0], self.merge)

    def _readout(self, top: LayerTrace) -> np.ndarray | None:
        if not self.output_size:
            return None
        w, b = self.params["readout.weight"], self.params["readout.bias"]
        states = top.output if self.readout == "every" else self.final_state(top)[None]
        return states @ w.T + b  # o_t = W_oh s_t + b_o

    def trace(self, inputs: np.ndarray, *, compact: bool | None = None) -> Trace:
        """The vectorised run. inputs: (T, input_size) -> Trace with every state.
        The input projection is one matrix product per layer and direction; only
        the recurrent part is looped over time.

        compact: keep only the states (plus LSTM checkpoints) and compute gates, cell
        states and projections on demand (compact.py); None chooses it when the full
        trace would pass COMPACT_ABOVE bytes."""
        if compact is None:
            compact = self.full_trace_bytes(np.shape(inputs)[0]) > COMPACT_ABOVE
        return self._run(inputs, vectorised=True, compact=compact)

    def trace_batch(self, inputs: np.ndarray) -> Trace:
        """The vectorised run over B sequences of equal length at once.
        inputs: (T, B, input_size) -> Trace whose arrays are (T, B, ·); outputs (T, B, O),
        or (1, B, O) for readout "last". For training; the app shows single sequences."""
        return self._run(inputs, vectorised=True, batched=True)

    def trace_stepwise(self, inputs: np.ndarray) -> Trace:
        """The same run, one timestep at a time (the input projected per step).
        inputs: (T, input_size) -> Trace; agrees with `trace` to rounding."""
        return self._run(inputs, vectorised=False)
