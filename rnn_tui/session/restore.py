"""A recorded scenario restored: the record's fields checked, its text put through the
scenario loader with its `[weights] file` taken out (so no file it names is opened),
and exactly its recorded weights put back, checked against their sha256."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any

import numpy as np

from ..i18n import _
from ..scenario import Scenario, ScenarioError, parse_scenario
from ..scenario.loader import MAX_TOML_BYTES
from ..text import visible
from .errors import SessionError, _expected, _shown, _why
from .weights import _recorded_arrays, scenario_weights, weights_digest

MAX_TOKENS = 10_000
"""The longest recorded sentence (one typed into the edit dialog)."""
MAX_INPUT_VALUES = 16 * 1024 * 1024
"""A recorded sentence encodes to at most this many input values (T × input width)."""


def restore_scenario(record: Any, where: str, base: Path | None = None) -> Scenario:
    """The scenario a record describes, with exactly its recorded weights: embedded, or
    in the file the record names, looked for in `base` (the session's folder) and
    nowhere else. The recorded text goes through the scenario loader with its
    `[weights] file` taken out, so no file it names is ever opened."""
    record = _checked_record(record, where)
    weights = record["weights"]
    arrays = _recorded_arrays(weights, where, base)
    text = record["text"]
    name = visible(record.get("name") or "session")[:200]
    try:
        parsed = _without_weights_file(text, carried=arrays is not None, where=where)
        scenario = parse_scenario(text if parsed is None else parsed, path=None, name=name)
    except ScenarioError as e:
        raise SessionError(
            f"{where}: " + _("the recorded scenario does not load: {reason}").format(reason=_why(e))
        ) from None
    except (RecursionError, ValueError, TypeError, KeyError, IndexError, OverflowError) as e:
        raise SessionError(
            f"{where}: " + _("the recorded scenario does not load: {reason}").format(reason=_why(e))
        ) from None
    scenario.text = text
    if parsed is not None:
        scenario.weights_source = "file"
    network = record.get("network") or {}
    switched = {k: network[k] for k in ("cell", "merge") if k in network}
    if switched and switched != {k: getattr(scenario.network, k) for k in switched}:
        try:
            scenario = scenario.with_network(**switched)  # recorded after a cell / merge switch
        except (ValueError, TypeError) as e:
            raise SessionError(
                f"{where}: " + _("scenario entry is malformed") + f" ({_why(e)})"
            ) from None
    if arrays is not None:
        embedding = arrays.pop("embedding.weight", None)
        try:
            scenario.network.set_params(arrays)
            if embedding is not None:
                if scenario.embedding is None or np.shape(embedding) != scenario.embedding.shape:
                    raise ValueError("embedding.weight")
                scenario.embedding = np.asarray(embedding, dtype=scenario.network.dtype)
        except (ValueError, TypeError) as e:
            raise SessionError(
                f"{where}: "
                + _("recorded weights do not fit the scenario ({reason})").format(reason=_why(e))
            ) from None
    if isinstance(record.get("trained"), bool):
        scenario.trained = record["trained"]
    if weights_digest(scenario_weights(scenario)) != weights.get("sha256"):
        raise SessionError(f"{where}: " + _("the weights differ from the recorded ones (sha256)"))
    sequence = record.get("sequence")
    try:
        if isinstance(sequence, str) and sequence in scenario.sequences:
            scenario = scenario.select(sequence)
        tokens = record.get("tokens")
        if tokens is not None:
            scenario = with_recorded_tokens(scenario, tokens, where)  # an edited sentence
        elif scenario.tokens is not None:
            scenario = scenario.with_tokens(list(scenario.tokens))  # encoded with its weights
    except (ValueError, KeyError) as e:
        raise SessionError(
            f"{where}: " + _("the recorded input does not load ({reason})").format(reason=_why(e))
        ) from None
    return scenario


def _checked_record(record: Any, where: str) -> dict[str, Any]:
    """A scenario record with every field of its type (strings made visible, but the
    text), or a SessionError naming the field."""

    def fail(name: str, kind: str, found: object) -> SessionError:
        return SessionError(
            f"{where}: " + _("scenario entry is malformed") + f" ({_expected(name, kind, found)})"
        )

    if not isinstance(record, dict) or not isinstance(record.get("weights"), dict):
        raise SessionError(f"{where}: " + _("scenario entry is malformed"))
    out = dict(record)
    text = record.get("text")
    if not isinstance(text, str):
        raise fail("scenario.text", _("a string"), text)
    if len(text) > MAX_TOML_BYTES or len(text.encode("utf-8", "replace")) > MAX_TOML_BYTES:
        raise SessionError(
            f"{where}: "
            + _("the recorded scenario is longer than {limit:,} bytes").format(limit=MAX_TOML_BYTES)
        )
    for name in ("name", "path", "sequence"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise fail(f"scenario.{name}", _("a string"), value)
        if isinstance(value, str):
            out[name] = visible(value)
    if "trained" in record and not isinstance(record["trained"], bool):
        raise fail("scenario.trained", _("true or false"), record["trained"])
    network = record.get("network")
    if network is not None:
        if not isinstance(network, dict):
            raise fail("scenario.network", _("an object"), network)
        from ..engine import CELLS, MERGES

        for name, allowed in (("cell", tuple(CELLS)), ("merge", MERGES)):
            if name in network and network[name] not in allowed:
                raise fail(f"scenario.network.{name}", " | ".join(allowed), network[name])
    if record.get("tokens") is not None:
        out["tokens"] = checked_tokens(record["tokens"], where, "scenario.tokens")
    weights = dict(record["weights"])
    for name in ("sha256", "embedded", "path"):
        value = weights.get(name)
        if value is not None and not isinstance(value, str):
            raise fail(f"scenario.weights.{name}", _("a string"), value)
    if not isinstance(weights.get("sha256"), str):
        raise fail("scenario.weights.sha256", _("a string"), weights.get("sha256"))
    out["weights"] = weights
    return out


def checked_tokens(tokens: Any, where: str, name: str = "tokens") -> list[str]:
    """A recorded sentence: a list of at most MAX_TOKENS strings, made visible."""
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise SessionError(f"{where}: " + _expected(name, _("a list of strings"), tokens))
    if len(tokens) > MAX_TOKENS:
        raise SessionError(
            f"{where}: "
            + _("{name}: {count:,} tokens; a recorded sentence has at most {limit:,}").format(
                name=name, count=len(tokens), limit=MAX_TOKENS
            )
        )
    return [visible(t) for t in tokens]


def with_recorded_tokens(scenario: Scenario, tokens: Any, where: str) -> Scenario:
    """The scenario reading a recorded sentence (checked by checked_tokens, and small
    enough to encode: at most MAX_INPUT_VALUES input values); ValueError when a token
    is not in the vocabulary."""
    tokens = checked_tokens(tokens, where)
    if len(tokens) * max(scenario.network.input_size, 1) > MAX_INPUT_VALUES:
        raise SessionError(
            f"{where}: "
            + _("{count:,} tokens of width {width:,} exceed {limit:,} input values").format(
                count=len(tokens), width=scenario.network.input_size, limit=MAX_INPUT_VALUES
            )
        )
    return scenario.with_tokens(tokens)


def _without_weights_file(text: str, *, carried: bool, where: str) -> str | None:
    """The scenario text with its `[weights] file` replaced by the recorded weights
    (a seed, overwritten once parsed), so the loader opens nothing; None when it names
    no file (the text is parsed as it is). A file named by a session whose weights are
    not carried is a SessionError: a session never reads one. So is a text that does
    not parse here: it is never handed to the loader unchecked."""
    try:  # as the loader reads it (a byte-order mark ignored): whatever it would open
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as e:
        raise SessionError(
            f"{where}: "
            + _("the recorded scenario does not load: {reason}").format(
                reason=_("not valid TOML: {detail}").format(detail=_why(e))
            )
        ) from None
    weights = data.get("weights")
    if not isinstance(weights, dict) or "file" not in weights:
        return None
    if not carried:
        raise SessionError(
            f"{where}: "
            + _(
                "the session does not carry its weights (its scenario names the file "
                "{name}, which a replay never opens)"
            ).format(name=_shown(weights["file"]))
        )
    kept = {k: v for k, v in weights.items() if k not in ("file", "prefix", "rename", "seed")}
    kept.setdefault("trained", True)  # as from a file
    data["weights"] = {"seed": 0, **kept}
    try:
        return "\n".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in data.items()) + "\n"
    except (RecursionError, ValueError) as e:
        raise SessionError(
            f"{where}: " + _("the recorded scenario does not load: {reason}").format(reason=_why(e))
        ) from None


def _toml_key(key: str) -> str:
    return _toml_string(key)


def _toml_string(text: str) -> str:
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _toml_value(value: Any) -> str:
    """A value as tomllib parsed it, as TOML on one line (tables inline)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return value.isoformat()  # a date, time or datetime
