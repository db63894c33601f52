"""asciicast v2 files from a session's frames (no textual here: the frames come in as
ANSI text, rendered by rnn_tui.ui.replay.render_frames)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from pathlib import Path

from .. import __version__

CLEAR = "\x1b[H\x1b[2J"
"""Cursor home and clear the screen: what each frame starts with."""


def cast_header(width: int, height: int, title: str = "") -> dict:
    """An asciicast v2 header."""
    header: dict = {
        "version": 2, "width": width, "height": height, "timestamp": int(time.time()),
        "env": {"TERM": "xterm-256color", "SHELL": "/bin/sh"},
    }  # fmt: skip
    if title:
        header["title"] = title
    return header


def write_cast(path: Path, frames: Iterable[tuple[float, str]], *, width: int, height: int,
               title: str = "") -> int:  # fmt: skip
    """Write `frames` ((seconds, ANSI text) each) as an asciicast v2 file, one "o" event a
    frame, with timestamps made monotonic; returns the number of frames."""
    count, last = 0, 0.0
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(cast_header(width, height, title or f"rnn-tui {__version__}")) + "\n")
        for seconds, text in frames:
            last = max(last, round(float(seconds), 6))
            f.write(json.dumps([last, "o", CLEAR + text], ensure_ascii=False) + "\n")
            count += 1
    return count
