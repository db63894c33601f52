"""Long sequences: a 100,000-step trace through a 2-layer bidirectional LSTM (H = 256,
input 16, float32), rnn-tui's compact trace against torch's forward, each in a fresh
process so that peak RSS is its own.

    python benchmarks/long.py [--steps 100000] [--repeats 3] [--no-torch] [--no-app]

Then runs long_app.py (unless --no-app): the app on such a scenario, its first frame,
keys while the trace is computed, the time until it is whole and the peak RSS.

Prints wall time (median of the repeats, after one warm-up on 1,000 steps) and the
process's peak RSS (ru_maxrss, which includes the interpreter and the libraries), and
the ratios rnn-tui / torch. Also times what the app does per keypress on such a trace:
reading t's gates and cell state (recomputed from the nearest checkpoint).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

COMMON = """
import json, resource, statistics, sys, time
import numpy as np
steps, repeats = {steps}, {repeats}
rng = np.random.default_rng(0)
x = rng.standard_normal((steps, 16)).astype(np.float32)
def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

RNN_TUI = (
    COMMON
    + """
sys.path.insert(0, {root!r})
from rnn_tui.engine import Network
net = Network("lstm", input_size=16, hidden_size=256, num_layers=2, bidirectional=True,
              seed=0, dtype=np.float32)
net.trace(x[:1000])
times = []
for _ in range(repeats):
    trace = None
    start = time.perf_counter()
    trace = net.trace(x)
    times.append(time.perf_counter() - start)
top = trace.layers[-1].backward
keys = []
for t in (steps // 2, steps // 2 + 1, steps // 2 + 2, 17, steps - 1):
    start = time.perf_counter()
    row = [top.gates[name][t] for name in top.gates] + [top.c[t]]
    keys.append(time.perf_counter() - start)
print(json.dumps({{"seconds": statistics.median(times), "peak_mib": peak_mib(),
                  "compact": trace.compact, "key_ms": [round(k * 1e3, 2) for k in keys],
                  "last": trace.layers[-1].output[-1, :4].tolist()}}))
"""
)

TORCH = (
    COMMON
    + """
import torch
torch.set_num_threads(2)
torch.manual_seed(0)
lstm = torch.nn.LSTM(16, 256, num_layers=2, bidirectional=True)
xt = torch.from_numpy(x)[:, None, :]
times = []
with torch.no_grad():
    lstm(xt[:1000])
    for _ in range(repeats):
        start = time.perf_counter()
        out, _ = lstm(xt)
        times.append(time.perf_counter() - start)
        del out
print(json.dumps({{"seconds": statistics.median(times), "peak_mib": peak_mib()}}))
"""
)


def run(code: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--no-app", action="store_true", help="without the app's table")
    parser.add_argument("--app-runs", type=int, default=3, help="runs of the app (long_app.py)")
    args = parser.parse_args()
    fill = {"steps": args.steps, "repeats": args.repeats, "root": str(ROOT)}
    ours = run(RNN_TUI.format(**fill))
    theirs = None
    if not args.no_torch:
        try:
            theirs = run(TORCH.format(**fill))
        except subprocess.CalledProcessError as error:
            print(f"torch run failed: {error.stderr.strip().splitlines()[-1:]}")
    print(f"2-layer bidirectional LSTM, H = 256, input 16, float32, T = {args.steps:,}, "
          f"median of {args.repeats}")  # fmt: skip
    print(f"{'':10} {'trace s':>9} {'peak RSS MiB':>13}")
    print(f"{'rnn-tui':10} {ours['seconds']:9.2f} {ours['peak_mib']:13.0f}"
          f"   (compact: {ours['compact']})")  # fmt: skip
    if theirs:
        print(f"{'torch':10} {theirs['seconds']:9.2f} {theirs['peak_mib']:13.0f}")
        print(f"{'ratio':10} {ours['seconds'] / theirs['seconds']:9.2f} "
              f"{ours['peak_mib'] / theirs['peak_mib']:13.2f}")  # fmt: skip
    print("one keypress's gates and c at t (ms):", ", ".join(map(str, ours["key_ms"])))
    if not args.no_app:  # the app on the scenario: first frame, keys, whole trace, RSS
        print()
        app = [sys.executable, str(Path(__file__).with_name("long_app.py"))]
        app += ["--steps", str(args.steps), "--runs", str(args.app_runs)]
        subprocess.run(app, check=True)


if __name__ == "__main__":
    main()
