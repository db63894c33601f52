"""Heatmap and Legend: Rich renderables that draw matrices as coloured half-blocks.

Each character cell holds two "pixels": ``▀`` with the upper value as the foreground
colour and the lower value as the background. A matrix cell is ``cell_width`` characters
wide and ``cell_height`` half-rows tall, so a vector of 2..16 units can be drawn as big
readable blocks (with its numbers underneath) and one of 1024 units wraps into bands.
Colours come from a quantised `ColorScale` (a few cached styles). Without colour
(``NO_COLOR``, a dumb terminal) the same layout is drawn with the scale's glyphs: on a
signed (diverging) scale ``▬≡=-·░▒▓█`` from the negative end to the positive, so both
ends are visible and told apart; on a [0, 1] scale ``·░▒▓█``. The Legend draws the
same glyphs under its ends, which is what explains them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import groupby
from typing import NamedTuple

import numpy as np
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style

from .palette import (
    BLANK,
    ColorScale,
    cell_style,
    format_tick,
    format_value,
    glyph_style,
    mark,
    mark_style,
)

UPPER_HALF = "▀"
LOWER_HALF = "▄"
MIN_VALUE_CELL = 7
"""Narrowest automatic cell that still has room for a number such as -0.42."""
MAX_VALUE_CELL = 12
"""Widest automatic cell: a 2-unit state should be big, not a wall of colour."""


class _Layout(NamedTuple):
    """How a heatmap is laid out at one width."""

    cell_width: int
    gap: int
    cell_height: int
    bands: list[range]


def _block(layout: _Layout) -> int:
    """Characters drawn of one cell (its width without the gap)."""
    return layout.cell_width - layout.gap


def is_mono(console: Console, mono: bool | None) -> bool:
    """Draw with glyphs instead of colours? Explicit `mono` wins, else ask the console."""
    if mono is not None:
        return mono
    return console.no_color or console.color_system is None


def _marks(code: int, n: int, cell: int) -> str:
    """The marks of a run of n characters of one non-finite code, `cell` a cell."""
    full, rest = divmod(n, max(1, cell))
    return mark(code, cell) * full + (mark(code, rest) if rest else "")


def _segments_color(top: Sequence[int], bottom: Sequence[int], scale: ColorScale, cell: int = 1):
    """One line of half-block pixels: top, bottom codes (W,) -> merged Segments.
    Where both halves are one non-finite code its mark is written on its reserved
    colour ("+inf" or "+", each `cell` characters, see palette.mark); where one half
    is empty, the mark alone in that colour. Never a plain colour: it could be read as
    a value of the scale."""
    for (upper, lower), run in groupby(zip(top, bottom, strict=True)):
        n = sum(1 for _ in run)
        if upper == BLANK and lower == BLANK:
            yield Segment(" " * n)
        elif upper == lower and upper < BLANK:
            yield Segment(_marks(upper, n, cell), mark_style(upper))
        elif upper < BLANK and lower == BLANK:
            yield Segment(_marks(upper, n, cell), glyph_style(upper))
        elif lower < BLANK and upper == BLANK:
            yield Segment(_marks(lower, n, cell), glyph_style(lower))
        elif lower == BLANK:
            yield Segment(UPPER_HALF * n, cell_style(scale.color(upper), None))
        elif upper == BLANK:
            yield Segment(LOWER_HALF * n, cell_style(scale.color(lower), None))
        elif upper == lower:
            yield Segment(" " * n, cell_style(None, scale.color(upper)))
        else:
            yield Segment(UPPER_HALF * n, cell_style(scale.color(upper), scale.color(lower)))


def _segments_mono(codes: Sequence[int], scale: ColorScale, cell: int = 1):
    """One line of glyph pixels: codes (W,) -> merged Segments (non-finite codes
    marked as in colour, `cell` characters a cell)."""
    for code, run in groupby(codes):
        n = sum(1 for _ in run)
        yield Segment(_marks(code, n, cell) if code < BLANK else scale.glyph(code) * n)


class Heatmap:
    """A 2-D matrix (or a vector, drawn as one row) as a grid of coloured cells.

    data: (rows, cols) or (cols,). scale: the colour scale (default: symmetric around
    zero over the data). cell_width: characters per column, None to fit the width
    (wide blocks for a few columns, narrow ones for many); gap: how many of them stay
    blank between cells (None: one when cells are 3 or more wide). cell_height:
    half-rows per matrix row (1 packs two rows in a character line; None: 2, or 1 when
    the columns wrap into more than three bands and rows have no labels or values).
    values: write each value under its cell (for small vectors). wide_cells: size
    automatic cells as if for values (so a matrix lines up with vectors drawn with
    values); None: as `values`.
    row_labels: a name printed left of each row. wrap: split the columns into bands
    when wider than the console. mono: force (True) or forbid (False) glyph shading;
    None asks the console.
    mask: (rows, cols) booleans, True where nothing is drawn (a state not computed yet).
    highlight: columns whose numbers are drawn in `highlight_style` (a selected unit).
    cell_meta: (row, col) -> a dict put in the style meta of that cell's characters,
    e.g. {"unit": 3}, so a front end can tell which cell was clicked; row is -1
    where a line packs two matrix rows.
    """

    def __init__(
        self,
        data: np.ndarray | Sequence[float] | Sequence[Sequence[float]],
        scale: ColorScale | None = None,
        *,
        cell_width: int | None = 1,
        cell_height: int | None = 1,
        gap: int | None = 0,
        values: bool = False,
        wide_cells: bool | None = None,
        row_labels: Sequence[str] | None = None,
        wrap: bool = True,
        mono: bool | None = None,
        value_style: Style | str | None = None,
        label_style: Style | str | None = None,
        mask: np.ndarray | None = None,
        highlight: Iterable[int] = (),
        highlight_style: Style | str | None = "reverse",
        cell_meta: Callable[[int, int], dict] | None = None,
    ) -> None:
        array = np.asarray(data, dtype=float)
        if array.ndim == 1:
            array = array[None, :]
        if array.ndim != 2:
            raise ValueError(f"data must be 1-D or 2-D, not shape {array.shape}")
        if (cell_width is not None and cell_width < 1) or (
            cell_height is not None and cell_height < 1
        ):
            raise ValueError(
                f"cell_width and cell_height must be >= 1, not {cell_width}, {cell_height}"
            )
        if gap is not None and not 0 <= gap < (cell_width or 2):
            raise ValueError(f"gap must be in [0, cell_width), not {gap}")
        if row_labels is not None and len(row_labels) != array.shape[0]:
            raise ValueError(f"row_labels has {len(row_labels)} names for {array.shape[0]} rows")
        if mask is not None:
            mask = np.asarray(mask, dtype=bool).reshape(array.shape)
        self.mask = mask
        self.highlight = frozenset(int(c) for c in highlight)
        self.highlight_style = highlight_style
        self.cell_meta = cell_meta
        self.data = array
        self.scale = scale if scale is not None else ColorScale.symmetric(array)
        self.cell_width = cell_width
        self.cell_height = cell_height
        self.gap = gap
        self.values = values
        self.wide_cells = values if wide_cells is None else wide_cells
        self.row_labels = list(row_labels) if row_labels is not None else None
        self.wrap = wrap
        self.mono = mono
        self.value_style = value_style
        self.label_style = label_style

    @property
    def _label_width(self) -> int:
        if not self.row_labels:
            return 0
        return max(len(label) for label in self.row_labels) + 1

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        cols = self.data.shape[1]
        if self.cell_width is None:
            widest, narrowest = (MAX_VALUE_CELL, MIN_VALUE_CELL) if self.wide_cells else (4, 1)
        else:
            widest = narrowest = self.cell_width
        full = self._label_width + cols * widest
        smallest = self._label_width + narrowest if self.wrap else full
        return Measurement(min(smallest, full), full)

    def layout(self, max_width: int) -> _Layout:
        """Cell size, gap and column bands for a console max_width characters wide."""
        cols = self.data.shape[1]
        room = max(1, max_width - self._label_width)
        cell_width = self.cell_width
        if cell_width is None:
            fit = room // max(1, cols)
            if self.wide_cells:
                cell_width = max(MIN_VALUE_CELL, min(MAX_VALUE_CELL, fit))
            else:
                cell_width = max(1, min(4, fit))
        gap = self.gap if self.gap is not None else (1 if cell_width >= 3 else 0)
        bands: list[range] = []
        if cols:
            per = cols
            if self.wrap:
                per = max(1, room // cell_width)
                count = -(-cols // per)
                per = -(-cols // count)  # balance the bands: 8 + 8, not 11 + 5
            bands = [range(start, min(start + per, cols)) for start in range(0, cols, per)]
        cell_height = self.cell_height
        if cell_height is None:
            per_row = self.values or self.row_labels is not None
            cell_height = 2 if per_row or len(bands) <= 3 else 1
        return _Layout(cell_width, gap, cell_height, bands)

    def _row_pixels(self, codes: np.ndarray, height: int, layout: _Layout) -> np.ndarray:
        """Codes of one matrix row (n,) -> pixels (height, n * cell_width)."""
        width, gap = layout.cell_width, layout.gap
        cell = np.repeat(codes[:, None], width, axis=1)  # (n, cell_width)
        if gap:
            cell[:, width - gap :] = BLANK
        return np.tile(cell.reshape(-1), (height, 1))

    def _pixel_lines(self, pixels: np.ndarray, mono: bool, layout: _Layout) -> list[list[Segment]]:
        """Pixels (P, W) -> lines of Segments: two pixel rows a line in colour, one in mono."""
        lines = []
        cell = _block(layout)
        if mono:
            for row in pixels:
                lines.append(list(_segments_mono(row.tolist(), self.scale, cell)))
            return lines
        if pixels.shape[0] % 2:
            pixels = np.vstack([pixels, np.full((1, pixels.shape[1]), BLANK)])
        for top, bottom in zip(pixels[0::2], pixels[1::2], strict=True):
            lines.append(list(_segments_color(top.tolist(), bottom.tolist(), self.scale, cell)))
        return lines

    def _value_line(
        self, row: np.ndarray, layout: _Layout, columns: range, masked: np.ndarray | None
    ) -> list[Segment]:
        """The numbers of one band of one row, each centred under its cell (blank where
        masked; the highlighted columns in highlight_style)."""
        block = layout.cell_width - layout.gap
        room = block if layout.gap else max(1, layout.cell_width - 1)
        style = _style(self.value_style)
        if not self.highlight.intersection(columns) and masked is None:
            parts = [format_value(v, room).center(block) + " " * layout.gap for v in row.tolist()]
            return [Segment("".join(parts).rstrip(), style)]
        marked = _style(self.highlight_style)
        if style is not None and marked is not None:
            marked = style + marked
        out = []
        for i, (col, value) in enumerate(zip(columns, row.tolist(), strict=True)):
            blank = masked is not None and bool(masked[i])
            text = " " * block if blank else format_value(value, room).center(block)
            out.append(Segment(text, marked if col in self.highlight else style))
            if layout.gap:
                out.append(Segment(" " * layout.gap, style))
        return out

    def _label(self, r: int | None) -> list[Segment]:
        width = self._label_width
        if not width:
            return []
        text = "" if r is None or self.row_labels is None else self.row_labels[r]
        return [Segment(text.ljust(width), _style(self.label_style))]

    def _cell_lines(
        self, codes: np.ndarray, band: range, row: int, layout: _Layout, mono: bool
    ) -> list[list[Segment]]:
        """The lines of one row of one band, a Segment per cell carrying that cell's meta
        (used when cell_meta is given: a click can then say which cell it hit)."""
        assert self.cell_meta is not None
        block, gap = layout.cell_width - layout.gap, layout.gap
        metas = [_meta_style(tuple(sorted(self.cell_meta(row, col).items()))) for col in band]
        if mono:
            count, halves = max(1, layout.cell_height // 2), [False]
        else:
            count, odd = -(-layout.cell_height // 2), layout.cell_height % 2 == 1
            halves = [odd and i == count - 1 for i in range(count)]  # last line half empty
        lines = []
        for i in range(count):
            line = []
            half = halves[min(i, len(halves) - 1)]
            for code, meta in zip(codes.tolist(), metas, strict=True):
                if code == BLANK:
                    text, style = " " * block, meta
                elif code < BLANK:  # NaN, ±inf: their mark, never a colour of the scale
                    text = mark(code, block)
                    look = glyph_style(code) if half else mark_style(code)
                    style = meta if mono else _add(look, meta)
                elif mono:
                    text, style = self.scale.glyph(code) * block, meta
                elif half:
                    text = UPPER_HALF * block
                    style = _add(cell_style(self.scale.color(code), None), meta)
                else:
                    text = " " * block
                    style = _add(cell_style(None, self.scale.color(code)), meta)
                line.append(Segment(text, style))
                if gap:
                    line.append(Segment(" " * gap, meta))
            lines.append(line)
        return lines

    def lines(self, max_width: int, mono: bool = False) -> list[list[Segment]]:
        """The heatmap as lines of Segments, at most max_width characters wide
        (unless a single cell is wider)."""
        layout = self.layout(max_width)
        codes = self.scale.codes(self.data)  # (rows, cols)
        if self.mask is not None:
            codes[self.mask] = BLANK
        rows = codes.shape[0]
        height = max(1, layout.cell_height // 2) if mono else layout.cell_height
        out: list[list[Segment]] = []
        per_row = self.values or self.row_labels is not None
        if not per_row:
            # Dense: every band's rows stacked into one picture (a blank half-row between
            # the bands of a matrix), two half-rows a line, so a long vector takes half
            # as many lines as it has bands.
            width = max((len(band) for band in layout.bands), default=0) * layout.cell_width
            if self.cell_meta is not None and (rows == 1 or layout.cell_height % 2 == 0 or mono):
                # line by line, so each line knows its band (and row) for the meta
                for b, band in enumerate(layout.bands):
                    if b and rows > 1:
                        out.append([])
                    for r in range(rows):
                        out.extend(self._cell_lines(codes[r, band], band, r, layout, mono))
                return out
            blocks = []
            for b, band in enumerate(layout.bands):
                if b and rows > 1:
                    blocks.append(np.full((1, width), BLANK))
                for r in range(rows):
                    pixels = self._row_pixels(codes[r, band], height, layout)
                    pad = np.full((pixels.shape[0], width - pixels.shape[1]), BLANK)
                    blocks.append(np.hstack([pixels, pad]))
            return self._pixel_lines(np.vstack(blocks), mono, layout) if blocks else []
        for b, band in enumerate(layout.bands):
            if b and rows > 1:
                out.append([])  # a blank line between bands of a matrix
            for r in range(rows):
                if self.cell_meta is not None:
                    cells = self._cell_lines(codes[r, band], band, r, layout, mono)
                else:
                    pixels = self._row_pixels(codes[r, band], height, layout)
                    cells = self._pixel_lines(pixels, mono, layout)
                for i, line in enumerate(cells):
                    out.append(self._label(r if i == 0 else None) + line)
                if self.values:
                    masked = None if self.mask is None else self.mask[r, band]
                    values = self._value_line(self.data[r, band], layout, band, masked)
                    out.append(self._label(None) + values)
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        mono = is_mono(console, self.mono)
        for line in self.lines(options.max_width, mono):
            yield from line
            yield Segment.line()


@lru_cache(maxsize=8192)
def _meta_style(items: tuple[tuple[str, object], ...]) -> Style:
    """A style carrying only meta (cached: Style.from_meta pickles its dict)."""
    return Style.from_meta(dict(items))


@lru_cache(maxsize=16384)
def _add(style: Style | None, meta: Style) -> Style:
    """style + meta, cached (the same colours and cells recur from frame to frame)."""
    return (style or Style()) + meta


def _style(style: Style | str | None) -> Style | None:
    if style is None or isinstance(style, Style):
        return style
    return Style.parse(style)


class Legend:
    """A one-line colour bar: ``-1 ██████0██████ +1``, the low and high ends of a scale
    and, for a diverging scale spanning zero, a 0 marked at its place on the bar.
    Without colour the bar is the scale's glyphs in order, ``-1 ▬≡=-·0·░▒▓█ +1``: the
    glyphs beside "-1" are what negative cells are drawn with, those beside "+1" the
    positive ones.

    width: characters of the bar (odd widths put zero in the middle of a symmetric
    scale). mono: as for Heatmap.
    """

    def __init__(
        self,
        scale: ColorScale,
        *,
        width: int = 15,
        mono: bool | None = None,
        label_style: Style | str | None = None,
    ) -> None:
        if width < 2:
            raise ValueError(f"width must be at least 2, not {width}")
        self.scale = scale
        self.width = width
        self.mono = mono
        self.label_style = label_style

    def _ticks(self) -> tuple[str, str]:
        lo, hi = self.scale.vmin, self.scale.vmax
        if self.scale.palette.diverging and lo < 0 < hi:
            return format_tick(lo), "+" + format_tick(hi)
        return format_tick(lo), format_tick(hi)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        lo, hi = self._ticks()
        size = len(lo) + len(hi) + 2 + self.width
        return Measurement(size, size)

    def segments(self, mono: bool = False) -> Iterable[Segment]:
        """The legend line as Segments (no line end)."""
        scale = self.scale
        lo, hi = self._ticks()
        if mono:  # from end to end: the glyphs of -1 and +1 stand beside their ticks
            where = np.arange(self.width) / (self.width - 1)
        else:  # each colour at the middle of its character
            where = (np.arange(self.width) + 0.5) / self.width
        codes = scale.codes(scale.at(where)).tolist()
        zero_at = None
        if scale.center is not None:
            zero_at = min(self.width - 1, int(float(scale.fraction(0.0)) * self.width))
        label = _style(self.label_style)
        yield Segment(lo + " ", label)
        for i, code in enumerate(codes):
            if i == zero_at:
                if mono:
                    yield Segment("0")
                else:
                    yield Segment("0", Style(color="#000000", bgcolor=scale.color(code), bold=True))
            elif mono:
                yield Segment(scale.glyph(code))
            else:
                yield Segment(" ", cell_style(None, scale.color(code)))
        yield Segment(" " + hi, label)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from Segment.simplify(self.segments(is_mono(console, self.mono)))
        yield Segment.line()


if __name__ == "__main__":  # pragma: no cover - a demo: python -m rnn_tui.render.heatmap
    from rich.console import Console as _Console

    from .palette import ColorScale as _Scale

    rng = np.random.default_rng(0)
    console = _Console()
    state = np.tanh(rng.standard_normal(8))
    console.print("[bold]s_t, 8 units, big cells with values[/]")
    console.print(Heatmap(state, _Scale(-1, 1), cell_width=7, gap=1, cell_height=2, values=True))
    console.print(Legend(_Scale(-1, 1)))
    console.print("\n[bold]a 1024-unit state, wrapped[/]")
    console.print(Heatmap(np.tanh(rng.standard_normal(1024)), _Scale(-1, 1)))
    console.print("\n[bold]gates (4 x 16), sequential scale, with row names[/]")
    gates = 1 / (1 + np.exp(-rng.standard_normal((4, 16)) * 2))
    console.print(
        Heatmap(gates, _Scale.unit(), cell_width=3, cell_height=2, row_labels=list("ifgo"))
    )
    console.print(Legend(_Scale.unit()))
    console.print("\n[bold]a 24 x 48 matrix with NaN, +inf and -inf, two rows a line[/]")
    matrix = rng.standard_normal((24, 48))
    matrix[3, 5], matrix[10, 10], matrix[20, 30] = np.nan, np.inf, -np.inf
    console.print(Heatmap(matrix, _Scale.symmetric(3.0)))
    console.print("\n[bold]the same vector without colour (NO_COLOR)[/]")
    console.print(Heatmap(state, _Scale(-1, 1), cell_width=7, gap=1, values=True, mono=True))
    console.print(Legend(_Scale(-1, 1), mono=True))
