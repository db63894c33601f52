"""The scenario shown at each line of a session, for replaying it (no textual here)."""

from __future__ import annotations

from typing import Any

from ..i18n import _
from .format import Session, SessionError, line_of, restore_scenario
from .verify import apply_change, change_cost, over_budget

MAX_KEPT_VALUES = 32 * 1024 * 1024
"""The numbers a replay keeps in memory for the scenarios of all its lines (each model
change keeps one more): 256 MB of float64."""


def _values(scenario: Any) -> int:
    count = sum(int(a.size) for a in scenario.network.params.values())
    count += int(scenario.inputs.size)
    if scenario.embedding is not None:
        count += int(scenario.embedding.size)
    return count


def scenarios_of(session: Session) -> tuple[Any, list[Any]]:
    """The header's scenario, and the scenario after each action (the same object while
    nothing changes). Raises SessionError naming the line of a change that cannot apply,
    or from which the scenarios kept would pass MAX_KEPT_VALUES numbers."""
    base = session.path.parent
    scenario = restore_scenario(session.header.get("scenario"), line_of(session.path, 1), base)
    first, out = scenario, []
    kept, work = _values(scenario), 0
    for action in session.actions:
        if action.change:
            where = line_of(session.path, action.line)
            scenario = apply_change(scenario, action.change, where, base)
            work += change_cost(scenario)
            error = over_budget(work, where)
            if error is not None:
                raise error
            kept += _values(scenario)
            if kept > MAX_KEPT_VALUES:
                raise SessionError(
                    f"{where}: "
                    + _(
                        "replaying needs more than {limit:,} numbers in memory (too many "
                        "model changes of this size)"
                    ).format(limit=MAX_KEPT_VALUES)
                )
        out.append(scenario)
    return first, out


def delays(session: Session, speed: float) -> list[float]:
    """Seconds to wait before each action when played at `speed` times the recorded pace."""
    out, before = [], 0.0
    for action in session.actions:
        out.append(max(0.0, action.time - before) / speed)
        before = action.time
    return out
