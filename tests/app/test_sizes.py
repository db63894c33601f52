"""Terminal sizes from 40×12 to 300×100, and repeated resizes, never error: started at
every size the app steps, switches views 1-5, direction and layer, and every panel on
screen fits the width of the terminal; the help, opened once, fits every size too."""

from __future__ import annotations

import pytest
from textual.containers import VerticalScroll

from rnn_tui.ui import make_app
from rnn_tui.ui.bars import StatusLine
from rnn_tui.ui.help import HelpScreen, HelpText
from rnn_tui.ui.widgets import FigureView

SIZES = [(40, 12), (60, 20), (80, 24), (120, 40), (200, 60), (300, 100)]
VIEWS = {"1": "step", "2": "numbers", "3": "layers", "4": "history", "5": "weights"}
SCENARIOS = [None, "bidirectional"]  # the default one; two stacked bidirectional layers


def check_layout(app) -> None:
    """The app is up, its panels are mounted, and what it shows fits the terminal."""
    width, height = app.size
    assert app.is_running and app.return_code is None  # no error so far
    status = app.query_one(StatusLine)
    assert status.display and status.region.width == width
    assert f"t = {app.view.t} / {app.trace.steps}" in status.plain
    panels = [w for w in app.query(FigureView) if w.display and w.region.area]
    assert panels, "no panel on screen"
    for panel in panels:
        assert panel.region.right <= width, (panel.id, panel.region, app.size)
        for y in range(panel.size.height):
            assert panel.render_line(y).cell_length <= panel.size.width, (panel.id, y)
    # the view on screen is the one asked for (all of them at once when wide)
    assert app.query_one(f"#{app.pane}").display
    if app.wide:
        assert all(app.query_one(f"#{pane}").display for pane in VIEWS.values())
    else:
        assert not any(app.query_one(f"#{p}").display for p in VIEWS.values() if p != app.pane)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("scenario", SCENARIOS, ids=["default", "bidirectional"])
async def test_every_size_steps_and_switches_views(scenario, size):
    app = make_app(scenario)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert tuple(app.size) == size
        check_layout(app)
        await pilot.press("right")
        assert app.view.t == 2
        state = app.panel("state-forward")
        assert state.display and "s₂" in state.text  # the state of the step shown
        for key, pane in VIEWS.items():
            await pilot.press(key)
            assert app.pane == pane
            check_layout(app)
        await pilot.press("1", "d")
        if app.stage.bidirectional:
            assert app.view.direction == "backward"
            await pilot.press("d", "up")
            assert (app.view.direction, app.view.layer) == ("both", 2)
            assert app.panel("state-merged").display
            check_layout(app)
            await pilot.press("down")
            assert app.view.layer == 1
        else:
            assert app.view.direction == "forward"
        await pilot.press("end")
        check_layout(app)
        assert app.export_screenshot()  # the whole screen composes at this size


@pytest.mark.parametrize("scenario", SCENARIOS, ids=["default", "bidirectional"])
async def test_the_help_fits_every_size(scenario):
    """The help (a long text, the slow part of a screen) opened once, at the
    smallest size, then the terminal resized through every size under it."""
    app = make_app(scenario)
    async with app.run_test(size=SIZES[0]) as pilot:
        await pilot.press("end", "question_mark")
        for width, height in SIZES:
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen) and tuple(app.size) == (width, height)
            frame = app.screen.query_one(VerticalScroll).region
            assert frame.area and frame.right <= width and frame.bottom <= height, frame
            text = app.screen.query_one(HelpText).region
            assert text.width and frame.x <= text.x and text.right <= frame.right, (text, frame)
            assert app.export_screenshot()  # the help over the app composes at this size
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        check_layout(app)


async def test_repeated_resizes_while_stepping():
    app = make_app("bidirectional")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d", "d")  # both directions: the most panels
        for i, (width, height) in enumerate(SIZES + SIZES[::-1]):
            await pilot.resize_terminal(width, height)
            assert tuple(app.size) == (width, height)
            key = "12345"[i % 5]
            await pilot.press(key, "right" if i % 3 else "home", "up" if i % 2 else "down")
            await pilot.pause()
            assert app.pane == VIEWS[key]
            check_layout(app)


async def test_the_layout_follows_a_resize_without_a_key():
    app = make_app("bidirectional")
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):  # back and forth between the extremes
            await pilot.resize_terminal(40, 12)
            assert not app.query_one("#numbers").display  # one view at a time
            await pilot.resize_terminal(300, 100)
        await pilot.pause()
        assert tuple(app.size) == (300, 100) and app.wide
        check_layout(app)  # every view on screen at once
