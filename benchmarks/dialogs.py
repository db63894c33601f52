"""Key to painted dialog: how long each dialog takes to open, and to close again.

    python benchmarks/dialogs.py [--rounds 10] [--size 120x40 160x48] [--dialog help ...]

Runs the app through `app.run_test` with benchmarks/ui.py's RenderingDriver: every
frame is rendered into terminal escape codes, as for a terminal, and thrown away (so
a slow terminal does not count). For each dialog it posts its key the way a terminal
driver does, waits until the app is idle with the dialog on top, and takes the end of
the compositor's last write: the time from the key to the dialog's first whole frame,
in wall time and in the process's CPU time (which other processes on a shared machine
do not inflate). Then escape closes it, timed the same way. Each dialog is opened
`--rounds` times; the first opening pays for imports and the dialog's CSS too (it is
the max, more often than not).

The dialogs: ? help, g go to step, D description, ctrl+p command palette, o open a
scenario file, e edit the input sentence. Prints p50, p90 and max in ms per dialog and
size; the target (issue 16) is that each opens within 100 ms (wall time).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import rnn_tui.ui  # noqa: E402, F401  (before textual: its frame rate, as rnn-tui runs)

# isort: split
from textual import events  # noqa: E402
from ui import RenderingDriver  # noqa: E402

from rnn_tui.scenario import BUILTIN_DEFAULT, load_scenario  # noqa: E402
from rnn_tui.ui.app import RnnTuiApp  # noqa: E402

gc.freeze()  # as the program does after importing the app (rnn_tui.ui._load_app)

TARGET_MS = 100.0
DIALOGS = {  # name: (key, its character, the screen's class name)
    "help": ("question_mark", "?", "HelpScreen"),
    "jump": ("g", "g", "JumpScreen"),
    "description": ("D", "D", "DescriptionScreen"),
    "palette": ("ctrl+p", None, "CommandPalette"),
    "open": ("o", "o", "OpenScreen"),
    "edit": ("e", "e", "EditScreen"),
}


class TimingDriver(RenderingDriver):
    """benchmarks/ui.py's driver, noting the process's CPU time at each write too: on
    a shared machine the wall time counts other processes, the CPU time does not."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cpu: list[float] = []

    def write(self, data: str) -> None:
        super().write(data)
        self.cpu.append(time.process_time())


def quantiles(times: list[float]) -> tuple[float, float, float]:
    """p50, p90 and max of `times` (ms)."""
    p90 = statistics.quantiles(times, n=10, method="inclusive")[-1] if len(times) > 1 else times[0]
    return statistics.median(times), p90, max(times)


async def press(app: RnnTuiApp, pilot, key: str, character: str | None) -> tuple[float, float]:
    """Post `key` as a terminal driver does; the ms until the app, idle again, has
    written its last frame, in wall time and in the process's CPU time (0 when it
    wrote nothing)."""
    driver = app._driver
    assert isinstance(driver, TimingDriver)
    driver.writes, driver.cpu = [], []
    start, cpu = time.perf_counter(), time.process_time()
    event = events.Key(key, character)
    event.set_sender(app)
    driver.send_message(event)
    await pilot.pause()  # until the app is idle: the frame is written
    await app._animator.wait_until_complete()
    if not driver.writes:
        return 0.0, 0.0
    return (driver.writes[-1] - start) * 1000, (driver.cpu[-1] - cpu) * 1000


Times = dict[str, dict[str, list[float]]]
"""For each dialog: "open", "open cpu", "close" and "close cpu" times, ms."""


async def measure(scenario: str, size: tuple[int, int], dialogs: list[str], rounds: int) -> Times:
    """Each dialog opened and closed `rounds` times: the times of each."""
    app = RnnTuiApp(load_scenario(scenario), driver_class=TimingDriver)
    times: Times = {
        name: {kind: [] for kind in ("open", "open cpu", "close", "close cpu")} for name in dialogs
    }
    async with app.run_test(headless=False, size=size) as pilot:
        await pilot.pause()
        for name in dialogs:
            key, character, screen = DIALOGS[name]
            for _ in range(rounds):
                wall, cpu = await press(app, pilot, key, character)
                times[name]["open"].append(wall)
                times[name]["open cpu"].append(cpu)
                if type(app.screen).__name__ != screen:
                    raise SystemExit(f"{key} opened {type(app.screen).__name__}, not {screen}")
                wall, cpu = await press(app, pilot, "escape", None)
                times[name]["close"].append(wall)
                times[name]["close cpu"].append(cpu)
                if len(app.screen_stack) != 1:
                    raise SystemExit(f"escape left {type(app.screen).__name__} open")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", nargs="*", default=["120x40", "160x48"], help="COLSxROWS")
    parser.add_argument("--rounds", type=int, default=10, help="openings per dialog")
    parser.add_argument("--dialog", nargs="*", choices=list(DIALOGS), help="default: all")
    parser.add_argument("--scenario", default=BUILTIN_DEFAULT, help="a built-in name")
    args = parser.parse_args()
    dialogs = args.dialog or list(DIALOGS)
    kinds = ("open", "open cpu", "close")
    print(f"key to painted dialog, driver level, ms ({args.rounds} rounds, {args.scenario})")
    print(
        f"{'size':<8} {'dialog':<12}" + "".join(f" | {kind:<9} p50    p90    max" for kind in kinds)
    )
    verdicts = []
    for spec in args.size:
        width, height = (int(x) for x in spec.split("x"))
        gc.collect()  # the app before is garbage: not for this one's timings to collect
        times = asyncio.run(measure(args.scenario, (width, height), dialogs, args.rounds))
        for name, measured in times.items():
            row = f"{spec:<8} {name:<12}"
            for kind in kinds:
                row += " | {:>15.1f} {:>6.1f} {:>6.1f}".format(*quantiles(measured[kind]))
            print(row)
            verdicts.append((spec, name, quantiles(measured["open"])[1]))
    missed = [
        f"{name} at {spec} (p90 {p90:.1f} ms)" for spec, name, p90 in verdicts if p90 > TARGET_MS
    ]
    if missed:
        print(f"over the target of {TARGET_MS:g} ms: " + ", ".join(missed))
    else:
        print(f"every dialog opens within {TARGET_MS:g} ms (p90)")


if __name__ == "__main__":
    main()
