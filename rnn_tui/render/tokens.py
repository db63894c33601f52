"""TokenStrip: the input sequence as a row of words, the current step highlighted.

The strip is laid out in reading order: left to right for a forward pass, and from
the end of the sentence for a backward one (``? it is time what``), so "the next
word" is always the one to the right. A second line gives each word's t. Sequences
too long for the width are windowed around the current step with "…" at the cut ends.

An optional third line, the influence strip, colours each word's slot by how strongly
that input still affects the current state (‖∂s_t/∂x_k‖, relative to the largest one),
with the numbers written in when asked; without colour, shade glyphs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style

from .heatmap import is_mono
from .notation import sub
from .palette import ColorScale, format_value, mark, mark_style, special_code

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
        influence: Sequence[float] | np.ndarray | None = None,
        influence_numbers: bool = False,
        influence_caption: str | tuple[str, ...] = "",
        influence_note: str = "",
        mono: bool | None = None,
    ) -> None:
        """influence: (T,) ‖∂s_current/∂x_k‖ for every k, or None for no third line;
        influence_numbers: write the values in their slots; influence_caption: text
        after the strip when it fits (what the line is), or a tuple of them from the
        fullest to the shortest, the first that fits shown; influence_note: shown on the
        third line instead of the strip (e.g. "computing…")."""
        if direction not in ARROW:
            raise ValueError(f"direction must be forward, backward or both, not {direction!r}")
        if not 1 <= current <= steps:
            raise ValueError(f"current must be in 1..{steps}, not {current}")
        if tokens is not None and len(tokens) != steps:
            raise ValueError(f"{len(tokens)} tokens for {steps} steps")
        if influence is not None and len(influence) != steps:
            raise ValueError(f"{len(influence)} influence values for {steps} steps")
        self.tokens = tokens
        self.influence = influence
        self.influence_numbers = influence_numbers
        self.influence_caption = influence_caption
        self.influence_note = influence_note
        self.mono = mono
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
    def words(self) -> list[str]:
        """The words (x₁, x₂, … for vectors)."""
        if self.tokens is not None:
            return list(self.tokens)
        return [f"x{sub(t)}" for t in range(1, 1 + self.steps)]

    def word(self, t: int) -> str:
        """The word at step t (1-based)."""
        return self.tokens[t - 1] if self.tokens is not None else f"x{sub(t)}"

    @property
    def order(self) -> list[int]:
        """The steps (1-based) in display order: reading order."""
        steps = list(range(1, self.steps + 1))
        return steps[::-1] if self.direction == "backward" else steps

    def _at(self, i: int) -> int:
        """The step shown at position i (0-based) of the reading order."""
        return self.steps - i if self.direction == "backward" else i + 1

    def _position(self, t: int) -> int:
        return self.steps - t if self.direction == "backward" else t - 1

    def _state(self, t: int) -> str:
        if t == self.current:
            return "current"
        if self.direction == "both":
            return "read"
        done = t < self.current if self.direction == "forward" else t > self.current
        return "read" if done else "unread"

    def _slot(self, t: int) -> int:
        numbers = 4 if self.influence_numbers and self.influence is not None else 0
        return max(cell_len(self.word(t)), len(f"t={t}"), numbers) + 2

    @property
    def _prefix(self) -> str:
        return f"{ARROW[self.direction]} "

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        smallest = len(self._prefix) + self._slot(self.current) + 2
        if self.steps * 5 > options.max_width:  # every slot is at least 5 wide: cannot fit
            return Measurement(smallest, options.max_width)
        full = len(self._prefix) + sum(self._slot(t) for t in self.order)
        return Measurement(min(full, smallest), full)

    def window(self, width: int) -> list[int]:
        """The steps shown at `width`: all when they fit, else a run around current.
        Looks only at the slots near the current step, so a 10,000-step sequence costs
        what a screenful does."""
        room = width - len(self._prefix)
        # every slot is at least 5 wide ("t=1" + 2): only short sequences can fit whole
        if self.steps * 5 <= room and sum(self._slot(t) for t in range(1, self.steps + 1)) <= room:
            return self.order
        room -= 2  # keep room for the two "…"
        i = j = self._position(self.current)
        used = self._slot(self.current)
        last = self.steps - 1
        while True:
            grown = False
            if j < last and used + self._slot(self._at(j + 1)) <= room:
                j += 1
                used += self._slot(self._at(j))
                grown = True
            if i > 0 and used + self._slot(self._at(i - 1)) <= room:
                i -= 1
                used += self._slot(self._at(i))
                grown = True
            if not grown:
                return [self._at(k) for k in range(i, j + 1)]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        shown = self.window(options.max_width)
        cut_left = shown[0] != self._at(0)
        cut_right = shown[-1] != self._at(self.steps - 1)
        styles = self.styles
        words: list[Segment] = [Segment(self._prefix, styles["label"])]
        index: list[Segment] = [Segment(" " * len(self._prefix))]
        if cut_left:
            words.append(Segment("…", styles["unread"]))
            index.append(Segment(" "))
        for t in shown:
            slot = self._slot(t)
            word = _center(self.word(t), slot - 2)
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
        if self.influence is not None or self.influence_note:
            yield from self._influence_line(shown, cut_left, options.max_width, console)
            yield Segment.line()

    def _influence_line(
        self, shown: list[int], cut_left: bool, width: int, console: Console
    ) -> list[Segment]:
        """‖∂s_t/∂x_k‖ under each shown word: colour (or shade) by the value relative to
        the largest, the number written in when asked, "·" where it is exactly zero."""
        styles = self.styles
        out = [Segment("∂".ljust(len(self._prefix)), styles["label"])]
        if self.influence is None:
            out.append(Segment(self.influence_note, styles["index"]))
            return out
        if cut_left:
            out.append(Segment(" "))
        mono = is_mono(console, self.mono)
        values = [float(self.influence[t - 1]) for t in shown]
        finite = [float(v) for v in self.influence if math.isfinite(v)]
        top = max(max(finite, default=0.0), 0.0)  # an overflowed one (inf, nan) is marked
        scale = ColorScale.unit()
        used = len(self._prefix) + (1 if cut_left else 0)
        for t, value in zip(shown, values, strict=True):
            slot = self._slot(t)
            block = slot - 2  # under the word, a blank column either side
            relative = value / top if top > 0 else 0.0
            special = special_code(value)
            if value == 0.0:
                text, style = "·".center(block), styles["index"]
            elif special is not None:
                text, style = mark(special, block), Style() if mono else mark_style(special)
            else:
                code = int(scale.codes(np.array([relative]))[0])
                text = format_value(value, block).center(block) if self.influence_numbers else ""
                if mono:
                    text = text or scale.glyph(code) * block
                    style = Style(bold=True) if t == self.current else Style()
                else:
                    color = scale.color(code)
                    ink = "#000000" if relative > 0.55 else "#ffffff"
                    style = Style(color=ink, bgcolor=color)
                    text = text or " " * block
            out.append(Segment(" "))
            out.append(Segment(text, style))
            out.append(Segment(" "))
            used += slot
        # the longest caption that fits (a tuple: from the fullest to the shortest)
        captions = self.influence_caption
        for caption in (captions,) if isinstance(captions, str) else captions:
            if caption and used + 1 + cell_len(caption) <= width:
                out.append(Segment(" " + caption, styles["index"]))
                break
        return out


if __name__ == "__main__":  # pragma: no cover - a demo: python -m rnn_tui.render.tokens
    from rich.console import Console as _Console

    console = _Console()
    sentence = ["what", "time", "is", "it", "?"]
    for direction, t in (("forward", 2), ("backward", 4), ("both", 3)):
        console.print(TokenStrip(sentence, 5, t, direction))
    console.print(TokenStrip(None, 40, 20, "forward"), width=60)
