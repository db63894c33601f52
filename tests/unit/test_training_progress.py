"""What a training run reports each epoch (scenario.training.fit's EpochReport, with the
held-out accuracy), and the sparkline the training panel draws its loss with."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rendered import mono

from rnn_tui.render.bars import COLUMNS
from rnn_tui.render.sparkline import Sparkline
from rnn_tui.scenario.loader import parse_scenario
from rnn_tui.scenario.training import fit, train_config

SNAP_INTENT = Path(__file__).parents[1] / "app" / "data" / "snap-intent.toml"
HELDOUT = (
    "heldout = [\n"
    '  { text = "what is the time", label = "ask_time" },\n'
    '  { text = "is it raining today ?", label = "ask_weather" },\n'
    '  { text = "hello", label = "greet" },\n'
    "]\n"
)


def intent(tmp_path: Path, *, epochs: int = 8, heldout: bool = True):
    """snap-intent (seeded weights, 12 examples) with `epochs` and three held-out ones."""
    text = SNAP_INTENT.read_text(encoding="utf-8")
    extra = f"epochs = {epochs}\n" + (HELDOUT if heldout else "")
    return parse_scenario(text.replace("[train]\n", "[train]\n" + extra), path=tmp_path / "i.toml")


def heights(glyphs: str) -> list[int]:
    return [COLUMNS.index(g) for g in glyphs]


# --------------------------------------------------------------------------- fit's reports
def test_each_epoch_reports_the_held_out_accuracy_and_training_is_unchanged(tmp_path):
    scenario = intent(tmp_path)
    reports: list = []
    fitted = fit(scenario, on_epoch=reports.append, heldout_each_epoch=True)
    plain = fit(scenario)  # the CLI's way: no held-out pass each epoch
    assert fitted is not None and plain is not None
    # the held-out pass changes no weight and no batch order: the same fit, bit for bit
    for name, value in plain.state_dict.items():
        assert fitted.state_dict[name].tobytes() == value.tobytes(), name
    assert [r.epoch for r in reports] == list(range(1, 9))
    assert all(r.epochs == 8 for r in reports)
    assert reports[-1].loss == fitted.stats.loss and reports[-1].accuracy == fitted.stats.accuracy
    # the last epoch's held-out accuracy is the one fit (and `rnn-tui train`) reports
    assert reports[-1].heldout_accuracy == fitted.heldout_accuracy
    assert fitted.heldout == 3
    assert all(r.heldout_accuracy in (0.0, 1 / 3, 2 / 3, 1.0) for r in reports)
    assert reports[-1].loss < reports[0].loss  # it does learn


def test_no_held_out_accuracy_without_held_out_examples_or_when_not_asked(tmp_path):
    reports: list = []
    fitted = fit(intent(tmp_path, heldout=False), on_epoch=reports.append, heldout_each_epoch=True)
    assert fitted is not None and fitted.heldout_accuracy is None and fitted.heldout == 0
    assert reports and all(r.heldout_accuracy is None for r in reports)
    reports.clear()
    fit(intent(tmp_path), on_epoch=reports.append)
    assert reports and all(r.heldout_accuracy is None for r in reports)


def test_on_epoch_returning_false_stops_after_that_epoch(tmp_path):
    reports: list = []
    config = train_config(intent(tmp_path), epochs=50)
    assert fit(intent(tmp_path), config, lambda r: reports.append(r) or r.epoch < 3) is None
    assert [r.epoch for r in reports] == [1, 2, 3] and reports[0].epochs == 50


# --------------------------------------------------------------------------- the sparkline
def test_a_falling_loss_gives_blocks_that_never_rise_from_full_to_the_bottom():
    losses = [1.4 * 0.8**i for i in range(30)]
    glyphs = Sparkline(losses, capacity=30).glyphs(40)
    assert len(glyphs) == 30  # one glyph an epoch
    levels = heights(glyphs)
    assert all(a >= b for a, b in zip(levels, levels[1:], strict=False))
    assert levels[0] == 8 and levels[-1] == 1  # the largest is full; ▁, never a blank


def test_the_row_fills_as_epochs_come_and_runs_of_epochs_share_a_column():
    # 3 of 10 planned epochs: three columns, not a row stretched over the width
    assert mono(Sparkline([2.0, 1.0, 0.0], capacity=10), 20) == "█▅▁\n"
    # 100 planned epochs in 10 columns: ten each, their mean; 25 done fill three columns
    line = Sparkline([1.0] * 10 + [0.5] * 10 + [0.0, 1.0, 0.0, 1.0, 1.0], capacity=100)
    assert line.spans(10) == [range(0, 10), range(10, 20), range(20, 25)]
    assert line.glyphs(10) == "█▅▅"  # 1, 0.5, then the mean of the five so far: 0.6


def test_a_constant_loss_is_one_level_and_zero_is_the_bottom_block():
    assert Sparkline([0.7] * 5).glyphs(10) == "█████"  # the scale is 0 … the largest
    assert Sparkline([0.0] * 4).glyphs(10) == "▁▁▁▁"  # nothing above 0: all at the bottom
    assert Sparkline([0.5, 0.25], high=1.0).glyphs(5) == "▅▃"  # 1 + round(7 · v)


def test_nan_and_inf_show_their_marks_and_do_not_move_the_scale():
    glyphs = Sparkline([1.0, float("nan"), 0.5, float("inf"), float("-inf"), 0.0]).glyphs(10)
    assert glyphs == "█?▅+-▁"
    # a column holding a non-finite epoch shows its mark, not a mean of nan
    assert Sparkline([1.0, float("nan"), 1.0, 1.0], capacity=40).glyphs(2) == "?"
    assert Sparkline([float("nan")] * 3).glyphs(3) == "???"
    with pytest.raises(ValueError, match="finite"):
        Sparkline([1.0], high=float("inf"))


def test_nothing_yet_draws_nothing_and_widths_are_bounded():
    assert Sparkline([], capacity=200).glyphs(30) == ""
    assert Sparkline(np.ones(7)).glyphs(0) == ""
    assert len(Sparkline(np.linspace(1, 0, 500)).glyphs(33)) == 33
