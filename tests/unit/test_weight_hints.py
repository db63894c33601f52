"""A weights file that misses the model by a module prefix, or holds another cell or
size, is told so in one line each: what to write, or what the shapes fit."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_tui.engine import parameter_shapes
from rnn_tui.scenario import ScenarioError, load_scenario
from rnn_tui.scenario.weights import shape_hint

SCENARIO = """\
title = "t"
[model]
cell = "{cell}"
hidden_size = {hidden}
input_size = 2
[weights]
file = "w.npz"
{extra}
[input]
vectors = [[0.5, -0.5], [1.0, 0.0]]
"""


def write(tmp_path, arrays, *, cell="lstm", hidden=4, extra=""):
    np.savez(tmp_path / "w.npz", **arrays)
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO.format(cell=cell, hidden=hidden, extra=extra))
    return path


def problems(path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return [f"{p.field}: {p.message}" for p in info.value.problems]


def state_dict(cell, hidden, layers=2, bidirectional=True):
    shapes = parameter_shapes(cell, 2, hidden, num_layers=layers, bidirectional=bidirectional)
    rng = np.random.default_rng(0)
    return {name: rng.uniform(-0.5, 0.5, shape) for name, shape in shapes.items()}


def test_every_key_prefixed_gives_one_problem_naming_the_prefix(tmp_path):
    arrays = {f"lstm.{k}": v for k, v in state_dict("lstm", 4).items()}  # 16 keys
    path = write(tmp_path, arrays)
    text = path.read_text().replace(
        "hidden_size = 4", "hidden_size = 4\nnum_layers = 2\nbidirectional = true"
    )
    path.write_text(text)
    msgs = problems(path)
    assert msgs == [
        'weights.file: every key starts with "lstm.": add prefix = "lstm." to [weights]'
    ]
    # and with the prefix written as told, the file loads
    path.write_text(text.replace('file = "w.npz"', 'file = "w.npz"\nprefix = "lstm."'))
    assert load_scenario(path).network.params["weight_hh_l1_reverse"].shape == (16, 4)


def test_a_prefixed_cell_beside_a_head_is_one_problem_and_the_head_its_own(tmp_path):
    arrays = {f"rnn.{k}": v for k, v in state_dict("lstm", 4, 1, False).items()}
    arrays["fc.weight"] = np.zeros((2, 4))
    msgs = problems(write(tmp_path, arrays))
    assert msgs[0] == (
        'weights.file: 4 keys start with "rnn." and name parameters of this model '
        'after it: add prefix = "rnn." to [weights]'
    )
    assert msgs[1:] == ["weights.file.fc.weight: not a parameter of this model"]


def test_a_wrong_prefix_is_named_with_the_right_one(tmp_path):
    arrays = {f"lstm.{k}": v for k, v in state_dict("lstm", 4, 1, False).items()}
    (msg,) = problems(write(tmp_path, arrays, extra='prefix = "rnn."'))
    assert msg.endswith(
        'every key starts with "lstm.": add prefix = "lstm." to [weights] '
        '(in place of prefix = "rnn.")'
    )


def test_lstm_shaped_weights_for_an_rnn_scenario_name_lstm_and_h(tmp_path):
    msgs = problems(write(tmp_path, state_dict("lstm", 4, 1, False), cell="rnn"))
    assert (
        "weights.file.weight_hh_l0: expected shape (4, 4), found (16, 4); "
        "16 rows fit an LSTM with H = 4 (4 gates × 4), not an RNN with H = 4"
    ) in msgs
    assert any(
        m.startswith("weights.file.bias_ih_l0: expected shape (4,), found (16,); ")
        and m.endswith("16 rows fit an LSTM with H = 4 (4 gates × 4), not an RNN with H = 4")
        for m in msgs
    ), msgs


@pytest.mark.parametrize(
    ("name", "found", "cell", "hidden", "hint"),
    [
        (
            "weight_hh_l0",
            (12, 4),
            "lstm",
            4,
            "12 rows fit a GRU with H = 4 (3 gates × 4), not an LSTM with H = 4 (4 gates × 4)",
        ),
        (
            "weight_hh_l1_reverse",
            (12, 3),
            "lstm",
            4,
            "12 rows fit an LSTM with H = 3 (4 gates × 3), not an LSTM with H = 4 (4 gates × 4)",
        ),
        (
            "weight_ih_l0",
            (8, 2),
            "lstm",
            4,
            "8 rows fit an LSTM with H = 2 (4 gates × 2), not an LSTM with H = 4 (4 gates × 4)",
        ),
        (
            "bias_hh_l0",
            (4,),
            "gru",
            4,
            "4 rows fit an RNN with H = 4, not a GRU with H = 4 (3 gates × 4)",
        ),
        ("weight_hh_l0", (8, 3), "lstm", 2, ""),  # 8 rows of 3 columns: no cell
        ("weight_ih_l0", (16, 3), "lstm", 4, ""),  # the rows fit: the input width is wrong
        ("readout.weight", (16, 4), "rnn", 4, ""),
    ],
)
def test_shape_hint(name, found, cell, hidden, hint):
    assert shape_hint(name, found, cell, hidden) == hint
