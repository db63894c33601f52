"""The command palette in Chinese: its prompt, Textual's own commands and the built-ins'
descriptions (the scenarios' [zh] titles)."""

from __future__ import annotations

from textual.command import CommandInput, CommandPalette

from rnn_tui.i18n import _
from rnn_tui.ui import make_app
from rnn_tui.ui.commands import command_palette, commands, system_commands


async def test_textuals_commands_are_translated_and_screenshot_left_out(zh):
    app = make_app("intent")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = {c.title: c.help for c in system_commands(app, app.screen)}
        assert shown == {
            "主题": "更换配色主题",
            "退出": "立即退出 rnn-tui（ctrl+q）",
            "按键": "显示当前焦点部件的帮助和按键一览",
        }
        theme = next(c for c in system_commands(app, app.screen) if c.title == "主题")
        theme.callback()
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(CommandInput).placeholder == "搜索主题…"


async def test_in_english_textuals_words_stay(tmp_path):
    app = make_app("intent")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        titles = [c.title for c in system_commands(app, app.screen)]
        assert titles == ["Theme", "Quit", "Keys"]
        assert command_palette().id == "--command-palette"


async def test_the_palettes_prompt_is_in_the_interfaces_language(zh):
    app = make_app("intent")
    async with app.run_test(size=(100, 30)) as pilot:
        await app.push_screen(command_palette())
        await pilot.pause()
        assert app.screen.query_one(CommandInput).placeholder == "搜索命令…"
        assert CommandPalette.is_open(app)


async def test_each_built_in_is_described_by_its_title_in_the_language(zh):
    app = make_app("intent")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        helps = {name: help_text for name, help_text, _cb in commands(app)}
        opens = _("Open built-in scenario: {name}")
        assert helps[opens.format(name="intent-zh")] == "意图识别：现在几点了？"
        assert helps[opens.format(name="bidirectional")] == "两层双向 RNN"


async def test_in_english_the_built_ins_have_their_english_titles():
    app = make_app("intent")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        helps = {name: help_text for name, help_text, _cb in commands(app)}
        assert helps["Open built-in scenario: bidirectional"] == "Two stacked bidirectional layers"
