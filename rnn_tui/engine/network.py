"""A stacked, optionally bidirectional RNN / LSTM / GRU with PyTorch's parameters.

This is the reference to read: the parameters and their shapes, `Network.step` (one
timestep of one layer and direction, cells.py's equations as they are written), and
`trace_stepwise`, which runs `step` at every t. `Network.trace` and `trace_batch` run
the same recurrence on the fast path in fused.py (both directions in one loop, input
projections in chunks, σ through one tanh, buffers reused). The two agree to rounding:
tests/unit/test_engine.py and tests/unit/test_fused.py compare them for every cell and
setting, and tests/parity compares both with PyTorch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from . import fused
from .cells import ACTIVATIONS, CELLS, NONLINEARITIES, CellSpec, gru_step, lstm_step, rnn_step
from .trace import DirectionTrace, LayerTrace, Trace

if TYPE_CHECKING:
    from .progressive import TraceRun

MERGES = ("concat", "sum", "mean", "mul")
READOUTS = ("every", "last")
RUN_DIRECTIONS = ("forward", "backward")  # the ways a layer runs over time
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
            cell,
            self.input_size,
            self.hidden_size,
            self.num_layers,
            self.bidirectional,
            merge,
            self.output_size,
            self.bias,
        )
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
            self.cell,
            self.input_size,
            self.hidden_size,
            self.num_layers,
            self.bidirectional,
            merge=self.merge,
            nonlinearity=self.nonlinearity,
            output_size=self.output_size,
            readout=self.readout,
            bias=self.bias,
            state_dict=self.params,
            dtype=self.dtype,
        )

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
        return RUN_DIRECTIONS if self.bidirectional else RUN_DIRECTIONS[:1]

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
        w_hh_t = self._w_hh_t[self._hh_name(layer, direction)]
        xp = x_t @ w_ih.T + b_ih  # this step's input projection
        if self.cell == "lstm":
            h, c, gates = lstm_step(xp, state[0], state[1], w_hh_t, b_hh)
            return (h, c), dict(zip(self.spec.gate_names, gates, strict=True))
        if self.cell == "gru":
            h, gates = gru_step(xp, state[0], w_hh_t, b_hh)
            return (h,), dict(zip(self.spec.gate_names, gates, strict=True))
        return (rnn_step(xp, state[0], w_hh_t, b_hh, ACTIVATIONS[self.nonlinearity]),), {}

    def _suffix(self, direction: str) -> str:
        if direction not in self.directions:
            raise ValueError(
                f"direction must be one of {', '.join(self.directions)}, not {direction!r}"
            )
        return "_reverse" if direction == "backward" else ""

    def _hh_name(self, layer: int, direction: str) -> str:
        return f"weight_hh_l{layer}{self._suffix(direction)}"

    def initial_state(self, batch: tuple[int, ...] = ()) -> tuple[np.ndarray, ...]:
        """Zero state: (h0,) or (h0, c0), each (*batch, H)."""
        zero = np.zeros((*batch, self.hidden_size), dtype=self.dtype)
        return (zero, zero.copy()) if self.spec.has_cell_state else (zero,)

    def _run_direction(self, x: np.ndarray, layer: int, direction: str) -> DirectionTrace:
        """The reference run of one layer in one direction: `step` at every t.
        x: (T, in) -> DirectionTrace with h, c (LSTM) and gates, each (T, H)."""
        T = x.shape[0]
        h_all = np.empty((T, self.hidden_size), dtype=self.dtype)
        c_all = np.empty_like(h_all) if self.spec.has_cell_state else None
        gates = {name: np.empty_like(h_all) for name in self.spec.gate_names}
        order = range(T) if direction == "forward" else range(T - 1, -1, -1)
        state = self.initial_state()
        for t in order:
            state, step_gates = self.step(layer, direction, x[t], state)
            h_all[t] = state[0]
            if c_all is not None:
                c_all[t] = state[1]
            for name, value in step_gates.items():
                gates[name][t] = value
        return DirectionTrace(h=h_all, c=c_all, gates=gates)

    def _run(
        self,
        inputs: np.ndarray,
        fast: bool,
        batched: bool = False,
        compact: bool = False,
        watch: TraceRun | None = None,
    ) -> Trace:
        """Every layer over inputs (T, [B,] in), then the readout: each layer with
        fused.run_layer when `fast`, else with the reference `_run_direction`. `watch`
        (fast and compact) follows each layer as it is computed (progressive.py)."""
        # Huge weights may overflow to inf (and inf - inf to NaN): that is a result to show,
        # not a warning to print over the screen.
        with np.errstate(over="ignore", invalid="ignore"):
            x = self._inputs(inputs, batched)
            layers = []
            layer_in = x
            for k in range(self.num_layers):
                out = None
                if fast:
                    seen = None if watch is None else watch.layer(k, layer_in)
                    fwd, bwd, out = fused.run_layer(self, layer_in, k, compact, seen)
                else:
                    fwd = self._run_direction(layer_in, k, "forward")
                    bwd = (
                        self._run_direction(layer_in, k, "backward") if self.bidirectional else None
                    )
                if out is None:  # the fused loop merged nothing in place
                    out = fwd.h if bwd is None else merge_states(fwd.h, bwd.h, self.merge)
                layers.append(LayerTrace(input=layer_in, forward=fwd, backward=bwd, output=out))
                layer_in = out
            outputs = self._readout(layers[-1])
        return Trace(inputs=x, layers=layers, outputs=outputs, compact=compact)

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

    def full_trace_bytes(self, steps: int) -> int:
        """Bytes a full (not compact) trace of `steps` steps holds: per layer and direction
        h, the input projection, the gates and c, plus each layer's merged output."""
        H, G = self.hidden_size, self.spec.blocks * self.hidden_size
        per_direction = H + G + (G if self.cell != "rnn" else 0) + (H if self.cell == "lstm" else 0)
        per_layer = len(self.directions) * per_direction + self.merged_size
        return steps * self.num_layers * per_layer * self.dtype.itemsize

    def trace(
        self,
        inputs: np.ndarray,
        *,
        compact: bool | None = None,
        watch: TraceRun | None = None,
    ) -> Trace:
        """The fast run (fused.py). inputs: (T, input_size) -> Trace with every state.
        The input projections are matrix products over many steps; only the recurrent
        part is looped over time, both directions at once.

        compact: keep only the states (plus LSTM checkpoints) and compute gates, cell
        states and projections on demand (compact.py); None chooses it when the full
        trace would pass COMPACT_ABOVE bytes. watch: follows the layers as they are
        computed, so another thread can show the steps done (progressive.py; compact
        traces only)."""
        if compact is None:
            compact = self.full_trace_bytes(np.shape(inputs)[0]) > COMPACT_ABOVE
        if watch is not None and not compact:
            raise ValueError("only a compact trace can be watched while it is computed")
        return self._run(inputs, fast=True, compact=compact, watch=watch)

    def trace_batch(self, inputs: np.ndarray) -> Trace:
        """The fast run over B sequences of equal length at once.
        inputs: (T, B, input_size) -> Trace whose arrays are (T, B, ·); outputs (T, B, O),
        or (1, B, O) for readout "last". For training; the app shows single sequences."""
        return self._run(inputs, fast=True, batched=True)

    def trace_stepwise(self, inputs: np.ndarray) -> Trace:
        """The reference run: `step` at every timestep (the input projected per step).
        inputs: (T, input_size) -> Trace without input projections; agrees with `trace`
        to rounding."""
        return self._run(inputs, fast=False)
