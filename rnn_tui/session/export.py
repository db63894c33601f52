"""asciicast v2 files from a session's frames (no textual here: the frames come in as
ANSI text, rendered by rnn_tui.ui.replay.render_frames).

The frames are the app's own rendering of text that was made visible where it entered
(the scenario loader, the session reader): the only escape sequences in them are the
screen's colours and cursor moves. The file is written atomically, never onto the
session or another input of the export."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from pathlib import Path

from .. import __version__
from ..files import check_target, write_atomic
from ..i18n import _
from ..text import visible
from .format import COLUMNS, ROWS, SessionError

CLEAR = "\x1b[H\x1b[2J"
"""Cursor home and clear the screen: what each frame starts with."""

MAX_EXPORT_CELLS = 10_000_000
"""Frames × columns × rows an export renders at most (e.g. 5,200 frames at 80x24, 2,000
at 120x40): each cell is rendered and kept as ANSI text until the file is written."""


def cast_header(width: int, height: int, title: str = "") -> dict:
    """An asciicast v2 header."""
    header: dict = {
        "version": 2,
        "width": width,
        "height": height,
        "timestamp": int(time.time()),
        "env": {"TERM": "xterm-256color", "SHELL": "/bin/sh"},
    }
    if title:
        header["title"] = visible(title)
    return header


def parse_size(text: str) -> tuple[int, int]:
    """ "COLSxROWS" -> (columns, rows), within the sizes a session may name
    (COLUMNS, ROWS); a SessionError with the message to show otherwise."""
    cols, _x, rows = text.strip().lower().partition("x")
    if (
        cols.isascii()
        and cols.isdigit()
        and rows.isascii()
        and rows.isdigit()
        and len(cols) <= 6
        and len(rows) <= 6
        and COLUMNS[0] <= int(cols) <= COLUMNS[1]
        and ROWS[0] <= int(rows) <= ROWS[1]
    ):
        return int(cols), int(rows)
    raise SessionError(
        _("--size {size}: expected COLSxROWS from {low} to {high}, e.g. 120x40").format(
            size=visible(text)[:40],
            low=f"{COLUMNS[0]}x{ROWS[0]}",
            high=f"{COLUMNS[1]}x{ROWS[1]}",
        )
    )


MAX_EXPORT_FRAMES = 1000
"""Frames an export renders at once (about 10 s for a cast, 20 s for SVGs on one core);
a longer session is exported in parts with --actions A-B."""


def parse_actions(text: str, count: int) -> range:
    """ "A-B" (or "A") -> the 0-based indexes of recorded actions A to B (1-based,
    inclusive) of a session with `count` actions; a SessionError with the message to
    show otherwise."""
    first, dash, last = text.strip().partition("-")
    bounds = [first, last if dash else first]
    if all(b.isascii() and b.isdigit() and len(b) <= 9 for b in bounds):
        a, b = int(bounds[0]), int(bounds[1])
        if 1 <= a <= b <= max(count, 1):
            return range(a - 1, b)
    raise SessionError(
        _(
            "--actions {actions}: expected A-B with 1 ≤ A ≤ B ≤ {count} (the session's actions)"
        ).format(actions=visible(text)[:40], count=max(count, 1))
    )


def check_export_size(frames: int, width: int, height: int) -> None:
    """SessionError when rendering `frames` frames of width × height would pass
    MAX_EXPORT_FRAMES or MAX_EXPORT_CELLS (or the size is outside COLUMNS × ROWS)."""
    if not (COLUMNS[0] <= width <= COLUMNS[1] and ROWS[0] <= height <= ROWS[1]):
        raise SessionError(
            _("{width}x{height}: an export renders from {low} to {high}").format(
                width=width,
                height=height,
                low=f"{COLUMNS[0]}x{ROWS[0]}",
                high=f"{COLUMNS[1]}x{ROWS[1]}",
            )
        )
    if frames > MAX_EXPORT_FRAMES:
        raise SessionError(
            _(
                "{frames:,} frames are more than an export renders at once ({limit:,}); "
                "export the session in parts with --actions A-B, e.g. --actions 1-{limit}"
            ).format(frames=frames, limit=MAX_EXPORT_FRAMES)
        )
    if frames * width * height > MAX_EXPORT_CELLS:
        raise SessionError(
            _(
                "{frames:,} frames at {width}x{height} are more than an export renders "
                "({limit:,} cells); choose a smaller --size"
            ).format(frames=frames, width=width, height=height, limit=MAX_EXPORT_CELLS)
        )


def write_cast(
    path: Path,
    frames: Iterable[tuple[float, str]],
    *,
    width: int,
    height: int,
    title: str = "",
    inputs: Iterable[Path] = (),
) -> int:
    """Write `frames` ((seconds, ANSI text) each) as an asciicast v2 file, one "o" event a
    frame, with timestamps made monotonic; returns the number of frames. Written with
    rnn_tui.files.write_atomic: refused (WriteRefused) onto any of `inputs` (the session
    and its weights files), and an old file stays whole if the write fails."""
    path = Path(path)
    inputs = list(inputs)
    check_target(path, inputs=inputs)  # before rendering anything into memory
    count, last = 0, 0.0
    header = cast_header(width, height, title or f"rnn-tui {__version__}")
    lines = [(json.dumps(header, ensure_ascii=False) + "\n").encode("utf-8", "replace")]
    for seconds, text in frames:
        last = max(last, round(float(seconds), 6))
        event = json.dumps([last, "o", CLEAR + text], ensure_ascii=False)
        lines.append((event + "\n").encode("utf-8", "replace"))
        count += 1
    write_atomic(path, b"".join(lines), inputs=inputs)
    return count
