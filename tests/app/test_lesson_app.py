"""A lesson in the app (issue 17): the built-in section-5 lesson walked by keys, each task
done with the keys its target asks for (found from the target, not copied), the panel
showing each step's text and the screen each step's view; a question answered wrong,
then right; p and v back to a step's view; the progress file; a hostile lesson file
shown literally; `rnn-tui learn` refusing what it cannot open."""

from __future__ import annotations

import pytest

from rnn_tui.cli import main
from rnn_tui.i18n import set_language
from rnn_tui.lesson import load_lesson
from rnn_tui.lesson.model import ViewTarget
from rnn_tui.lesson.progress import Progress, read
from rnn_tui.present.position import DIRECTIONS
from rnn_tui.scenario.switch import next_cell, next_merge
from rnn_tui.settings import Settings
from rnn_tui.ui import make_app
from rnn_tui.ui.bars import PANES
from rnn_tui.ui.lesson import LessonPanel, reflow

PANE_KEYS = {pane: str(number) for number, (pane, _name) in enumerate(PANES, start=1)}


def keys_for(target: ViewTarget, app) -> list[str]:
    """The keys a student presses to bring the screen from where it is to `target`:
    c and m round the cells and merges, ↑ ↓ the layers, d the directions, → ← (or end)
    the steps, ] the units, 1-6 the views."""
    keys: list[str] = []
    network, view = app.stage.network, app.view
    for wanted, now, turn, key in (
        (target.cell, network.cell, next_cell, "c"),
        (target.merge, network.merge, next_merge, "m"),
    ):
        while wanted is not None and now != wanted:
            keys.append(key)
            now = turn(now)
    if target.layer is not None:
        keys += ["up" if target.layer > view.layer else "down"] * abs(target.layer - view.layer)
    if target.direction is not None:
        turns = DIRECTIONS.index(target.direction) - DIRECTIONS.index(view.direction)
        keys += ["d"] * (turns % len(DIRECTIONS))
    if target.t is not None and target.t != view.t:
        if target.t == app.stage.steps and view.direction == "forward":
            keys.append("end")
        else:
            ahead = (target.t > view.t) == (view.direction != "backward")
            keys += ["right" if ahead else "left"] * abs(target.t - view.t)
    if target.unit is not None:
        keys += ["right_square_bracket"] * ((target.unit - view.unit) % app.stage.hidden)
    if target.pane is not None and target.pane != app.pane:
        keys.append(PANE_KEYS[target.pane])
    return keys


def shown(app) -> dict:
    """What the screen shows, in a view target's terms."""
    network = app.stage.network
    return {**app.view.to_dict(), "pane": app.pane, "merge": network.merge, "cell": network.cell}


async def next_step(pilot, index: int) -> None:
    """Wait for the lesson to go on from step `index` by itself (its task done)."""
    app = pilot.app
    for _ in range(200):
        if app.guide.index != index:
            return
        await pilot.pause(0.01)
    raise AssertionError(f"step {index + 1} did not go on: {app.guide.notice!r}")


async def test_the_section_5_lesson_walked_by_keys(own_settings_file, screen_text):
    language, size = "en", (80, 24)  # in Chinese: tests/terminal/test_tmux_lesson_zh.py
    try:
        lesson = load_lesson("short-memory")
        app = make_app(lesson=lesson, settings=Settings(path=own_settings_file))
        async with app.run_test(size=size) as pilot:
            # a task done goes on by itself after a pause (test_p_and_v... waits for it);
            # here n goes on at once, as a student may while "✓ done" shows
            app.guide.advance_delay = 60
            panel = app.query_one(LessonPanel)
            for index, step in enumerate(lesson.steps):
                await pilot.pause()
                assert app.guide.index == index
                assert panel.part("text") == reflow(step.text.shown(language))
                assert f"{index + 1}/{len(lesson.steps)}" in panel.part("nav")
                first_words = reflow(step.text.shown(language))[:12]
                assert first_words in screen_text(app).replace("\n", "")
                given = step.view_target().given()
                assert {k: shown(app)[k] for k in given} == given, step.number
                task = step.task
                if task is None:
                    await pilot.press("n")
                elif task.kind == "view":
                    assert task.hint is not None and reflow(task.hint.shown()) in panel.part("task")
                    keys = keys_for(task.target, app)
                    assert keys, step.number
                    await pilot.press(*keys)
                    assert task.target.holds(app.view, app.pane, app.stage.network.merge,
                                             app.stage.network.cell)  # fmt: skip
                    assert "✓" in panel.part("task")  # "done", before it goes on
                    await pilot.press("n")
                else:  # the question: a wrong answer, then the right one
                    assert app.focused is panel.scroll  # the numbers answer
                    await pilot.press("pagedown")  # longer than the panel at 80×24
                    assert panel.scroll.scroll_y > 0
                    assert panel.part("answer") == ""
                    wrong = next(k for k in range(1, len(task.choices) + 1) if k != task.answer)
                    explanation = reflow(task.explanation.shown(language))
                    await pilot.press(str(wrong))
                    assert app.pane == given["pane"]  # the number did not switch the view
                    assert panel.part("answer").startswith("✗")
                    assert explanation in panel.part("answer")
                    assert not app.guide.done
                    await pilot.press(str(task.answer))
                    assert panel.part("answer").startswith("✓")
                    assert explanation in panel.part("answer")
                    assert f"✓ {task.answer} " in panel.part("task")
                    assert f"✗ {wrong} " in panel.part("task")
                    assert app.guide.done
                    await pilot.press("2")  # answered: the numbers are the views again
                    assert app.pane == "numbers"
            assert app.guide.index == len(lesson.steps) - 1
            await pilot.press("n")
            assert app.guide.index == len(lesson.steps) - 1
            assert "✓" in panel.part("task")  # the lesson is done
        found, problems = read(own_settings_file.parent / "lesson-progress.json")
        assert problems == []
        assert found == {"short-memory": Progress(len(lesson.steps), True)}
    finally:
        set_language("en")


