"""The memory curve of the shipped memory-fade scenarios, re-run in PyTorch.

The trained RNN, LSTM and GRU are loaded into torch.nn modules, run on the file's
sequence and on it with x₁ swapped A ↔ B; the distance between the two top states at
every t and the probabilities of the readout must match the engine's memory measure.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rnn_tui.scenario import load_scenario
from rnn_tui.scenario.memory import memory_rerun

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
FILES = {
    "rnn": "memory-fade.toml",
    "lstm": "memory-fade-lstm.toml",
    "gru": "memory-fade-gru.toml",
}


@pytest.mark.torch
@pytest.mark.parametrize("cell", sorted(FILES))
def test_memory_curve_matches_torch(cell: str, torch_module) -> None:
    torch = torch_module
    scenario = load_scenario(SCENARIOS / FILES[cell])
    scenario.memory = {"step": 1, "swap": {"A": "B", "B": "A"}}
    net = scenario.network
    kind = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    module = kind(net.input_size, net.hidden_size, num_layers=net.num_layers, dtype=torch.float64)
    state = {k: torch.from_numpy(np.asarray(v, dtype=np.float64)) for k, v in net.params.items()}
    readout_w, readout_b = state.pop("readout.weight"), state.pop("readout.bias")
    module.load_state_dict(state)
    swapped = list(scenario.tokens)
    swapped[0] = {"A": "B", "B": "A"}[swapped[0]]
    with torch.no_grad():
        runs = [
            module(torch.from_numpy(np.asarray(scenario.encode(tokens), dtype=np.float64)))[0]
            for tokens in (scenario.tokens, swapped)
        ]
        distance = torch.linalg.vector_norm(runs[0] - runs[1], dim=-1).numpy()
        probs = [torch.softmax(r @ readout_w.T + readout_b, dim=-1).numpy() for r in runs]

    _probe, got = memory_rerun(scenario)
    # the scenario computes in float32: agreement to float32 rounding
    np.testing.assert_allclose(got.distance, distance, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got.probabilities, probs[0], atol=1e-5)
    np.testing.assert_allclose(got.altered_probabilities, probs[1], atol=1e-5)
    np.testing.assert_allclose(got.final, probs[0][-1], atol=1e-5)
