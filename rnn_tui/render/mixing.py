"""MixingBar: the final prediction as a mixture of the words, one stacked bar.

The tutorial's section 4 pictures the final state as a mixture of the words' colours.
Here each word's share is measured, not pictured: how much p(prediction) drops when that
word is replaced (engine.memory.Replaced.shares). The drops are clipped at 0 (a word
whose replacement raises p holds none of it up), normalised to the bar's width, and
each word gets a segment in its own colour with the word written in when it fits.
Without colour the segments alternate shades (█ ▓ ▒ ░) and keep their names, and a line
under the bar lists the largest shares in numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from rich.cells import cell_len
from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style

from .heatmap import is_mono

COLOURS = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
"""One colour per word in turn (Tableau 10): neighbours always differ."""
SHADES = "█▓▒░"
"""The segments' fill without colour, in turn."""
LIGHT = {"#76b7b2", "#edc948", "#ff9da7", "#bab0ac", "#f28e2b", "#59a14f"}
"""Colours that take dark text."""


def segment_widths(shares: Sequence[float], width: int) -> list[int]:
    """Each share's cells in a bar `width` cells wide: the positive finite shares
    normalised to the width, rounded by largest remainder (so they add up to it); 0 for
    the rest. All zeros when no share is positive."""
    clipped = [s if math.isfinite(s) and s > 0 else 0.0 for s in shares]
    total = sum(clipped)
    if total <= 0 or width <= 0:
        return [0] * len(clipped)
    exact = [s / total * width for s in clipped]
    cells = [int(math.floor(e)) for e in exact]
    spare = width - sum(cells)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - cells[i]), i))
    for i in order[:spare]:
        cells[i] += 1
    return cells


class MixingBar:
    """names: each input's name (the word, or x₁ …); shares: (T,) the drop in
    p(prediction) when each is replaced; order: the inputs (1-based) left to right
    (default 1 … T); label: what a line is called on the left ("mix");
    label_style, number_style: the styles of that and of the numbers line; numbers:
    how many of the largest shares that line writes out; caption: what the bar is,
    after the numbers when it fits there, else on a line of its own (a tuple: from
    the fullest to the shortest, the first that fits shown)."""

    def __init__(
        self,
        names: Sequence[str],
        shares: Sequence[float] | np.ndarray,
        *,
        order: Sequence[int] | None = None,
        label: str = "",
        label_style: Style | str | None = None,
        number_style: Style | str | None = None,
        numbers: int = 3,
        caption: str | tuple[str, ...] = "",
        mono: bool | None = None,
    ) -> None:
        if len(names) != len(shares):
            raise ValueError(f"{len(names)} names for {len(shares)} shares")
        self.names = [str(n) for n in names]
        self.shares = [float(s) for s in shares]
        self.order = list(order) if order is not None else list(range(1, len(names) + 1))
        if sorted(self.order) != list(range(1, len(names) + 1)):
            raise ValueError("order must list every input once")
        self.label = label
        self.label_style = Style.parse(label_style) if isinstance(label_style, str) else label_style
        self.number_style = (
            Style.parse(number_style) if isinstance(number_style, str) else number_style
        )
        self.numbers = numbers
        self.captions = (caption,) if isinstance(caption, str) else tuple(caption)
        self.mono = mono

    @property
    def positive(self) -> bool:
        """Does any input hold the prediction up (a positive finite share)?"""
        return any(math.isfinite(s) and s > 0 for s in self.shares)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(options.max_width, 10), options.max_width)

    def largest(self) -> list[int]:
        """The inputs (1-based) with the largest positive shares, largest first."""
        ranked = sorted(
            (k for k in range(1, len(self.shares) + 1) if self.shares[k - 1] > 0),
            key=lambda k: (-self.shares[k - 1], k),
        )
        return ranked[: self.numbers]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        mono = is_mono(console, self.mono)
        prefix = self.label + " " if self.label else ""
        width = max(1, options.max_width - cell_len(prefix))
        yield Segment(prefix, self.label_style)
        shares = [self.shares[k - 1] for k in self.order]
        cells = segment_widths(shares, width)
        if not any(cells):
            yield Segment("·" * width, self.number_style)
            yield Segment.line()
            yield from self._caption(cell_len(prefix), cell_len(prefix), options.max_width)
            return
        drawn = 0
        for k, size in zip(self.order, cells, strict=True):
            if size <= 0:
                continue
            name = self.names[k - 1]
            colour = COLOURS[(k - 1) % len(COLOURS)]
            if mono:
                fill = SHADES[drawn % len(SHADES)]
                text = self._named(f" {name} ", size, fill)
                style = Style(bold=True)
            else:
                text = self._named(name, size, " ")
                ink = "#000000" if colour in LIGHT else "#ffffff"
                style = Style(color=Color.parse(ink), bgcolor=Color.parse(colour))
            yield Segment(text, style)
            drawn += 1
        yield Segment(" " * (width - sum(cells)))
        yield Segment.line()
        # the numbers: the largest shares, as many as fit
        yield Segment(" " * cell_len(prefix))
        used = cell_len(prefix)
        for i, k in enumerate(self.largest()):
            part = f"{'  ' if i else ''}x{_sub(k)} {self.names[k - 1]} {self.shares[k - 1]:.2f}"
            if used + cell_len(part) > options.max_width:
                break
            yield Segment(part, self.number_style)
            used += cell_len(part)
        yield from self._caption(used, cell_len(prefix), options.max_width)

    def _caption(self, used: int, indent: int, width: int) -> RenderResult:
        """The fullest caption that fits after `used` cells or on a line of its own."""
        gap = 3 if used > indent else 0
        for caption in self.captions:
            if not caption:
                continue
            if used + gap + cell_len(caption) <= width:
                yield Segment(" " * gap + caption, self.number_style)
                yield Segment.line()
                return
            if indent + cell_len(caption) <= width:
                yield Segment.line()
                yield Segment(" " * indent + caption, self.number_style)
                yield Segment.line()
                return
        yield Segment.line()

    @staticmethod
    def _named(name: str, size: int, fill: str) -> str:
        """A segment `size` cells wide: the name with a fill cell either side when it
        fits, else the fill alone."""
        if cell_len(name) + (2 if name.strip() == name else 0) <= size:
            spare = size - cell_len(name)
            return fill * (spare // 2) + name + fill * (spare - spare // 2)
        return fill * size


def _sub(k: int) -> str:
    return str(k).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


if __name__ == "__main__":  # pragma: no cover - a demo: python -m rnn_tui.render.mixing
    from rich.console import Console as _Console

    words = ["what", "time", "is", "it", "?"]
    _Console().print(MixingBar(words, [0.05, 0.6, -0.02, 0.1, 0.2], label="mix"), width=60)
    _Console(no_color=True).print(MixingBar(words, [0.05, 0.6, -0.02, 0.1, 0.2]), width=60)
