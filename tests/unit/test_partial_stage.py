"""A stage whose trace is still being computed (Stage(..., background=True)): what its
panels show is read from the computed rows and agrees with the whole trace; what is not
computed says so; the sentences about the progress name the steps that are in.

The run is stopped before it starts, so it ends after its first chunk of 256 steps:
layer 1's forward states for t ≤ 256 and backward ones for t ≥ T - 255, nothing above."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_tui.present import view as view_module
from rnn_tui.present.position import View
from rnn_tui.present.view import Stage
from rnn_tui.scenario import load_scenario

STEPS = 1000


def stopped_early(folder, output: str = "[output]\nsize = 2\n", *, stop: bool = True):
    """(the stage stopped after 256 steps, the whole trace) of a 2-layer bidirectional
    ReLU RNN (unbounded states: their colour scale is provisional) over STEPS words,
    with `output` as its [output] table ("" for none). `stop` False: the caller's
    watch stops it."""
    rng = np.random.default_rng(3)
    words = ", ".join(f'"{w}"' for w in rng.choice(list("abcd"), STEPS))
    path = folder / "relu.toml"
    path.write_text(
        'title = "relu"\n[model]\ncell = "rnn"\nnonlinearity = "relu"\nhidden_size = 6\n'
        "num_layers = 2\nbidirectional = true\n[weights]\nseed = 2\n"
        f'[input]\nvocab = ["a", "b", "c", "d"]\ntokens = [{words}]\n{output}'
    )
    scenario = load_scenario(path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(view_module, "is_slow", lambda network, steps: True)
        stage = Stage(scenario, background=True)
    assert stage.partial and stage.run is not None
    if stop:
        stage.run.stop()
    assert stage.compute() is None  # stopped at the end of its first chunk
    whole = scenario.network.trace(scenario.inputs, compact=False)
    return stage, whole


@pytest.fixture(scope="module")
def partial(tmp_path_factory):
    return stopped_early(tmp_path_factory.mktemp("partial"))


def test_the_forward_states_computed_are_the_whole_traces(partial):
    stage, whole = partial
    for t in (1, 100, 256):
        panel = stage.panels(View(t=t, direction="forward"))["state-forward"]
        np.testing.assert_allclose(panel.data, whole.layers[0].forward.h[t - 1], atol=1e-12)
        assert panel.title.startswith(f"→s{view_module.sub(t)}  hidden state, layer 1")
    later = stage.panels(View(t=257, direction="forward"))["state-forward"]
    assert later.data is None and later.muted
    assert later.notes == ("not computed yet (computing the trace: 12 %); shown when it is",)


def test_the_backward_states_come_from_the_end(partial):
    stage, whole = partial
    at_end = stage.panels(View(t=STEPS - 255, direction="backward"))["state-backward"]
    np.testing.assert_allclose(at_end.data, whole.layers[0].backward.h[STEPS - 256], atol=1e-12)
    before = stage.panels(View(t=STEPS - 256, direction="backward"))["state-backward"]
    assert before.data is None and before.title.startswith("←s")


def test_the_merged_state_the_output_and_layer_2_wait_for_what_they_read(partial):
    stage, _whole = partial
    both = stage.panels(View(t=1, direction="both"))
    assert both["state-merged"].data is None and both["output"].data is None
    above = stage.panels(View(t=1, layer=2, direction="forward"))
    assert above["input"].data is None and above["state-forward"].data is None
    x = stage.panels(View(t=7))["input"]  # x itself is there from the start
    np.testing.assert_array_equal(x.data, stage.scenario.inputs[6])


def test_a_relu_state_scale_is_made_from_computed_rows(partial):
    stage, whole = partial
    panel = stage.panels(View(t=10, direction="forward", unit=2))["state-forward"]
    computed = np.abs(whole.layers[0].forward.h[:256]).max()  # every row computed
    assert computed > 0 and not np.isclose(computed, np.abs(whole.layers[0].forward.h).max())
    assert panel.scale.vmax == pytest.approx(computed) and panel.scale.vmin == -panel.scale.vmax


def test_the_progress_names_the_steps_that_are_in(partial):
    stage, _whole = partial
    assert stage.progress_text() == "computing the trace: 12 %"  # 256 of 2 × 1000 steps
    assert stage.progress_detail() == "layer 1 of 2: forward t ≤ 256, backward t ≥ 745"
    clamped = stage.clamp(View(t=5000, layer=9, direction="both", unit=99))
    assert clamped == View(t=STEPS, layer=2, direction="both", unit=6)


def test_what_has_nothing_to_compute_does_not_say_it_waits(partial, tmp_path):
    stage, _whole = partial
    assert stage.panels(View(t=900, layer=2))["gates"] is None  # an RNN has no gates
    unread, _ = stopped_early(tmp_path, output="")
    output = unread.panels(View(t=900))["output"]
    assert output.notes == ("this scenario has no readout",) and output.data is None


def test_a_merged_state_shows_once_the_layer_above_reads_it(tmp_path, monkeypatch):
    """The merged state of layer 1 is layer 2's input: whole once layer 2 has begun,
    shown then in the colours of that input; the top layer's waits for the readout."""
    from rnn_tui.engine.progressive import TraceRun

    begin = TraceRun.layer

    def stop_in_layer_2(run, k, layer_input):
        if k == 1:
            run.stop()  # ends after layer 2's first chunk
        return begin(run, k, layer_input)

    monkeypatch.setattr(TraceRun, "layer", stop_in_layer_2)
    path = tmp_path / "layer2"
    path.mkdir()
    stage, whole = stopped_early(path, stop=False)
    assert len(stage.run.layers) == 2 and stage.partial
    merged = stage.panels(View(t=500, layer=1, direction="both"))["state-merged"]
    np.testing.assert_allclose(merged.data, whole.layers[0].output[499], atol=1e-12)
    layer_2_input = stage.panels(View(t=500, layer=2))["input"]
    assert merged.scale is layer_2_input.scale and merged.title.startswith("s₅₀₀  merged")
    top = stage.panels(View(t=10, layer=2, direction="both"))["state-merged"]
    assert top.data is None and top.notes[0].startswith("not computed yet")


def test_after_a_failed_trace_nothing_says_it_waits_for_it(tmp_path):
    """A trace that could not be computed will not be whole: the panels and the
    measures that waited for it (influence, memory) say why instead."""
    from rnn_tui.ui.workers import ModelWorkers

    stage, _whole = stopped_early(tmp_path)
    workers = ModelWorkers()
    # (the influence of T = 1,000 is skipped whatever the trace: its limit says so)
    waiting = workers.start_replaced(stage)[1], ModelWorkers.memory_plan(stage, None)[2]
    assert all(note.endswith("measured when the trace is complete") for note in waiting)
    stage.failed("The trace could not be computed: out of memory")
    problem = "The trace could not be computed: out of memory"
    assert workers.start_replaced(stage) == (None, problem)
    assert ModelWorkers.memory_plan(stage, None)[1:] == ("skip", problem)
    assert stage.progress_text() == problem
    panel = stage.panels(View(t=900, direction="forward"))["state-forward"]
    assert panel.notes == (problem,) and panel.data is None
