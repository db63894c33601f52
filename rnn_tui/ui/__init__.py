"""The Textual app of rnn-tui: screens, widgets, stylesheet. Build it with make_app.

The app is loaded on first use, so the display logic beside it (`view`, `panes`,
`numbers`: what the screen shows, without textual) can be imported on its own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import RnnTuiApp, make_app

__all__ = ["RnnTuiApp", "make_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
