"""Curves: small charts of values over t = 1…T, in vertical eighth blocks (▁▂▃▄▅▆▇█).

Each series is one row (or a few) of columns that stand for steps. The chart is bounded
by the width, not by T: when T is larger than the columns, a column covers a run of
steps and shows their mean; when it is smaller, each step gets the same number of
columns. The labels are laid out first and never cut: the series' name on its left (on
a line of its own when the width is narrow), its top and bottom ticks when it is more
than a row tall, the value at the current step on its right, and under the chart an
axis reading t=1 … t=T with the current step marked ▲. The blocks carry the values, so
the chart reads the same without colour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style

from .bars import COLUMNS
from .palette import SPECIAL_GLYPHS, format_tick, format_value, special_code

MIN_PLOT = 8
"""Fewer columns than this for the blocks: the names move to lines of their own."""
VALUE_WIDTH = 5
"""Cells of the value written after each series (format_value)."""
MARKER = "▲"


@dataclass(frozen=True)
class Series:
    """One curve: label, its name on the left; values (T,); low, high: the range of the
    blocks (high None: the largest finite value, 1 when none is above low); height: rows;
    ticks: write high and low beside it (when more than one row tall)."""

    label: str
    values: Sequence[float] | np.ndarray
    low: float = 0.0
    high: float | None = None
    height: int = 1
    style: Style | str | None = None
    ticks: bool = True

    def top(self) -> float:
        """The value a full column stands for."""
        if self.high is not None:
            return float(self.high)
        values = np.asarray(self.values, dtype=float).ravel()
        finite = values[np.isfinite(values)]
        best = float(finite.max()) if finite.size else self.low
        return best if best > self.low else self.low + 1.0


def columns(steps: int, plot: int) -> list[range]:
    """The steps (0-based) each column stands for: `plot` columns at most, every step in
    one; each step gets plot // steps columns when they are fewer."""
    if steps <= 0 or plot <= 0:
        return []
    if steps <= plot:
        width = plot // steps
        return [range(t, t + 1) for t in range(steps) for _ in range(width)]
    return [range(c * steps // plot, (c + 1) * steps // plot) for c in range(plot)]


def columns_of(spans: list[range], t: int) -> list[int]:
    """The columns standing for step t (0-based): one or more, or none."""
    return [c for c, span in enumerate(spans) if t in span]


def _style(style: Style | str | None) -> Style | None:
    return Style.parse(style) if isinstance(style, str) else style


class Curves:
    """series: the curves, top to bottom, over the same steps; current: the step marked
    (1-based, or None); axis: draw the t axis under them. The styles: names and ticks
    (label), the axis (axis), the values after each curve (value), and the current
    step's column and marker (marker)."""

    def __init__(
        self,
        series: Sequence[Series],
        *,
        current: int | None = None,
        axis: bool = True,
        label_style: Style | str | None = None,
        axis_style: Style | str | None = "dim",
        value_style: Style | str | None = None,
        marker_style: Style | str | None = "bold",
    ) -> None:
        if not series:
            raise ValueError("Curves needs at least one series")
        steps = len(series[0].values)
        if steps == 0:
            raise ValueError("a series has no values")
        for s in series:
            if len(s.values) != steps:
                raise ValueError(f"series {s.label!r} has {len(s.values)} values, not {steps}")
            if s.height < 1:
                raise ValueError(f"series {s.label!r}: height must be at least 1")
        if current is not None and not 1 <= current <= steps:
            raise ValueError(f"current must be in 1..{steps}, not {current}")
        self.series = list(series)
        self.steps = steps
        self.current = current
        self.axis = axis
        self.styles = {
            "label": _style(label_style),
            "axis": _style(axis_style),
            "value": _style(value_style),
            "marker": _style(marker_style),
        }

    # ------------------------------------------------------------------ layout
    def _ticks(self, s: Series) -> tuple[str, str]:
        if s.height < 2 or not s.ticks:
            return "", ""
        return format_tick(s.top()), format_tick(s.low)

    def layout(self, width: int) -> tuple[bool, int, int, int]:
        """(names on lines of their own, name width, tick width, plot columns) at `width`;
        the values after the curves are left out when plot would be under MIN_PLOT."""
        names = max(cell_len(s.label) for s in self.series)
        ticks = max(cell_len(t) for s in self.series for t in self._ticks(s))
        tail = 1 + VALUE_WIDTH
        inline = width - (names + 1 if names else 0) - (ticks + 1 if ticks else 0) - 1 - tail
        if inline >= MIN_PLOT or not names:
            return False, names, ticks, inline
        own_line = width - (ticks + 1 if ticks else 0) - 1 - tail
        return True, names, ticks, own_line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        _own, names, ticks, _plot = self.layout(options.max_width)
        smallest = (ticks + 1 if ticks else 0) + 1 + 1 + VALUE_WIDTH + MIN_PLOT
        whole = (names + 1 if names else 0) + smallest - MIN_PLOT + self.steps
        return Measurement(min(smallest, options.max_width), max(min(whole, options.max_width), 1))

    # ------------------------------------------------------------------ drawing
    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        own_line, names, ticks, plot = self.layout(width)
        tail = plot >= MIN_PLOT  # room for the values after the curves
        if not tail:
            plot += 1 + VALUE_WIDTH
        plot = max(plot, 1)
        spans = columns(self.steps, plot)
        used = len(spans)
        current = columns_of(spans, self.current - 1) if self.current is not None else []
        marked = current[len(current) // 2] if current else -1  # ▲ under the middle one
        styles = self.styles
        left = 0 if own_line else (names + 1 if names else 0)
        for s in self.series:
            if own_line and s.label:
                yield Segment(s.label, styles["label"])
                yield Segment.line()
            top_tick, low_tick = self._ticks(s)
            values = self._column_values(s, spans)
            levels = self._levels(s, values)
            for row in range(s.height):
                if left:
                    name = s.label if row == 0 else ""
                    yield Segment(name + " " * (left - cell_len(name)), styles["label"])
                if ticks:
                    tick = top_tick if row == 0 else low_tick if row == s.height - 1 else ""
                    yield Segment(tick.rjust(ticks) + " ", styles["label"])
                yield Segment("│", styles["axis"])
                yield from self._row(s, values, levels, row, set(current))
                if used < plot:
                    yield Segment(" " * (plot - used))
                if tail:
                    if row == 0:
                        yield Segment(" " + self._value_text(s), styles["value"])
                    else:
                        yield Segment(" " * (1 + VALUE_WIDTH))
                yield Segment.line()
        if self.axis:
            yield from self._axis(left + (ticks + 1 if ticks else 0), spans, plot, marked)

    def _value_text(self, s: Series) -> str:
        """The value at the current step (the last one without a current step)."""
        t = (self.current or self.steps) - 1
        return format_value(float(np.asarray(s.values, dtype=float)[t]), VALUE_WIDTH).rjust(
            VALUE_WIDTH
        )

    @staticmethod
    def _column_values(s: Series, spans: list[range]) -> list[float]:
        """Each column's value: the mean of its steps (NaN or ±inf where one is not finite)."""
        values = np.asarray(s.values, dtype=float)
        out = []
        for span in spans:
            part = values[span.start : span.stop]
            if np.all(np.isfinite(part)):
                out.append(float(part.mean()))
            else:
                out.append(float(next(v for v in part if not math.isfinite(v))))
        return out

    @staticmethod
    def _levels(s: Series, values: list[float]) -> list[int]:
        """Each column's height in eighths of a row (0 … 8·height; -1 not finite)."""
        low, high = s.low, s.top()
        span = high - low
        out = []
        for v in values:
            if not math.isfinite(v):
                out.append(-1)
                continue
            fraction = min(max((v - low) / span, 0.0), 1.0) if span > 0 else 0.0
            out.append(int(round(fraction * s.height * 8)))
        return out

    def _row(
        self, s: Series, values: list[float], levels: list[int], row: int, marked: set[int]
    ) -> RenderResult:
        style = _style(s.style)
        marker = self.styles["marker"]
        below = (s.height - 1 - row) * 8  # eighths under this row
        run: list[str] = []
        for c, (value, level) in enumerate(zip(values, levels, strict=True)):
            if level < 0:
                code = special_code(value)
                text = SPECIAL_GLYPHS[code] if code is not None and row == s.height - 1 else " "
            else:
                text = COLUMNS[min(max(level - below, 0), 8)]
            if c in marked:
                if run:
                    yield Segment("".join(run), style)
                    run = []
                mark = marker if style is None else style + marker if marker else style
                yield Segment(text, mark)
            else:
                run.append(text)
        if run:
            yield Segment("".join(run), style)

    def _axis(self, indent: int, spans: list[range], plot: int, marked: int) -> RenderResult:
        """└ and under the columns: t=1 at the left end, t=T at the right, ▲ under the
        current step and its t beside it; each label whole or not at all."""
        used = len(spans)
        line = ["─"] * used
        taken = [False] * used

        def place(text: str, start: int, *, beside: int = -1) -> bool:
            """Write text at start when it fits whole, a dash from any other label
            (none needed from the column `beside`)."""
            end = start + cell_len(text)
            if start < 0 or end > used:
                return False
            near = range(max(0, start - 1), min(used, end + 1))
            if any(taken[i] for i in near if i != beside or i not in (start - 1, end)):
                return False
            for i, char in enumerate(text):
                line[start + i] = char
                taken[start + i] = True
            return True

        if marked >= 0:
            line[marked], taken[marked] = MARKER, True
        ends = {1: place("t=1", 0)}
        last = f"t={self.steps}"
        if self.steps > 1:
            ends[self.steps] = place(last, used - cell_len(last))
        if marked >= 0 and self.current is not None and not ends.get(self.current):
            # right after the marker, else right before it; else the marker alone (the
            # value after each curve is the current step's)
            now = f"t={self.current}"
            if not place(now, marked + 1, beside=marked):
                place(now, marked - cell_len(now), beside=marked)
        yield Segment(" " * indent + "└", self.styles["axis"])
        if marked >= 0:
            yield Segment("".join(line[:marked]), self.styles["axis"])
            yield Segment(line[marked], self.styles["marker"])
            yield Segment("".join(line[marked + 1 :]), self.styles["axis"])
        else:
            yield Segment("".join(line), self.styles["axis"])
        yield Segment.line()


if __name__ == "__main__":  # pragma: no cover - a demo: python -m rnn_tui.render.curve
    from rich.console import Console as _Console

    t = np.arange(1, 51)
    fading = np.exp(-t / 6.0)
    kept = np.minimum(t / 3.0, 4.7)
    _Console().print(
        Curves(
            [
                Series("‖sₜ − s′ₜ‖ RNN", fading, high=4.7, height=3, style="cyan"),
                Series("‖sₜ − s′ₜ‖ LSTM", kept, high=4.7, height=3, style="magenta"),
                Series("p(A)", 0.5 + 0.5 * fading, high=1.0, style="green"),
            ],
            current=37,
        ),
        width=80,
    )
