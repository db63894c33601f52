"""Recording, replay, verification and export of sessions (no textual here)."""

from .format import (
    FORMAT,
    VERSION,
    Action,
    Session,
    SessionError,
    SessionWriter,
    read_session,
    restore_scenario,
    scenario_record,
    weights_digest,
)
from .state import ViewState, shown_state, state_hash
from .verify import CheckResult, apply_change, check_session

__all__ = [
    "FORMAT",
    "VERSION",
    "Action",
    "CheckResult",
    "Session",
    "SessionError",
    "SessionWriter",
    "ViewState",
    "apply_change",
    "check_session",
    "read_session",
    "restore_scenario",
    "scenario_record",
    "shown_state",
    "state_hash",
    "weights_digest",
]
