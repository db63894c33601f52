"""The documented schema agrees with the loader; every weight source and its failures."""

from __future__ import annotations

import json
import tomllib
import zipfile
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from rnn_tui.scenario import ScenarioError, builtin_names, json_schema, load_scenario, resolve
from rnn_tui.scenario.schema import SCHEMA, markdown_table
from rnn_tui.scenario.starter import starter_text

ROOT = Path(__file__).parents[2]
DATA = Path(__file__).parent / "data"


def test_committed_schema_file_is_generated_from_the_loader_schema():
    committed = json.loads((ROOT / "scenario.schema.json").read_text())
    assert committed == json_schema(), "run: python -m rnn_tui.scenario.schema"


def test_docs_table_is_current_and_documents_every_key():
    doc = (ROOT / "docs" / "scenarios.md").read_text()
    assert markdown_table() in doc
    for section, keys in SCHEMA.items():
        for key in keys:
            assert f"| `{key}` |" in doc, (section, key)


def _toml(path: Path) -> dict:
    return tomllib.loads(path.read_text())


@pytest.mark.parametrize("name", builtin_names())
def test_json_schema_accepts_every_builtin(name):
    jsonschema.validate(_toml(resolve(name)), json_schema())


@pytest.mark.parametrize(
    ("file", "where"),
    [("misspelt-key.toml", "hiden_size"), ("wrong-type.toml", "four")],
)
def test_json_schema_and_loader_reject_the_same_files(file, where):
    with pytest.raises(jsonschema.ValidationError) as info:
        jsonschema.validate(_toml(DATA / file), json_schema())
    assert where in str(info.value)
    with pytest.raises(ScenarioError):
        load_scenario(DATA / file)


@pytest.mark.parametrize(
    "args",
    [{}, {"cell": "lstm", "layers": 2, "bidirectional": True, "hidden": 3}, {"cell": "gru"}],
)
def test_starter_scenario_is_valid_in_both(tmp_path, args):
    path = tmp_path / "starter.toml"
    path.write_text(starter_text("starter.toml", **args))
    jsonschema.validate(_toml(path), json_schema())
    s = load_scenario(path)
    assert s.network.cell == args.get("cell", "rnn")
    assert s.network.num_layers == args.get("layers", 1)
    assert s.network.bidirectional == args.get("bidirectional", False)
    assert s.trace().prediction in s.labels


# ---------------------------------------------------------------- weight sources
BASE = """title = "t"
[model]
cell = "lstm"
hidden_size = 2
readout = "last"
[weights]
{weights}
[input]
vectors = [[1.0, 0.5], [0.0, -1.0], [0.25, 0.0]]
[output]
size = 2
"""


def arrays_for_lstm(rng) -> dict[str, np.ndarray]:
    return {
        "weight_ih_l0": rng.normal(size=(8, 2)), "weight_hh_l0": rng.normal(size=(8, 2)),
        "bias_ih_l0": rng.normal(size=8), "bias_hh_l0": rng.normal(size=8),
        "readout.weight": rng.normal(size=(2, 2)), "readout.bias": rng.normal(size=2),
    }  # fmt: skip


def write(tmp_path, weights: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(BASE.format(weights=weights))
    return path


def test_npz_safetensors_and_inline_give_identical_traces(tmp_path):
    from safetensors.numpy import save_file

    arrays = arrays_for_lstm(np.random.default_rng(1))
    np.savez(tmp_path / "w.npz", **arrays)
    save_file(arrays, str(tmp_path / "w.safetensors"))
    inline = "[weights.values]\n" + "\n".join(
        f'"{k}" = {json.dumps(v.tolist())}' for k, v in arrays.items()
    )
    outputs = []
    for weights in ('file = "w.npz"', 'file = "w.safetensors"', inline):
        s = load_scenario(write(tmp_path, weights))
        assert s.trained
        outputs.append(s.trace().outputs)
    np.testing.assert_array_equal(outputs[0], outputs[1])
    np.testing.assert_array_equal(outputs[0], outputs[2])


def test_same_seed_same_weights_other_seed_other_weights(tmp_path):
    a = load_scenario(write(tmp_path, "seed = 4")).network.params
    b = load_scenario(write(tmp_path, "seed = 4")).network.params
    c = load_scenario(write(tmp_path, "seed = 5")).network.params
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["weight_hh_l0"], c["weight_hh_l0"])
    assert np.abs(a["weight_hh_l0"]).max() <= 1 / np.sqrt(2)  # U(-1/sqrt(H), 1/sqrt(H))


