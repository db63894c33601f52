"""The real app in a real terminal: tmux on a private socket, keys sent, the screen read back.

Polls the pane with timeouts (no fixed sleeps). Skipped only when tmux is missing.
At 80×24, 120×40 and 160×48: every key of the footer changes the screen, both
directions and their merge are visible, ctrl+q exits with status 0.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.terminal

ROOT = Path(__file__).resolve().parents[2]
TMUX = shutil.which("tmux")
WIDTH, HEIGHT = 120, 40
# The app as a user starts it (the command line builds it through rnn_tui.ui.make_app).
APP_COMMAND = [sys.executable, "-m", "rnn_tui"]


class Pane:
    """One tmux server on a private socket running one command in a WIDTH×HEIGHT pane."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        assert TMUX is not None
        return subprocess.run(
            [TMUX, "-L", self.socket, "-f", os.devnull, *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=check,
        )

    def start(
        self, command: str, env: dict[str, str], width: int = WIDTH, height: int = HEIGHT
    ) -> None:
        settings = [arg for name, value in env.items() for arg in ("-e", f"{name}={value}")]
        self.tmux(
            "new-session", "-d", "-s", "rnn", "-x", str(width), "-y", str(height),
            *settings, command,
        )  # fmt: skip
        self.tmux("set-option", "-s", "escape-time", "10")

    def capture(self, colours: bool = False) -> str:
        """The pane's text; with its colour escapes when `colours` (so a change of
        highlight counts as a change)."""
        args = ["capture-pane", "-p", *(["-e"] if colours else []), "-t", "rnn"]
        done = self.tmux(*args, check=False)
        return done.stdout if done.returncode == 0 else ""

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "rnn", *keys)

    def stop(self) -> None:
        self.tmux("kill-server", check=False)


def wait_for(what: str, predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    """Poll `predicate` every 50 ms until it holds; fail naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def pane():
    if TMUX is None:
        pytest.skip("tmux is not installed")
    pane = Pane(f"rnn-tui-test-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        yield pane
    finally:
        pane.stop()


# (keys, a text that must then be on screen or None, keys that undo a modal): in this
# order every key of the footer changes the screen. Starting at t = 1, layer 1, forward.
# (Messages are short pieces of the notifications: at 80 columns they wrap.)
KEYS: list[tuple[str, str | None, str | None]] = [
    ("Right", "t = 2 / 6", None),
    ("Left", "t = 1 / 6", None),
    ("End", "t = 6 / 6", None),
    ("Home", "t = 1 / 6", None),
    ("Up", "layer 2 / 2", None),
    ("Down", "layer 1 / 2", None),
    ("d", "direction backward", None),
    ("d", "direction both", None),
    ("m", "merged (sum)", None),
    ("]", None, None),
    ("[", None, None),
    ("i", None, None),
    ("+", "speed: 4", None),
    ("-", "speed: 2", None),
    ("Space", "▶ 2/s", None),
    ("Space", None, None),
    ("2", "The numbers behind unit", None),
    ("3", "layers at t", None),
    ("4", "History:", None),
    ("5", "Why no matrix product per step?", None),  # the view opens on the projection
    ("1", "hidden state", None),
    ("n", "single input", None),
    ("t", "Nothing to train", None),
    ("e", "Edit the input sentence", "Escape"),
    ("o", "Open a scenario", "Escape"),
    ("?", "rnn-tui help", "Escape"),
    ("s", "Screenshot saved", None),
    ("c", "cell lstm", None),
]


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (160, 48)])
def test_every_footer_key_changes_the_screen_and_ctrl_q_exits_0(pane, tmp_path, size):
    """A 2-layer bidirectional scenario in a real terminal: both directions and the merge
    on screen, each key of the footer changes what is shown, ctrl+q exits with 0."""
    width, height = size
    exit_file = tmp_path / "exit-status"
    app = " ".join(shlex.quote(part) for part in [*APP_COMMAND, "bidirectional"])
    # run in tmp_path: the screenshot (s) lands there
    # COLUMNS and LINES (set by the test process) would override the pane's real size
    command = (
        f"unset COLUMNS LINES; cd {shlex.quote(str(tmp_path))} && {app}; "
        f"echo $? > {shlex.quote(str(exit_file))}"
    )
    env = {
        "COLORTERM": "truecolor",
        "TERM": "xterm-256color",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    pane.start(f"sh -c {shlex.quote(command)}", env, width, height)
    try:
        wait_for(
            "the status line and the footer",
            lambda: "t = 1 / 6" in (screen := pane.capture()) and "quit" in screen.splitlines()[-1],
        )
    except AssertionError:
        size = pane.tmux("display", "-p", "-t", "rnn", "#{pane_width}x#{pane_height}").stdout
        status = exit_file.read_text() if exit_file.exists() else "still running"
        pytest.fail(
            f"the app did not start ({status}); the {size.strip()} pane shows:\n{pane.capture()}"
        )
    first = pane.capture()
    assert "Two stacked bidirectional layers" in first
    assert "untrained (seeded) weights" in first
    footer = "\n".join(first.splitlines()[-2:])
    for word in ("step", "layer", "play", "direction", "merge", "unit", "cell", "edit", "open",
                 "record", "train", "help", "quit"):  # fmt: skip
        assert word in footer, (word, footer)
    if width >= 120:  # room for the least essential keys too (keys.OPTIONAL_KEYS)
        for word in ("first/last", "speed", "screenshot", "views", "sequence", "∂ numbers"):
            assert word in footer, (word, footer)
    assert max(len(line) for line in first.splitlines()) > width - 10  # drawn at full width
    if width >= 150:  # every view at once
        assert "The numbers behind unit" in first and "History:" in first

    for keys, expected, undo in KEYS:
        before = pane.capture(colours=True)

        def changed(expected=expected, before=before) -> bool:
            now = pane.capture(colours=True)
            return now != before and (expected is None or expected in pane.capture())

        pane.send(keys)
        try:
            wait_for(f"{keys!r} to change the screen (to show {expected!r})", changed, timeout=10)
        except AssertionError as e:
            raise AssertionError(f"{e}; the pane shows:\n{pane.capture()}") from None
        if keys == "d" and expected == "direction both":
            screen = pane.capture()
            assert "→s₁" in screen and "←s₁" in screen, screen  # both directions
            assert "merged (concat)" in screen, screen  # and their merge
        if undo:
            pane.send(undo)
            wait_for(
                f"{undo} to close it", lambda expected=expected: expected not in pane.capture()
            )
    assert list(tmp_path.glob("*.svg")), "s saved no screenshot"

    pane.send("C-q")
    wait_for("the app to exit", lambda: exit_file.exists() and exit_file.read_text().strip())
    assert exit_file.read_text().strip() == "0"
