"""Fixtures shared by the app tests: the interface in Chinese, and the screen as drawn;
and syrupy's check that no snapshot is left unused, made so that it holds under
pytest-xdist too."""

from __future__ import annotations

import asyncio
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from rich.cells import cell_len

from rnn_tui.i18n import set_language

SVG = "{http://www.w3.org/2000/svg}"
SNAPSHOTS = Path(__file__).with_name("__snapshots__")
UNUSED_SNAPSHOTS = pytest.StashKey[dict[str, list[str]]]()
_deselected: set[str] = set()  # node ids


def pytest_deselected(items):
    _deselected.update(item.nodeid for item in items)


@pytest.hookimpl(trylast=True)  # after -k, -m and --deselect
def pytest_collection_modifyitems(config, items):
    """syrupy fails a run that leaves a snapshot file unused (a test renamed or removed),
    but not under pytest-xdist, where each worker runs a part. The same check, on what
    was collected: for each module whose tests were all collected and selected, every
    __snapshots__/MODULE/*.svg is named after one of its snap_compare tests; if not, the
    module's first snapshot test fails naming the others (fixture no_unused_snapshots)."""
    narrowed = {Path(arg.split("::")[0]).resolve() for arg in config.args if "::" in arg}
    modules: dict[Path, list] = {}
    for item in items:
        if "snap_compare" in getattr(item, "fixturenames", ()):
            modules.setdefault(item.path, []).append(item)
    unused = {}
    for path, tests in modules.items():
        prefix = tests[0].nodeid.split("::")[0] + "::"
        if path in narrowed or any(node.startswith(prefix) for node in _deselected):
            continue
        names = {test.name for test in tests}  # a second snapshot of a test: NAME.1.svg
        stale = [p.name for p in sorted((SNAPSHOTS / path.stem).glob("*.svg"))
                 if p.stem not in names and p.stem.rpartition(".")[0] not in names]  # fmt: skip
        if stale:
            unused[tests[0].nodeid] = stale
    config.stash[UNUSED_SNAPSHOTS] = unused


@pytest.fixture(autouse=True)
def no_unused_snapshots(request):
    stale = request.config.stash.get(UNUSED_SNAPSHOTS, {}).get(request.node.nodeid)
    if stale:
        pytest.fail(
            f"snapshots no test of this module uses: {', '.join(stale)} (in "
            f"{SNAPSHOTS.name}/{request.node.path.stem}/): delete them, or rename them "
            "after the test that draws them",
            pytrace=False,
        )


def screen_cells(app) -> list[list[str]]:
    """The screen as drawn, one list of cells a line (a wide character fills two: the
    character, then ""), dialogs over the app included. Read back from the SVG of
    App.export_screenshot (Textual's public way to the composited screen): Rich writes
    each run of text as a <text> on the line its clip path names, at x = column ×
    char_width, and leaves blank runs out. A run that starts left of where the one
    before it ended, or ends past the screen, is a broken line: an AssertionError."""
    width, height = app.size
    svg = app.export_screenshot()
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as error:  # a raw control character reached the screen
        raise AssertionError(f"the screenshot is not XML: {error}") from None
    line_0 = next(c[0] for c in root.iter(f"{SVG}clipPath") if c.get("id", "").endswith("-line-0"))
    char_width = float(line_0.get("width", 0)) / width
    lines = [[" "] * width for _ in range(height)]
    ends = [0] * height
    for text in root.iter(f"{SVG}text"):
        line = re.search(r"-line-(\d+)\)$", text.get("clip-path", ""))
        if line is None:  # the window's title
            continue
        y, x = int(line[1]), round(float(text.get("x", 0)) / char_width)
        run = (text.text or "").replace("\xa0", " ").replace("\n", "")
        if not run:
            continue
        assert x >= ends[y], f"line {y}: {run!r} drawn over the text before it"
        for char in run:
            cells = cell_len(char)
            if cells == 0:  # a combining mark: on the character before it
                lines[y][x - 1] += char
                continue
            assert x + cells <= width, f"line {y} runs past the screen: {run!r}"
            lines[y][x : x + cells] = [char] + [""] * (cells - 1)
            x += cells
        ends[y] = x
    return lines


def screen_lines(app) -> list[str]:
    """Every line of the screen as drawn, each the width of the screen in cells."""
    return ["".join(line) for line in screen_cells(app)]


@pytest.fixture(name="screen_text")
def screen_text_fixture():
    """screen_text(app): the screen as drawn (see screen_cells), its lines joined."""
    return lambda app: "\n".join(screen_lines(app))


@pytest.fixture(name="screen_cells")
def screen_cells_fixture():
    """screen_cells(app): the screen as drawn, cell by cell (see screen_cells)."""
    return screen_cells


@pytest.fixture(name="screen_lines")
def screen_lines_fixture():
    """screen_lines(app): every line of the screen as drawn (see screen_cells)."""
    return screen_lines


@pytest.fixture
def zh():
    """The interface in Chinese for one test, English again after it."""
    set_language("zh")
    try:
        yield
    finally:
        set_language("en")


async def wait_until(condition, seconds: float = 60.0) -> None:
    """Wait until condition() holds, failing after `seconds`: without Pilot's pause,
    which waits for an idle CPU that a trace computed in a thread does not give."""
    start = time.perf_counter()
    while not condition():
        assert time.perf_counter() - start < seconds, "waited too long"
        await asyncio.sleep(0.01)


@pytest.fixture(name="until")
def until_fixture():
    """until(condition, seconds=60): see wait_until."""
    return wait_until


LONG_WORDS = "a b c d e f g h i j k l m n o p".split()


def write_long_scenario(path: Path, steps: int, hidden: int = 32) -> Path:
    """A two-layer bidirectional float32 LSTM with `hidden` units reading `steps` random
    words of 16 (one-hot), an output of size 3: issue 16's long scenario at 100,000
    steps and H = 256."""
    rng = np.random.default_rng(1)
    words = ", ".join(f'"{w}"' for w in rng.choice(LONG_WORDS, steps))
    vocab = ", ".join(f'"{w}"' for w in LONG_WORDS)
    model = f'cell = "lstm"\nhidden_size = {hidden}\nnum_layers = 2\nbidirectional = true'
    path.write_text(
        f'title = "A long sequence"\n[model]\n{model}\ndtype = "float32"\n'
        f"[weights]\nseed = 4\n[input]\nvocab = [{vocab}]\ntokens = [{words}]\n"
        "[output]\nsize = 3\n"
    )
    return path


@pytest.fixture(name="long_toml", scope="session")
def long_toml_fixture():
    """long_toml(path, steps, hidden=32): see write_long_scenario."""
    return write_long_scenario
