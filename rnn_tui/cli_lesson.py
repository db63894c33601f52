"""The lesson commands of the command line (`rnn_tui.cli`): `learn` lists the lessons
(the built-in ones with the student's progress, and those in a folder given), and
`lesson from-session` turns a recording's notes into a lesson. Lessons are read through
rnn_tui.lesson, whose messages name the file and the field; what is printed goes
through `rnn_tui.cli_common.say`.
"""

from __future__ import annotations

from pathlib import Path

import click

from .cli_common import need_terminal, say, shown
from .i18n import N_, _, ngettext
from .scenario import ScenarioError

MAX_FOLDER_FILES = 500
"""The most .toml files of a --folder looked at (a lesson folder is hand-made)."""


@click.command(
    help=N_(
        "The lessons: the built-in ones, with how far you have come, and those in --folder "
        "DIR. With LESSON (a built-in lesson's name, a lesson in --folder DIR, or a lesson "
        "file), open it in the app: its text beside the live views, n and p between its steps."
    )
)
@click.argument("lesson", metavar="[LESSON]", required=False)
@click.option(
    "--folder",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=N_("Also list the lesson files in DIR (its *.toml files that are lessons)."),
)
@click.option(
    "--step",
    type=click.IntRange(min=1),
    metavar="N",
    default=None,
    help=N_("Open the lesson at its step N (learn shows how far you have come)."),
)
def learn(lesson: str | None, folder: Path | None, step: int | None) -> None:
    if lesson is not None:
        _open_lesson(lesson, folder, step or 1)
        return
    if step is not None:
        raise click.UsageError(_("--step needs a lesson: rnn-tui learn LESSON --step N"))
    from .lesson import builtin_lesson_names, load_lesson
    from .lesson import progress as lesson_progress

    done, problems = lesson_progress.read()
    for problem in problems:
        say(_("warning: {problem}").format(problem=problem), err=True)
    rows: list[tuple[str, str, str, str, str]] = []
    for name in builtin_lesson_names():
        try:
            lesson_read = load_lesson(name, check_scenarios=False)
        except ScenarioError as e:  # a broken built-in is a bug, but list the rest
            rows.append((name, "", "", "", _("(broken: {reason})").format(reason=e.problems[0])))
            continue
        count = len(lesson_read.steps)
        reached = done.get(name, lesson_progress.Progress()).shown(count)
        rows.append(
            (name, lesson_read.section or "", _steps(count), reached, lesson_read.title.shown())
        )
    say(_("Built-in lessons (section, steps, your progress):"))
    _table(rows)
    if folder is None:
        return
    if not folder.is_dir():
        raise click.ClickException(_("{path}: no such folder").format(path=shown(folder)))
    say("")
    say(_("Lessons in {folder}:").format(folder=shown(folder)))
    rows = _folder_rows(folder)
    if not rows:
        say("  " + _("(none: a lesson is a .toml file with [[step]] tables)"))
    _table(rows)


def _open_lesson(source: str, folder: Path | None, step: int) -> None:
    """Open the lesson `source` (a built-in name, a name in `folder`, a file) at its
    step `step` in the app, with the settings `rnn-tui SCENARIO` runs with."""
    import sys

    from .cli import _settings_of_run
    from .lesson import load_lesson
    from .lesson.loader import resolve_lesson

    if folder is not None and "/" not in source and not source.endswith(".toml"):
        beside = folder / f"{source}.toml"
        if beside.is_file():  # a name `learn --folder DIR` lists
            source = str(beside)
    lesson = load_lesson(resolve_lesson(source))  # a message (exit 2) before the screen switches
    count = len(lesson.steps)
    if step > count:
        raise click.BadParameter(
            _("the lesson has {count} steps").format(count=count), param_hint="'--step'"
        )
    need_terminal()
    from .ui import make_app

    settings = _settings_of_run(theme=None, speed=None, folder=None)
    app = make_app(lesson=lesson, step=step, settings=settings)
    app.run()
    sys.exit(app.return_code or 0)


def _steps(count: int) -> str:
    return ngettext("{count} step", "{count} steps", count).format(count=count)


def _folder_rows(folder: Path) -> list[tuple[str, str, str, str, str]]:
    """One row per lesson file of `folder` (scenario files beside them skipped)."""
    from .lesson import is_lesson_source, load_lesson

    rows = []
    files = sorted(folder.glob("*.toml"))
    if len(files) > MAX_FOLDER_FILES:
        say(
            _(
                "warning: {folder} holds {count:,} .toml files; the first {limit:,} are listed"
            ).format(folder=shown(folder), count=len(files), limit=MAX_FOLDER_FILES),
            err=True,
        )
    for path in files[:MAX_FOLDER_FILES]:
        if not is_lesson_source(path):
            continue
        try:
            lesson = load_lesson(path, check_scenarios=False)
        except ScenarioError as e:
            reason = e.problems[0]
            where = f"{reason.field}: " if reason.field else ""
            broken = _("(broken: {reason})").format(reason=where + reason.message)
            rows.append((path.stem, "", "", "", broken))
            continue
        steps = _steps(len(lesson.steps))
        rows.append((lesson.name, lesson.section or "", steps, "", lesson.title.shown()))
    return rows


def _table(rows: list[tuple[str, str, str, str, str]]) -> None:
    """Rows of (name, section, steps, progress, title), columns aligned, title last."""
    if not rows:
        return
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    shown_columns = [i for i in range(4) if widths[i]]  # a column empty in every row: left out
    for row in rows:
        cells = [row[i].ljust(widths[i]) for i in shown_columns]
        say("  " + "  ".join([*cells, row[4]]))


@click.group("lesson", help=N_("Make lessons: lesson from-session SESSION -o LESSON.toml."))
def lesson_group() -> None:
    """The lesson commands."""


@lesson_group.command(
    "from-session",
    help=N_(
        "Turn a recording's notes into a lesson: one step per note, with the view, the pane, "
        "the cell and the merge of that moment, and the note as its text. A scenario that is "
        "not a built-in is copied beside the lesson."
    ),
)
@click.argument("session", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help=N_("The lesson file to write (.toml is added when missing)."),
)
@click.option(
    "--force", is_flag=True, help=N_("Replace the lesson and its scenario copies if they exist.")
)
def from_session(session: Path, out: Path, force: bool) -> None:
    from .lesson.from_session import lesson_from_session

    target = out if out.suffix == ".toml" else Path(f"{out}.toml")
    written = lesson_from_session(session, target, force=force)
    for path in written.copies:
        say(_("wrote {path}: the recorded scenario, beside the lesson").format(path=shown(path)))
    count = len(written.lesson.steps)
    message = ngettext(
        "wrote {path}: {count} step, from the notes of {session}",
        "wrote {path}: {count} steps, from the notes of {session}",
        count,
    )
    say(message.format(path=shown(target), count=count, session=shown(session)))
    for warning in written.warnings:
        say(_("warning: {problem}").format(problem=warning), err=True)
