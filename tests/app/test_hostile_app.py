"""A hostile scenario file in the app (issue 12, items 1-3 and 7): markup and control
characters from the file, the user, file names and error messages are shown literally,
nothing in them can act (no click writes a file or quits), and a full disk while
recording or saving a screenshot is a message, never a crash.

The screen is read as drawn: its text (the screen_text fixture, read from the exported
SVG), the ANSI text a terminal would get (screen_ansi, as `rnn-tui export --cast`
writes it: the apps that are checked so are made by frame_app and run with
headless=False), and the SVG itself."""

from __future__ import annotations

import errno
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, Static

from rnn_tui.session import read_session
from rnn_tui.text import visible
from rnn_tui.ui import make_app
from rnn_tui.ui.bars import KeyFooter, StatusLine
from rnn_tui.ui.help import HelpScreen, HelpText
from rnn_tui.ui.replay import frame_app, screen_ansi
from rnn_tui.ui.screens import EditScreen, OpenScreen

SIZE = (120, 40)
OSC_CLIPBOARD = "\x1b]52;c;QUFBQQ==\x07"
OSC_TITLE = "\x1b]2;TITLE\x07"
WIPE = "\x1b[?1049l\x1b[2J"
CONTROLS = (OSC_CLIPBOARD, OSC_TITLE, WIPE, "\u202e", "\x00")
RAW = ("\x1b", "\x07", "\x00", "\u202e")
"""Characters that must never reach the screen as they are."""


def toml_string(text: str) -> str:
    """A TOML basic string for any text (JSON's escapes are TOML's, for these)."""
    return json.dumps(text, ensure_ascii=False)


def click_title(victim: Path | str) -> str:
    return f'[@click=app.screenshot("{victim}")]Intent demo[/]'


def hostile_scenario(folder: Path, victim: Path, *, clicks_first: bool = False) -> Path:
    """A token scenario whose every piece of text is markup or control characters
    (`clicks_first`: the title and description start with their @click, so that the
    part a click would land on is on screen)."""
    title = (
        f"[/] [bold red]x[/] s[t-1] {OSC_TITLE} Edit the [train] section "
        f"[@click=app.quit]quit[/] {click_title(victim)}"
    )
    description = (
        f"[@click=app.quit]Press here[/] [/] [bold red]red[/] Edit the [train] section, "
        f"s[t-1]. {OSC_CLIPBOARD} {WIPE} \u202eright-to-left \x00 *not bold* <b>html</b> "
        f"[a link](https://evil.example) www.evil.example &amp;"
    )
    if clicks_first:  # short: from the screenshot folder, ../VICTIM is the victim
        title = f"{click_title('../VICTIM')} [@click=app.quit]quit[/]"
        description = (
            "[@click=app.quit]Press here[/] or [@click=app.screenshot('../VICTIM')]here[/] "
            "[@click=app.toggle_dark]dark[/] [@click=app.push_screen('help')]help[/] "
            "[@click=app.notify('[@click=app.quit]x')]n[/] [@click=app.bell]bell[/]"
        )
    tokens = ["what", "[/]", "is", "s[t-1]", "[bold red]x[/]", OSC_CLIPBOARD, "\u202eab", "a\x00b"]
    other = ["[@click=app.quit]q[/]", OSC_TITLE, "[/]"]
    labels = ["[bold red]yes[/]", "[@click=app.quit]no[/]", "s[t-1]"]
    lines = [
        f"title = {toml_string(title)}",
        f"description = {toml_string(description)}",
        "[model]",
        'cell = "rnn"',
        "hidden_size = 3",
        'readout = "last"',
        "[weights]",
        "seed = 3",
        "[input]",
        "tokens = [" + ", ".join(toml_string(t) for t in tokens) + "]",
        'encoding = "one-hot"',
        "sequences = { "
        + toml_string(f"s[t-1] [/] {WIPE}")
        + " = ["
        + ", ".join(toml_string(t) for t in other)
        + "] }",
        "[output]",
        "labels = [" + ", ".join(toml_string(t) for t in labels) + "]",
    ]
    path = folder / ("clicks.toml" if clicks_first else "hostile.toml")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def assert_safe_output(pilot, text: str) -> None:
    """No raw control or bidi character on screen (`text`: the screen_text fixture's),
    no terminal sequence but the app's own (no OSC, no screen switch), and an SVG
    screenshot that parses as XML. The app: made by frame_app, run with headless=False."""
    app = pilot.app
    for char in RAW:
        assert char not in text, f"{char!r} reached the screen"
    ansi = await screen_ansi(pilot)
    assert "\x1b]" not in ansi and "\x1b[?1049" not in ansi and "\x1b[2J" not in ansi
    assert "\x07" not in ansi and "\u202e" not in ansi
    ET.fromstring(app.export_screenshot())


