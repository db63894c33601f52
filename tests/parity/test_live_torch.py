"""Live parity: random (seeded) configurations run through torch and the engine.

Skipped when torch is not installed, except in CI: when the environment variable
``CI`` is set (non-empty) a missing torch is a failure, so the parity check can
never silently disappear from the pipeline.
"""

from __future__ import annotations

import numpy as np
import pytest
from torch_grads import torch_rnn

from rnn_tui.engine import Network

TOLERANCE = {"float32": 1e-6, "float64": 1e-12}
KINDS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]


def live_configs(seed: int = 20240611) -> list[dict]:
    """24 seeded random configurations: every cell kind x 1-3 layers x uni/bi, the
    dtype alternating within each kind, readouts (none, every, last) cycled across;
    sizes and T drawn at random (1 included)."""
    rng = np.random.default_rng(seed)
    configs = []
    for num_layers in (1, 2, 3):
        for bidirectional in (False, True):
            for cell, nonlinearity in KINDS:
                i = len(configs)
                configs.append(
                    {
                        "id": f"live{i:02d}",
                        "cell": cell,
                        "nonlinearity": nonlinearity,
                        "num_layers": num_layers,
                        "bidirectional": bidirectional,
                        "dtype": ("float32", "float64")[(num_layers + bidirectional) % 2],
                        "readout": (None, "every", "last")[i % 3],
                        "input_size": int(rng.integers(1, 8)),
                        "hidden_size": int(rng.integers(1, 10)),
                        "T": int(rng.integers(1, 16)),
                        "output_size": int(rng.integers(1, 5)),
                        "seed": int(rng.integers(0, 2**31)),
                    }
                )
    return configs


CONFIGS = live_configs()


def torch_run(torch_mod, cfg: dict, x: np.ndarray):
    """Build the torch module from cfg's seed, run it; return (state_dict as numpy,
    output, h_n, c_n or None, readout output or None)."""
    dtype = {"float32": torch_mod.float32, "float64": torch_mod.float64}[cfg["dtype"]]
    torch_mod.manual_seed(cfg["seed"])
    module = torch_rnn(torch_mod, cfg, dtype)
    directions = 2 if cfg["bidirectional"] else 1
    linear = torch_mod.nn.Linear(directions * cfg["hidden_size"], cfg["output_size"], dtype=dtype)
    with torch_mod.no_grad():
        output, hidden = module(torch_mod.from_numpy(x))
        h_n, c_n = hidden if cfg["cell"] == "lstm" else (hidden, None)
        state_dict = {k: v.numpy().copy() for k, v in module.state_dict().items()}
        readout_out = None
        if cfg["readout"] == "every":
            readout_out = linear(output).numpy()
        elif cfg["readout"] == "last":
            last = torch_mod.cat([h_n[-directions], h_n[-1]]) if directions == 2 else h_n[-1]
            readout_out = linear(last)[None, :].numpy()
        if cfg["readout"] is not None:
            state_dict["readout.weight"] = linear.weight.numpy().copy()
            state_dict["readout.bias"] = linear.bias.numpy().copy()
    return (
        state_dict,
        output.numpy(),
        h_n.numpy(),
        None if c_n is None else c_n.numpy(),
        readout_out,
    )


def max_abs(actual: np.ndarray, expected: np.ndarray) -> float:
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    return float(np.max(np.abs(actual.astype(np.float64) - expected.astype(np.float64))))


@pytest.mark.torch
@pytest.mark.parametrize("cfg", CONFIGS, ids=[c["id"] for c in CONFIGS])
def test_live_parity(cfg: dict, torch_module) -> None:
    torch_mod = torch_module
    tol = TOLERANCE[cfg["dtype"]]
    rng = np.random.default_rng(cfg["seed"])
    x = rng.standard_normal((cfg["T"], cfg["input_size"])).astype(cfg["dtype"])
    state_dict, output, h_n, c_n, readout_out = torch_run(torch_mod, cfg, x)
    net = Network(
        cell=cfg["cell"],
        input_size=cfg["input_size"],
        hidden_size=cfg["hidden_size"],
        num_layers=cfg["num_layers"],
        bidirectional=cfg["bidirectional"],
        nonlinearity=cfg["nonlinearity"],
        output_size=0 if cfg["readout"] is None else cfg["output_size"],
        readout=cfg["readout"] or "every",
        state_dict=state_dict,
        dtype=np.dtype(cfg["dtype"]),
    )
    directions = 2 if cfg["bidirectional"] else 1
    for method in (net.trace, net.trace_stepwise):
        trace = method(x)
        top = trace.layers[-1]
        assert top.output.dtype == np.dtype(cfg["dtype"])
        assert max_abs(top.output, output) <= tol, method.__name__
        for k, layer in enumerate(trace.layers):
            assert max_abs(layer.forward.h[-1], h_n[k * directions]) <= tol, (method.__name__, k)
            if c_n is not None:
                assert max_abs(layer.forward.c[-1], c_n[k * directions]) <= tol
            if cfg["bidirectional"]:
                assert max_abs(layer.backward.h[0], h_n[k * 2 + 1]) <= tol, (method.__name__, k)
                if c_n is not None:
                    assert max_abs(layer.backward.c[0], c_n[k * 2 + 1]) <= tol
        if readout_out is None:
            assert trace.outputs is None
        else:
            assert max_abs(trace.outputs, readout_out) <= tol, method.__name__


def test_live_configs_cover_the_space() -> None:
    assert len(CONFIGS) == 24
    for kind in KINDS:
        group = [c for c in CONFIGS if (c["cell"], c["nonlinearity"]) == kind]
        assert {c["dtype"] for c in group} == {"float32", "float64"}, kind
        assert {c["bidirectional"] for c in group} == {False, True}, kind
        assert {c["readout"] for c in group} >= {"every", "last"}, kind
    assert {c["num_layers"] for c in CONFIGS} == {1, 2, 3}
    assert {c["bidirectional"] for c in CONFIGS} == {False, True}
    assert {c["dtype"] for c in CONFIGS} == {"float32", "float64"}
    assert {c["readout"] for c in CONFIGS} == {None, "every", "last"}
    assert any(c["readout"] == "last" and c["bidirectional"] for c in CONFIGS)
    assert any(c["cell"] == "rnn" and c["nonlinearity"] == "relu" and c["readout"] for c in CONFIGS)


@pytest.mark.torch
def test_torch_state_dict_loads_as_is(torch_module) -> None:
    """A torch state_dict (tensors, not arrays) is accepted unchanged."""
    torch_mod = torch_module
    torch_mod.manual_seed(7)
    module = torch_mod.nn.GRU(3, 5, num_layers=2, bidirectional=True, dtype=torch_mod.float64)
    x = np.random.default_rng(7).standard_normal((9, 3))
    net = Network(
        cell="gru",
        input_size=3,
        hidden_size=5,
        num_layers=2,
        bidirectional=True,
        state_dict=module.state_dict(),
    )
    with torch_mod.no_grad():
        expected, _ = module(torch_mod.from_numpy(x))
    assert max_abs(net.trace(x).layers[-1].output, expected.numpy()) <= 1e-12
