"""TokenStrip: the input sequence as a row of words, the current step highlighted.

The strip is laid out in reading order: left to right for a forward pass, and from
the end of the sentence for a backward one (``? it is time what``), so "the next
word" is always the one to the right. A second line gives each word's t. Sequences
too long for the width are windowed around the current step with "…" at the cut ends;
a pinned step (the input the memory measure follows) stays on screen beside the window,
on the side where it falls in reading order (x₁ at the left going forward, at the right
going backward), with "…" between.

Two optional lines colour each word's slot by a measure of that input at the current
step, relative to the row's largest value, with the numbers written in when asked
(without colour, shade glyphs): the influence ‖∂s_t/∂x_k‖ (∂, a local slope) and the
memory ‖s_t − s_t(x_k replaced)‖ (Δ, by re-running). Each line's caption follows it
when it fits, else it goes on a line of its own under them.
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
GAP = "…"
"""Where steps are left out of the strip."""


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
        memory: Sequence[float] | np.ndarray | None = None,
        memory_caption: str | tuple[str, ...] = "",
        memory_note: str = "",
        pinned: int | None = None,
        clickable: bool = False,
        legend: bool = True,
        mono: bool | None = None,
    ) -> None:
        """influence: (T,) ‖∂s_current/∂x_k‖ for every k, or None for no such line;
        influence_numbers: write the values of both measure lines in their slots;
        influence_caption: text after the line when it fits (what the line is), or a
        tuple of them from the fullest to the shortest, the first that fits shown;
        influence_note: shown on the line instead of the values (e.g. "computing…").
        memory, memory_caption, memory_note: the same for the memory line, (T,)
        ‖s_current − s_current(x_k replaced)‖. pinned: a step (1-based) kept on screen
        when the window leaves it out. clickable: each word carries {"probe": t} in its
        style's meta (a front end turns a click into a choice of t). legend: put the
        captions that do not fit beside their lines on lines of their own (False: leave
        them out)."""
        if direction not in ARROW:
            raise ValueError(f"direction must be forward, backward or both, not {direction!r}")
        if not 1 <= current <= steps:
            raise ValueError(f"current must be in 1..{steps}, not {current}")
        if tokens is not None and len(tokens) != steps:
            raise ValueError(f"{len(tokens)} tokens for {steps} steps")
        if influence is not None and len(influence) != steps:
            raise ValueError(f"{len(influence)} influence values for {steps} steps")
        if memory is not None and len(memory) != steps:
            raise ValueError(f"{len(memory)} memory values for {steps} steps")
        if pinned is not None and not 1 <= pinned <= steps:
            raise ValueError(f"pinned must be in 1..{steps}, not {pinned}")
        self.tokens = tokens
        self.influence = influence
        self.influence_numbers = influence_numbers
        self.influence_caption = influence_caption
        self.influence_note = influence_note
        self.memory = memory
        self.memory_caption = memory_caption
        self.memory_note = memory_note
        self.pinned = pinned
        self.clickable = clickable
        self.legend = legend
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
        measured = self.influence is not None or self.memory is not None
        numbers = 4 if self.influence_numbers and measured else 0
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
        """The steps shown at `width`, left to right: all when they fit, else a run
        around current (and the pinned step, when the run leaves it out)."""
        return [t for t in self.layout(width) if t is not None]

    def layout(self, width: int) -> list[int | None]:
        """The steps shown at `width`, left to right, None where "…" stands for the
        steps left out. Looks only at the slots near the current step, so a
        10,000-step sequence costs what a screenful does."""
        room = width - len(self._prefix)
        # every slot is at least 5 wide ("t=1" + 2): only short sequences can fit whole
        if self.steps * 5 <= room and sum(self._slot(t) for t in range(1, self.steps + 1)) <= room:
            return list(self.order)
        shown = self._run(room - 2)  # keep room for the two "…"
        pinned = self.pinned
        if pinned is not None and pinned not in shown:
            # the pinned step, and a third "…" between it and the run
            run = self._run(room - 3 - self._slot(pinned))
            shown = run if pinned in run else sorted([*run, pinned], key=self._position)
        out: list[int | None] = []
        last = -1
        for t in shown:
            i = self._position(t)
            if i != last + 1:
                out.append(None)
            out.append(t)
            last = i
        if last != self.steps - 1:
            out.append(None)
        return out

    def _run(self, room: int) -> list[int]:
        """The consecutive steps (in reading order) around current that fit `room`."""
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
        width = options.max_width
        items = self.layout(width)
        styles = self.styles
        words: list[Segment] = [Segment(self._prefix, styles["label"])]
        index: list[Segment] = [Segment(" " * len(self._prefix))]
        for t in items:
            if t is None:
                words.append(Segment(GAP, styles["unread"]))
                index.append(Segment(" "))
                continue
            slot = self._slot(t)
            word = _center(self.word(t), slot - 2)
            state = self._state(t)
            style = styles[state]
            if self.clickable:
                style = style + Style.from_meta({"probe": t})
            words.append(Segment(f" {word} ", style))
            mark = styles["label"] if state == "current" else styles["index"]
            if t == self.pinned and state != "current" and t not in self._run_steps(items):
                mark = styles["label"]  # the pinned step, out of the run: its t stands out
            index.append(Segment(f"t={t}".center(slot), mark))
        yield from words
        yield Segment.line()
        yield from index
        yield Segment.line()
        legend: list[tuple[str, tuple[str, ...]]] = []
        for prefix, values, caption, note in (
            ("∂", self.influence, self.influence_caption, self.influence_note),
            ("Δ", self.memory, self.memory_caption, self.memory_note),
        ):
            if values is None and not note:
                continue
            captions = (caption,) if isinstance(caption, str) else tuple(caption)
            line, placed = self._measure_line(prefix, values, note, captions, items, width, console)
            yield from line
            yield Segment.line()
            if values is not None and not placed and any(captions):
                legend.append((prefix, captions))
        for text in _legend(legend if self.legend else [], width - len(self._prefix)):
            yield Segment(" " * len(self._prefix) + text, styles["index"])
            yield Segment.line()

    def _run_steps(self, items: list[int | None]) -> set[int]:
        """The steps of the run that holds the current step (not a pinned one apart)."""
        out: set[int] = set()
        group: list[int] = []
        for t in [*items, None]:
            if t is None:
                if self.current in group:
                    out.update(group)
                group = []
            else:
                group.append(t)
        return out

    def _measure_line(
        self,
        prefix: str,
        row: Sequence[float] | np.ndarray | None,
        note: str,
        captions: tuple[str, ...],
        items: list[int | None],
        width: int,
        console: Console,
    ) -> tuple[list[Segment], bool]:
        """A measure under each shown word: colour (or shade) by the value relative to
        the row's largest, the number written in when asked, "·" where it is exactly
        zero; then the longest caption that fits. Returns the line and whether a
        caption was placed on it."""
        styles = self.styles
        out = [Segment(prefix.ljust(len(self._prefix)), styles["label"])]
        if row is None:
            out.append(Segment(note, styles["index"]))
            return out, True
        mono = is_mono(console, self.mono)
        finite = [float(v) for v in row if math.isfinite(v)]
        top = max(max(finite, default=0.0), 0.0)  # an overflowed one (inf, nan) is marked
        scale = ColorScale.unit()
        used = len(self._prefix)
        for t in items:
            if t is None:
                out.append(Segment(" "))
                used += 1
                continue
            value = float(row[t - 1])
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
        for caption in captions:
            if caption and used + 1 + cell_len(caption) <= width:
                out.append(Segment(" " + caption, styles["index"]))
                return out, True
        return out, False


def _legend(entries: list[tuple[str, tuple[str, ...]]], width: int) -> list[str]:
    """The captions that did not fit beside their lines, each after its line's mark:
    on one line when they fit together (the fullest that do), else a line each, the
    fullest caption that fits its line."""
    if not entries:
        return []
    deepest = max(len(captions) for _prefix, captions in entries)
    for depth in range(deepest):
        parts = [
            f"{prefix} {captions[min(depth, len(captions) - 1)]}" for prefix, captions in entries
        ]
        line = "   ".join(parts)
        if cell_len(line) <= width:
            return [line]
    lines = []
    for prefix, captions in entries:
        fitting = [c for c in captions if c and cell_len(f"{prefix} {c}") <= width]
        if fitting:
            lines.append(f"{prefix} {fitting[0]}")
    return lines


if __name__ == "__main__":  # pragma: no cover - a demo: python -m rnn_tui.render.tokens
    from rich.console import Console as _Console

    console = _Console()
    sentence = ["what", "time", "is", "it", "?"]
    for direction, t in (("forward", 2), ("backward", 4), ("both", 3)):
        console.print(TokenStrip(sentence, 5, t, direction))
    console.print(TokenStrip(None, 40, 20, "forward"), width=60)
