"""What a view shows, reduced to numbers, and its hash: the thing a recording checks.

A view (present.position.View) is (t, layer, direction, unit), t and layer 1-based. The state
shown is x_t of the layer, s_t of the direction(s) shown (and their merge in
"both"), and the outputs on screen; values are rounded to 1e-9 before hashing, so
a replay on another machine (another BLAS summing in another order) still matches.
"""

from __future__ import annotations

import hashlib

import numpy as np

from ..engine import Trace
from ..present.position import View


def shown_state(trace: Trace, view: View) -> dict[str, np.ndarray]:
    """The vectors on screen for a view: name -> array. Raises ValueError when the view
    does not fit the trace (t or layer out of range, backward on a one-way network)."""
    T, layers = trace.steps, len(trace.layers)
    if not 1 <= view.t <= T:
        raise ValueError(f"view.t: {view.t} is outside 1..{T}")
    if not 1 <= view.layer <= layers:
        raise ValueError(f"view.layer: {view.layer} is outside 1..{layers}")
    layer = trace.layers[view.layer - 1]
    i = view.t - 1
    out = {"x": layer.input[i]}
    if "forward" in view.shown:
        out["s.forward"] = layer.forward.h[i]
    if "backward" in view.shown:
        if layer.backward is None:
            raise ValueError(f"view.direction: {view.direction} on a one-way network")
        out["s.backward"] = layer.backward.h[i]
    if view.direction == "both":
        out["s.merged"] = layer.output[i]
    if trace.outputs is not None:
        out["o"] = trace.outputs[min(i, trace.outputs.shape[0] - 1)]
    return out


def state_hash(trace: Trace, view: View) -> str:
    """sha256 of the state a view shows, rounded to 1e-9, as hex."""
    digest = hashlib.sha256()
    digest.update(repr(sorted(view.to_dict().items())).encode())
    for name, values in sorted(shown_state(trace, view).items()):
        rounded = np.round(np.asarray(values, dtype=np.float64), 9) + 0.0  # -0.0 -> 0.0
        digest.update(name.encode())
        digest.update(",".join(f"{v:.9f}" for v in rounded.ravel()).encode())
    return digest.hexdigest()
