"""The numbers behind one cell: an equation with every term written out.

`UnitEquation` is plain data (made by the app from a trace and the weights); the
`EquationPanel` renderable lays it out as the tutorial writes it: for an RNN, the input
part (read from the precomputed projection X·W_ihᵀ + b_ih), the recurrent product
W_hh·s_{t-1} (the only product done per step), the bias, the pre-activation, the
activation and the result; for LSTM and GRU, one row per gate and then how the gates
combine. Every result is checked against the trace and marked ✓ (or ✗ and the trace's
value when they differ beyond rounding).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.measure import Measurement
from rich.style import Style
from rich.table import Table
from rich.text import Text

from ..i18n import _
from .palette import special_code, special_text

CHECK = "✓"
CROSS = "✗"


def num(value: float, decimals: int = 3) -> str:
    """A value at display precision: "0.418", "-0.223"; no "-0.000"; "1.235e+07" from
    a million up; "nan", "+inf", "-inf" for the non-finite (palette.special_text)."""
    code = special_code(value)
    if code is not None:
        return special_text(code)
    if abs(value) >= 1e6:
        return f"{value:.{decimals}e}"
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def factor(value: float) -> str:
    """A value as a factor of a product: negatives in parentheses, "(-0.300)"."""
    text = num(value)
    return f"({text})" if text.startswith("-") else text


def agrees(value: float, reference: float, tolerance: float = 1e-5) -> bool:
    """Equal up to float32 rounding (relative to the size of the numbers); NaN agrees
    with NaN and an infinity with the same infinity (what an overflow computes twice)."""
    if not (math.isfinite(value) and math.isfinite(reference)):
        return value == reference or (math.isnan(value) and math.isnan(reference))
    return abs(value - reference) <= tolerance * max(1.0, abs(reference))


TERM_LINES = 3
"""Lines a dot product's terms may take in the numbers panel before some are elided."""
FIRST, MORE = "      = ", "        + "
"""How the first line of a product's terms starts, and each line that continues it."""


@dataclass(frozen=True)
class Product:
    """A dot product written out: Σ_i weights[i]·values[i] over `indices` (1-based, in
    index order: every term, or the ones that are not × 0 when `rest_zero`), of `count`
    terms in all. Which of them are written is decided at the width the panel gets
    (`lines`): all when they fit, else the first ones and the sum of the others."""

    name: str  # "W_hh[2,:]·s₂"
    weights: tuple[float, ...]
    values: tuple[float, ...]
    indices: tuple[int, ...]
    total: float
    count: int
    rest_zero: bool = False  # the terms not in indices are all zero (a one-hot input)

    def _tokens(self, shown: int) -> list[str]:
        """The terms written when the first `shown` candidates are: each "w×v", then the
        sum of the others with how many they are and which."""
        pairs = zip(self.weights[:shown], self.values[:shown], strict=True)
        tokens = [f"{factor(w)}×{factor(v)}" for w, v in pairs]
        left = len(self.indices) - shown
        if left:
            rest = math.fsum(
                w * v for w, v in zip(self.weights[shown:], self.values[shown:], strict=True)
            )
            a, b = self.indices[shown], self.indices[-1]
            note = _("(the other {n} terms, j = {a}…{b}, summed)").format(n=left, a=a, b=b)
            tokens.append(f"{factor(rest)}  {note}")
        return tokens

    def lines(
        self, width: int, *, after: Sequence[str] = (), max_lines: int = TERM_LINES
    ) -> list[str]:
        """The terms as lines of at most `width` cells ("      = 0.120×0.360 + …", then
        "        + …"), every term in index order when they fit in max_lines, else the
        first ones and the others summed (saying how many); `after`: terms written after
        them (b_ih). A term wider than a line gets a line of its own."""
        zero = ""
        if self.rest_zero and len(self.indices) < self.count:
            zero = "  " + _("(the other {n} terms are × 0)").format(
                n=self.count - len(self.indices)
            )

        def pack(tokens: list[str]) -> list[str]:
            tokens = tokens or ["0"]
            tokens = [*tokens[:-1], tokens[-1] + zero, *after]  # the × 0 note after the terms
            out = [FIRST + tokens[0]]
            for token in tokens[1:]:
                if cell_len(out[-1]) + 3 + cell_len(token) <= width:
                    out[-1] += " + " + token
                else:
                    out.append(MORE + token)
            return out

        def fits(lines: list[str]) -> bool:
            return len(lines) <= max_lines and all(cell_len(line) <= width for line in lines)

        shown = len(self.indices)
        lines = pack(self._tokens(shown))
        while not fits(lines) and shown > 1:
            shown -= 1
            lines = pack(self._tokens(shown))
        return lines

    def terms(self) -> str:
        """ "0.120×0.360 + (-0.300)×0.340 + …": every term on one line."""
        return self.lines(10**9, max_lines=1)[0][len(FIRST) :]


