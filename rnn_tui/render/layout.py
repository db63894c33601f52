"""Beside: renderables side by side, each at its natural width, stacked when they do not fit.

Rich's Columns and Table share out the width; heatmaps want their natural width (a
matrix squeezed into fewer columns wraps into bands and stops looking like a matrix).
Beside measures each part, puts them next to each other when the sum fits, and
otherwise stacks them, so a panel works at 80 columns and uses the room at 160.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment


class Beside:
    """parts: the renderables, left to right; gap: blank columns between them."""

    def __init__(self, parts: Sequence[RenderableType], *, gap: int = 3) -> None:
        self.parts = list(parts)
        self.gap = gap

    def _widths(self, console: Console, options: ConsoleOptions) -> list[int]:
        return [
            min(Measurement.get(console, options, part).maximum, options.max_width)
            for part in self.parts
        ]

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widths = self._widths(console, options)
        total = sum(widths) + self.gap * max(0, len(widths) - 1)
        return Measurement(max(widths, default=0), min(total, options.max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widths = self._widths(console, options)
        total = sum(widths) + self.gap * max(0, len(widths) - 1)
        if total > options.max_width or len(self.parts) < 2:
            for part in self.parts:
                yield from console.render(part, options)
            return
        columns = [
            console.render_lines(part, options.update(width=w, height=None), pad=True)
            for part, w in zip(self.parts, widths, strict=True)
        ]
        height = max(len(lines) for lines in columns)
        spacer = Segment(" " * self.gap)
        for y in range(height):
            for i, (lines, width) in enumerate(zip(columns, widths, strict=True)):
                if i:
                    yield spacer
                if y < len(lines):
                    yield from lines[y]
                else:
                    yield Segment(" " * width)
            yield Segment.line()


def window(size: int, focus: int, count: int) -> range:
    """`count` consecutive indices of range(size) around `focus` (all when they fit)."""
    count = max(1, min(count, size))
    start = min(max(0, focus - count // 2), size - count)
    return range(start, start + count)
