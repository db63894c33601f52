"""Memory measured by re-running: what changes when one input is replaced.

The influence ‖∂s_t/∂x_k‖ (backward.py) is a local slope: a saturated LSTM that holds a
fact has a near-zero slope while it keeps it. Here the network is simply run again with
x_k replaced by another vector (another token, `<unk>`, zeros), and the states and
outputs of the two runs are compared: an exact difference, not a derivative.

Every run is batched (fused.py runs B sequences as one), so replacing each of T inputs
costs one pass over T + 1 sequences, in chunks that bound the memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Network
from .trace import Trace, softmax

BATCH_BYTES = 64 * 2**20
"""Re-runs are batched in chunks whose states take at most about this many bytes."""


def step_outputs(network: Network, top: np.ndarray) -> np.ndarray | None:
    """The readout applied to the top layer's merged state at every step.
    top: (T, [B,] H') -> (T, [B,] O), or None without a readout. For readout "every"
    these are the outputs; for "last" they are computed for display (the model reads
    only the final state: row T for a one-way network; a bidirectional one reads
    →s_T with ←s_1, which no single row is)."""
    if not network.output_size:
        return None
    w, b = network.params["readout.weight"], network.params["readout.bias"]
    with np.errstate(over="ignore", invalid="ignore"):
        return top @ w.T + b


def trace_step_outputs(network: Network, trace: Trace) -> np.ndarray | None:
    """step_outputs of a trace of one sequence: (T, O), or None without a readout."""
    return step_outputs(network, np.asarray(trace.layers[-1].output))


@dataclass(frozen=True)
class Rerun:
    """Two runs of one sequence that differ in one input, x_k (1-based k).
    distance: (T,) ‖s_t − s'_t‖ of the top layer's merged state;
    probabilities, altered_probabilities: (T, O) softmax of step_outputs of each run
    (None without a readout); final, altered_final: (O,) softmax of the model's own
    output (for readout "every", of o_T)."""

    k: int
    distance: np.ndarray
    probabilities: np.ndarray | None
    altered_probabilities: np.ndarray | None
    final: np.ndarray | None
    altered_final: np.ndarray | None


def _model_outputs(network: Network, trace: Trace) -> np.ndarray | None:
    """The model's own output of a batched trace, (B, O): the last row of its outputs."""
    if trace.outputs is None:
        return None
    return np.asarray(trace.outputs)[-1]


def rerun(network: Network, inputs: np.ndarray, k: int, replacement: np.ndarray) -> Rerun:
    """Run inputs (T, D) as given and with row k (1-based) replaced by replacement (D,)."""
    inputs = np.asarray(inputs, dtype=network.dtype)
    T = inputs.shape[0]
    if not 1 <= k <= T:
        raise ValueError(f"k must be in 1..{T}, not {k}")
    batch = np.stack([inputs, inputs], axis=1)  # (T, 2, D)
    batch[k - 1, 1] = replacement
    trace = network.trace_batch(batch)
    top = np.asarray(trace.layers[-1].output, dtype=np.float64)  # (T, 2, H')
    with np.errstate(over="ignore", invalid="ignore"):
        distance = np.linalg.norm(top[:, 0] - top[:, 1], axis=-1)
    logits = step_outputs(network, top)
    final = _model_outputs(network, trace)
    probs = softmax(logits) if logits is not None else None
    finals = softmax(final) if final is not None else None
    return Rerun(
        k=k,
        distance=distance,
        probabilities=probs[:, 0] if probs is not None else None,
        altered_probabilities=probs[:, 1] if probs is not None else None,
        final=finals[0] if finals is not None else None,
        altered_final=finals[1] if finals is not None else None,
    )


@dataclass(frozen=True)
class Replaced:
    """Each input replaced in turn. effect: (T, T) effect[t, k] = ‖s_t − s_t^(k)‖, the
    top merged state at t when x_k is replaced (0-based t, k; zero above the diagonal for
    a one-way network); final: (O,) softmax of the model's output as given; altered_final:
    (T, O) the same with x_k replaced (None without a readout)."""

    effect: np.ndarray
    final: np.ndarray | None
    altered_final: np.ndarray | None

    def shares(self, label: int) -> np.ndarray | None:
        """(T,) how much each input holds up p(label) at the output: the drop in that
        probability when x_k is replaced (negative where replacing it raises it)."""
        if self.final is None or self.altered_final is None:
            return None
        return self.final[label] - self.altered_final[:, label]


def replace_each(network: Network, inputs: np.ndarray, baselines: np.ndarray) -> Replaced:
    """Re-run inputs (T, D) T times, x_k replaced by baselines[k] (T, D) in run k.
    One batched pass over the original and the T altered sequences, in chunks of at
    most BATCH_BYTES of states."""
    inputs = np.asarray(inputs, dtype=network.dtype)
    baselines = np.asarray(baselines, dtype=network.dtype)
    T = inputs.shape[0]
    if baselines.shape != inputs.shape:
        raise ValueError(f"baselines {baselines.shape} do not match inputs {inputs.shape}")
    per_sequence = T * network.num_layers * network.merged_size * 8 * network.spec.blocks
    chunk = max(1, int(BATCH_BYTES // max(per_sequence, 1)))
    base = network.trace_batch(inputs[:, None, :])
    base_top = np.asarray(base.layers[-1].output, dtype=np.float64)[:, 0]  # (T, H')
    base_out = _model_outputs(network, base)
    effect = np.zeros((T, T), dtype=np.float64)
    altered_out: list[np.ndarray] | None = [] if base_out is not None else None
    for start in range(0, T, chunk):
        ks = np.arange(start, min(T, start + chunk))
        batch = np.repeat(inputs[:, None, :], len(ks), axis=1)  # (T, b, D)
        batch[ks, np.arange(len(ks))] = baselines[ks]
        trace = network.trace_batch(batch)
        top = np.asarray(trace.layers[-1].output, dtype=np.float64)  # (T, b, H')
        with np.errstate(over="ignore", invalid="ignore"):
            effect[:, ks] = np.linalg.norm(top - base_top[:, None, :], axis=-1)
        if altered_out is not None:
            out = _model_outputs(network, trace)
            assert out is not None
            altered_out.append(out)
    final = softmax(base_out[0]) if base_out is not None else None
    altered = softmax(np.concatenate(altered_out)) if altered_out else None
    return Replaced(effect=effect, final=final, altered_final=altered)
