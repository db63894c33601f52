"""Saving the screen as an SVG file, under a generated name in one known folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..files import numbered_name, reason, safe_stem, save_new
from ..i18n import _
from ..text import visible


def save_screenshot(app: Any, folder: Path) -> Path | None:
    """Write `app`'s screen into `folder` as SCENARIO-001.svg, -002, … (the first number
    free: an existing file is never replaced), atomically, and say where; None (said too)
    when the write fails. No name or folder ever comes from an action string; the name's
    stem is the scenario's name with anything but ASCII letters, digits, - and _ dropped."""
    name_for = numbered_name(safe_stem(app.scenario.name), ".svg")
    try:
        saved = save_new(folder, name_for, app.export_screenshot())
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
