"""Golden parity: the numpy engine against outputs PyTorch produced once.

The fixture file is made by ``tests/parity/make_torch_fixtures.py`` (see its docstring
for the layout) and committed, so these tests need no torch.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from rnn_tui.engine import Network

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "torch_parity.npz"
TOLERANCE = {"float32": 1e-6, "float64": 1e-12}
PARAMETER_PREFIXES = ("weight_", "bias_", "readout.")


@cache
def fixture() -> dict[str, np.ndarray]:
    with np.load(FIXTURE, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


@cache
def configs() -> list[dict]:
    raw = fixture()["configs"]
    assert raw.shape == () and raw.dtype.kind == "U"
    return json.loads(str(raw))


def arrays_of(cfg: dict) -> dict[str, np.ndarray]:
    prefix = cfg["id"] + "/"
    return {k[len(prefix) :]: v for k, v in fixture().items() if k.startswith(prefix)}


def build(cfg: dict, arrays: dict[str, np.ndarray]) -> Network:
    state_dict = {k: v for k, v in arrays.items() if k.startswith(PARAMETER_PREFIXES)}
    return Network(
        cell=cfg["cell"],
        input_size=cfg["input_size"],
        hidden_size=cfg["hidden_size"],
        num_layers=cfg["num_layers"],
        bidirectional=cfg["bidirectional"],
        merge="concat",
        nonlinearity=cfg["nonlinearity"] or "tanh",
        output_size=cfg["output_size"],
        readout=cfg["readout"] or "every",
        bias=cfg["bias"],
        state_dict=state_dict,
        dtype=np.dtype(cfg["dtype"]),
    )


def max_abs(actual: np.ndarray, expected: np.ndarray) -> float:
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    return float(np.max(np.abs(actual.astype(np.float64) - expected.astype(np.float64))))


def check(what: str, actual: np.ndarray, expected: np.ndarray, dtype: str) -> None:
    err = max_abs(actual, expected)
    assert err <= TOLERANCE[dtype], f"{what}: max abs error {err:.3g} > {TOLERANCE[dtype]:g}"


CONFIG_IDS = [cfg["id"] for cfg in configs()]


@pytest.mark.parametrize("method", ["trace", "trace_stepwise"])
@pytest.mark.parametrize("cfg_id", CONFIG_IDS)
def test_matches_torch(cfg_id: str, method: str) -> None:
    cfg = next(c for c in configs() if c["id"] == cfg_id)
    arrays = arrays_of(cfg)
    dtype = cfg["dtype"]
    net = build(cfg, arrays)
    x = arrays["input"]
    assert x.shape == (cfg["T"], cfg["input_size"])
    trace = getattr(net, method)(x)

    # Everything the engine returns stays in the configuration's dtype.
    assert trace.layers[-1].output.dtype == np.dtype(dtype)

    # Torch's output is the top layer's merged (concat) states.
    check("output", trace.layers[-1].output, arrays["output"], dtype)

    # h_n / c_n: row k*D + d; forward final state at t=T, backward at t=1.
    directions = 2 if cfg["bidirectional"] else 1
    assert arrays["h_n"].shape == (cfg["num_layers"] * directions, cfg["hidden_size"])
    for k, layer in enumerate(trace.layers):
        row = k * directions
        check(f"h_n l{k} forward", layer.forward.h[-1], arrays["h_n"][row], dtype)
        if cfg["cell"] == "lstm":
            check(f"c_n l{k} forward", layer.forward.c[-1], arrays["c_n"][row], dtype)
        if cfg["bidirectional"]:
            check(f"h_n l{k} backward", layer.backward.h[0], arrays["h_n"][row + 1], dtype)
            if cfg["cell"] == "lstm":
                check(f"c_n l{k} backward", layer.backward.c[0], arrays["c_n"][row + 1], dtype)
        else:
            assert layer.backward is None

    if cfg["readout"] is None:
        assert trace.outputs is None
    else:
        expected_rows = cfg["T"] if cfg["readout"] == "every" else 1
        assert arrays["readout_out"].shape == (expected_rows, cfg["output_size"])
        check("readout", trace.outputs, arrays["readout_out"], dtype)

    if cfg["has_gates"]:
        names = ("i", "f", "g", "o") if cfg["cell"] == "lstm" else ("r", "z", "n")
        for k, layer in enumerate(trace.layers):
            sides = [("", layer.forward)]
            if cfg["bidirectional"]:
                sides.append(("_reverse", layer.backward))
            for suffix, side in sides:
                assert sorted(side.gates) == sorted(names)
                for name in names:
                    expected = arrays[f"gates/l{k}{suffix}/{name}"]
                    check(f"gate {name} l{k}{suffix}", side.gates[name], expected, dtype)
                if cfg["cell"] == "lstm":
                    check(f"c l{k}{suffix}", side.c, arrays[f"cells/l{k}{suffix}"], dtype)


def test_fixture_coverage() -> None:
    all_configs = configs()
    assert len(all_configs) >= 40
    assert len({c["id"] for c in all_configs}) == len(all_configs)

    kinds = {
        "rnn-tanh": [c for c in all_configs if c["cell"] == "rnn" and c["nonlinearity"] == "tanh"],
        "rnn-relu": [c for c in all_configs if c["cell"] == "rnn" and c["nonlinearity"] == "relu"],
        "lstm": [c for c in all_configs if c["cell"] == "lstm"],
        "gru": [c for c in all_configs if c["cell"] == "gru"],
    }
    for kind, group in kinds.items():
        assert group, kind
        assert {c["num_layers"] for c in group} >= {1, 2, 3}, kind
        assert {c["bidirectional"] for c in group} == {False, True}, kind
        assert {c["dtype"] for c in group} == {"float32", "float64"}, kind
        assert any(c["T"] == 1 for c in group), kind
        assert any(c["hidden_size"] == 1 for c in group), kind
        assert any(c["input_size"] == 1 for c in group), kind
        assert any(c["readout"] == "every" for c in group), kind
        assert any(c["readout"] == "last" and c["bidirectional"] for c in group), kind
    for cell in ("lstm", "gru"):
        assert all(c["has_gates"] for c in kinds[cell])
    assert any(not c["bias"] for c in all_configs)

    # The stored arrays are genuine torch results: present, in the stated dtype,
    # not all zero, and every state_dict entry in the engine's shapes.
    data = fixture()
    for cfg in all_configs:
        arrays = arrays_of(cfg)
        for name in ("input", "output", "h_n"):
            assert arrays[name].dtype == np.dtype(cfg["dtype"]), (cfg["id"], name)
        assert np.abs(arrays["output"]).max() > 0.05, cfg["id"]
        assert np.all(np.isfinite(arrays["output"])), cfg["id"]
        build(cfg, arrays)  # raises on a missing, unexpected or misshapen parameter
    assert not any(np.asarray(v).dtype == object for v in data.values())
    assert FIXTURE.stat().st_size < 2_000_000
