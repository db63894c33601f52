"""The panels keep what they drew (by content, width and styles) and repaint only the
lines that changed: after steps, a unit, a direction, a view, a theme, a resize, a
language or a scenario switch the terminal shows what a fresh app in the same state
shows. The terminal is drawn from every write the app made (cursor moves, SGR colours,
text), so a line left unrepainted, or drawn from a stale cache, shows."""

from __future__ import annotations

import re
from typing import Any

from rich.cells import cell_len
from textual.drivers.headless_driver import HeadlessDriver

from rnn_tui.i18n import set_language
from rnn_tui.present.position import View
from rnn_tui.scenario import load_scenario
from rnn_tui.ui import RnnTuiApp
from rnn_tui.ui.commands import switch_language
from rnn_tui.ui.replay import truecolor_terminal
from rnn_tui.ui.widgets import HeldHeight

SEQUENCE = re.compile(
    r"\x1b\[(\d+);(\d+)H"  # a cursor move
    r"|\x1b\[([\d;]*)m"  # colours and weight
    r"|\x1b\[[?\d;]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # modes, links: no cells
    r"|(\n)|([^\x1b\n])"
)


class Terminal(HeadlessDriver):
    """A driver that makes the app render as for a terminal (it is not headless) and
    draws what it writes into cells: (character, the SGR codes since the last reset),
    on a screen as big as any the tests use (what falls outside it is cut)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.all_cells = [[("?", "")] * 200 for _ in range(60)]
        self.x = self.y = 0
        self.sgr = ""

    @property
    def is_headless(self) -> bool:
        return False

    @property
    def cells(self) -> list[list[tuple[str, str]]]:
        """The cells of the app's screen, by line."""
        width, height = self._app.size
        return [row[:width] for row in self.all_cells[:height]]

    def write(self, data: str) -> None:
        for match in SEQUENCE.finditer(data):
            move, sgr, newline, char = match[1], match[3], match[4], match[5]
            if move:
                self.y, self.x = int(move) - 1, int(match[2]) - 1
            elif sgr is not None:
                codes = [code for code in sgr.split(";") if code] or ["0"]
                self.sgr = "" if codes == ["0"] else f"{self.sgr};{sgr}"
            elif newline:
                self.y, self.x = self.y + 1, 0
            elif char:
                cells = cell_len(char)
                row = self.all_cells[self.y]
                if cells == 0:  # a combining mark, on the character before it
                    char_before, sgr_before = row[self.x - 1]
                    row[self.x - 1] = (char_before + char, sgr_before)
                    continue
                row[self.x] = (char, self.sgr)
                for k in range(1, cells):
                    row[self.x + k] = ("", self.sgr)
                self.x += cells


def terminal(app: Any) -> Terminal:
    driver = app._driver
    assert isinstance(driver, Terminal)
    return driver


def held_heights(app: Any) -> dict[str, int]:
    """The lines of each panel on screen that may keep them (HeldHeight), by id."""
    panels = [widget for widget in app.query("*") if isinstance(widget, HeldHeight)]
    return {panel.id: panel.region.height for panel in panels if panel.region}


async def fresh_screen(
    scenario: Any, size: tuple[int, int], view: View, pane: str, theme: str, held: dict
) -> list[list[tuple[str, str]]]:
    """The screen of a new app on `scenario`, shown at `view` and `pane` in `theme`,
    its panels holding the lines in `held` (as after the steps that led there): drawn
    once, whole."""
    with truecolor_terminal():
        app = RnnTuiApp(scenario, driver_class=Terminal)
    async with app.run_test(size=size, headless=False) as pilot:
        app.theme = theme
        app.action_show_pane(pane)
        app.view = view
        await settle(app, pilot)
        for panel_id, lines in held.items():
            app.query_one(f"#{panel_id}").hold_height(lines)
        await settle(app, pilot)
        assert held_heights(app) == held
        return [list(row) for row in terminal(app).cells]


async def settle(app: Any, pilot: Any) -> None:
    """Until the measures computed in threads are in, and drawn."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def assert_as_fresh(app: Any, pilot: Any) -> None:
    """The terminal shows what a new app on the same scenario, view, pane, theme and
    size shows, its panels holding the same lines."""
    await settle(app, pilot)
    shown = terminal(app)
    held = held_heights(app)
    fresh = await fresh_screen(app.scenario, app.size, app.view, app.pane, app.theme, held)
    for y, (row, expected) in enumerate(zip(shown.cells, fresh, strict=True)):
        text, expected_text = "".join(c for c, _ in row), "".join(c for c, _ in expected)
        assert text == expected_text, f"line {y}:\n{text}\n{expected_text}"
        assert row == expected, f"line {y}: the same text, other colours\n{text}"


async def test_steps_units_directions_views_themes_and_sizes_draw_as_a_fresh_app():
    with truecolor_terminal():
        app = RnnTuiApp(load_scenario("bidirectional"), driver_class=Terminal)
    async with app.run_test(size=(160, 48), headless=False) as pilot:
        # every view on screen: steps there and back (kept drawings), onto t = 1 (a
        # panel's height changes), a unit, the direction (a restyle), a layer, a theme
        await pilot.press("right", "right", "right", "left", "left", "left", "left")
        await pilot.press("right", "right_square_bracket", "d", "right", "d", "up", "left")
        await pilot.press("d", "end")
        app.theme = "textual-light"
        await pilot.press("left", "right")
        await assert_as_fresh(app, pilot)
        # one view at a time: the views in turn, a step in each
        await pilot.resize_terminal(120, 40)
        for key in ("2", "left", "3", "right", "4", "left", "5", "right", "6", "left", "1"):
            await pilot.press(key)
        await pilot.press("right")
        await assert_as_fresh(app, pilot)


async def test_a_language_and_a_scenario_switch_draw_as_a_fresh_app():
    with truecolor_terminal():
        app = RnnTuiApp(load_scenario("intent"), driver_class=Terminal)
    try:
        async with app.run_test(size=(160, 48), headless=False) as pilot:
            await pilot.press("right", "right", "end", "left")
            switch_language(app, "zh")
            await pilot.press("right", "left")
            await assert_as_fresh(app, pilot)
            switch_language(app, "en")
            app.set_scenario(load_scenario("gru-gates"))
            await pilot.press("right", "left", "home", "right")
            await assert_as_fresh(app, pilot)
    finally:
        set_language("en")
