"""TokenStrip: the input sequence as a row of words, the current step highlighted.

The strip is laid out in reading order: left to right for a forward pass, and from
the end of the sentence for a backward one (``? it is time what``), so "the next
word" is always the one to the right. A second line gives each word's t. Sequences
too long for the width are windowed around the current step with "…" at the cut ends.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style

from .notation import sub

ARROW = {"forward": "→", "backward": "←", "both": "↔"}


def _center(text: str, width: int) -> str:
    """`text` centred in `width` terminal cells (wide characters count twice)."""
    spare = max(0, width - cell_len(text))
    return " " * (spare // 2) + text + " " * (spare - spare // 2)


class TokenStrip:
    """tokens: the words (or None for vectors: x₁, x₂, …); steps: T; current: the
    step shown, 1-based; direction: forward, backward or both. The styles mark the
    current word, the words already read in this direction and those not yet read."""

    def __init__(
        self,
        tokens: Sequence[str] | None,
        steps: int,
        current: int,
        direction: str = "forward",
        *,
        current_style: Style | str = "reverse bold",
        read_style: Style | str = "",
        unread_style: Style | str = "dim",
        index_style: Style | str = "dim",
        label_style: Style | str = "bold",
    ) -> None:
        if direction not in ARROW:
            raise ValueError(f"direction must be forward, backward or both, not {direction!r}")
        if not 1 <= current <= steps:
            raise ValueError(f"current must be in 1..{steps}, not {current}")
        if tokens is not None and len(tokens) != steps:
            raise ValueError(f"{len(tokens)} tokens for {steps} steps")
        self.words = (
            list(tokens) if tokens is not None else [f"x{sub(t)}" for t in range(1, 1 + steps)]
        )
        self.steps = steps
        self.current = current
        self.direction = direction
        self.styles = {
            name: Style.parse(style) if isinstance(style, str) else style
            for name, style in (
                ("current", current_style),
                ("read", read_style),
                ("unread", unread_style),
                ("index", index_style),
                ("label", label_style),
            )
        }

    @property
    def order(self) -> list[int]:
        """The steps (1-based) in display order: reading order."""
        steps = list(range(1, self.steps + 1))
        return steps[::-1] if self.direction == "backward" else steps

    def _state(self, t: int) -> str:
        if t == self.current:
            return "current"
        if self.direction == "both":
            return "read"
        done = t < self.current if self.direction == "forward" else t > self.current
        return "read" if done else "unread"

    def _slot(self, t: int) -> int:
        return max(cell_len(self.words[t - 1]), len(f"t={t}")) + 2

    @property
    def _prefix(self) -> str:
        return f"{ARROW[self.direction]} "

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        full = len(self._prefix) + sum(self._slot(t) for t in self.order)
        return Measurement(min(full, len(self._prefix) + self._slot(self.current) + 2), full)

    def window(self, width: int) -> list[int]:
        """The steps shown at `width`: all when they fit, else a run around current."""
        order = self.order
        room = width - len(self._prefix) - 2  # keep room for the two "…"
        if sum(self._slot(t) for t in order) <= width - len(self._prefix):
            return order
        i = j = order.index(self.current)
        used = self._slot(order[i])
        while True:
            grown = False
            if j + 1 < len(order) and used + self._slot(order[j + 1]) <= room:
                j += 1
                used += self._slot(order[j])
                grown = True
            if i > 0 and used + self._slot(order[i - 1]) <= room:
                i -= 1
                used += self._slot(order[i])
                grown = True
            if not grown:
                return order[i : j + 1]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        shown = self.window(options.max_width)
        cut_left = shown[0] != self.order[0]
        cut_right = shown[-1] != self.order[-1]
        styles = self.styles
        words: list[Segment] = [Segment(self._prefix, styles["label"])]
        index: list[Segment] = [Segment(" " * len(self._prefix))]
        if cut_left:
            words.append(Segment("…", styles["unread"]))
            index.append(Segment(" "))
        for t in shown:
            slot = self._slot(t)
            word = _center(self.words[t - 1], slot - 2)
            state = self._state(t)
            words.append(Segment(f" {word} ", styles[state]))
            mark = styles["label"] if state == "current" else styles["index"]
            index.append(Segment(f"t={t}".center(slot), mark))
        if cut_right:
            words.append(Segment("…", styles["unread"]))
        yield from words
        yield Segment.line()
        yield from index
        yield Segment.line()


if __name__ == "__main__":  # pragma: no cover - a demo: python -m rnn_tui.render.tokens
    from rich.console import Console as _Console

    console = _Console()
    sentence = ["what", "time", "is", "it", "?"]
    for direction, t in (("forward", 2), ("backward", 4), ("both", 3)):
        console.print(TokenStrip(sentence, 5, t, direction))
    console.print(TokenStrip(None, 40, 20, "forward"), width=60)
