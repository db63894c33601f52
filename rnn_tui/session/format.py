"""Session files: JSON Lines, a header then one line per action, each flushed as written.

Header: {"format": "rnn-tui-session", "version": 1, "app_version", "created",
"terminal": {"columns", "rows"}, "scenario": {"name", "path", "text"},
"weights": {"sha256", "embedded" (base64 .npz, when at most 1 MB) or null, "path"}}.
Action: {"time" (seconds since the start), "key", "action", "view": {t, layer,
direction, unit}, "change" (what the action changed in the model, or null),
"state" (sha256 of the state shown, see state.py)}.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from .. import __version__
from ..i18n import _
from ..scenario import Scenario, ScenarioError, parse_scenario
from ..scenario.weights import WeightsError, read_npz
from .state import ViewState

FORMAT = "rnn-tui-session"
VERSION = 1
MAX_EMBEDDED_BYTES = 1024 * 1024


class SessionError(Exception):
    """A session file cannot be used; the message names the file and the line."""


def line_of(path: object, line: int) -> str:
    """ "FILE: line N": where a message about one line of a session file points."""
    return _("{path}: line {line}").format(path=path, line=line)


def scenario_weights(scenario: Scenario) -> dict[str, np.ndarray]:
    """Every array the scenario computes with: the network's parameters and the embedding."""
    arrays = dict(scenario.network.params)
    if scenario.embedding is not None:
        arrays["embedding.weight"] = scenario.embedding
    return arrays


def weights_digest(arrays: dict[str, np.ndarray]) -> str:
    """sha256 over names, shapes and float64 bytes, in name order: the same weights,
    the same digest, however they were stored."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name], dtype=np.float64)
        digest.update(f"{name}{a.shape}".encode())
        digest.update(a.tobytes())
    return digest.hexdigest()


def weights_record(scenario: Scenario, beside: Path | None = None) -> dict[str, Any]:
    """The weights entry of a scenario record: embedded (base64 .npz) when at most
    MAX_EMBEDDED_BYTES, else referenced by path and sha256. Given `beside` (a file next
    to the session), bigger weights are written there and referenced by its name, so
    weights that exist nowhere else (trained in the app) replay too; without it, the
    scenario's own file is referenced."""
    arrays = scenario_weights(scenario)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    data = buffer.getvalue()
    small = len(data) <= MAX_EMBEDDED_BYTES
    path = None if small or scenario.path is None else str(scenario.path)
    if not small and beside is not None:
        beside.write_bytes(data)
        path = beside.name  # relative to the session file
    return {
        "sha256": weights_digest(arrays),
        "embedded": base64.b64encode(data).decode("ascii") if small else None,
        "path": path,
    }


def scenario_record(scenario: Scenario, beside: Path | None = None) -> dict[str, Any]:
    """A scenario as a recording keeps it: its text, name and path, and its weights
    (`beside`: where weights too big to embed are written, see weights_record)."""
    return {
        "name": scenario.name,
        "path": None if scenario.path is None else str(scenario.path),
        "text": scenario.text,
        "sequence": scenario.sequence,
        "network": {"cell": scenario.network.cell, "merge": scenario.network.merge},
        "tokens": edited_tokens(scenario),
        "weights": weights_record(scenario, beside),
        "trained": scenario.trained,  # weights trained in the app are no longer the seed's
    }


def edited_tokens(scenario: Scenario) -> list[str] | None:
    """The tokens read when they are not the selected sequence's own (an edited
    sentence), else None."""
    if scenario.tokens is None:
        return None
    own = scenario.sequences.get(scenario.sequence)
    if isinstance(own, list) and list(own) == list(scenario.tokens):
        return None
    return list(scenario.tokens)


