"""Recordings keep what the teacher showed (issue 15): the view shown (1-6), the ∂
numbers (i), the input followed (k), a page scrolled, the theme and notes (a) are
recorded; a replay and an export show them; play ticks are named; the replay's footer
lists only the keys that work there."""

from __future__ import annotations

import asyncio
import datetime
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from rnn_tui.cli import cli
from rnn_tui.session import check_session, read_session
from rnn_tui.ui import make_app, recording
from rnn_tui.ui.bars import KeyFooter, StatusLine
from rnn_tui.ui.replay import NoteBar, ReplayApp, export_session
from rnn_tui.ui.screens import NoteScreen
from rnn_tui.ui.widgets import TokenStripView

DATA = Path(__file__).parent / "data"
INTENT = DATA / "snap-intent.toml"
NOTE = "[red]x[/] ⟶ the state forgets \u202ehere\x1b[2J"
"""A note with markup, a bidi override and an escape sequence: all shown as text."""
SHOWN_NOTE = "[red]x[/] ⟶ the state forgets \\u202ehere␛[2J"
"""NOTE as typed into the dialog (PlainInput makes it visible) and as every output shows it."""
SIZE = (100, 24)
"""Small enough that the weights view scrolls."""


async def record_lesson(path: Path) -> None:
    """A short lesson: a step, the weights view paged down, the numbers view, the ∂
    numbers, an input followed, a note, a step, then played to the end, stopped."""
    app = make_app(INTENT, record=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "5", "pagedown", "2", "i", "k", "a")
        assert isinstance(app.screen, NoteScreen)
        app.screen.query_one("#note").value = NOTE  # pasted: made visible as it enters
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, NoteScreen)
        assert any("Note added" in n.message and "t = 2" in n.message for n in app.notices)
        await pilot.press("right")
        app.speed = 6  # 32 steps a second
        await pilot.press("space")
        for _ in range(100):
            await pilot.pause(0.02)
            if not app.playing:
                break
        await pilot.press("r")
        assert app.recording.recorder is None


def svg_text(path: Path) -> str:
    """The text an SVG screenshot draws, its runs joined, non-breaking spaces as spaces."""
    root = ET.parse(path).getroot()
    return "".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")).replace(
        "\xa0", " "
    )


async def test_a_recorded_lesson_keeps_views_notes_and_ticks_and_replays_and_exports_them(
    tmp_path, screen_text
):
    path = tmp_path / "lesson.jsonl"
    await record_lesson(path)
    session = read_session(path)
    lines = [(a.key, a.action, a.view.t) for a in session.actions]
    assert lines[:8] == [
        ("", "start", 1),
        ("right", "step", 2),
        ("5", "show_pane", 2),
        ("pagedown", "page", 2),
        ("2", "show_pane", 2),
        ("i", "influence_numbers", 2),
        ("k", "probe", 2),
        ("a", "note", 2),
    ]
    assert lines[8] == ("right", "step", 3)
    assert lines[9:] == [("(timer)", "tick", 4), ("(timer)", "tick", 5)]
    screens = [a.screen for a in session.actions]
    assert all(s is not None and s.theme == "textual-dark" for s in screens)
    assert [s.pane for s in screens[:5]] == ["step", "step", "weights", "weights", "numbers"]
    assert screens[2].scroll == (("right", 0),) and screens[3].scroll[0][1] > 0  # paged
    assert [s.numbers for s in screens[4:7]] == [False, True, True]
    assert [s.probe for s in screens[5:8]] == [0, 2, 2]  # 0: the scenario's own
    assert [a.note for a in session.actions] == [None] * 7 + [SHOWN_NOTE] + [None] * 3
    raw = json.loads(path.read_text(encoding="utf-8").splitlines()[8])
    assert raw["note"] == SHOWN_NOTE and raw["screen"]["probe"] == 2
    assert check_session(session).failed_line is None

    # the replay shows each line's view, numbers, input followed, scroll and note
    app = ReplayApp(session, paused=True)
    async with app.run_test(size=SIZE) as pilot:
        bar = app.query_one(NoteBar)
        strip = app.query_one(TokenStripView)
        for index, action in enumerate(session.actions):
            await pilot.press("right")
            await pilot.pause()
            screen = action.screen
            assert app.position == index and app.pane == screen.pane, index
            assert strip.numbers == screen.numbers and (app.probed or 0) in (screen.probe, 0)
            assert dict(app.query_one("#body").scroll_state()) == dict(screen.scroll), index
            assert bar.display == (index >= 7), index
        assert app.probed == 2
        assert "[red]x[/]" in screen_text(app) and "\\u202ehere␛[2J" in screen_text(app)
        assert "play step (timer)" in app.query_one(StatusLine).plain
        await pilot.press("home")
        assert app.pane == "step" and not bar.display and not strip.numbers
        await pilot.press(*["right"] * 7)
        assert app.position == 7 and str(bar.content) == "✎ " + SHOWN_NOTE
        assert "note (a)" in app.query_one(StatusLine).plain

    # the export shows them too: the weights after 5, the note from its line on
    svgs, cast = tmp_path / "svg", tmp_path / "lesson.cast"
    # (export_session runs its own event loop: in a thread, beside this test's)
    frames, _w, _h = await asyncio.to_thread(export_session, session, svg_dir=svgs, cast=cast)
    assert frames == len(session.actions)
    names = sorted(p.name for p in svgs.iterdir())
    assert names[2:4] == ["0003-show_pane.svg", "0004-page.svg"] and names[-1] == "0011-tick.svg"
    assert "one copy each" in svg_text(svgs / "0003-show_pane.svg")  # the weights view
    assert "one copy each" not in svg_text(svgs / "0002-step.svg")
    assert "one copy each" not in svg_text(svgs / "0004-page.svg")  # paged down past it
    assert SHOWN_NOTE not in svg_text(svgs / "0007-probe.svg")
    for name in ("0008-note.svg", "0009-step.svg", "0011-tick.svg"):
        assert "✎ " + SHOWN_NOTE in svg_text(svgs / name), name
    events = [json.loads(line) for line in cast.read_text(encoding="utf-8").splitlines()[1:]]
    assert SHOWN_NOTE[:16] in events[7][2] and SHOWN_NOTE[:16] not in events[6][2]
    assert "\x1b[2J" not in events[7][2].replace("\x1b[H\x1b[2J", "", 1)  # only the cast's own

    # replay --check from the command line passes on it
    done = CliRunner().invoke(cli, ["replay", str(path), "--check"])
    assert done.exit_code == 0, done.output
    assert f"all {len(session.actions)} recorded states match" in done.output


