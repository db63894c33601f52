"""The record of one run of a network over a sequence: every state, every gate."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class DirectionTrace:
    """One direction of one layer.

    h: (T, H) hidden states, indexed by original time (backward too, as in PyTorch).
    c: (T, H) LSTM cell states, else None.
    gates: gate name -> (T, H) activations (LSTM i f g o, GRU r z n; empty for RNN).
    projection: (T, blocks*H) the input projection X W_ihᵀ + b_ih, computed for all t at once.
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
    labels, probabilities, prediction) are filled in when a scenario made it."""

    inputs: np.ndarray
    layers: list[LayerTrace]
    outputs: np.ndarray | None = None
    tokens: list[str] | None = None
    labels: list[str] | None = None
    probabilities: np.ndarray | None = None
    prediction: str | list[str] | None = None

    @property
    def steps(self) -> int:
        """T, the sequence length."""
        return int(self.inputs.shape[0])


def softmax(logits: np.ndarray) -> np.ndarray:
    """Softmax over the last axis; logits: (..., O) -> (..., O), stable for large values."""
    shifted = logits - np.max(logits, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def _direction_dict(d: DirectionTrace) -> dict:
    out: dict = {"h": d.h.tolist()}
    if d.c is not None:
        out["c"] = d.c.tolist()
    out["gates"] = {name: g.tolist() for name, g in d.gates.items()}
    return out


def trace_to_dict(
    trace: Trace, *, scenario: str | None, model: dict, influence: np.ndarray | None = None
) -> dict:
    """The JSON layout of `rnn-tui trace --json` (DESIGN.md), as plain Python data.
    influence: (T, T) ‖∂s_t/∂x_k‖ when computed, else null in the JSON."""
    layers = []
    for layer in trace.layers:
        entry = {"forward": _direction_dict(layer.forward)}
        if layer.backward is not None:
            entry["backward"] = _direction_dict(layer.backward)
        entry["output"] = layer.output.tolist()
        layers.append(entry)
    out = {
        "scenario": scenario,
        "model": model,
        "tokens": trace.tokens,
        "inputs": trace.inputs.tolist(),
        "layers": layers,
        "outputs": None if trace.outputs is None else trace.outputs.tolist(),
        "influence": None if influence is None else influence.tolist(),
    }
    if trace.labels and trace.probabilities is not None:
        out["labels"] = list(trace.labels)
        out["probabilities"] = trace.probabilities.tolist()
        out["prediction"] = trace.prediction
    return out
