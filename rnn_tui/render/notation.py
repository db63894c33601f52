"""The tutorial's notation as text: subscripts, and each panel's equation.

Symbols follow the tutorial (section 3.4): x_t the input, s_t the hidden state, o_t the
output; →s and ←s are the forward and backward directions of a bidirectional layer.
Everything here is plain strings, so it can be tested and reused by any front end.
"""

from __future__ import annotations

_SUBSCRIPTS = str.maketrans(
    "0123456789+-−()aehijklmnoprstuvxT", "₀₁₂₃₄₅₆₇₈₉₊₋₋₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓT"
)
"""Digits, signs and the letters Unicode has subscripts for (T has none: it stays T)."""
_SUPERSCRIPTS = str.maketrans(
    "0123456789+-−()abcdefghijklmnoprstuvwxyz",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ",
)

ACTIVATION_SYMBOLS = {"tanh": "tanh", "relu": "relu", "sigmoid": "σ"}
"""How an RNN nonlinearity is written in an equation (sigmoid is the tutorial's σ)."""
ARROWS = {"forward": "→", "backward": "←"}
"""The mark of a direction, as in the tutorial's bidirectional figure."""
OUTPUT_GATE = "oᵍ"
"""The LSTM's output gate (PyTorch's o), written apart from the network's output o."""
TUTORIAL_NAMES = {"ih": "ˢˣ", "hh": "ʰʰ", "oh": "ᵒʰ"}
"""The tutorial's superscripts of PyTorch's W_ih, W_hh and the readout W_oh (3.4)."""


def sub(n: int | str) -> str:
    """n as subscript digits: sub(12) == "₁₂"."""
    return str(n).translate(_SUBSCRIPTS)


def sup(n: int | str) -> str:
    """n as superscript digits: sup(2) == "²"."""
    return str(n).translate(_SUPERSCRIPTS)


def state_symbol(t: int | str, direction: str | None = None) -> str:
    """s₃, or →s₃ / ←s₃ for one direction of a bidirectional layer."""
    return f"{ARROWS.get(direction or '', '')}s{sub(t)}"


def gate_label(name: str, cell: str = "lstm") -> str:
    """How a gate is shown: PyTorch's name, but the LSTM's output gate o as "oᵍ", so it
    is never read as the network's output o."""
    return OUTPUT_GATE if cell == "lstm" and name == "o" else name


def bias_sum(mark: str = "") -> str:
    """What the b of a step equation is: "b = b_ih + b_hh" ("b' = b'_ih + b'_hh")."""
    return f"b{mark} = b{mark}_ih + b{mark}_hh"


def tutorial_name(kind: str, mark: str = "") -> str:
    """A weight matrix's name in the tutorial: "Wˢˣ" for W_ih, "Wʰʰ", "Wᵒʰ"; "W'ˢˣ"
    for the backward direction's own."""
    return f"W{mark}{TUTORIAL_NAMES[kind]}"


def input_symbol(t: int | str, layer: int = 1) -> str:
    """What a layer reads at step t: x₃ at layer 1, above it the state of the layer
    below, s₃⁽¹⁾ (layer is 1-based)."""
    return f"x{sub(t)}" if layer == 1 else f"s{sub(t)}⁽{sup(layer - 1)}⁾"


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
    "s₃ = tanh(W_ih x₃ + W_hh s₂ + b),  b = b_ih + b_hh". The backward direction uses
    its own weights (W'), reads s_{t+1}; above layer 1 the input is the layer below's
    state."""
    arrow = direction if bidirectional else None
    prev = t - 1 if direction == "forward" else t + 1
    s_t, s_prev = state_symbol(t, arrow), state_symbol(prev, arrow)
    x_t = input_symbol(t, layer)
    mark = "'" if direction == "backward" else ""
    w_ih, w_hh, bias = f"W{mark}_ih", f"W{mark}_hh", f"b{mark}"
    if cell == "lstm":
        return f"{s_t} = {OUTPUT_GATE} ⊙ tanh(c{sub(t)}),  c{sub(t)} = f ⊙ c{sub(prev)} + i ⊙ g"
    if cell == "gru":
        return f"{s_t} = (1−z) ⊙ n + z ⊙ {s_prev}"
    act = ACTIVATION_SYMBOLS.get(nonlinearity, nonlinearity)
    return f"{s_t} = {act}({w_ih} {x_t} + {w_hh} {s_prev} + {bias}),  {bias_sum(mark)}"


def initial_state_note(t: int, steps: int, direction: str = "forward") -> str:
    """ "s₀ = 0" at the first step of a direction (s_{T+1} going backward), else ""."""
    if direction == "forward" and t == 1:
        return "s₀ = 0"
    if direction == "backward" and t == steps:
        return f"s{sub(steps + 1)} = 0"
    return ""


def gates_equation(
    cell: str, t: int, direction: str = "forward", *, bidirectional: bool = False, layer: int = 1
) -> str:
    """What the rows of a gates panel are: "i f oᵍ = σ(·), g = tanh(·), c₃ = f ⊙ c₂ + i ⊙ g"
    (oᵍ: the output gate); GRU's n with the state it reads (s_{t-1}, s_{t+1} backward)."""
    prev = t - 1 if direction == "forward" else t + 1
    if cell == "lstm":
        return f"i f {OUTPUT_GATE} = σ(·)   g = tanh(·)   c{sub(t)} = f ⊙ c{sub(prev)} + i ⊙ g"
    if cell == "gru":
        mark = "'" if direction == "backward" else ""
        s_prev = state_symbol(prev, direction if bidirectional else None)
        x_t = input_symbol(t, layer)
        return (
            f"r z = σ(·)   n = tanh(W{mark}_in {x_t} + b{mark}_in"
            f" + r ⊙ (W{mark}_hn {s_prev} + b{mark}_hn))"
        )
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


def final_state(steps: int, *, bidirectional: bool, merge: str = "concat") -> str:
    """What a many-to-one readout reads: s_T ("s₅"), or for a bidirectional network the
    final state of each direction merged, forward at T and backward at 1 ("[→s₅ ; ←s₁]")."""
    if not bidirectional:
        return f"s{sub(steps)}"
    final = merge_equation(merge, steps).split(" = ", 1)[1]
    return final.replace(state_symbol(steps, "backward"), state_symbol(1, "backward"))


def output_equation(t: int, steps: int, *, readout: str, bidirectional: bool, merge: str) -> str:
    """The readout: "o₃ = W_oh s₃ + b_o", or for many-to-one the final state(s)."""
    if readout == "every":
        return f"o{sub(t)} = W_oh s{sub(t)} + b_o"
    return f"o = W_oh {final_state(steps, bidirectional=bidirectional, merge=merge)} + b_o"
