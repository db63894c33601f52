"""A lesson over the live app (`rnn-tui learn NAME`): the lesson panel beside the views
and the guide that walks the lesson's steps.

The panel sits under the views on a screen narrower than SIDE_PANEL columns and on
their right from there on. It shows the lesson's title, "step 3/6", the step's text,
and its task: a view task's hint (✓ once its check holds; then the next step comes by
itself after a short notice, ADVANCE_DELAY), or a question with numbered choices
(1-8 answer it while the panel has the focus, which a step gives it; a click on a
choice too) whose explanation shows after the first answer, right or wrong.

The guide applies a step as docs/lessons.md says: a step opens its scenario afresh
only when it names another one than the step before (or the student opened another
one); its view sets only the fields it gives, cell and merge through the app's changes
(as c and m), and every change of the view, the pane, the cell or the merge is checked
against the step's task. p and v (back to the step's view) open the step's scenario
afresh with the views of the steps before it that show that scenario, so a step looks
the same however the student got there. Progress through a built-in lesson is kept in
the settings folder (rnn_tui.lesson.progress).

Everything a lesson file says is data: plain Content, never markup (the loader has
made its control and bidi characters visible)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.style import Style
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from ..i18n import _
from ..lesson import progress
from ..lesson.model import Lesson, LessonStep, Task, ViewTarget
from ..lesson.schema import MAX_CHOICES
from ..present.position import View
from ..text import visible
from .app import RnnTuiApp
from .bars import KeyFooter
from .help import line_breaks
from .keys import LESSON_BINDINGS, LESSON_OPTIONAL_KEYS
from .workers import ModelWorkers

ADVANCE_DELAY = 1.0
"""Seconds the "✓ done" of a view task shows before the next step comes."""
SIDE_PANEL = 120
"""From this many columns on the panel stands on the right of the views, else under them."""
SIDE_WIDTH = (40, 60)
"""The side panel's width: 30 % of the screen, within these columns."""
BOTTOM_HEIGHT = (6, 12)
"""The panel under the views: a third of the screen's rows, within these."""


Block = tuple[Content, Content]
"""A paragraph of the panel: its lead ("▶ ", "✓ 1 ", or none) and its text."""


def _click(action: str) -> Style:
    """A style that runs the app's `action` on a click (our own action strings only)."""
    return Style.from_meta({"@click": f"app.{action}"})


# ------------------------------------------------------------------------ the panel
class WrappedText(Widget):
    """Paragraphs wrapped to the widget's width between words and between any two
    Chinese characters (help.line_breaks: Textual breaks lines at spaces only, which
    leaves a line of Chinese half empty), each with an optional lead ("1 ", "▶ ") its
    later lines are indented by."""

    DEFAULT_CSS = "WrappedText { height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.blocks: list[tuple[Content, Content]] = []
        """(lead, text) of each paragraph."""

    def update(self, blocks: list[tuple[Content, Content]]) -> None:
        self.blocks = blocks
        self.refresh(layout=True)

    @property
    def plain(self) -> str:
        """What it says, a paragraph a line, leads included."""
        return "\n".join((lead + text).plain for lead, text in self.blocks)

    def lines(self, width: int) -> list[Content]:
        """Its lines at `width` cells."""
        out: list[Content] = []
        for lead, text in self.blocks:
            hang = lead.cell_length if width - lead.cell_length >= 12 else 0
            body = text if hang else lead + text
            breaks = line_breaks(body.plain, max(width - hang, 1))
            pieces = [piece.rstrip() for piece in body.divide(breaks)]
            pad = Content(" " * hang)
            out += [(lead if hang else Content("")) + pieces[0], *(pad + p for p in pieces[1:])]
        return out

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Content:
        return Content("\n").join(self.lines(self.content_size.width))


