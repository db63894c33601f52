"""Gradients from torch autograd, shared by the fixture script and the live test.

The loss is sum(outputs ⊙ G) for a fixed random G, so dL/d(outputs) = G and every
parameter's and input's gradient is compared through the same number.
"""

from __future__ import annotations

import numpy as np

KINDS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]


def grad_configs(seed: int = 99) -> list[dict]:
    """32 configurations: every cell kind x 1-2 layers x uni/bi x readout every/last."""
    rng = np.random.default_rng(seed)
    configs = []
    for cell, nonlinearity in KINDS:
        for num_layers in (1, 2):
            for bidirectional in (False, True):
                for readout in ("every", "last"):
                    configs.append(
                        {
                            "id": f"grad{len(configs):02d}",
                            "cell": cell,
                            "nonlinearity": nonlinearity,
                            "num_layers": num_layers,
                            "bidirectional": bidirectional,
                            "readout": readout,
                            "input_size": int(rng.integers(1, 5)),
                            "hidden_size": int(rng.integers(1, 6)),
                            "output_size": int(rng.integers(1, 4)),
                            "T": int(rng.integers(1, 9)),
                            "seed": int(rng.integers(0, 2**31)),
                        }
                    )
    return configs


def torch_rnn(torch, cfg: dict, dtype):
    """The torch.nn.RNN / LSTM / GRU a config describes (keys cell, nonlinearity,
    input_size, hidden_size, num_layers, bidirectional, optional bias), in `dtype`."""
    kwargs = dict(
        input_size=cfg["input_size"], hidden_size=cfg["hidden_size"],
        num_layers=cfg["num_layers"], bidirectional=cfg["bidirectional"],
        bias=cfg.get("bias", True), dtype=dtype,
    )  # fmt: skip
    if cfg["cell"] == "rnn":
        return torch.nn.RNN(nonlinearity=cfg["nonlinearity"], **kwargs)
    return {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cfg["cell"]](**kwargs)


def torch_gradients(torch, cfg: dict) -> dict[str, np.ndarray]:
    """Run cfg through torch in float64 with autograd. Returns the state_dict (with
    readout.*), x, G, and grad/<name> for every parameter plus grad/x."""
    torch.manual_seed(cfg["seed"])
    module = torch_rnn(torch, cfg, torch.float64)
    dirs = 2 if cfg["bidirectional"] else 1
    linear = torch.nn.Linear(dirs * cfg["hidden_size"], cfg["output_size"], dtype=torch.float64)
    rng = np.random.default_rng(cfg["seed"])
    x_np = rng.standard_normal((cfg["T"], cfg["input_size"]))
    x = torch.tensor(x_np, requires_grad=True)
    output, hidden = module(x)
    h_n = hidden[0] if cfg["cell"] == "lstm" else hidden
    if cfg["readout"] == "every":
        outputs = linear(output)
    else:
        last = torch.cat([h_n[-2], h_n[-1]]) if dirs == 2 else h_n[-1]
        outputs = linear(last)[None, :]
    g = rng.standard_normal(tuple(outputs.shape))
    (outputs * torch.from_numpy(g)).sum().backward()
    out = {"x": x_np, "G": g}
    for name, p in module.named_parameters():
        out[name] = p.detach().numpy().copy()
        out[f"grad/{name}"] = p.grad.numpy().copy()
    for name, p in linear.named_parameters():
        out[f"readout.{name}"] = p.detach().numpy().copy()
        out[f"grad/readout.{name}"] = p.grad.numpy().copy()
    out["grad/x"] = x.grad.numpy().copy()
    return out


def engine_gradients(cfg: dict, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The same gradients from rnn_tui's BPTT; keys grad/<name> and grad/x."""
    from rnn_tui.engine import Network
    from rnn_tui.engine.backward import backward

    state = {k: v for k, v in arrays.items() if not k.startswith("grad/") and k not in ("x", "G")}
    net = Network(
        cfg["cell"], cfg["input_size"], cfg["hidden_size"], cfg["num_layers"],
        cfg["bidirectional"], nonlinearity=cfg["nonlinearity"],
        output_size=cfg["output_size"], readout=cfg["readout"], state_dict=state,
    )  # fmt: skip
    trace = net.trace_batch(arrays["x"][:, None, :])
    grads = backward(net, trace, d_outputs=arrays["G"][:, None, :])
    out = {f"grad/{k}": v for k, v in grads.params.items()}
    out["grad/x"] = grads.inputs[:, 0, :]
    return out
