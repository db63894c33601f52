"""The command palette's rnn-tui commands (ctrl+p): every action, the built-in
scenarios, the input sequences, the views, the merge modes and the cells; and the
palette itself and Textual's own commands (Theme, Keys, Quit) in the interface's
language (`command_palette`, `system_commands`, which the app's action_command_palette
and get_system_commands call)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, cast

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.screen import Screen
from textual.theme import ThemeProvider

from ..i18n import N_, _, current_language, set_language

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
        _("Go to step…"),
        _("show step t, typed in a dialog (g)"),
        partial(run, app.action_go_to),
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
    # its key where it has one (n; in a lesson n is the lesson's and the palette alone has it)
    key = next(
        (b.key for b in app.BINDINGS if isinstance(b, Binding) and b.action == "sequence"), None
    )
    yield (
        _("Next input sequence"),
        _("the scenario's next named sequence ({key})").format(key=key)
        if key
        else _("the scenario's next named sequence"),
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
            builtin_title(name, current_language()) or _("a scenario shipped with rnn-tui"),
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


@lru_cache(maxsize=64)
def builtin_title(name: str, language: str) -> str:
    """The title of the built-in scenario `name` in `language` (its [zh] title in Chinese,
    as the loader chooses), "" when it does not load. Loaded once per language: the
    palette asks for every built-in at each keystroke."""
    from ..scenario import ScenarioError, load_scenario

    del language  # the cache key: load_scenario reads the current language
    try:
        return load_scenario(name).title
    except (ScenarioError, OSError, ValueError):
        return ""


SYSTEM_COMMANDS = {
    ("Theme", "Change the current theme"): (N_("Theme"), N_("Change the colour theme")),
    ("Quit", "Quit the application as soon as possible"): (
        N_("Quit"),
        N_("Quit rnn-tui at once (ctrl+q)"),
    ),
    ("Keys", "Hide the keys and widget help panel"): (
        N_("Keys"),
        N_("Hide the panel of keys and widget help"),
    ),
    ("Keys", "Show help for the focused widget and a summary of available keys"): (
        N_("Keys"),
        N_("Show help for the focused widget and a summary of the keys"),
    ),
    ("Minimize", "Minimize the widget and restore to normal size"): (
        N_("Minimize"),
        N_("Bring the maximized widget back to its normal size"),
    ),
    ("Maximize", "Maximize the focused widget"): (
        N_("Maximize"),
        N_("Maximize the focused widget"),
    ),
}
"""Textual's own palette commands (title, help) -> ours, to translate; one Textual adds
later shows in English until it is listed here."""


def system_commands(app: App[Any], screen: Screen[Any]) -> Iterator[SystemCommand]:
    """Textual's palette commands in the interface's language, less its Screenshot (it
    saves into ~/Downloads under a name of its own choosing; ours is `s`, "Save a
    screenshot"); Theme opens a theme list whose prompt is translated too. The app's
    get_system_commands returns this."""
    for command in App.get_system_commands(app, screen):
        if command.title == "Screenshot":
            continue
        title, help_text = SYSTEM_COMMANDS.get(
            (command.title, command.help), (command.title, command.help)
        )
        callback = partial(search_themes, app) if command.title == "Theme" else command.callback
        yield command._replace(title=_(title), help=_(help_text), callback=callback)


def command_palette() -> CommandPalette:
    """The command palette (ctrl+p), its prompt in the interface's language. The app's
    action_command_palette pushes this one instead of Textual's."""
    return CommandPalette(id="--command-palette", placeholder=_("Search for commands…"))


def search_themes(app: App[Any]) -> None:
    """As App.search_themes, the prompt in the interface's language."""
    app.push_screen(CommandPalette(providers=[ThemeProvider], placeholder=_("Search for themes…")))


def switch_language(app: RnnTuiApp, language: str) -> None:
    """Translate everything on screen into `language`: the panels are drawn again from
    the same view, the status line, the view bar and the footer refreshed."""
    from .bars import KeyFooter, ViewBar

    set_language(language)
    app.remember(language=language)
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
