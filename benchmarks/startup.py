"""Start-up: time to the first frame of rnn-tui's default scenario against a minimal
Textual app, side by side, each in a fresh interpreter.

    python benchmarks/startup.py [--runs 7]

Each run starts `python -c ...` that imports and runs the app headless at 120×40
with an auto-pilot that exits as soon as the first frame is ready; the wall time
of the whole process (interpreter start, imports, the scenario's trace, compose,
first refresh) is measured. Prints the medians and their ratio.

Both run with bytecode caching on, as an installed package has it: textual and numpy
come byte-compiled from their wheels, and with PYTHONDONTWRITEBYTECODE set an editable
checkout of rnn-tui would otherwise be compiled from source at every start. The
warm-up run writes rnn_tui's __pycache__ (ignored by git).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

MINIMAL = """
from textual.app import App
from textual.widgets import Footer, Header, Static

class Minimal(App):
    def compose(self):
        yield Header()
        yield Static("hello")
        yield Footer()

async def first_frame(pilot):
    await pilot.pause()
    pilot.app.exit()

Minimal().run(headless=True, size=(120, 40), auto_pilot=first_frame)
"""

RNN_TUI = """
from rnn_tui.ui import make_app

async def first_frame(pilot):
    await pilot.pause()
    pilot.app.exit()

make_app().run(headless=True, size=(120, 40), auto_pilot=first_frame)
"""


def wall_time(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=ENV)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    wall_time(MINIMAL), wall_time(RNN_TUI)  # warm the file cache
    minimal, ours = [], []
    for _ in range(args.runs):  # interleaved, so both see the same machine
        minimal.append(wall_time(MINIMAL))
        ours.append(wall_time(RNN_TUI))
    a, b = statistics.median(minimal), statistics.median(ours)
    print(f"minimal Textual app, first frame: {a * 1e3:7.0f} ms (median of {args.runs})")
    print(f"rnn-tui (intent),    first frame: {b * 1e3:7.0f} ms (median of {args.runs})")
    print(f"ratio rnn-tui / minimal: {b / a:.3f}  (target <= 1.2, issue 16; was 1.5)")


if __name__ == "__main__":
    main()
