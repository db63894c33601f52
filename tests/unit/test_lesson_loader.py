"""Lesson files: every built-in valid, in both languages, following the tutorial; the
committed schema and docs generated from the loader's own schema; a valid teacher's
lesson read as written; every kind of mistake named by file, step, field and a
did-you-mean, all of them at once; hostile files refused or escaped; what the app's
lesson panel asks of a step (its view target, whether a task is done)."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import jsonschema
import pytest

from rnn_tui.lesson import (
    BUILTIN_LESSONS,
    LessonError,
    LocalText,
    ViewTarget,
    builtin_lesson_names,
    is_lesson_source,
    is_lesson_text,
    json_schema,
    load_lesson,
    parse_lesson,
)
from rnn_tui.lesson.schema import MAX_LESSON_BYTES, MAX_STEPS, SCHEMA, markdown_table
from rnn_tui.present.position import View
from rnn_tui.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[2]
BUILTINS = builtin_lesson_names()
SECTIONS = {
    "rnn-step": "3.4", "one-product": "3.5", "two-directions": "3.6", "stacking": "3.7",
    "only-the-last": "4", "short-memory": "5", "gates": "6",
}  # fmt: skip
"""The tutorial's sections, each with its built-in lesson."""
QUESTIONS = {
    "rnn-step": "上式三个权重矩阵 W 每个时间步是同一份数据吗？",
    "one-product": "每个时间步为何没有矩阵相乘呢？",
    "two-directions": "正反向的结果，如何组合在一起？",
}
"""The tutorial's own 思考 questions that end a lesson (3.7, 4, 5 and 6 have none: those
lessons end with a question in the same spirit)."""


# ---------------------------------------------------------------- the built-ins
def test_the_builtins_follow_the_tutorial_in_its_order():
    assert BUILTINS == list(SECTIONS)
    assert [load_lesson(name, check_scenarios=False).section for name in BUILTINS] == list(
        SECTIONS.values()
    )


def texts_of(lesson) -> list[tuple[str, LocalText]]:
    found = [("title", lesson.title), ("description", lesson.description)]
    for step in lesson.steps:
        found.append((f"step {step.number}", step.text))
        task = step.task
        if task is not None:
            found += [(f"step {step.number} task", t) for t in (task.hint, task.question,
                      task.explanation, *task.choices) if t is not None]  # fmt: skip
    return found


@pytest.mark.parametrize("name", BUILTINS)
def test_every_builtin_is_valid_in_both_languages_and_ends_with_a_question(name):
    lesson = load_lesson(name)  # the scenarios loaded, every view and target checked
    assert lesson.builtin and lesson.path == BUILTIN_LESSONS / f"{name}.toml"
    assert 4 <= len(lesson.steps) <= 8
    assert lesson.steps[0].scenario  # the first step names its scenario
    for where, text in texts_of(lesson):
        assert text is not None and text.en and text.zh, (name, where)
        assert text.en != text.zh, (name, where)
    last = lesson.steps[-1].task
    assert last is not None and last.kind == "question"
    assert 1 <= last.answer <= len(last.choices) and last.explanation is not None
    if name in QUESTIONS:
        assert last.question is not None and last.question.zh == QUESTIONS[name]
    tasks = [s.task.kind for s in lesson.steps if s.task is not None]
    assert "view" in tasks, "the student acts in every lesson"


def test_the_three_questions_of_3_6_are_all_asked():
    questions = [
        s.task.question.zh
        for s in load_lesson("two-directions").steps
        if s.task is not None and s.task.question is not None
    ]
    assert questions == [
        "反向时句子顺序需要倒序吗？", "正向和反向用到权重是同一份数据吗？", "正反向的结果，如何组合在一起？",
    ]  # fmt: skip


