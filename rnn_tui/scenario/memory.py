"""What the memory measure replaces an input with, for a scenario: its one home.

engine/memory.py re-runs a network with x_k replaced; this module decides the
replacement. The file's [memory] table may name a token for tokens (`swap`, e.g.
memory-fade's A ↔ B) and a `baseline` for the rest ("zero", "unknown" or a token of the
vocabulary), and the input the memory curve follows first (`step`, 1-based). Without
it: the unknown token when the scenario has one, else a zero vector.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..engine.memory import Replaced, Rerun, replace_each, rerun
from ..i18n import _

if TYPE_CHECKING:
    from .model import Scenario

ZERO = "0"
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
"""The name shown for a zero vector."""


@dataclass(frozen=True)
class Probe:
    """The replacement of each input: baselines (T, D), what x_k becomes in run k;
    names: the replacement's name per k (a token, or "0"); k: the input the memory curve
    follows by default (1-based)."""

    baselines: np.ndarray
    names: tuple[str, ...]
    words: tuple[str, ...]
    k: int

    def describe(self, k: int) -> str:
        """ "x₁: A → B", what run k changes."""
        return f"x{str(k).translate(_SUBSCRIPTS)}: {self.words[k - 1]} → {self.names[k - 1]}"

    def rule(self) -> str:
        """One phrase naming the replacement rule, for a caption: "x_k → 0", or
        "A→B, B→A, others → 0" when the file names swaps."""
        common = max(set(self.names), key=self.names.count)
        swaps = sorted({(w, n) for w, n in zip(self.words, self.names, strict=True) if n != common})
        if not swaps:
            return _("x_k → {name}").format(name=common)
        pairs = ", ".join(f"{w}→{n}" for w, n in swaps[:4])
        return _("{pairs}, others → {name}").format(pairs=pairs, name=common)


def followed_step(scenario: Scenario) -> int:
    """The input (1-based) the memory curve follows unless another is chosen: the file's
    [memory] step, else x₁; clamped to the sequence. Cheap: no baselines are built."""
    step = int((scenario.memory or {}).get("step", 1))
    return min(max(step, 1), int(np.shape(scenario.inputs)[0]))


def probe(scenario: Scenario) -> Probe:
    """The replacement of every input of the scenario's selected sequence."""
    inputs = np.asarray(scenario.inputs)
    T = inputs.shape[0]
    spec = scenario.memory or {}
    k = followed_step(scenario)
    if scenario.tokens is None or scenario.vocab is None:
        words = tuple(f"x{str(t).translate(_SUBSCRIPTS)}" for t in range(1, T + 1))
        return Probe(np.zeros_like(inputs), (ZERO,) * T, words, k)
    swap: dict[str, str] = dict(spec.get("swap", {}))
    baseline = spec.get("baseline")
    if baseline is None:
        baseline = "unknown" if scenario.unknown is not None else "zero"
    if baseline == "unknown":
        baseline = scenario.unknown or "zero"
    names: list[str] = []
    rows = np.zeros_like(inputs)
    vocab = scenario.token_index()
    encoded: dict[str, np.ndarray] = {}  # each replacement encoded once, not once a step
    for t, token in enumerate(scenario.tokens):
        name = swap.get(token, baseline)
        if name == "zero" or name not in vocab:
            names.append(ZERO)
            continue
        names.append(name)
        if name not in encoded:
            encoded[name] = scenario.encode([name])[0]
        rows[t] = encoded[name]
    return Probe(rows, tuple(names), tuple(scenario.tokens), k)


def memory_rerun(scenario: Scenario, k: int | None = None) -> tuple[Probe, Rerun]:
    """The memory curve of input k (default: the probe's): the scenario's sequence run
    as it is and with x_k replaced."""
    found = probe(scenario)
    k = found.k if k is None else k
    return found, rerun(scenario.network, scenario.inputs, k, found.baselines[k - 1])


def replaced_each(scenario: Scenario) -> tuple[Probe, Replaced]:
    """Every input replaced in turn (T + 1 runs): the memory strip and the colour
    mixing. Callers check limits.replacement_plan first."""
    found = probe(scenario)
    return found, replace_each(scenario.network, scenario.inputs, found.baselines)
