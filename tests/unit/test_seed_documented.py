"""`seed = N` gives exactly what docs/scenarios.md says it gives: numpy's
default_rng(N), float64 draws one array after another in the documented order, each
row by row, with PyTorch's bounds. The weights are rebuilt here from the documented
recipe alone (not from rnn_tui.engine.init_state_dict), so a change of the code that
the document does not follow, or of the document that the code does not, fails."""

from __future__ import annotations

import numpy as np

from rnn_tui.scenario import load_scenario

SCENARIO = """\
title = "seeded"
[model]
cell = "{cell}"
hidden_size = {hidden}
input_size = 3
num_layers = 2
bidirectional = true
readout = "last"
[weights]
seed = {seed}
[input]
tokens = ["a", "b", "a"]
encoding = "embedding"
[output]
labels = ["x", "y"]
"""


def documented(cell: str, hidden: int, seed: int, vocab: int) -> dict[str, np.ndarray]:
    """The recipe of docs/scenarios.md, "Sources: seed", for 2 layers, both directions,
    a readout over concat states (H' = 2H) and an embedding of width 3."""
    gates = {"rnn": 1, "gru": 3, "lstm": 4}[cell]
    rng = np.random.default_rng(seed)
    cell_bound = 1 / np.sqrt(hidden)
    names_shapes = []
    for k in range(2):
        width = 3 if k == 0 else 2 * hidden
        for suffix in ("", "_reverse"):
            names_shapes += [
                (f"weight_ih_l{k}{suffix}", (gates * hidden, width), cell_bound),
                (f"weight_hh_l{k}{suffix}", (gates * hidden, hidden), cell_bound),
                (f"bias_ih_l{k}{suffix}", (gates * hidden,), cell_bound),
                (f"bias_hh_l{k}{suffix}", (gates * hidden,), cell_bound),
            ]
    readout_bound = 1 / np.sqrt(2 * hidden)
    names_shapes += [
        ("readout.weight", (2, 2 * hidden), readout_bound),
        ("readout.bias", (2,), readout_bound),
    ]
    out = {name: rng.uniform(-bound, bound, size=shape) for name, shape, bound in names_shapes}
    out["embedding.weight"] = rng.standard_normal((vocab, 3))
    return out


def test_seed_n_is_numpys_default_rng_in_the_documented_order(tmp_path):
    for cell, hidden, seed in (("lstm", 4, 7), ("gru", 3, 123), ("rnn", 5, 0)):
        path = tmp_path / f"{cell}.toml"
        path.write_text(SCENARIO.format(cell=cell, hidden=hidden, seed=seed))
        scenario = load_scenario(path)
        expected = documented(cell, hidden, seed, vocab=len(scenario.vocab))
        params = scenario.network.params
        assert set(params) == {n for n in expected if n != "embedding.weight"}
        for name, value in params.items():
            assert value.dtype == np.float64, name
            np.testing.assert_array_equal(value, expected[name], err_msg=f"{cell} {name}")
        np.testing.assert_array_equal(scenario.embedding, expected["embedding.weight"])