def test_each_view_task_asks_for_something_the_step_does_not_already_set():
    for name in BUILTINS:
        for step in load_lesson(name, check_scenarios=False).steps:
            task = step.task
            if task is not None and task.kind == "view":
                assert task.target is not None and not task.target.is_empty()
                start = step.view_target().position(View())
                assert not task.satisfied(
                    start, step.view.pane or "", step.view.merge or "", step.view.cell or ""
                ), (name, step.number)


# ---------------------------------------------------------------- schema and docs
def test_committed_schema_file_is_generated_from_the_loader_schema():
    committed = json.loads((ROOT / "lesson.schema.json").read_text())
    assert committed == json_schema(), "run: python -m rnn_tui.lesson.schema"


def test_docs_table_is_current_and_documents_every_key():
    doc = (ROOT / "docs" / "lessons.md").read_text()
    assert markdown_table() in doc
    for keys in SCHEMA.values():
        for key in keys:
            assert f"| `{key}` |" in doc, key


@pytest.mark.parametrize("name", BUILTINS)
def test_json_schema_accepts_every_builtin(name):
    data = tomllib.loads((BUILTIN_LESSONS / f"{name}.toml").read_text())
    jsonschema.validate(data, json_schema())


# ---------------------------------------------------------------- a teacher's lesson
TEACHER = """
title = { en = "My lesson" }

[[step]]
scenario = "intent"
view = { t = 2, pane = "numbers" }
text = { en = "Look at the numbers." }

[step.task]
kind = "view"
target = { t = 5, direction = "forward" }
hint = { en = "Press end." }

[[step]]
scenario = "mine.toml"
text = { zh = "看这里。" }

[step.task]
kind = "question"
question = { en = "Which?" }
choices = [{ en = "this" }, { en = "that", zh = "那个" }]
answer = 2
explanation = { en = "Because." }
"""


