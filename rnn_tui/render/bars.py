"""ProbabilityBars: a labelled horizontal bar chart of a softmax, the prediction named.

One line per label (``ask_time  ██████████▌     0.52  ◀ prediction``), bars drawn with
eighth blocks so small differences show; or, where lines are scarce, all labels on one
line with a one-character column each (``ask_time ▆ 0.52 · greet ▂ 0.21``). The glyphs
carry the values, so the chart reads the same without colour.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style

from ..i18n import N_, _
from .palette import SPECIAL_GLYPHS, special_code, special_text

EIGHTHS = " ▏▎▍▌▋▊▉█"
"""Horizontal bar ends, 0/8 to 8/8 of a cell."""
COLUMNS = " ▁▂▃▄▅▆▇█"
"""Vertical bars, 0/8 to 8/8 of a cell."""
PREDICTION = N_("◀ prediction")
"""Beside the predicted bar, shown translated with `_()`."""


def bar_text(fraction: float, width: int) -> str:
    """A bar `fraction` (clipped to [0, 1]) of `width` cells long, in eighths; the
    mark of NaN or ±inf (palette.SPECIAL_GLYPHS) across it for a non-finite one."""
    code = special_code(fraction)
    if code is not None:
        return SPECIAL_GLYPHS[code] * width
    eighths = int(round(min(max(fraction, 0.0), 1.0) * width * 8))
    full, part = divmod(eighths, 8)
    text = "█" * full + (EIGHTHS[part] if part else "")
    return text.ljust(width)


def _number(p: float, width: int = 0) -> str:
    """A probability to two decimals, right-aligned in `width`; "nan" for NaN."""
    code = special_code(p)
    return (f"{p:.2f}" if code is None else special_text(code)).rjust(width)


def _style(style: Style | str | None) -> Style | None:
    return Style.parse(style) if isinstance(style, str) else style


class ProbabilityBars:
    """labels: names (O,); probabilities: their softmax (O,); best: the predicted index
    (None: the argmax). compact: everything on one line. The styles: the label names,
    the bars, the predicted row (laid over the others), the numbers."""

    def __init__(
        self,
        labels: Sequence[str],
        probabilities: Sequence[float],
        best: int | None = None,
        *,
        compact: bool = False,
        label_style: Style | str | None = None,
        bar_style: Style | str | None = None,
        best_style: Style | str | None = "bold",
        value_style: Style | str | None = None,
        max_bar: int = 40,
    ) -> None:
        if len(labels) != len(probabilities):
            raise ValueError(f"{len(labels)} labels for {len(probabilities)} probabilities")
        self.labels = [str(label) for label in labels]
        self.probabilities = [float(p) for p in probabilities]
        if best is None and self.probabilities:
            best = max(range(len(self.probabilities)), key=self.probabilities.__getitem__)
        self.best = best
        self.compact = compact
        self.styles = {
            "label": _style(label_style),
            "bar": _style(bar_style),
            "best": _style(best_style),
            "value": _style(value_style),
        }
        self.max_bar = max_bar

    def _row_style(self, i: int, name: str) -> Style | None:
        base = self.styles[name]
        if i != self.best:
            return base
        best = self.styles["best"]
        return best if base is None else (base + best if best is not None else base)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        names = max((cell_len(n) for n in self.labels), default=0)
        if self.compact:
            size = sum(cell_len(n) + 9 for n in self.labels)
            return Measurement(min(size, options.max_width), size)
        return Measurement(names + 20, names + 8 + self.max_bar + cell_len(_(PREDICTION)))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        if self.compact:
            yield from self._compact(width)
            return
        names = max((cell_len(n) for n in self.labels), default=0)
        tail = 2 + cell_len(_(PREDICTION))
        bar = max(4, min(self.max_bar, width - names - 2 - 6 - tail))
        for i, (name, p) in enumerate(zip(self.labels, self.probabilities, strict=True)):
            yield Segment(name + " " * (names - cell_len(name) + 1), self._row_style(i, "label"))
            yield Segment(bar_text(p, bar), self._row_style(i, "bar"))
            yield Segment(f" {_number(p, 5)}", self._row_style(i, "value"))
            if i == self.best:
                yield Segment("  " + _(PREDICTION), self.styles["best"])
            yield Segment.line()

    def _compact(self, width: int) -> RenderResult:
        used = 0
        for i, (name, p) in enumerate(zip(self.labels, self.probabilities, strict=True)):
            code = special_code(p)
            if code is not None:
                column = SPECIAL_GLYPHS[code]
            else:
                column = COLUMNS[int(round(min(max(p, 0.0), 1.0) * 8))]
            parts = [
                (" · " if i else "", self.styles["value"]),
                (name + " ", self._row_style(i, "label")),
                (column, self._row_style(i, "bar")),
                (f" {_number(p)}", self._row_style(i, "value")),
                (" ◀" if i == self.best else "", self.styles["best"]),
            ]
            size = sum(cell_len(text) for text, _ in parts)
            if used + size > width:
                yield Segment(" …"[: max(0, width - used)])
                break
            for text, style in parts:
                yield Segment(text, style)
            used += size
        yield Segment.line()


if __name__ == "__main__":  # pragma: no cover - a demo: python -m rnn_tui.render.bars
    from rich.console import Console as _Console

    console = _Console()
    labels, probs = ["ask_time", "ask_weather", "greet"], [0.62, 0.27, 0.11]
    console.print(ProbabilityBars(labels, probs, bar_style="cyan"))
    console.print(ProbabilityBars(labels, probs, compact=True, bar_style="cyan"))
