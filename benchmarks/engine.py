"""Time the numpy engine against itself (vectorised vs per-step) and PyTorch.

    python benchmarks/engine.py [--repeats N] [--warmup N] [--no-torch]

For RNN, LSTM and GRU at batch 1, in float32 and float64, on two stacked
bidirectional configurations, prints the median wall time of
``Network.trace`` (input projection for all t in one product, recurrence looped),
``Network.trace_stepwise`` (everything per timestep) and torch's forward pass
(``torch.set_num_threads(2)``, ``torch.no_grad()``, the same weights), with the
ratios trace/stepwise and trace/torch, and the largest difference between the
engine's and torch's top-layer output as a parity sanity check.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from rnn_tui.engine import Network  # noqa: E402

try:
    import torch
except ImportError:  # the torch columns are left empty
    torch = None

# (T, input_size, hidden_size, num_layers, bidirectional)
CONFIGS = [
    (256, 64, 128, 2, True),
    (1024, 128, 256, 2, True),
]
CELLS = ("rnn", "lstm", "gru")
DTYPES = ("float32", "float64")


def median_time(fn, repeats: int, warmup: int) -> float:
    """Median wall time of fn() in seconds, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def torch_module(net: Network, dtype: str):
    """torch.nn.RNN/LSTM/GRU with the engine's weights, in `dtype`."""
    kwargs = dict(
        input_size=net.input_size,
        hidden_size=net.hidden_size,
        num_layers=net.num_layers,
        bidirectional=net.bidirectional,
        dtype=getattr(torch, dtype),
    )
    if net.cell == "rnn":
        module = torch.nn.RNN(nonlinearity=net.nonlinearity, **kwargs)
    elif net.cell == "lstm":
        module = torch.nn.LSTM(**kwargs)
    else:
        module = torch.nn.GRU(**kwargs)
    module.load_state_dict({name: torch.from_numpy(value) for name, value in net.params.items()})
    return module.eval()


def run(repeats: int, warmup: int, use_torch: bool) -> list[dict]:
    rows = []
    for steps, input_size, hidden, layers, bidirectional in CONFIGS:
        for cell in CELLS:
            for dtype in DTYPES:
                net = Network(
                    cell=cell,
                    input_size=input_size,
                    hidden_size=hidden,
                    num_layers=layers,
                    bidirectional=bidirectional,
                    seed=0,
                    dtype=np.dtype(dtype),
                )
                x = np.random.default_rng(0).standard_normal((steps, input_size)).astype(dtype)
                row = {
                    "cell": cell, "T": steps, "in": input_size, "H": hidden, "L": layers,
                    "bi": bidirectional, "dtype": dtype,
                    "trace": median_time(lambda n=net, x=x: n.trace(x), repeats, warmup),
                    "stepwise": median_time(
                        lambda n=net, x=x: n.trace_stepwise(x), repeats, warmup
                    ),
                    "torch": None,
                    "err": None,
                }  # fmt: skip
                if use_torch:
                    module = torch_module(net, dtype)
                    xt = torch.from_numpy(x)[:, None, :]  # (T, batch 1, input_size)

                    def forward(m=module, xt=xt):
                        with torch.no_grad():
                            return m(xt)

                    row["torch"] = median_time(forward, repeats, warmup)
                    ours = net.trace(x).layers[-1].output
                    theirs = forward()[0][:, 0, :].numpy()
                    row["err"] = float(np.max(np.abs(ours.astype(float) - theirs)))
                rows.append(row)
                print(".", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return rows


def table(rows: list[dict]) -> str:
    header = (
        f"{'cell':<5} {'T':>5} {'in':>4} {'H':>4} {'L':>2} {'bi':>3} {'dtype':<8}"
        f" {'trace ms':>9} {'stepwise ms':>11} {'torch ms':>9}"
        f" {'trace/stepwise':>14} {'trace/torch':>11} {'max|Δ| torch':>12}"
    )
    lines = [header, "-" * len(header)]
    for r in rows:
        torch_ms = "-" if r["torch"] is None else f"{1e3 * r['torch']:.2f}"
        vs_torch = "-" if r["torch"] is None else f"{r['trace'] / r['torch']:.2f}"
        err = "-" if r["err"] is None else f"{r['err']:.1e}"
        lines.append(
            f"{r['cell']:<5} {r['T']:>5} {r['in']:>4} {r['H']:>4} {r['L']:>2}"
            f" {'yes' if r['bi'] else 'no':>3} {r['dtype']:<8}"
            f" {1e3 * r['trace']:>9.2f} {1e3 * r['stepwise']:>11.2f} {torch_ms:>9}"
            f" {r['trace'] / r['stepwise']:>14.2f} {vs_torch:>11} {err:>12}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per cell (median)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first")
    parser.add_argument("--no-torch", action="store_true", help="skip the torch column")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.warmup < 0:
        parser.error("--repeats must be >= 1 and --warmup >= 0")
    use_torch = torch is not None and not args.no_torch
    if use_torch:
        torch.set_num_threads(2)
    started = time.perf_counter()
    rows = run(args.repeats, args.warmup, use_torch)
    print(
        f"rnn-tui engine benchmark: batch 1, median of {args.repeats} "
        f"(+{args.warmup} warmup); python {platform.python_version()}, numpy {np.__version__}, "
        + (
            f"torch {torch.__version__} ({torch.get_num_threads()} threads)"
            if use_torch
            else "torch not used"
        )
        + f"; {os.cpu_count()} CPUs"
    )
    print(table(rows))
    print(f"total {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
