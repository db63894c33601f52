"""Every view scrolls from the keyboard: PageDown/PageUp scroll the column in focus (else
the one showing the chosen view); tab and shift+tab move the focus between the columns on
screen, marked by a glyph line down the left edge; ← → ↑ ↓ home end space stay the app's."""

from __future__ import annotations

from textual import events

from rnn_tui.ui import make_app
from rnn_tui.ui.body import Body, PaneColumn


def line_kind(widget, side: str = "left") -> str:
    """The border type of the widget's left outline ("outline") or left border."""
    return (widget.styles.outline_left if side == "outline" else widget.styles.border_left)[0]


def bottom_in_view(widget, column: PaneColumn) -> bool:
    """Is the widget's last line inside the visible part of its column?"""
    return column.region.y <= widget.region.bottom - 1 < column.scrollable_content_region.bottom


async def test_pagedown_reaches_the_last_row_of_the_weights_and_pageup_the_top(screen_text):
    app = make_app(None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        column = app.query_one("#right", PaneColumn)
        matrices = app.panel("weights-matrices")
        last_label = app.trace.labels[-1]  # W_oh's last row: the readout's last class
        assert column.max_scroll_y > 0 and column.scroll_y == 0
        assert not bottom_in_view(matrices, column)
        assert last_label not in screen_text(app)
        assert app.focused is None  # nothing in focus: the column of the chosen view scrolls
        pages = 0
        while column.scroll_y < column.max_scroll_y:
            scrolled = column.scroll_y
            await pilot.press("pagedown")
            pages += 1
            # a page is the column's height (less where the end comes first)
            assert column.scroll_y == min(
                scrolled + column.scrollable_content_region.height, column.max_scroll_y
            )
            assert pages <= 3
        assert bottom_in_view(matrices, column)
        assert last_label in screen_text(app)
        assert app.query_one(Body).scroll_state() == {"right": column.max_scroll_y}
        await pilot.press("pagedown")  # at the end: stays
        assert column.scroll_y == column.max_scroll_y
        for _ in range(pages):
            await pilot.press("pageup")
        assert column.scroll_y == 0
        assert app.view.t == 1  # paging is not stepping
        # the mouse wheel still scrolls it
        wheel = events.MouseScrollDown(column, 10, 5, 0, 1, 0, False, False, False)
        column.post_message(wheel)
        await pilot.pause()
        await pilot.wait_for_animation()
        assert column.scroll_y > 0


async def test_tab_focuses_the_one_column_shown_and_the_arrows_stay_the_apps():
    app = make_app("bidirectional")  # 2 layers: ↑ ↓ change the layer
    async with app.run_test(size=(120, 40)) as pilot:
        left, right = app.query_one("#left", PaneColumn), app.query_one("#right", PaneColumn)
        output = app.panel("output")
        assert app.focused is None and line_kind(output, "outline") in ("", "none")
        await pilot.press("tab")
        assert app.focused is left
        assert line_kind(output, "outline") == "heavy"  # the mark: a glyph, not a colour
        await pilot.press("tab")
        assert app.focused is left  # one column on screen: the focus stays on it
        await pilot.press("shift+tab")
        assert app.focused is left
        await pilot.press("5")  # another view: the focus goes with it to its column
        await pilot.pause()
        assert app.focused is right and not left.display
        assert line_kind(app.panel("weights-matrices"), "outline") == "heavy"
        assert line_kind(output, "outline") in ("", "none")
        await pilot.press("pagedown")
        assert right.scroll_y == right.max_scroll_y > 1
        app.query_one(Body).restore_scroll({"right": 1})
        scrolled = right.scroll_y
        assert scrolled == 1  # room both ways: a key that scrolled would move it
        assert app.query_one(Body).scroll_state() == {"right": 1}
        steps = app.stage.steps
        for key, check in [
            ("right", lambda: app.view.t == 2),
            ("left", lambda: app.view.t == 1),
            ("end", lambda: app.view.t == steps),
            ("home", lambda: app.view.t == 1),
            ("up", lambda: app.view.layer == 2),
            ("down", lambda: app.view.layer == 1),
            ("space", lambda: app.playing),
            ("space", lambda: not app.playing),
        ]:
            await pilot.press(key)
            assert check(), key
        assert right.scroll_y == scrolled  # the focused column took none of them
        assert app.focused is right


async def test_tab_and_shift_tab_cycle_the_two_columns_when_every_view_shows():
    app = make_app(None)
    async with app.run_test(size=(160, 48)) as pilot:
        body = app.query_one(Body)
        left, right = app.query_one("#left", PaneColumn), app.query_one("#right", PaneColumn)
        step, layers, numbers = (
            app.query_one(f"#{pane}") for pane in ("step", "layers", "numbers")
        )
        assert app.focused is None
        assert [line_kind(pane) for pane in (step, layers, numbers)] == ["thick", "blank", "blank"]
        await pilot.press("tab")
        assert app.focused is left
        # the focused column's views get a heavy line; the current one keeps its thick bar
        assert [line_kind(pane) for pane in (step, layers, numbers)] == ["thick", "heavy", "blank"]
        await pilot.press("tab")
        assert app.focused is right
        assert [line_kind(pane) for pane in (step, layers, numbers)] == ["thick", "blank", "heavy"]
        await pilot.press("tab")
        assert app.focused is left
        await pilot.press("shift+tab")
        assert app.focused is right
        await pilot.press("shift+tab")
        assert app.focused is left
        await pilot.press("right")
        assert app.view.t == 2
        # pagedown scrolls the column in focus, not the other
        assert left.max_scroll_y > 0 and right.max_scroll_y > left.max_scroll_y
        await pilot.press("pagedown")
        assert left.scroll_y == min(left.scrollable_content_region.height, left.max_scroll_y)
        assert right.scroll_y == 0
        assert body.scroll_state() == {"left": round(left.scroll_y), "right": 0}
        # restored at once, within each column's range
        body.restore_scroll({"left": 0, "right": 10_000})
        assert body.scroll_state() == {"left": 0, "right": right.max_scroll_y}
