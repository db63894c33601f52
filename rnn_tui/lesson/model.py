"""A validated lesson: a title, and steps over the live app, each with a scenario, a view
to set, a text, and optionally a task for the student (loader.py reads files into these).

Everything here is frozen and textual-free: the app's lesson panel asks a step for the
view to set (`LessonStep.view_target`) and a view task whether the screen shows what it
asks for (`Task.satisfied`). Numbers are 1-based, as on screen: t, layer, unit, the step
of a lesson, a question's choices.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from ..i18n import LANGUAGES, current_language
from ..present.position import View
from ..scenario import ScenarioError

VIEW_FIELDS = ("t", "layer", "direction", "unit", "pane", "merge", "cell")
"""What a step's view (and a view task's target) may set, in the order written."""
POSITION_FIELDS = ("t", "layer", "direction", "unit")
"""The view fields that are present.position.View's; pane, merge and cell are the app's."""


class LessonError(ScenarioError):
    """A lesson could not be loaded; carries every problem found (file, field, message),
    as a scenario's: whatever catches a ScenarioError reports it the same way."""


@dataclass(frozen=True)
class LocalText:
    """A text of a lesson in each language it is written in (None where it is not);
    shown in the interface's language, else in the other one."""

    en: str | None = None
    zh: str | None = None

    def shown(self, language: str | None = None) -> str:
        """The text in `language` (default: the interface's), else in another one."""
        wanted = language or current_language()
        texts = {name: getattr(self, name) for name in LANGUAGES}
        if texts.get(wanted):
            return str(texts[wanted])
        return next((text for text in texts.values() if text), "")

    def to_dict(self) -> dict[str, str]:
        """{"en": ..., "zh": ...} with the languages given, as a lesson file writes it."""
        return {name: text for name in LANGUAGES if (text := getattr(self, name)) is not None}


@dataclass(frozen=True)
class ViewTarget:
    """View fields a lesson sets, or a view task wants to hold; None where it says
    nothing. t, layer and unit are 1-based; direction one of present.position.DIRECTIONS,
    pane one of the app's views (ui.bars.PANES), merge of engine.MERGES, cell of
    engine.CELLS (set through Scenario.switch, as the app's c and m keys do)."""

    t: int | None = None
    layer: int | None = None
    direction: str | None = None
    unit: int | None = None
    pane: str | None = None
    merge: str | None = None
    cell: str | None = None

    def given(self) -> dict[str, Any]:
        """The fields set, name -> value, in VIEW_FIELDS order."""
        return {f.name: value for f in fields(self) if (value := getattr(self, f.name)) is not None}

    def is_empty(self) -> bool:
        """Whether it sets nothing."""
        return not self.given()

    def position(self, view: View) -> View:
        """`view` with the t, layer, direction and unit this target gives (not clamped:
        Stage.clamp does that for the network shown)."""
        changes = {k: v for k, v in self.given().items() if k in POSITION_FIELDS}
        return replace(view, **changes)

    def holds(self, view: View, pane: str, merge: str, cell: str) -> bool:
        """Whether the screen (its view position, the view shown, the network's merge and
        cell) has every field this target gives."""
        shown = {**view.to_dict(), "pane": pane, "merge": merge, "cell": cell}
        return all(shown[name] == value for name, value in self.given().items())

    def to_dict(self) -> dict[str, Any]:
        """The fields set, as a lesson file writes them."""
        return self.given()


@dataclass(frozen=True)
class Task:
    """What the student does before going on: bring the screen to `target` (kind
    "view", with an optional hint), or answer a question (kind "question": the choices,
    the right one 1-based, and an explanation that points at the screen)."""

    kind: str  # "view" | "question"
    target: ViewTarget | None = None
    hint: LocalText | None = None
    question: LocalText | None = None
    choices: tuple[LocalText, ...] = ()
    answer: int = 0
    """The right choice, 1-based (0 for a view task)."""
    explanation: LocalText | None = None

    def satisfied(self, view: View, pane: str, merge: str, cell: str) -> bool:
        """A view task: whether the screen shows what it asks for (see
        ViewTarget.holds). A question is never satisfied by the screen alone: False."""
        if self.kind != "view" or self.target is None:
            return False
        return self.target.holds(view, pane, merge, cell)

    def correct(self, choice: int) -> bool:
        """A question: whether `choice` (1-based) is the right one."""
        return self.kind == "question" and choice == self.answer


@dataclass(frozen=True)
class LessonStep:
    """One step of a lesson: the scenario it shows (`source`: a built-in name, or the
    path of a file beside the lesson, checked to lie in the lesson's folder), the view
    it sets, what it says, and an optional task."""

    number: int
    """1-based, as the lesson panel shows it."""
    scenario: str
    """As the file writes it: a built-in scenario's name, or a path relative to the lesson."""
    source: str | Path
    """What rnn_tui.scenario.load_scenario takes: the built-in's name, or the file's path."""
    view: ViewTarget
    text: LocalText
    task: Task | None = None

    def view_target(self) -> ViewTarget:
        """The view this step sets when it begins: the fields its file gives (the others
        stay as the student has them)."""
        return self.view


@dataclass(frozen=True)
class Lesson:
    """A validated lesson: its name (the file's stem), title and steps."""

    name: str
    title: LocalText
    steps: tuple[LessonStep, ...]
    description: LocalText | None = None
    section: str | None = None
    """The tutorial's section it follows (e.g. "3.6"), shown by `rnn-tui learn`."""
    path: Path | None = None
    builtin: bool = False
