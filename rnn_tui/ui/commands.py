"""The command palette's rnn-tui commands (ctrl+p): every action, the built-in
scenarios, the input sequences, the views, the merge modes and the cells."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from ..i18n import _, current_language, set_language

if TYPE_CHECKING:
    from .app import RnnTuiApp


def commands(app: RnnTuiApp) -> Iterator[tuple[str, str, Callable[[], object]]]:
    """(name, help, callback) of every command, for the current scenario."""
    from ..engine import CELLS, MERGES
    from ..scenario import builtin_names
    from .bars import PANES

    run = app.call_after_refresh
    yield (
        _("Play / pause"),
        _("step through time by itself (space; + and - set the speed)"),
        partial(run, app.action_play),
    )
    yield (
        _("Train on the examples"),
        _("fit the weights on the scenario's examples, in the background; again stops"),
        partial(run, app.action_train),
    )
    yield (
        _("Edit the input sentence"),
        _("type another sentence (e)"),
        partial(run, app.action_edit),
    )
    yield _("Open a scenario file"), _("pick a .toml file (o)"), partial(run, app.action_open)
    yield (
        _("Next input sequence"),
        _("the scenario's next named sequence (n)"),
        partial(run, app.action_sequence),
    )
    for name in app.scenario.sequences:
        yield (
            _("Input sequence: {name}").format(name=name),
            _("read this named sequence of the scenario"),
            partial(run, app.changes.select_sequence, name),
        )
    for name in builtin_names():
        yield (
            _("Open built-in scenario: {name}").format(name=name),
            _("a scenario shipped with rnn-tui"),
            partial(run, app.changes.open_builtin, name),
        )
    for pane, label in PANES:
        yield (
            _("View: {name}").format(name=_(label)),
            _("show this view (or press its number)"),
            partial(run, app.action_show_pane, pane),
        )
    if app.stage.bidirectional:
        for mode in MERGES:
            yield (
                _("Merge: {mode}").format(mode=mode),
                _("how the two directions are combined (m cycles)"),
                partial(run, app.changes.set_network, merge=mode),
            )
    for cell in CELLS:
        yield (
            _("Cell: {cell}").format(cell=cell),
            _(
                "the same scenario with another cell (c): fresh seeded weights, its own at "
                "its own cell"
            ),
            partial(run, app.changes.set_network, cell=cell),
        )
    yield (
        _("Influence numbers"),
        _("write ‖∂s_t/∂x_k‖ in the influence strip (i)"),
        partial(run, app.action_influence_numbers),
    )
    yield _("Save a screenshot"), _("an SVG of the screen (s)"), partial(run, app.action_screenshot)
    yield (
        _("Help"),
        _("what each panel shows, the keys, the tutorial's questions (?)"),
        partial(run, app.action_help),
    )
    for language, name in LANGUAGE_NAMES.items():
        if language != current_language():
            yield (
                _("Language: {name}").format(name=name),
                _("show rnn-tui in this language from now on"),
                partial(run, switch_language, app, language),
            )


LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
"""The interface languages, each named in itself (for the command palette)."""


def switch_language(app: RnnTuiApp, language: str) -> None:
    """Translate everything on screen into `language`: the panels are drawn again from
    the same view, the status line, the view bar and the footer refreshed."""
    from .bars import KeyFooter, ViewBar

    set_language(language)
    with app.recording.acting("language"):
        app.set_scenario(app.scenario)
    app.watch_view(app.view)
    for widget in (*app.query(ViewBar), *app.query(KeyFooter)):
        widget.refresh(layout=True)


def _plain(text: str) -> str:
    """`text` for a hit's help, which the palette passes through Content.from_markup:
    a Content, which from_markup returns unchanged, so a sequence or file name in it is
    never markup. (textual.markup.escape is not enough: "[B]" and "[$x]" still vanish.)"""
    return cast(str, Content(text))


class CommandListProvider(Provider):
    """A palette provider over a function app -> (name, help, callback) entries. Names
    and help hold scenario text (sequence names, file names): shown as plain Content."""

    entries: Any = None  # set by subclasses: a function of the app

    async def discover(self) -> Hits:
        app: RnnTuiApp = self.app  # type: ignore[assignment]
        for name, help_text, callback in type(self).entries(app):
            yield DiscoveryHit(Content(name), callback, text=name, help=_plain(help_text))

    async def search(self, query: str) -> Hits:
        app: RnnTuiApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        for name, help_text, callback in type(self).entries(app):
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    self._highlight(matcher, name),
                    callback,
                    text=name,
                    help=_plain(help_text),
                )

    @staticmethod
    def _highlight(matcher: Any, name: str) -> Content:
        """As Matcher.highlight, on plain Content (its own parses `name` as markup)."""
        content = Content(name)
        _score, offsets = matcher.fuzzy_search.match(matcher.query, name)
        for offset in offsets:
            if not name[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
        return content


class RnnCommands(CommandListProvider):
    """rnn-tui's commands for the command palette."""

    entries = staticmethod(commands)
