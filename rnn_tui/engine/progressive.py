"""Long traces computed in a thread and read while they run.

A 100,000-step stacked LSTM takes seconds to trace. Rather than wait, a front end runs
`TraceRun.run` in a worker thread and shows what is already computed: fused.run_layer
hands each layer's compact traces (compact.py) to the run before its loop fills them,
and says after every chunk of steps how far it got. The loop advances both directions
at once, so after s steps of layer k its forward states are known for t < s and its
backward states for t >= T - s (0-based); the layer above and the readout need the
whole layer below, so they come after it.

Readers only look at rows the loop has finished (`state_ready`, `gates_ready`): numpy
writes a row before the count that covers it is raised, so under the GIL a row read
after the count is complete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .trace import BLOCK, DirectionTrace, Trace

if TYPE_CHECKING:
    from .network import Network

STEP_SECONDS = 10e-6
"""What one step of one layer costs beyond its matrix product (numpy calls), roughly."""
PRODUCT_SECONDS = 0.1e-9
"""What one multiply-add of the recurrent product costs, roughly (BLAS, batch 1)."""
SLOW_SECONDS = 0.4
"""Traces estimated to take longer than this are worth computing in the background."""


def trace_seconds(network: Network, steps: int) -> float:
    """A rough estimate of Network.trace's time for `steps` steps (no measurement: the
    shape of the network alone), to decide whether to compute it in the background."""
    hidden = network.hidden_size
    gates = network.spec.blocks * hidden
    per_step = STEP_SECONDS + len(network.directions) * gates * hidden * PRODUCT_SECONDS
    return steps * network.num_layers * per_step


def is_slow(network: Network, steps: int) -> bool:
    """Would a trace of `steps` steps keep a front end waiting (see SLOW_SECONDS)?"""
    return trace_seconds(network, steps) > SLOW_SECONDS


class Stopped(Exception):
    """The run was stopped (TraceRun.stop) before it finished."""


@dataclass
class LayerSoFar:
    """A layer being computed: what it reads (input (T, in), whole before it starts)
    and its directions, whose rows fill in as the loop advances."""

    input: np.ndarray
    forward: DirectionTrace | None = None
    backward: DirectionTrace | None = None


class LayerWatch:
    """What fused.run_layer tells about one layer (see TraceRun)."""

    def __init__(self, run: TraceRun, layer: int) -> None:
        self.run, self.index = run, layer

    def begun(self, forward: DirectionTrace, backward: DirectionTrace | None) -> None:
        """The layer's traces, before the loop fills them."""
        so_far = self.run.layers[self.index]
        so_far.forward, so_far.backward = forward, backward

    def advanced(self, steps: int) -> None:
        """`steps` steps of the loop are done; raises Stopped once the run is stopped."""
        self.run.done[self.index] = steps
        if self.run.stopped:
            raise Stopped


class TraceRun:
    """One compact trace computed by `run` (in a worker thread) and read meanwhile.

    network: the Network; steps: T. layers: the layers begun so far (LayerSoFar);
    done[k]: loop steps finished in layer k (T once it is whole); trace: the Trace once
    the run has finished (else None)."""

    def __init__(self, network: Network, steps: int) -> None:
        self.network = network
        self.steps = int(steps)
        self.num_layers = network.num_layers
        self.layers: list[LayerSoFar] = []
        self.done = [0] * self.num_layers
        self.trace: Trace | None = None
        self.stopped = False

    # ------------------------------------------------------------------ running
    def layer(self, k: int, layer_input: np.ndarray) -> LayerWatch:
        """Layer k starts (called by Network._run): its input (T, in) is whole."""
        self.layers.append(LayerSoFar(layer_input))
        return LayerWatch(self, k)

    def run(self, compute: Callable[[TraceRun], Trace]) -> Trace | None:
        """Compute the trace with `compute(self)` (which passes this run as the watch of
        Network.trace); the Trace, or None when stopped. Other errors are the caller's."""
        try:
            trace = compute(self)
        except Stopped:
            return None
        self.done = [self.steps] * self.num_layers
        self.trace = trace
        return trace

    def stop(self) -> None:
        """Ask the run to end at its next chunk (from any thread)."""
        self.stopped = True

    # ------------------------------------------------------------------ reading
    @property
    def finished(self) -> bool:
        return self.trace is not None

    @property
    def fraction(self) -> float:
        """How much of the work is done, 0..1 (every layer costs the same)."""
        return sum(self.done) / (self.steps * self.num_layers)

    def state_ready(self, k: int, direction: str, t: int) -> bool:
        """Is the state of layer k (0-based) in `direction` at t (0-based) computed?"""
        if len(self.layers) <= k or self.layers[k].forward is None:
            return False
        done = self.done[k]
        return t < done if direction == "forward" else t >= self.steps - done

    def gates_ready(self, k: int, direction: str, t: int) -> bool:
        """Can the gates of layer k in `direction` at t (0-based) be read? A compact
        trace computes them a block of BLOCK steps at a time from the block's states,
        so the whole block must be in."""
        first = t // BLOCK * BLOCK
        last = min(self.steps, first + BLOCK) - 1
        return self.state_ready(k, direction, first) and self.state_ready(k, direction, last)
