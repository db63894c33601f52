"""The description under the title: its line breaks kept, at most 3 lines at 120×40
(fewer on smaller screens) ending "… D: whole description" when cut, in both languages;
the whole of it in DescriptionScreen; after a switch, a sentence instead of the file's
claims about its own weights; the untrained marks on the panels and in the title bar."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.content import Content

from rnn_tui.i18n import _
from rnn_tui.scenario import load_scenario
from rnn_tui.ui import make_app
from rnn_tui.ui.description import DescriptionScreen
from rnn_tui.ui.title import DESCRIPTION_KEY, Description, cut_description, show_description
from rnn_tui.ui.title import HINT as HINT_MSGID

SIZE = (120, 40)
HINT = "D: whole description"


class DescriptionApp(App[None]):
    """The description widget alone, as the app lays it out (padding 0 1, muted)."""

    CSS = "#description { padding: 0 1; height: auto; }"

    def __init__(self, scenario) -> None:
        super().__init__()
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        yield Description(id="description")

    def on_mount(self) -> None:
        show_description(self.query_one(Description), self.scenario)


def drawn(widget) -> list[str]:
    """The description as drawn, one string a line, trailing blanks removed."""
    return [strip.text.rstrip() for strip in widget.render_lines(widget.region.reset_offset)]


def file_lines(description: str) -> list[str]:
    return [line.rstrip() for line in description.strip("\n").splitlines()]


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_the_description_keeps_its_lines_and_is_cut_to_three(language, request):
    if language == "zh":
        request.getfixturevalue("zh")
    scenario = load_scenario("memory-fade")
    lines = file_lines(scenario.description)
    hint = _(HINT_MSGID).format(key=DESCRIPTION_KEY)  # as translated
    app = DescriptionApp(scenario)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        widget = app.query_one(Description)
        shown = drawn(widget)
        assert widget.size.height == len(shown) <= 3
        if len(lines) > 3:  # English: the per-length table is cut away
            assert shown[:2] == [" " + line for line in lines[:2]]  # the file's own breaks
            assert shown[-1].endswith("…  " + hint)
            assert "50 tokens" not in "\n".join(shown)
        else:  # a description that fits: shown whole, no hint
            assert [line.strip() for line in shown] == lines
            assert hint not in "\n".join(shown)
        # a smaller screen: fewer lines, still ending with the hint
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        shown = drawn(widget)
        assert len(shown) == 2 and shown[-1].endswith(hint)
        await pilot.resize_terminal(80, 34)
        await pilot.pause()
        shown = drawn(widget)
        assert len(shown) == 1 and shown[-1].endswith(hint) and len(shown[0]) <= 80


def test_a_cut_keeps_the_text_as_written_and_fits():
    text = "one two three\n  four: 100%\nfive six seven eight nine ten eleven twelve"
    whole = cut_description(text, 50, 3)
    assert isinstance(whole, Content) and whole.plain == text
    assert len(cut_description(text, 40, 3).wrap(40)) == 3  # its last line wraps: cut
    cut = cut_description(text, 40, 2)
    assert cut.plain == "one two three\n  four: 100% …  " + HINT
    assert [line.plain for line in cut.wrap(40)] == ["one two three", cut.plain.split("\n")[1]]
    narrow = cut_description(text, 30, 2)  # no room for " 100%": cut at the word before
    assert narrow.plain == "one two three\n  four:…  " + HINT
    assert len(narrow.wrap(30)) == 2
    # markup in the text stays text
    markup = cut_description("[bold]x[/] [@click=app.quit]q[/]", 60, 1)
    assert markup.plain == "[bold]x[/] [@click=app.quit]q[/]" and not markup.spans


async def test_the_whole_description_screen_shows_every_line():
    app = make_app("memory-fade")
    lines = file_lines(app.scenario.description)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(DescriptionScreen(app.scenario))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DescriptionScreen)
        text = screen.query_one("#description-text").render().plain
        assert text.splitlines() == lines  # line breaks and the table's indent kept
        assert screen.query_one("#description-title").render().plain == app.scenario.title
        assert not screen.query_one("#description-note").display
        await pilot.press("escape")
        assert not isinstance(app.screen, DescriptionScreen)
        app.push_screen(DescriptionScreen(app.scenario))
        await pilot.pause()
        await pilot.press("D")  # the key that opens it closes it
        assert not isinstance(app.screen, DescriptionScreen)


async def test_the_description_screen_shows_markup_as_text(tmp_path):
    path = tmp_path / "markup.toml"
    path.write_text(
        'title = "[bold red]T[/]"\n'
        'description = """\n[@click=app.quit]quit[/] first line\n  [b]second[/b]"""\n'
        '[model]\ncell = "rnn"\nhidden_size = 2\n[weights]\nseed = 1\n'
        '[input]\ntokens = ["a", "b"]\nencoding = "one-hot"\n'
    )
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(DescriptionScreen(app.scenario))
        await pilot.pause()
        title = app.screen.query_one("#description-title").render()
        assert title.plain == "[bold red]T[/]" and not title.spans
        text = app.screen.query_one("#description-text").render()
        assert text.plain == "[@click=app.quit]quit[/] first line\n  [b]second[/b]"
        assert not text.spans
        await pilot.click("#description-text")
        assert app.is_running


async def test_after_a_switch_the_description_gives_way_and_the_marks_show():
    app = make_app("intent")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "end")
        await pilot.pause()
        scenario = app.scenario
        assert scenario.fresh  # rnn -> lstm: every weight fresh
        badge = app.query_one("#untrained")
        assert badge.display and str(badge.render()) == "untrained: whole network"
        for name in ("output", "state-forward", "gates"):
            assert app.panel(name).content.untrained, name
        assert not app.panel("input").content.untrained
        # the file's title names its own task; what computes now is said beside it
        title = str(app.query_one("#title").render())
        assert title.startswith(scenario.title) and "now LSTM, fresh weights" in title
        widget = app.query_one("#description")
        show_description(widget, scenario)  # as the app does with the scenario
        await pilot.pause()
        said = widget.render().plain
        assert said.startswith("The file's description is about its own trained RNN weights;")
        assert "100% of the 40 training examples" not in said  # the file's claim, gone
        assert said.endswith(HINT)
        # the whole description is still there, under the sentence
        app.push_screen(DescriptionScreen(scenario))
        await pilot.pause()
        note = app.screen.query_one("#description-note")
        assert note.display and "fresh seeded weights for LSTM" in note.render().plain
        assert "100% of the 40" in app.screen.query_one("#description-text").render().plain
        await pilot.press("escape")
        # back at its own cell: its own weights, no marks, its own description
        await pilot.press("c", "c")
        await pilot.pause()
        assert app.scenario.fresh == () and not app.query_one("#untrained").display
        assert str(app.query_one("#title").render()) == app.scenario.title
        assert not app.panel("output").content.untrained
        show_description(widget, app.scenario)
        await pilot.pause()
        assert widget.render().plain.startswith("The tutorial's section 4")


async def test_c_to_a_trained_sibling_shows_its_title_and_description():
    """memory-fade's c brings the LSTM file's weights: the title bar and the description
    are that file's, so nothing on screen still says RNN."""
    app = make_app("memory-fade")
    async with app.run_test(size=SIZE) as pilot:
        assert "RNN" in str(app.query_one("#title").render())
        await pilot.press("c")
        await pilot.pause()
        title = str(app.query_one("#title").render())
        assert app.scenario.network.cell == "lstm" and "LSTM" in title and "RNN" not in title
        assert not app.query_one("#untrained").display  # trained weights: no badge
        said = app.query_one("#description").render().plain
        first = app.scenario.description.split()[0]
        assert said.startswith(first) and "fresh seeded" not in said
