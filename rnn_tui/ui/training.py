"""The training panel: a run of `t` as it goes, epoch by epoch (the loss as a sparkline,
the accuracy on the examples and on the held-out ones), and what it came to.

A thin shell over render.sparkline: ModelChanges mounts it above the footer when a run
starts and hands it the worker's reports (scenario.training.EpochReport, the figures
`rnn-tui train` prints); it stays after the run, with the final figures, until a click
on it, esc, or the next run."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.text import Text
from textual import events
from textual.reactive import reactive
from textual.widget import Widget

from ..i18n import _
from ..render.sparkline import Sparkline

RUNNING, DONE, NOT_APPLIED, STOPPED = "running", "done", "not applied", "stopped"
"""The states of a run, as the panel's third line says them."""


class TrainingView(Widget):
    """Three lines: the last epoch's figures (after the run: the CLI's final ones), the
    loss of every epoch as a sparkline that fills as the epochs come, and the run's state
    with the keys that act on it."""

    COMPONENT_CLASSES = {
        "training-view--value",
        "training-view--label",
        "training-view--curve",
        "training-view--state",
        "training-view--hint",
    }
    DEFAULT_CSS = """
    TrainingView {
        height: 3;
        padding: 0 1;
        background: $panel;
        & > .training-view--value { color: $text; text-style: bold; }
        & > .training-view--label { color: $text-muted; }
        & > .training-view--curve { color: $text-accent; }
        & > .training-view--state { color: $text-primary; text-style: bold; }
        & > .training-view--hint { color: $text-muted; }
    }
    """

    history: reactive[tuple[Any, ...]] = reactive(tuple)
    """Every epoch's report so far (scenario.training.EpochReport), oldest first."""
    state: reactive[str] = reactive(RUNNING)
    """running, done, not applied (the network changed meanwhile) or stopped."""

    def __init__(
        self,
        epochs: int,
        examples: int,
        heldout: int,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """epochs: the run's planned epochs; examples, heldout: how many of each the
        scenario has (heldout 0: none held out)."""
        super().__init__(name=name, id=id, classes=classes)
        self.epochs, self.examples, self.heldout = epochs, examples, heldout
        self.fitted: Any = None
        """What the run made (scenario.training.Fitted), once it is done."""

    # ------------------------------------------------------------------ the run
    def progress(self, history: tuple[Any, ...]) -> None:
        """More epochs ended (the worker's TrainingProgress)."""
        self.history = history

    def finish(self, history: tuple[Any, ...], fitted: Any, *, applied: bool) -> None:
        """The run ended: its final figures (the CLI's report) and whether the new weights
        are on screen."""
        self.fitted = fitted
        self.history = history
        self.state = DONE if applied else NOT_APPLIED

    def stop(self) -> None:
        """The run was stopped (t again): the curve so far stays."""
        if self.state == RUNNING:
            self.state = STOPPED

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.remove()

    # ------------------------------------------------------------------ drawing
    def figures(self) -> Text:
        """epoch e/E · loss · train accuracy on N · held-out accuracy on M (or that none
        are held out): the last epoch's, and after the run the accuracies of the weights
        it made, as `rnn-tui train` reports them."""
        value = self.get_component_rich_style("training-view--value")
        last = self.history[-1] if self.history else None
        accuracy = self.fitted.accuracy if self.fitted else last.accuracy if last else None
        heldout = (
            self.fitted.heldout_accuracy if self.fitted else last.heldout_accuracy if last else None
        )
        parts = [
            _("epoch {epoch}/{epochs}").format(epoch=last.epoch if last else 0, epochs=self.epochs)
        ]
        if last is not None:
            parts.append(_("loss {loss:.4f}").format(loss=last.loss))
        if accuracy is not None:
            parts.append(
                _("train {accuracy:.1%} on {count}").format(accuracy=accuracy, count=self.examples)
            )
        if not self.heldout:
            parts.append(_("no held-out examples"))
        elif heldout is not None:
            parts.append(
                _("held-out {accuracy:.1%} on {count}").format(accuracy=heldout, count=self.heldout)
            )
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, part in enumerate(parts):
            if i:
                text.append(" · ", self.get_component_rich_style("training-view--label"))
            text.append(part, value)
        return text

    def curve(self, width: int) -> Text:
        """loss, then one glyph an epoch (or a run of epochs) from 0 (▁) to the largest loss
        (█), which is written after it."""
        label = self.get_component_rich_style("training-view--label")
        losses = [report.loss for report in self.history]
        line = Sparkline(losses, capacity=self.epochs, low=0.0)
        head = _("loss") + " "
        tail = f"  ▁ 0 … █ {line.top():.4f}" if losses else ""
        room = max(width - cell_len(head) - cell_len(tail), 1)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(head, label)
        text.append(line.glyphs(room), self.get_component_rich_style("training-view--curve"))
        text.append(tail, label)
        return text

    def says(self) -> Text:
        """The run's state and the keys that act on it."""
        last = self.history[-1].epoch if self.history else 0
        state = {
            RUNNING: _("training…"),
            DONE: _("done: the new weights are shown"),
            NOT_APPLIED: _("done, not applied: the network changed"),
            STOPPED: _("stopped at epoch {epoch}: weights unchanged").format(epoch=last),
        }[self.state]
        hint = _("t stops") if self.state == RUNNING else _("t trains again · esc/click closes")
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(state, self.get_component_rich_style("training-view--state"))
        text.append(" · " + hint, self.get_component_rich_style("training-view--hint"))
        return text

    def render(self) -> RenderableType:
        return Group(self.figures(), self.curve(self.content_size.width), self.says())

    @property
    def plain(self) -> str:
        """The panel as plain text, its three lines."""
        width = self.content_size.width or 80
        return "\n".join(line.plain for line in (self.figures(), self.curve(width), self.says()))
