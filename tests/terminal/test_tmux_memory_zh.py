"""The tutorial's section 5 in a real terminal, in Chinese: why does the RNN forget the
first token while LSTM and GRU keep it? The answer must be on screen, from the numbers.

`rnn-tui --lang zh memory-fade` in tmux at 120×40; `6` opens the memory view and `End`
goes to t = 50. Each model's sentence is checked against the memory measure computed
here (scenario.memory.memory_rerun), not against a copy of the sentence.
"""

from __future__ import annotations

import os
import shlex
import sys

import pytest
from test_tmux import ROOT, pane, wait_for  # noqa: F401 (pane is a fixture)

from rnn_tui.scenario import load_scenario
from rnn_tui.scenario.memory import memory_rerun

pytestmark = pytest.mark.terminal

FILES = {"RNN": "memory-fade.toml", "LSTM": "memory-fade-lstm.toml", "GRU": "memory-fade-gru.toml"}


def test_memory_view_answers_section_5_in_chinese(pane, tmp_path):  # noqa: F811
    app = " ".join(
        shlex.quote(part)
        for part in [sys.executable, "-m", "rnn_tui", "--lang", "zh", "memory-fade"]
    )
    command = f"unset COLUMNS LINES; cd {shlex.quote(str(tmp_path))} && {app}"
    env = {
        "COLORTERM": "truecolor",
        "TERM": "xterm-256color",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    pane.start(f"sh -c {shlex.quote(command)}", env, 120, 40)
    wait_for("the app", lambda: "t = 1 / 50" in pane.capture())
    pane.send("6")
    pane.send("End")
    wait_for(
        "t = 50 and the three models",
        lambda: "GRU：" in pane.capture() and "t = 50 / 50" in pane.capture(),
    )
    screen = pane.capture()
    lines = {
        model: line.strip()
        for line in screen.splitlines()
        for model in FILES
        if line.strip().startswith(f"{model}：替换 x₁")
    }
    assert set(lines) == set(FILES), screen
    for model, name in FILES.items():
        scenario = load_scenario(ROOT / "scenarios" / name)
        _probe, measured = memory_rerun(scenario)
        line = lines[model]
        # the distance at t = 50 as measured here, in the sentence on screen
        assert f"s₅₀ 改变 {measured.distance[49]:.2f}" in line or (
            measured.distance[49] < 0.0005 and "s₅₀ 改变 0.000" in line
        ), line
        kept = measured.distance[49] > 1.0
        assert ("x₁ 被记住了" in line) == kept and ("x₁ 被遗忘了" in line) == (not kept), line
    assert "✗" in screen and "✓" in screen  # the RNN predicts B for an A sequence
    (tmp_path / "screen.txt").write_text(screen)
    pane.send("C-q")
