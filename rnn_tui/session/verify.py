"""Replaying a session's model changes without a screen, and checking every state hash.

A change is one of a closed set ({"cell"} / {"merge"} / both, {"tokens"}, {"sequence"},
{"scenario"}); nothing else in a session line acts, and a recorded scenario is
restored from the session's own folder only (format.restore_scenario)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..i18n import _
from ..scenario import Scenario
from .format import (
    Session,
    SessionError,
    _expected,
    _why,
    line_of,
    restore_scenario,
    with_recorded_tokens,
)
from .state import state_hash

MAX_REPLAY_WORK = 2_000_000_000
"""What replaying a session's model changes may cost, in numbers computed (each change
builds a network and traces it: about its parameters × (steps + 1)), so that a file of
thousands of changes to a big network is refused at once rather than run for hours."""
CHANGE_OVERHEAD = 100_000
"""The cost of a change however small its network (seeding, copying, hashing)."""

CHANGES = ({"cell"}, {"merge"}, {"cell", "merge"}, {"tokens"}, {"sequence"}, {"scenario"})
"""The keys a recorded change may have (one of these sets)."""


def apply_change(scenario: Scenario, change: Any, where: str, base: Path | None = None) -> Scenario:
    """The scenario after a recorded change: {"cell": ...}, {"merge": ...} (by
    Scenario.switch, as in the app), {"tokens": [...]}, {"sequence": name}, or a whole
    {"scenario": record} (a file opened, or weights trained), restored from `base`,
    the session's folder. Anything else is a SessionError naming `where`."""
    if not change:
        return scenario
    if not isinstance(change, dict):
        raise SessionError(f"{where}: " + _("change is not an object"))
    keys = set(change)
    if keys not in CHANGES:
        raise SessionError(
            f"{where}: " + _("unknown change {keys}").format(keys=_shown_keys(sorted(keys)))
        )
    if "scenario" in change:
        return restore_scenario(change["scenario"], where, base)
    if "tokens" in change:
        try:
            return with_recorded_tokens(scenario, change["tokens"], where)
        except ValueError as e:
            raise _cannot(where, e) from None
    if "sequence" in change:
        name = change["sequence"]
        if not isinstance(name, str):
            raise SessionError(f"{where}: " + _expected("sequence", _("a string"), name))
        if name not in scenario.sequences:
            raise _cannot(where, KeyError(name))
        try:
            return scenario.select(name)
        except ValueError as e:
            raise _cannot(where, e) from None
    from ..engine import CELLS, MERGES

    for key, allowed in (("cell", tuple(CELLS)), ("merge", MERGES)):
        if key in change and change[key] not in allowed:
            raise SessionError(f"{where}: " + _expected(key, " | ".join(allowed), change[key]))
    try:  # the app's own rule (Scenario.switch): the same weights, bit for bit
        return scenario.switch(cell=change.get("cell"), merge=change.get("merge")).scenario
    except (ValueError, TypeError) as e:
        raise _cannot(where, e) from None


def switch_change(replayed: Scenario, scenario: Scenario) -> tuple[dict, Scenario] | None:
    """The {"cell": ...} or {"merge": ...} change that apply_change turns `replayed` (the
    scenario a replay has at this point) into one with exactly `scenario`'s network (and
    embedding), bit for bit, and that replayed scenario; None when no switch does
    (weights trained or opened since: then a session records the whole scenario), and
    None when the switch computes with a sibling file's weights (Scenario.switch,
    [siblings]): that file may be missing where the session is replayed, and a replay
    never reads one, so the whole scenario is recorded with its weights."""
    net, old = scenario.network, replayed.network
    if (net.cell, net.merge) == (old.cell, old.merge):
        return None
    change = {k: getattr(net, k) for k in ("cell", "merge") if getattr(net, k) != getattr(old, k)}
    try:  # as apply_change does it (Scenario.switch), keeping what the switch says
        switched = replayed.switch(cell=change.get("cell"), merge=change.get("merge"))
    except (ValueError, TypeError):
        return None
    if switched.sibling:
        return None
    candidate = switched.scenario
    params = candidate.network.params
    same = params.keys() == net.params.keys() and all(
        np.array_equal(params[k], net.params[k]) for k in net.params
    )
    table, wanted = candidate.embedding, scenario.embedding
    if table is None or wanted is None:
        same = same and table is None and wanted is None
    else:
        same = same and np.array_equal(table, wanted)
    return (change, candidate) if same else None


def change_cost(scenario: Scenario) -> int:
    """The work of building and tracing `scenario` after a change (see MAX_REPLAY_WORK)."""
    params = sum(int(a.size) for a in scenario.network.params.values())
    steps = int(scenario.inputs.shape[0]) if scenario.inputs.ndim else 1
    return params * (steps + 1) + int(scenario.inputs.size) + CHANGE_OVERHEAD


def over_budget(work: int, where: str) -> SessionError | None:
    """The error to raise when `work` passes MAX_REPLAY_WORK, else None."""
    if work <= MAX_REPLAY_WORK:
        return None
    return SessionError(
        f"{where}: "
        + _(
            "replaying the model changes up to here would compute more than {limit:,} "
            "numbers; refused"
        ).format(limit=MAX_REPLAY_WORK)
    )


def _shown_keys(keys: list[str]) -> str:
    text = ", ".join(keys)
    return text if len(text) <= 60 else text[:59] + "…"


def _cannot(where: str, error: BaseException) -> SessionError:
    return SessionError(
        f"{where}: " + _("change cannot be applied ({reason})").format(reason=_why(error))
    )


@dataclass
class CheckResult:
    """The outcome of `replay --check`: lines checked, and the first that differs."""

    checked: int
    failed_line: int | None = None
    reason: str = ""


def check_session(session: Session) -> CheckResult:
    """Recompute every state the session showed; stop at the first that differs.
    Raises SessionError (naming the file and the line) for a line that cannot be
    replayed; reads nothing outside the session's folder."""
    where = line_of(session.path, 1)
    base = session.path.parent
    scenario = restore_scenario(session.header.get("scenario"), where, base)
    trace = scenario.trace()
    checked, work = 0, 0
    for action in session.actions:
        where = line_of(session.path, action.line)
        if action.change:
            scenario = apply_change(scenario, action.change, where, base)
            work += change_cost(scenario)
            error = over_budget(work, where)
            if error is not None:
                raise error
            trace = scenario.trace()
        try:
            digest = state_hash(trace, action.view)
        except ValueError as e:
            reason = _("the recorded view does not fit: {reason}").format(reason=_why(e))
            return CheckResult(checked, action.line, reason)
        if digest != action.state:
            return CheckResult(
                checked,
                action.line,
                _(
                    "state differs after {action} (key {key}): recorded {recorded}…, "
                    "recomputed {recomputed}…"
                ).format(
                    action=repr(action.action),
                    key=action.key,
                    recorded=action.state[:12],
                    recomputed=digest[:12],
                ),
            )
        checked += 1
    return CheckResult(checked)
