"""A teacher writes a lesson by doing: notes made in the app while recording (a)
become, through `lesson from-session`, steps whose view targets are exactly what the
screen showed at each note, and whose scenario, switched as the step says, computes
with the weights the screen computed with."""

from __future__ import annotations

from rnn_tui.lesson import ViewTarget, load_lesson
from rnn_tui.lesson.from_session import lesson_from_session
from rnn_tui.scenario import load_scenario
from rnn_tui.session import weights_digest
from rnn_tui.session.weights import scenario_weights
from rnn_tui.ui import make_app
from rnn_tui.ui.screens import NoteScreen


async def test_notes_made_in_the_app_become_steps_that_reproduce_the_screen(tmp_path):
    session = tmp_path / "class.jsonl"
    app = make_app("bidirectional", record=session)
    shown = []

    async def note(pilot, text: str) -> None:
        await pilot.press("a")
        assert isinstance(app.screen, NoteScreen)
        app.screen.query_one("#note").value = text
        await pilot.press("enter")
        await pilot.pause()
        net = app.scenario.network
        state = {**app.view.to_dict(), "pane": app.pane, "cell": net.cell, "merge": net.merge}
        shown.append((ViewTarget(**state), weights_digest(scenario_weights(app.scenario))))

    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("right", "right", "d", "5")
        await note(pilot, "the backward W' is its own")
        await pilot.press("d", "up", "m", "3", "]")
        await note(pilot, "layer 2 reads the sum")
        await pilot.press("c", "2")
        await note(pilot, "an LSTM, seeded")
        await pilot.press("r")
        assert app.recording.recorder is None

    lesson = lesson_from_session(session, tmp_path / "class.toml").lesson
    assert lesson == load_lesson(tmp_path / "class.toml")
    assert [s.text.en for s in lesson.steps] == [
        "the backward W' is its own", "layer 2 reads the sum", "an LSTM, seeded",
    ]  # fmt: skip
    assert [s.view_target() for s, _ in zip(lesson.steps, shown, strict=True)] == [
        target for target, _ in shown
    ]
    assert [(t.direction, t.pane, t.layer, t.merge, t.cell, t.unit) for t, _ in shown] == [
        ("backward", "weights", 1, "concat", "rnn", 1),
        ("both", "layers", 2, "sum", "rnn", 2),
        ("both", "numbers", 2, "sum", "lstm", 2),
    ]
    for step, (target, digest) in zip(lesson.steps, shown, strict=True):
        assert step.scenario == "bidirectional"
        scenario = load_scenario(step.source)
        if (target.cell, target.merge) != ("rnn", "concat"):
            scenario = scenario.switch(cell=target.cell, merge=target.merge).scenario
        assert weights_digest(scenario_weights(scenario)) == digest
