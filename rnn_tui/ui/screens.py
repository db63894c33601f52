"""Modal screens: edit the input sentence, open a scenario file, go to a step, add a
note to a recording. Each asks for one line (LineDialog).

Text from the scenario, the user, file names and error messages is shown as Content
(never parsed as markup); what the user types and the names read from the file system
enter through rnn_tui.text.visible, so no control character reaches the screen."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Input, Label, Static

from ..files import reason
from ..i18n import N_, _, ngettext
from ..scenario import ScenarioError, load_scenario
from ..scenario.segment import Segmentation, segment, substitutions
from ..text import visible

# the box every modal screen draws its content in (these dialogs and the help)
MODAL_FRAME = """
border: thick $primary;
border-title-color: $text-primary;
border-title-style: bold;
border-subtitle-color: $text-muted;
background: $surface;
padding: 0 1;
"""

MODAL_CSS = (
    """
{name} {{
    align: center middle;
    & > Vertical {{
        width: 90%;
        max-width: 100;
        height: auto;
        max-height: 90%;
        """
    + MODAL_FRAME  # no braces: safe inside the .format template
    + """    }}
    .hint {{ color: $text-muted; height: auto; }}
    .steps {{ height: auto; }}
    .error {{ color: $text-error; background: $error-muted; height: auto; padding: 0 1; }}
    .error.-empty {{ display: none; }}
    Horizontal {{ height: auto; align-horizontal: right; }}
    Button {{ margin: 0 0 0 1; min-width: 10; }}
}}
"""
)


class PlainInput(Input):
    """An Input whose value never holds a control or bidi character: whatever is typed,
    pasted or set enters through `visible` (ESC shows as ␛), so the field never draws one
    raw and what is read from it is already escaped."""

    def validate_value(self, value: str) -> str:
        return visible(value)


def reading_notice(scenario: Any) -> str:
    """What the app says once the dialog's sentence is read: the sentence, then each word
    outside the vocabulary and what it became ("明天 → <unk>"). Plain text (the words are
    the user's): say it with markup=False."""
    tokens = list(scenario.tokens or [])
    message = _("Reading: {sentence}").format(sentence=" ".join(tokens))
    known = scenario.token_index()
    outside = [token for token in dict.fromkeys(tokens) if token not in known]
    changed = substitutions(outside, scenario.unknown)
    if changed:
        message += "\n" + _("Outside the vocabulary: {changes}").format(changes=", ".join(changed))
    return message


T = TypeVar("T")


class LineDialog(ModalScreen[T | None], Generic[T]):
    """A dialog around one line of input (a PlainInput with the id INPUT): enter or
    the primary button answers with what `read` makes of the line, or keeps the dialog
    open when `read` said why not (`error`: red, under the input); escape or Cancel
    dismisses with None. A subclass composes the input, `error_line()` and
    `buttons(...)`, and says how to `read` the line."""

    BINDINGS = [Binding("escape", "cancel", N_("cancel"))]
    INPUT = "line"
    """The id of the input."""
    ERROR = "line-error"
    """The id of the error line under it."""

    def error_line(self) -> Static:
        """The line that shows why the input is refused (hidden while empty)."""
        return Static("", id=self.ERROR, classes="error -empty")

    @staticmethod
    def buttons(ok: str) -> Horizontal:
        """The primary button (`ok`: what it does) and Cancel."""
        return Horizontal(Button(ok, variant="primary", id="ok"), Button(_("Cancel"), id="cancel"))

    def on_mount(self) -> None:
        self.query_one(f"#{self.INPUT}", Input).focus()

    def error(self, message: str) -> None:
        """Show `message` under the input (it quotes what was typed, paths, a loader's
        findings: plain text, never markup); "" hides it."""
        error = self.query_one(f"#{self.ERROR}", Static)
        error.update(Content(message))
        error.set_class(not message, "-empty")

    def read(self, text: str) -> T | None:
        """The answer `text` gives, or None after saying why not (`error`). The text
        entered through `visible` (PlainInput): quoting it back draws no control."""
        raise NotImplementedError

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def submit(self) -> None:
        answer = self.read(self.query_one(f"#{self.INPUT}", Input).value)
        if answer is not None:
            self.dismiss(answer)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class EditScreen(LineDialog[Any]):
    """Edit the input sentence: words separated by spaces, or written together (Chinese),
    cut into the vocabulary's words (scenario.segment). Under the input, as it is typed:
    the time steps it makes and what each word outside the vocabulary becomes. Dismisses
    with the scenario reading the new sentence, or None; an unknown word the scenario
    cannot read is said here, in red, and the screen stays open."""

    DEFAULT_CSS = MODAL_CSS.format(name="EditScreen")
    INPUT = "sentence"
    ERROR = "edit-error"

    def __init__(self, scenario: Any) -> None:
        super().__init__()
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        scenario = self.scenario
        words = scenario.vocab or []
        known = ", ".join(words[:60]) + (" …" if len(words) > 60 else "")
        unknown = (
            _("Words outside it become {unknown}.").format(unknown=scenario.unknown)
            if scenario.unknown
            else _("Words outside it are refused (this scenario has no unknown token).")
        )
        with Vertical() as box:
            box.border_title = _("Edit the input sentence")
            box.border_subtitle = _("enter reads it · escape cancels")
            yield Static(
                Content(
                    _(
                        "Words separated by spaces, or written together (明天天气怎么样？): "
                        "cut into the vocabulary's words. Each word is one time step."
                    )
                ),
                classes="hint",
            )
            yield PlainInput(" ".join(scenario.tokens or []), id="sentence")
            yield Static("", id="edit-steps", classes="steps")
            yield self.error_line()
            vocabulary = _("Vocabulary ({n}): {known}.").format(n=len(words), known=known)
            yield Static(Content(f"{vocabulary} {unknown}"), id="vocabulary", classes="hint")
            yield self.buttons(_("Read it"))

    def on_mount(self) -> None:  # LineDialog.on_mount focuses the input
        self._show_steps(self.query_one("#sentence", Input).value)

    def segmentation(self, text: str) -> Segmentation:
        """`text` cut into the scenario's tokens, and those outside its vocabulary."""
        return segment(text, self.scenario.token_index())

    @on(Input.Changed, "#sentence")
    def _typed(self, event: Input.Changed) -> None:
        self._show_steps(event.value)

    def _show_steps(self, text: str) -> None:
        """Under the input: the time steps `text` makes, each word outside the vocabulary
        with what becomes of it. Typed words are data: Content, never markup."""
        tokens, outside = self.segmentation(text)
        steps = self.query_one("#edit-steps", Static)
        if not tokens:
            steps.update("")
            return
        count = ngettext("{n} step: ", "{n} steps: ", len(tokens)).format(n=len(tokens))
        parts: list[Any] = [(count, "dim")]
        for i, token in enumerate(tokens):
            if i:
                parts.append((" · ", "dim"))
            parts.append((token, "bold" if token not in outside else "bold $text-warning"))
        changed = substitutions(outside, self.scenario.unknown)
        if changed:
            parts.append(("\n" + _("Outside the vocabulary: "), "$text-warning"))
            parts.append(", ".join(changed))
        elif outside:
            parts.append(("\n" + _("Not in the vocabulary (refused): "), "$text-error"))
            parts.append(", ".join(outside))
        steps.update(Content.assemble(*parts))

    def read(self, text: str) -> Any:
        """The scenario reading `text`, or None after saying what is wrong. The words
        typed entered through `visible` (PlainInput), and with_tokens escapes them as the
        loader does: a pasted control character becomes a visible (unknown) word. Words
        written together are cut into the vocabulary's (scenario.segment)."""
        tokens, _outside = self.segmentation(text)
        if not tokens:
            self.error(_("The sentence is empty: type at least one word."))
            return None
        try:
            return self.scenario.with_tokens(tokens)
        except ValueError as e:
            self.error(_("{error}. Known words are listed below.").format(error=e))
            return None


class ScenarioTree(DirectoryTree):
    """A directory tree showing only folders and .toml files (hidden ones left out);
    every name as written, control characters shown visibly (␛, ␇, …)."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p
            for p in paths
            if not p.name.startswith(".") and (self._safe_is_dir(p) or p.suffix == ".toml")
        ]

    def process_label(self, label: str | Text) -> Text:
        """A file name is data: plain text, escaped (DirectoryTree takes it as is)."""
        plain = label.plain if isinstance(label, Text) else label
        return Text(visible(plain))


class OpenScreen(LineDialog[Any]):
    """Pick a scenario file in a tree of .toml files, or type its path. Dismisses with
    the loaded Scenario, or None; a file that does not load keeps the screen open and
    shows every problem the loader found."""

    INPUT = "path"
    ERROR = "open-error"
    DEFAULT_CSS = (
        MODAL_CSS.format(name="OpenScreen")
        + """
    OpenScreen > Vertical { height: 90%; }
    OpenScreen ScenarioTree { height: 1fr; min-height: 3; background: $surface; }
    """
    )

    def __init__(self, root: Path | str = ".", current: Path | None = None) -> None:
        super().__init__()
        self.root = Path(root)
        self.current = current
        self._shown_current = visible(str(current or ""))
        """The current scenario's path as the input shows it (escaped)."""

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = _("Open a scenario")
            box.border_subtitle = _("enter opens · escape cancels · built-ins: ctrl+p")
            root = visible(str(self.root.resolve()))
            yield Label(
                Content(_("Scenario files (.toml) under {root}").format(root=root)), classes="hint"
            )
            yield ScenarioTree(self.root, id="tree")
            yield Label(_("or a path (or a built-in name):"), classes="hint")
            yield PlainInput(self._shown_current, placeholder="scenarios/intent.toml", id="path")
            yield self.error_line()
            yield self.buttons(_("Open"))

    def load(self, source: str | Path) -> Any:
        """The scenario at `source`, or None after showing what is wrong with it. Any
        failure to load (a broken file, a path the system refuses, ...) keeps the
        current scenario: the dialog stays open and says why."""
        if not str(source).strip():
            self.error(_("Choose a file in the tree or type a path."))
            return None
        try:
            return load_scenario(source)
        except ScenarioError as e:
            why = str(e)
        except (OSError, ValueError, RecursionError, MemoryError) as e:
            # the loader turns what it knows into ScenarioError; this is the rest (a
            # NUL in a typed path, a file the system refuses): still a message
            why = f"{source}: {reason(e) if isinstance(e, OSError) else e}"  # escaped below
        stays = _("Could not open it; the current scenario stays.")
        self.error(f"{stays}\n{visible(why, lines=True)}")
        return None

    @on(DirectoryTree.FileSelected)
    def file_selected(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one("#path", Input).value = str(event.path)  # PlainInput escapes it
        scenario = self.load(event.path)
        if scenario is not None:
            self.dismiss(scenario)

    def read(self, text: str) -> Any:
        """The scenario the typed path names (the current scenario's own path, shown
        escaped in the input, is opened as it is), or None after saying why not."""
        typed = text.strip()
        if self.current is not None and typed == self._shown_current.strip():
            return self.load(self.current)
        return self.load(typed)


class JumpScreen(LineDialog[int]):
    """Ask for a step t in 1..T. Dismisses with it, or None (escape, cancel); anything
    else typed (not a whole number, or outside 1..T) is refused in red under the input
    and the screen stays open."""

    DEFAULT_CSS = MODAL_CSS.format(name="JumpScreen")
    INPUT = "step"
    ERROR = "jump-error"

    def __init__(self, steps: int, t: int) -> None:
        super().__init__()
        self.steps = steps
        self.t = t
        """The step shown now (the input's placeholder)."""

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = _("Go to step")
            box.border_subtitle = _("enter goes · escape cancels")
            yield Label(_("The step to show, t = 1 … {steps}:").format(steps=self.steps))
            yield PlainInput(placeholder=str(self.t), id="step")
            yield self.error_line()
            yield self.buttons(_("Go"))

    def read(self, text: str) -> int | None:
        """The step `text` names, or None after saying why it is refused."""
        text = text.strip()
        if not text:
            self.error(_("Type a step from 1 to {steps}.").format(steps=self.steps))
            return None
        try:
            t = int(text)
        except ValueError:  # not a number (or too long to be one)
            self.error(
                _("“{text}” is not a step: type a whole number from 1 to {steps}.").format(
                    text=text[:40], steps=self.steps
                )
            )
            return None
        if not 1 <= t <= self.steps:
            self.error(
                _("There is no step {t}: t goes from 1 to {steps}.").format(
                    t=text[:40], steps=self.steps
                )
            )
            return None
        return t


class NoteScreen(LineDialog[str]):
    """Ask for a note to add to the recording at the step shown: one line of text, at
    most `limit` characters. Dismisses with it (stripped), or None (escape, cancel);
    an empty line is refused under the input."""

    DEFAULT_CSS = MODAL_CSS.format(name="NoteScreen")
    INPUT = "note"
    ERROR = "note-error"

    def __init__(self, t: int, limit: int) -> None:
        super().__init__()
        self.t = t
        """The step the note is made at (said in the dialog)."""
        self.limit = limit

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = _("Add a note to the recording")
            box.border_subtitle = _("enter adds it · escape cancels")
            yield Label(
                _(
                    "A line of text kept in the session at t = {t}; the replay and the export "
                    "show it (at most {limit} characters):"
                ).format(t=self.t, limit=self.limit),
                classes="hint",
            )
            yield PlainInput(max_length=self.limit, id="note")
            yield self.error_line()
            yield self.buttons(_("Add"))

    def read(self, text: str) -> str | None:
        """The note typed, or None after saying that it is empty."""
        text = text.strip()
        if not text:
            self.error(_("Type a line of text, or press escape to cancel."))
            return None
        return text
