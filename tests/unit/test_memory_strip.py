"""The token strip keeps the probed input in sight, and its memory line Δ shows
‖s_t − s_t(x_k replaced)‖, checked against runs of the network done here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rendered import mono, raw
from rich.cells import cell_len
from rich.console import Console

from rnn_tui.render.palette import format_value
from rnn_tui.render.tokens import TokenStrip
from rnn_tui.scenario import load_scenario
from rnn_tui.scenario.memory import replaced_each

ROOT = Path(__file__).resolve().parents[2]
SWAP = {"step": 1, "swap": {"A": "B", "B": "A"}}
WIDTH = 118  # the strip's width in a 120-column app (padding 0 1)


def memory_fade(name: str = "memory-fade"):
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.toml")
    if not scenario.memory:  # before the files' [memory] tables
        scenario.memory = dict(SWAP)
    return scenario


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_x1_stays_in_sight_at_t50(direction):
    """At t = 50 of 50 the window holds t = 33…50; x₁, the input the memory measure
    follows, is shown too, beside the window on its side in reading order (left going
    forward, right going backward), with "…" between."""
    scenario = memory_fade()
    strip = TokenStrip(scenario.tokens, 50, 50, direction, pinned=1)
    words, index = mono(strip, WIDTH).splitlines()
    assert all(cell_len(line) <= WIDTH for line in raw(strip, WIDTH))
    steps = index.split()
    assert steps.count("t=1") == 1 and "t=50" in steps and "t=2" not in steps
    if direction == "forward":
        assert words.startswith("→   A  … ")
        assert steps[0] == "t=1" and steps[-1] == "t=50"
    else:
        assert words.rstrip().endswith("…  A")
        assert steps[0] == "t=50" and steps[-1] == "t=1"
    assert strip.window(WIDTH)[0 if direction == "forward" else -1] == 1


def test_without_a_pin_x1_is_out_of_the_window():
    scenario = memory_fade()
    words, index = mono(TokenStrip(scenario.tokens, 50, 50, "forward"), WIDTH).splitlines()
    assert "t=1 " not in index and words.startswith("→ …")


def test_a_pin_already_in_the_window_adds_nothing():
    scenario = memory_fade()
    pinned = TokenStrip(scenario.tokens, 50, 3, "forward", pinned=1)
    plain = TokenStrip(scenario.tokens, 50, 3, "forward")
    assert mono(pinned, WIDTH) == mono(plain, WIDTH)
    assert pinned.layout(WIDTH)[0] == 1 and pinned.layout(WIDTH)[-1] is None


def test_a_pin_in_the_middle_has_a_gap_either_side():
    strip = TokenStrip(None, 200, 150, "forward", pinned=40)
    layout = strip.layout(80)
    assert layout[:3] == [None, 40, None] and 150 in layout
    words = mono(strip, 80).splitlines()[0]
    assert words.startswith("→ … x₄₀  … ") and cell_len(words) <= 80


@pytest.mark.parametrize("direction", ["forward", "backward", "both"])
def test_the_pinned_strip_fits_every_width_and_step(direction):
    for width in range(30, 131, 3):
        for t in (1, 2, 17, 25, 49, 50):
            strip = TokenStrip(
                None, 50, t, direction, pinned=1, memory=np.ones(50), influence=np.ones(50)
            )
            lines = raw(strip, width)
            assert len(lines) == 4, (width, t)
            assert all(cell_len(line) <= width for line in lines), (width, t)
            assert 1 in strip.window(width) and t in strip.window(width)


def test_the_memory_line_is_the_network_run_again():
    """Δ under x₁ at t = 50 is ‖s₅₀ − s′₅₀‖ of two runs done here with Network.trace:
    the LSTM keeps x₁ (4.70), the RNN does not (0.00)."""
    for name, kept in (("memory-fade", False), ("memory-fade-lstm", True)):
        scenario = memory_fade(name)
        found, replaced = replaced_each(scenario)
        swapped = np.array(scenario.inputs, copy=True)
        swapped[0] = scenario.encode(["B"])[0]
        given = scenario.network.trace(scenario.inputs).layers[-1].output[-1]
        other = scenario.network.trace(swapped).layers[-1].output[-1]
        distance = float(np.linalg.norm(np.asarray(given, float) - np.asarray(other, float)))
        assert (distance > 1.0) is kept
        strip = TokenStrip(
            scenario.tokens,
            50,
            50,
            "forward",
            pinned=1,
            memory=replaced.effect[49],
            influence_numbers=True,
            memory_caption="‖s₅₀ − s₅₀(xₖ: " + found.rule() + ")‖",
        )
        lines = mono(strip, WIDTH).splitlines()
        delta = next(line for line in lines if line.startswith("Δ"))
        first = delta[2:].split()[0]
        assert first == (format_value(distance, 4) if distance else "·")
        assert any("‖s₅₀ − s₅₀(xₖ: A→B" in line for line in lines)  # the caption, whole


def test_the_captions_go_under_the_lines_when_the_window_fills_them():
    strip = TokenStrip(
        None,
        50,
        50,
        "forward",
        influence=np.ones(50),
        memory=np.ones(50),
        influence_caption=("local sensitivity, not memory: ‖∂s₅₀/∂xₖ‖", "‖∂s₅₀/∂xₖ‖"),
        memory_caption=("memory: ‖s₅₀ − s₅₀(xₖ → 0)‖ re-run", "‖s₅₀ − s₅₀(xₖ)‖"),
    )
    lines = mono(strip, 80).splitlines()
    assert lines[2].startswith("∂") and lines[3].startswith("Δ")
    assert lines[4].strip() == "∂ ‖∂s₅₀/∂xₖ‖   Δ ‖s₅₀ − s₅₀(xₖ)‖"
    wide = mono(strip, 400).splitlines()  # room on the lines themselves: no legend
    assert len(wide) == 4 and wide[2].endswith("‖∂s₅₀/∂xₖ‖") and "re-run" in wide[3]


def test_words_carry_their_step_for_a_click():
    strip = TokenStrip(["a", "b"], 2, 1, clickable=True)
    console = Console(width=40, color_system=None, _environ={})
    probes = [s.style.meta.get("probe") for s in console.render(strip) if s.style and s.style.meta]
    assert probes == [1, 2]
