"""The Textual app of rnn-tui: screens, widgets, stylesheet. Build it with make_app.

The app is loaded on first use; what the screen shows, without textual, is in
`rnn_tui.present` (the view position, the stage, the panes)."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from importlib import import_module
from typing import TYPE_CHECKING, Any

FRAMES_PER_SECOND = "240"
"""Textual draws a frame on a clock (60 a second by default): a key's frame waits for
its next tick or two. At 240 a key is on screen sooner and nothing draws more often
than something changes: benchmarks/ui.py at 160x48 on intent and lstm-gates, wall p50 /
p90: 28.5 / 39.6 ms at 120, 22.4 / 30.2 at 240, 17.7 / 28.0 at 1000, the CPU time the
same (17.7-18.4 ms); 60 -> 120 was 48 -> 29 ms on a loaded machine. (1000 would take
the wait away entirely; 240 keeps a frame's worth of changes together.) TEXTUAL_FPS,
when set, is the user's."""
if "textual.constants" not in sys.modules:  # read once, when textual is first imported
    os.environ.setdefault("TEXTUAL_FPS", FRAMES_PER_SECOND)

if TYPE_CHECKING:
    from pathlib import Path

    from ..lesson import Lesson
    from ..settings import Settings
    from .app import RnnTuiApp

__all__ = ["RnnTuiApp", "collector_paused", "make_app", "theme_names"]


def make_app(
    source: str | Path | None = None,
    *,
    size: tuple[int, int] | None = None,
    record: str | Path | None = None,
    settings: Settings | None = None,
    lesson: Lesson | str | Path | None = None,
    step: int = 1,
) -> RnnTuiApp:
    """The app on a scenario: a built-in name, a path, or None for the default one.

    The command line and the tests build the app through this one factory. Raises
    rnn_tui.scenario.ScenarioError when the scenario cannot be loaded (before the app's
    code is imported). `size` (columns, rows) is kept for headless runs (screenshots,
    replays); `record` is a session file to record into from the start; `settings` the
    theme, speed and save folder to start with, and the settings file the app writes what
    the user changes into (None: Textual's theme, the default speed, the current folder,
    nothing written).

    With `lesson` (a Lesson, a built-in lesson's name or a lesson file: rnn_tui.lesson),
    the app is a lesson's (ui.lesson.LessonApp), opened at its step `step` (1-based) on
    that step's scenario (`source` is not used); its progress is kept beside the
    settings file when the settings have one. Raises LessonError (a ScenarioError) when
    the lesson cannot be loaded, ValueError for a step it does not have."""
    from pathlib import Path

    record_path = None if record is None else Path(record)
    if lesson is not None:
        return _lesson_app(lesson, step, size=size, record=record_path, settings=settings)
    # numpy and the engine come with the scenario's loader: on the first load, with the
    # app's own modules (see collector_paused)
    first = f"{__name__}.app" not in sys.modules
    with collector_paused() if first else nullcontext():
        from ..scenario import BUILTIN_DEFAULT, load_scenario

        scenario = load_scenario(BUILTIN_DEFAULT if source is None else source)
        app_class = __getattr__("RnnTuiApp")
    return app_class(scenario, size=size, record=record_path, settings=settings)


def _lesson_app(
    lesson: Lesson | str | Path,
    step: int,
    *,
    size: tuple[int, int] | None,
    record: Path | None,
    settings: Settings | None,
) -> RnnTuiApp:
    """make_app with a lesson: loaded (when a name or a path), then the app built on
    the scenario of step `step`."""
    from ..lesson import Lesson, load_lesson
    from ..lesson.progress import FILE_NAME
    from ..scenario import load_scenario

    loaded = lesson if isinstance(lesson, Lesson) else load_lesson(lesson)
    count = len(loaded.steps)
    if not 1 <= step <= count:
        raise ValueError(f"step: the lesson has steps 1 to {count}, not {step}")
    scenario = load_scenario(loaded.steps[step - 1].source)
    path = settings.path if settings is not None else None
    progress_file = path.parent / FILE_NAME if path is not None else None
    __getattr__("RnnTuiApp")  # the app's modules, loaded as _load_app does
    from .lesson import LessonApp

    return LessonApp(
        scenario,
        lesson=loaded,
        start=step - 1,
        progress_file=progress_file,
        size=size,
        record=record,
        settings=settings,
    )


def theme_names() -> frozenset[str]:
    """The themes the app offers (Textual's built-in ones: App.available_themes before
    any is registered). Loads the app first: its import pauses the garbage collector
    (_load_app), which textual.theme imported alone would not."""
    __getattr__("RnnTuiApp")
    from textual.theme import BUILTIN_THEMES

    return frozenset(BUILTIN_THEMES)


def __getattr__(name: str) -> Any:
    if name == "RnnTuiApp":
        if f"{__name__}.app" not in sys.modules:
            _load_app()
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _load_app() -> None:
    """Import the app (textual, numpy, the engine, the widgets) with the cyclic garbage
    collector paused, then freeze what it loaded (see collector_paused)."""
    with collector_paused():
        import_module(f"{__name__}.app")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block (the imports of start-up) with the cyclic garbage collector paused,
    then freeze what it loaded. Those ~40,000 objects live as long as the process;
    collecting them as they came, then once more in full before the first frame, was
    ~40 ms of the start-up (issue 7) and found a few hundred garbage objects. A block
    that raises is not frozen (its traceback is garbage). Within a paused block, or
    where the host paused the collector, it leaves the settings alone."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    except BaseException:
        gc.enable()
        raise
    gc.freeze()
    gc.enable()
