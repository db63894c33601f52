"""The student's progress through the built-in lessons, kept beside the settings file,
and `rnn-tui learn`, which lists the lessons with it: a damaged progress file is a
warning, ignored and left as it is; lessons in a folder are listed beside the built-ins,
broken ones named."""

from __future__ import annotations

import json
import os

import pytest

from rnn_tui.cli import cli, main
from rnn_tui.cli_lesson import learn
from rnn_tui.i18n import set_language
from rnn_tui.lesson import builtin_lesson_names, load_lesson
from rnn_tui.lesson.progress import MAX_PROGRESS_BYTES, Progress, progress_path, read, record


def test_progress_is_kept_beside_the_settings_file(own_settings_file):
    path = progress_path()
    assert path == own_settings_file.parent / "lesson-progress.json"
    assert read() == ({}, [])  # no file yet: nothing, no warning
    assert record("gates", 2, False) is None  # its folder made on the way
    assert record("stacking", 5, True) is None
    assert record("stacking", 0, False) is None  # back to the start: done stays
    assert read() == ({"gates": Progress(3, False), "stacking": Progress(1, True)}, [])
    data = json.loads(path.read_text())
    assert data["format"] == "rnn-tui-lesson-progress" and data["version"] == 1
    assert Progress(3, False).shown(6) == "3/6" and Progress(1, True).shown(6) == "✓ 6/6"
    assert Progress().shown(4) == "0/4"


def test_only_builtin_lessons_are_kept(tmp_path):
    path = tmp_path / "p.json"
    assert "built-in lessons only" in record("mine", 0, path=path)
    assert not path.exists()
    with pytest.raises(ValueError):
        record("gates", -1, path=path)


@pytest.mark.parametrize(
    ("content", "warning"),
    [
        (b"{not json", "not a lesson progress file"),
        (b'{"format": "other", "version": 1, "lessons": {}}', "expected format rnn-tui-lesson"),
        (b"\xff\xfe", "not a lesson progress file"),
        (b"[" * 100_000, "longer than 65,536 bytes"),
    ],
)
def test_a_damaged_file_is_a_warning_and_left_as_it_is(tmp_path, content, warning):
    path = tmp_path / "p.json"
    path.write_bytes(content)
    found, problems = read(path)
    assert found == {}
    (problem,) = problems
    assert problem.startswith(str(path)) and warning in problem
    message = record("gates", 1, path=path)
    assert message is not None and "was not changed" in message
    assert path.read_bytes() == content


def test_bad_entries_are_dropped_with_a_warning_the_rest_kept(tmp_path):
    path = tmp_path / "p.json"
    lessons = {
        "gates": {"step": 2, "done": False},
        "rnn-step": {"step": "2"},
        "\x1b[2J": {"step": 1, "done": False},
        "stacking": {"step": 10**9, "done": True},
        "short-memory": [1],
    }
    path.write_text(json.dumps({"format": "rnn-tui-lesson-progress", "version": 1,
                                "lessons": lessons}))  # fmt: skip
    found, problems = read(path)
    assert found == {"gates": Progress(2, False)}
    assert len(problems) == 4 and all("not a progress entry; ignored" in p for p in problems)
    assert all("\x1b" not in p for p in problems)
    assert record("only-the-last", 0, path=path) is None
    assert read(path) == ({"gates": Progress(2, False), "only-the-last": Progress(1, False)}, [])


def test_the_file_is_read_bounded_and_never_blocks(tmp_path):
    fifo = tmp_path / "p.json"
    os.mkfifo(fifo)
    found, (problem,) = read(fifo)
    assert found == {} and "is not a regular file: a fifo" in problem
    assert MAX_PROGRESS_BYTES == 64 * 1024


# ---------------------------------------------------------------- rnn-tui learn
@pytest.fixture
def with_learn(monkeypatch):
    monkeypatch.setitem(cli.commands, "learn", learn)  # as cli.py registers it
    yield
    set_language("en")


def test_learn_lists_the_builtins_with_progress_and_a_folders_lessons(with_learn, capsys, tmp_path):
    record("two-directions", 2)
    record("gates", 5, True)
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "a-mine.toml").write_text(
        'title = { zh = "我的课" }\n[[step]]\nscenario = "intent"\ntext = { zh = "看" }\n'
    )
    (folder / "b-broken.toml").write_text('title = { en = "b" }\n[[step]]\ntext = { en = "x" }\n')
    (folder / "c-scenario.toml").write_text("[model]\nhidden_size = 2\n")  # not a lesson
    main(["learn", "--folder", str(folder)])
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "Built-in lessons (section, steps, your progress):"
    names = builtin_lesson_names()
    rows = lines[1 : 1 + len(names)]
    assert [row.split()[0] for row in rows] == names
    for row, name in zip(rows, names, strict=True):
        lesson = load_lesson(name, check_scenarios=False)
        count = len(lesson.steps)
        progress = {"two-directions": f"3/{count}", "gates": f"✓ {count}/{count}"}
        assert f"  {count} steps  {progress.get(name, f'0/{count}')}" in row
        assert row.endswith(lesson.title.en) and f" {lesson.section} " in row
    assert lines[1 + len(names) :] == [
        "",
        f"Lessons in {folder}:",
        "  a-mine    1 step  我的课",
        "  b-broken          (broken: step[1].scenario: missing: the first step "
        "names its scenario (a built-in name or a file))",
    ]


def test_learn_in_chinese_with_a_damaged_progress_file(with_learn, capsys):
    progress_path().parent.mkdir(parents=True, exist_ok=True)
    progress_path().write_text("nope")
    main(["--lang", "zh", "learn"])
    out, err = capsys.readouterr()
    assert str(progress_path()) in err  # a warning naming the file, whatever the language
    assert load_lesson("gates").title.zh in out
    assert progress_path().read_text() == "nope"


def test_learn_refuses_a_folder_that_is_not_there(with_learn, capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main(["learn", "--folder", str(tmp_path / "nowhere")])
    assert exit_.value.code == 2
    assert "nowhere" in capsys.readouterr().err
