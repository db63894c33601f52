"""What keeps a key within a frame, as a user sees it. On a tall screen a panel keeps
its lines when a key gives it a shorter content (widgets.HeldHeight): the panels under
it stay put and the key needs no layout of the whole screen; not into another scenario
or language, and not on a short screen, where every line counts. And while no key is
pressed, the views a key away are drawn ahead."""

from __future__ import annotations

import asyncio
from typing import Any

from rnn_tui.scenario import load_scenario
from rnn_tui.ui import RnnTuiApp
from rnn_tui.ui.app import AHEAD_SECONDS
from rnn_tui.ui.widgets import FigureView, TokenStripView


async def settle(app: Any, pilot: Any) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def lines(panel: Any) -> int:
    """The lines the panel's content needs now."""
    if isinstance(panel, FigureView):
        return len(panel.text.split("\n"))
    return panel.fitted(panel.content_size.width)[1]


async def test_stepping_off_the_end_keeps_the_lines_of_the_prediction():
    app = RnnTuiApp(load_scenario("intent"))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        output, strip = app.query_one("#output", FigureView), app.query_one(TokenStripView)
        status = app.query_one("#status")
        before = (lines(output), lines(strip), status.region.y)
        await pilot.press("end")  # the many-to-one output and the colour mixing appear
        await settle(app, pilot)
        at_end = (output.region.height, strip.region.height, status.region.y)
        assert at_end[0] == lines(output) > before[0]
        assert at_end[1] == lines(strip) > before[1]
        assert at_end[2] > before[2]  # the strip grew: the status line went down
        await pilot.press("left")
        await settle(app, pilot)
        # shorter contents, the same lines: nothing under them moved
        assert (lines(output), lines(strip)) == before[:2]
        assert (output.region.height, strip.region.height, status.region.y) == at_end
        kept = range(lines(output), output.size.height)
        assert kept and not any(output.render_line(y).text.strip() for y in kept)  # blank
        # a new scenario starts from its own heights
        app.set_scenario(load_scenario("intent"))
        await settle(app, pilot)
        assert strip.region.height == lines(strip) == before[1]
        assert output.region.height == lines(output) == before[0]


async def test_another_language_lets_the_panels_go():
    """The lines kept were for words of another language: a switch lays the panels out
    at their own heights again (here the output after the end of the reading)."""
    from rnn_tui.i18n import set_language
    from rnn_tui.ui.commands import switch_language

    app = RnnTuiApp(load_scenario("intent"))
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(app, pilot)
            output = app.query_one("#output", FigureView)
            await pilot.press("end", "left")
            await settle(app, pilot)
            assert output.region.height > lines(output)  # held
            switch_language(app, "zh")
            await settle(app, pilot)
            assert output.region.height == lines(output)
    finally:
        set_language("en")