async def test_a_theme_is_recorded_and_replayed_and_an_unknown_one_is_said_once(tmp_path):
    path = tmp_path / "theme.jsonl"
    app = make_app(INTENT, record=path)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "textual-light"
        await pilot.press("right")
    session = read_session(path)
    assert [a.screen.theme for a in session.actions] == [
        "textual-dark",
        "textual-light",
        "textual-light",
    ]
    lines = path.read_text(encoding="utf-8").splitlines()
    line = json.loads(lines[-1])
    line["screen"]["theme"] = "[b]no-such-theme"
    path.write_text("\n".join([*lines, json.dumps(line)]) + "\n", encoding="utf-8")
    session = read_session(path)
    app = ReplayApp(session, paused=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "right", "right")
        assert app.position == 2 and app.theme == "textual-light"
        app.clear_notifications()
        await pilot.press("right", "left", "right")
        assert app.position == 3
        assert app.theme == "textual-light"  # kept
        (said,) = app.notices
        assert "[b]no-such-theme" in said.message and not said.markup
        await pilot.press("home")
        assert app.theme == "textual-dark"


async def test_the_replay_footer_lists_only_the_keys_that_work_there(tmp_path):
    path = tmp_path / "walk.jsonl"
    app = make_app(INTENT, record=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right")
    app = ReplayApp(read_session(path), paused=True)
    async with app.run_test(size=(160, 40)) as pilot:  # room for every footer entry
        bound = app.screen.active_bindings
        actions = {b.binding.action.partition("(")[0] for b in bound.values()}
        refused = {"open", "edit", "train", "cell", "merge", "sequence", "record", "note"}
        assert not actions & (refused | {"step", "first", "last", "play", "speed"})
        assert {"toggle_replay", "replay_step", "replay_goto", "help", "quit"} <= actions
        assert {"show_pane", "direction", "probe", "copy_numbers"} <= actions
        assert all(app.check_action(a, ()) is not False for a in actions)
        items = app.query_one(KeyFooter).items()
        shown = {key for item in items for key in item.keys}
        assert not shown & {"o", "e", "t", "c", "m", "n", "r", "a", "minus", "plus"}
        assert {"space", "left", "right", "question_mark", "ctrl+q"} <= shown
        described = {item.description for item in items}
        assert {"pause / play", "next line", "help"} <= described
        assert not described & {"open", "record", "train", "step forward", "play", "speed"}
        for key, what in (("a", "adding a note"), ("o", "opening a scenario")):
            app.clear_notifications()
            await pilot.press(key)  # pressed anyway: why not, not "Press ? for keys."
            (said,) = app.notices
            assert said.message.startswith("Not while replaying") and what in said.message
        assert len(app.screen_stack) == 1 and not app.hinted_keys
        assert list(recording.commands(app)) == []  # nor "Start recording" in the palette


async def test_a_note_belongs_to_a_recording_and_r_names_the_file_by_scenario_and_day(tmp_path):
    app = make_app(INTENT)
    app.recording.directory = tmp_path
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        assert not isinstance(app.screen, NoteScreen)
        (said,) = app.notices
        assert said.message.startswith("Notes belong to a recording")
        await pilot.press("r", "a", "enter")  # an empty note is refused in the dialog
        assert isinstance(app.screen, NoteScreen)
        assert "Type a line of text" in str(app.screen.query_one("#note-error").content)
        await pilot.press("escape", "r", "r", "r")
    today = datetime.date.today().isoformat()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"snap-intent-{today}-1.jsonl", f"snap-intent-{today}-2.jsonl"]
    assert all(a.action != "note" for a in read_session(tmp_path / names[0]).actions)
