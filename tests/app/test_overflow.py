"""Numbers that overflow (huge weights with relu, inf - inf = NaN) are drawn distinctly
and never crash: heatmap cells, colour scales, legends, bars, the equation, the app."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from rich.color import Color
from rich.console import Console

from rnn_tui.present.numbers import merge_steps, readout_step, unit_equation
from rnn_tui.render import DIVERGING, SEQUENTIAL, ColorScale, Heatmap, Legend, format_value
from rnn_tui.render.bars import ProbabilityBars, bar_text
from rnn_tui.render.equation import EquationPanel, agrees, factor, num
from rnn_tui.render.palette import (
    NAN,
    NEGINF,
    POSINF,
    SPECIAL_COLORS,
    mark,
    special_text,
)
from rnn_tui.scenario import load_scenario

OVERFLOW = Path(__file__).parent / "data" / "overflow.toml"
INF, NAN_ = float("inf"), float("nan")


def render(renderable, width: int = 60, color: bool = True) -> list:
    """The lines of Segments a console of `width` draws (with or without colour)."""
    console = Console(
        width=width, color_system="truecolor" if color else None, force_terminal=color,
        no_color=not color, legacy_windows=False, _environ={},
    )  # fmt: skip
    return console.render_lines(renderable, console.options, pad=False)


def text(renderable, width: int = 100, color: bool = False) -> str:
    return "\n".join("".join(s.text for s in line) for line in render(renderable, width, color))


def rgb(color: Color | None) -> tuple[int, int, int] | None:
    return None if color is None else tuple(color.get_truecolor())


def distance(a, b) -> float:
    return math.dist(a, b)


def overflow_trace():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the engine's, not the display's
        scenario = load_scenario(OVERFLOW)
        return scenario, scenario.trace()


# --------------------------------------------------------------------------- colours
@pytest.mark.parametrize("palette", [DIVERGING, SEQUENTIAL])
def test_reserved_colours_are_far_from_every_colour_of_both_palettes(palette):
    for code, value in SPECIAL_COLORS.items():
        special = rgb(Color.parse(value))
        nearest = min(distance(special, rgb(c)) for c in palette.colors(21))
        assert nearest > 90, (code, palette.name, nearest)
    specials = [rgb(Color.parse(v)) for v in SPECIAL_COLORS.values()]
    assert min(distance(a, b) for a in specials for b in specials if a != b) > 200


@pytest.mark.parametrize("background", [None, "#000000", "#ffffff", "#f0f0f0", "#1e1e1e"])
def test_an_inf_cell_differs_from_the_max_cell_in_style_and_in_text(background):
    scale = ColorScale(-1.0, 1.0)
    if background is not None:  # a light or dark theme moves the scale's colours, not these
        scale = scale.against(Color.parse(background))
    heatmap = Heatmap([1.0, INF, -1.0, -INF, NAN_], scale, cell_width=7, gap=1, cell_height=2)
    (line,) = render(heatmap)
    cells = [s for s in line if s.text.strip() or s.style and s.style.bgcolor]
    top, pos, bottom, neg, nan = cells
    assert top.text == " " * 6 and rgb(top.style.bgcolor) == rgb(scale.colors[-1])
    assert pos.text == " +inf " and rgb(pos.style.bgcolor) == rgb(
        Color.parse(SPECIAL_COLORS[POSINF])
    )
    assert neg.text == " -inf " and rgb(neg.style.bgcolor) == rgb(
        Color.parse(SPECIAL_COLORS[NEGINF])
    )
    assert nan.text == " nan  " and rgb(nan.style.bgcolor) == rgb(Color.parse(SPECIAL_COLORS[NAN]))
    assert rgb(bottom.style.bgcolor) == rgb(scale.colors[0])
    assert pos.style != top.style and neg.style != bottom.style
    assert pos.style.color.triplet == (0, 0, 0) and pos.style.bold  # a dark mark on it


def test_narrow_cells_and_dense_matrices_carry_the_glyph_in_colour_too():
    scale = ColorScale(-1.0, 1.0)
    (line,) = render(Heatmap([[1.0, INF, NAN_, -INF]], scale, cell_width=2, cell_height=2))
    assert "".join(s.text for s in line) == "  ++??--"
    # two matrix rows packed into one line: same code in both halves -> its mark
    (line,) = render(Heatmap([[INF, 1.0], [INF, 1.0]], scale, cell_width=1))
    assert [s.text for s in line] == ["+", " "]
    # a single row (the lower half empty): the mark in its colour, not a half block
    (line,) = render(Heatmap([NAN_, 1.0], scale, cell_width=1))
    assert line[0].text == "?" and rgb(line[0].style.color) == (255, 0, 255)
    assert line[1].text == "▀"


def test_clickable_cells_mark_non_finite_values():
    meta = lambda row, col: {"@click": f"app.select_unit({col + 1})"}  # noqa: E731
    heatmap = Heatmap([0.5, INF], ColorScale(-1, 1), cell_width=8, gap=1, cell_height=4,
                      cell_meta=meta)  # fmt: skip
    lines = render(heatmap)
    assert len(lines) == 2
    for line in lines:
        inf_cell = [s for s in line if "inf" in s.text]
        assert inf_cell and inf_cell[0].text == "  +inf "  # 8 wide, one of them the gap
        assert inf_cell[0].style.meta == {"@click": "app.select_unit(2)"}
    mono_line = render(heatmap, color=False)[0]
    assert "".join(s.text for s in mono_line) == "▒▒▒▒▒▒▒   +inf  "  # 0.5 on [-1, 1]


def test_without_colour_non_finite_cells_are_marked_not_shaded():
    heatmap = Heatmap([1.0, INF, -INF, NAN_], ColorScale(-1, 1), cell_width=7, gap=1,
                      cell_height=2, values=True)  # fmt: skip
    assert [line.rstrip() for line in text(heatmap).splitlines()] == [
        "██████  +inf   -inf   nan",
        " 1.00   +inf   -inf   nan",
    ]


# --------------------------------------------------------------------------- scales
def test_one_inf_does_not_flatten_the_finite_cells():
    row = np.array([-0.8, -0.2, 0.3, 0.9, INF, NAN_, -INF])
    scale = ColorScale.symmetric(row)
    assert (scale.vmin, scale.vmax) == (-0.9, 0.9)
    codes = scale.codes(row).tolist()
    assert codes[:4] == [1, 8, 13, 20]  # spread over the 21 levels
    assert codes[4:] == [POSINF, NAN, NEGINF]


def test_huge_finite_values_clip_to_the_ends_not_to_the_bottom():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ColorScale(-1, 1).codes(np.array([1e308, -1e308, 1.7e308])).tolist() == [20, 0, 20]
        scale = ColorScale.symmetric(np.array([1.7e308, -1.7e308, 0.0, 0.85e308]))
        assert scale.codes(np.array([1.7e308, -1.7e308, 0.0, 0.85e308])).tolist() == [20, 0, 10, 15]
        legend = text(Legend(scale, width=15))
    assert legend.startswith("-1.7e+308 ") and legend.endswith(" +1.7e+308")
    assert "0" in legend[10:-10]  # zero marked in the middle, not lost to inf - -inf


# --------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(
    ("value", "width", "expected"),
    [(INF, 5, "+inf"), (INF, 3, "inf"), (INF, 2, "+∞"), (-INF, 3, "-∞"), (-INF, 1, "-"),
     (NAN_, 2, "?"), (NAN_, 3, "nan"), (1e300, 5, "1e300"), (-2.4e300, 6, "-2e300"), (-2.4e300, 5, "#####")],
)  # fmt: skip
def test_format_value_writes_overflow_distinctly_at_any_width(value, width, expected):
    assert format_value(value, width) == expected
    assert len(format_value(value, width)) <= width


def test_the_equation_numbers_of_an_overflow():
    assert (num(INF), num(-INF), num(NAN_)) == ("+inf", "-inf", "nan")
    assert factor(-INF) == "(-inf)" and num(1.5e300) == "1.500e+300"
    assert num(123456.0) == "123456.000" and num(1234567.0) == "1.235e+06"
    assert agrees(INF, INF) and agrees(NAN_, NAN_) and agrees(-INF, -INF)
    assert not agrees(INF, -INF) and not agrees(NAN_, 1.0) and not agrees(1.0, INF)
    assert special_text(POSINF) == "+inf" and mark(NAN, 3) == "???"


def test_the_equation_panel_of_an_overflowing_unit():
    scenario, trace = overflow_trace()
    network = scenario.network
    h = trace.layers[0].forward.h
    assert np.isposinf(h[1, 0]) and np.isnan(h[3]).all()  # the scenario does overflow
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the display adds no warning of its own
        for t in range(1, trace.steps + 1):
            for unit in (1, 2, 3):
                eq = unit_equation(network, trace, 0, "forward", t, unit)
                assert eq.exact, (t, unit)  # inf agrees with inf, nan with nan
                extra = readout_step(network, trace, t, unit, ["up", "down"])
                panel = text(EquationPanel([eq], extra=extra), width=120)
                assert "✗" not in panel
        at2 = text(EquationPanel([unit_equation(network, trace, 0, "forward", 2, 1)]), 120)
        at4 = text(EquationPanel([unit_equation(network, trace, 0, "forward", 4, 2)]), 120)
    assert "= relu(+inf)" in at2 and "trace: +inf ✓" in at2
    assert "+inf" in at2.split("W_hh[1]·s₁")[1].splitlines()[0]  # 1e308 × 2 overflowed
    assert "trace: nan ✓" in at4 and "(-1.000)×+inf" in at4  # inf - inf


def test_overflowed_results_are_in_the_bad_style():
    from rnn_tui.render.equation import EquationStyles

    scenario, trace = overflow_trace()
    eq = unit_equation(scenario.network, trace, 0, "forward", 2, 1)
    bad, value = EquationStyles().bad, EquationStyles().value
    segments = [s for line in render(EquationPanel([eq]), 120) for s in line]
    assert any(s.text.strip() == "+inf" and s.style == bad for s in segments)
    assert any(s.text.strip() == "2.000" and s.style == value for s in segments)


def test_merge_of_infinities_is_written_out():
    from rnn_tui.engine import Network

    net = Network(cell="rnn", input_size=1, hidden_size=1, bidirectional=True, merge="sum",
                  nonlinearity="relu")  # fmt: skip
    trace = net.trace(np.array([[1.0]]))
    trace.layers[0].forward.h[0, 0] = INF
    trace.layers[0].backward.h[0, 0] = -INF
    trace.layers[0].output[0, 0] = NAN_
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (step,) = merge_steps(net, trace, 0, 1, 1)
    assert "+inf + (-inf)" in step.text and math.isnan(step.value) and agrees(step.value, NAN_)


def test_probability_bars_of_nan_say_so():
    bars = ProbabilityBars(["up", "down"], [NAN_, NAN_])
    out = text(bars, width=60)
    assert "nan" in out and "◀ prediction" in out and "?" * 4 in out
    compact = text(ProbabilityBars(["up", "down"], [NAN_, 0.5], compact=True), width=60)
    assert compact.startswith("up ? nan") and "down ▄ 0.50" in compact
    assert bar_text(INF, 4) == "++++" and bar_text(0.5, 4) == "██  "


# --------------------------------------------------------------------------- the app
VIEWS = {"1": "step", "2": "numbers", "3": "layers", "4": "history", "5": "weights"}


def screen_text(app) -> str:
    """What every panel on screen draws, as text."""
    from rnn_tui.ui.widgets import FigureView

    return "\n".join(w.text for w in app.query(FigureView) if w.display and w.region.height)


def special_cells(panel, code: int) -> list:
    """The segments a panel draws on the reserved colour of `code`."""
    want = Color.parse(SPECIAL_COLORS[code]).triplet
    return [
        segment
        for y in range(panel.size.height)
        for segment in panel.render_line(y)
        if segment.style is not None and segment.style.bgcolor is not None
        and segment.style.bgcolor.triplet == want
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("theme", "size", "no_color"),
    [("textual-dark", (120, 40), False), ("textual-light", (100, 30), False),
     ("textual-dark", (80, 24), True)],
)  # fmt: skip
async def test_the_app_steps_through_an_overflow_in_every_view(theme, size, no_color, monkeypatch):
    from rnn_tui.ui import make_app

    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # the engine overflows silently
        app = make_app(OVERFLOW)
        async with app.run_test(size=size) as pilot:
            app.theme = theme
            await pilot.pause()
            seen: dict[tuple[str, int], str] = {}
            for key, pane in VIEWS.items():
                await pilot.press(key, "home")
                for t in range(1, app.trace.steps + 1):
                    if t > 1:
                        await pilot.press("right")
                    await pilot.pause()
                    assert (app.pane, app.view.t) == (pane, t)
                    seen[pane, t] = screen_text(app)
            assert "+inf" not in seen["step", 1] and "nan" not in seen["step", 1]
            assert "+inf" in seen["step", 2] and "-inf" in seen["step", 2]  # s₂[1], o₂[2]
            assert "nan" in seen["step", 4]
            assert "+++" in seen["history", 3] and "???" in seen["history", 3]  # narrow cells
            # the numbers of the unit that overflowed, and of one that became nan
            await pilot.press("2", "home", "right")
            await pilot.pause()
            numbers = app.panel("numbers").text
            assert app.view.unit == 1 and "relu(+inf)" in numbers and "trace: +inf ✓" in numbers
            await pilot.press("right", "right", "right_square_bracket")
            await pilot.pause()
            numbers = app.panel("numbers").text
            assert (app.view.t, app.view.unit) == (4, 2) and "trace: nan ✓" in numbers
            assert "✗" not in numbers
            await pilot.press("1", "home", "right")
            await pilot.pause()
            state = app.panel("state-forward")
            if no_color:
                assert app.no_color and "+inf" in state.text
            else:  # the +inf cell on its reserved colour, the finite ones not
                cells = special_cells(state, POSINF)
                assert cells and any("+inf" in s.text for s in cells)
                assert not special_cells(state, NAN)
            assert app.is_running and app.return_code is None  # no error so far


def test_an_overflowed_influence_is_marked_and_the_others_keep_their_shades():
    from rnn_tui.render.tokens import TokenStrip

    strip = TokenStrip(["a", "b", "c", "d"], 4, 4, "forward", influence=[NAN_, INF, 2.0, 1.0])
    *_, influence = text(strip, width=60).splitlines()
    assert influence.split() == ["∂", "???", "+++", "███", "▒▒▒"]  # 2.0 is the top, not inf
    line = render(strip, width=60)[-1]
    marked = [s for s in line if s.text.strip() in ("???", "+++")]
    assert [rgb(s.style.bgcolor) for s in marked] == [(255, 0, 255), (255, 140, 0)]


async def test_an_overflowed_output_predicts_nothing():
    from rnn_tui.ui import make_app

    app = make_app(OVERFLOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("end")
        content = app.panel("output").content
        assert content.prediction == "no prediction: the outputs overflowed (inf / nan)"
        assert content.bars is not None and content.bars[2] == -1  # no row marked ◀
        assert "nan" in app.panel("output").text and "◀" not in app.panel("output").text