def write(folder: Path, text: str, name: str = "lesson.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_teachers_lesson_in_one_language_with_its_own_scenario(tmp_path):
    (tmp_path / "mine.toml").write_text((ROOT / "scenarios" / "deep.toml").read_text())
    lesson = load_lesson(write(tmp_path, TEACHER))
    jsonschema.validate(tomllib.loads(TEACHER), json_schema())
    assert lesson.name == "lesson" and not lesson.builtin and lesson.section is None
    first, second = lesson.steps
    assert (first.scenario, first.source) == ("intent", "intent")
    assert (second.scenario, second.source) == ("mine.toml", tmp_path / "mine.toml")
    assert first.view_target() == ViewTarget(t=2, pane="numbers")
    assert second.view_target().is_empty()
    assert second.text.shown("en") == "看这里。"  # the other language when one is missing
    task = second.task
    assert task is not None and task.correct(2) and not task.correct(1)
    assert [c.shown("zh") for c in task.choices] == ["this", "那个"]


def test_a_step_without_a_scenario_keeps_the_one_before(tmp_path):
    text = TEACHER.replace('scenario = "mine.toml"\n', "")
    lesson = load_lesson(write(tmp_path, text))
    assert [s.scenario for s in lesson.steps] == ["intent", "intent"]


def test_what_the_lesson_panel_asks_of_a_view_target():
    target = ViewTarget(t=3, direction="backward", pane="weights", merge="sum", cell="gru")
    view = View(t=1, layer=2, direction="forward", unit=4)
    moved = target.position(view)
    assert moved == View(t=3, layer=2, direction="backward", unit=4)
    assert target.holds(moved, "weights", "sum", "gru")
    assert not target.holds(moved, "weights", "concat", "gru")
    assert not target.holds(moved, "step", "sum", "gru")
    assert not target.holds(view, "weights", "sum", "gru")
    assert ViewTarget().holds(view, "step", "concat", "rnn")  # nothing asked: holds
    assert target.to_dict() == {
        "t": 3, "direction": "backward", "pane": "weights", "merge": "sum", "cell": "gru",
    }  # fmt: skip


def test_a_question_is_not_satisfied_by_the_screen():
    lesson = load_lesson("gates", check_scenarios=False)
    question = lesson.steps[-1].task
    assert question is not None and question.kind == "question"
    assert not question.satisfied(View(), "step", "concat", "lstm")
    assert question.correct(2) and not question.correct(1)  # f, the forget gate


# ---------------------------------------------------------------- mistakes, named
def problems(path: Path) -> list[str]:
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    assert isinstance(info.value, ScenarioError)  # reported wherever scenario errors are
    return [str(p) for p in info.value.problems]


def step_with(**parts: str) -> str:
    """A lesson of one step on the intent scenario, with parts of it replaced."""
    head = parts.get("head", 'title = { en = "t" }')
    step = parts.get("step", 'scenario = "intent"\ntext = { en = "x" }')
    task = parts.get("task", "")
    return f"{head}\n\n[[step]]\n{step}\n{task}\n"


MISTAKES = [
    (
        step_with(head='titel = { en = "t" }'),
        ['titel: unknown key (did you mean "title"?)', "title: missing; expected a text table"],
    ),
    (
        step_with(step='scenario = "intnet"\ntext = { en = "x" }'),
        [
            (
                'step[1].scenario: no built-in scenario "intnet" (built-ins: bidirectional, ',
                '(did you mean "intent"?)',
            )
        ],
    ),
    (
        step_with(step='scenario = "intent"\ntext = { en = "x" }\nview = { pane = "weight" }'),
        [
            'step[1].view.pane: expected one of "step", "numbers", "layers", "history", '
            '"weights", "memory", found "weight" (did you mean "weights"?)'
        ],
    ),
    (
        step_with(step='scenario = "intent"\ntext = { en = "x" }\nview = { tt = 2, t = 0 }'),
        [
            'step[1].view.tt: unknown key (did you mean "t"?)',
            "step[1].view.t: expected an integer >= 1, found 0",
        ],
    ),
    (
        step_with(step='scenario = "intent"\ntext = { en = "x" }\nview = { t = 9, unit = 9 }'),
        [
            'step[1].view.t: 9 is out of range: "intent" has T = 5 steps',
            'step[1].view.unit: 9 is out of range: "intent" has 8 units a layer (H)',
        ],
    ),
    (
        step_with(step='scenario = "intent"\ntext = { en = "x" }\nview = { direction = "both" }'),
        ['step[1].view.direction: "intent" is unidirectional: there is only the forward direction'],
    ),
    (
        step_with(step='text = { en = "x" }'),
        ["step[1].scenario: missing: the first step names its scenario"],
    ),
    (
        step_with(step='scenario = "/etc/x.toml"\ntext = { en = "x" }'),
        ['step[1].scenario: "/etc/x.toml" is not a scenario beside the lesson'],
    ),
    (
        step_with(step='scenario = "a/../../x.toml"\ntext = { en = "x" }'),
        ['step[1].scenario: "a/../../x.toml" is not a scenario beside the lesson'],
    ),
    (
        step_with(step='scenario = "missing.toml"\ntext = { en = "x" }'),
        ['step[1].scenario: "missing.toml" does not load: file not found'],
    ),
    (
        step_with(step='scenario = "intent"\ntext = { cn = "x" }'),
        ["step[1].text.cn: unknown key", "step[1].text: give the text in at least one language"],
    ),
    (
        step_with(step='scenario = "intent"\ntext = "x"'),
        ['step[1].text: expected a text table like { en = "...", zh = "..." }, found "x"'],
    ),
    (
        step_with(task='[step.task]\nkind = "veiw"\ntarget = { t = 2 }'),
        [
            'step[1].task.kind: expected one of "view", "question", found "veiw" '
            '(did you mean "view"?)'
        ],
    ),
    (
        step_with(task='[step.task]\nkind = "view"\ntarget = {}\nanswer = 1'),
        [
            'step[1].task.answer: not a key of a "view" task (it takes kind, target, hint)',
            "step[1].task.target: empty: say what must hold, e.g. t = 3",
        ],
    ),
    (
        step_with(
            step='scenario = "intent"\ntext = { en = "x" }\nview = { t = 2 }',
            task='[step.task]\nkind = "view"\ntarget = { t = 2 }',
        ),
        ["step[1].task.target: already holds when the step begins"],
    ),
    (
        step_with(task='[step.task]\nkind = "question"\nchoices = [{ en = "a" }]\nanswer = 3'),
        [
            "step[1].task.question: missing; expected a text table",
            "step[1].task.explanation: missing; expected a text table",
            "step[1].task.choices: 1 choices; a question has 2 to 8",
            "step[1].task.answer: choice 3 of 1: there is no such choice",
        ],
    ),
    (
        step_with(
            task='[step.task]\nkind = "question"\nquestion = { en = "q" }\n'
            'choices = [{ en = "a" }, { en = "" }]\nanswer = 1\nexplanation = { en = "e" }\n'
            "target = { t = 2 }"
        ),
        [
            'step[1].task.target: not a key of a "question" task',
            "step[1].task.choices[2].en: empty text",
        ],
    ),
    (
        step_with(step='scenario = "intent"\ntext = { en = "x" }\nview = { merge = "sum" }'),
        ['step[1].view.merge: "intent" is unidirectional: there is nothing to merge'],
    ),
    ('title = { en = "t" }\n', ["step: missing; expected a list of [[step]] tables"]),
    ('title = { en = "t" }\nstep = []\n', ["step: a lesson needs at least one step"]),
    ("[[step]\n", ["not valid TOML"]),
]


@pytest.mark.parametrize(("text", "expected"), MISTAKES, ids=range(len(MISTAKES)))
def test_each_mistake_is_named_by_step_and_field(tmp_path, text, expected):
    path = write(tmp_path, text)
    found = problems(path)
    assert len(found) == len(expected), found
    for problem, fragments in zip(found, expected, strict=True):
        assert problem.startswith(f"{path}: "), problem
        for fragment in (fragments,) if isinstance(fragments, str) else fragments:
            assert fragment in problem, (fragment, problem)


def test_every_problem_of_a_file_is_reported_at_once_with_its_step_number(tmp_path):
    text = TEACHER.replace('pane = "numbers"', 'pane = "numbrs"').replace(
        "answer = 2", "answer = 5"
    )
    found = problems(write(tmp_path, text))
    assert [p.split(": ")[1] for p in found] == ["step[1].view.pane", "step[2].task.answer"]


def test_a_builtin_needs_both_languages():
    text = (BUILTIN_LESSONS / "gates.toml").read_text()
    text = text.replace(', zh = "按 → 直到 t = 3。"', "")
    with pytest.raises(LessonError) as info:
        parse_lesson(text, path=BUILTIN_LESSONS / "gates.toml", builtin=True)
    (problem,) = info.value.problems
    assert problem.field == "step[1].task.hint.zh"
    assert problem.message == "missing: a built-in lesson gives every text"


def test_no_such_builtin_lesson_says_which_there_are():
    with pytest.raises(LessonError) as info:
        load_lesson("gate")
    message = str(info.value)
    assert "no such file or built-in lesson" in message and "gates" in message
    assert '(did you mean "gates"?)' in message


# ---------------------------------------------------------------- hostile files
def test_a_link_out_of_the_lessons_folder_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "s.toml").write_text((ROOT / "scenarios" / "deep.toml").read_text())
    folder = tmp_path / "lesson"
    folder.mkdir()
    os.symlink(outside, folder / "sub")
    path = write(folder, step_with(step='scenario = "sub/s.toml"\ntext = { en = "x" }'))
    (problem,) = problems(path)
    assert 'step[1].scenario: "sub/s.toml" leads outside the lesson\'s folder' in problem


