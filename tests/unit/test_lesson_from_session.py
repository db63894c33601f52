"""`rnn-tui lesson from-session`: a recording's notes become a lesson whose steps
reproduce the recorded view states (t, layer, direction, unit, pane, cell, merge) and,
loaded, compute with the recorded weights; a scenario that is not an unchanged
built-in is copied beside the lesson; hostile or unusable sessions are refused."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rnn_tui.cli import cli, main
from rnn_tui.cli_lesson import lesson_group
from rnn_tui.files import WriteRefused
from rnn_tui.i18n import set_language
from rnn_tui.lesson import ViewTarget, load_lesson
from rnn_tui.lesson.from_session import lesson_from_session
from rnn_tui.present.position import View
from rnn_tui.scenario import load_scenario, parse_scenario
from rnn_tui.scenario.starter import starter_text
from rnn_tui.session import (
    ScreenState,
    SessionError,
    SessionWriter,
    scenario_record,
    state_hash,
    weights_digest,
)
from rnn_tui.session.verify import apply_change
from rnn_tui.session.weights import scenario_weights


def record(path: Path, scenario, walk) -> list[tuple[dict, str]]:
    """Write a session of `walk`: (view, pane, change, note) lines, each change applied
    as a replay does. Returns, for each note, the view state it recorded (as a lesson
    step's view) and the sha256 of the weights shown then."""
    writer = SessionWriter(path, scenario, columns=120, rows=40)
    noted = []
    for view, pane, change, note in walk:
        if change:
            scenario = apply_change(scenario, change, "test")
        net = scenario.network
        writer.action(
            key="x",
            action="note" if note else "step",
            view=view,
            state=state_hash(scenario.trace(), view),
            change=change,
            screen=ScreenState(pane=pane) if pane else None,
            note=note,
        )
        if note:
            state = {**view.to_dict(), "cell": net.cell}
            if pane:
                state["pane"] = pane
            if net.bidirectional:
                state["merge"] = net.merge
            noted.append((state, weights_digest(scenario_weights(scenario))))
    writer.close()
    return noted


def replayed(step) -> str:
    """The sha256 of the weights a lesson step computes with: its scenario loaded and
    switched to the step's cell and merge, as the app's c and m keys do."""
    scenario = load_scenario(step.source)
    view = step.view_target()
    net = scenario.network
    if (view.cell or net.cell, view.merge or net.merge) != (net.cell, net.merge):
        scenario = scenario.switch(cell=view.cell, merge=view.merge).scenario
    return weights_digest(scenario_weights(scenario))


def assert_reproduces(lesson, noted) -> None:
    assert len(lesson.steps) == len(noted)
    for step, (state, digest) in zip(lesson.steps, noted, strict=True):
        assert step.view_target() == ViewTarget(**state)
        assert replayed(step) == digest


def test_a_builtin_recording_round_trips_with_panes_merges_and_cells(tmp_path):
    session = tmp_path / "walk.jsonl"
    noted = record(
        session,
        load_scenario("bidirectional"),
        [
            (View(t=1), "step", None, None),
            (View(t=3, layer=2, direction="both", unit=2), "layers", None, "layer 2 reads both"),
            (View(t=3, layer=2, direction="both", unit=2), "layers", {"merge": "sum"}, None),
            (View(t=5, direction="backward", unit=4), "weights", None, "W' is its own"),
            (View(t=5, direction="backward", unit=4), None, {"cell": "gru"}, None),
            (View(t=6, direction="both"), None, None, "a GRU now, seeded"),
        ],
    )
    out = tmp_path / "lesson" / "walk.toml"
    written = lesson_from_session(session, out)
    assert written.copies == () and written.warnings == ()
    lesson = load_lesson(out)
    assert [s.scenario for s in lesson.steps] == ["bidirectional"] * 3
    assert [s.text.en for s in lesson.steps] == [
        "layer 2 reads both", "W' is its own", "a GRU now, seeded",
    ]  # fmt: skip
    assert lesson.title.en == "From the recording walk"
    assert_reproduces(lesson, noted)
    # the file names the scenario once, and says only what each note recorded
    text = out.read_text()
    assert text.count('scenario = "bidirectional"') == 1
    assert 'view = {t = 3, layer = 2, direction = "both", unit = 2, pane = "layers", ' in text


def test_a_sibling_switch_is_the_builtin_with_its_cell(tmp_path):
    """c on memory-fade brings the trained LSTM sibling: recorded as a whole scenario,
    it is still the built-in memory-fade at cell lstm (the same weights, bit for bit)."""
    session = tmp_path / "fade.jsonl"
    scenario = load_scenario("memory-fade")
    lstm = scenario.switch(cell="lstm").scenario
    noted = record(
        session,
        scenario,
        [
            (View(t=50), "memory", None, "the RNN forgot x1"),
            (View(t=50), "memory", {"scenario": scenario_record(lstm)}, "the LSTM keeps it"),
        ],
    )
    lesson = lesson_from_session(session, tmp_path / "fade.toml").lesson
    assert [s.scenario for s in lesson.steps] == ["memory-fade", "memory-fade"]
    assert [s.view.cell for s in lesson.steps] == ["rnn", "lstm"]
    assert_reproduces(lesson, noted)


def test_a_users_scenarios_are_copied_beside_the_lesson(tmp_path):
    """A seeded scenario of the user's is copied as it is (its seed gives its weights);
    weights changed since (trained in the app) go into an .npz beside the copy."""
    folder = tmp_path / "class"
    folder.mkdir()
    mine = folder / "mine.toml"
    mine.write_text(starter_text("mine.toml", cell="rnn", layers=1, bidirectional=False, hidden=4))
    scenario = load_scenario(mine)
    trained = scenario.with_weights(
        {k: v * 0.5 for k, v in scenario.network.params.items()}, trained=True
    )
    session = folder / "mine.jsonl"
    noted = record(
        session,
        scenario,
        [
            (View(t=2, unit=3), "numbers", None, "the seeded weights"),
            (View(t=2, unit=3), "numbers", {"scenario": scenario_record(trained)}, "trained"),
            (View(t=4), None, None, "still trained"),
        ],
    )
    out = tmp_path / "out" / "mine-lesson.toml"
    written = lesson_from_session(session, out)
    names = sorted(p.name for p in written.copies)
    assert names == [
        "mine-lesson-scenario-1.toml", "mine-lesson-scenario-2.npz", "mine-lesson-scenario-2.toml",
    ]  # fmt: skip
    lesson = written.lesson
    assert [s.scenario for s in lesson.steps] == [
        "mine-lesson-scenario-1.toml", "mine-lesson-scenario-2.toml", "mine-lesson-scenario-2.toml",
    ]  # fmt: skip
    assert_reproduces(lesson, noted)
    copy = (out.parent / "mine-lesson-scenario-1.toml").read_text()
    assert copy == mine.read_text()  # the seeded one, as it was
    second = load_scenario(out.parent / "mine-lesson-scenario-2.toml")
    assert second.trained and second.weights_source == "file"


def test_the_tutorials_notes_in_chinese_go_into_the_zh_slot(tmp_path):
    session = tmp_path / "zh.jsonl"
    record(session, load_scenario("intent"), [(View(t=5), "step", None, "只看 o₅")])
    set_language("zh")
    try:
        lesson = lesson_from_session(session, tmp_path / "zh.toml").lesson
    finally:
        set_language("en")
    (step,) = lesson.steps
    assert (step.text.zh, step.text.en) == ("只看 o₅", None)
    assert lesson.title.zh is not None and lesson.title.en is None
    assert step.view_target().merge is None  # a one-way network: no merge said


def test_what_a_lesson_cannot_set_is_a_warning(tmp_path):
    session = tmp_path / "edit.jsonl"
    record(
        session,
        load_scenario("intent"),
        [
            (View(t=1), None, None, "as the file has it"),
            (View(t=1), None, {"tokens": ["what", "is", "it", "?"]}, None),
            (View(t=4), None, None, "an edited sentence"),
        ],
    )
    written = lesson_from_session(session, tmp_path / "edit.toml")
    assert len(written.warnings) == 1
    assert written.warnings[0].startswith("step 2 (")
    assert "another input" in written.warnings[0]


def test_refusals(tmp_path):
    bare = tmp_path / "bare.jsonl"
    record(bare, load_scenario("intent"), [(View(t=2), "step", None, None)])
    with pytest.raises(SessionError, match="no notes"):
        lesson_from_session(bare, tmp_path / "x.toml")
    assert not (tmp_path / "x.toml").exists()
    session = tmp_path / "s.jsonl"
    record(session, load_scenario("intent"), [(View(t=2), "step", None, "a note")])
    out = tmp_path / "s.toml"
    out.write_text("mine")
    with pytest.raises(WriteRefused, match="exists; choose another name or pass --force"):
        lesson_from_session(session, out)
    assert out.read_text() == "mine"
    assert lesson_from_session(session, out, force=True).lesson.steps[0].text.en == "a note"
    with pytest.raises(WriteRefused, match="an input of this command"):
        lesson_from_session(session, session, force=True)
    from rnn_tui.lesson import BUILTIN_LESSONS

    with pytest.raises(WriteRefused, match="built-in lessons"):
        lesson_from_session(session, BUILTIN_LESSONS / "mine.toml")
    assert not (BUILTIN_LESSONS / "mine.toml").exists()


def test_a_hostile_note_stays_text_and_a_tampered_view_is_kept_in_bounds(tmp_path):
    session = tmp_path / "h.jsonl"
    record(session, load_scenario("intent"), [(View(t=3), "step", None, "ok")])
    lines = session.read_text().splitlines()
    line = json.loads(lines[1])
    line["note"] = '[red]x[/] "\\ ]] \x1b[2J\u202e end'
    line["view"]["t"] = 999  # beyond T = 5: kept in the scenario's bounds
    session.write_text("\n".join([lines[0], json.dumps(line)]) + "\n")
    lesson = lesson_from_session(session, tmp_path / "h.toml").lesson
    (step,) = lesson.steps
    assert step.text.en == '[red]x[/] "\\ ]] ␛[2J\\u202e end'
    assert step.view.t == 5
    line["change"] = {"cell": "\x1b[31mevil"}
    session.write_text("\n".join([lines[0], json.dumps(line)]) + "\n")
    with pytest.raises(SessionError, match=r"h.jsonl: line 2: cell: expected rnn \| lstm \| gru"):
        lesson_from_session(session, tmp_path / "h2.toml")
    assert not (tmp_path / "h2.toml").exists()


def test_the_weights_written_beside_a_copy_are_the_recorded_ones(tmp_path):
    """An inline-valued user scenario with the weights changed: the .npz holds exactly
    the recorded arrays (embedding and readout too)."""
    scenario = parse_scenario(
        starter_text("v.toml", cell="gru", layers=2, bidirectional=True, hidden=3),
        path=tmp_path / "v.toml",
    )
    changed = scenario.with_weights(
        {k: v + 0.25 for k, v in scenario.network.params.items()}, trained=False
    )
    session = tmp_path / "v.jsonl"
    noted = record(
        session,
        scenario,
        [(View(t=2), None, {"scenario": scenario_record(changed)}, "shifted, untrained")],
    )
    written = lesson_from_session(session, tmp_path / "v-lesson.toml")
    assert_reproduces(written.lesson, noted)
    arrays = np.load(tmp_path / "v-lesson-scenario-1.npz")
    wanted = scenario_weights(changed)
    assert sorted(arrays.files) == sorted(wanted)
    for name, value in wanted.items():
        np.testing.assert_array_equal(arrays[name], value)
    assert load_scenario(tmp_path / "v-lesson-scenario-1.toml").trained is False


def test_the_command(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(cli.commands, "lesson", lesson_group)  # as cli.py registers it
    session = tmp_path / "c.jsonl"
    record(session, load_scenario("deep"), [(View(t=2, layer=3), "layers", None, "the top")])
    main(["lesson", "from-session", str(session), "-o", str(tmp_path / "c")])
    out = capsys.readouterr()
    assert out.out.strip() == (f"wrote {tmp_path / 'c.toml'}: 1 step, from the notes of {session}")
    assert load_lesson(tmp_path / "c.toml").steps[0].view.layer == 3
    with pytest.raises(SystemExit) as exit_:
        main(["lesson", "from-session", str(session), "-o", str(tmp_path / "c.toml")])
    assert exit_.value.code == 2
    assert "exists; choose another name or pass --force" in capsys.readouterr().err
    (tmp_path / "bad.jsonl").write_text('{"format": "nope"}\n')
    with pytest.raises(SystemExit) as exit_:
        main(["lesson", "from-session", str(tmp_path / "bad.jsonl"), "-o", str(tmp_path / "d")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "bad.jsonl: line 1: not an rnn-tui session" in err and "Traceback" not in err