def messages(app) -> str:
    return "\n".join(n.message for n in app.notices)


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    """(scenario path, victim path); the current folder is tmp_path."""
    monkeypatch.chdir(tmp_path)
    victim = tmp_path / "VICTIM"
    return hostile_scenario(tmp_path, victim), victim


def make(path: Path, tmp_path: Path):
    app = frame_app(lambda: make_app(path))  # for screen_ansi (assert_safe_output)
    app.screenshot_dir = tmp_path / "shots"
    app.screenshot_dir.mkdir()
    app.recording.directory = tmp_path
    return app


# --------------------------------------------------------------------------- title, strip
async def test_title_description_and_tokens_show_markup_literally(hostile, tmp_path, screen_text):
    path, victim = hostile
    app = make(path, tmp_path)
    async with app.run_test(size=SIZE, headless=False) as pilot:
        await pilot.pause()
        text = screen_text(app)
        title = app.scenario.title
        assert click_title(victim) in title  # the loader keeps brackets as they are
        # the title bar: brackets kept, the escape sequences drawn as ␛ … ␇
        drawn_title = app.query_one("#title").render().plain
        assert drawn_title == visible(title)
        assert "[/] [bold red]x[/] s[t-1] ␛]2;TITLE␇ Edit the [train] section" in text
        assert f'[@click=app.quit]quit[/] [@click=app.screenshot("{victim}")]' in drawn_title
        # the description line (one line, cut to the width)
        description = app.query_one("#description").render().plain
        assert description.startswith("[@click=app.quit]Press here[/] [/] [bold red]red[/]")
        assert "Edit the [train] section, s[t-1]." in description
        assert "␛]52;c;QUFBQQ==␇" in description and "␛[?1049l␛[2J" in description
        assert "\\u202eright-to-left" in description and "␀" in description
        assert "[@click=app.quit]Press here[/] [/] [bold red]red[/]" in text
        # the token strip: every word as written, escapes visible
        for token in ("what", "[/]", "s[t-1]", "[bold red]x[/]", "␛]52;c;QUFBQQ==␇",
                      "\\u202eab", "a␀b"):  # fmt: skip
            assert token in text, token
        await assert_safe_output(pilot, screen_text(app))
        # the status line names the sequence literally
        assert app.query_one(StatusLine).plain.count("[") == 0  # one sequence: not shown
        assert not victim.exists()


async def click_as_a_terminal(pilot, widget, offset: tuple[int, int]) -> None:
    """A click as a terminal sends it: the mouse pressed and released on a cell of
    `widget`, posted to the app (which makes the Click of them), then one pause.
    (Pilot.click pauses before and after each of its three events: 4x slower here.)"""
    x, y = widget.region.offset + offset
    for event in (events.MouseDown, events.MouseUp):
        pilot.app.post_message(event(None, x, y, 0, 0, 1, False, False, False, x, y))
    await pilot.pause()


