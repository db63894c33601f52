"""A scenario's trained siblings: the same task trained with another cell.

A file's [siblings] table names, per cell, a scenario file in the file's own folder
(`lstm = "memory-fade-lstm.toml"`); the loader checks only the names. A sibling is read
when it is needed (a cell switch, switch.py) and used only when it fits: the cell its
key names, and the same vocabulary, encoding, unknown token, labels, network shape and
nonlinearity but for the cell, so that it reads the same tokens and a session can restore it from
the scenario's own text with the sibling's weights. One that fails to load or does not
fit is left out with the reason, never with a traceback.

A scenario without a folder (parsed from text, restored from a session) has no
siblings: a replay never reads a file beside the session.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..i18n import _
from ..text import visible
from .values import sibling_name_problem

if TYPE_CHECKING:
    from .model import Scenario

log = logging.getLogger(__name__)

FIT = (
    ("input.vocab", lambda s: s.vocab),
    ("input.encoding", lambda s: s.encoding),
    ("input.unknown", lambda s: s.unknown),
    ("output.labels", lambda s: s.labels),
    ("model.input_size", lambda s: s.network.input_size),
    ("model.hidden_size", lambda s: s.network.hidden_size),
    ("model.num_layers", lambda s: s.network.num_layers),
    ("model.bidirectional", lambda s: s.network.bidirectional),
    ("model.readout", lambda s: s.network.readout),
    ("model.bias", lambda s: s.network.bias),
    ("model.nonlinearity", lambda s: s.network.nonlinearity),
    ("model.dtype", lambda s: str(s.network.dtype)),
    ("output.size", lambda s: s.network.output_size),
)
"""What a sibling must share with the scenario (besides its cell), by the key that sets it."""


def sibling(scenario: Scenario, cell: str) -> tuple[Scenario | None, str]:
    """The sibling for `cell` that the [siblings] table of `scenario` at its own cell (its
    origin) names, reading the same tokens as `scenario` (see `reading`), and "", or
    None and why not ("" when the table names none)."""
    home = scenario.origin or scenario
    name = home.siblings.get(cell)
    if name is None:
        return None, ""
    shown = visible(name)
    if home.path is None:
        return None, _("{file} is not read: this scenario has no folder").format(file=shown)
    why = sibling_name_problem(name)  # checked by the loader; again for hand-made ones
    if why is not None:
        return None, why
    from .loader import load_scenario  # the loader imports this module's neighbours
    from .model import ScenarioError

    try:
        found = load_scenario(Path(home.path).parent / name)
    except ScenarioError as e:
        first = str(e.problems[0]) if e.problems else str(e)
        return None, _("{file} does not load: {reason}").format(file=shown, reason=first)
    if found.network.cell != cell:
        return None, _("{file} has cell = {found}, not {cell}").format(
            file=shown, found=found.network.cell, cell=cell
        )
    for key, get in FIT:
        if get(found) != get(home):
            return None, _("{file} does not fit: its {key} differs from this scenario's").format(
                file=shown, key=key
            )
    try:
        return reading(found, scenario), ""
    except ValueError as e:  # cannot happen with the same vocabulary; said, not raised
        return None, _("{file} does not fit: {reason}").format(file=shown, reason=visible(str(e)))


def reading(found: Scenario, scenario: Scenario) -> Scenario:
    """`found` reading what `scenario` reads: its tokens (or input vectors) and the name of
    its sequence."""
    if scenario.tokens is None:
        return replace(found, inputs=scenario.inputs, tokens=None, sequence=scenario.sequence)
    return replace(found.with_tokens(list(scenario.tokens)), sequence=scenario.sequence)


def load_siblings(scenario: Scenario, problems: list[str] | None = None) -> dict[str, Scenario]:
    """Cell -> the scenario trained with that cell, each reading the same tokens as
    `scenario`: the scenario at its own cell (itself, when it is at its own cell) and
    every sibling of its [siblings] table that loads and fits. The reason each one left
    out was left out is appended to `problems` (when given) and logged."""
    home = scenario.origin or scenario
    out: dict[str, Scenario] = {
        home.network.cell: scenario if scenario.origin is None else reading(home, scenario)
    }
    for cell in home.siblings:
        found, why = sibling(scenario, cell)
        if found is None:
            log.info("sibling %s left out: %s", cell, why)
            if problems is not None:
                problems.append(why)
            continue
        out[cell] = found
    return out
