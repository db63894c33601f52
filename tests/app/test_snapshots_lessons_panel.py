"""Screenshots of a lesson in the app (issue 17), in English and Chinese: at 80×24 the
lesson panel under the views (section 5, step 3: t = 10 in the memory view, its task
under the text); at 160×48 the panel on their right (step 6: the question answered
wrong, the choice marked ✗ and the explanation shown).

The lesson is the built-in short-memory one, its scenario the copy of memory-fade in
tests/app/data/memory (as test_snapshots_lesson.py uses it), so a change of the
built-in weights does not move these pictures. Regenerate after an intended change with
`pytest tests/app/test_snapshots_lessons_panel.py --snapshot-update` and look at them."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnn_tui.i18n import set_language
from rnn_tui.lesson import BUILTIN_LESSONS, parse_lesson
from rnn_tui.ui import make_app

DATA = Path(__file__).parent / "data"


@pytest.fixture(params=["en", "zh"])
def language(request):
    set_language(request.param)
    try:
        yield request.param
    finally:
        set_language("en")


def lesson():
    """The built-in section-5 lesson on the copy of its scenario beside these tests."""
    text = (BUILTIN_LESSONS / "short-memory.toml").read_text(encoding="utf-8")
    copy = text.replace('scenario = "memory-fade"', 'scenario = "memory/memory-fade.toml"')
    assert copy != text
    return parse_lesson(copy, path=DATA / "short-memory.toml")


def settled(*keys: str):
    """Press the keys, then wait for the background measures (memory, influence)."""

    async def run_before(pilot) -> None:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


def test_a_lesson_step_under_the_views_at_80x24(snap_compare, language):
    app = make_app(lesson=lesson(), step=3)
    assert snap_compare(app, run_before=settled(), terminal_size=(80, 24))


def test_a_question_answered_beside_the_views_at_160x48(snap_compare, language):
    app = make_app(lesson=lesson(), step=6)
    assert snap_compare(app, run_before=settled("2"), terminal_size=(160, 48))
