"""Scenario loading: the built-ins, the DESIGN.md sketch, weight files, every error path."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from rnn_tui.engine import Network, softmax
from rnn_tui.scenario import ScenarioError, builtin_names, load_scenario, parse_scenario

DATA = Path(__file__).parent / "data"


def problems_of(source) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(source)
    return [str(p) for p in info.value.problems]


def test_builtins_are_listed_and_load():
    names = builtin_names()
    assert {"intent", "elman-by-hand", "bidirectional"} <= set(names)
    for name in names:
        s = load_scenario(name)
        trace = s.trace()
        assert trace.steps == s.inputs.shape[0] >= 1
        assert s.title and s.name == name


def test_default_is_the_tutorial_sentence():
    s = load_scenario(None)
    assert s.tokens == ["what", "time", "is", "it", "?"]
    assert s.network.readout == "last"
    assert s.trained and s.weights_source == "file"  # trained by scripts/train_intent.py
    assert s.trace().prediction == "ask_time"  # and it recognises the tutorial's sentence


def test_elman_by_hand_matches_pencil_and_paper():
    s = load_scenario("elman-by-hand")
    h = s.trace().layers[0].forward.h
    # s_1 = tanh(W_ih x_1) with x_1 = 1: [tanh(1), tanh(0.5)]
    s1 = [math.tanh(1.0), math.tanh(0.5)]
    # s_2 = tanh(W_hh s_1) with x_2 = 0: [tanh(0.5 s1[0]), tanh(s1[0] + 0.5 s1[1])]
    s2 = [math.tanh(0.5 * s1[0]), math.tanh(s1[0] + 0.5 * s1[1])]
    np.testing.assert_allclose(h[0], s1, rtol=0, atol=1e-15)
    np.testing.assert_allclose(h[1], s2, rtol=0, atol=1e-15)
    np.testing.assert_allclose(h[0], [0.7615941559557649, 0.46211715726000974], atol=1e-15)
    outputs = s.trace().outputs
    np.testing.assert_allclose(outputs[:, 0], h[:, 0] - h[:, 1], atol=1e-15)  # o_t = s1 - s2


def test_bidirectional_builtin_layer2_reads_concat():
    s = load_scenario("bidirectional")
    trace = s.trace()
    l1 = trace.layers[0]
    assert l1.backward is not None
    np.testing.assert_array_equal(l1.output, np.concatenate([l1.forward.h, l1.backward.h], 1))
    np.testing.assert_array_equal(trace.layers[1].input, l1.output)
    assert trace.outputs.shape == (6, 3)


def test_design_sketch_loads_as_written(tmp_path):
    shutil.copy(DATA / "design-sketch.toml", tmp_path / "sketch.toml")
    rng = np.random.default_rng(0)
    shapes = {
        "weight_ih_l0": (8, 8), "weight_hh_l0": (8, 8), "bias_ih_l0": (8,), "bias_hh_l0": (8,),
        "readout.weight": (3, 8), "readout.bias": (3,), "embedding.weight": (5, 8),
    }  # fmt: skip
    arrays = {k: rng.uniform(-0.3, 0.3, v) for k, v in shapes.items()}
    np.savez(tmp_path / "intent.npz", **arrays)
    s = load_scenario(tmp_path / "sketch.toml")
    assert s.trained and s.weights_source == "file"
    assert s.vocab == ["?", "is", "it", "time", "what"]
    # what the file's weights give, computed here without the scenario loader
    emb = arrays.pop("embedding.weight")
    x = emb[[4, 3, 1, 2, 0]]
    h = np.zeros(8)
    for x_t in x:
        h = np.tanh(arrays["weight_ih_l0"] @ x_t + arrays["bias_ih_l0"]
                    + arrays["weight_hh_l0"] @ h + arrays["bias_hh_l0"])  # fmt: skip
    logits = arrays["readout.weight"] @ h + arrays["readout.bias"]
    trace = s.trace()
    np.testing.assert_allclose(trace.outputs[0], logits, atol=1e-13)
    np.testing.assert_allclose(trace.probabilities[0], softmax(logits), atol=1e-13)
    assert trace.prediction == ["ask_time", "ask_weather", "greet"][int(np.argmax(logits))]


def test_prefixed_state_dict_with_rename():
    s = load_scenario(DATA / "good-npz.toml")
    with np.load(DATA / "good.npz") as npz:
        raw = {k: npz[k] for k in npz.files}
    sd = {k.removeprefix("rnn."): v for k, v in raw.items() if k.startswith("rnn.")}
    sd["readout.weight"], sd["readout.bias"] = raw["fc.weight"], raw["fc.bias"]
    net = Network("gru", 2, 3, output_size=2, readout="last", state_dict=sd)
    x = np.eye(2)[[0, 1, 0]]  # vocab derived and sorted: a, b
    np.testing.assert_array_equal(s.trace().outputs, net.trace(x).outputs)


def test_seed_is_deterministic_and_float32_is_honoured():
    text = (DATA / "misspelt-key.toml").read_text().replace("hiden_size", "hidden_size")
    a = parse_scenario(text, name="a").trace().layers[0].forward.h
    b = parse_scenario(text, name="b").trace().layers[0].forward.h
    np.testing.assert_array_equal(a, b)
    f32 = parse_scenario(text.replace('cell = "rnn"', 'cell = "rnn"\ndtype = "float32"'))
    assert f32.trace().layers[0].forward.h.dtype == np.float32


# ---------------------------------------------------------------- errors
def test_misspelt_key():
    unknown, missing = problems_of(DATA / "misspelt-key.toml")
    assert "misspelt-key.toml: model.hiden_size: unknown key" in unknown
    assert 'did you mean "hidden_size"' in unknown
    assert missing.endswith("model.hidden_size: missing; expected an integer")


def test_wrong_type():
    msgs = problems_of(DATA / "wrong-type.toml")
    assert msgs == [
        f'{DATA / "wrong-type.toml"}: model.hidden_size: expected an integer, found "four"'
    ]


def test_missing_weights_file():
    (msg,) = problems_of(DATA / "missing-weights.toml")
    assert "missing-weights.toml: weights.file:" in msg and "does-not-exist.npz" in msg
    assert "not found" in msg


def test_weight_of_wrong_shape():
    (msg,) = problems_of(DATA / "wrong-shape.toml")
    assert (
        "wrong-shape.toml: weights.values.weight_ih_l0: expected shape (2, 1), found (2, 2)" in msg
    )


def test_missing_file_and_unknown_builtin(tmp_path):
    (msg,) = problems_of(tmp_path / "nope.toml")
    assert msg.endswith("nope.toml: file not found")
    (msg,) = problems_of("no-such-builtin")
    assert "no such file or built-in scenario" in msg and "intent" in msg


def write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


BASE = """title = "t"
[model]
hidden_size = 2
[weights]
seed = 1
[input]
tokens = ["a", "b"]
"""


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        (lambda t: t + "[output]\nlabels = ['x', 'x']\n", "output.labels", "repeats a label"),
        (
            lambda t: t.replace('tokens = ["a", "b"]', 'tokens = ["a", "c"]\nvocab = ["a", "b"]'),
            "input.tokens[1]",
            '"c" is not in input.vocab',
        ),
        (
            lambda t: t.replace('tokens = ["a", "b"]', 'tokens = ["a"]\nvectors = [[1.0]]'),
            "input",
            "exactly one of tokens or vectors",
        ),
        (
            lambda t: t.replace("seed = 1", "seed = 1\nfile = 'w.npz'"),
            "weights",
            "exactly one of seed, file or values",
        ),
        (
            lambda t: t.replace("cell", "x").replace(
                "hidden_size = 2", 'hidden_size = 2\ncell = "rrn"'
            ),
            "model.cell",
            'expected one of "rnn", "lstm", "gru", found "rrn"',
        ),
        (
            lambda t: t.replace("hidden_size = 2", "hidden_size = 0"),
            "model.hidden_size",
            "expected an integer >= 1, found 0",
        ),
        (
            lambda t: t.replace("hidden_size = 2", "hidden_size = 2\ninput_size = 3"),
            "model.input_size",
            "one-hot over a vocabulary of 2 tokens needs 2",
        ),
        (lambda t: t.replace('title = "t"', 'titel = "t"'), "titel", 'did you mean "title"'),
        (
            lambda t: (
                t
                + "[train]\nexamples = [{ text = 'a b', label = 'z' }]\n[output]\nlabels = ['x']\n"
            ),
            "train.examples[0].label",
            '"z" is not in output.labels',
        ),
        (
            lambda t: (
                t.replace("hidden_size = 2", 'hidden_size = 2\nreadout = "every"')
                + "[train]\nexamples = [{ text = 'a b', label = 'x' }]\n[output]\nlabels = ['x']\n"
            ),
            "train.examples[0].label",
            "readout every needs one label per token: 2 tokens, 1 labels",
        ),
        (
            lambda t: (
                t.replace('tokens = ["a", "b"]', 'tokens = ["a", "b"]\nvocab = ["a", "b"]')
                + "[train]\nheldout = [{ text = 'a zz', label = 'x' }]\n[output]\nlabels = ['x']\n"
            ),
            "train.heldout[0].text",
            '"zz" is not in input.vocab',
        ),
        (
            lambda t: t + "[train]\nexamples = [{ text = 'a', label = 'x' }]\n",
            "train.examples[0]",
            "training needs output.labels",
        ),
        (lambda t: t + "[train]\nlr = -0.5\n", "train.lr", "expected a number, found -0.5"),
        (
            lambda t: t.replace('tokens = ["a", "b"]', "vectors = [[1.0, 2.0], [3.0]]"),
            "input.vectors[1]",
            "expected 2 numbers, found 1",
        ),
        (
            lambda t: t.replace('tokens = ["a", "b"]', "vectors = [[1.0], [nan]]"),
            "input.vectors[1]",
            "NaN or infinity",
        ),
        (lambda t: t.replace("[model]", "model = 3\n[modelx]"), "model", "expected a table"),
    ],
)
def test_error_cases_name_the_field(tmp_path, change, field, fragment):
    path = write(tmp_path, change(BASE))
    msgs = problems_of(path)
    assert any(m.startswith(f"{path}: {field}: ") and fragment in m for m in msgs), msgs


def test_broken_toml_names_the_file_and_line(tmp_path):
    path = write(tmp_path, 'title = "t"\n[model\n')
    (msg,) = problems_of(path)
    assert msg.startswith(f"{path}: not valid TOML") and "line 2" in msg


def test_inline_weights_with_nan_and_unknown_name(tmp_path):
    text = (DATA / "wrong-shape.toml").read_text()
    text = text.replace("[[1.0, 2.0], [0.5, 1.0]]", "[[nan], [0.5]]")
    text = text.replace("bias_hh_l0 =", "bias_hh_10 =")
    msgs = problems_of(write(tmp_path, text))
    fields = {m.split(": ")[1] for m in msgs}
    assert "weights.values.weight_ih_l0" in fields  # NaN
    assert "weights.values.bias_hh_l0" in fields  # missing
    assert "weights.values.bias_hh_10" in fields  # not a parameter (did you mean)
    assert any("contains NaN or infinity" in m for m in msgs)
    assert any('did you mean "bias_hh_l0"' in m for m in msgs)


def test_pickled_npz_is_refused_not_unpickled(tmp_path):
    marker = tmp_path / "unpickled"

    class Boom:
        def __reduce__(self):
            return (marker.write_text, ("pwned",))

    np.savez(tmp_path / "w.npz", weight_ih_l0=np.array([Boom()], dtype=object))
    path = write(tmp_path, BASE.replace("seed = 1", 'file = "w.npz"'))
    msgs = problems_of(path)
    assert any("weights.file[weight_ih_l0]" in m and "pickle" in m for m in msgs)
    assert not marker.exists()


def test_corrupt_npz(tmp_path):
    (tmp_path / "w.npz").write_bytes(b"PK\x03\x04 this is not a zip file")
    path = write(tmp_path, BASE.replace("seed = 1", 'file = "w.npz"'))
    (msg,) = problems_of(path)
    assert msg.startswith(f'{path}: weights.file: "w.npz" is not a readable .npz')


def test_shared_weights_same_input_same_projection_different_states():
    trace = load_scenario("shared-weights").trace()
    forward = trace.layers[0].forward
    assert np.ptp(forward.projection, axis=0).max() == 0.0  # W_ih x_t + b_ih: the same each t
    assert np.abs(np.diff(forward.h, axis=0)).max() > 1e-3  # yet s_t moves: s_{t-1} differs


def test_library_scenarios_say_when_they_are_untrained():
    for name in builtin_names():
        s = load_scenario(name)
        if not s.trained:
            text = s.description.lower()
            assert "untrained" in text or "not trained" in text, name


def test_validate_reports_input_labels_and_weights_problems_at_once(tmp_path):
    text = BASE.replace("seed = 1", 'file = "absent.npz"').replace(
        'tokens = ["a", "b"]', 'tokens = ["a", "c"]\nvocab = ["a", "b"]'
    )
    text += "[output]\nlabels = ['x', 'x']\n"
    fields = [p.split(": ")[1] for p in problems_of(write(tmp_path, text))]
    assert fields == ["input.tokens[1]", "output.labels", "weights.file"]


def test_a_switched_cell_draws_its_weights_from_the_scenarios_seed(tmp_path):
    """Switching the cell in the app gives the weights the file would give with that cell."""
    source = Path(__file__).parents[1] / "app" / "data" / "seeded.toml"
    text = source.read_text()
    assert 'cell = "rnn"' in text and "seed = " in text
    switched = load_scenario(source).with_network(cell="gru")
    edited = tmp_path / "as-gru.toml"
    edited.write_text(text.replace('cell = "rnn"', 'cell = "gru"'))
    written = load_scenario(edited)
    assert switched.seed == written.seed != 0
    for name, value in written.network.params.items():
        np.testing.assert_array_equal(switched.network.params[name], value, err_msg=name)