class LessonScroll(VerticalScroll, inherit_bindings=False):
    """The step's text and task, scrolling. In focus (a step gives it the focus; v gives
    it back) 1-8 answer the question shown, and PageUp / PageDown scroll it. Its keys
    are only these: ← → and the others stay the app's. A number that answers nothing
    (no question open, no such choice) falls through to the app: 1-6 show the views;
    so do PageUp / PageDown when the lesson fits the panel."""

    BINDINGS = [
        *(Binding(str(k), f"app.lesson_answer({k})", show=False) for k in range(1, 9)),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
    ]
    assert MAX_CHOICES <= 8  # one digit a choice

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """PageUp / PageDown scroll the lesson when it is longer than the panel, else
        they are the app's (the view shown scrolls)."""
        if action in ("page_up", "page_down"):
            return self.max_scroll_y > 0
        return super().check_action(action, parameters)


class LessonPanel(Vertical):
    """The lesson beside the views: a head line (title; ◀ p, step k/N, n ▶, each a
    button), then the step's text and its task in a LessonScroll."""

    DEFAULT_CSS = """
    LessonPanel {
        background: $surface;
        #lesson-head { height: 1; background: $primary-muted; padding: 0 1; }
        #lesson-title {
            width: 1fr; color: $text-primary; text-style: bold;
            text-wrap: nowrap; text-overflow: ellipsis;
        }
        #lesson-nav { width: auto; padding-left: 1; link-style: none; }
        #lesson-scroll { height: 1fr; padding: 0 1; scrollbar-size-vertical: 1; }
        #lesson-text { margin-bottom: 1; }
        #lesson-task, #lesson-answer { link-style: none; link-style-hover: reverse; }
        #lesson-answer { margin-top: 1; }
        #lesson-answer.-empty { display: none; }
    }
    """

    def compose(self) -> ComposeResult:
        with Horizontal(id="lesson-head"):
            yield Static(id="lesson-title")
            yield Static(id="lesson-nav")
        with LessonScroll(id="lesson-scroll"):
            yield WrappedText(id="lesson-text")
            yield WrappedText(id="lesson-task")
            yield WrappedText(id="lesson-answer")

    def show(
        self,
        title: Content,
        nav: Content,
        text: list[Block],
        task: list[Block],
        answer: list[Block],
    ) -> None:
        """Draw a step: the head line's title and buttons, its text, its task, and the
        answer to its question with the explanation (when answered)."""
        self.query_one("#lesson-title", Static).update(title)
        self.query_one("#lesson-nav", Static).update(nav)
        self.query_one("#lesson-text", WrappedText).update(text)
        self.query_one("#lesson-task", WrappedText).update(task)
        shown = self.query_one("#lesson-answer", WrappedText)
        shown.update(answer)
        shown.set_class(not answer, "-empty")

    def part(self, name: str) -> str:
        """What one part says, as plain text: "title", "nav", "text", "task" or "answer"."""
        if name in ("text", "task", "answer"):
            return self.query_one(f"#lesson-{name}", WrappedText).plain
        return str(self.query_one(f"#lesson-{name}", Static).visual)

    @property
    def scroll(self) -> LessonScroll:
        return self.query_one(LessonScroll)


# ------------------------------------------------------------------------ the guide
_WIDE_CHAR = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
"""A CJK character or full-width punctuation. Lines of Chinese join without a space, and
next to full-width punctuation; "t = 50" and "之前" keep theirs, as the lessons write it."""
_WIDE_PUNCTUATION = re.compile(r"[\u3000-\u303f\ufe30-\ufe4f\uff00-\uffef]")
_LIST_ITEM = re.compile(r"\s*(?:[-•*]|\d+[.)])\s")


def reflow(text: str) -> str:
    """A lesson's text for the panel's width: the lines of a paragraph, broken where
    the file wraps them, joined (with a space, none between Chinese characters); a
    blank line still parts paragraphs and a list item ("- ", "1. ") starts a line."""
    paragraphs: list[str] = []
    current = ""
    for raw in text.strip("\n").split("\n"):
        line = raw.strip()
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            if paragraphs and paragraphs[-1]:
                paragraphs.append("")
            continue
        if not current:
            current = line
        elif _LIST_ITEM.match(raw):
            paragraphs.append(current)
            current = line
        elif (
            _WIDE_PUNCTUATION.match(current[-1])
            or _WIDE_PUNCTUATION.match(line[0])
            or (_WIDE_CHAR.match(current[-1]) and _WIDE_CHAR.match(line[0]))
        ):
            current += line
        else:
            current += " " + line
    if current:
        paragraphs.append(current)
    return "\n".join(paragraphs).strip("\n")


