"""The memory lesson in the app (issue 14): memory-fade, the memory pane (6) at t = 50,
the RNN, LSTM and GRU compared, x₁ kept in sight, each word's share of the answer."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_tui.present import memory as memory_module
from rnn_tui.scenario import load_scenario
from rnn_tui.scenario.limits import InfluencePlan
from rnn_tui.ui import make_app
from rnn_tui.ui import workers as workers_module
from rnn_tui.ui.widgets import TokenStripView

SWAP = {"step": 1, "swap": {"A": "B", "B": "A"}}
FILES = {"rnn": "memory-fade", "lstm": "memory-fade-lstm", "gru": "memory-fade-gru"}


def prepared(scenario):
    """memory-fade as the files say it, also before their [memory] and answers."""
    if not scenario.memory:
        scenario.memory = dict(SWAP)
    if not scenario.answers:
        scenario.answers = {"default": "A", "B": "B"}
    return scenario


@pytest.fixture(autouse=True)
def siblings(monkeypatch):
    """The trained siblings: scenario/siblings.py's, or the three files loaded here
    where that module is not there yet."""
    try:
        import rnn_tui.scenario.siblings  # noqa: F401
    except ImportError:
        loaded = {cell: prepared(load_scenario(name)) for cell, name in FILES.items()}

        def load(scenario, problems):
            return {
                cell: scenario if s.network.cell == scenario.network.cell else s
                for cell, s in loaded.items()
            }

        monkeypatch.setattr(memory_module, "_load_siblings", load)


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def memory_fade():
    app = make_app("memory-fade")
    prepared(app.scenario)
    return app


async def test_the_memory_pane_compares_rnn_lstm_and_gru_at_t50(screen_text):
    app = memory_fade()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6", "end")
        await settle(app, pilot)
        assert (app.pane, app.view.t) == ("memory", 50)
        text = screen_text(app)
        assert "Memory of x₁ (A → B)" in text
        assert "RNN: replacing x₁ (A → B) changes s₅₀ by 0.000" in text
        assert "x₁ is forgotten" in text
        assert "LSTM: replacing x₁ (A → B) changes s₅₀ by 4.70" in text
        assert "GRU: replacing x₁ (A → B) changes s₅₀ by 5.50" in text
        assert text.count("x₁ is kept") == 2
        assert "prediction B (p = 0.56) ✗ expected A" in text
        assert text.count("prediction A (p = 1.00) ✓") == 2
        assert text.count("└t=1") == 3 and text.count("‖s−s′‖") >= 3  # the three curves
        assert "p′(A)" in text
        # the numbers are the measure's, of the scenario shown and its siblings
        names = [m.name for m in app.memory.models]
        assert names == ["RNN", "LSTM", "GRU"]
        assert [m.shown for m in app.memory.models] == [True, False, False]


async def test_the_strip_keeps_x1_and_says_what_each_line_measures(screen_lines):
    app = memory_fade()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("end")
        await settle(app, pilot)
        lines = screen_lines(app)
        words = next(line for line in lines if line.startswith(" →"))
        index = lines[lines.index(words) + 1]
        assert words.startswith(" →   A  … ") and index.split()[0] == "t=1"
        assert index.split()[-1] == "t=50"
        text = "\n".join(lines)
        assert "local sensitivity, not memory: ‖∂s₅₀/∂xₖ‖" in text
        assert "memory: ‖s₅₀ − s₅₀(xₖ: A→B, others → 0)‖" in text
        strip = app.query_one(TokenStripView)
        assert strip.memory_row is not None and strip.memory_row[0] < 1e-5  # the RNN forgot


async def test_the_mixing_bar_shows_at_the_last_step_only(screen_text):
    app = memory_fade()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("end", "left")
        await settle(app, pilot)
        assert "each word's share" not in screen_text(app)
        await pilot.press("c", "end")  # the LSTM, trained for the task
        await settle(app, pilot)
        text = screen_text(app)
        assert app.scenario.network.cell == "lstm"
        assert "each word's share of p(A) = 1.00: the drop when it is replaced" in text
        assert "x₁ A 1.00" in text  # x₁ holds the LSTM's answer up alone


async def test_k_and_a_click_choose_the_input_followed(screen_lines):
    app = memory_fade()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6", "end", "left", "left")
        await settle(app, pilot)
        await pilot.press("k")
        await settle(app, pilot)
        strip = app.query_one(TokenStripView)
        assert app.probed == 48 and strip.pinned == 48 and app.memory.k == 48
        assert "Memory of x₄₈" in "\n".join(screen_lines(app))
        lines = screen_lines(app)
        y = next(i for i, line in enumerate(lines) if " t=40 " in line)
        await pilot.click(offset=(lines[y].index("t=40") + 1, y - 1))  # the word at t = 40
        await settle(app, pilot)
        assert app.probed == 40 and app.memory.k == 40
        assert app.view.t == 48  # a click chooses the input, not the step
        await pilot.press("n")  # another sequence: the scenario's own input again
        await settle(app, pilot)
        assert app.probed is None and strip.pinned == 1 and app.memory.k == 1


async def test_every_view_at_once_fills_the_memory_pane(screen_text):
    app = memory_fade()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("end")
        await settle(app, pilot)
        assert app.wide and app.memory is not None and len(app.memory.models) == 3
        assert "Memory of x₁" in app.panel("memory").text


async def test_dear_measures_run_in_the_background(monkeypatch, screen_text):
    monkeypatch.setattr(
        workers_module, "replacement_plan", lambda network, steps: InfluencePlan("background")
    )
    app = memory_fade()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6", "end")
        await settle(app, pilot)
        strip = app.query_one(TokenStripView)
        assert strip.memory is not None and strip.memory.shape == (50, 50)
        assert len(app.memory.models) == 3
        assert "x₁ is forgotten" in screen_text(app)


async def test_skipped_measures_say_why(monkeypatch, screen_text):
    why = "memory not measured: too long"
    monkeypatch.setattr(
        workers_module, "replacement_plan", lambda network, steps: InfluencePlan("skip", why)
    )
    app = memory_fade()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6", "end")
        await settle(app, pilot)
        assert app.query_one(TokenStripView).memory is None
        text = screen_text(app)
        assert text.count(why) == 2  # the strip's Δ line and the pane
        assert "each word's share" not in text


async def test_a_scenario_without_siblings_shows_its_own_curve(screen_text):
    app = make_app("intent")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6", "end")
        await settle(app, pilot)
        text = screen_text(app)
        assert [m.name for m in app.memory.models] == ["RNN"]
        assert "No trained siblings to compare with" in text
        distance = app.memory.models[0].rerun.distance
        assert np.all(np.isfinite(distance)) and "└t=1" in text


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (40, 12)])
async def test_on_a_small_screen_the_strip_keeps_to_its_lines(size, screen_lines):
    """The words, their t and the memory line stay; the captions' own lines, the
    influence line and the colour mixing go, in that order, when lines are short."""
    app = memory_fade()
    async with app.run_test(size=size) as pilot:
        await pilot.press("end")
        await settle(app, pilot)
        strip = app.query_one(TokenStripView)
        budget = 3 + (size[1] - 12) // 3
        assert strip.region.height <= budget
        lines = screen_lines(app)[strip.region.y : strip.region.bottom]
        assert lines[0].startswith(" →   A  …") and any(line.startswith(" Δ") for line in lines)
        if size == (80, 24):  # room for all but nothing more
            assert strip.region.height == budget == 7
            assert any(line.startswith(" Σ") for line in lines)
