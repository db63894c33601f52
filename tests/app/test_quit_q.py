"""`q` quits like ctrl+q on the main screen, and is only a letter while typing in a
dialog (issue 15)."""

from __future__ import annotations

from textual.widgets import Input

from rnn_tui.ui import make_app


async def test_q_quits_from_the_main_screen():
    app = make_app("intent")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("right", "q")
        await pilot.pause()
        assert app.return_code == 0 and not app.is_running


async def test_q_is_typed_in_the_edit_dialog_not_a_quit():
    app = make_app("intent")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        field = app.screen.query_one(Input)
        field.value = ""
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running and field.value == "q"
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running


async def test_the_help_lists_the_description_key_and_says_q_quits():
    app = make_app("intent")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        shown = app.screen.keys
        assert any(key == "D" and "description" in what for key, what, _note in shown)
        quit_notes = [note for _key, what, note in shown if what == "quit"]
        assert quit_notes and "q too" in quit_notes[0]