def problems(path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return [str(p) for p in info.value.problems]


def test_wrong_shape_in_a_file_names_key_expected_and_actual(tmp_path):
    arrays = arrays_for_lstm(np.random.default_rng(1))
    arrays["weight_hh_l0"] = np.zeros((8, 3))
    np.savez(tmp_path / "w.npz", **arrays)
    (msg,) = problems(write(tmp_path, 'file = "w.npz"'))
    assert msg.endswith("weights.file.weight_hh_l0: expected shape (8, 2), found (8, 3)")


def test_nan_in_a_weights_file(tmp_path):
    arrays = arrays_for_lstm(np.random.default_rng(1))
    arrays["bias_hh_l0"][3] = np.inf
    np.savez(tmp_path / "w.npz", **arrays)
    (msg,) = problems(write(tmp_path, 'file = "w.npz"'))
    assert msg.endswith("weights.file.bias_hh_l0: contains NaN or infinity")


def test_zip_bomb_member_is_refused_before_inflating(tmp_path):
    # a member whose header declares 4 values but which inflates to 50 MB of zeros
    header = np.lib.format.header_data_from_array_1_0(np.zeros(4))
    with zipfile.ZipFile(tmp_path / "w.npz", "w", compression=zipfile.ZIP_DEFLATED) as z:
        with z.open("weight_ih_l0.npy", "w") as f:
            np.lib.format.write_array_header_1_0(f, header)
            f.write(b"\0" * 50_000_000)
    assert (tmp_path / "w.npz").stat().st_size < 200_000
    (msg,) = problems(write(tmp_path, 'file = "w.npz"'))
    assert "weights.file[weight_ih_l0]: inflates to 50,000,128 bytes" in msg


def test_declared_huge_array_is_refused_without_allocating(tmp_path):
    header = {"descr": "<f8", "fortran_order": False, "shape": (50_000, 50_000)}  # 20 GB
    with zipfile.ZipFile(tmp_path / "w.npz", "w") as z:
        with z.open("weight_ih_l0.npy", "w") as f:
            np.lib.format.write_array_header_1_0(f, header)
    (msg,) = problems(write(tmp_path, 'file = "w.npz"'))
    assert "weights.file[weight_ih_l0]: declares shape (50000, 50000) (2,500,000,000 values)" in msg


def test_huge_safetensors_header_is_refused(tmp_path):
    header = json.dumps({"weight_ih_l0": {"dtype": "F64", "shape": [100000, 100000],
                                          "data_offsets": [0, 8]}}).encode()  # fmt: skip
    (tmp_path / "w.safetensors").write_bytes(len(header).to_bytes(8, "little") + header + b"\0" * 8)
    (msg,) = problems(write(tmp_path, 'file = "w.safetensors"'))
    assert "weights.file[weight_ih_l0]: declares shape (100000, 100000)" in msg


def test_corrupt_safetensors(tmp_path):
    (tmp_path / "w.safetensors").write_bytes(b"\x05\x00\x00\x00\x00\x00\x00\x00{abc}")
    (msg,) = problems(write(tmp_path, 'file = "w.safetensors"'))
    assert 'weights.file: "w.safetensors" is not a readable .safetensors file' in msg


def safetensors_of(path: Path, header: dict, data: bytes) -> Path:
    raw = json.dumps(header).encode()
    path.write_bytes(len(raw).to_bytes(8, "little") + raw + data)
    return path


def f64(shape: list[int], begin: int, end: int) -> dict:
    return {"dtype": "F64", "shape": shape, "data_offsets": [begin, end]}


@pytest.mark.parametrize(
    ("header", "data", "fragment"),
    [
        # bytes no tensor owns: the package would map them all before refusing
        ({"a": f64([2], 0, 16)}, bytes(16 + 4096), "holds 4,096 bytes after its last tensor"),
        # the package's own rule, which the header checks do not make: back to back
        ({"a": f64([2], 0, 16), "b": f64([2], 0, 16)}, bytes(16), "invalid offset for tensor"),
        ({"a": f64([2], 16, 32)}, bytes(32), "invalid offset for tensor `a`"),
    ],
    ids=["bytes-after", "overlapping", "gap-before"],
)
def test_safetensors_layout_is_checked_by_the_package(tmp_path, header, data, fragment):
    from rnn_tui.scenario.weights import WeightsError, read_weights

    path = safetensors_of(tmp_path / "w.safetensors", header, data)
    with pytest.raises(WeightsError) as info:
        read_weights(path)
    assert fragment in info.value.message


def test_safetensors_replaced_after_its_header_was_checked(tmp_path, monkeypatch):
    """The package opens the file again by its name: a file put there after the checks
    (here: 10 times the values) is refused, not read."""
    from rnn_tui.scenario import weights

    checked = safetensors_of(tmp_path / "checked.safetensors", {"a": f64([2], 0, 16)}, bytes(16))
    path = safetensors_of(tmp_path / "w.safetensors", {"a": f64([20], 0, 160)}, bytes(160))
    monkeypatch.setattr(weights, "open_weights", lambda _path: open(checked, "rb"))
    with pytest.raises(weights.WeightsError) as info:
        weights.read_weights(path)
    assert info.value.key == "a" and "changed while it was read" in info.value.message


def test_unsupported_weights_suffix(tmp_path):
    (tmp_path / "w.pt").write_bytes(b"\x80\x04")
    (msg,) = problems(write(tmp_path, 'file = "w.pt"'))
    assert msg.endswith('weights.file: "w.pt" is neither .npz nor .safetensors')


def test_rename_of_a_key_the_file_lacks(tmp_path):
    np.savez(tmp_path / "w.npz", **arrays_for_lstm(np.random.default_rng(1)))
    (msg,) = problems(
        write(tmp_path, 'file = "w.npz"\nrename = { "fc.weight" = "readout.weight" }')
    )
    assert msg.endswith("weights.rename.fc.weight: no such key in the file")


# ---------------------------------------------------------------- inputs
SEQ = """title = "t"
[model]
hidden_size = 3
[weights]
seed = 2
[input]
tokens = ["a", "b", "c"]
unknown = "<unk>"
sequences = { short = ["c"], other = ["b", "zz", "a"] }
"""


def test_named_sequences_and_unknown_token(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SEQ)
    s = load_scenario(path)
    assert s.vocab == ["<unk>", "a", "b", "c", "zz"]
    assert list(s.sequences) == ["default", "short", "other"]
    short = s.select("short")
    assert short.tokens == ["c"] and short.inputs.shape == (1, 5)
    edited = s.with_tokens(["a", "never-seen"])
    np.testing.assert_array_equal(edited.inputs, np.eye(5)[[1, 0]])  # unknown -> <unk>


def test_unknown_token_without_unk_is_an_error_when_editing(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SEQ.replace('unknown = "<unk>"\n', ""))
    s = load_scenario(path)
    with pytest.raises(ValueError, match='"dog" is not in the vocabulary'):
        s.with_tokens(["a", "dog"])


def test_sequences_must_match_the_main_kind(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SEQ.replace('short = ["c"]', "short = [[1.0, 2.0]]"))
    (msg,) = problems(path)
    assert msg.endswith("input.sequences.short: expected tokens, like input.tokens")