def test_texts_from_the_file_are_escaped_and_bounded(tmp_path):
    text = step_with(
        head='title = { en = "t\\u001b[2J\\u202e" }',
        step='scenario = "intent"\ntext = { en = "[b]x[/b]\\nline 2\\u0007" }',
    )
    lesson = load_lesson(write(tmp_path, text))
    assert lesson.title.en == "t␛[2J\\u202e"
    assert lesson.steps[0].text.en == "[b]x[/b]\nline 2␇"
    long_text = step_with(step=f'scenario = "intent"\ntext = {{ en = "{"x" * 4001}" }}')
    (problem,) = problems(write(tmp_path, long_text, "long.toml"))
    assert "step[1].text.en: 4,001 characters; at most 4,000" in problem


def test_sizes_counts_and_nesting_are_bounded(tmp_path):
    big = write(tmp_path, "# " + "x" * MAX_LESSON_BYTES, "big.toml")
    assert problems(big) == [
        f"{big}: file is {MAX_LESSON_BYTES + 2:,} bytes; lessons are limited to "
        f"{MAX_LESSON_BYTES:,}"
    ]
    steps = 'title = { en = "t" }\n' + '[[step]]\nscenario = "intent"\ntext = { en = "x" }\n' * (
        MAX_STEPS + 1
    )
    (problem,) = problems(write(tmp_path, steps, "many.toml"))
    assert "step: 201 steps; a lesson has at most 200" in problem
    deep = write(tmp_path, "x = " + "[" * 40 + "]" * 40 + "\n", "deep.toml")
    (problem,) = problems(deep)
    assert "nested more than 32 levels deep" in problem
    (tmp_path / "bin.toml").write_bytes(b"title = \xff\n")
    (problem,) = problems(tmp_path / "bin.toml")
    assert "not UTF-8 text" in problem
    os.mkfifo(tmp_path / "fifo.toml")
    (problem,) = problems(tmp_path / "fifo.toml")
    assert "is not a regular file: a fifo" in problem


