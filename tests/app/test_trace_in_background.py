"""A long trace is computed in a thread while the app is already on screen: a
100,000-step scenario (the one of issue 16: a 2-layer bidirectional float32 LSTM with
H = 256) shows its first frame, steps, and shows the forward states computed so far
before the trace has finished; what is not computed yet says so; once whole, the app
shows the whole trace."""

from __future__ import annotations

import asyncio
import re

import numpy as np
from textual import events

from rnn_tui.engine.progressive import is_slow
from rnn_tui.scenario import load_scenario
from rnn_tui.ui import make_app
from rnn_tui.ui.bars import TraceProgress
from rnn_tui.ui.widgets import FigureView


def text(app) -> str:
    """What the panels on screen say."""
    return "\n".join(panel.text for panel in app.query(FigureView) if panel.display)


def press(app, key: str) -> None:
    """A key as the terminal driver posts it."""
    app.post_message(events.Key(key, None))


async def test_a_100000_step_scenario_steps_before_its_trace_has_finished(
    tmp_path, until, long_toml
):
    path = long_toml(tmp_path / "long.toml", 100_000, 256)
    app = make_app(path)
    assert app.stage.partial and is_slow(app.scenario.network, 100_000)
    async with app.run_test(size=(120, 40)):
        run = app.stage.run
        await until(lambda: run.done[0] > 0)  # the first chunk: forward t ≤ 256 is in
        press(app, "right")
        press(app, "right")
        press(app, "right")
        await until(lambda: app.view.t == 4)
        await asyncio.sleep(0.1)  # the frame
        assert app.stage.partial and not run.finished, "the trace should still be running"
        # the forward state at t = 4 reads x₁…x₄ only: the reference step by step agrees
        reference = app.scenario.network.trace_stepwise(app.scenario.inputs[:4])
        shown = app.panel("state-forward").content
        np.testing.assert_allclose(shown.data, reference.layers[0].forward.h[3], atol=1e-5)
        assert shown.title.startswith("→s₄")
        gates = app.panel("gates").content  # block 1 (t ≤ 64) is whole: its gates show
        np.testing.assert_allclose(
            gates.data[0], reference.layers[0].forward.gates["i"][3], atol=1e-5
        )
        # what needs the backward pass or the layer above says so, with the progress
        output = app.panel("output").content
        assert output.data is None and output.muted
        assert "not computed yet" in output.notes[0] and "%" in output.notes[0]
        bar = app.query_one(TraceProgress)
        await until(lambda: bar.detail)  # shown every PROGRESS_SECONDS
        assert bar.display and re.fullmatch(r"computing the trace: \d+ %", bar.text)
        found = re.fullmatch(
            r"layer 1 of 2: forward t ≤ ([\d,]+), backward t ≥ ([\d,]+)", bar.detail
        )
        assert found, bar.detail
        forward, backward = (int(n.replace(",", "")) for n in found.groups())
        assert forward % 256 == 0 and forward + backward == 100_001  # the loop's chunks
        press(app, "2")  # the numbers view needs the whole trace
        await until(lambda: app.notices)
        assert app.pane == "step"
        assert app.notices[-1].message.startswith("This needs the whole trace (")
        press(app, "5")  # the weights are the network's: shown, the projection hidden
        await until(lambda: app.pane == "weights")
        await asyncio.sleep(0.1)
        matrices = app.panel("weights-matrices").content
        assert type(matrices).__name__ == "WeightsContent" and matrices.groups  # not waiting
        assert not app.panel("projection").display
        press(app, "1")
        await until(lambda: app.pane == "step")
        press(app, "d")  # backward at t = 4: only once the backward pass reaches it
        await until(lambda: app.view.direction == "backward")
        await asyncio.sleep(0.1)
        waiting = app.panel("state-backward").content
        assert waiting.data is None and "not computed yet" in waiting.notes[0]
        assert app.stage.partial
    assert run.stopped  # leaving the app stopped the trace


async def test_the_app_shows_the_whole_trace_once_it_is_computed(tmp_path, until, long_toml):
    path = long_toml(tmp_path / "medium.toml", 20_000, 64)
    scenario = load_scenario(path)
    assert is_slow(scenario.network, 20_000)
    session = tmp_path / "walk.jsonl"
    app = make_app(path, record=session)  # --record: from when the trace is whole
    async with app.run_test(size=(120, 40)):
        assert app.recording.recorder is None
        assert [n.message for n in app.notices] == ["Recording starts when the trace is complete."]
        await until(lambda: not app.stage.partial)
        await asyncio.sleep(0.1)
        assert app.recording.recorder is not None
        assert not app.query_one(TraceProgress).display
        app.clear_notifications()
        whole = scenario.network.trace(scenario.inputs, compact=False)
        press(app, "end")
        await until(lambda: app.view.t == 20_000)
        await asyncio.sleep(0.1)
        np.testing.assert_allclose(app.panel("output").content.data, whole.outputs[-1], atol=1e-5)
        press(app, "2")  # the other views are there now
        await until(lambda: app.pane == "numbers")
        assert not app.notices
    lines = session.read_text().splitlines()
    assert len(lines) >= 3 and '"t": 20000' in lines[-1]  # header, start, end, numbers


def test_the_built_in_scenarios_are_traced_at_once():
    from rnn_tui.scenario import builtin_names

    for name in builtin_names():
        scenario = load_scenario(name)
        assert not is_slow(scenario.network, scenario.inputs.shape[0]), name


async def test_a_trace_that_fails_in_its_thread_is_said_and_the_app_stays(
    tmp_path, until, long_toml, monkeypatch
):
    from rnn_tui.present.view import Stage

    def fail(stage):
        raise RuntimeError("no [b]memory[/b]\x1b[31m left")

    monkeypatch.setattr(Stage, "compute", fail)
    app = make_app(long_toml(tmp_path / "medium.toml", 20_000, 64))
    async with app.run_test(size=(120, 40)):
        await until(lambda: app.notices)
        assert app.notices[-1].message == (
            "The trace could not be computed: no [b]memory[/b]␛[31m left"  # data, not markup
        )
        assert app.stage.partial and app.is_running  # what is computed stays on screen
        # no panel or bar says it is computing, or that it will be shown
        problem = "The trace could not be computed: no [b]memory[/b]␛[31m left"
        bar = app.query_one(TraceProgress)
        assert bar.display and bar.text == problem
        assert problem in text(app)
        assert "shown when it is" not in text(app) and "computing the trace" not in text(app)
        press(app, "right")
        await until(lambda: app.view.t == 2)


async def test_a_note_while_a_new_scenario_is_traced_waits_and_the_recording_goes_on(
    tmp_path, until, long_toml
):
    """A session line holds the hash of the states shown: while another scenario's
    trace is computed, `a` says it needs the whole trace, and the recording is kept."""
    from rnn_tui.scenario import load_scenario as load

    app = make_app("intent", record=tmp_path / "walk.session")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.recording.recorder is not None
        app.set_scenario(load(long_toml(tmp_path / "long.toml", 20_000, 64)))
        assert app.stage.partial
        app.clear_notifications()
        press(app, "a")
        await until(lambda: app.notices)
        assert app.notices[-1].message.startswith("This needs the whole trace (")
        assert app.recording.recorder is not None and not app.screen.is_modal
        app.stage.run.stop()