@dataclass(frozen=True)
class GateRow:
    """One pre-activation and its activation. name: "s" for an RNN, else the gate;
    x_part: (W_ih x_t + b_ih)[row], from the trace's projection; h_part: (W_hh s_{t-1})[row];
    b_hh: b_hh[row]; pre: the pre-activation; value: act(pre); trace: the trace's value;
    reset: for GRU's n, the r that scales (h_part + b_hh); b_ih: b_ih[row], inside x_part."""

    name: str
    act: str
    x_part: float
    h_part: float
    b_hh: float
    pre: float
    value: float
    trace: float | None = None
    reset: float | None = None
    b_ih: float = 0.0


@dataclass(frozen=True)
class Step:
    """A line combining earlier values: "c₃[2] = f·c₂ + i·g = 0.53×0.12 + … = -0.102"."""

    text: str
    value: float
    trace: float | None = None


@dataclass(frozen=True)
class UnitEquation:
    """Everything about one unit of one state at one step.

    symbol: "→s₃[2]"; heading: where it is (unit, layer, direction, t); cell: rnn, lstm
    or gru; x_symbol, prev_symbol: the input and the previous state ("x₃", "s₂" or "s₀ = 0");
    rows: the pre-activations; products: dot products written out; steps: how the gates
    combine (LSTM c and h, GRU h); result: the unit's value; trace: the trace's value;
    prime: "'" for a bidirectional network's backward direction (its own W', b').
    """

    symbol: str
    heading: str
    cell: str
    x_symbol: str
    prev_symbol: str
    rows: tuple[GateRow, ...]
    products: tuple[Product, ...] = ()
    steps: tuple[Step, ...] = ()
    result: float = 0.0
    trace: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)
    prime: str = ""

    @property
    def exact(self) -> bool:
        """Does every value computed here agree with the trace?"""
        checks = [(r.value, r.trace) for r in self.rows if r.trace is not None]
        checks += [(s.value, s.trace) for s in self.steps if s.trace is not None]
        checks.append((self.result, self.trace))
        return all(agrees(v, ref) for v, ref in checks)


@dataclass(frozen=True)
class EquationStyles:
    """Styles of the panel's parts (a front end fills them from its theme)."""

    title: Style = Style(bold=True)
    symbol: Style = Style(bold=True)
    label: Style = Style()
    value: Style = Style(bold=True)
    note: Style = Style(italic=True)
    muted: Style = Style(dim=True)
    good: Style = Style()
    bad: Style = Style(bold=True, reverse=True)


