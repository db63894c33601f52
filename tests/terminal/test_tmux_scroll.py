"""The weights view from the keyboard in a real terminal: at 120×40 it is taller than the
screen; tab marks its column, PageDown brings its last rows (W_oh, one per class of the
readout) on screen, PageUp takes it back to the top. No mouse.

The classes are read from the default scenario here, not copied from the screen."""

from __future__ import annotations

import os
import shlex

import pytest
from test_tmux import APP_COMMAND, ROOT, pane, wait_for  # noqa: F401 (pane is a fixture)

from rnn_tui.scenario import BUILTIN_DEFAULT, load_scenario

pytestmark = pytest.mark.terminal

FOCUS_MARK = "┃"  # app.tcss: the focused column's figures have a heavy line on their left


def test_pagedown_shows_the_last_rows_of_the_weights_at_120x40(pane, tmp_path):  # noqa: F811
    classes = load_scenario(BUILTIN_DEFAULT).trace().labels  # W_oh's rows, top to bottom
    assert len(classes) >= 2
    app = " ".join(shlex.quote(part) for part in APP_COMMAND)
    command = f"unset COLUMNS LINES; cd {shlex.quote(str(tmp_path))} && {app}"
    env = {
        "COLORTERM": "truecolor",
        "TERM": "xterm-256color",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # no settings file in the real home
    }
    pane.start(f"sh -c {shlex.quote(command)}", env, 120, 40)
    wait_for("the app", lambda: "t = 1 / " in pane.capture())

    def unmarked(screen: str) -> str:
        """The screen without the focus mark (at the start of a line, over a blank)."""
        lines = screen.splitlines(keepends=True)
        return "".join(" " + line[1:] if line.startswith(FOCUS_MARK) else line for line in lines)

    def class_rows(screen: str) -> list[str]:
        """The labels that begin a line of the screen (W_oh's rows), in screen order."""
        starts = [line.strip() for line in unmarked(screen).splitlines()]
        return [line for line in starts if line in classes]

    def settled() -> str:
        """The screen once it has stayed the same for 0.25 s (its scrollbar drawn too)."""
        seen = [pane.capture(colours=True)]

        def still() -> bool:
            seen.append(pane.capture(colours=True))
            return len(set(seen[-6:])) == 1 and len(seen) >= 6

        wait_for("the screen to settle", still)
        return pane.capture()

    pane.send("5")
    wait_for("the weights view", lambda: "W_ih = " in pane.capture())  # its matrix title
    top = settled()
    assert classes[-1] not in class_rows(top), top  # cut off: below the screen
    assert FOCUS_MARK not in top  # nothing in focus at first

    pane.send("Tab")
    wait_for("tab to mark the column", lambda: unmarked(pane.capture()) != pane.capture())
    assert unmarked(settled()) == top  # the mark is over the blank left edge only
    for _ in range(4):  # PageDown until the last row shows (each press scrolls)
        if class_rows(pane.capture()) == list(classes):
            break
        before = pane.capture()
        pane.send("PageDown")
        wait_for("PageDown to scroll", lambda before=before: pane.capture() != before)
    bottom = pane.capture()
    assert class_rows(bottom) == list(classes), bottom  # every row of W_oh, the last too
    assert "b_o" in bottom, bottom  # and the readout's bias under them

    pane.send("PageUp", "PageUp")
    wait_for("PageUp back to the top", lambda: unmarked(pane.capture()) == top)
    pane.send("C-q")
