"""Scenario files: TOML -> a validated Scenario; weights files; built-in lookup."""

from .loader import (
    BUILTIN_DEFAULT,
    BUILTIN_DIR,
    DEFAULT_SEQUENCE,
    Problem,
    Scenario,
    ScenarioError,
    builtin_names,
    load_scenario,
    parse_scenario,
    resolve,
)
from .schema import SCHEMA, json_schema
from .weights import WeightsError, read_weights

__all__ = [
    "BUILTIN_DEFAULT",
    "BUILTIN_DIR",
    "DEFAULT_SEQUENCE",
    "SCHEMA",
    "Problem",
    "Scenario",
    "ScenarioError",
    "WeightsError",
    "builtin_names",
    "json_schema",
    "load_scenario",
    "parse_scenario",
    "read_weights",
    "resolve",
]
