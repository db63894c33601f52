"""Figure: one titled heatmap panel, the unit the app stacks into its screen.

A header line holds the title, a detail (the equation) when there is room, and the
colour legend on the right; the heatmap follows, then notes (one or more lines of text,
e.g. "the output exists only after the last step"). Where the header is too narrow the
detail moves to a line of its own (or is dropped when `detail_line` is False or it does
not fit there either), then the legend moves under the heatmap.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from .heatmap import Heatmap, Legend, is_mono

GUTTER = 3
"""Spaces between the title, the detail and the legend."""


def _text(value: str | Text, style: Style | str | None) -> Text:
    if isinstance(value, Text):
        return value
    return Text(value, style=style or "")


class Figure:
    """title: what the heatmap shows; detail: the equation (dropped when narrow);
    heatmap: the data, or None when there is none to show; legend: its colour scale;
    notes: text lines under the heatmap. header_style: laid over the header's text (a
    background that sets panels apart without a blank line between them)."""

    def __init__(
        self,
        title: str | Text,
        *,
        detail: str | Text = "",
        heatmap: Heatmap | None = None,
        legend: Legend | None = None,
        notes: Sequence[RenderableType] = (),
        title_style: Style | str | None = "bold",
        detail_style: Style | str | None = "italic",
        detail_line: bool = True,
        header_style: Style | str | None = None,
    ) -> None:
        self.title = _text(title, title_style)
        self.detail = _text(detail, detail_style)
        self.heatmap = heatmap
        self.legend = legend
        self.notes = list(notes)
        self.detail_line = detail_line
        self.header_style = (
            Style.parse(header_style) if isinstance(header_style, str) else header_style
        )

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        width = self.title.cell_len
        if self.heatmap is not None:
            width = max(width, Measurement.get(console, options, self.heatmap).maximum)
        return Measurement(min(width, options.max_width), options.max_width)

    def _header(self, console: Console, width: int, mono: bool) -> tuple[list[Segment], bool, bool]:
        """The header line at `width`, whether the legend is in it, and the detail."""
        title = self.title.copy()
        title.truncate(width, overflow="ellipsis")
        legend_segments = list(self.legend.segments(mono)) if self.legend else []
        legend_width = sum(cell_len(s.text) for s in legend_segments)
        used = title.cell_len
        line = Text()
        line.append_text(title)
        detail = self.detail
        detail_in_header = (
            bool(detail)
            and used + GUTTER + detail.cell_len + (GUTTER + legend_width if legend_segments else 0)
            <= width
        )
        if detail_in_header:
            line.append(" " * GUTTER)
            line.append_text(detail)
            used += GUTTER + detail.cell_len
        with_legend = bool(legend_segments) and used + GUTTER + legend_width <= width
        line.append(" " * max(0, width - used - (legend_width if with_legend else 0)))
        segments = list(line.render(console, end=""))
        if self.header_style is not None:
            # over the text (whose styles may carry a background), under the legend's colours
            segments = list(Segment.apply_style(segments, post_style=self.header_style))
            legend_segments = list(Segment.apply_style(legend_segments, style=self.header_style))
        if with_legend:
            segments.extend(legend_segments)
        return segments, with_legend, detail_in_header

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        mono = is_mono(console, self.legend.mono if self.legend else None)
        header, legend_in_header, detail_in_header = self._header(console, width, mono)
        yield from header
        yield Segment.line()
        if self.detail and not detail_in_header and self.detail_line:
            if self.detail.cell_len <= width:
                yield from Text.assemble(self.detail).render(console, end="")
                yield Segment.line()
        if self.heatmap is not None:
            yield from console.render(self.heatmap, options)
        if self.legend is not None and not legend_in_header:
            yield from console.render(self.legend, options)
        for note in self.notes:
            yield from console.render(note, options)