def restore_scenario(record: dict[str, Any], where: str, base: Path | None = None) -> Scenario:
    """The scenario a record describes, with exactly its recorded weights (a weights
    file named by a relative path is looked for in `base`, the session's folder)."""
    if not isinstance(record, dict) or not isinstance(record.get("weights"), dict):
        raise SessionError(f"{where}: " + _("scenario entry is malformed"))
    try:
        path = Path(record["path"]) if isinstance(record.get("path"), str) else None
        weights = record["weights"]
        text = record["text"]
        if not isinstance(text, str):
            raise TypeError("text")
        if path is not None and not path.exists():
            path = None  # the text alone rebuilds it when the weights are embedded
        scenario = parse_scenario(text, path=path, name=record.get("name") or "session")
        network = record.get("network") or {}
        switched = {k: network[k] for k in ("cell", "merge") if k in network}
        if switched != {"cell": scenario.network.cell, "merge": scenario.network.merge}:
            scenario = scenario.with_network(**switched)  # recorded after a cell / merge switch
    except ScenarioError as e:
        raise SessionError(
            f"{where}: " + _("the recorded scenario does not load: {reason}").format(reason=e)
        ) from None
    except (KeyError, TypeError, ValueError):
        raise SessionError(f"{where}: " + _("scenario entry is malformed")) from None
    arrays = _recorded_arrays(weights, where, base)
    if arrays is not None:
        embedding = arrays.pop("embedding.weight", None)
        try:
            scenario.network.set_params(arrays)
        except ValueError as e:
            raise SessionError(
                f"{where}: "
                + _("recorded weights do not fit the scenario ({reason})").format(reason=e)
            ) from None
        if embedding is not None:
            scenario.embedding = np.asarray(embedding, dtype=scenario.network.dtype)
    if isinstance(record.get("trained"), bool):
        scenario.trained = record["trained"]
    if weights_digest(scenario_weights(scenario)) != weights.get("sha256"):
        raise SessionError(f"{where}: " + _("the weights differ from the recorded ones (sha256)"))
    sequence = record.get("sequence")
    try:
        if isinstance(sequence, str) and sequence in scenario.sequences:
            scenario = scenario.select(sequence)
        tokens = record.get("tokens")
        if isinstance(tokens, list):
            scenario = scenario.with_tokens([str(t) for t in tokens])  # an edited sentence
        elif scenario.tokens is not None:
            scenario = scenario.with_tokens(list(scenario.tokens))  # encoded with its weights
    except ValueError as e:
        raise SessionError(
            f"{where}: " + _("the recorded input does not load ({reason})").format(reason=e)
        ) from None
    return scenario


def _recorded_arrays(weights: dict, where: str, base: Path | None) -> dict[str, np.ndarray] | None:
    """The arrays a weights entry holds (embedded, or in a .npz file beside the
    session), or None when it references the scenario's own file."""
    if weights.get("embedded"):
        try:
            return _npz_from_base64(str(weights["embedded"]))
        except (ValueError, WeightsError) as e:
            raise SessionError(
                f"{where}: " + _("embedded weights are unreadable ({reason})").format(reason=e)
            ) from None
    name = weights.get("path")
    if not isinstance(name, str) or not name.endswith(".npz"):
        return None
    path = Path(name)
    if not path.is_absolute() and base is not None:
        path = base / path
    if not path.is_file():
        raise SessionError(
            f"{where}: " + _("the recorded weights file {path} is missing").format(path=path)
        )
    try:
        return read_npz(path)
    except (OSError, WeightsError) as e:
        raise SessionError(
            f"{where}: "
            + _("the recorded weights file {path} is unreadable ({reason})").format(
                path=path, reason=e
            )
        ) from None


def _npz_from_base64(text: str) -> dict[str, np.ndarray]:
    import tempfile

    data = base64.b64decode(text, validate=True)
    with tempfile.NamedTemporaryFile(suffix=".npz") as f:  # read_npz checks sizes first
        f.write(data)
        f.flush()
        return read_npz(Path(f.name))


