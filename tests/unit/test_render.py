"""The Rich renderables of rnn_tui.render, rendered to strings with fixed-width consoles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console
from rich.measure import Measurement
from rich.style import Style

from rnn_tui.render import DIVERGING, SEQUENTIAL, ColorScale, Heatmap, Legend, format_value
from rnn_tui.render.figure import Figure
from rnn_tui.render.heatmap import LOWER_HALF, UPPER_HALF
from rnn_tui.render.notation import (
    gates_equation,
    initial_state_note,
    merge_equation,
    output_equation,
    state_equation,
    sub,
)
from rnn_tui.render.palette import NAN, NEGINF, POSINF, cell_style
from rnn_tui.render.tokens import TokenStrip

ROOT = Path(__file__).resolve().parents[2]

# ColorBrewer anchors the palettes must hit exactly at their ends and middle.
BLUE, WHITE, RED = (33, 102, 172), (247, 247, 247), (178, 24, 43)
PURPLE, YELLOW = (68, 1, 84), (253, 231, 37)


def mono(renderable, width: int = 40) -> str:
    """Render without colour: the shade-glyph fallback."""
    console = Console(
        width=width, color_system=None, force_terminal=False, legacy_windows=False, _environ={}
    )
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def ansi(renderable, width: int = 40) -> str:
    """Render with 24-bit colour, escape codes and all."""
    console = Console(
        width=width, color_system="truecolor", force_terminal=True, legacy_windows=False,
        _environ={},
    )  # fmt: skip
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def fg_bg(rgb_fg, rgb_bg=None) -> str:
    code = "38;2;{};{};{}".format(*rgb_fg)
    if rgb_bg is not None:
        code += ";48;2;{};{};{}".format(*rgb_bg)
    return f"\x1b[{code}m"


# --------------------------------------------------------------------------- palette
def test_palettes_end_on_their_colorbrewer_and_viridis_anchors():
    colors = DIVERGING.colors(21)
    assert colors[0].triplet == BLUE
    assert colors[10].triplet == WHITE
    assert colors[20].triplet == RED
    seq = SEQUENTIAL.colors(21)
    assert (seq[0].triplet, seq[-1].triplet) == (PURPLE, YELLOW)
    assert DIVERGING.colors(21) is DIVERGING.colors(21)  # cached


def test_codes_clip_out_of_range_values_and_mark_non_finite_ones():
    scale = ColorScale(-1.0, 1.0)
    codes = scale.codes(np.array([-5.0, -1.0, 0.0, 0.05, 1.0, 7.0, np.nan, np.inf, -np.inf]))
    assert codes.tolist() == [0, 0, 10, 10, 20, 20, NAN, POSINF, NEGINF]


def test_symmetric_scale_spans_the_largest_magnitude():
    scale = ColorScale.symmetric(np.array([[0.5, -2.0], [np.nan, 1.0]]))
    assert (scale.vmin, scale.vmax) == (-2.0, 2.0)
    assert ColorScale.symmetric(np.zeros(3)) == ColorScale(-1.0, 1.0)
    assert ColorScale.unit() == ColorScale(0.0, 1.0, SEQUENTIAL)


def test_scale_rejects_bad_ranges():
    with pytest.raises(ValueError, match="greater than vmin"):
        ColorScale(1.0, 1.0)
    with pytest.raises(ValueError, match="finite"):
        ColorScale(-np.inf, 1.0)


def test_styles_are_cached():
    color = ColorScale().colors[3]
    assert cell_style(color, None) is cell_style(color, None)


@pytest.mark.parametrize(
    ("value", "width", "text"),
    [
        (0.4242, 5, "0.42"),
        (-0.4242, 5, "-0.42"),
        (-0.001, 5, "0.00"),
        (12.345, 5, "12.35"),
        (-123.45, 5, "-123"),
        (123456.0, 5, "1.2e5"),
        (123456.0, 3, "1e5"),
        (float("nan"), 5, "nan"),
        (float("-inf"), 5, "-inf"),
        (0.5, 3, "0.5"),
    ],
)
def test_format_value_fits_the_width(value, width, text):
    assert format_value(value, width) == text


# --------------------------------------------------------------------------- heatmap
def test_half_blocks_put_the_upper_row_in_the_foreground_and_the_lower_in_the_background():
    out = ansi(Heatmap([[-1.0, 1.0], [0.0, np.nan]], ColorScale(-1, 1)))
    reset = "\x1b[0m"
    expected = (
        f"{fg_bg(BLUE, WHITE)}{UPPER_HALF}{reset}{fg_bg(RED, (255, 0, 255))}{UPPER_HALF}{reset}\n"
    )
    assert out == expected


def test_an_odd_row_count_leaves_the_lower_half_of_the_last_line_empty():
    out = ansi(Heatmap([[-1.0, 1.0]], ColorScale(-1, 1)))
    assert out == f"{fg_bg(BLUE)}▀\x1b[0m{fg_bg(RED)}▀\x1b[0m\n"


def test_equal_halves_are_drawn_as_a_background_space():
    heatmap = Heatmap([[1.0], [1.0]], ColorScale(-1, 1))
    (line,) = heatmap.lines(10)
    (segment,) = line
    assert segment.text == " "
    assert segment.style.color is None and segment.style.bgcolor.triplet == RED


def test_lower_half_block_when_only_the_lower_pixel_is_drawn():
    heatmap = Heatmap([[1.0, 1.0, -1.0]], ColorScale(-1, 1), cell_width=1)
    # cell_height 1 at width 2: bands [1, 1] and [-1]; the second fills lower halves
    (line,) = heatmap.lines(2)
    assert [s.text for s in line] == [UPPER_HALF, UPPER_HALF]
    assert (line[0].style.color.triplet, line[0].style.bgcolor.triplet) == (RED, BLUE)
    assert line[1].style.color.triplet == RED and line[1].style.bgcolor is None
    gap = Heatmap([[np.nan, 1.0]], ColorScale(-1, 1)).lines(1)
    assert gap[0][0].text == UPPER_HALF
    # a 2-row matrix in two bands: a blank half-row between them shifts band 2 down
    matrix = Heatmap([[-1.0, 1.0], [-1.0, 1.0]], ColorScale(-1, 1))
    lines = matrix.lines(1)
    assert [[s.text for s in line] for line in lines] == [[" "], [LOWER_HALF], [UPPER_HALF]]
    assert lines[1][0].style.color.triplet == RED and lines[1][0].style.bgcolor is None


def test_a_small_vector_draws_big_cells_with_its_values_underneath():
    heatmap = Heatmap(
        [-1.0, -0.5, 0.0, 0.5, 1.0], ColorScale(-1, 1),
        cell_width=6, gap=1, cell_height=2, values=True,
    )  # fmt: skip
    assert mono(heatmap) == ("▬▬▬▬▬ ===== ····· ▒▒▒▒▒ █████ \n-1.00 -0.50  0.00  0.50  1.00\n")


def test_cell_height_in_half_rows():
    heatmap = Heatmap([0.0, 1.0], ColorScale(-1, 1), cell_width=3, cell_height=4)
    assert ansi(heatmap).count("\n") == 2  # 4 half-rows = 2 lines
    assert mono(heatmap) == "···███\n···███\n"


def test_a_long_vector_wraps_into_balanced_bands():
    heatmap = Heatmap(np.linspace(-1, 1, 10), ColorScale(-1, 1), cell_height=2)
    # 10 columns at width 6: two bands of 5 (not 6 + 4)
    assert mono(heatmap, width=6) == "▬≡=-·\n·░▒▓█\n"


def test_a_1024_unit_state_wraps_two_bands_per_line():
    data = np.tanh(np.random.default_rng(0).standard_normal(1024))
    heatmap = Heatmap(data, ColorScale(-1, 1), cell_width=None, gap=None, cell_height=None)
    lines = heatmap.lines(100)
    layout = heatmap.layout(100)
    assert layout.cell_width == 1
    assert len(layout.bands) == 11 and sum(len(b) for b in layout.bands) == 1024
    assert len(lines) == 6  # 11 bands, one half-row each
    assert all(sum(len(s.text) for s in line) <= 100 for line in lines)


def test_auto_cells_are_wide_for_few_units_and_narrow_for_many():
    few = Heatmap([0.1, 0.2], ColorScale(), cell_width=None, gap=None, values=True)
    assert few.layout(80).cell_width == 12 and few.layout(80).gap == 1
    sixteen = Heatmap(np.zeros(16), ColorScale(), cell_width=None, gap=None, values=True)
    assert [len(b) for b in sixteen.layout(78).bands] == [8, 8]
    assert len(sixteen.layout(118).bands) == 1
    many = Heatmap(np.zeros(64), ColorScale(), cell_width=None, gap=None)
    assert many.layout(120).cell_width == 1


def test_non_finite_values_have_their_own_glyphs_without_colour():
    heatmap = Heatmap([np.nan, np.inf, -np.inf, 0.25], ColorScale.unit(), cell_width=2)
    assert mono(heatmap) == "??++--░░\n"


def test_row_labels_prefix_each_row():
    data = np.arange(6).reshape(3, 2) / 5
    heatmap = Heatmap(
        data, ColorScale.unit(), cell_width=2, cell_height=2, row_labels=["ab", "b", "c"]
    )
    assert mono(heatmap) == "ab ··░░\nb  ▒▒▒▒\nc  ▓▓██\n"


def test_no_color_console_falls_back_to_glyphs():
    console = Console(width=20, color_system="truecolor", force_terminal=True, no_color=True)
    with console.capture() as capture:
        console.print(Heatmap([1.0, -1.0], ColorScale(-1, 1), cell_width=2))
    assert capture.get() == "██▬▬\n"


def test_heatmap_measures_its_natural_width():
    console = Console(width=200)
    heatmap = Heatmap(np.zeros(10), ColorScale(), cell_width=3)
    assert Measurement.get(console, console.options, heatmap) == Measurement(3, 30)
    fixed = Heatmap(np.zeros(10), ColorScale(), cell_width=3, wrap=False)
    assert Measurement.get(console, console.options, fixed) == Measurement(30, 30)


def test_heatmap_rejects_bad_arguments():
    with pytest.raises(ValueError, match="1-D or 2-D"):
        Heatmap(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="gap"):
        Heatmap(np.zeros(3), cell_width=2, gap=2)
    with pytest.raises(ValueError, match="row_labels"):
        Heatmap(np.zeros((2, 3)), row_labels=["a"])


# --------------------------------------------------------------------------- legend
def test_legend_without_colour():
    assert mono(Legend(ColorScale(-1, 1), width=11)) == "-1 ▬≡==-0░▒▒▓█ +1\n"
    assert mono(Legend(ColorScale.unit(), width=5)) == "0 ·░▒▓█ 1\n"


def test_legend_marks_zero_on_the_neutral_colour():
    out = ansi(Legend(ColorScale(-1, 1), width=3))
    # three cells centred on -2/3, 0, +2/3: levels 3, 10 and 17 of 21
    low, high = DIVERGING.colors(21)[3].triplet, DIVERGING.colors(21)[17].triplet
    assert out == (
        "-1 \x1b[48;2;{};{};{}m \x1b[0m".format(*low)
        + "\x1b[1;38;2;0;0;0;48;2;{};{};{}m0\x1b[0m".format(*WHITE)
        + "\x1b[48;2;{};{};{}m \x1b[0m +1\n".format(*high)
    )


def test_legend_measures_its_width():
    console = Console(width=80)
    legend = Legend(ColorScale(-2.5, 2.5), width=9)
    # "-2.5" + " " + 9 cells + " " + "+2.5"
    assert Measurement.get(console, console.options, legend) == Measurement(19, 19)


# --------------------------------------------------------------------------- figure
def figure() -> Figure:
    scale = ColorScale(-1, 1)
    return Figure(
        "s₃  hidden state",
        detail="s₃ = tanh(W x₃ + U s₂ + b)",
        heatmap=Heatmap([0.5, -0.5], scale, cell_width=6, gap=1, cell_height=2, values=True),
        legend=Legend(scale, width=5),
        notes=["a note"],
    )


def test_figure_header_holds_title_detail_and_legend_when_wide():
    assert mono(figure(), width=60) == (
        "s₃  hidden state   s₃ = tanh(W x₃ + U s₂ + b)    -1 ▬=0▒█ +1\n"
        "▒▒▒▒▒ ===== \n"
        " 0.50 -0.50\n"
        "a note\n"
    )


def test_figure_moves_the_detail_then_the_legend_when_narrow():
    lines = mono(figure(), width=30).splitlines()
    assert lines[0] == "s₃  hidden state   -1 ▬=0▒█ +1"
    assert lines[1] == "s₃ = tanh(W x₃ + U s₂ + b)"  # on a line of its own
    lines = mono(figure(), width=20).splitlines()
    assert lines == [
        "s₃  hidden state    ",  # the detail no longer fits anywhere: dropped
        "▒▒▒▒▒ ===== ",
        " 0.50 -0.50",
        "-1 ▬=0▒█ +1",  # the legend under the heatmap
        "a note",
    ]


def test_figure_header_style_lies_over_the_text_and_under_the_legend():
    scale = ColorScale(-1, 1)
    fig = Figure(
        "x", legend=Legend(scale, width=3), title_style=Style(bgcolor="black"),
        header_style=Style(bgcolor="grey23"),
    )  # fmt: skip
    console = Console(width=20, color_system="truecolor", force_terminal=True, _environ={})
    segments = [s for s in console.render(fig) if s.text != "\n"]
    assert segments[0].text == "x" and segments[0].style.bgcolor.name == "grey23"
    zero = next(s for s in segments if s.text == "0")
    assert zero.style.bgcolor.triplet == WHITE


# --------------------------------------------------------------------------- tokens
SENTENCE = ["what", "time", "is", "it", "?"]


def test_token_strip_forward():
    assert mono(TokenStrip(SENTENCE, 5, 2, "forward")) == (
        "→  what  time  is   it    ?  \n   t=1   t=2   t=3  t=4  t=5 \n"
    )


def test_token_strip_backward_runs_from_the_end():
    strip = TokenStrip(SENTENCE, 5, 2, "backward")
    assert strip.order == [5, 4, 3, 2, 1]
    assert mono(strip) == ("←   ?   it   is   time  what \n   t=5  t=4  t=3  t=2   t=1  \n")


def test_token_strip_styles_current_read_and_unread_words():
    strip = TokenStrip(
        SENTENCE, 5, 3, "forward", current_style="bold", read_style="italic", unread_style="dim"
    )
    segments = [s for s in Console(width=80).render(strip) if s.text.strip()]
    styles = {s.text.strip(): s.style for s in segments[1:6]}
    assert styles["is"] == Style(bold=True)
    assert styles["what"] == styles["time"] == Style(italic=True)
    assert styles["it"] == styles["?"] == Style(dim=True)
    backward = TokenStrip(SENTENCE, 5, 3, "backward", read_style="italic", unread_style="dim")
    segments = [s for s in Console(width=80).render(backward) if s.text.strip()]
    styles = {s.text.strip(): s.style for s in segments[1:6]}
    assert styles["it"] == styles["?"] == Style(italic=True)  # read first going backward
    assert styles["what"] == Style(dim=True)


def test_token_strip_counts_wide_characters_twice():
    assert mono(TokenStrip(["现在", "几点", "了", "？"], 4, 1, "forward")) == (
        "→  现在  几点  了   ？  \n   t=1   t=2   t=3  t=4 \n"
    )


def test_token_strip_windows_a_long_sequence_around_the_current_step():
    strip = TokenStrip(None, 40, 20, "forward")
    text = mono(strip, width=60)
    words, index = text.splitlines()
    assert words.startswith("→ …") and words.endswith("…")
    assert "x₂₀" in words and "t=20" in index
    assert len(words) <= 60
    assert strip.window(10_000) == list(range(1, 41))


def test_token_strip_rejects_a_step_outside_the_sequence():
    with pytest.raises(ValueError, match="current"):
        TokenStrip(SENTENCE, 5, 6)


# --------------------------------------------------------------------------- notation
def test_equations_follow_the_tutorial():
    assert sub(12) == "₁₂"
    assert state_equation("rnn", 3, 5) == "s₃ = tanh(W_ih x₃ + W_hh s₂ + b),  b = b_ih + b_hh"
    assert state_equation("rnn", 3, 5, nonlinearity="sigmoid").startswith(
        "s₃ = σ(W_ih x₃ + W_hh s₂ + b),"
    )
    assert (
        state_equation("rnn", 3, 5, direction="backward", bidirectional=True, layer=2)
        == "←s₃ = tanh(W'_ih s₃⁽¹⁾ + W'_hh ←s₄ + b'),  b' = b'_ih + b'_hh"
    )
    assert state_equation("gru", 2, 5) == "s₂ = (1−z) ⊙ n + z ⊙ s₁"
    assert initial_state_note(1, 5) == "s₀ = 0"
    assert initial_state_note(5, 5, "backward") == "s₆ = 0"
    assert initial_state_note(3, 5) == ""
    assert merge_equation("concat", 2) == "s₂ = [→s₂ ; ←s₂]"
    assert merge_equation("mean", 2) == "s₂ = (→s₂ + ←s₂) / 2"
    assert output_equation(4, 5, readout="every", bidirectional=False, merge="concat") == (
        "o₄ = W_oh s₄ + b_o"
    )
    assert output_equation(2, 6, readout="last", bidirectional=True, merge="concat") == (
        "o = W_oh [→s₆ ; ←s₁] + b_o"
    )
    assert "c₃ = f ⊙ c₂ + i ⊙ g" in gates_equation("lstm", 3)


# --------------------------------------------------------------------------- hygiene
def test_render_never_imports_textual():
    probe = (
        "import json, sys, rnn_tui.render, rnn_tui.render.heatmap, rnn_tui.render.figure,"
        " rnn_tui.render.tokens, rnn_tui.render.notation, rnn_tui.render.bars,"
        " rnn_tui.render.equation, rnn_tui.render.layout, rnn_tui.present.view, rnn_tui.present.panes,"
        " rnn_tui.present.numbers;"
        " print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT,
        timeout=60, check=True,
    )  # fmt: skip
    assert json.loads(done.stdout) == []


# --------------------------------------------------------------------------- bars, layout
def test_probability_bars_name_the_prediction():
    from rnn_tui.render.bars import ProbabilityBars, bar_text

    assert bar_text(0.5, 3) == "█▌ "
    bars = ProbabilityBars(["a", "bb"], [0.75, 0.25], max_bar=8)
    assert mono(bars) == "a  ██████    0.75  ◀ prediction\nbb ██        0.25\n"
    compact = ProbabilityBars(["a", "bb"], [0.75, 0.25], compact=True)
    assert mono(compact) == "a ▆ 0.75 ◀ · bb ▂ 0.25\n"
    with pytest.raises(ValueError, match="labels"):
        ProbabilityBars(["a"], [0.5, 0.5])


def test_beside_puts_parts_side_by_side_or_stacks_them():
    from rich.text import Text

    from rnn_tui.render.layout import Beside

    assert mono(Beside([Text("ab\ncd"), Text("x")], gap=1)) == "ab x\ncd  \n"
    wide = Beside([Text("a" * 30), Text("b" * 30)], gap=1)
    assert mono(wide, width=40) == "a" * 30 + "\n" + "b" * 30 + "\n"


# --------------------------------------------------------------------------- heatmap extras
def test_masked_cells_are_blank_and_highlighted_values_styled():
    heatmap = Heatmap(
        [-1.0, 0.0, 1.0], ColorScale(-1, 1), cell_width=6, gap=1, cell_height=2, values=True,
        mask=[False, True, False], highlight=[2], highlight_style="bold",
    )  # fmt: skip
    assert mono(heatmap) == "▬▬▬▬▬       █████ \n-1.00        1.00 \n"
    values = heatmap.lines(40)[-1]
    assert [s.text for s in values if s.style == Style(bold=True)] == [" 1.00"]


def test_cell_meta_marks_every_cell_for_clicks():
    heatmap = Heatmap(
        [[0.5, -0.5, 0.0]], ColorScale(-1, 1), cell_width=2, cell_height=2,
        cell_meta=lambda r, c: {"@click": f"app.select_unit({c + 1})"},
    )  # fmt: skip
    (line,) = heatmap.lines(20)
    assert [s.style.meta["@click"] for s in line] == [f"app.select_unit({c})" for c in (1, 2, 3)]
    # drawn as without meta: the same colours
    plain = Heatmap([[0.5, -0.5, 0.0]], ColorScale(-1, 1), cell_width=2, cell_height=2)
    assert ansi(heatmap) == ansi(plain)


def test_colours_too_close_to_the_background_are_moved_away():
    from rich.color import Color

    white, black = Color.parse("#ffffff"), Color.parse("#000000")
    on_white = ColorScale(-1, 1).against(white)
    for color in on_white.colors:
        assert np.linalg.norm(np.subtract(color.get_truecolor(), (255, 255, 255))) >= 40
    assert on_white.colors[0] == ColorScale(-1, 1).colors[0]  # far colours untouched
    on_black = ColorScale.unit().against(black)
    assert all(
        np.linalg.norm(np.subtract(c.get_truecolor(), (0, 0, 0))) >= 40 for c in on_black.colors
    )
    assert ColorScale(-1, 1).against(None) == ColorScale(-1, 1)


# --------------------------------------------------------------------------- influence strip
def test_influence_strip_under_the_words():
    strip = TokenStrip(
        ["a", "b", "c"], 3, 2, "forward", influence=[1.0, 2.0, 0.0], influence_numbers=True
    )
    assert mono(strip) == "→   a     b     c   \n   t=1   t=2   t=3  \n∂  1.00  2.00   ·   \n"
    shades = TokenStrip(["a", "b", "c"], 3, 2, "forward", influence=[1.0, 2.0, 0.0])
    assert mono(shades).splitlines() == [
        "→   a    b    c  ",
        "   t=1  t=2  t=3 ",
        "∂  ▒▒▒  ███   ·  ",
    ]
    note = TokenStrip(["a"], 1, 1, influence_note="computing…")
    assert mono(note).splitlines()[2] == "∂ computing…"


def test_a_10000_step_strip_costs_a_window():
    import time

    strip = TokenStrip(None, 10_000, 5_000, "backward")
    start = time.perf_counter()
    shown = strip.window(120)
    assert time.perf_counter() - start < 0.05
    assert 5_000 in shown and len(shown) < 20


# --------------------------------------------------------------------------- equation
def test_equation_panel_writes_every_term_and_checks_it():
    from rnn_tui.present.numbers import unit_equation
    from rnn_tui.render.equation import EquationPanel
    from rnn_tui.scenario import load_scenario

    scenario = load_scenario(ROOT / "tests/app/data/by-hand.toml")
    trace = scenario.trace()
    eq = unit_equation(scenario.network, trace, 0, "forward", 2, 2)
    assert eq.exact
    text = mono(EquationPanel([eq]), width=100)
    assert text.splitlines()[0] == "s₂[2]  unit 2 of 2, t = 2"
    # x_2 = 0, s_1 = (tanh 1, tanh 0.5): W_hh[2] = (1, 0.5)
    assert "= 1.000×0.762 + 0.500×0.462" in text
    assert f"trace: {trace.layers[0].forward.h[1, 1]:.3f} ✓" in text


def test_the_backward_equation_names_its_own_weights_and_writes_b_ih_out():
    """Section 3.6: the backward direction has its own W', b'; and the input part's
    bias is written as a number, so the line adds up by hand."""
    from rnn_tui.present.numbers import unit_equation
    from rnn_tui.render.equation import EquationPanel
    from rnn_tui.scenario import load_scenario

    scenario = load_scenario(ROOT / "tests/app/data/snap-bidirectional.toml")
    net, trace = scenario.network, scenario.trace()
    back = mono(EquationPanel([unit_equation(net, trace, 0, "backward", 3, 1)]), width=110)
    assert "W'_ih[1]·x₃ + b'_ih[1]" in back and "W'_hh[1]·←s₄" in back and "b'_hh[1]" in back
    b_ih = float(net.weights(0, "backward")[2][0])
    assert f"(the other 4 terms are × 0) + ({b_ih:.3f})" in back
    forward = mono(EquationPanel([unit_equation(net, trace, 0, "forward", 3, 1)]), width=110)
    assert "W_ih[1]·x₃ + b_ih[1]" in forward and "W'" not in forward