async def test_p_and_v_bring_back_a_steps_view(own_settings_file):
    lesson = load_lesson("short-memory")
    app = make_app(lesson=lesson, step=4, settings=Settings(path=own_settings_file))
    async with app.run_test(size=(120, 40)) as pilot:
        guide = app.guide
        guide.advance_delay = 0.01
        assert guide.index == 3 and shown(app)["t"] == 50 and app.pane == "memory"
        await pilot.press("n")  # n goes on without the task done
        assert guide.index == 4 and app.stage.network.cell == "lstm" and app.pane == "step"
        await pilot.press("home", "c", "3", "v")  # explore, then back
        assert shown(app) == {**shown(app), "t": 50, "pane": "step", "cell": "lstm"}
        await pilot.press("p")  # step 4 as the lesson shows it: still the RNN's
        assert guide.index == 3
        assert {k: shown(app)[k] for k in ("t", "pane", "cell")} == {
            "t": 50,
            "pane": "memory",
            "cell": "rnn",
        }
        assert not guide.done  # its task (the LSTM) waits
        await pilot.press("c")
        await next_step(pilot, 3)
        assert guide.index == 4
        # a task done before its step begins: said, and the step stays
        await pilot.press("p", "p")  # step 3 (t = 50 to do)
        assert guide.index == 2 and shown(app)["t"] == 10
        await pilot.press("c", "end")  # the LSTM chosen, then its task done: it goes on
        await next_step(pilot, 2)
        assert guide.index == 3 and guide.done  # step 4's task (the LSTM) already holds
        assert "✓" in app.query_one(LessonPanel).part("task")
        await pilot.pause(0.1)
        assert guide.index == 3  # no going on by itself: n does
        guide.go(0, fresh=True)
        await pilot.press("p")
        assert guide.index == 0 and "first step" in guide.notice
    found, _problems = read(own_settings_file.parent / "lesson-progress.json")
    assert found["short-memory"] == Progress(5, False)  # the furthest step reached


async def test_a_question_in_chinese_on_a_wide_screen(zh, screen_text):
    lesson = load_lesson("short-memory")
    last = lesson.steps[-1]
    app = make_app(lesson=lesson, step=len(lesson.steps))
    async with app.run_test(size=(160, 48)) as pilot:
        panel = app.query_one(LessonPanel)
        assert panel.region.x > 100 and panel.region.height > 40  # beside the views
        assert panel.part("text") == reflow(last.text.shown("zh"))
        assert panel.part("title") == lesson.title.zh
        for choice in last.task.choices:
            assert reflow(choice.zh) in panel.part("task")
        screen = screen_text(app).replace("\n", "")
        assert reflow(last.task.question.zh)[:10] in screen
        # a click on a choice answers it
        task = panel.query_one("#lesson-task")
        lines = [line.plain for line in task.lines(task.content_size.width)]
        row = next(y for y, line in enumerate(lines) if line.startswith(f"  {last.task.answer} "))
        await pilot.click(task, offset=(6, row))
        assert app.guide.done and reflow(last.task.explanation.zh) in panel.part("answer")
        await pilot.click("#lesson-nav", offset=(1, 0))  # ◀ p
        assert app.guide.index == len(lesson.steps) - 2


HOSTILE = r"""
title = { en = "[b]Bold[/b] \u202Elesson" }
[[step]]
scenario = "intent"
view = { t = 2 }
text = { en = "Not [bold red]markup[/] nor [@click=app.quit]a link[/]; \u202eright to left\u001B[2J." }
[step.task]
kind = "question"
question = { en = "[i]Which?[/i]" }
choices = [{ en = "[link=file:///etc]one[/link]" }, { en = "two" }]
answer = 2
explanation = { en = "Because [red]two[/red]." }
"""


async def test_a_hostile_lesson_is_shown_as_written(tmp_path, own_settings_file, screen_text):
    path = tmp_path / "hostile.toml"
    path.write_text(HOSTILE)
    app = make_app(lesson=path, settings=Settings(path=own_settings_file))
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.query_one(LessonPanel)
        text = panel.part("text")
        assert "Not [bold red]markup[/] nor [@click=app.quit]a link[/];" in text
        assert "\u202e" not in text and "\x1b" not in text
        assert "\\u202eright to left␛[2J." in text
        assert panel.part("title") == "[b]Bold[/b] \\u202elesson"
        assert "[i]Which?[/i]" in panel.part("task")
        assert "[link=file:///etc]one[/link]" in panel.part("task")
        await pilot.press("1")
        assert "Because [red]two[/red]." in panel.part("answer")
        screen = screen_text(app)
        assert "[bold red]markup[/]" in screen and "[link=file:///etc]one[/link]" in screen
        assert app.is_running  # no [@click=app.quit] ran
    assert not (own_settings_file.parent / "lesson-progress.json").exists()  # not a built-in


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["learn", "no-such-lesson"], "no such file or built-in lesson"),
        (["learn", "short-memory", "--step", "7"], "the lesson has 6 steps"),
        (["learn", "--step", "2"], "--step needs a lesson"),
    ],
)
def test_learn_refuses_what_it_cannot_open(args, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
