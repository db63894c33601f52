"""The memory measure (engine/memory.py, scenario/memory.py) against independent re-runs.

Each expected value comes from the reference stepwise run of each sequence on its own
(`Network.trace_stepwise`, one sequence at a time), never from the batched path the
measure takes; the readout is applied by hand with the state dict's matrices.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rnn_tui.engine import Network, softmax
from rnn_tui.engine.memory import replace_each, rerun, step_outputs, trace_step_outputs
from rnn_tui.scenario import load_scenario
from rnn_tui.scenario.memory import ZERO, memory_rerun, probe, replaced_each

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
MEMORY_FADE = {
    "rnn": SCENARIOS / "memory-fade.toml",
    "lstm": SCENARIOS / "memory-fade-lstm.toml",
    "gru": SCENARIOS / "memory-fade-gru.toml",
}


def _top(net: Network, x: np.ndarray) -> np.ndarray:
    """The top layer's merged state (T, H'), by the reference run of this one sequence."""
    return np.asarray(net.trace_stepwise(x).layers[-1].output, dtype=np.float64)


def _readout(net: Network, states: np.ndarray) -> np.ndarray:
    w = net.params["readout.weight"].astype(np.float64)
    b = net.params["readout.bias"].astype(np.float64)
    return states @ w.T + b


def _small(cell: str, *, bidirectional: bool, readout: str, seed: int) -> Network:
    return Network(
        cell=cell,
        input_size=3,
        hidden_size=4,
        num_layers=2,
        bidirectional=bidirectional,
        output_size=3,
        readout=readout,
        seed=seed,
        dtype=np.dtype("float64"),
    )


CASES = [
    (cell, bi, readout)
    for cell in ("rnn", "lstm", "gru")
    for bi in (False, True)
    for readout in ("last", "every")
]


@pytest.mark.parametrize(("cell", "bidirectional", "readout"), CASES)
def test_rerun_equals_two_independent_runs(cell: str, bidirectional: bool, readout: str) -> None:
    seed = 11 + CASES.index((cell, bidirectional, readout))
    net = _small(cell, bidirectional=bidirectional, readout=readout, seed=seed)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((7, 3))
    replacement = rng.standard_normal(3)
    k = 3
    altered = x.copy()
    altered[k - 1] = replacement
    top, top_alt = _top(net, x), _top(net, altered)

    got = rerun(net, x, k, replacement)

    expected = np.linalg.norm(top - top_alt, axis=-1)
    np.testing.assert_allclose(got.distance, expected, rtol=1e-10, atol=1e-12)
    if not bidirectional:  # a one-way state cannot know an input it has not read yet
        assert np.all(got.distance[: k - 1] == 0.0)
        assert got.distance[k - 1] > 0.0
    np.testing.assert_allclose(got.probabilities, softmax(_readout(net, top)), atol=1e-12)
    np.testing.assert_allclose(
        got.altered_probabilities, softmax(_readout(net, top_alt)), atol=1e-12
    )
    # the model's own output: o_T for "every"; for "last" the final state, which for a
    # bidirectional network is →s_T with ←s_1 (PyTorch's h_n), not any row of `top`
    own = net.trace_stepwise(x).outputs[-1]
    np.testing.assert_allclose(got.final, softmax(own), atol=1e-12)
    if readout == "last" and bidirectional:
        H = net.hidden_size
        summary = np.concatenate([top[-1, :H], top[0, H:]])
        np.testing.assert_allclose(got.final, softmax(_readout(net, summary)), atol=1e-12)


@pytest.mark.parametrize(("cell", "bidirectional", "readout"), CASES[::3])
def test_replace_each_equals_one_run_per_input(
    cell: str, bidirectional: bool, readout: str
) -> None:
    net = _small(cell, bidirectional=bidirectional, readout=readout, seed=5)
    rng = np.random.default_rng(5)
    x = rng.standard_normal((6, 3))
    baselines = rng.standard_normal((6, 3))
    got = replace_each(net, x, baselines)
    top = _top(net, x)
    label = 1
    for k in range(6):
        altered = x.copy()
        altered[k] = baselines[k]
        np.testing.assert_allclose(
            got.effect[:, k], np.linalg.norm(top - _top(net, altered), axis=-1), atol=1e-12
        )
        own = softmax(net.trace_stepwise(altered).outputs[-1])
        np.testing.assert_allclose(got.altered_final[k], own, atol=1e-12)
        base = softmax(net.trace_stepwise(x).outputs[-1])
        assert got.shares(label)[k] == pytest.approx(base[label] - own[label], abs=1e-12)


def test_replace_each_is_the_same_in_small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The chunking only bounds the memory: one sequence per chunk gives the same."""
    net = _small("lstm", bidirectional=True, readout="last", seed=3)
    x = np.random.default_rng(3).standard_normal((9, 3))
    whole = replace_each(net, x, np.zeros_like(x))
    monkeypatch.setattr("rnn_tui.engine.memory.BATCH_BYTES", 1)
    chunked = replace_each(net, x, np.zeros_like(x))
    np.testing.assert_allclose(chunked.effect, whole.effect, atol=1e-12)
    np.testing.assert_allclose(chunked.altered_final, whole.altered_final, atol=1e-12)


