"""The Textual app of rnn-tui: screens, widgets, stylesheet. Build it with make_app.

The app is loaded on first use; what the screen shows, without textual, is in
`rnn_tui.present` (the view position, the stage, the panes)."""

from __future__ import annotations

import gc
import sys
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import RnnTuiApp, make_app

__all__ = ["RnnTuiApp", "make_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        if f"{__name__}.app" not in sys.modules:
            _load_app()
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _load_app() -> None:
    """Import the app (textual, numpy, the engine, the widgets) with the cyclic garbage
    collector paused, then freeze what it loaded. Those ~40,000 objects live as long as
    the process; collecting them as they came, then once more in full before the first
    frame, was ~40 ms of the start-up (issue 7) and found a few hundred garbage objects."""
    if not gc.isenabled():  # the host paused it: leave its settings alone
        import_module(f"{__name__}.app")
        return
    gc.disable()
    try:
        import_module(f"{__name__}.app")
    finally:
        gc.freeze()
        gc.enable()
