"""How far the student has come through each built-in lesson, kept per user.

A small JSON file beside the settings file (`settings.config_path().parent`, so
RNN_TUI_CONFIG moves it too): {"format": "rnn-tui-lesson-progress", "version": 1,
"lessons": {NAME: {"step": N, "done": true|false}}}, N the step reached (1-based).
It is the user's file and may be anything: read bounded in size and count, each entry
checked; a broken file or entry is a warning and is ignored, never an error; a file
that does not read as progress is left as it is, not rewritten. Writes are atomic
(rnn_tui.files.write_atomic). No textual or rich here.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..files import Unreadable, open_regular, reason, write_atomic
from ..i18n import _
from ..settings import config_path
from ..text import visible
from .schema import MAX_STEPS

FORMAT = "rnn-tui-lesson-progress"
VERSION = 1
FILE_NAME = "lesson-progress.json"
MAX_PROGRESS_BYTES = 64 * 1024
MAX_LESSONS = 1000
_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")


@dataclass(frozen=True)
class Progress:
    """Where the student is in one lesson: the step reached (1-based; 0: not begun),
    and whether they have gone through to the end once."""

    step: int = 0
    done: bool = False

    def shown(self, steps: int) -> str:
        """ "3/9", or "✓ 9/9" once done, for a lesson of `steps` steps."""
        if self.done:
            return f"✓ {steps}/{steps}"
        return f"{min(self.step, steps)}/{steps}"


def progress_path(environ: Mapping[str, str] | None = None) -> Path:
    """The progress file: lesson-progress.json in the settings file's folder."""
    return config_path(environ).parent / FILE_NAME


def read(path: Path | None = None) -> tuple[dict[str, Progress], list[str]]:
    """Each lesson's progress, and what is wrong with the file (warnings naming it: the
    file or the entry is then ignored). No file: nothing, no warning."""
    path = progress_path() if path is None else path
    try:
        data = _load(path)
    except _Broken as e:
        return {}, [str(e)]
    if data is None:
        return {}, []
    return _entries(path, data)


class _Broken(Exception):
    """The file is not readable progress; the message names it and says why."""


def _load(path: Path) -> Any:
    """The file's JSON, or None when there is none; _Broken when it cannot be used."""
    shown = visible(str(path))
    if not os.path.lexists(path):
        return None
    try:
        with open_regular(path) as f:
            raw = f.read(MAX_PROGRESS_BYTES + 1)
    except (Unreadable, OSError) as e:
        raise _Broken(
            _("{path}: {reason}").format(path=shown, reason=visible(str(e) or reason(e)))
        ) from None
    if len(raw) > MAX_PROGRESS_BYTES:
        raise _Broken(
            _("{path}: longer than {limit:,} bytes; not read").format(
                path=shown, limit=MAX_PROGRESS_BYTES
            )
        )
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise _Broken(
            _("{path}: not a lesson progress file ({reason}); ignored").format(
                path=shown, reason=visible(str(e))[:100]
            )
        ) from None
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or data.get("version") != VERSION
        or not isinstance(data.get("lessons"), dict)
    ):
        raise _Broken(
            _("{path}: not a lesson progress file ({reason}); ignored").format(
                path=shown,
                reason=_("expected format {format}, version {version}").format(
                    format=FORMAT, version=VERSION
                ),
            )
        )
    return data


def _entries(path: Path, data: dict) -> tuple[dict[str, Progress], list[str]]:
    shown = visible(str(path))
    lessons = data["lessons"]
    out: dict[str, Progress] = {}
    problems: list[str] = []
    if len(lessons) > MAX_LESSONS:
        problems.append(
            _("{path}: more than {limit:,} lessons; the rest ignored").format(
                path=shown, limit=MAX_LESSONS
            )
        )
    for name, entry in list(lessons.items())[:MAX_LESSONS]:
        step = entry.get("step") if isinstance(entry, dict) else None
        done = entry.get("done", False) if isinstance(entry, dict) else None
        if (
            not _NAME.fullmatch(name)
            or type(step) is not int
            or not 0 <= step <= MAX_STEPS
            or type(done) is not bool
        ):
            problems.append(
                _("{path}: lesson {name}: not a progress entry; ignored").format(
                    path=shown, name=visible(repr(name))[:60]
                )
            )
            continue
        out[name] = Progress(step, done)
    return out, problems


def record(
    lesson_name: str, step_index: int, done: bool = False, *, path: Path | None = None
) -> str | None:
    """Remember that the student is at step `step_index` (0-based, as in
    Lesson.steps) of the built-in lesson `lesson_name`, and whether they reached its
    end (`done` stays true once set). Returns why it could not be written (a message
    naming the file), else None; never raises OSError. Only built-in lessons are
    remembered: another name is refused with a message."""
    from .loader import builtin_lesson_names

    if lesson_name not in builtin_lesson_names():
        return _("{name}: progress is kept for the built-in lessons only").format(
            name=visible(lesson_name)
        )
    if type(step_index) is not int or not 0 <= step_index < MAX_STEPS:
        raise ValueError(f"step_index: expected 0..{MAX_STEPS - 1}, found {step_index!r}")
    path = progress_path() if path is None else path
    target = Path(os.path.realpath(path))  # a link (to a dotfiles folder) stays a link
    try:
        data = _load(target)
    except _Broken as e:
        return _(
            "{path} was not changed, since it has an error ({reason}); fix or remove it"
        ).format(path=visible(str(path)), reason=str(e))
    kept, _problems = _entries(target, data) if data is not None else ({}, [])
    before = kept.get(lesson_name, Progress())
    kept[lesson_name] = Progress(step_index + 1, before.done or bool(done))
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "lessons": {name: {"step": p.step, "done": p.done} for name, p in sorted(kept.items())},
    }
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    except OSError as e:
        return _("Could not save the lesson progress in {path}: {reason}").format(
            path=visible(str(path)), reason=visible(reason(e))
        )
    return None
