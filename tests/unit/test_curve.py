"""render/curve.py: small block charts over t, bounded by the width, labels never cut."""

from __future__ import annotations

import re

import numpy as np
import pytest
from rendered import mono, raw
from rich.cells import cell_len
from rich.console import Console
from rich.style import Style

from rnn_tui.render.curve import Curves, Series, columns, columns_of


def test_a_curve_places_each_value_in_its_columns():
    """Three steps in 9 of 11 columns (3 each), the value at the current step after
    them, and the axis: t=1, the marker under step 2's middle column, t=3."""
    curve = Curves([Series("a", [0.0, 0.5, 1.0], high=1.0)], current=2)
    assert mono(curve, 20) == "a │   ▄▄▄███    0.50\n  └t=1─▲─t=3\n"


def test_a_column_of_several_steps_shows_their_mean():
    values = [0, 0, 1, 1, 0, 1, 1, 1, 0.5, 0.5, 0, 0, 1, 0, 0.25, 0.25]
    curve = Curves([Series("", values, high=1.0)], axis=False)
    # 16 steps in 8 columns: the means 0, 1, .5, 1, .5, 0, .5, .25; the last value after
    assert mono(curve, 15) == "│ █▄█▄ ▄▂  0.25\n"


def test_a_taller_curve_stacks_eighths_and_writes_its_ticks():
    curve = Curves([Series("d", [0.0, 2.0, 4.0], high=4.0, height=2)], current=3)
    lines = mono(curve, 22).splitlines()
    assert lines[0].startswith("d 4 │") and lines[1].startswith("  0 │")
    top, bottom = lines[0][5:], lines[1][5:]
    # step 2 (half of 4) fills the bottom row only, step 3 both rows
    assert bottom[:9] == "   ██████"
    assert top[:9] == "      ███"
    assert lines[0].endswith("4.00")


def test_non_finite_values_are_marked():
    curve = Curves([Series("a", [1.0, float("nan"), 2.0])], axis=False)
    assert "???" in mono(curve, 24)


@pytest.mark.parametrize("steps", [1, 5, 50, 1000])
@pytest.mark.parametrize("width", [12, 20, 33, 60, 120])
def test_the_chart_is_bounded_by_the_width_and_its_labels_are_whole(steps, width):
    values = np.linspace(0, 3, steps) if steps > 1 else np.array([3.0])
    current = max(1, steps * 2 // 3)
    series = [
        Series("‖s−s′‖", values, height=3),
        Series("p(A)", np.linspace(1, 0, steps), high=1.0),
    ]
    lines = mono(Curves(series, current=current), width).splitlines()
    assert all(cell_len(line) <= width for line in raw(Curves(series, current=current), width))
    text = "\n".join(lines)
    assert "‖s−s′‖" in text and "p(A)" in text  # whole, on lines of their own when narrow
    assert "3 " in text and "0 " in text  # the ticks
    axis = lines[-1]
    labels = re.findall(r"t=\d+", axis)
    assert all(label in {"t=1", f"t={steps}", f"t={current}"} for label in labels)  # whole
    assert len(labels) == len(set(labels))
    end = re.search(r"t=\d+$", axis.rstrip())
    if end and width >= 60:
        assert end.group() == f"t={steps}"
    assert "▲" in axis


def test_the_columns_stand_for_every_step_once():
    spans = columns(1000, 37)
    assert len(spans) == 37
    assert [t for span in spans for t in span] == list(range(1000))
    wide = columns(5, 23)  # 4 columns a step, 3 left blank
    assert len(wide) == 20 and all(len(span) == 1 for span in wide)
    assert columns_of(wide, 2) == [8, 9, 10, 11]


def test_the_current_step_is_styled_as_marked():
    console = Console(width=30, color_system="truecolor", force_terminal=True, _environ={})
    curve = Curves([Series("a", [1.0, 1.0, 1.0], high=1.0)], current=3, marker_style="reverse")
    segments = [s for s in console.render(curve) if "█" in s.text]
    marked = [s for s in segments if s.style is not None and s.style.reverse]
    assert marked and all(set(s.text) == {"█"} for s in marked)
    assert sum(len(s.text) for s in marked) == len(columns_of(columns(3, 30 - 9), 2))
    assert Style.parse("reverse") == marked[0].style


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="values"):
        Curves([Series("a", [1, 2]), Series("b", [1, 2, 3])])
    with pytest.raises(ValueError, match="current"):
        Curves([Series("a", [1, 2])], current=3)
