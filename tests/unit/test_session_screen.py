"""A session line's optional "screen" and "note" (issue 15): written by SessionWriter,
read back checked field by field (a bad one is a SessionError naming the file, the line
and the field), made visible, ignored by the state hash; and hostile notes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rnn_tui.present.position import View
from rnn_tui.scenario import load_scenario
from rnn_tui.session import (
    ScreenState,
    SessionError,
    SessionWriter,
    check_session,
    read_session,
    state_hash,
)
from rnn_tui.session.lines import MAX_NOTE, PANES
from rnn_tui.text import is_visible, visible

RAW = "\x1b]52;c;QUFBQQ==\x07\x1b]2;PWNED\x1b\\\x00\u202e\x9b2J[bold]x[/]"
"""Control, OSC, NUL, bidi override, C1 CSI characters and markup."""
SCREEN = ScreenState(
    pane="weights", numbers=True, probe=0, scroll=(("left", 0), ("right", 12)), theme="nord"
)


def record(path: Path, screens: list[ScreenState | None], notes: list[str | None]) -> Path:
    """A session of one step action per screen (t = 1, 2, ...), with the notes given."""
    scenario = load_scenario("intent")
    trace = scenario.trace()
    writer = SessionWriter(path, scenario, columns=100, rows=30)
    for t, (screen, note) in enumerate(zip(screens, notes, strict=True), start=1):
        view = View(t=t)
        state = state_hash(trace, view)
        writer.action(key="a", action="note", view=view, state=state, screen=screen, note=note)
    assert writer.close() is None
    return path


@pytest.fixture(name="session")
def session_fixture(tmp_path) -> Path:
    return record(tmp_path / "s.jsonl", [SCREEN, None], [None, "a note"])


def rewrite_line(path: Path, number: int, **fields) -> Path:
    """Line `number` (1-based) of the session with `fields` set (None: removed)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    data = json.loads(lines[number - 1])
    for name, value in fields.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    lines[number - 1] = json.dumps(data, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_screen_and_note_round_trip_and_the_state_hash_ignores_them(session):
    raw = [json.loads(line) for line in session.read_text(encoding="utf-8").splitlines()]
    assert raw[1]["screen"] == {
        "pane": "weights",
        "numbers": True,
        "probe": None,  # the scenario's own
        "scroll": {"left": 0, "right": 12},
        "theme": "nord",
    }
    assert "screen" not in raw[2] and raw[2]["note"] == "a note" and "note" not in raw[1]
    read = read_session(session)
    assert [a.screen for a in read.actions] == [SCREEN, None]
    assert [a.note for a in read.actions] == [None, "a note"]
    assert check_session(read).checked == 2
    # every field optional: a line may say only some
    rewrite_line(session, 2, screen={"probe": 3})
    assert read_session(session).actions[0].screen == ScreenState(probe=3)
    assert ScreenState(probe=3).to_dict() == {"probe": 3}


def test_the_panes_a_line_may_name_are_the_apps():
    from rnn_tui.ui.bars import PANES as APP_PANES

    assert PANES == tuple(name for name, _label in APP_PANES)


BAD_SCREENS = [
    ([], "screen: expected an object"),
    ("weights", "screen: expected an object"),
    ({"pane": "secret"}, "screen.pane"),
    ({"pane": 5}, "screen.pane"),
    ({"numbers": 1}, "screen.numbers"),
    ({"numbers": "yes"}, "screen.numbers"),
    ({"probe": 0}, "screen.probe"),
    ({"probe": -1}, "screen.probe"),
    ({"probe": 1.5}, "screen.probe"),
    ({"probe": True}, "screen.probe"),
    ({"probe": 10**12}, "screen.probe"),
    ({"scroll": [0, 1]}, "screen.scroll"),
    ({"scroll": {"left": -1}}, "screen.scroll.left"),
    ({"scroll": {"left": 2.5}}, "screen.scroll.left"),
    ({"scroll": {"left": 10**7}}, "screen.scroll.left"),
    ({"scroll": {"left": None}}, "screen.scroll.left"),
    ({"scroll": {"../etc": 1}}, "screen.scroll"),
    ({"scroll": {"x" * 101: 1}}, "screen.scroll"),
    ({"scroll": {f"c{i}": 0 for i in range(17)}}, "more than 16"),
    ({"theme": ""}, "screen.theme"),
    ({"theme": 7}, "screen.theme"),
    ({"theme": "t" * 101}, "screen.theme"),
    ({"pane": "step", "extra": 1}, "unknown field"),
]


@pytest.mark.parametrize(("screen", "words"), BAD_SCREENS)
def test_a_bad_screen_field_is_a_message_naming_the_file_the_line_and_the_field(
    session, screen, words
):
    rewrite_line(session, 3, screen=screen)
    with pytest.raises(SessionError) as caught:
        read_session(session)
    message = str(caught.value)
    assert message.startswith(f"{session}: line 3: not an action line"), message
    assert words in message and is_visible(message)


@pytest.mark.parametrize(
    ("note", "words"),
    [
        (5, "note: expected a line of text"),
        ("", "note: expected a line of text"),
        ("   ", "note: expected a line of text"),
        (["a"], "note: expected a line of text"),
        ("n" * (MAX_NOTE + 1), f"note is longer than {MAX_NOTE} characters"),
        ("\u202e" * 100, f"note is longer than {MAX_NOTE} characters"),  # 6 shown each
    ],
)
def test_a_bad_note_is_a_message_naming_the_file_and_the_line(session, note, words):
    rewrite_line(session, 2, note=note)
    with pytest.raises(SessionError) as caught:
        read_session(session)
    message = str(caught.value)
    assert message.startswith(f"{session}: line 2:") and words in message, message
    assert is_visible(message)


def test_hostile_notes_and_themes_are_read_visible_and_written_bounded(tmp_path):
    hostile = ScreenState(theme=RAW[:100])
    path = record(tmp_path / "s.jsonl", [hostile, None], [RAW, "n" * 2000])
    read = read_session(path)
    note, long = (a.note for a in read.actions)
    assert note == visible(RAW) and is_visible(note) and "[bold]x[/]" in note
    assert long == "n" * MAX_NOTE  # the writer cuts a note to what a reader takes
    assert read.actions[0].screen.theme == visible(RAW[:100])
    # written raw by hand (not by the writer): made visible when read
    rewrite_line(path, 2, note="\x1b[2J\u2066x", screen={"theme": "\x07bell"})
    action = read_session(path).actions[0]
    assert action.note == "␛[2J\\u2066x" and action.screen.theme == "␇bell"
    assert check_session(read_session(path)).failed_line is None


def test_a_session_without_screen_or_note_reads_as_before(tmp_path):
    path = record(tmp_path / "s.jsonl", [None, None], [None, None])
    read = read_session(path)
    assert [(a.screen, a.note) for a in read.actions] == [(None, None), (None, None)]
    rewrite_line(path, 2, screen=None, note=None, extra={"a future field": 1})
    assert read_session(path).actions[0].view == View(t=1)  # unknown top-level: skipped
