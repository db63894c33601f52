"""The shipped trained models: their stated accuracies reproduce from the committed
weights, the memory-fade gap is real, and the training command reproduces the weights."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnn_tui import load_scenario

ROOT = Path(__file__).parents[2]
SPEC = importlib.util.spec_from_file_location(
    "make_memory_fade", ROOT / "scripts" / "make_memory_fade.py"
)
memory_fade = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(memory_fade)


def heldout_accuracy(path: Path) -> float:
    s = load_scenario(path)
    assert s.trained and s.heldout
    right = sum(
        s.with_tokens(e["text"].split()).trace().prediction == e["label"] for e in s.heldout
    )
    return right / len(s.heldout)


def stated_table() -> dict[tuple[str, int], float]:
    """The accuracy table the built-in memory-fade description states."""
    text = load_scenario("memory-fade").description
    table = {}
    for length, row in re.findall(r"(\d+) tokens: ([^\n]+)", text):
        for cell, percent in re.findall(r"(RNN|LSTM|GRU) (\d+)%", row):
            table[cell.lower(), int(length)] = int(percent) / 100
    return table


def test_the_three_builtins_state_the_same_table():
    descriptions = {
        load_scenario(n).description for n in ("memory-fade", "memory-fade-lstm", "memory-fade-gru")
    }
    tables = {d[d.index("Held-out") :] for d in descriptions}
    assert len(tables) == 1


@pytest.mark.parametrize("cell", memory_fade.CELLS)
@pytest.mark.parametrize("length", memory_fade.LENGTHS)
def test_memory_fade_accuracy_reproduces_from_committed_weights(cell, length):
    stated = stated_table()[cell, length]
    assert heldout_accuracy(memory_fade.path_for(cell, length)) == pytest.approx(stated, abs=0.005)


def test_memory_fade_gap_rnn_loses_what_lstm_and_gru_hold():
    table = {(c, n): heldout_accuracy(memory_fade.path_for(c, n))
             for c in memory_fade.CELLS for n in memory_fade.LENGTHS}  # fmt: skip
    print("held-out accuracy per length:", table)
    for cell in memory_fade.CELLS:
        assert table[cell, 10] >= 0.95  # short gaps: every cell remembers
    assert table["rnn", 50] <= 0.6  # long gap: the vanilla RNN is at chance
    assert table["lstm", 50] >= 0.95 and table["gru", 50] >= 0.95  # the gated cells are not


def test_influence_of_the_first_token_fades_for_rnn_and_holds_for_gru():
    rnn = load_scenario("memory-fade").influence()
    gru = load_scenario("memory-fade-gru").influence()
    # how much the first input still moves the last state, relative to the last input
    assert rnn[-1, 0] / rnn[-1, -1] < 1e-3
    assert gru[-1, 0] / gru[-1, -1] > 10 * rnn[-1, 0] / rnn[-1, -1]


def test_rnn_tui_train_reproduces_the_committed_weights(tmp_path):
    path = tmp_path / "gru-L10.toml"
    path.write_text(memory_fade.scenario_text("gru", 10, "retrained"), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "rnn_tui", "train", str(path)],
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    committed = memory_fade.path_for("gru", 10).with_suffix(".npz")
    with np.load(tmp_path / "gru-L10.npz") as new, np.load(committed) as old:
        assert sorted(new.files) == sorted(old.files)
        for key in old.files:
            # equal up to rounding: another BLAS may sum in another order
            np.testing.assert_allclose(new[key], old[key], rtol=0, atol=1e-6, err_msg=key)


SPEC_INTENT = importlib.util.spec_from_file_location(
    "train_intent", ROOT / "scripts" / "train_intent.py"
)
train_intent = importlib.util.module_from_spec(SPEC_INTENT)
SPEC_INTENT.loader.exec_module(train_intent)
TRAINED_INTENT = [n for n in train_intent.SEEDS if load_scenario(n).trained]


@pytest.mark.parametrize("name", TRAINED_INTENT)
def test_intent_models_meet_their_stated_accuracy(name):
    s = load_scenario(name)
    assert len(s.labels) >= 3 and len(s.examples) >= 30 and s.heldout
    stated = re.search(
        r"(\d+)% of the (\d+) training examples, (\d+)% \((\d+) of (\d+)\)", s.description
    )
    assert stated, s.description
    train_pct, train_n, _, held_right, held_n = map(int, stated.groups())
    right = sum(
        s.with_tokens(e["text"].split()).trace().prediction == e["label"] for e in s.examples
    )
    assert (train_pct, train_n) == (100, len(s.examples)) and right == len(s.examples)
    right = sum(
        s.with_tokens(e["text"].split()).trace().prediction == e["label"] for e in s.heldout
    )
    assert (held_right, held_n) == (right, len(s.heldout))
    assert (
        s.with_tokens(s.tokens).trace().prediction == s.examples[0]["label"]
    )  # the sentence on screen


@pytest.mark.parametrize("name", TRAINED_INTENT)
def test_intent_weights_are_what_rnn_tui_train_makes(tmp_path, name):
    source = ROOT / "scenarios" / f"{name}.toml"
    path = tmp_path / source.name
    path.write_text(train_intent.seeded_text(source.read_text(encoding="utf-8"), train_intent.SEEDS[name]),
                    encoding="utf-8")  # fmt: skip
    result = subprocess.run([sys.executable, "-m", "rnn_tui", "train", str(path)],
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    with np.load(path.with_suffix(".npz")) as new, np.load(source.with_suffix(".npz")) as old:
        assert sorted(new.files) == sorted(old.files)
        for key in old.files:
            np.testing.assert_allclose(new[key], old[key], rtol=0, atol=1e-6, err_msg=key)
