"""Regenerate tests/parity/fixtures/torch_parity.npz from PyTorch (run by hand).

    python tests/parity/make_torch_fixtures.py

For every configuration this builds ``torch.nn.RNN/LSTM/GRU`` in the configuration's
dtype from a fixed seed, runs it on a fixed unbatched input (T, input_size) and
stores, under flat keys ``cfgNNN/<name>``:

- ``input``                     (T, input_size)
- every ``state_dict`` entry    (PyTorch names: ``weight_ih_l0``, ``bias_hh_l1_reverse``, ...)
- ``output``                    (T, D*H) torch's output (the top layer, concat)
- ``h_n``                       (num_layers*D, H), row ``k*D + d`` (d = 0 forward, 1 backward)
- ``c_n``                       same, LSTM only
- ``readout.weight``, ``readout.bias`` and ``readout_out`` for configurations with an
  ``nn.Linear`` readout: applied to ``output`` (readout "every", (T, O)) or to the top
  layer's h_n, forward at t=T and backward at t=1 concatenated (readout "last", (1, O))
- ``gates/l{k}{suffix}/{name}`` (T, H) for LSTM (i f g o) and GRU (r z n), and
  ``cells/l{k}{suffix}`` (T, H) for LSTM, from a small independent reimplementation with
  torch ops (torch.sigmoid, torch.tanh, torch.mv) that is first checked against torch's
  own output and h_n/c_n.

The configurations are a JSON list in the 0-d unicode array ``configs``; ``meta`` holds
the versions used. Nothing is pickled: ``np.load(path, allow_pickle=False)`` reads it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))
from torch_grads import torch_rnn  # noqa: E402

OUT = Path(__file__).resolve().parent / "fixtures" / "torch_parity.npz"

# Each row: (input_size, hidden_size, T). Cycled per cell so every cell meets
# input_size 1, hidden_size 1 and T 1 several times; H <= 8, T <= 12 keeps the file small.
SIZES = [
    (1, 1, 1),
    (3, 4, 5),
    (1, 5, 12),
    (4, 1, 7),
    (2, 3, 1),
    (5, 8, 10),
]
KINDS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", None), ("gru", None)]
READOUT_CYCLE = [None, "every", "last"]


def build_configs() -> list[dict]:
    """The configurations, in a fixed order; ids cfg000, cfg001, ..."""
    configs: list[dict] = []

    def add(**cfg):
        cfg.setdefault("bias", True)
        cfg.setdefault("input_scale", 1.0)
        cfg["id"] = f"cfg{len(configs):03d}"
        cfg["seed"] = 1000 + len(configs)
        configs.append(cfg)

    for kind_index, (cell, nonlinearity) in enumerate(KINDS):
        j = 0
        for num_layers in (1, 2, 3):
            for bidirectional in (False, True):
                for dtype in ("float32", "float64"):
                    input_size, hidden_size, steps = SIZES[(j + kind_index) % len(SIZES)]
                    readout = READOUT_CYCLE[(j + kind_index) % len(READOUT_CYCLE)]
                    add(
                        cell=cell,
                        nonlinearity=nonlinearity,
                        input_size=input_size,
                        hidden_size=hidden_size,
                        num_layers=num_layers,
                        bidirectional=bidirectional,
                        T=steps,
                        dtype=dtype,
                        readout=readout,
                        output_size=0 if readout is None else 2 + j % 3,
                    )
                    j += 1
    # No biases (PyTorch's bias=False: the parameter names simply do not exist).
    for cell, nonlinearity in (("rnn", "relu"), ("lstm", None), ("gru", None)):
        add(
            cell=cell,
            nonlinearity=nonlinearity,
            input_size=3,
            hidden_size=4,
            num_layers=2,
            bidirectional=True,
            T=6,
            dtype="float64",
            readout="last",
            output_size=3,
            bias=False,
        )
    # Saturating inputs (gates near 0 and 1) at the largest sizes.
    for cell, dtype in (("lstm", "float32"), ("gru", "float64"), ("rnn", "float32")):
        add(
            cell=cell,
            nonlinearity="tanh" if cell == "rnn" else None,
            input_size=6,
            hidden_size=8,
            num_layers=2,
            bidirectional=True,
            T=12,
            dtype=dtype,
            readout="every",
            output_size=4,
            input_scale=4.0,
        )
    return configs


def torch_module(cfg: dict, dtype: torch.dtype) -> torch.nn.Module:
    return torch_rnn(torch, cfg, dtype)


def reimplementation(cfg: dict, sd: dict[str, torch.Tensor], x: torch.Tensor):
    """An independent, step-by-step forward pass with torch ops, following PyTorch's
    documented equations. Returns (output (T, D*H), h_n, c_n or None,
    gates {"l0": {name: (T, H)}, "l0_reverse": ...}, cells {"l0": (T, H)})."""
    steps, hidden = x.shape[0], cfg["hidden_size"]
    suffixes = ("", "_reverse") if cfg["bidirectional"] else ("",)
    layer_in = x
    h_n, c_n, gates, cells = [], [], {}, {}
    for k in range(cfg["num_layers"]):
        outs = []
        for suffix in suffixes:
            w_ih = sd[f"weight_ih_l{k}{suffix}"]
            w_hh = sd[f"weight_hh_l{k}{suffix}"]
            zero = torch.zeros(w_ih.shape[0], dtype=x.dtype)
            b_ih = sd.get(f"bias_ih_l{k}{suffix}", zero)
            b_hh = sd.get(f"bias_hh_l{k}{suffix}", zero)
            h = torch.zeros(hidden, dtype=x.dtype)
            c = torch.zeros(hidden, dtype=x.dtype)
            hs: list = [None] * steps
            cs: list = [None] * steps
            names = {"lstm": "ifgo", "gru": "rzn"}.get(cfg["cell"], "")
            per_gate: dict[str, list] = {name: [None] * steps for name in names}
            order = range(steps) if suffix == "" else range(steps - 1, -1, -1)
            for t in order:
                gi = torch.mv(w_ih, layer_in[t]) + b_ih
                gh = torch.mv(w_hh, h) + b_hh
                if cfg["cell"] == "rnn":
                    pre = gi + gh
                    h = torch.tanh(pre) if cfg["nonlinearity"] == "tanh" else torch.relu(pre)
                elif cfg["cell"] == "lstm":
                    i, f, g, o = (gi + gh).chunk(4)
                    i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
                    c = f * c + i * g
                    h = o * torch.tanh(c)
                    cs[t] = c
                    for name, value in zip("ifgo", (i, f, g, o), strict=True):
                        per_gate[name][t] = value
                else:
                    i_r, i_z, i_n = gi.chunk(3)
                    h_r, h_z, h_n_ = gh.chunk(3)
                    r = torch.sigmoid(i_r + h_r)
                    z = torch.sigmoid(i_z + h_z)
                    n = torch.tanh(i_n + r * h_n_)
                    h = (1 - z) * n + z * h
                    for name, value in zip("rzn", (r, z, n), strict=True):
                        per_gate[name][t] = value
                hs[t] = h
            outs.append(torch.stack(hs))
            h_n.append(h)
            c_n.append(c)
            if names:
                gates[f"l{k}{suffix}"] = {name: torch.stack(v) for name, v in per_gate.items()}
            if cfg["cell"] == "lstm":
                cells[f"l{k}{suffix}"] = torch.stack(cs)
        layer_in = torch.cat(outs, dim=1)
    c_out = torch.stack(c_n) if cfg["cell"] == "lstm" else None
    return layer_in, torch.stack(h_n), c_out, gates, cells


def build_one(cfg: dict) -> dict[str, np.ndarray]:
    dtype = {"float32": torch.float32, "float64": torch.float64}[cfg["dtype"]]
    torch.manual_seed(cfg["seed"])
    module = torch_module(cfg, dtype)
    x = torch.randn(cfg["T"], cfg["input_size"], dtype=dtype) * cfg["input_scale"]
    with torch.no_grad():
        result = module(x)  # unbatched input: (T, input_size)
        output, hidden = result
        h_n, c_n = hidden if cfg["cell"] == "lstm" else (hidden, None)
        sd = {name: p.detach().clone() for name, p in module.state_dict().items()}
        arrays: dict[str, np.ndarray] = {"input": x.numpy()}
        arrays.update({name: value.numpy() for name, value in sd.items()})
        arrays["output"] = output.numpy()
        arrays["h_n"] = h_n.numpy()
        if c_n is not None:
            arrays["c_n"] = c_n.numpy()
        if cfg["readout"] is not None:
            directions = 2 if cfg["bidirectional"] else 1
            linear = torch.nn.Linear(
                directions * cfg["hidden_size"], cfg["output_size"], dtype=dtype
            )
            if cfg["readout"] == "every":
                out = linear(output)  # (T, O)
            else:
                # h_n rows of the top layer: forward (at t=T), then backward (at t=1).
                last = torch.cat(list(h_n[-directions:]), dim=0)
                out = linear(last)[None, :]  # (1, O)
            arrays["readout.weight"] = linear.weight.detach().numpy()
            arrays["readout.bias"] = linear.bias.detach().numpy()
            arrays["readout_out"] = out.numpy()

        # The independent reimplementation must agree with torch before its gates count.
        ref_out, ref_h_n, ref_c_n, gates, cells = reimplementation(cfg, sd, x)
        tol = 1e-5 if dtype == torch.float32 else 1e-12
        checks = [("output", ref_out, output), ("h_n", ref_h_n, h_n)]
        if c_n is not None:
            checks.append(("c_n", ref_c_n, c_n))
        for what, mine, theirs in checks:
            err = float((mine - theirs).abs().max())
            if not err <= tol:
                raise SystemExit(f"{cfg['id']}: reimplementation {what} differs by {err:g}")
        for direction, named in gates.items():
            for name, value in named.items():
                arrays[f"gates/{direction}/{name}"] = value.numpy()
        for direction, value in cells.items():
            arrays[f"cells/{direction}"] = value.numpy()
    np_dtype = np.dtype(cfg["dtype"])
    for name, value in arrays.items():
        assert value.dtype == np_dtype, (cfg["id"], name, value.dtype)
    return arrays


def main() -> int:
    torch.set_num_threads(1)
    configs = build_configs()
    store: dict[str, np.ndarray] = {}
    for cfg in configs:
        cfg["has_gates"] = cfg["cell"] in ("lstm", "gru")
        arrays = build_one(cfg)
        # A deep ReLU stack can die (all-zero output), which would test little:
        # move to the next seed until the output is alive. Deterministic.
        while not np.abs(arrays["output"]).max() > 0.05:
            cfg["seed"] += 10_000
            arrays = build_one(cfg)
        for name, value in arrays.items():
            store[f"{cfg['id']}/{name}"] = np.ascontiguousarray(value)
    store["configs"] = np.array(json.dumps(configs, sort_keys=True))  # 0-d unicode
    store["meta"] = np.array(
        json.dumps(
            {
                "generator": "tests/parity/make_torch_fixtures.py",
                "torch": torch.__version__,
                "numpy": np.__version__,
            },
            sort_keys=True,
        )
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **store)
    size = OUT.stat().st_size
    print(f"wrote {len(configs)} configurations, {len(store)} arrays, {size} bytes to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
