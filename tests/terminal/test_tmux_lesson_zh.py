"""The built-in section-5 lesson in a real terminal, in Chinese, by keys only (issue 17).

`rnn-tui --lang zh learn short-memory` in tmux at 120×40 (the lesson panel on the right
of the views); each step's task is done with the keys its target asks for (found from
the target and the scenario, not copied), the step going on by itself, and each step's
text (read through the lesson loader) must be on screen; the question is answered
wrong, then right, and its explanation shows; the progress file, in a folder of the
test's own, says the lesson is done.
"""

from __future__ import annotations

import json
import os
import shlex
import sys

import pytest
from test_tmux import ROOT, pane, wait_for  # noqa: F401 (pane is a fixture)

from rnn_tui.lesson import load_lesson
from rnn_tui.lesson.model import ViewTarget
from rnn_tui.present.position import DIRECTIONS
from rnn_tui.scenario import load_scenario
from rnn_tui.scenario.switch import next_cell, next_merge
from rnn_tui.ui.bars import PANES
from rnn_tui.ui.lesson import reflow

pytestmark = pytest.mark.terminal

PANE_KEYS = {view: str(number) for number, (view, _name) in enumerate(PANES, start=1)}


def keys_for(target: ViewTarget, now: dict, steps: int, hidden: int) -> list[str]:
    """tmux keys that bring the screen from `now` (a view target's fields) to `target`."""
    keys: list[str] = []
    for wanted, name, turn, key in (
        (target.cell, "cell", next_cell, "c"),
        (target.merge, "merge", next_merge, "m"),
    ):
        current = now[name]
        while wanted is not None and current != wanted:
            keys.append(key)
            current = turn(current)
    if target.layer is not None:
        keys += ["Up" if target.layer > now["layer"] else "Down"] * abs(target.layer - now["layer"])
    if target.direction is not None:
        turns = DIRECTIONS.index(target.direction) - DIRECTIONS.index(now["direction"])
        keys += ["d"] * (turns % len(DIRECTIONS))
    if target.t is not None and target.t != now["t"]:
        if target.t == steps and now["direction"] == "forward":
            keys.append("End")
        else:
            ahead = (target.t > now["t"]) == (now["direction"] != "backward")
            keys += ["Right" if ahead else "Left"] * abs(target.t - now["t"])
    if target.unit is not None:
        keys += ["]"] * ((target.unit - now["unit"]) % hidden)
    if target.pane is not None and target.pane != now["pane"]:
        keys.append(PANE_KEYS[target.pane])
    return keys


def marker(text: str) -> str:
    """A distinctive piece of a lesson's text: its first 12 characters, as the panel
    starts its first line with them."""
    return reflow(text)[:12]


def test_the_section_5_lesson_walked_in_chinese(pane, tmp_path):  # noqa: F811
    lesson = load_lesson("short-memory")
    scenario = load_scenario(lesson.steps[0].source)
    assert all(step.source == scenario.name for step in lesson.steps)  # one scenario
    steps, hidden = int(scenario.inputs.shape[0]), scenario.network.hidden_size
    config = tmp_path / "config" / "config.toml"
    exit_file = tmp_path / "exit-status"
    app = " ".join(
        shlex.quote(part)
        for part in [sys.executable, "-m", "rnn_tui", "--lang", "zh", "learn", "short-memory"]
    )
    command = (
        f"unset COLUMNS LINES; cd {shlex.quote(str(tmp_path))} && {app}; "
        f"echo $? > {shlex.quote(str(exit_file))}"
    )
    env = {
        "COLORTERM": "truecolor",
        "TERM": "xterm-256color",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "RNN_TUI_CONFIG": str(config),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
    }
    pane.start(f"sh -c {shlex.quote(command)}", env, 120, 40)
    network = scenario.network
    now = {"t": 1, "layer": 1, "direction": "forward", "unit": 1, "pane": "step"}
    now |= {"cell": network.cell, "merge": network.merge}
    for number, step in enumerate(lesson.steps, start=1):
        text = marker(step.text.zh)
        wait_for(f"step {number}: {text!r}", lambda text=text: text in pane.capture())
        if number > 1:  # the step before has gone
            assert marker(lesson.steps[number - 2].text.zh) not in pane.capture()
        now |= step.view_target().given()
        task = step.task
        if task is None:
            pane.send("n")
            continue
        if task.kind == "view":
            assert task.hint is not None and marker(task.hint.zh) in pane.capture()
            keys = keys_for(task.target, now, steps, hidden)
            assert keys, number
            pane.send(*keys)  # the step goes on by itself
            now |= task.target.given()
            continue
        wrong = next(k for k in range(1, len(task.choices) + 1) if k != task.answer)
        explanation = marker(task.explanation.zh)
        pane.send(str(wrong))
        wait_for("the explanation", lambda explanation=explanation: explanation in pane.capture())
        assert f"✗ {wrong}" in pane.capture()
        right = f"✓ {task.answer}"
        pane.send(str(task.answer))
        wait_for("the right answer", lambda right=right: right in pane.capture())
    pane.send("n")  # after the last step: the lesson is done
    progress = config.parent / "lesson-progress.json"
    wait_for("the progress file", progress.exists)
    pane.send("C-q")
    wait_for("the app to exit", lambda: exit_file.exists() and exit_file.read_text().strip())
    assert exit_file.read_text().strip() == "0"
    entry = json.loads(progress.read_text())["lessons"]["short-memory"]
    assert entry == {"step": len(lesson.steps), "done": True}
