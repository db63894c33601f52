"""The tutorial's notation as text: subscripts, and each panel's equation.

Symbols follow the tutorial (section 3.4): x_t the input, s_t the hidden state, o_t the
output; →s and ←s are the forward and backward directions of a bidirectional layer.
Everything here is plain strings, so it can be tested and reused by any front end.
"""

from __future__ import annotations

_SUBSCRIPTS = str.maketrans("0123456789+-()", "₀₁₂₃₄₅₆₇₈₉₊₋₍₎")
_SUPERSCRIPTS = str.maketrans("0123456789+-()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾")

ACTIVATION_SYMBOLS = {"tanh": "tanh", "relu": "relu", "sigmoid": "σ"}
"""How an RNN nonlinearity is written in an equation (sigmoid is the tutorial's σ)."""
ARROWS = {"forward": "→", "backward": "←"}
"""The mark of a direction, as in the tutorial's bidirectional figure."""


def sub(n: int | str) -> str:
    """n as subscript digits: sub(12) == "₁₂"."""
    return str(n).translate(_SUBSCRIPTS)


def sup(n: int | str) -> str:
    """n as superscript digits: sup(2) == "²"."""
    return str(n).translate(_SUPERSCRIPTS)


def state_symbol(t: int | str, direction: str | None = None) -> str:
    """s₃, or →s₃ / ←s₃ for one direction of a bidirectional layer."""
    return f"{ARROWS.get(direction or '', '')}s{sub(t)}"


def state_equation(
    cell: str,
    t: int,
    steps: int,
    *,
    direction: str = "forward",
    nonlinearity: str = "tanh",
    layer: int = 1,
    bidirectional: bool = False,
) -> str:
    """The equation of the state shown at step t (1-based) of `steps`, e.g.
    "s₃ = tanh(W_ih x₃ + W_hh s₂ + b)". The backward direction uses its own weights
    (W'), reads s_{t+1}; above layer 1 the input is the layer below's state."""
    arrow = direction if bidirectional else None
    prev = t - 1 if direction == "forward" else t + 1
    s_t, s_prev = state_symbol(t, arrow), state_symbol(prev, arrow)
    x_t = f"x{sub(t)}" if layer == 1 else f"s{sub(t)}⁽{sup(layer - 1)}⁾"
    mark = "'" if direction == "backward" else ""
    w_ih, w_hh, bias = f"W{mark}_ih", f"W{mark}_hh", f"b{mark}"
    if cell == "lstm":
        return f"{s_t} = o ⊙ tanh(c{sub(t)}),  c{sub(t)} = f ⊙ c{sub(prev)} + i ⊙ g"
    if cell == "gru":
        return f"{s_t} = (1−z) ⊙ n + z ⊙ {s_prev}"
    act = ACTIVATION_SYMBOLS.get(nonlinearity, nonlinearity)
    return f"{s_t} = {act}({w_ih} {x_t} + {w_hh} {s_prev} + {bias})"


def initial_state_note(t: int, steps: int, direction: str = "forward") -> str:
    """ "s₀ = 0" at the first step of a direction (s_{T+1} going backward), else ""."""
    if direction == "forward" and t == 1:
        return "s₀ = 0"
    if direction == "backward" and t == steps:
        return f"s{sub(steps + 1)} = 0"
    return ""


def gates_equation(cell: str, t: int, direction: str = "forward") -> str:
    """What the rows of a gates panel are: "i f o = σ(·), g = tanh(·), c₃ = f ⊙ c₂ + i ⊙ g"."""
    prev = t - 1 if direction == "forward" else t + 1
    if cell == "lstm":
        return f"i f o = σ(·)   g = tanh(·)   c{sub(t)} = f ⊙ c{sub(prev)} + i ⊙ g"
    if cell == "gru":
        return "r z = σ(·)   n = tanh(W_in x + b_in + r ⊙ (W_hn s + b_hn))"
    return ""


def merge_equation(mode: str, t: int) -> str:
    """How the two directions are combined at t: "s₃ = [→s₃ ; ←s₃]" for concat."""
    f, b = state_symbol(t, "forward"), state_symbol(t, "backward")
    body = {
        "concat": f"[{f} ; {b}]",
        "sum": f"{f} + {b}",
        "mean": f"({f} + {b}) / 2",
        "mul": f"{f} ⊙ {b}",
    }.get(mode, mode)
    return f"s{sub(t)} = {body}"


def output_equation(t: int, steps: int, *, readout: str, bidirectional: bool, merge: str) -> str:
    """The readout: "o₃ = W_oh s₃ + b_o", or for many-to-one the final state(s)."""
    if readout == "every":
        return f"o{sub(t)} = W_oh s{sub(t)} + b_o"
    if bidirectional:
        final = merge_equation(merge, steps).split(" = ", 1)[1]
        final = final.replace(state_symbol(steps, "backward"), state_symbol(1, "backward"))
        return f"o = W_oh {final} + b_o"
    return f"o = W_oh s{sub(steps)} + b_o"
