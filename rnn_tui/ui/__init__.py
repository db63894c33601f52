"""The Textual app of rnn-tui: screens, widgets, stylesheet. Build it with make_app."""

from .app import RnnTuiApp, make_app

__all__ = ["RnnTuiApp", "make_app"]
