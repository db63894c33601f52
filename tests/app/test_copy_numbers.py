"""y copies the step's numbers to the clipboard; the palette saves them as .npz or CSV."""

from __future__ import annotations

import numpy as np
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from rnn_tui.present.step_numbers import numbers_text, step_header, step_numbers
from rnn_tui.ui import make_app
from rnn_tui.ui.copying import save_numbers


async def palette(pilot, name: str) -> None:
    """Run the command-palette entry `name`, typed in full, once it is the first hit."""
    await pilot.press("ctrl+p")
    screen = pilot.app.screen
    assert isinstance(screen, CommandPalette)
    screen.query_one(Input).value = name
    hits = screen.query_one(CommandList)
    for _ in range(200):  # the hits come from a worker: wait for ours to lead
        await pilot.pause(0.01)
        if hits.highlighted is not None and hits.highlighted_option.hit.text == name:
            break
    else:
        raise AssertionError(f"no palette entry {name!r}")
    await pilot.press("enter")
    await pilot.pause()


async def test_y_copies_and_the_palette_saves_the_numbers_of_the_step_shown(tmp_path):
    app = make_app("intent")
    app.screenshot_dir = tmp_path
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("right", "right", "y")
        numbers = step_numbers(app.stage, app.view)
        assert app.view.t == 3 and list(numbers) == ["x_t", "s_t forward"]  # o only at T
        assert app.clipboard == numbers_text(numbers, step_header(app.stage, app.view, numbers))
        assert app.notices[-1].message.startswith(
            "Copied x, s of t = 3 (layer 1, forward) to the clipboard."
        )

        await pilot.press("end")
        await palette(pilot, "Save this step's numbers as .npz")
        first = tmp_path / "intent-t5-001.npz"
        assert (
            app.notices[-1].message == f"Saved the numbers of t = 5 (layer 1, forward) to {first}"
        )
        numbers = step_numbers(app.stage, app.view)
        with np.load(first) as saved:
            assert saved.files == ["x_t", "s_t_forward", "o_t_logits", "o_t_p", "o_t_labels"]
            for name, array in numbers.items():
                np.testing.assert_array_equal(saved[name.replace(" ", "_")], array)
        assert save_numbers(app, "npz") == tmp_path / "intent-t5-002.npz"  # never over it

        app.screenshot_dir = tmp_path / "gone"  # a folder that cannot be written into
        await palette(pilot, "Save this step's numbers as CSV")
        notice = app.notices[-1]
        assert notice.severity == "error"
        meant = tmp_path / "gone" / "intent-t5-001.csv"
        assert notice.message.startswith(f"Could not save the numbers to {meant}: ")
        assert app.is_running and not isinstance(app.screen, CommandPalette)
        app.screenshot_dir = tmp_path
        saved = save_numbers(app, "csv")
        assert saved == tmp_path / "intent-t5-001.csv"
        lines = saved.read_text().splitlines()
        assert lines[0] == "name,index,label,value"
        assert lines[-1].startswith("o_t p,3,goodbye,")