async def test_a_short_screen_gives_each_panel_the_lines_it_needs():
    app = RnnTuiApp(load_scenario("intent"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        output = app.query_one("#output", FigureView)
        await pilot.press("end")
        await settle(app, pilot)
        tall = output.region.height
        await pilot.press("left")
        await settle(app, pilot)
        assert output.region.height == lines(output) < tall


async def test_the_lines_are_kept_across_layers_until_another_scenario():
    """Up a layer and down again, the panels keep the lines they had (the key back lays
    nothing out); another scenario lets them go."""
    app = RnnTuiApp(load_scenario("bidirectional"))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        panels = [app.query_one(f"#{name}", FigureView) for name in ("numbers", "input")]
        natural = [lines(panel) for panel in panels]
        await pilot.press("right")  # t = 2: the equation reads s_1, not the zero state
        await settle(app, pilot)
        grown = [panel.region.height for panel in panels]
        assert grown == [lines(panel) for panel in panels] and grown[0] > natural[0]
        await pilot.press("left")
        await settle(app, pilot)
        assert [panel.region.height for panel in panels] == grown  # held
        await pilot.press("up")  # layer 2 reads the 8 numbers of layer 1's output
        await settle(app, pilot)
        up = [panel.region.height for panel in panels]
        assert up[1] == lines(panels[1]) > grown[1]
        await pilot.press("down")
        await settle(app, pilot)
        assert lines(panels[1]) == natural[1] < up[1] == panels[1].region.height  # held
        app.set_scenario(load_scenario("bidirectional"))
        await settle(app, pilot)
        assert [panel.region.height for panel in panels] == natural


async def test_the_views_a_key_away_are_drawn_ahead(until, monkeypatch):
    """While no key is pressed the app draws the views a key away (Stage.nearby) into
    the panels' kept drawings: → ← d ↑ ↓ ] [ end home then draw no panel anew that was
    on screen at the same width before the key."""
    from rnn_tui.ui.body import Body

    drawn: list[str] = []
    draw = FigureView._drawing

    def drawing(panel: FigureView, key: tuple, content: Any, look: Any) -> Any:
        if key not in panel._drawings:
            drawn.append(str(panel.id))
        return draw(panel, key, content, look)

    monkeypatch.setattr(FigureView, "_drawing", drawing)
    app = RnnTuiApp(load_scenario("bidirectional"))

    def width(name: str | None) -> int:
        return app.query_one(f"#{name}").size.width

    async with app.run_test(size=(160, 48)) as pilot:
        body = app.query_one(Body)
        for keys in (["right"], ["right", "up"], ["d", "d", "end"]):
            await pilot.press(*keys)
            await settle(app, pilot)
            keys = ("right", "left", "d", "up", "down", "right_square_bracket", "end", "home")
            for key in keys + ("left_square_bracket",):
                start = app.view
                await until(lambda: not body.drawing_ahead)
                before = {panel.id: panel.size.width for panel in app.query(FigureView)}
                drawn.clear()
                body.draws_ahead = False  # what is drawn now is the key's alone
                await pilot.press(key)
                await settle(app, pilot)
                # on screen before and after at the same width (d gives the forward
                # states the whole width, where both directions share it)
                kept = {panel.id for panel in app.query(FigureView) if panel.region}
                kept = {name for name in kept if before[name] == width(name)}
                if app.view != start:  # (no layer below the first: the key did nothing)
                    assert kept and not set(drawn) & kept, (start, key, drawn)
                body.draws_ahead = True
                app.view = start
                await settle(app, pilot)


async def test_the_memory_pane_is_measured_before_it_is_shown(monkeypatch, until):
    """One view at a time: the memory pane's curves (the scenario and its trained
    siblings, read from their files) are measured in a thread a moment after the first
    frame, so 6 draws them without reading a file on the key."""
    import rnn_tui.present.memory as memory

    reads: list[str] = []
    compared = memory.compared

    def counted(scenario: Any) -> Any:
        reads.append(scenario.name)
        return compared(scenario)

    monkeypatch.setattr(memory, "compared", counted)
    app = RnnTuiApp(load_scenario("memory-fade"))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(lambda: app.memory is not None)  # a moment after the first frame
        await settle(app, pilot)
        assert not app.wide and app.pane == "step"
        assert reads == ["memory-fade"]
        assert [model.name for model in app.memory.models] == ["RNN", "LSTM", "GRU"]
        await pilot.press("6")
        await settle(app, pilot)
        assert app.pane == "memory" and reads == ["memory-fade"]
        assert "GRU" in app.query_one("#memory", FigureView).text
        # stages in a row (a model changed twice): measured for the one shown, once
        await pilot.press("1")
        first, last = load_scenario("memory-fade"), load_scenario("memory-fade")
        app.set_scenario(first)
        app.set_scenario(last)
        await until(lambda: app.memory is not None and app.memory.stage is app.stage)
        await asyncio.sleep(AHEAD_SECONDS)  # a measure for `first` would come by now
        await settle(app, pilot)
        assert reads == ["memory-fade"] * 2 and app.stage.scenario is last
