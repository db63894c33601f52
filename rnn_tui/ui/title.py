"""The title bar and the scenario's description above the body: what the scenario is,
and whether its weights are trained."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.content import Content
from textual.widgets import Label, Static

from ..i18n import N_, _

UNTRAINED = N_("untrained (seeded) weights")


class TitleBar(HorizontalGroup):
    """The scenario's title, and a badge when its weights are untrained."""

    def compose(self) -> ComposeResult:
        yield Label(id="title")
        yield Label(_(UNTRAINED), id="untrained")

    def show(self, scenario: object) -> None:
        # text from the file is data (Content), never markup: see STYLE.md
        self.query_one("#title", Label).update(Content(scenario.title))  # type: ignore[attr-defined]
        untrained = self.query_one("#untrained", Label)
        untrained.update(_(UNTRAINED))
        untrained.display = not scenario.trained  # type: ignore[attr-defined]


def show_description(widget: Static, description: str) -> None:
    """The scenario's description on one wrapped paragraph, as data (Content)."""
    widget.update(Content(" ".join(description.split())))
    widget.set_class(not description, "-empty")
