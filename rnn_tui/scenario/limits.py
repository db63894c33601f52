"""How far the O(T²) measures go: one policy, used by the app, `trace` and sessions.

The influence matrix ‖∂s_t/∂x_k‖ takes T backward passes over T steps. Cheap ones
are computed at once, dearer ones in the background (the app) and very dear ones not
at all, with a sentence that says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..engine import Network
from ..i18n import _

INFLUENCE_INLINE = 5e7
"""Influence cheaper than this (multiply-adds, estimated) is computed at once; dearer
ones in a background thread, so the app's first frame never waits for them."""
INFLUENCE_MAX = 9e10
"""Influence dearer than this is not computed at all (about 10 s on one core; `trace`
computes it before it writes anything)."""
STEP_OVERHEAD = 4e4
"""The interpreter's cost of one backward step of one gate block of one layer and
direction, in multiply-adds (measured: 2 µs for an RNN, 15 µs for a GRU, 63 µs for a
two-layer bidirectional LSTM per (t, k) pair, at about 9e9 multiply-adds a second)."""
INFLUENCE_STEPS = 2000
"""Nor for sequences longer than this: the T × T matrix alone would be too big."""


def influence_cost(network: Network, steps: int) -> float:
    """Multiply-adds of the influence matrix: T backward passes over T steps, each with
    H' cotangents through the (G·H × (H + in)) weights of every layer, plus the
    interpreter's STEP_OVERHEAD per gate block, layer and direction (which dominates
    for small H)."""
    blocks = network.spec.blocks * network.hidden_size
    width = network.hidden_size + max(network.input_size, network.merged_size)
    dirs = 2 if network.bidirectional else 1
    per_step = network.merged_size * blocks * width * dirs * network.num_layers
    overhead = STEP_OVERHEAD * network.spec.blocks * dirs * network.num_layers
    return float(steps) * steps * (per_step + overhead)


@dataclass(frozen=True)
class InfluencePlan:
    """Whether and how to compute the influence of `steps` inputs on `network`."""

    how: Literal["inline", "background", "skip"]
    reason: str = ""
    """Why it is skipped (a sentence for the screen or stderr); empty otherwise."""


def influence_plan(network: Network, steps: int) -> InfluencePlan:
    """The one influence limit: skip past INFLUENCE_STEPS or INFLUENCE_MAX, inline up to
    INFLUENCE_INLINE, in the background between."""
    cost = influence_cost(network, steps)
    if steps > INFLUENCE_STEPS or cost > INFLUENCE_MAX:
        reason = _("influence not computed: T = {steps}, H = {hidden} would take too long")
        return InfluencePlan("skip", reason.format(steps=steps, hidden=network.hidden_size))
    return InfluencePlan("inline" if cost <= INFLUENCE_INLINE else "background")


def replacement_cost(network: Network, steps: int) -> float:
    """Multiply-adds of replacing each of T inputs in turn: T + 1 forward runs over T
    steps, batched (so the interpreter's overhead is paid per chunk, not per run)."""
    blocks = network.spec.blocks * network.hidden_size
    width = network.hidden_size + max(network.input_size, network.merged_size)
    dirs = 2 if network.bidirectional else 1
    per_step = blocks * width * dirs * network.num_layers
    return float(steps + 1) * steps * per_step


def replacement_plan(network: Network, steps: int) -> InfluencePlan:
    """The limit of the exact memory measure (T re-runs): the same thresholds as the
    influence's, on its own cost."""
    cost = replacement_cost(network, steps)
    if steps > INFLUENCE_STEPS or cost > INFLUENCE_MAX:
        reason = _("memory not measured: T = {steps}, H = {hidden} would take too long")
        return InfluencePlan("skip", reason.format(steps=steps, hidden=network.hidden_size))
    return InfluencePlan("inline" if cost <= INFLUENCE_INLINE else "background")
