"""A sparkline: one row of eighth blocks (▁▂▃▄▅▆▇█), one column a value, that grows left
to right as values come (a training's loss, epoch by epoch).

The row has room for `capacity` values (the epochs planned), so it fills as they come
instead of stretching; when they are more than the columns, a column covers a run of
them (curve.columns) and shows the mean of those there so far. Every value drawn has a
visible block (the bottom of the scale is ▁, not a blank), and a value that is not
finite is its mark (? nan, + inf, - -inf), so the row reads the same without colour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style

from .bars import COLUMNS
from .curve import columns
from .palette import SPECIAL_GLYPHS, special_code


class Sparkline:
    """values: (N,) drawn from `low` (▁) to `high` (█; None: the largest finite value);
    capacity: how many values the row makes room for (None or fewer than N: N)."""

    def __init__(
        self,
        values: Sequence[float] | np.ndarray,
        *,
        capacity: int | None = None,
        low: float = 0.0,
        high: float | None = None,
        style: Style | str | None = None,
    ) -> None:
        if not math.isfinite(low) or (high is not None and not math.isfinite(high)):
            raise ValueError(f"the scale must be finite, not {low} to {high}")
        self.values = np.asarray(values, dtype=float).ravel()
        self.capacity = max(capacity or 0, len(self.values))
        self.low = float(low)
        self.high = high
        self.style = Style.parse(style) if isinstance(style, str) else style

    def top(self) -> float:
        """The value a full block stands for."""
        if self.high is not None:
            return float(self.high)
        finite = self.values[np.isfinite(self.values)]
        return float(finite.max()) if finite.size else self.low

    def spans(self, width: int) -> list[range]:
        """The values (0-based) each drawn column stands for at `width`: one column a value
        while the capacity fits, else runs of them; only columns that have a value yet."""
        if width <= 0 or not len(self.values):
            return []
        if self.capacity <= width:
            return [range(i, i + 1) for i in range(len(self.values))]
        count = len(self.values)
        return [
            range(span.start, min(span.stop, count))
            for span in columns(self.capacity, width)
            if span.start < count
        ]

    def glyphs(self, width: int) -> str:
        """The row at `width`: one glyph a drawn column."""
        low, high = self.low, self.top()
        out = []
        for span in self.spans(width):
            part = self.values[span.start : span.stop]
            codes = [code for v in part if (code := special_code(float(v))) is not None]
            if codes:  # a column with a non-finite value shows its mark, not a mean
                out.append(SPECIAL_GLYPHS[codes[0]])
                continue
            value = float(part.mean())
            fraction = min(max((value - low) / (high - low), 0.0), 1.0) if high > low else 0.0
            out.append(COLUMNS[1 + int(round(fraction * 7))])  # ▁ … █: never a blank
        return "".join(out)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, max(1, min(self.capacity, options.max_width)))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Segment(self.glyphs(options.max_width), self.style)
        yield Segment.line()


if __name__ == "__main__":  # pragma: no cover - a demo: python -m rnn_tui.render.sparkline
    falling = 1.4 * np.exp(-np.arange(40) / 9.0)
    Console().print(Sparkline(falling, capacity=60, style="cyan"), width=80)
    Console().print(Sparkline([*falling[:20], float("nan"), float("inf")], capacity=500), width=40)