def test_a_lesson_is_told_from_a_scenario(tmp_path):
    assert is_lesson_text("[[step]]\n") and is_lesson_text('step = [{ text = "x" }]')
    assert not is_lesson_text("[model]\nhidden_size = 2\n[[step]]\n")
    assert not is_lesson_text((ROOT / "scenarios" / "intent.toml").read_text())
    assert is_lesson_source("gates") and not is_lesson_source("intent")  # built-in names
    assert is_lesson_source(str(BUILTIN_LESSONS / "stacking.toml"))
    assert is_lesson_source(write(tmp_path, "[[step]]\nscenario = "))  # broken, a lesson
    assert not is_lesson_source(tmp_path / "missing.toml")
    load_scenario("intent")  # a scenario name stays a scenario's


# ---------------------------------------------------------------- rnn-tui validate
def test_validate_takes_lessons_and_scenarios_alike(tmp_path, capsys):
    """(Needs the validate change of issue 17 in cli_scenario.py.)"""
    from rnn_tui.cli import main

    bad = write(
        tmp_path,
        step_with(step='scenario = "intent"\ntext = { en = "x" }\nview = { pane = "weight" }'),
    )
    with pytest.raises(SystemExit) as exit_:
        main(["validate", "gates", str(BUILTIN_LESSONS / "stacking.toml"), "intent", str(bad)])
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "ok: gates: lesson The gates of LSTM and GRU (6 steps)",
        f"ok: {BUILTIN_LESSONS / 'stacking.toml'}: lesson Stacking layers: layer k+1 reads layer k "
        "(6 steps)",
        "ok: intent: Intent recognition: what time is it ?",
    ]
    assert err.splitlines() == [
        f'error: {bad}: step[1].view.pane: expected one of "step", "numbers", "layers", '
        '"history", "weights", "memory", found "weight" (did you mean "weights"?)',
        "1 of 4 files invalid",
    ]
