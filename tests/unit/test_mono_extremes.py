"""Without colour (NO_COLOR), both ends of a scale stay visible and tell their sign apart."""

from __future__ import annotations

import numpy as np
from rich.console import Console

from rnn_tui.render.heatmap import Heatmap, Legend
from rnn_tui.render.palette import ColorScale


def no_color(renderable, width: int = 40) -> str:
    """`renderable` printed on a console that has no colour (as under NO_COLOR)."""
    console = Console(width=width, no_color=True, color_system=None, legacy_windows=False)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def cells(line: str, width: int, gap: int) -> list[str]:
    """The cells of a heatmap line, each `width` characters (its gap dropped)."""
    return [line[i : i + width - gap] for i in range(0, len(line.rstrip("\n")), width)]


def test_negative_and_positive_extremes_are_drawn_and_differ():
    heatmap = Heatmap([-0.98, 0.0, 0.98], ColorScale(-1, 1), cell_width=7, gap=1, values=True)
    glyphs, numbers = no_color(heatmap).splitlines()
    low, zero, high = cells(glyphs, 7, 1)
    assert numbers.split() == ["-0.98", "0.00", "0.98"]
    assert low == "▬▬▬▬▬▬" and zero == "······" and high == "██████"
    assert len({low, zero, high}) == 3
    assert all(cell.strip() for cell in (low, zero, high))  # none blank like the background


def test_one_character_cells_keep_the_sign():
    """A dense matrix draws a cell a character: the glyph alone carries the sign."""
    values = np.array([-0.98, -0.5, -0.2, 0.0, 0.2, 0.5, 0.98])
    line = no_color(Heatmap(values, ColorScale(-1, 1))).rstrip("\n")
    assert line == "▬=-·░▒█"
    negative, positive = set(line[:3]), set(line[4:])
    assert not negative & positive and " " not in line


def test_the_legend_shows_the_glyph_of_each_end_beside_its_tick():
    legend = no_color(Legend(ColorScale(-1, 1), width=9)).rstrip("\n")
    assert legend == "-1 ▬≡=-0░▒▓█ +1"
    heatmap = no_color(Heatmap([-1.0, 1.0], ColorScale(-1, 1))).rstrip("\n")
    assert legend[3] == heatmap[0] and legend[-4] == heatmap[1]  # ▬ is -1, █ is +1
    unit = no_color(Legend(ColorScale.unit(), width=5)).rstrip("\n")
    assert unit == "0 ·░▒▓█ 1"  # a gate at 0 is a dot, not an empty cell


def test_every_level_of_a_signed_scale_has_a_glyph_of_its_sign():
    scale = ColorScale(-1, 1)
    values = scale.at(np.arange(scale.levels) / (scale.levels - 1))
    for value, code in zip(values, scale.codes(values).tolist(), strict=True):
        glyph = scale.glyph(code)
        assert glyph != " "
        if value < -0.25:
            assert glyph in "▬≡=-", value
        elif value > 0.25:
            assert glyph in "░▒▓█", value
