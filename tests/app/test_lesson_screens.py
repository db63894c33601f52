"""A built-in lesson's words are the screen's: what a step quotes (“...”) is on screen
once the step's view is set, as the lesson panel will set it (the scenario switched by
its cell and merge, the view moved, the pane shown). Two lessons, one per language, to
stay quick; a hint or explanation may quote what the screen shows after the student's
action, so only the steps' own texts are checked."""

from __future__ import annotations

import re

import pytest

from rnn_tui.i18n import set_language
from rnn_tui.lesson import load_lesson
from rnn_tui.ui import make_app

QUOTED = re.compile(r"“([^”]+)”")


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize(("name", "language"), [("two-directions", "en"), ("only-the-last", "zh")])
async def test_what_a_step_quotes_is_on_screen(name, language, screen_lines):
    set_language(language)
    try:
        lesson = load_lesson(name)
        app = make_app(lesson.steps[0].source)
        async with app.run_test(size=(120, 50)) as pilot:
            for step in lesson.steps:
                assert step.source == lesson.steps[0].source  # one scenario: one app
                target = step.view_target()
                if target.cell or target.merge:
                    app.changes.set_network(cell=target.cell, merge=target.merge)
                app.view = target.position(app.view)
                if target.pane:
                    app.action_show_pane(target.pane)
                await app.workers.wait_for_complete()
                await pilot.pause()
                screen = flat("\n".join(screen_lines(app)))
                quotes = QUOTED.findall(step.text.shown(language))
                missing = [q for q in quotes if flat(q) not in screen]
                assert not missing, (step.number, missing)
    finally:
        set_language("en")
