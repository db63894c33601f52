"""Key to frame: how long the app takes from a key to the finished frame.

    python benchmarks/ui.py [--size 120x40 160x48] [--rounds 2] [--scenario NAME ...]
                            [--gap 20] [--kinds]

Runs the real app (not headless) on each built-in scenario (`rnn-tui list`) at each
size with a driver that renders every frame into terminal escape codes, as it would
for a terminal, but throws them away instead of writing them (so a slow terminal does
not count). For each key it posts the key event to the app the way a terminal driver
does and records when the compositor's last write for that key ends (when the app is
idle again): the time from posting the key to the end of the frame, in wall time and
in the process's CPU time (which other processes on a shared machine do not inflate).
Pilot's waits between keys do not count (the times are timestamps taken in the
driver).

Each scenario runs at each size in a fresh interpreter that loads the app as the
program does (rnn_tui.ui: its import frozen for the garbage collector), so one
scenario's garbage does not slow the next. Between keys it waits `--gap` ms after the
frame (default 20, longer than Textual's 60 Hz frame clock, as from a person or a key
held down at ~30/s): a key that comes sooner waits for the next tick of that clock, not
for our code.

The keys (`keys_for`): → to the end of the first 12 steps and ← back; `end` (the last
step: where a many-to-one output appears), ← and → onto it again, `home`; each view
1-6 with a step either way; ] ] [ (units); d three times with steps (two-way networks);
↑ → ↓ (stacks). Prints p50, p90 and max in ms per scenario and size, and, with
--kinds, per kind of key; the target is a p90 <= 20 ms and a max <= 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import rnn_tui.ui  # noqa: E402, F401  (before textual: its frame rate, as rnn-tui runs)

# isort: split
from textual import events  # noqa: E402
from textual.drivers.headless_driver import HeadlessDriver  # noqa: E402

P90_TARGET_MS = 20.0
MAX_TARGET_MS = 50.0
SIZES = ("120x40", "160x48")
KINDS = ("step", "last", "view", "unit", "direction", "layer")
"""The kinds of key: a step, the step onto the end of a many-to-one reading (where its
output appears), a view 1-6, a unit [ ], the direction d, a layer ↑ ↓."""


class RenderingDriver(HeadlessDriver):
    """A driver that makes the app render each frame to escape codes (it is not
    headless) and drops them, noting when each write ends (wall and CPU time)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.writes: list[float] = []  # when each write ended
        self.cpu: list[float] = []  # the process's CPU time then
        self.bytes = 0

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        self.bytes += len(data)
        self.writes.append(time.perf_counter())
        self.cpu.append(time.process_time())

    def flush(self) -> None:
        pass


def keys_for(app) -> list[tuple[str, str]]:
    """A tour of the app, (key, kind): time, the end of the reading, the views, units,
    direction, layers."""
    steps = min(app.stage.steps - 1, 12)
    last = "last" if app.stage.network.readout == "last" else "step"
    keys = [("right", "step")] * steps + [("left", "step")] * steps
    keys += [("end", last), ("left", "step"), ("right", last), ("home", "step")]
    for view in ("2", "3", "4", "5", "6"):
        keys += [(view, "view"), ("right", "step"), ("left", "step")]
    keys += [("1", "view")]
    keys += [("right_square_bracket", "unit")] * 2 + [("left_square_bracket", "unit")]
    if app.stage.bidirectional:
        keys += [("d", "direction"), ("right", "step"), ("d", "direction")]
        keys += [("right", "step"), ("d", "direction")]
    if app.stage.num_layers > 1:
        keys += [("up", "layer"), ("right", "step"), ("down", "layer")]
    return keys


