"""The real app in a real terminal: tmux on a private socket, keys sent, the screen read back.

Polls the pane with timeouts (no fixed sleeps). Skipped only when tmux is missing.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
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

    def start(self, command: str, env: dict[str, str]) -> None:
        settings = [arg for name, value in env.items() for arg in ("-e", f"{name}={value}")]
        self.tmux(
            "new-session", "-d", "-s", "rnn", "-x", str(WIDTH), "-y", str(HEIGHT),
            *settings, command,
        )  # fmt: skip
        self.tmux("set-option", "-s", "escape-time", "10")

    def capture(self) -> str:
        done = self.tmux("capture-pane", "-p", "-t", "rnn", check=False)
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
    pane = Pane(f"rnn-tui-test-{os.getpid()}")
    try:
        yield pane
    finally:
        pane.stop()


def test_app_in_tmux_steps_switches_direction_and_quits(pane, tmp_path):
    exit_file = tmp_path / "exit-status"
    app = " ".join(shlex.quote(part) for part in [*APP_COMMAND, "bidirectional"])
    command = f"cd {shlex.quote(str(ROOT))} && {app}; echo $? > {shlex.quote(str(exit_file))}"
    env = {
        "COLORTERM": "truecolor",
        "TERM": "xterm-256color",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    pane.start(f"sh -c {shlex.quote(command)}", env)

    def screen_has(*parts: str) -> Callable[[], bool]:
        return lambda: all(part in pane.capture() for part in parts)

    try:
        wait_for("the token strip and status", screen_has("the", "cat", "mat", "t = 1 / 6"))
    except AssertionError:
        pytest.fail(f"the app did not start; the pane shows:\n{pane.capture()}")
    first = pane.capture()
    assert "Two stacked bidirectional layers" in first
    assert "untrained (seeded) weights" in first
    assert "direction forward" in first

    pane.send("Right")
    wait_for("t = 2 after Right", screen_has("t = 2 / 6"))
    second = pane.capture()
    assert second != first
    assert "t = 1 / 6" not in second
    assert "s₂" in second  # the state panel moved on with t

    pane.send("d")
    wait_for("the backward direction after d", screen_has("direction backward"))
    assert "backward" in pane.capture()

    pane.send("C-q")
    wait_for("the app to exit", lambda: exit_file.exists() and exit_file.read_text().strip())
    assert exit_file.read_text().strip() == "0"
