"""Recording from the app with Pilot: the keys become session lines that verify with
`replay --check`; a tampered hash names its line; model changes (merge, cell, edit,
sequence, open) recorded in the app verify too."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rnn_tui.session import check_session, read_session
from rnn_tui.ui import make_app
from rnn_tui.ui.bars import StatusLine

DATA = Path(__file__).parent / "data"
INTENT = DATA / "snap-intent.toml"
INTENT_ZH = DATA / "snap-intent-zh.toml"
BIDIRECTIONAL = DATA / "snap-bidirectional.toml"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rnn_tui", *args],
                          capture_output=True, text=True, timeout=120)  # fmt: skip


async def record(source: Path, path: Path, keys: list[str], size=(100, 30)) -> None:
    app = make_app(source, record=path)
    async with app.run_test(size=size) as pilot:
        for key in keys:
            await pilot.press(key)
        await pilot.pause()


async def test_a_recorded_walk_writes_a_line_per_change_and_checks(tmp_path):
    path = tmp_path / "walk.jsonl"
    await record(INTENT, path, ["right", "right", "right", "left", "end", "home", "]"])
    session = read_session(path)
    assert session.header["terminal"] == {"columns": 100, "rows": 30}
    assert [a.key for a in session.actions] == [
        "",
        "right",
        "right",
        "right",
        "left",
        "end",
        "home",
        "right_square_bracket",
    ]
    assert [a.action for a in session.actions][:3] == ["start", "step", "step"]
    assert [a.view.t for a in session.actions] == [1, 2, 3, 4, 3, 5, 1, 1]
    assert session.actions[-1].view.unit == 2
    assert check_session(session).failed_line is None
    done = run("replay", str(path), "--check")
    assert done.returncode == 0, done.stderr
    assert "all 8 recorded states match" in done.stdout


async def test_a_tampered_hash_in_an_app_recording_names_its_line(tmp_path):
    path = tmp_path / "walk.jsonl"
    await record(INTENT, path, ["right", "right", "right"])
    lines = path.read_text().splitlines(keepends=True)
    data = json.loads(lines[3])
    data["state"] = "0" * 64
    lines[3] = json.dumps(data) + "\n"
    path.write_text("".join(lines))
    done = run("replay", str(path), "--check")
    assert done.returncode == 1
    assert "line 4" in done.stderr and "Traceback" not in done.stderr


async def test_merge_cell_direction_and_layer_switches_recorded_in_the_app_verify(tmp_path):
    path = tmp_path / "switches.jsonl"
    keys = ["right", "m", "right", "d", "d", "up", "m", "c", "right", "c", "c", "m", "left"]
    await record(BIDIRECTIONAL, path, keys)
    session = read_session(path)
    changes = [a for a in session.actions if a.change]
    assert [a.action for a in changes] == ["merge", "merge", "cell", "cell", "cell", "merge"]
    assert {a.view.direction for a in session.actions} == {"forward", "backward", "both"}
    assert max(a.view.layer for a in session.actions) == 2
    result = check_session(session)
    assert result.failed_line is None, result.reason
    assert result.checked == len(session.actions)


async def test_an_edited_sentence_and_a_sequence_recorded_in_the_app_verify(tmp_path):
    path = tmp_path / "inputs.jsonl"
    app = make_app(INTENT_ZH, record=path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("right", "n", "right", "c")
        await pilot.press("e")
        app.screen.query_one("#sentence").value = "早上 好"
        await pilot.press("enter")
        await pilot.press("right", "n")
        await pilot.pause()
    session = read_session(path)
    kinds = [sorted(a.change) for a in session.actions if a.change]
    # the cell switch is recorded as a switch: replaying it gives the same weights
    assert ["sequence"] in kinds and ["tokens"] in kinds and ["cell"] in kinds
    result = check_session(session)
    assert result.failed_line is None, result.reason


async def wait_for(pilot, condition, tries: int = 400) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")


async def test_every_model_change_is_recorded_under_its_own_action_and_verifies(tmp_path):
    """n, c, m, e, t and o each write their own action name (and the key that started
    them), with the change that lets `replay --check` recompute the state after them."""
    path = tmp_path / "actions.jsonl"
    app = make_app(INTENT_ZH, record=path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("right", "n", "c")
        await pilot.press("e")
        app.screen.query_one("#sentence").value = "早上 好"
        await pilot.press("enter")
        await pilot.press("t")
        await wait_for(
            pilot, lambda: app.background.training is not None and not app.background.training_runs
        )
        await wait_for(pilot, lambda: app.scenario.trained)
        await pilot.press("o")
        app.screen.query_one("#path").value = str(BIDIRECTIONAL)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.stage.bidirectional)
        await pilot.press("m", "d")
        await pilot.pause()
    session = read_session(path)
    lines = [(a.key, a.action, sorted(a.change or {})) for a in session.actions]
    assert ("n", "sequence", ["sequence"]) in lines
    assert ("c", "cell", ["cell"]) in lines  # a switch replays as one (Scenario.switch)
    assert ("e", "edit", ["tokens"]) in lines
    assert ("t", "train", ["scenario"]) in lines
    assert ("o", "open", ["scenario"]) in lines
    assert ("m", "merge", ["merge"]) in lines
    assert all(a.action != "change" for a in session.actions), lines
    unchanged = {a.action for a in session.actions if not a.change}
    assert unchanged <= {"start", "step", "direction", "open"}, lines
    raw = [json.loads(line)["action"] for line in path.read_text().splitlines()[1:]]
    assert {"sequence", "cell", "edit", "train", "open", "merge"} <= set(raw)
    done = run("replay", str(path), "--check")
    assert done.returncode == 0, done.stderr
    assert f"all {len(session.actions)} recorded states match" in done.stdout


async def test_palette_changes_playing_and_a_language_switch_are_named_too(tmp_path):
    """Changes not made by a key (the palette's commands, the play timer, the language)
    are recorded under the action they are, with no key, and verify."""
    from rnn_tui.ui.commands import switch_language

    path = tmp_path / "palette.jsonl"
    app = make_app(BIDIRECTIONAL, record=path)
    async with app.run_test(size=(100, 30)) as pilot:
        app.changes.set_network(merge="mean")
        app.changes.set_network(cell="gru")
        app.changes.open_builtin("elman-by-hand")
        app.speed = len(__import__("rnn_tui.ui.app").ui.app.SPEEDS) - 1
        await pilot.press("space")
        await wait_for(pilot, lambda: not app.playing)
        try:
            switch_language(app, "zh")
        finally:
            switch_language(app, "en")
        await pilot.pause()
    session = read_session(path)
    actions = [a.action for a in session.actions]
    assert "change" not in actions, actions
    assert {"merge", "cell", "open", "tick", "language"} <= set(actions)
    assert [a.key for a in session.actions if a.action in ("merge", "cell", "open")] == [""] * 3
    assert {a.key for a in session.actions if a.action == "tick"} == {"(timer)"}
    result = check_session(session)
    assert result.failed_line is None, result.reason


async def test_r_starts_and_stops_a_recording_with_an_indicator(tmp_path):
    app = make_app(INTENT)
    app.recording.directory = tmp_path
    async with app.run_test(size=(100, 30)) as pilot:
        assert "REC" not in app.query_one(StatusLine).plain
        await pilot.press("r")
        assert app.recording.recorder is not None
        assert "● REC" in app.query_one(StatusLine).plain
        await pilot.press("right", "right")
        await pilot.press("r")
        assert app.recording.recorder is None
        assert "REC" not in app.query_one(StatusLine).plain
    (path,) = tmp_path.glob("snap-intent-*-1.jsonl")  # the scenario's name, the day, 1
    session = read_session(path)
    assert [a.view.t for a in session.actions] == [1, 2, 3]
    assert check_session(session).failed_line is None


async def test_a_built_in_opened_from_the_palette_is_recorded_whole(tmp_path):
    path = tmp_path / "open.jsonl"
    app = make_app(INTENT, record=path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("right")
        app.changes.open_scenario(
            __import__("rnn_tui.scenario").scenario.load_scenario(BIDIRECTIONAL)
        )
        await pilot.press("right", "d")
        await pilot.pause()
    session = read_session(path)
    assert any(a.change and "scenario" in a.change for a in session.actions)
    assert check_session(session).failed_line is None


def test_the_command_line_records_with_the_default_open(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from rnn_tui import cli, cli_common

    monkeypatch.setattr(cli_common, "has_terminal", lambda: True)  # CliRunner's are not

    seen = {}

    class Fake:
        return_code = 0

        def run(self):
            pass

    def fake_make_app(scenario, record=None, settings=None):
        seen.update(scenario=scenario, record=record)
        return Fake()

    import rnn_tui.ui as ui

    original = ui.make_app
    ui.make_app = fake_make_app
    try:
        out = CliRunner().invoke(cli.cli, ["--record", str(tmp_path / "f.jsonl"), str(INTENT)])
    finally:
        ui.make_app = original
    assert out.exit_code == 0, out.output
    assert seen == {"scenario": str(INTENT), "record": str(tmp_path / "f.jsonl")}


# --------------------------------------------------------------------------- replay
async def test_replay_plays_a_recording_at_speed_and_steps_through_it(tmp_path):
    from rnn_tui.ui.replay import ReplayApp

    path = tmp_path / "walk.jsonl"
    await record(BIDIRECTIONAL, path, ["right", "right", "m", "d", "up", "c", "right"])
    session = read_session(path)
    app = ReplayApp(session, speed=1000)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(50):
            await pilot.pause(0.02)
            if app.position == len(session.actions) - 1:
                break
        last = session.actions[-1]
        assert app.position == len(session.actions) - 1 and not app.replaying
        assert (app.view.t, app.view.layer, app.view.direction) == (
            last.view.t,
            last.view.layer,
            last.view.direction,
        )
        assert app.stage.network.cell == "lstm"
        await pilot.press("left", "left")
        assert app.position == len(session.actions) - 3
        assert app.stage.network.cell == "rnn" and app.stage.network.merge == "sum"
        await pilot.press("home")
        assert app.position == 0 and app.view.t == 1 and app.stage.network.merge == "concat"
        await pilot.press("right")
        assert app.position == 1 and app.view.t == 2
        assert "replay 2/" in app.query_one(StatusLine).plain


async def test_replay_pauses_and_resumes_with_space(tmp_path):
    from rnn_tui.ui.replay import ReplayApp

    path = tmp_path / "walk.jsonl"
    await record(INTENT, path, ["right", "right", "right"])
    app = ReplayApp(read_session(path), paused=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.1)
        assert app.position == -1 and not app.replaying
        assert "⏸ replay" in app.query_one(StatusLine).plain
        app.delays = [0.0] * len(app.delays)
        await pilot.press("space")
        for _ in range(50):
            await pilot.pause(0.02)
            if not app.replaying:
                break
        assert app.position == 3 and app.view.t == 4


def test_replaying_a_corrupt_or_unknown_file_is_a_message_and_exit_2(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"format": "rnn-tui-session", "version": 99}\n')
    done = run("replay", str(bad))
    assert done.returncode == 2 and "version 99" in done.stderr
    assert "Traceback" not in done.stderr
    bad.write_text("not json\n")
    done = run("replay", str(bad))
    assert done.returncode == 2 and "line 1" in done.stderr and "Traceback" not in done.stderr
    done = run("replay", str(tmp_path / "missing.jsonl"))
    assert done.returncode == 2 and "Traceback" not in done.stderr


async def test_replay_refuses_the_keys_that_would_change_the_model_but_keeps_the_view_keys(
    tmp_path,
):
    """o, e, t, c, n, m and r (and the palette's cell / merge / sequence / built-in
    commands) say why not and change nothing; pause, step, help, theme and quit work."""
    from rnn_tui.ui.commands import switch_language
    from rnn_tui.ui.replay import ReplayApp

    path = tmp_path / "walk.jsonl"
    await record(BIDIRECTIONAL, path, ["right", "right", "d"])
    session = read_session(path)
    app = ReplayApp(session, paused=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("right")
        assert app.position == 0
        scenario, screens = app.scenario, len(app.screen_stack)
        for key in ["o", "e", "t", "c", "n", "m", "r"]:
            app.clear_notifications()
            await pilot.press(key)
            await pilot.pause()
            assert len(app.screen_stack) == screens, key
            assert app.scenario is scenario and app.recording.recorder is None, key
            (note,) = list(app.notices)
            assert note.message.startswith("Not while replaying"), (key, note.message)
        app.changes.set_network(cell="gru")
        app.changes.set_network(merge="sum")
        app.changes.select_sequence("main")
        app.changes.open_builtin("intent")
        assert app.scenario is scenario
        assert app.background.training is None
        # the view keys still work
        await pilot.press("right")
        assert app.position == 1
        app.delays = [60.0] * len(app.delays)  # played, it stays on this line till paused
        await pilot.press("space")
        assert app.replaying
        await pilot.press("space")
        assert not app.replaying
        theme = app.theme
        await pilot.press("question_mark")
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        assert len(app.screen_stack) == screens
        app.theme = "textual-light" if theme != "textual-light" else "textual-dark"
        await pilot.pause()
        assert app.theme != theme
        assert "step (→)" in app.query_one(StatusLine).plain
        try:
            switch_language(app, "zh")
            assert "回放 2/4 │ 时间步 (→)" in app.query_one(StatusLine).plain
            app.clear_notifications()
            await pilot.press("o")
            (note,) = list(app.notices)
            assert "回放" in note.message and "Not while" not in note.message
        finally:
            switch_language(app, "en")
        await pilot.press("ctrl+q")
    assert app.return_code == 0


async def test_replaying_a_file_cut_mid_line_says_so_and_plays_its_whole_lines(tmp_path):
    from rnn_tui.ui.replay import ReplayApp

    path = tmp_path / "walk.jsonl"
    await record(INTENT, path, ["right", "right", "right"])
    text = path.read_text()
    path.write_text(text[: len(text) - 30])  # a recording killed while writing its last line
    session = read_session(path)
    assert session.ends_mid_line and len(session.actions) == 3
    app = ReplayApp(session, paused=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        (note,) = list(app.notices)
        assert "ends mid-line" in note.message and "3 whole lines" in note.message
        await pilot.press("end")
        assert app.position == 2 and app.view.t == 3


# --------------------------------------------------------------------------- hostile
RAW = "\x1b]52;c;QUFBQQ==\x07\x1b]2;PWNED\x1b\\\x00\u202e"


async def test_a_replay_performs_no_action_a_session_line_names(tmp_path, monkeypatch):
    """Lines whose key and action name quit, a screenshot, a markup click or carry
    control characters are shown (escaped) and nothing else: the app keeps running,
    writes nothing, and only the view and the recorded model change."""
    from rnn_tui.present.position import View
    from rnn_tui.scenario import load_scenario
    from rnn_tui.session import SessionWriter, state_hash
    from rnn_tui.text import visible
    from rnn_tui.ui.replay import ReplayApp

    folder, cwd = tmp_path / "session", tmp_path / "cwd"
    folder.mkdir()
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    path = folder / "s.jsonl"
    scenario = load_scenario(INTENT)
    trace = scenario.trace()
    writer = SessionWriter(path, scenario, columns=100, rows=30)
    hostile = [
        ("ctrl+q", "quit"),
        ("ctrl+s", "screenshot"),
        ("o", "[@click=app.screenshot('/tmp/x.svg')]open[/]"),
        (RAW, RAW),
    ]
    for t, (key, action) in enumerate(hostile, start=1):
        view = View(t=t)
        writer.action(key=key, action=action, view=view, state=state_hash(trace, view))
    assert writer.close() is None
    app = ReplayApp(read_session(path), paused=True)
    async with app.run_test(size=(240, 30)) as pilot:  # wide: the status shows the label
        for index in range(len(hostile)):
            await pilot.press("right")
            await pilot.pause()
            assert app.is_running and app.position == index and app.view.t == index + 1
            assert len(app.screen_stack) == 1
        status = app.query_one(StatusLine).plain
        assert visible(RAW)[:20] in status and "\x1b" not in status and "\x00" not in status
        await pilot.press("left")
        assert "[@click=app.screenshot('/tmp/x.svg')]open[/]" in app.query_one(StatusLine).plain
        assert app.scenario.text == scenario.text
        await pilot.press("ctrl+q")
    assert app.return_code == 0
    assert list(cwd.iterdir()) == [] and [p.name for p in folder.iterdir()] == ["s.jsonl"]
    assert not Path("/tmp/x.svg").exists()


async def test_recording_onto_an_existing_file_is_refused_with_a_message(tmp_path):
    kept = tmp_path / "keep.jsonl"
    kept.write_text("precious\n")
    app = make_app(INTENT, record=kept)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.recording.recorder is None and app.is_running
        (note,) = list(app.notices)
        assert "never replaces" in note.message
    assert kept.read_text() == "precious\n"


async def test_a_full_disk_while_recording_stops_it_with_a_message(tmp_path, monkeypatch):
    import errno
    import os

    import rnn_tui.session.format as fmt

    class FullDisk:
        def __getattr__(self, name):
            return getattr(os, name)

        def write(self, fd, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    path = tmp_path / "walk.jsonl"
    app = make_app(INTENT, record=path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("right")
        assert app.recording.recorder is not None
        monkeypatch.setattr(fmt, "os", FullDisk())
        await pilot.press("right")
        await pilot.pause()
        assert app.recording.recorder is None and app.is_running
        (note,) = list(app.notices)
        assert "No space left on device" in note.message and "kept" in note.message
        monkeypatch.undo()
        await pilot.press("right")
        assert app.view.t == 4
    session = read_session(path)
    assert [a.view.t for a in session.actions] == [1, 2]
    assert check_session(session).failed_line is None
