"""`rnn-tui trace` on a long scenario: `--npz FILE` and `--json` against the engine's own
trace, each in a fresh process, with the wall time and peak RSS of each.

    python benchmarks/trace_cli.py [--steps 100000] [--hidden 256] [--repeats 3]
                                   [--skip-json] [--root CHECKOUT] [--lift-json-limit]

The scenario is a 2-layer bidirectional float32 LSTM reading `--steps` random words of a
16-word vocabulary (one-hot, so input 16), seeded weights, an output of size 3: at
100,000 steps and H = 256 the scenario of issue 16 and of `long.py`. It is written as a
TOML file and run through the command line as a user runs it. (Each process also lifts
the loader's limit on a sequence's states, which this scenario's 400 MB float32 states
fit: it matters for `--root` checkouts from before the 512 MiB budget at the model's
dtype, whose 128 MiB limit refused the file.)

Rows: `engine` loads the scenario and runs `Scenario.trace()`; `trace --npz` and
`trace --json` are the command (interpreter start, loading, tracing, writing). `seconds`
is each process's wall time, `its trace s` the time of the Scenario.trace() inside it,
so `trace --npz / its own trace` compares within one process, whatever else the machine
was doing. The engine and --npz runs alternate `--repeats` times (the median run is
shown); --json runs once. The .npz goes to a temporary folder and is deleted; the JSON
goes to a pipe this script reads and counts. Peak RSS is each process's own ru_maxrss
(os.wait4), interpreter and libraries included.

`--root` measures another checkout (e.g. one from before `--npz`: its npz row fails);
`--lift-json-limit` sets its MAX_JSON_NUMBERS, the refusal `--json` had past 20 million
numbers, out of the way, to see what its writer would have done.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = "a b c d e f g h i j k l m n o p".split()

PRELUDE = """
import atexit, json, sys, time
sys.path.insert(0, {root!r})
import rnn_tui.scenario.builder as builder, rnn_tui.scenario.model as model
builder.MAX_SEQUENCE_BYTES = model.MAX_SEQUENCE_BYTES = 1 << 40  # this benchmark's scenario
if {lift!r}:
    import rnn_tui.engine.trace as trace_module
    if hasattr(trace_module, "MAX_JSON_NUMBERS"):
        trace_module.MAX_JSON_NUMBERS = float("inf")
traced = []  # seconds of each Scenario.trace() in this process
untimed = model.Scenario.trace
def timed(self):
    start = time.perf_counter()
    try:
        return untimed(self)
    finally:
        traced.append(time.perf_counter() - start)
model.Scenario.trace = timed
atexit.register(lambda: open({timing!r}, "w").write(json.dumps(traced)))
"""

ENGINE = """
from rnn_tui.scenario import load_scenario
load_scenario({path!r}).trace()
"""

COMMAND = """
from rnn_tui.cli import main
main({argv!r})
"""


def write_scenario(path: Path, steps: int, hidden: int) -> Path:
    """The benchmark's scenario: `steps` random words through a 2-layer bidirectional
    float32 LSTM with `hidden` units."""
    import random

    rng = random.Random(1)
    tokens = ", ".join(f'"{rng.choice(WORDS)}"' for _ in range(steps))
    vocab = ", ".join(f'"{w}"' for w in WORDS)
    path.write_text(
        'title = "A long sequence"\n'
        f'[model]\ncell = "lstm"\nhidden_size = {hidden}\nnum_layers = 2\n'
        'bidirectional = true\ndtype = "float32"\n'
        "[weights]\nseed = 4\n"
        f"[input]\nvocab = [{vocab}]\ntokens = [{tokens}]\n"
        "[output]\nsize = 3\n"
    )
    return path


def measure(code: str, timing: Path, *, count_stdout: bool = False) -> dict:
    """Run `code` in a fresh interpreter: its wall seconds, the seconds of its
    Scenario.trace() (read from `timing`), peak RSS (MiB), exit status, standard error's
    last line and the bytes it wrote on standard output."""
    timing.unlink(missing_ok=True)
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tempfile.gettempdir(),
    )
    assert child.stdout is not None and child.stderr is not None
    written = 0
    while block := child.stdout.read(1 << 20):
        written += len(block)
    errors = child.stderr.read().decode(errors="replace").strip().splitlines()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    traced = json.loads(timing.read_text()) if timing.exists() else []
    return {
        "seconds": seconds,
        "trace": sum(traced) if traced else None,
        "peak_mib": usage.ru_maxrss / 1024,
        "status": child.returncode,
        "error": errors[-1] if errors else "",
        "written": written,
    }


def median_run(runs: list[dict]) -> dict:
    """The run of median wall time (its own trace time and RSS with it)."""
    return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=3, help="engine and --npz runs, alternated")
    parser.add_argument("--skip-json", action="store_true", help="no --json row (the slow one)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to measure")
    parser.add_argument("--lift-json-limit", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rnn-tui-trace-bench-") as folder:
        timing = Path(folder) / "traced.json"
        prelude = PRELUDE.format(
            root=str(args.root.resolve()), lift=args.lift_json_limit, timing=str(timing)
        )
        scenario = write_scenario(Path(folder) / "long.toml", args.steps, args.hidden)
        npz = Path(folder) / "long.npz"
        load = os.getloadavg()
        engines, npzs = [], []
        for _ in range(args.repeats):  # alternated, so both see the same machine
            engines.append(measure(prelude + ENGINE.format(path=str(scenario)), timing))
            if engines[-1]["status"] != 0:
                sys.exit(f"the engine run failed: {engines[-1]['error']}")
            argv = ["trace", str(scenario), "--npz", str(npz)]
            npzs.append(measure(prelude + COMMAND.format(argv=argv), timing))
            size = npz.stat().st_size if npz.exists() else None
            npz.unlink(missing_ok=True)
        rows = [("engine: Scenario.trace()", median_run(engines), None)]
        rows.append(("trace --npz FILE", median_run(npzs), size))
        if not args.skip_json:
            argv = ["trace", str(scenario), "--json"]
            done = measure(prelude + COMMAND.format(argv=argv), timing, count_stdout=True)
            rows.append(("trace --json > pipe", done, done["written"]))
    print(
        f"2-layer bidirectional LSTM, H = {args.hidden}, input 16, float32, "
        f"T = {args.steps:,}; median of {args.repeats} (--json: 1); checkout {args.root.resolve()}"
    )
    print(f"load average before: {load[0]:.2f} {load[1]:.2f}; after: {os.getloadavg()[0]:.2f}")
    heads = ("seconds", "its trace s", "peak RSS MiB", "output MiB")
    print(f"{'command':26} {heads[0]:>8} {heads[1]:>12} {heads[2]:>13} {heads[3]:>11}")
    for name, row, size in rows:
        traced = "-" if row["trace"] is None else f"{row['trace']:.1f}"
        shown = "-" if size is None or row["status"] else f"{size / 2**20:.0f}"
        failed = f"  exit {row['status']}: {row['error'][:90]}" if row["status"] else ""
        print(
            f"{name:26} {row['seconds']:8.1f} {traced:>12} {row['peak_mib']:13.0f} {shown:>11}"
            + failed
        )
    engine, done = rows[0][1], rows[1][1]
    if done["status"] == 0:
        ratio = done["seconds"] / engine["trace"]
        own = done["seconds"] / done["trace"]
        print(f"trace --npz / the engine run's trace: {ratio:.2f}; / its own trace: {own:.2f}")


if __name__ == "__main__":
    main()
