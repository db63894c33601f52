"""The scenario shown at each line of a session, for replaying it (no textual here)."""

from __future__ import annotations

from typing import Any

from .format import Session, line_of, restore_scenario
from .verify import apply_change


def scenarios_of(session: Session) -> tuple[Any, list[Any]]:
    """The header's scenario, and the scenario after each action (the same object while
    nothing changes). Raises SessionError naming the line of a change that cannot apply."""
    base = session.path.parent
    scenario = restore_scenario(
        session.header.get("scenario") or {}, line_of(session.path, 1), base
    )
    first, out = scenario, []
    for action in session.actions:
        if action.change:
            where = line_of(session.path, action.line)
            scenario = apply_change(scenario, action.change, where, base)
        out.append(scenario)
    return first, out


def delays(session: Session, speed: float) -> list[float]:
    """Seconds to wait before each action when played at `speed` times the recorded pace."""
    out, before = [], 0.0
    for action in session.actions:
        out.append(max(0.0, action.time - before) / speed)
        before = action.time
    return out
