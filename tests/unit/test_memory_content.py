"""present/memory.py: the memory pane's numbers are those of the network run twice,
here, with Network.trace; its words follow from them; its models are the trained
siblings reading the same tokens."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from rnn_tui.engine import softmax
from rnn_tui.present import memory as memory_module
from rnn_tui.present.memory import (
    _number,
    compared,
    measure_memory,
    memory_content,
)
from rnn_tui.present.position import View
from rnn_tui.present.view import Look, Stage
from rnn_tui.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SWAP = {"step": 1, "swap": {"A": "B", "B": "A"}}
NAMES = (("RNN", "memory-fade"), ("LSTM", "memory-fade-lstm"), ("GRU", "memory-fade-gru"))


def load(name: str):
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.toml")
    if not scenario.memory:  # before the files' [memory] tables
        scenario.memory = dict(SWAP)
    if not scenario.answers:  # before the files' answers
        scenario.answers = {"default": "A", "B": "B"}
    return scenario


@pytest.fixture(scope="module", name="models")
def models_fixture():
    return [(cell, load(name)) for cell, name in NAMES]


def text(content, width: int = 120) -> str:
    console = Console(width=width, color_system=None, _environ={})
    with console.capture() as capture:
        console.print(content.renderable(Look(mono=True)))
    return capture.get()


def two_runs(scenario):
    """The top merged states (T, H') and output softmax of the sequence as given and
    with x₁ = B: run here, not by engine/memory.py."""
    swapped = np.array(scenario.inputs, copy=True)
    swapped[0] = scenario.encode(["B"])[0]
    runs = []
    for inputs in (scenario.inputs, swapped):
        trace = scenario.network.trace(inputs)
        top = np.asarray(trace.layers[-1].output, dtype=np.float64)
        w = scenario.network.params["readout.weight"]
        b = scenario.network.params["readout.bias"]
        every = softmax(top @ w.T + b)  # the readout at every t
        final = softmax(np.asarray(trace.outputs, dtype=np.float64))[-1]
        runs.append((top, every, final))
    return runs


@pytest.mark.parametrize("t", [1, 10, 50])
def test_the_numbers_are_the_network_run_twice(models, t):
    stage = Stage(models[0][1])
    measure = measure_memory(stage, models)
    content = memory_content(stage, View(t=t), measure)
    shown = text(content)
    assert [m.name for m in content.models] == ["RNN", "LSTM", "GRU"]
    for (name, scenario), model, line in zip(models, content.models, content.lines, strict=True):
        (top, every, final), (top2, every2, final2) = two_runs(scenario)
        distance = np.linalg.norm(top - top2, axis=-1)
        np.testing.assert_allclose(model.rerun.distance, distance, rtol=1e-5, atol=1e-6)
        a = scenario.labels.index("A")
        np.testing.assert_allclose(model.rerun.probabilities[:, a], every[:, a], atol=1e-6)
        np.testing.assert_allclose(model.rerun.altered_probabilities[:, a], every2[:, a], atol=1e-6)
        # the sentence: the distance at t, its largest before, and the word they give
        d, peak = distance[t - 1], distance[:t].max()
        assert line.startswith(f"{name}: replacing x₁ (A → B) changes s")
        assert f"by {_number(d)}" in line
        word = "kept" if d / peak >= 0.5 else "fading" if d / peak >= 0.01 else "forgotten"
        assert line.endswith(f"x₁ is {word}")
        # the prediction, and whether it is the right answer (A)
        prediction = scenario.labels[int(np.argmax(final))]
        mark = "✓" if prediction == "A" else "✗ expected A"
        assert f"prediction {prediction} (p = {final.max():.2f}) {mark}" in shown
        altered = scenario.labels[int(np.argmax(final2))]
        assert f"x₁ = B → prediction {altered} (p = {final2.max():.2f})" in shown


def test_at_t50_the_rnn_forgets_and_the_gated_cells_keep(models):
    stage = Stage(models[0][1])
    content = memory_content(stage, View(t=50), measure_memory(stage, models))
    rnn, lstm, gru = content.lines
    assert rnn.endswith("x₁ is forgotten") and "by 0.000" in rnn
    assert lstm.endswith("x₁ is kept") and "by 4.70" in lstm
    assert gru.endswith("x₁ is kept") and "by 5.50" in gru
    shown = text(content)
    assert shown.count("✓") == 2 and shown.count("✗") == 1
    assert shown.count("└t=1") == 3  # a curve a model, side by side at 120 columns
    assert "memory-fade, shown" in shown


def test_the_curves_stack_when_narrow(models):
    stage = Stage(models[0][1])
    narrow = text(memory_content(stage, View(t=50), measure_memory(stage, models)), 80)
    lines = narrow.splitlines()
    assert all(len(line) <= 80 for line in lines)
    starts = [i for i, line in enumerate(lines) if line.startswith(("RNN  ", "LSTM  ", "GRU  "))]
    assert len(starts) == 3 and starts == sorted(starts)


def test_before_x_k_is_read_nothing_is_claimed(models):
    stage = Stage(models[0][1])
    measure = measure_memory(stage, models, k=5)
    content = memory_content(stage, View(t=3), measure)
    assert content.lines[0] == "RNN: s₃ has not read x₅ yet"


def test_without_siblings_the_scenario_alone(monkeypatch):
    monkeypatch.setattr(memory_module, "_load_siblings", lambda scenario, problems: None)
    scenario = load("memory-fade")
    found, note = compared(scenario)
    assert [(name, s) for name, s in found] == [("RNN", scenario)] and note == ""
    stage = Stage(scenario)
    shown = text(memory_content(stage, View(t=50), measure_memory(stage, found)))
    assert "LSTM" not in shown and "No trained siblings" in shown
    assert "memory-fade, shown" not in shown  # nothing to tell it apart from


def test_the_siblings_are_ordered_by_cell_and_the_shown_one_not_repeated(monkeypatch):
    rnn, lstm, gru = (load(name) for _cell, name in NAMES)
    monkeypatch.setattr(
        memory_module,
        "_load_siblings",
        lambda scenario, problems: {"rnn": rnn, "gru": gru, "lstm": lstm},
    )
    found, _note = compared(lstm)
    assert [(name, s) for name, s in found] == [("RNN", rnn), ("LSTM", lstm), ("GRU", gru)]
    stage = Stage(lstm)
    measure = measure_memory(stage, found)
    assert [m.shown for m in measure.models] == [False, True, False]


def test_a_measure_of_another_stage_is_not_shown(models):
    stage = Stage(models[0][1])
    measure = measure_memory(stage, models)
    other = Stage(models[1][1])
    content = memory_content(other, View(t=50), measure)
    assert content.models == () and content.lines == ("computing…",)


def test_after_c_the_shown_model_is_named_by_the_file_whose_weights_it_uses():
    """memory-fade, c: the shown model computes with memory-fade-lstm's weights, so its
    block says so (it said memory-fade, the file switched from)."""
    scenario = load_scenario("memory-fade").switch(cell="lstm").scenario
    found, _note = compared(scenario)
    stage = Stage(scenario)
    measure = measure_memory(stage, found)
    names = {(m.name, m.scenario, m.shown) for m in measure.models}
    assert ("LSTM", "memory-fade-lstm", True) in names
    assert ("RNN", "memory-fade", False) in names and ("GRU", "memory-fade-gru", False) in names


def test_after_m_the_same_cell_at_another_merge_is_not_a_sibling():
    """bidirectional, m: the file's own concat network is not shown beside the sum one as
    a second "RNN": only other cells are compared."""
    scenario = load_scenario("bidirectional").switch(merge="sum").scenario
    found, _note = compared(scenario)
    assert [name for name, _s in found] == ["RNN"] and found[0][1] is scenario


def test_a_two_way_verdict_claims_no_fading_and_names_the_real_peak():
    """Each merged state of a two-way network has read the whole sentence: no "kept",
    "fading" or "forgotten", and the largest change over every t, not only up to t."""
    scenario = load_scenario("bidirectional")
    stage = Stage(scenario)
    measure = measure_memory(stage, compared(scenario)[0], 3)
    model = measure.models[0]
    distance = model.rerun.distance
    said = memory_module.verdict(model, 2, 3)
    for word in ("kept", "fading", "forgotten", "has not read"):
        assert word not in said, said
    at = int(np.argmax(distance)) + 1
    assert f"largest change {_number(float(distance[at - 1]))}, at t = {at}" in said
    assert f"changes s₂ by {_number(float(distance[1]))}" in said


def test_with_an_output_at_every_step_the_prediction_named_is_the_last_steps():
    """With an output at every step the memory view's prediction is o_T's, and says so
    (intent's weights read with readout "every")."""
    scenario = load_scenario("intent")
    scenario.network.readout = "every"  # the same weights read at every step
    stage = Stage(scenario)
    measure = measure_memory(stage, [("RNN", scenario)], 1)
    said = memory_module._outcome(measure.models[0])
    assert said.startswith(f"at t = {stage.steps}: prediction ")
