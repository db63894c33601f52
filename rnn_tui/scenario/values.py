"""Small checks on values read from a scenario file, and how they are quoted in messages."""

from __future__ import annotations

import difflib
import math
import reprlib
from typing import Any

import numpy as np

from ..i18n import _
from ..text import visible

_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring, _REPR.maxother = 3, 4, 4, 30, 30


def quoted(value: Any) -> str:
    """A value from the file in a message: short whatever its size or depth."""
    if isinstance(value, str):
        text = f'"{value}"'
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        text = _("an integer of {digits} digits").format(digits=len(str(abs(value))))
    else:
        text = _REPR.repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def is_finite(x: Any) -> bool:
    """A number that is finite as a float (an integer too large for a float is not)."""
    try:
        return math.isfinite(x)
    except OverflowError:
        return False


def escape_example(example: dict, every: bool) -> dict:
    """A training example with its words and label(s) escaped as tokens and labels are:
    word by word (training splits the text at spaces), the label whole (readout last) or
    word by word (readout every)."""
    out = dict(example)
    out["text"] = " ".join(visible(word) for word in example["text"].split())
    label = example["label"]
    out["label"] = " ".join(visible(x) for x in label.split()) if every else visible(label)
    return out


def numeric_tree(value: Any, depth: int = 4) -> bool:
    """A number, or lists (at most `depth` deep) of numbers only: no strings, no
    booleans, no tables, nothing too large for a float."""
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, list):
            if level >= depth:
                return False
            stack.extend((x, level + 1) for x in item)
        elif isinstance(item, bool) or not isinstance(item, (int, float)):
            return False
        elif isinstance(item, int) and not is_finite(item):
            return False
    return True


def did_you_mean(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(name, options, n=1)
    return _(' (did you mean "{name}"?)').format(name=close[0]) if close else ""


def sibling_name_problem(name: str) -> str | None:
    """Why `name` cannot name a sibling scenario ([siblings]), or None: it must be a bare
    file name in the scenario's own folder (no "/", "\\" or ".."), ending in .toml."""
    shown = name if len(name) <= 60 else name[:57] + "..."
    if not name.strip() or "\0" in name or visible(name) != name:
        return _('"{name}" is not a usable file name').format(name=shown)
    if "/" in name or "\\" in name or ".." in name:
        return _(
            '"{name}" is not a bare file name: a sibling is a file in the scenario\'s own '
            'folder (no "/", "\\" or "..")'
        ).format(name=shown)
    if not name.endswith(".toml") or name == ".toml":
        return _('"{name}" is not a scenario file (expected NAME.toml)').format(name=shown)
    return None


def add_keep_gate_bias(arrays: dict[str, np.ndarray], cell: str, hidden: int, value: float) -> None:
    """Add `value` to the bias_hh rows of LSTM's forget gate or GRU's update gate (block 1
    of the stacked gates in both), in every layer and direction."""
    for name in arrays:
        if name.startswith("bias_hh_l") and cell in ("lstm", "gru"):
            arrays[name][hidden : 2 * hidden] += value
