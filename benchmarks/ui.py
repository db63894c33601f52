"""Keypress to repaint: how long the app takes from a key to the finished frame.

    python benchmarks/ui.py [--size 120x40] [--rounds 2] [--scenario NAME ...]

Runs the real app (not headless) on each built-in scenario at 120×40 with a driver
that renders every frame into terminal escape codes, as it would for a terminal, but
throws them away instead of writing them (so a slow terminal does not count). For
each key it posts the key event to the app the way a terminal driver does and records
when the compositor's last write for that key ends (when the app is idle again): the
time from posting the key to the end of the repaint. Pilot's waits between keys do
not count (the times are timestamps taken in the driver).

The keys: → to the end and ← back (stepping), and for each view 2-5 a few steps
more, ] to select units, d and ↑ where the network has them. Prints the median and
the 90th percentile per scenario and overall; the target is a median <= 20 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual import events  # noqa: E402
from textual.drivers.headless_driver import HeadlessDriver  # noqa: E402

from rnn_tui.scenario import builtin_names, load_scenario  # noqa: E402
from rnn_tui.ui.app import RnnTuiApp  # noqa: E402

TARGET_MS = 20.0


class RenderingDriver(HeadlessDriver):
    """A driver that makes the app render each frame to escape codes (it is not
    headless) and drops them, noting when each write ends."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.writes: list[float] = []  # when each write ended
        self.bytes = 0

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        self.bytes += len(data)
        self.writes.append(time.perf_counter())

    def flush(self) -> None:
        pass


def keys_for(app: RnnTuiApp) -> list[str]:
    """A tour of the app: step through time, the views, units, direction, layers."""
    steps = min(app.stage.steps - 1, 12)
    keys = ["right"] * steps + ["left"] * steps
    for view in ("2", "3", "4", "5"):
        keys += [view, "right", "right", "left", "left"]
    keys += ["1", "right_square_bracket", "right_square_bracket", "left_square_bracket"]
    if app.stage.bidirectional:
        keys += ["d", "right", "d", "right", "d"]
    if app.stage.num_layers > 1:
        keys += ["up", "right", "down"]
    return keys


async def measure(name: str, size: tuple[int, int], rounds: int) -> list[float]:
    """Keypress-to-repaint times (ms) of the tour on one scenario."""
    times: list[float] = []
    app = RnnTuiApp(load_scenario(name), driver_class=RenderingDriver)

    async def tour(pilot) -> None:
        driver = app._driver
        assert isinstance(driver, RenderingDriver)
        await pilot.pause()
        for _ in range(rounds):
            for key in keys_for(app):
                driver.writes = []
                start = time.perf_counter()
                event = events.Key(key, None)
                event.set_sender(app)
                driver.send_message(event)  # as the terminal driver does for a key
                await pilot.pause()  # until the app is idle: the frame is written
                await app._animator.wait_until_complete()
                if driver.writes:
                    times.append((driver.writes[-1] - start) * 1000)
        app.exit()

    await app.run_async(headless=False, size=size, auto_pilot=tour)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="120x40", help="columns x rows (default 120x40)")
    parser.add_argument("--rounds", type=int, default=2, help="tours per scenario (default 2)")
    parser.add_argument("--scenario", nargs="*", help="built-in names (default: all)")
    args = parser.parse_args()
    width, height = (int(x) for x in args.size.split("x"))
    names = args.scenario or builtin_names()
    everything: list[float] = []
    print(f"keypress to repaint at {width}x{height}, driver level, ms")
    print(f"{'scenario':<16} {'keys':>5} {'median':>7} {'p90':>7} {'max':>7}")
    for name in names:
        times = asyncio.run(measure(name, (width, height), args.rounds))
        everything += times
        p90 = statistics.quantiles(times, n=10)[-1] if len(times) > 1 else times[0]
        print(
            f"{name:<16} {len(times):>5} {statistics.median(times):>7.1f} {p90:>7.1f} "
            f"{max(times):>7.1f}"
        )
    median = statistics.median(everything)
    p90 = statistics.quantiles(everything, n=10)[-1]
    print(f"{'all':<16} {len(everything):>5} {median:>7.1f} {p90:>7.1f} {max(everything):>7.1f}")
    verdict = "meets" if median <= TARGET_MS else "misses"
    print(f"median {median:.1f} ms {verdict} the target of <= {TARGET_MS:g} ms")


if __name__ == "__main__":
    main()
