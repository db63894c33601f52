"""In the app, a weights file whose every key misses the model by a module prefix is
told in one line (what to write), in the open dialog, and the scenario shown stays."""

from __future__ import annotations

import numpy as np

from rnn_tui.engine import parameter_shapes
from rnn_tui.ui import make_app
from rnn_tui.ui.screens import OpenScreen

SCENARIO = """\
title = "prefixed"
[model]
cell = "lstm"
hidden_size = 4
input_size = 2
[weights]
file = "w.npz"
[input]
vectors = [[0.5, -0.5], [1.0, 0.0]]
"""


async def test_the_open_dialog_says_which_prefix_to_add_in_one_line(tmp_path):
    shapes = parameter_shapes("lstm", 2, 4)
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "w.npz", **{f"lstm.{k}": rng.uniform(-1, 1, s) for k, s in shapes.items()})
    path = tmp_path / "prefixed.toml"
    path.write_text(SCENARIO)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        before = app.scenario
        await pilot.press("o")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, OpenScreen)
        dialog.query_one("#path").value = str(path)
        await pilot.press("enter")
        await pilot.pause()
        error = str(dialog.query_one("#open-error").render())
        hint = 'every key starts with "lstm.": add prefix = "lstm." to [weights]'
        assert hint in error
        assert error.count("lstm.") == 2  # one line, not one per key (16 keys)
        assert app.screen is dialog and app.scenario is before
        # written as told, the file opens
        path.write_text(SCENARIO.replace('file = "w.npz"', 'file = "w.npz"\nprefix = "lstm."'))
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not dialog and app.scenario.title == "prefixed"
