"""The numerical core of rnn-tui: numpy only, never textual or rich."""

from .cells import CELLS, NONLINEARITIES, sigmoid
from .network import (
    MERGES,
    READOUTS,
    RUN_DIRECTIONS,
    Network,
    init_state_dict,
    merge_states,
    parameter_shapes,
)
from .trace import DirectionTrace, LayerTrace, Trace, softmax, trace_to_dict

__all__ = [
    "CELLS",
    "MERGES",
    "NONLINEARITIES",
    "READOUTS",
    "RUN_DIRECTIONS",
    "DirectionTrace",
    "LayerTrace",
    "Network",
    "Trace",
    "init_state_dict",
    "merge_states",
    "parameter_shapes",
    "sigmoid",
    "softmax",
    "trace_to_dict",
]
