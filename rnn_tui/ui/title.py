"""The title bar and the scenario's description above the body: what the scenario is,
whether its weights are trained, and which parts a switch left untrained."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Label, Static

from ..i18n import N_, _

UNTRAINED = N_("untrained (seeded) weights")
DESCRIPTION_KEY = "D"
"""The key that shows the whole description (app.py binds it; see description.py)."""
HINT = N_("{key}: whole description")
"""At the end of a description cut to the lines the screen has room for."""


# ------------------------------------------------------------------ what is untrained
def fresh_layers(scenario: Any) -> list[int]:
    """The layers (1-based) any of whose recurrent weights a switch drew fresh."""
    fresh = set(scenario.fresh)
    return [
        k + 1
        for k in range(scenario.network.num_layers)
        if any(
            f"{kind}_l{k}{end}" in fresh
            for kind in ("weight_ih", "weight_hh")
            for end in ("", "_reverse")
        )
    ]


def fresh_parts(scenario: Any) -> list[str]:
    """What a switch drew fresh, in words: "layer 2", "readout" (empty: nothing)."""
    parts = [_("layer {k}").format(k=k) for k in fresh_layers(scenario)]
    if {"readout.weight", "readout.bias"} & set(scenario.fresh):
        parts.append(_("readout"))
    return parts


def untrained_badge(scenario: Any) -> str:
    """The title bar's badge: which weights are untrained ("" when they are trained):
    "untrained: whole network", "untrained: layer 2, readout", or, for a file's own
    seeded weights, "untrained (seeded) weights"."""
    if scenario.trained:
        return ""
    fresh, network = set(scenario.fresh), scenario.network
    if fresh and fresh >= set(network.params):
        return _("untrained: whole network")
    origin = scenario.origin
    if origin is not None and not origin.trained:
        return _(UNTRAINED)  # the weights kept were never trained either
    parts = fresh_parts(scenario)
    if parts:
        return _("untrained: {parts}").format(parts=_(", ").join(parts))
    if origin is not None and origin.trained and origin.network.merge != network.merge:
        # a merge switch that kept every weight: trained, but for another merge
        return _("trained for merge {old}, not {new}").format(
            old=origin.network.merge, new=network.merge
        )
    return _(UNTRAINED)


def switched_note(scenario: Any) -> str:
    """A sentence instead of the file's description when the weights are not the ones
    it is about (a switch drew fresh ones, or kept them for another merge): its claims
    (accuracy, what the weights learned) would be false beside these. "" otherwise."""
    origin = scenario.origin
    if not scenario.fresh and (scenario.trained or origin is None or not origin.trained):
        return ""
    if origin is None:  # fresh weights with no way back (Scenario.with_network)
        return _(
            "The file's description is about its own weights; these are fresh seeded "
            "weights (press t to train)."
        )
    old, new = origin.network, scenario.network
    if old.cell != new.cell:
        if origin.trained:
            text = _(
                "The file's description is about its own trained {old} weights; these are "
                "fresh seeded weights for {new} (press c to cycle back, t to train)."
            )
        else:
            text = _(
                "The file's description is about its own {old} network; these are fresh "
                "seeded weights for {new} (press c to cycle back, t to train)."
            )
        return text.format(old=old.cell.upper(), new=new.cell.upper())
    parts = fresh_parts(scenario)
    if not origin.trained:
        text = _(
            "The file's description is about its own network with merge {old}; these "
            "weights are for merge {new} (press m to cycle back, t to train)."
        )
    elif parts:
        text = _(
            "The file's description is about its own trained weights with merge {old}; "
            "with merge {new}, {parts} got fresh seeded weights (press m to cycle back, "
            "t to train)."
        )
    else:
        text = _(
            "The file's description is about its own trained weights with merge {old}; "
            "these are the same weights with merge {new}, not trained for it (press m to "
            "cycle back, t to train)."
        )
    return text.format(old=old.merge, new=new.merge, parts=_(" and ").join(parts))


class TitleBar(HorizontalGroup):
    """The scenario's title, and a badge when its weights are untrained (saying which
    parts, after a switch)."""

    def compose(self) -> ComposeResult:
        yield Label(id="title")
        yield Label(_(UNTRAINED), id="untrained")

    def show(self, scenario: Any) -> None:
        # text from the file is data (Content), never markup: see STYLE.md
        title = Content(scenario.title)
        origin = getattr(scenario, "origin", None)
        if origin is not None and scenario.fresh and origin.network.cell != scenario.network.cell:
            # the file's title names its own cell: say what is computing now
            now = _("now {cell}, fresh weights").format(cell=scenario.network.cell.upper())
            title = Content.assemble(title, ("  (" + now + ")", "italic"))
        self.query_one("#title", Label).update(title)
        untrained = self.query_one("#untrained", Label)
        badge = untrained_badge(scenario)
        untrained.update(Content(badge))
        untrained.display = bool(badge)


# ------------------------------------------------------------------ the description
def description_lines(height: int) -> int:
    """How many lines the description gets on a screen `height` rows tall: 3 from 40
    rows on, fewer below (on a short screen the stylesheet hides it)."""
    if height >= 40:
        return 3
    return 2 if height >= 36 else 1


def cut_description(text: str, width: int, lines: int, *, hint: bool = False) -> Content:
    """`text` (data: its line breaks kept) as Content wrapped at `width`, in at most
    `lines` lines: when it needs more, cut at a word and ended by "… D: whole
    description" (also with `hint`, uncut). The text is never split into lines here, so
    what it says stays as written; only Static's own wrapping breaks it."""
    text = text.expandtabs(4).strip("\n")
    width, lines = max(width, 1), max(lines, 1)
    tail = Content.assemble("  ", (_(HINT).format(key=DESCRIPTION_KEY), "italic"))

    def fits(n: int, end: Content) -> bool:
        return len((Content(text[:n].rstrip()) + end).wrap(width)) <= lines

    if not hint and fits(len(text), Content()):
        return Content(text)
    if fits(len(text), tail):
        return Content(text) + tail
    ellipsis = Content("…") + tail
    # a line holds at most `width` characters of a cell or more: no need to look further
    low, high = 0, min(len(text), lines * width)
    while low < high:  # the longest prefix that fits with the ending
        mid = (low + high + 1) // 2
        if fits(mid, ellipsis):
            low = mid
        else:
            high = mid - 1
    cut = text[:low]
    if low < len(text) and not text[low].isspace():  # end at a word when one is near
        space = max(cut.rfind(" "), cut.rfind("\n"))
        if space > 0 and low - space <= 20:
            cut = cut[:space]
    if len(cut) < len(text) and text[len(cut)].isspace():  # cut between words: "word …"
        ellipsis = Content(" ") + ellipsis
        if not fits(len(cut), ellipsis):
            ellipsis = ellipsis[1:]
    return Content(cut.rstrip()) + ellipsis


