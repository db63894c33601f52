"""Rich renderables for rnn-tui: heatmaps, colour scales, legends, the token strip and
the tutorial's notation. Never imports textual: any Rich console can draw these.

Names are loaded on first use, so `python -m rnn_tui.render.heatmap` (each module's
demo) runs its module only once."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .figure import Figure
    from .heatmap import Heatmap, Legend
    from .palette import DIVERGING, SEQUENTIAL, ColorScale, Palette, format_value
    from .tokens import TokenStrip

_HOMES = {
    "Figure": "figure",
    "Heatmap": "heatmap",
    "Legend": "heatmap",
    "DIVERGING": "palette",
    "SEQUENTIAL": "palette",
    "ColorScale": "palette",
    "Palette": "palette",
    "format_value": "palette",
    "TokenStrip": "tokens",
}

__all__ = [
    "DIVERGING",
    "SEQUENTIAL",
    "ColorScale",
    "Figure",
    "Heatmap",
    "Legend",
    "Palette",
    "TokenStrip",
    "format_value",
]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
