"""Replaying a session's model changes without a screen, and checking every state hash."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..i18n import _
from ..scenario import Scenario
from .format import Session, SessionError, line_of, restore_scenario
from .state import state_hash


def apply_change(
    scenario: Scenario, change: dict | None, where: str, base: Path | None = None
) -> Scenario:
    """The scenario after a recorded change: {"cell": ...}, {"merge": ...} (fresh seeded
    weights, as in the app), {"tokens": [...]}, {"sequence": name}, or a whole
    {"scenario": record} (a file opened, or weights trained)."""
    if not change:
        return scenario
    if not isinstance(change, dict):
        raise SessionError(f"{where}: " + _("change is not an object"))
    try:
        if "scenario" in change:
            return restore_scenario(change["scenario"], where, base)
        if "cell" in change or "merge" in change:
            return scenario.with_network(**{k: change[k] for k in ("cell", "merge") if k in change})
        if "tokens" in change:
            return scenario.with_tokens(list(change["tokens"]))
        if "sequence" in change:
            return scenario.select(change["sequence"])
    except (KeyError, ValueError, TypeError) as e:
        raise SessionError(
            f"{where}: " + _("change cannot be applied ({reason})").format(reason=e)
        ) from None
    raise SessionError(f"{where}: " + _("unknown change {keys}").format(keys=sorted(change)))


@dataclass
class CheckResult:
    """The outcome of `replay --check`: lines checked, and the first that differs."""

    checked: int
    failed_line: int | None = None
    reason: str = ""


def check_session(session: Session) -> CheckResult:
    """Recompute every state the session showed; stop at the first that differs."""
    where = line_of(session.path, 1)
    base = session.path.parent
    scenario = restore_scenario(session.header.get("scenario") or {}, where, base)
    trace = scenario.trace()
    checked = 0
    for action in session.actions:
        where = line_of(session.path, action.line)
        if action.change:
            scenario = apply_change(scenario, action.change, where, base)
            trace = scenario.trace()
        try:
            digest = state_hash(trace, action.view)
        except ValueError as e:
            reason = _("the recorded view does not fit: {reason}").format(reason=e)
            return CheckResult(checked, action.line, reason)
        if digest != action.state:
            return CheckResult(
                checked, action.line,
                _("state differs after {action} (key {key}): recorded {recorded}…, "
                  "recomputed {recomputed}…").format(
                    action=repr(action.action), key=action.key,
                    recorded=action.state[:12], recomputed=digest[:12],
                ),
            )  # fmt: skip
        checked += 1
    return CheckResult(checked)