def description_text(scenario: Any) -> tuple[str, bool]:
    """What the description line says: the file's description, or the sentence that
    replaces it after a switch (and True: the hint is always shown then, since the
    file's own words are only in the whole-description screen)."""
    if isinstance(scenario, str):
        return scenario, False
    note = switched_note(scenario)
    if note:
        return note, True
    if edited(scenario):
        # the file's words (its title too) may count the file's tokens: say whose they are
        return _(
            "You are reading your own sentence ({steps} steps): the title and the "
            "description are about the file's."
        ).format(steps=len(scenario.tokens)), True
    return scenario.description, False


def edited(scenario: Any) -> bool:
    """Does the scenario read a sentence of its user's (the e dialog), not one of its
    file's sequences?"""
    tokens = getattr(scenario, "tokens", None)
    listed = getattr(scenario, "sequences", {}).get(getattr(scenario, "sequence", None))
    return tokens is not None and isinstance(listed, list) and list(listed) != list(tokens)


def show_description(widget: Static, scenario: Any) -> None:
    """The scenario's description (or, after a switch, what replaces it) on `widget`,
    as data (Content), cut to the lines the screen has room for. `scenario` may be the
    description alone (a str). A Description widget redraws itself on a resize."""
    if isinstance(widget, Description):
        widget.show(scenario)
        return
    text, hint = description_text(scenario)
    width = widget.size.width or widget.app.size.width - 2
    widget.update(
        cut_description(text, width, description_lines(widget.app.size.height), hint=hint)
    )
    widget.set_class(not text, "-empty")


class Description(Static):
    """The scenario's description under the title bar: its line breaks kept, at most
    description_lines() lines ending "… D: whole description" when cut, redrawn when
    the screen's size changes. Text from the file is data (Content), never markup."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self.scenario: Any = ""
        self._drawn: tuple[int, int] | None = None

    def on_mount(self) -> None:
        self.screen.screen_layout_refresh_signal.subscribe(self, self._layout_refreshed)

    def on_resize(self, event: events.Resize) -> None:
        self._draw()

    def _layout_refreshed(self, screen: Screen) -> None:
        if self._drawn != self._fit():  # only the height changed: no Resize of ours
            self._draw()

    def show(self, scenario: Any) -> None:
        """Draw `scenario`'s description (or a str, the description alone)."""
        self.scenario = scenario
        self._drawn = None
        self._draw()

    def _fit(self) -> tuple[int, int]:
        width = self.size.width or self.app.size.width - 2
        return width, description_lines(self.app.size.height)

    def _draw(self) -> None:
        text, hint = description_text(self.scenario)
        width, lines = self._drawn = self._fit()
        self.update(cut_description(text, width, lines, hint=hint))
        self.set_class(not text, "-empty")
