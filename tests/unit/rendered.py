"""Renderables as plain text, for the unit tests: no colour, no terminal."""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment


def mono(renderable, width: int) -> str:
    """What print() writes at `width` without colour (cropped to the width)."""
    console = Console(
        width=width, color_system=None, force_terminal=False, legacy_windows=False, _environ={}
    )
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def raw(renderable, width: int) -> list[str]:
    """The lines as the renderable yields them, not cropped to the width (as print does)."""
    console = Console(width=width, color_system=None, _environ={})
    segments = console.render(renderable, console.options.update_width(width))
    return ["".join(segment.text for segment in line) for line in Segment.split_lines(segments)]
