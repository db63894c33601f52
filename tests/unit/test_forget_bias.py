"""A scenario's `[weights] forget_bias` moves exactly the bias rows of the gate that keeps
the old state (LSTM f, GRU z) and nothing else.

PyTorch stacks the gate rows LSTM i, f, g, o and GRU r, z, n: the keeping gate is
block 1, rows [H:2H]. The loader adds the value to bias_hh (b_ih untouched), in every
layer and direction.
"""

from __future__ import annotations

import numpy as np
import pytest

from rnn_tui.engine import CELLS
from rnn_tui.scenario import parse_scenario

HIDDEN = 3
FORGET_BIAS = 2.5  # exact in binary: the moved rows are the seeded ones plus exactly this
KEEPING_GATE = {"lstm": "f", "gru": "z"}


def seeded(cell: str, forget_bias: float | None):
    """A two-layer bidirectional scenario with seeded weights, forget_bias or none."""
    extra = "" if forget_bias is None else f"forget_bias = {forget_bias}\n"
    text = (
        f'title = "t"\n[model]\ncell = "{cell}"\nhidden_size = {HIDDEN}\nnum_layers = 2\n'
        f'bidirectional = true\n[weights]\nseed = 4\n{extra}[input]\ntokens = ["a", "b"]\n'
    )
    return parse_scenario(text)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_forget_bias_moves_only_the_keeping_gates_rows_of_bias_hh(cell):
    block = CELLS[cell].gate_names.index(KEEPING_GATE[cell])
    assert block == 1  # PyTorch's order: LSTM i f g o, GRU r z n
    rows = slice(block * HIDDEN, (block + 1) * HIDDEN)
    plain = seeded(cell, None).network.params
    biased = seeded(cell, FORGET_BIAS).network.params
    assert plain.keys() == biased.keys()
    moved = [name for name in plain if not np.array_equal(plain[name], biased[name])]
    assert sorted(moved) == sorted(name for name in plain if name.startswith("bias_hh_l"))
    assert len(moved) == 4  # 2 layers × 2 directions
    for name in moved:
        expected = plain[name].copy()
        expected[rows] += FORGET_BIAS
        np.testing.assert_array_equal(biased[name], expected, err_msg=name)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_forget_bias_opens_the_keeping_gate_at_the_first_step(cell):
    """From the zero state the first step's pre-activations differ by the bias alone:
    the keeping gate opens, and every other gate is the same bit for bit."""
    plain = seeded(cell, None).trace().layers[0].forward.gates
    biased = seeded(cell, FORGET_BIAS).trace().layers[0].forward.gates
    keeping = KEEPING_GATE[cell]
    assert np.all(biased[keeping][0] > plain[keeping][0])
    for name in CELLS[cell].gate_names:
        if name != keeping:
            np.testing.assert_array_equal(biased[name][0], plain[name][0], err_msg=name)