async def measure(name: str, size: tuple[int, int], rounds: int, gap: float) -> list[dict]:
    """Key-to-frame times of the tour on one scenario: {key, kind, ms, cpu} per key."""
    from rnn_tui import ui
    from rnn_tui.scenario import load_scenario

    app = ui.RnnTuiApp(load_scenario(name), driver_class=RenderingDriver)
    out: list[dict] = []

    async def tour(pilot) -> None:
        driver = app._driver
        assert isinstance(driver, RenderingDriver)
        await pilot.pause()
        await app.workers.wait_for_complete()  # the start's measures, in threads
        await pilot.pause()
        await asyncio.sleep(gap)
        for _ in range(rounds):
            for key, kind in keys_for(app):
                driver.writes, driver.cpu = [], []
                start, cpu = time.perf_counter(), time.process_time()
                event = events.Key(key, None)
                event.set_sender(app)
                driver.send_message(event)  # as the terminal driver does for a key
                await pilot.pause()  # until the app is idle: the frame is written
                await app._animator.wait_until_complete()
                if driver.writes:
                    ms = (driver.writes[-1] - start) * 1000
                    cpu_ms = (driver.cpu[-1] - cpu) * 1000
                    out.append({"key": key, "kind": kind, "ms": ms, "cpu": cpu_ms})
                # a view's measures computed in a thread come later: not this key's frame
                await app.workers.wait_for_complete()
                await pilot.pause()
                await asyncio.sleep(gap)
        app.exit()

    await app.run_async(headless=False, size=size, auto_pilot=tour)
    return out


def quantiles(times: list[float]) -> tuple[float, float, float]:
    """p50, p90 and max of `times` (ms)."""
    if len(times) == 1:
        return times[0], times[0], times[0]
    p90 = statistics.quantiles(times, n=10, method="inclusive")[-1]
    return statistics.median(times), p90, max(times)


def run_one(name: str, size: str, rounds: int, gap_ms: float) -> list[dict]:
    """One scenario at one size, in a fresh interpreter."""
    command = [sys.executable, __file__, "--one", name, size, str(rounds), str(gap_ms)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{name} at {size} failed:\n{done.stderr}")
    times = json.loads(done.stdout.strip().splitlines()[-1])
    return [{**t, "scenario": name} for t in times]


def row(label: str, times: list[dict]) -> str:
    wall = quantiles([t["ms"] for t in times])
    cpu = quantiles([t["cpu"] for t in times])
    return (
        f"{label:<18} {len(times):>5} {wall[0]:>6.1f} {wall[1]:>6.1f} {wall[2]:>6.1f}"
        f"   {cpu[0]:>6.1f} {cpu[1]:>6.1f} {cpu[2]:>6.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", nargs="*", default=list(SIZES), help="COLSxROWS ...")
    parser.add_argument("--rounds", type=int, default=2, help="tours per scenario (default 2)")
    parser.add_argument("--scenario", nargs="*", help="built-in names (default: all)")
    parser.add_argument("--gap", type=float, default=20.0, help="ms between a frame and a key")
    parser.add_argument("--kinds", action="store_true", help="also a table per kind of key")
    parser.add_argument("--one", nargs=4, help=argparse.SUPPRESS)  # name size rounds gap
    args = parser.parse_args()
    if args.one:
        name, size, rounds, gap = args.one
        width, height = (int(x) for x in size.split("x"))
        times = asyncio.run(measure(name, (width, height), int(rounds), float(gap) / 1000))
        print(json.dumps(times))
        return
    from rnn_tui.scenario import builtin_names

    names = args.scenario or builtin_names()
    header = f"{'':<18}  keys    p50    p90    max   cpu p50    p90    max"
    verdicts = []
    for size in args.size:
        print(f"\nkey to frame at {size}, ms (wall; cpu: the process's CPU time)")
        print(header)
        everything: list[dict] = []
        for name in names:
            times = run_one(name, size, args.rounds, args.gap)
            everything += times
            print(row(name, times), flush=True)
        print(row("all", everything))
        if args.kinds:
            for kind in KINDS:
                chosen = [t for t in everything if t["kind"] == kind]
                if chosen:
                    print(row(f"  {kind}", chosen))
        _p50, p90, top = quantiles([t["ms"] for t in everything])
        slow = sorted(everything, key=lambda t: -t["ms"])[:3]
        print("slowest: " + ", ".join(f"{t['scenario']} {t['key']} {t['ms']:.0f}" for t in slow))
        met = p90 <= P90_TARGET_MS and top <= MAX_TARGET_MS
        verdicts.append(
            f"{size}: p90 {p90:.1f} ms, max {top:.1f} ms "
            f"{'meet' if met else 'miss'} the target (p90 <= {P90_TARGET_MS:g}, "
            f"max <= {MAX_TARGET_MS:g})"
        )
    print()
    print("\n".join(verdicts))


if __name__ == "__main__":
    main()
