"""The app on a 100,000-step scenario: first frame, stepping while the trace is computed,
time until the trace is whole, peak RSS; against the app on the default scenario.

    python benchmarks/long_app.py [--steps 100000] [--hidden 256] [--runs 3] [--keys 30]

Each run is a fresh interpreter that loads the scenario and runs the real app (not
headless) at 120x40 under benchmarks/ui.py's rendering driver, which renders every
frame to escape codes and drops them, noting when each write ends. Measured in it:

- `first frame s`: from the interpreter's start to the end of the first frame's write
  (imports and loading the scenario included, as a user waits for them);
- `key ms p50/p90/max`: while the trace is still being computed, → is posted `--keys`
  times (50 ms apart) as the terminal driver posts a key; each time is from posting the
  key to the end of the first write after the view has moved (keys posted after the
  trace is whole are not counted: `keys while tracing` says how many were);
- `whole s`: from the interpreter's start until the app shows the whole trace;
- `peak RSS MiB`: the process's ru_maxrss at the end, interpreter and libraries included.

The default scenario's row (5 tokens, its trace computed at once) is the reference the
issue's target compares with: the long scenario's first frame within 1 s of it. The
long scenario is benchmarks/trace_cli.py's (a 2-layer bidirectional float32 LSTM reading
random words of a 16-word vocabulary), written to a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import time
started = time.perf_counter()
import asyncio, json, resource, sys
sys.path[:0] = [{root!r}, {bench!r}]
from rnn_tui.ui import make_app  # before textual: its frame rate, as rnn-tui runs
from textual import events
from ui import RenderingDriver

KEYS, GAP = {keys}, 0.05

async def main():
    app = make_app({source!r})
    app.driver_class = RenderingDriver
    result = {{}}

    async def tour(pilot):
        driver = app._driver
        while not driver.writes:
            await asyncio.sleep(0.001)
        result["first"] = driver.writes[0] - started
        times = []
        for _ in range(KEYS):
            if not app.stage.partial:
                break
            before = app.view.t
            start = time.perf_counter()
            event = events.Key("right", None)
            event.set_sender(app)
            driver.send_message(event)
            while app.view.t == before and time.perf_counter() - start < 5:
                await asyncio.sleep(0.001)
            moved = time.perf_counter()
            while not (driver.writes and driver.writes[-1] > moved):
                await asyncio.sleep(0.001)
            times.append((driver.writes[-1] - start) * 1000)
            await asyncio.sleep(GAP)
        result["keys"] = times
        while app.stage.partial:
            await asyncio.sleep(0.01)
        result["whole"] = time.perf_counter() - started
        result["t"] = app.view.t
        app.exit()

    await app.run_async(headless=False, size=(120, 40), auto_pilot=tour)
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))

asyncio.run(main())
"""


def write_long_scenario(folder: Path, steps: int, hidden: int) -> Path:
    sys.path.insert(0, str(Path(__file__).parent))
    from trace_cli import write_scenario

    return write_scenario(folder / "long.toml", steps, hidden)


def run(source: str | None, keys: int) -> dict:
    code = CHILD.format(root=str(ROOT), bench=str(Path(__file__).parent), source=source, keys=keys)
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd=tempfile.gettempdir(),
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if done.returncode != 0:
        raise SystemExit(f"the app on {source} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def quantiles(times: list[float]) -> str:
    if not times:
        return "-"
    if len(times) == 1:
        return f"{times[0]:.0f}"
    p90 = statistics.quantiles(times, n=10, method="inclusive")[-1]
    return f"{statistics.median(times):.0f} / {p90:.0f} / {max(times):.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--runs", type=int, default=3, help="runs of each (median shown)")
    parser.add_argument("--keys", type=int, default=30, help="→ presses while tracing")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        long = str(write_long_scenario(Path(folder), args.steps, args.hidden))
        rows: dict[str, list[dict]] = {"default (5 tokens)": [], f"T = {args.steps:,}": []}
        for _ in range(args.runs):  # alternated: a busy machine weighs on both alike
            rows["default (5 tokens)"].append(run(None, args.keys))
            rows[f"T = {args.steps:,}"].append(run(long, args.keys))
    print(
        f"the app at 120x40; long: 2-layer bidirectional float32 LSTM, H = {args.hidden}; "
        f"median run of {args.runs} by first frame"
    )
    print(
        f"{'scenario':<20} {'first frame s':>13} {'whole s':>8} {'peak RSS MiB':>13}"
        f"  {'keys while tracing':>18}  key ms p50 / p90 / max"
    )
    firsts = {}
    for label, runs in rows.items():
        median = sorted(runs, key=lambda r: r["first"])[len(runs) // 2]
        firsts[label] = median["first"]
        keys = [ms for r in runs for ms in r["keys"]]
        print(
            f"{label:<20} {median['first']:>13.2f} {median['whole']:>8.2f} "
            f"{median['peak_mib']:>13.0f}  {len(keys):>18}  {quantiles(keys)}"
        )
    default, long_first = firsts.values()
    print(f"first frame, long - default: {long_first - default:+.2f} s (target: <= 1 s)")


if __name__ == "__main__":
    main()