def test_step_outputs_are_the_readout_at_every_t() -> None:
    net = _small("gru", bidirectional=False, readout="last", seed=8)
    x = np.random.default_rng(8).standard_normal((5, 3))
    trace = net.trace(x)
    got = trace_step_outputs(net, trace)
    np.testing.assert_allclose(got, _readout(net, _top(net, x)), atol=1e-12)
    # one-way many-to-one: the last row is the model's own output
    np.testing.assert_allclose(got[-1], trace.outputs[0], atol=1e-12)
    no_readout = Network(cell="rnn", input_size=3, hidden_size=4, seed=1)
    assert step_outputs(no_readout, np.zeros((5, 4))) is None


def test_the_probe_says_what_replaces_each_input() -> None:
    scenario = load_scenario(SCENARIOS / "memory-fade.toml")
    scenario.memory = {"step": 1, "swap": {"A": "B", "B": "A"}}
    found = probe(scenario)
    assert found.k == 1
    assert found.names[0] == "B" and set(found.names[1:]) == {ZERO}
    np.testing.assert_array_equal(found.baselines[0], scenario.encode(["B"])[0])
    assert not found.baselines[1:].any()
    assert found.describe(1) == "x₁: A → B"
    assert found.rule() == "A→B, others → 0"
    # without a [memory] table and without an unknown token: zeros everywhere
    scenario.memory = {}
    assert set(probe(scenario).names) == {ZERO}


def test_the_probe_uses_the_unknown_token_when_there_is_one() -> None:
    scenario = load_scenario(SCENARIOS / "intent-zh.toml")
    assert scenario.unknown is not None
    found = probe(scenario)
    assert set(found.names) == {scenario.unknown}
    np.testing.assert_array_equal(found.baselines[2], scenario.encode([scenario.unknown])[0])


def _swapped_first(scenario) -> np.ndarray:
    swapped = list(scenario.tokens)
    swapped[0] = {"A": "B", "B": "A"}[swapped[0]]
    return scenario.encode(swapped)


@pytest.mark.parametrize("cell", sorted(MEMORY_FADE))
def test_memory_fade_curve_equals_an_independent_rerun(cell: str) -> None:
    scenario = load_scenario(MEMORY_FADE[cell])
    scenario.memory = {"step": 1, "swap": {"A": "B", "B": "A"}}
    _probe, got = memory_rerun(scenario)
    net = scenario.network
    top, top_alt = _top(net, scenario.inputs), _top(net, _swapped_first(scenario))
    np.testing.assert_allclose(
        got.distance, np.linalg.norm(top - top_alt, axis=-1), rtol=1e-5, atol=1e-6
    )
    _probe, each = replaced_each(scenario)
    np.testing.assert_allclose(each.effect[:, 0], got.distance, rtol=1e-5, atol=1e-6)


def test_at_t_50_the_rnn_has_forgotten_x1_and_the_gated_cells_keep_it() -> None:
    """The tutorial's section 5 on the shipped scenarios: swapping the first token
    A ↔ B changes the RNN's s_50 by almost nothing and its prediction not at all, while
    the LSTM's and GRU's states move far and their predictions flip."""
    figures = {}
    for cell, path in MEMORY_FADE.items():
        scenario = load_scenario(path)
        assert scenario.tokens[0] == "A" and len(scenario.tokens) == 50
        scenario.memory = {"step": 1, "swap": {"A": "B", "B": "A"}}
        _probe, got = memory_rerun(scenario)
        a = scenario.labels.index("A")
        figures[cell] = (got.distance[49], got.final[a], got.altered_final[a])
    rnn, lstm, gru = figures["rnn"], figures["lstm"], figures["gru"]
    assert rnn[0] < 1e-3 and lstm[0] > 1.0 and gru[0] > 1.0
    assert rnn[0] < lstm[0] / 1000 and rnn[0] < gru[0] / 1000
    # the RNN predicts the same with A or B first: it cannot know; the others can
    assert abs(rnn[1] - rnn[2]) < 1e-3
    assert lstm[1] > 0.99 and lstm[2] < 0.01
    assert gru[1] > 0.99 and gru[2] < 0.01
