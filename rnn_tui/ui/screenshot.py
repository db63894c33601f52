"""Saving the screen as an SVG file, under a generated name in one known folder."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from ..files import new_path, reason, write_atomic
from ..i18n import _
from ..text import visible


def save_screenshot(app: Any, folder: Path) -> Path | None:
    """Write `app`'s screen into `folder` as rnn-tui-screenshot-DATE-TIME.svg (-2, -3, …
    for more than one a second), atomically, and say where; None (said too) when the
    write fails. No name or folder ever comes from an action string or a file."""
    stem = time.strftime("rnn-tui-screenshot-%Y%m%d-%H%M%S")
    try:
        saved = write_atomic(new_path(folder, stem, ".svg"), app.export_screenshot())
    except OSError as e:
        app.say(
            _("Could not save the screenshot: {reason}").format(reason=visible(reason(e))),
            severity="error",
            timeout=6,
        )
        return None
    app.last_screenshot = saved
    app.say(
        _("Screenshot saved to {path}").format(path=visible(str(saved.resolve()))),
        title=_("screenshot"),
        timeout=6,
    )
    return saved
