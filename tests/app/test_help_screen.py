"""The help screen (issue 15): ? and escape close it, 1-5, n, p and a click on the contents
go to a section, / searches it, the scenario's text is data, and it speaks Chinese."""

from __future__ import annotations

import json
from pathlib import Path

from textual.containers import VerticalScroll
from textual.widgets import Input, Label

from rnn_tui.ui import make_app
from rnn_tui.ui.help import CURRENT, MATCH, HelpScreen, HelpText

DATA = Path(__file__).parent / "data"
SIZE = (120, 40)


def scrolled(app) -> tuple[VerticalScroll, HelpText]:
    return app.screen.query_one("#help-scroll", VerticalScroll), app.screen.query_one(HelpText)


def shown(app, screen_cells) -> list[str]:
    """The help's text as drawn, line by line (inside the frame, left of the scrollbar)."""
    scroll, text = scrolled(app)
    box = scroll.content_region
    lines = screen_cells(app)[box.y : box.bottom]  # cells: a wide character takes two
    return ["".join(line[box.x : box.x + text.size.width]).rstrip() for line in lines]


def top_line(app, screen_cells) -> str:
    """The first line of the help's text on screen."""
    return shown(app, screen_cells)[0]


def assert_section_on_top(app, screen_cells, number: int, title: str) -> None:
    scroll, text = scrolled(app)
    heading = text.wrapped().headings[number - 1]
    assert scroll.scroll_y == text.virtual_region.y + heading
    assert top_line(app, screen_cells) == f"{number} {title}"


