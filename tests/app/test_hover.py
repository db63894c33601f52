"""Pointing at a heatmap cell keeps its colour (its value); the cell is underlined instead."""

from __future__ import annotations

from pathlib import Path

from rich.style import Style

from rnn_tui.ui import make_app
from rnn_tui.ui.widgets import FigureView

INTENT = Path(__file__).parents[2] / "scenarios" / "intent.toml"


def cell_style(panel: FigureView, x: int, y: int) -> Style:
    """The style of the character at (x, y) of `panel` as Textual paints it (hover
    styling included: render_lines goes through the widget's styles cache)."""
    strip = panel.render_lines(panel.region.reset_offset)[y]
    segments = list(strip.crop(x, x + 1))
    assert segments and segments[0].style is not None
    return segments[0].style


async def test_the_hovered_cell_keeps_its_colour_and_is_underlined():
    app = make_app(INTENT)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right", "right")  # s_3: every unit has a colour of its own
        await pilot.pause()
        state = app.panel("state-forward")
        cell_width = (state.size.width - 2) // 8
        x, y = 1 + 3 * cell_width + 2, 1  # inside unit 4's block (as the click test)
        before = cell_style(state, x, y)
        assert before.bgcolor is not None and "unit" in before.meta
        await pilot.hover(state, offset=(x, y))
        await pilot.pause()
        assert state.hover_style.meta.get("unit") == 4  # the pointer is on that cell
        after = cell_style(state, x, y)
        assert after.bgcolor == before.bgcolor
        assert after.color == before.color
        assert after.underline and not before.underline
        # a cell not pointed at is left as it was
        other = 1 + 6 * cell_width + 2
        assert not cell_style(state, other, y).underline
        # clicked (the pointer still on it), the cell keeps its colour too
        await pilot.click(state, offset=(x, y))
        await pilot.pause()
        assert app.view.unit == 4
        assert cell_style(state, x, y).bgcolor == before.bgcolor