async def test_clicking_the_title_description_and_strip_acts_on_nothing(
    hostile, tmp_path, screen_text
):
    _path, victim = hostile
    app = make(hostile_scenario(tmp_path, victim, clicks_first=True), tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert '[@click=app.screenshot("../VICTIM")]Intent demo[/]' in screen_text(app)
        theme, screens = app.theme, len(app.screen_stack)
        for selector in ("#title", "#description", "#tokens"):
            widget = app.query_one(selector)
            for x in range(0, min(widget.size.width, 90), 3):
                for y in range(widget.size.height):
                    await click_as_a_terminal(pilot, widget, (x, y))
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert app.theme == theme and len(app.screen_stack) == screens
        assert not app.notices
        assert not victim.exists()
        assert list((tmp_path / "shots").iterdir()) == []
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "clicks.toml",
            "hostile.toml",
            "shots",
        ]
        # the same clicks do act where the app means them to: the footer's help key
        footer = app.query_one(KeyFooter)
        _item, line, start, _end = next(
            p for p in footer.layout_items() if "question_mark" in p[0].keys
        )
        await click_as_a_terminal(pilot, footer, (start + 1, line))
        assert isinstance(app.screen, HelpScreen)


async def test_an_action_string_cannot_give_the_screenshot_a_path(hostile, tmp_path):
    """app.screenshot("/elsewhere/VICTIM") from any action string saves into the
    documented folder under a generated name; the arguments are not a path."""
    path, victim = hostile
    app = make(path, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await app.run_action(f'app.screenshot("VICTIM", "{elsewhere}")')
        await app.run_action(f'app.screenshot("{victim}")')
        await pilot.pause()
        assert not victim.exists() and not (elsewhere / "VICTIM").exists()
        assert list(elsewhere.iterdir()) == []
        shots = sorted((tmp_path / "shots").iterdir())
        assert len(shots) == 2  # two screenshots, two generated names, none overwritten
        for shot in shots:
            assert re.fullmatch(r"hostile-00[12]\.svg", shot.name), shot.name
            ET.fromstring(shot.read_text(encoding="utf-8"))
        assert app.last_screenshot == shots[-1] or app.last_screenshot == shots[0]
        # Textual's own palette entry (which saves into ~/Downloads) is not offered
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Screenshot" not in titles and "Quit" in titles


# --------------------------------------------------------------------------- help
def help_text(app) -> str:
    return app.screen.query_one(HelpText).plain


async def test_help_shows_the_title_and_description_literally(hostile, tmp_path, screen_text):
    path, victim = hostile
    app = make(path, tmp_path)
    async with app.run_test(size=SIZE, headless=False) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("end")
        await pilot.pause()
        text = " ".join(help_text(app).split())
        assert " ".join(visible(app.scenario.title).split()) in text
        description = " ".join(visible(app.scenario.description).split())
        assert description in text  # *not bold*, <b>html</b>, the link, &amp; as written
        assert "[a link](https://evil.example) www.evil.example &amp;" in text
        for line in app.screen.query_one(HelpText).wrapped().lines:  # nothing is a link
            assert "evil.example" not in repr(line.spans)
        await assert_safe_output(pilot, screen_text(app))
        shown = screen_text(app)
        assert "[bold red]red[/]" in shown and "␛]52;c;QUFBQQ==␇" in shown
        await pilot.press("escape")
        assert app.is_running and not victim.exists()


# --------------------------------------------------------------------------- edit
async def test_edit_dialog_shows_the_vocabulary_literally_and_reads_brackets(
    hostile, tmp_path, screen_text
):
    path, victim = hostile
    app = make(path, tmp_path)
    async with app.run_test(size=SIZE, headless=False, notifications=True) as pilot:
        await pilot.press("e")
        assert isinstance(app.screen, EditScreen)
        hint = " ".join(str(w.render()) for w in app.screen.query(Static))
        for word in ("[/]", "s[t-1]", "[bold red]x[/]", "[@click=app.quit]q[/]",
                     "␛]52;c;QUFBQQ==␇", "␛]2;TITLE␇", "\\u202eab", "a␀b"):  # fmt: skip
            assert word in hint, word
        await assert_safe_output(pilot, screen_text(app))
        sentence = app.screen.query_one("#sentence", Input)
        # an unknown word with markup: an error shown literally, the dialog stays
        sentence.value = "what [/] is [bold]zebra[/] [@click=app.quit]x"
        await pilot.press("enter")
        assert isinstance(app.screen, EditScreen)
        error = str(app.screen.query_one("#edit-error").render())
        assert '"[bold]zebra[/]" is not in the vocabulary' in error
        await assert_safe_output(pilot, screen_text(app))
        # typed with the keyboard: brackets and all
        sentence.value = ""
        await pilot.press(*"what [/] is s[t-1]")
        assert sentence.value == "what [/] is s[t-1]"
        await pilot.press("enter")
        assert not isinstance(app.screen, EditScreen)
        assert app.scenario.tokens == ["what", "[/]", "is", "s[t-1]"]
        assert "Reading: what [/] is s[t-1]" in messages(app)
        assert "what [/] is s[t-1]" in screen_text(app).replace("  ", " ")
        assert app.is_running and not victim.exists()


async def test_edit_dialog_input_enters_through_visible(hostile, tmp_path, screen_text):
    """Control characters pasted into the sentence are escaped where they enter: the
    word is then unknown and named visibly, never drawn raw."""
    path, _victim = hostile
    app = make(path, tmp_path)
    async with app.run_test(size=SIZE, headless=False) as pilot:
        await pilot.press("e")
        app.screen.query_one("#sentence", Input).value = f"what x{OSC_TITLE}y is"
        await pilot.press("enter")
        error = str(app.screen.query_one("#edit-error").render())
        assert '"x␛]2;TITLE␇y" is not in the vocabulary' in error
        await assert_safe_output(pilot, screen_text(app))


# --------------------------------------------------------------------------- open
async def test_open_dialog_paths_and_errors_are_literal(hostile, tmp_path, screen_text):
    path, victim = hostile
    for name in ("[bold]a[$x].toml", f"b{OSC_TITLE}.toml", "[@click=app.quit]c.toml"):
        (tmp_path / name).write_text('[model]\ncell = "rnn"\nhidden_size = "[/]"\n')
    app = make(path, tmp_path)
    original = app.scenario
    async with app.run_test(size=SIZE, headless=False) as pilot:
        await pilot.press("o")
        assert isinstance(app.screen, OpenScreen)
        await pilot.pause(0.3)
        tree = app.screen.query_one("#tree")
        labels = {str(node.label) for node in tree.root.children}
        assert {"[bold]a[$x].toml", "b␛]2;TITLE␇.toml", "[@click=app.quit]c.toml"} <= labels
        text = screen_text(app)
        assert "[bold]a[$x].toml" in text and "b␛]2;TITLE␇.toml" in text
        await assert_safe_output(pilot, screen_text(app))
        field = app.screen.query_one("#path", Input)
        for typed in (str(tmp_path / "x[/]y.toml"), "[@click=app.quit]nothing[/]",
                      str(tmp_path / "[bold]a[$x].toml"), "a\x00b.toml",
                      f"{tmp_path}/b{OSC_TITLE}.toml"):  # fmt: skip
            field.value = typed
            await pilot.press("enter")
            assert isinstance(app.screen, OpenScreen), typed
            error = str(app.screen.query_one("#open-error").render())
            assert "the current scenario stays" in error
            assert "\x1b" not in error and "\x00" not in error
            await assert_safe_output(pilot, screen_text(app))
        assert "[bold]a[$x].toml" in error or "b␛]2;TITLE␇.toml" in error
        field.value = str(tmp_path / "x[/]y.toml")
        await pilot.press("enter")
        assert "x[/]y.toml" in str(app.screen.query_one("#open-error").render())
        await pilot.press("escape")
        assert app.scenario is original and app.is_running and not victim.exists()


async def test_a_hostile_scenario_opens_from_the_dialog(hostile, tmp_path, screen_text):
    path, victim = hostile
    app = frame_app(make_app)
    app.screenshot_dir = tmp_path
    async with app.run_test(size=SIZE, headless=False, notifications=True) as pilot:
        await pilot.press("o")
        app.screen.query_one("#path", Input).value = str(path)
        await pilot.press("enter")
        assert not isinstance(app.screen, OpenScreen)
        assert app.scenario.path == path
        assert f"Opened hostile: {app.scenario.title}" in messages(app)
        assert "[bold red]x[/]" in screen_text(app)
        await assert_safe_output(pilot, screen_text(app))
        await pilot.click("#title")
        assert app.is_running and not victim.exists()


async def test_a_failed_load_keeps_the_recording_running(hostile, tmp_path):
    path, _victim = hostile
    app = make(path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        recorder = app.recording.recorder
        assert recorder is not None
        await pilot.press("o")
        app.screen.query_one("#path", Input).value = str(tmp_path / "[/]missing.toml")
        await pilot.press("enter")
        await pilot.press("escape")
        assert app.recording.recorder is recorder
        await pilot.press("right")
        assert recorder.lines == 2


# --------------------------------------------------------------------------- palette
async def test_palette_shows_sequence_names_literally(hostile, tmp_path, screen_text):
    from textual.command import CommandPalette

    path, _victim = hostile
    app = make(path, tmp_path)
    async with app.run_test(size=SIZE, headless=False) as pilot:
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        app.screen.query_one(Input).value = "input sequence"
        await pilot.pause(0.3)
        await assert_safe_output(pilot, screen_text(app))
        assert "Input sequence: s[t-1] [/] ␛[?1049l␛[2J" in screen_text(app)
        await pilot.press("escape")


def test_palette_help_text_is_never_markup():
    """The palette passes a hit's help through Content.from_markup; ours is Content, which
    it keeps as it is (textual.markup.escape would lose "[B]" and "[$x]")."""
    from textual.content import Content

    from rnn_tui.ui.commands import _plain

    text = "close [B]x[/] [$accent]y [@click=app.quit]z[/].jsonl (r)"
    assert Content.from_markup(_plain(text)).plain == text


# --------------------------------------------------------------------------- writes
def enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


async def test_a_full_disk_while_recording_is_a_message_and_keeps_the_lines(tmp_path):
    app = make_app()
    app.recording.directory = tmp_path
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("r", "right", "right")
        recorder = app.recording.recorder
        assert recorder is not None and recorder.lines == 3
        recorder.writer.action = enospc  # the disk fills up
        recorder.writer.close = enospc
        await pilot.press("right")
        assert app.recording.recorder is None and app.is_running
        said = messages(app)
        assert "Recording stopped: No space left on device" in said
        assert f"The 3 actions recorded before it are kept in {recorder.path.resolve()}" in said
        assert "REC" not in app.query_one(StatusLine).plain
        await pilot.press("right")  # the app goes on
        assert app.view.t == 5
    session = read_session(recorder.path)  # the lines before the full disk are kept
    assert len(session.actions) == 3


def closing_meets_enospc(self) -> OSError:
    return OSError(errno.ENOSPC, "No space left on device")


async def test_a_failed_close_when_stopping_or_quitting_is_a_message(tmp_path, monkeypatch):
    from rnn_tui.ui import recording

    app = make_app()
    app.recording.directory = tmp_path
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("r", "right")
        # Recorder.close never raises: it returns the error that closing met
        monkeypatch.setattr(recording.Recorder, "close", closing_meets_enospc)
        await pilot.press("r")
        assert app.recording.recorder is None and app.is_running
        assert "No space left on device" in messages(app)
        monkeypatch.setattr(recording.Recorder, "record", enospc)
        await pilot.press("r")  # start again: the first line fails at once
        assert app.recording.recorder is None and "No space left on device" in messages(app)
        monkeypatch.undo()
        await pilot.press("r")
        monkeypatch.setattr(recording.Recorder, "close", closing_meets_enospc)
    # quitting with a recording whose close fails did not raise


async def test_a_failed_screenshot_is_a_message(tmp_path):
    app = make_app()
    app.screenshot_dir = tmp_path / "missing"
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("s")
        assert app.is_running and app.last_screenshot is None
        assert "Could not save the screenshot" in messages(app)
        assert not (tmp_path / "missing").exists()