async def test_help_opens_closes_and_jumps_to_each_section(screen_cells):
    app = make_app(DATA / "snap-intent.toml")
    async with app.run_test(size=SIZE) as pilot:
        for close in ("question_mark", "escape", "question_mark"):
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press(close)
            assert not isinstance(app.screen, HelpScreen) and app.is_running
        await pilot.press("question_mark")
        await pilot.pause()
        scroll, text = scrolled(app)
        screen = "\n".join("".join(line) for line in screen_cells(app))
        assert (
            "1 Keys · 2 The screen · 3 The views · 4 The tutorial's questions · 5 This " in screen
        )
        assert "escape or ? closes · / searches · 1-5, n, p: sections" in screen
        # a click on an entry of the contents (the first line)
        contents = text.wrapped().line(0).plain
        await pilot.click(HelpText, offset=(contents.index("4 The tutorial"), 0))
        await pilot.pause()
        assert_section_on_top(
            app, screen_cells, 4, "The tutorial's questions (思考), answered on screen"
        )
        await pilot.press("3")
        await pilot.pause()
        views = "The views (1 to 6; all at once on a screen of 150 × 40 or more)"
        assert_section_on_top(app, screen_cells, 3, views)
        await pilot.press("n")
        await pilot.pause()
        assert_section_on_top(
            app, screen_cells, 4, "The tutorial's questions (思考), answered on screen"
        )
        await pilot.press("p", "p")
        await pilot.pause()
        assert_section_on_top(app, screen_cells, 2, "The screen")
        await pilot.press("1")
        await pilot.pause()
        assert scroll.scroll_y == text.wrapped().headings[0] == 2  # under the contents
        await pilot.press("5")  # the last section is short: scrolled as far as it goes
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y > 0
        assert "5 This scenario" in shown(app, screen_cells)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_search_finds_highlights_and_leaves(screen_cells):
    app = make_app(DATA / "snap-intent.toml")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark", "slash")
        await pilot.pause()
        field = app.screen.query_one("#help-search", Input)
        assert field.has_focus
        await pilot.press("c")
        field.value = "colorbrewer"  # any case; only in the views' colours paragraph
        field.cursor_position = len(field.value)
        await pilot.pause()
        scroll, text = scrolled(app)
        layout = text.wrapped()
        assert layout.counts == [0, 0, 1, 0, 0] and len(layout.matches) == 1
        line = layout.matches[0]
        assert (
            scroll.scroll_y <= text.virtual_region.y + line < scroll.scroll_y + scroll.size.height
        )
        assert "ColorBrewer RdBu" in shown(app, screen_cells)[line - scroll.scroll_y]
        spans = layout.line(line).spans
        (current,) = [span for span in spans if span.style == CURRENT]
        assert layout.line(line).plain[current.start : current.end] == "ColorBrewer"
        assert "1 of 1" in str(app.screen.query_one("#help-search-count", Label).render())
        assert "3 The views (1)" in layout.line(0).plain and "1 Keys (0)" in layout.line(0).plain
        # ? and the section keys are typed, not acted on
        await pilot.press("question_mark", "1")
        assert isinstance(app.screen, HelpScreen) and field.value == "colorbrewer?1"
        assert not text.wrapped().matches
        assert "no match" in str(app.screen.query_one("#help-search-count", Label).render())
        # a word found often: enter goes to the next match, round
        field.value = ""
        field.value = "gate"
        await pilot.pause()
        matches = text.wrapped().matches
        assert len(matches) > 3 and matches == sorted(matches)
        for expected in (1, 2):
            await pilot.press("enter")
            await pilot.pause()
            assert text.current == expected
            current_line = text.wrapped().matches[expected]
            assert scroll.scroll_y <= current_line < scroll.scroll_y + scroll.size.height
        styles = {span.style for y in set(matches) for span in text.wrapped().line(y).spans}
        assert {CURRENT, MATCH} <= styles
        # escape leaves the search: no highlight, the field hidden; escape again closes
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and text.search is None
        assert not app.screen.query_one("#help-search-bar").display
        assert not any(span.style in (CURRENT, MATCH) for span in text.wrapped().line(line).spans)
        await pilot.press("slash")  # the field again, empty
        assert app.screen.query_one("#help-search", Input).value == ""
        await pilot.press("escape", "escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_the_scenario_is_shown_as_written(tmp_path, screen_cells):
    title = "[red]x[/red] \u202eevil\x1b]52;c;QUFBQQ==\x07"
    description = "**not bold** [b]markup[/b] `code`\n  kept\x00line\n## no heading"
    scenario = (DATA / "snap-intent.toml").read_text(encoding="utf-8")
    body = scenario[scenario.index("[model]") :]
    path = tmp_path / "hostile.toml"
    head = f"title = {json.dumps(title)}\ndescription = {json.dumps(description)}\n"
    path.write_text(head + body, encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark", "5")
        await pilot.pause()
        lines = shown(app, screen_cells)
        at = lines.index("5 This scenario")
        assert lines[at + 2] == "[red]x[/red] \\u202eevil␛]52;c;QUFBQQ==␇"
        assert lines[at + 4 : at + 7] == [
            "**not bold** [b]markup[/b] `code`",
            "  kept␀line",
            "## no heading",
        ]
        assert lines[at + 8].endswith("the outputs are arbitrary until trained (t).")
        text = app.screen.query_one(HelpText)
        about = text.sections[-1].blocks
        assert [span.style for span in about[0].text.spans] == ["bold"]
        assert not about[1].text.spans  # the description: no style at all


async def test_keys_list_the_new_ones_pairs_in_one_row(screen_cells):
    app = make_app(DATA / "snap-intent.toml")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark", "pagedown")
        await pilot.pause()
        words = " ".join(" ".join(shown(app, screen_cells)).split())
        assert "pgup pgdn page up / page down: scroll the pane in focus by a page" in words
        assert (
            "tab shift+tab next pane / pane before: move the focus to the next / previous" in words
        )
        assert "y copy numbers: copy this step's numbers" in words
        assert "a note: while recording: add a note" in words
        described = [what for _key, what, _note in app.screen.keys]
        assert described.count("page up") == described.count("page down") == 1


async def test_help_in_chinese(zh, screen_cells):
    app = make_app(DATA / "snap-intent-zh.toml")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = app.screen.query_one(HelpText)
        assert [section.short for section in text.sections] == [
            "按键",
            "屏幕",
            "视图",
            "教程中的思考题",
            "当前场景",
        ]
        screen = "\n".join("".join(line) for line in screen_cells(app))
        assert "1 按键 · 2 屏幕 · 3 视图 · 4 教程中的思考题 · 5 当前场景" in screen
        await pilot.press("4")
        await pilot.pause()
        assert top_line(app, screen_cells) == "4 教程中的思考题，在屏幕上的答案"