class EquationPanel:
    """One or more UnitEquations (both directions), then extra lines (the merge, the
    readout), with the heading on top."""

    def __init__(
        self,
        equations: Sequence[UnitEquation],
        *,
        extra: Sequence[Step] = (),
        title: str = "",
        notes: Sequence[str] = (),
        styles: EquationStyles | None = None,
    ) -> None:
        self.equations = list(equations)
        self.extra = list(extra)
        self.title = title
        self.notes = list(notes)
        self.styles = styles or EquationStyles()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(20, options.max_width)

    def _number(self, value: float, width: int = 0) -> tuple[str, Style]:
        """A result and its style: the overflowed ones (nan, ±inf) in the `bad` style."""
        style = self.styles.value if math.isfinite(value) else self.styles.bad
        return num(value).rjust(width), style

    def _check(self, value: float, trace: float | None) -> Text:
        st = self.styles
        if trace is None:
            return Text("")
        if agrees(value, trace):
            label = "  " + _("trace: ")
            return Text.assemble(label, self._number(trace), (f" {CHECK}", st.good))
        return Text.assemble("  ", (f"{CROSS} " + _("trace: ") + num(trace), st.bad))

    def _line(self, label: str, value: float, width: int, note: str = "") -> Text:
        st = self.styles
        text = Text.assemble(
            ("  " + label + " " * (width - cell_len(label)), st.label),
            " = ",
            self._number(value, 7),
        )
        if note:
            text.append("   " + note, st.note)
        return text

    def _rnn(self, eq: UnitEquation, room: int = 10**9) -> list[Text | Table]:
        """An RNN unit's lines; room: the width the terms of a product may take."""
        (row,) = eq.rows
        j = eq.symbol.split("[", 1)[1].rstrip("]") if "[" in eq.symbol else ""
        p = eq.prime
        w_ih, w_hh, b_ih, b_hh = f"W{p}_ih", f"W{p}_hh", f"b{p}_ih", f"b{p}_hh"
        labels = [
            f"{w_ih}[{j}]·{eq.x_symbol} + {b_ih}[{j}]",
            f"{w_hh}[{j}]·{eq.prev_symbol.split(' ')[0]}",
            f"{b_hh}[{j}]",
            _("pre-activation a"),
            f"{eq.symbol} = {row.act}(a)",
        ]
        width = max(cell_len(label) for label in labels)
        x_product = next((p for p in eq.products if p.name.startswith(w_ih)), None)
        h_product = next((p for p in eq.products if p.name.startswith(w_hh)), None)
        out: list[Text | Table] = [
            self._line(
                labels[0], row.x_part, width, _("precomputed for every t: ") + f"X·{w_ih}ᵀ + {b_ih}"
            )
        ]
        if x_product is not None:  # its terms, then b_ih[j]
            for line in x_product.lines(room, after=(factor(row.b_ih),)):
                out.append(Text(line, self.styles.muted))
        out.append(self._line(labels[1], row.h_part, width, _("the only product done per step")))
        if h_product is not None:
            prev = eq.prev_symbol
            if "= 0" in prev:
                since = _("0, since {prev}").format(prev=prev)
                out.append(Text(FIRST + since, self.styles.muted))
            else:
                for line in h_product.lines(room):
                    out.append(Text(line, self.styles.muted))
        out.append(self._line(labels[2], row.b_hh, width))
        out.append(
            self._line(
                labels[3],
                row.pre,
                width,
                f"= {num(row.x_part)} + {factor(row.h_part)} + {factor(row.b_hh)}",
            )
        )
        result = self._line(labels[4], eq.result, width, f"= {row.act}({num(row.pre)})")
        result.append_text(self._check(eq.result, eq.trace))
        out.append(result)
        return out

    def _gated(self, eq: UnitEquation) -> list[Text | Table]:
        st = self.styles
        table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False)
        prev = eq.prev_symbol.split(" ")[0]
        p = eq.prime
        headers = ("", "", f"W{p}_ih·{eq.x_symbol}+b{p}_ih", f"W{p}_hh·{prev}", f"b{p}_hh")
        for header in (*headers, _("pre-act")):
            table.add_column(header, justify="right", header_style=st.label)
        table.add_column(_("value"), justify="right", header_style=st.label)
        table.add_column("", justify="left")
        for row in eq.rows:
            h_part = num(row.h_part)
            if row.reset is not None:  # GRU n: r scales the recurrent part and its bias
                h_part = f"r×({num(row.h_part)}+{factor(row.b_hh)})"
            table.add_row(
                Text(row.name, st.symbol),
                row.act,
                num(row.x_part),
                h_part,
                "" if row.reset is not None else num(row.b_hh),
                num(row.pre),
                Text(*self._number(row.value)),
                self._check(row.value, row.trace) if row.trace is not None else "",
            )
        out: list[Text | Table] = [table]
        for row in eq.rows:
            if row.reset is not None:
                how = (
                    f"{row.name} = tanh(W{p}_in·{eq.x_symbol}+b{p}_in"
                    f" + r·(W{p}_hn·{prev}+b{p}_hn)) = "
                    f"tanh({num(row.x_part)} + {factor(row.reset)}×{factor(row.h_part + row.b_hh)})"
                )
                out.append(Text.assemble("  ", (how, st.label), " = ", self._number(row.value)))
        for step in eq.steps:
            text = Text.assemble("  ", (step.text, st.label), " = ", self._number(step.value))
            text.append_text(self._check(step.value, step.trace))
            out.append(text)
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        st = self.styles
        parts: list[Text | Table] = []
        if self.title:
            parts.append(Text(self.title, st.title))
        for eq in self.equations:
            parts.append(Text.assemble((eq.symbol, st.symbol), "  ", (eq.heading, st.muted)))
            parts.extend(self._rnn(eq, options.max_width) if eq.cell == "rnn" else self._gated(eq))
            for note in eq.notes:
                parts.append(Text("  " + note, st.note))
        for step in self.extra:
            text = Text.assemble(("  " + step.text, st.label), " = ", self._number(step.value))
            text.append_text(self._check(step.value, step.trace))
            parts.append(text)
        for note in self.notes:
            parts.append(Text(note, st.note))
        for part in parts:
            if isinstance(part, Text):
                part.no_wrap = False
                part.overflow = "fold"
        yield Group(*parts)