def merged(*targets: ViewTarget) -> ViewTarget:
    """The view the targets set one after the other (a later field replaces an earlier)."""
    fields: dict[str, Any] = {}
    for target in targets:
        fields.update(target.given())
    return ViewTarget(**fields)


def target_words(target: ViewTarget) -> str:
    """A view target as a lesson file writes it: "t = 10 · pane = memory"."""
    return " · ".join(f"{name} = {value}" for name, value in target.given().items())


class LessonGuide:
    """Walks a lesson over the app: applies its steps, checks their tasks on every
    change of the screen, takes the answers, keeps the progress, draws the panel."""

    def __init__(
        self, app: LessonApp, lesson: Lesson, start: int = 0, progress_file: Path | None = None
    ) -> None:
        """start: the step to open first (0-based); progress_file: where the progress of
        a built-in lesson is kept (None: nowhere)."""
        if not 0 <= start < len(lesson.steps):
            raise ValueError(f"start: expected 0..{len(lesson.steps) - 1}, found {start}")
        self.app = app
        self.lesson = lesson
        self.index = start
        """The step shown, 0-based (as in Lesson.steps)."""
        self.done = False
        """Has the step's task been done (its check held, its question answered right)?"""
        self.answers: list[int] = []
        """The choices taken at this step's question, in order (1-based)."""
        self.notice = ""
        """What the panel says under the task (done, the first or the last step)."""
        self.advance_delay = ADVANCE_DELAY
        self.progress_file = progress_file
        self.furthest = start
        """The furthest step reached (0-based), kept as the progress."""
        self.applying = True
        """A step is being applied (or none yet): its changes are not the student's."""
        self._timer: Timer | None = None
        self._opened: dict[str, Any] = {}
        """Each scenario of the lesson as loaded (by source), opened afresh from these."""
        self._shown: tuple[str, Path | None] | None = None
        """The name and path of the scenario the lesson last opened."""
        self._warned = False
        self._recorded: tuple[int, bool] = (-1, False)
        """The furthest step and the done last written."""

    @property
    def step(self) -> LessonStep:
        return self.lesson.steps[self.index]

    @property
    def last(self) -> bool:
        return self.index == len(self.lesson.steps) - 1

    # -- moving
    def begin(self) -> None:
        """The first step, on the scenario the app was opened on (make_app opens it)."""
        scenario = self.app.scenario
        self._opened[str(self.step.source)] = scenario
        self._shown = (scenario.name, scenario.path)
        if self.progress_file is not None and self.lesson.builtin:
            reached, _problems = progress.read(self.progress_file)
            before = reached.get(self.lesson.name)
            if before is not None:
                self.furthest = max(self.furthest, before.step - 1)
        self.app.watch(self.app.screen, "focused", self._focus_moved, init=False)
        self.go(self.index, fresh=True)

    def go(self, index: int, *, fresh: bool) -> None:
        """Show step `index`: its scenario (afresh when `fresh`, when it names another
        one than the step before, or when the student opened another), its view, its
        text and task; the panel takes the focus."""
        self._stop_timer()
        coming_from = self.index
        self.index, self.done, self.answers, self.notice = index, False, [], ""
        step = self.step
        before = self.lesson.steps[coming_from] if coming_from != index else None
        other = before is not None and str(before.source) != str(step.source)
        scenario = self.app.scenario
        moved_away = (scenario.name, scenario.path) != self._shown
        self.applying = True
        try:
            if fresh or other or moved_away:
                self._open_afresh()
            else:
                self._apply(step.view_target())
        finally:
            self.applying = False
        self.app.clear_notifications()  # what the switches said: the step's text says more
        task = step.task
        if task is not None and task.kind == "view" and self._holds(task):
            self.done = True  # already (the student was there): n goes on
            self.notice = _("✓ Already done: n goes on.")
        self.furthest = max(self.furthest, index)
        self._remember(self.last and (task is None or self.done))
        panel = self.app.query_one(LessonPanel)
        panel.scroll.scroll_home(animate=False, immediate=True)
        panel.scroll.focus(scroll_visible=False)
        self.show()

    def move(self, delta: int) -> None:
        """n (1) and p (-1): the next step (its view set on the screen as it is), or
        the one before (opened afresh, as the lesson shows it); at either end, say so."""
        target = self.index + delta
        if target < 0:
            self.notice = _("This is the lesson's first step.")
        elif target >= len(self.lesson.steps):
            self._stop_timer()
            self._remember(True)
            self.notice = _("✓ That was the last step: the lesson is done (ctrl+q leaves).")
        else:
            self.go(target, fresh=delta < 0)
            return
        self.show()

    def back_to_view(self) -> None:
        """v: the step's scenario and view again, as the step showed them."""
        self._stop_timer()
        self.applying = True
        try:
            self._open_afresh()
        finally:
            self.applying = False
        self.app.clear_notifications()
        self.app.query_one(LessonScroll).focus(scroll_visible=False)
        self.show()

    def _open_afresh(self) -> None:
        """The step's scenario as loaded, then the views of the steps that show it up
        to this one (the view shown is `step` where none names one)."""
        steps = self.lesson.steps
        first = self.index
        while first > 0 and str(steps[first - 1].source) == str(steps[self.index].source):
            first -= 1
        target = merged(
            ViewTarget(pane="step"), *(s.view_target() for s in steps[first : self.index + 1])
        )
        source = steps[self.index].source
        scenario = self._opened.get(str(source))
        if scenario is None:
            from ..scenario import ScenarioError, load_scenario

            try:  # checked when the lesson was loaded; a file changed since is said
                scenario = self._opened[str(source)] = load_scenario(source)
            except ScenarioError as e:
                self.app.call_later(self.app.say, visible(str(e)), severity="error", timeout=8)
                self._apply(target)
                return
        if self.app.scenario is not scenario:
            self.app.changes.open_scenario(scenario)
        self.app.playing = False
        self.app.view = self.app.stage.clamp(View())
        self._shown = (scenario.name, scenario.path)
        self._apply(target)

    def _apply(self, target: ViewTarget) -> None:
        """Set the fields `target` gives: cell and merge as c and m do, then the
        position, then the view shown."""
        if target.cell is not None or target.merge is not None:
            self.app.changes.set_network(cell=target.cell, merge=target.merge)
        self.app.view = target.position(self.app.view)
        if target.pane is not None:
            self.app.action_show_pane(target.pane)

    def _advance(self) -> None:
        self._timer = None
        if not self.last:
            self.go(self.index + 1, fresh=False)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    # -- the tasks
    def _holds(self, task: Task) -> bool:
        network = self.app.stage.network
        return task.satisfied(self.app.view, self.app.pane, network.merge, network.cell)

    def changed(self) -> None:
        """The view, the pane, the cell or the merge changed: a view task that holds
        now is done, says so, and the next step comes after ADVANCE_DELAY."""
        task = self.step.task
        if self.applying or self.done or task is None or task.kind != "view":
            return
        if not self._holds(task):
            return
        self.done = True
        if self.last:
            self._remember(True)
            self.notice = _("✓ Done: that was the lesson's last step.")
        else:
            self.notice = _("✓ Done: on to the next step…")
            self._timer = self.app.set_timer(self.advance_delay, self._advance)
        self.show()

    def can_answer(self, choice: int) -> bool:
        """Does `choice` (1-based) answer an open question of this step?"""
        task = self.step.task
        return (
            task is not None
            and task.kind == "question"
            and not self.done
            and 1 <= choice <= len(task.choices)
        )

    def answer(self, choice: int) -> None:
        """Take `choice` (1-based) as the answer: ✓ or ✗, and the explanation."""
        task = self.step.task
        if task is None or not self.can_answer(choice):
            return
        self.answers.append(choice)
        if task.correct(choice):
            self.done = True
            if self.last:
                self._remember(True)
        self.show()
        answer = self.app.query_one("#lesson-answer", WrappedText)
        self.app.call_after_refresh(answer.scroll_visible, top=True, animate=False)

    def _remember(self, done: bool = False) -> None:
        """Keep the furthest step reached (and whether the lesson was done) for a
        built-in lesson; say once if the file cannot be written."""
        if self.progress_file is None or not self.lesson.builtin:
            return
        kept = (self.furthest, done or self._recorded[1])
        if kept == self._recorded:  # nothing new to write
            return
        self._recorded = kept
        problem = progress.record(self.lesson.name, self.furthest, done, path=self.progress_file)
        if problem and not self._warned:
            self._warned = True
            self.app.call_later(self.app.say, problem, severity="warning", timeout=6)

    def _focus_moved(self, _focused: Widget | None) -> None:
        task = self.step.task
        if task is not None and task.kind == "question" and not self.done:
            self.show()  # the line on how to answer depends on the focus

    # -- drawing
    def show(self) -> None:
        """Draw the step in the interface's language."""
        lesson, step = self.lesson, self.step
        nav = Content.assemble(
            ("◀ p", _click("lesson_step(-1)")),
            "  ",
            _("step {number}/{count}").format(number=self.index + 1, count=len(lesson.steps)),
            "  ",
            ("n ▶", _click("lesson_step(1)")),
        )
        panel = self.app.query_one(LessonPanel)
        panel.show(
            Content(lesson.title.shown()),
            nav,
            paragraphs(step.text.shown()),
            self._task(),
            self._answer(),
        )

    def _task(self) -> list[Block]:
        task = self.step.task
        blocks: list[Block] = []
        if task is None:
            if not self.notice:
                words = _("The lesson's last step.") if self.last else _("n: the next step.")
                blocks.append(_line(words, "$text-muted"))
        elif task.kind == "view":
            assert task.target is not None
            what = (
                task.hint.shown()
                if task.hint is not None
                else _("Bring the screen to {target}.").format(target=target_words(task.target))
            )
            blocks.append((Content.styled("▶ ", "bold $text-accent"), _styled(what, "bold")))
        else:
            blocks += self._question(task)
        if self.notice:
            style = "bold $text-success" if self.notice.startswith("✓") else "$text-muted"
            blocks.append(_line(self.notice, style))
        return blocks

    def _question(self, task: Task) -> list[Block]:
        blocks = [(Content(""), _styled(task.question.shown() if task.question else "", "bold"))]
        if not self.done:
            focused = self.app.screen.focused is self.app.query_one(LessonScroll)
            how = (
                _("Press 1–{count} to answer, or click a choice.")
                if focused
                else _("Click a choice, or press v, then 1–{count}.")
            )
            blocks.append(_line(how.format(count=len(task.choices)), "$text-muted"))
        for number, choice in enumerate(task.choices, start=1):
            mark = "  "
            if number in self.answers:
                mark = "✓ " if task.correct(number) else "✗ "
            click = _click(f"lesson_answer({number})")
            lead = Content.assemble((mark, "bold"), (f"{number} ", "bold $text-accent"))
            blocks.append((lead.stylize(click), Content(reflow(choice.shown())).stylize(click)))
        return blocks

    def _answer(self) -> list[Block]:
        """After an answer: right or not, and the explanation."""
        task = self.step.task
        if task is None or task.kind != "question" or not self.answers:
            return []
        if self.done:
            blocks = [_line(_("✓ Right."), "bold $text-success")]
        else:
            wrong = _("✗ Not {choice}: read why, then try again.")
            blocks = [_line(wrong.format(choice=self.answers[-1]), "bold $text-error")]
        if task.explanation is not None:
            blocks += paragraphs(task.explanation.shown())
        return blocks


