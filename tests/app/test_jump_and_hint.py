"""g asks for a step and goes there; an unbound key says once that ? lists the keys."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Input, Static

from rnn_tui.ui import make_app
from rnn_tui.ui.bars import StatusLine
from rnn_tui.ui.screens import JumpScreen

HINT = "Press ? for keys."


def hints(app) -> int:
    return sum(n.message == HINT for n in app.notices)


def dialog_error(app) -> str:
    return str(app.screen.query_one("#jump-error", Static).content)


async def test_g_goes_to_the_step_typed():
    app = make_app("intent")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        assert app.stage.steps >= 4 and app.view.t == 1
        await pilot.press("g")
        assert isinstance(app.screen, JumpScreen)
        assert f"t = 1 … {app.stage.steps}" in str(app.screen.query_one("Label").content)
        await pilot.press("4", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, JumpScreen)
        assert app.view.t == 4
        assert "4" in app.query_one(StatusLine).plain  # the status line follows
        assert hints(app) == 0  # g is bound; the digits went to the dialog


async def test_a_step_outside_or_not_a_number_is_refused_in_the_dialog():
    app = make_app("intent")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        steps = app.stage.steps
        await pilot.press("right")
        before = app.view
        await pilot.press("g", "9", "9", "enter")
        await pilot.pause()
        assert isinstance(app.screen, JumpScreen)  # still open
        assert "There is no step 99" in dialog_error(app)
        assert f"1 to {steps}" in dialog_error(app)
        app.screen.query_one("#step", Input).value = "four"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, JumpScreen)
        assert "not a step" in dialog_error(app)
        app.screen.query_one("#step", Input).value = "0"
        await pilot.press("enter")
        assert "There is no step 0" in dialog_error(app)
        assert app.view == before
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, JumpScreen)
        assert app.view == before


async def test_escape_cancels():
    app = make_app("intent")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("end")
        before = app.view
        await pilot.press("g", "2", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, JumpScreen)
        assert app.view == before and before.t != 2


async def test_the_palette_goes_to_a_step():
    app = make_app("intent")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("ctrl+p")
        assert CommandPalette.is_open(app)
        await pilot.press(*"go to step")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, JumpScreen)
        await pilot.press("3", "enter")
        await pilot.pause()
        assert app.view.t == 3


async def test_an_unbound_key_says_once_that_question_mark_lists_the_keys():
    app = make_app("intent")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        for key in ("x", "z"):
            assert key not in app.active_bindings
        await pilot.press("right")  # a bound key: no hint
        assert hints(app) == 0
        await pilot.press("x")
        assert hints(app) == 1
        await pilot.press("z")
        assert hints(app) == 1
        app.clear_notifications()
        await pilot.press("z", "x")  # once per run: not again after it was cleared
        assert hints(app) == 0


async def test_no_hint_for_a_modifier_alone_or_inside_a_dialog():
    app = make_app("intent")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("left_shift", "right_control")
        assert hints(app) == 0
        await pilot.press("g")
        assert isinstance(app.screen, JumpScreen)
        await pilot.press("f1", "x")  # the dialog's: f1 unbound there too
        await pilot.press("escape")
        await pilot.pause()
        assert hints(app) == 0
        await pilot.press("x")  # still unsaid: the first unbound key on the main screen
        assert hints(app) == 1