class SessionWriter:
    """Appends a session to a file: the header at once, then one flushed line per action."""

    def __init__(self, path: Path, scenario: Scenario, *, columns: int, rows: int) -> None:
        self.path = Path(path)
        self._file: IO[str] | None = open(self.path, "w", encoding="utf-8")  # noqa: SIM115
        self._start = time.monotonic()
        self._weights_files = 0
        self._write({
            "format": FORMAT, "version": VERSION, "app_version": __version__,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "terminal": {"columns": columns, "rows": rows},
            "scenario": self.scenario_record(scenario),
        })  # fmt: skip

    def scenario_record(self, scenario: Scenario) -> dict[str, Any]:
        """A scenario record for this session: weights too big to embed go into a file
        beside it (SESSION.weights-N.npz)."""
        self._weights_files += 1
        beside = self.path.with_name(f"{self.path.stem}.weights-{self._weights_files}.npz")
        return scenario_record(scenario, beside)

    def _write(self, data: dict) -> None:
        assert self._file is not None, "the recording is closed"
        self._file.write(json.dumps(data, ensure_ascii=False) + "\n")
        self._file.flush()

    def action(self, *, key: str, action: str, view: ViewState, state: str,
               change: dict | None = None) -> None:  # fmt: skip
        """One line: what was pressed, what it did, the view after it and its hash."""
        self._write({
            "time": round(time.monotonic() - self._start, 3), "key": key, "action": action,
            "view": view.to_dict(), "change": change, "state": state,
        })  # fmt: skip

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


@dataclass
class Action:
    """One recorded action and the line it came from."""

    line: int
    time: float
    key: str
    action: str
    view: ViewState
    change: dict | None
    state: str


@dataclass
class Session:
    """A read session: its header, its whole action lines, and whether it ends mid-line."""

    path: Path
    header: dict
    actions: list[Action] = field(default_factory=list)
    ends_mid_line: bool = False


def read_session(path: Path) -> Session:
    """Read a session file. A last line without its newline (a recording cut short) is
    dropped and reported by `ends_mid_line`; any other bad line is a SessionError
    naming its line number."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        reason = _("cannot read: {reason}").format(reason=e.strerror)
        raise SessionError(f"{path}: {reason}") from None
    lines = raw.split(b"\n")
    ends_mid_line = lines[-1] != b""
    whole = lines[:-1]
    if not whole:
        raise SessionError(f"{path}: " + _("no complete header line; not a session or cut short"))
    header = _json_line(path, 1, whole[0])
    if header.get("format") != FORMAT:
        raise SessionError(
            f"{line_of(path, 1)}: "
            + _("not an rnn-tui session (format {format})").format(
                format=repr(header.get("format"))
            )
        )
    if header.get("version") != VERSION:
        raise SessionError(
            f"{line_of(path, 1)}: "
            + _(
                "session format version {version} is not supported (this rnn-tui reads "
                "version {supported})"
            ).format(version=repr(header.get("version")), supported=VERSION)
        )
    session = Session(path=path, header=header, ends_mid_line=ends_mid_line)
    for number, line in enumerate(whole[1:], start=2):
        data = _json_line(path, number, line)
        try:
            session.actions.append(Action(
                line=number, time=float(data["time"]), key=str(data["key"]),
                action=str(data["action"]), view=ViewState.from_dict(data["view"]),
                change=data.get("change"), state=str(data["state"]),
            ))  # fmt: skip
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            detail = _("missing {key}").format(key=e) if isinstance(e, KeyError) else str(e)
            raise SessionError(
                f"{line_of(path, number)}: "
                + _("not an action line ({detail})").format(detail=detail)
            ) from None
    return session


def _json_line(path: Path, number: int, line: bytes) -> dict:
    try:
        data = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SessionError(
            f"{line_of(path, number)}: " + _("corrupt ({reason})").format(reason=e)
        ) from None
    if not isinstance(data, dict):
        raise SessionError(f"{line_of(path, number)}: " + _("corrupt (not a JSON object)"))
    return data