def _line(text: str, style: str) -> Block:
    """A paragraph of ours, in one style."""
    return Content(""), Content.styled(text, style)


def _styled(text: str, style: str) -> Content:
    """A lesson's text (data: never markup), reflowed, in one style."""
    return Content(reflow(text)).stylize(style)


def paragraphs(text: str) -> list[Block]:
    """A lesson's text (data: never markup) as the panel's paragraphs, reflowed."""
    return [(Content(""), Content(line)) for line in reflow(text).split("\n")]


# ------------------------------------------------------------------------ the app
class LessonApp(RnnTuiApp, inherit_bindings=False):
    """The app with a lesson beside the views: p and n move between its steps, v brings
    back the step's view, 1-8 answer a question (LessonScroll); the rest as always."""

    BINDINGS = LESSON_BINDINGS
    FOOTER_OPTIONAL = LESSON_OPTIONAL_KEYS

    def __init__(
        self,
        scenario: Any,
        *,
        lesson: Lesson,
        start: int = 0,
        progress_file: Path | None = None,
        **kwargs: Any,
    ) -> None:
        """scenario: the one of step `start` (0-based), as loaded; progress_file: where
        a built-in lesson's progress is kept (None: nowhere)."""
        super().__init__(scenario, **kwargs)
        self.guide = LessonGuide(self, lesson, start, progress_file)

    def compose(self) -> ComposeResult:
        """The app's widgets, the views and the panel in one row (a column on a narrow
        screen: app.tcss), the footer under both, the whole width."""
        below: list[Widget] = []
        with Container(id="lesson-row"):
            with Vertical(id="lesson-main"):
                for widget in super().compose():
                    if isinstance(widget, (KeyFooter, ModelWorkers)):
                        below.append(widget)
                    else:
                        yield widget
            yield LessonPanel(id="lesson")
        yield from below

    def begin(self) -> None:
        self.guide.begin()

    # the panel's place: under the views, or on their right from SIDE_PANEL columns on
    def _panel_width(self) -> int:
        width = self.size.width
        if width < SIDE_PANEL:
            return 0
        return min(max(width * 3 // 10, SIDE_WIDTH[0]), SIDE_WIDTH[1])

    def body_width(self) -> int:
        return self.size.width - self._panel_width()

    def _on_resized(self) -> None:
        panel = self.query_one(LessonPanel)
        side = self._panel_width()
        self.screen.set_class(bool(side), "-lesson-side")
        self.screen.set_class(not side, "-lesson-bottom")
        if side:
            panel.styles.width, panel.styles.height = side, "1fr"
        else:
            rows = min(max(self.size.height // 3, BOTTOM_HEIGHT[0]), BOTTOM_HEIGHT[1])
            panel.styles.width, panel.styles.height = "1fr", rows
        super()._on_resized()

    # what the student changes is checked against the step's task
    def watch_view(self, view: View) -> None:
        super().watch_view(view)
        self.guide.changed()

    def watch_pane(self, pane: str) -> None:
        super().watch_pane(pane)
        self.guide.changed()

    def set_scenario(self, scenario: Any, message: str = "") -> None:
        super().set_scenario(scenario, message)
        self.guide.changed()
        if not self.guide.applying:  # a language switch, an edit: drawn again
            self.guide.show()

    # the lesson's actions
    def action_lesson_step(self, delta: int) -> None:
        """The lesson's next step (1) or the one before (-1)."""
        self.guide.move(delta)

    def action_lesson_view(self) -> None:
        """Back to the step's view: its scenario and view as the step set them."""
        self.guide.back_to_view()

    def action_lesson_answer(self, choice: int) -> None:
        """Answer the step's question with `choice` (1-based)."""
        self.guide.answer(choice)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A number answers only an open question that has that choice; else it falls
        through to the app's own key (1-6: the views)."""
        if action == "lesson_answer":
            choice = parameters[0] if parameters else None
            return isinstance(choice, int) and self.guide.can_answer(choice)
        return super().check_action(action, parameters)
