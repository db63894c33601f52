"""A recording made in a real terminal (`rnn-tui --record FILE`), its process killed
with SIGKILL: the file checks up to its last whole line."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path

from test_tmux import APP_COMMAND, pane, wait_for  # noqa: F401  (pane is a fixture)

from rnn_tui.session import read_session

BIDIRECTIONAL = Path(__file__).parents[1] / "app" / "data" / "snap-bidirectional.toml"


def test_a_killed_app_recording_checks_up_to_its_last_line(pane, tmp_path):  # noqa: F811
    path = tmp_path / "killed.jsonl"
    app = shlex.join([*APP_COMMAND, "--record", str(path), str(BIDIRECTIONAL)])
    pane.start(f"unset COLUMNS LINES; cd {shlex.quote(str(tmp_path))} && exec {app}", env={})
    wait_for("the recording indicator", lambda: "REC" in pane.capture())
    for key, shown in [("Right", "t = 2"), ("Right", "t = 3"), ("d", "direction backward"),
                       ("d", "direction both"), ("m", "merged (sum)")]:  # fmt: skip
        pane.send(key)
        wait_for(shown, lambda shown=shown: shown in pane.capture())
    wait_for("six lines written", lambda: path.read_text().count("\n") >= 7)
    pid = int(pane.tmux("display-message", "-p", "-t", "rnn", "#{pane_pid}").stdout)
    os.kill(pid, signal.SIGKILL)
    wait_for("the app to die", lambda: "REC" not in pane.capture() or not _alive(pid))
    session = read_session(path)
    assert [a.action for a in session.actions] == [
        "start",
        "step",
        "step",
        "direction",
        "direction",
        "merge",
    ]
    done = subprocess.run([sys.executable, "-m", "rnn_tui", "replay", str(path), "--check"],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "all 6 recorded states match" in done.stdout


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
