"""The whole description of the scenario, in a dialog: the description line above the
body shows only its first lines.

The title and the description come from the scenario file: they are shown as Content
(data, never markup), their line breaks kept; the loader already escaped their control
and bidi characters."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ..i18n import N_, _
from .screens import MODAL_FRAME
from .title import DESCRIPTION_KEY, switched_note


class DescriptionScreen(ModalScreen[None]):
    """The scenario's title and its whole description, scrollable; after a switch, the
    sentence saying the weights are not the ones it is about comes first. Escape or the
    key that opened it closes it."""

    BINDINGS = [
        Binding("escape", "close", N_("close")),
        Binding(DESCRIPTION_KEY, "close", N_("close"), show=False),
    ]
    DEFAULT_CSS = f"""
    DescriptionScreen {{
        align: center middle;
        & > VerticalScroll {{
            width: 90%;
            max-width: 96;
            height: auto;
            max-height: 90%;
            {MODAL_FRAME}
        }}
        #description-title {{ text-style: bold; color: $text-primary; margin-bottom: 1; }}
        #description-note {{ color: $text-warning; margin-bottom: 1; }}
        #description-note.-empty {{ display: none; }}
    }}
    """

    def __init__(self, scenario: Any) -> None:
        """scenario: the one on screen (its title, description, and any switch)."""
        super().__init__()
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        scenario = self.scenario
        note = switched_note(scenario)
        description = scenario.description.expandtabs(4).strip("\n")
        with VerticalScroll() as scroll:
            scroll.border_title = _("description")
            scroll.border_subtitle = _("escape or {key} closes").format(key=DESCRIPTION_KEY)
            yield Static(Content(scenario.title), id="description-title")
            yield Static(Content(note), id="description-note", classes="" if note else "-empty")
            yield Static(Content(description or _("(no description)")), id="description-text")

    def action_close(self) -> None:
        self.dismiss()
