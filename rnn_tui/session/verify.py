"""Replaying a session's model changes without a screen, and checking every state hash."""

from __future__ import annotations

from dataclasses import dataclass

from ..scenario import Scenario
from .format import Session, SessionError, restore_scenario
from .state import state_hash


def apply_change(scenario: Scenario, change: dict | None, where: str) -> Scenario:
    """The scenario after a recorded change: {"cell": ...}, {"merge": ...} (fresh seeded
    weights, as in the app), {"tokens": [...]}, {"sequence": name}, or a whole
    {"scenario": record} (a file opened, or weights trained)."""
    if not change:
        return scenario
    if not isinstance(change, dict):
        raise SessionError(f"{where}: change is not an object")
    try:
        if "scenario" in change:
            return restore_scenario(change["scenario"], where)
        if "cell" in change or "merge" in change:
            return scenario.with_network(**{k: change[k] for k in ("cell", "merge") if k in change})
        if "tokens" in change:
            return scenario.with_tokens(list(change["tokens"]))
        if "sequence" in change:
            return scenario.select(change["sequence"])
    except (KeyError, ValueError, TypeError) as e:
        raise SessionError(f"{where}: change cannot be applied ({e})") from None
    raise SessionError(f"{where}: unknown change {sorted(change)}")


@dataclass
class CheckResult:
    """The outcome of `replay --check`: lines checked, and the first that differs."""

    checked: int
    failed_line: int | None = None
    reason: str = ""


def check_session(session: Session) -> CheckResult:
    """Recompute every state the session showed; stop at the first that differs."""
    where = f"{session.path}: line 1"
    scenario = restore_scenario(session.header.get("scenario") or {}, where)
    trace = scenario.trace()
    checked = 0
    for action in session.actions:
        where = f"{session.path}: line {action.line}"
        if action.change:
            scenario = apply_change(scenario, action.change, where)
            trace = scenario.trace()
        try:
            digest = state_hash(trace, action.view)
        except ValueError as e:
            return CheckResult(checked, action.line, f"the recorded view does not fit: {e}")
        if digest != action.state:
            return CheckResult(
                checked, action.line,
                f"state differs after {action.action!r} (key {action.key}): recorded "
                f"{action.state[:12]}…, recomputed {digest[:12]}…",
            )  # fmt: skip
        checked += 1
    return CheckResult(checked)
