"""Recording, replay, verification and export of sessions (no textual here)."""

from .format import (
    FORMAT,
    VERSION,
    Action,
    ScreenState,
    Session,
    SessionError,
    SessionWriteError,
    SessionWriter,
    check_record_target,
    read_session,
    restore_scenario,
    scenario_record,
    session_files,
    weights_digest,
)
from .state import shown_state, state_hash
from .verify import CheckResult, apply_change, check_session

__all__ = [
    "FORMAT",
    "VERSION",
    "Action",
    "CheckResult",
    "ScreenState",
    "Session",
    "SessionError",
    "SessionWriteError",
    "SessionWriter",
    "apply_change",
    "check_record_target",
    "check_session",
    "read_session",
    "restore_scenario",
    "scenario_record",
    "session_files",
    "shown_state",
    "state_hash",
    "weights_digest",
]
