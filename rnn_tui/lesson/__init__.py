"""Lessons: TOML files of steps over the live app -> a validated Lesson; built-in
lookup; lessons made from recordings (from_session); the student's progress (no
textual here)."""

from .loader import (
    BUILTIN_LESSONS,
    builtin_lesson_names,
    is_lesson_source,
    is_lesson_text,
    load_lesson,
    parse_lesson,
    resolve_lesson,
)
from .model import (
    POSITION_FIELDS,
    VIEW_FIELDS,
    Lesson,
    LessonError,
    LessonStep,
    LocalText,
    Task,
    ViewTarget,
)
from .schema import SCHEMA, json_schema

__all__ = [
    "BUILTIN_LESSONS",
    "POSITION_FIELDS",
    "SCHEMA",
    "VIEW_FIELDS",
    "Lesson",
    "LessonError",
    "LessonStep",
    "LocalText",
    "Task",
    "ViewTarget",
    "builtin_lesson_names",
    "is_lesson_source",
    "is_lesson_text",
    "load_lesson",
    "json_schema",
    "parse_lesson",
    "resolve_lesson",
]
