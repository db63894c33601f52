"""The numbers behind a cell, for the equation panel: display arithmetic only.

Everything is read from the trace (its states, gates and the precomputed input
projection X·W_ihᵀ + b_ih) and the network's weights; the only arithmetic done here is
writing out the terms of one unit's equation (a row of W_hh times s_{t-1}, the sums,
one activation), so the panel can show each number and check the result against the
trace. Nothing here imports textual.
"""

from __future__ import annotations

import math

import numpy as np

from ..engine import Network, Trace
from ..i18n import _
from ..render.equation import GateRow, Product, Step, UnitEquation, factor, num
from ..render.notation import (
    ACTIVATION_SYMBOLS,
    OUTPUT_GATE,
    gate_label,
    input_symbol,
    state_symbol,
    sub,
)

GATE_ACTS = {"i": "σ", "f": "σ", "g": "tanh", "o": "σ", "r": "σ", "z": "σ", "n": "tanh"}


def _activate(act: str, value: float) -> float:
    """tanh, σ or relu of one number."""
    if act == "tanh":
        return float(np.tanh(value))
    if act == "σ":
        return float(1.0 / (1.0 + np.exp(-value)))
    return max(value, 0.0)  # relu


@np.errstate(all="ignore")  # an overflow shows as inf / nan, silently
def product(name: str, weights: np.ndarray, values: np.ndarray) -> Product:
    """weights · values written out, every term in index order; for a one-hot input only
    the one term that is not × 0 (a state's zeros, from relu, are written: the same
    terms at every step).
    The panel decides at its width how many of them it writes. weights, values: (n,)."""
    terms = weights * values
    count = int(terms.size)
    nonzero = np.flatnonzero(values)
    sparse = nonzero.size == 1 and count > 2  # a one-hot row
    shown = nonzero if sparse else np.arange(count)
    return Product(
        name=name,
        weights=tuple(float(w) for w in weights[shown]),
        values=tuple(float(v) for v in values[shown]),
        indices=tuple(int(i) + 1 for i in shown),
        total=float(terms.sum()),
        count=count,
        rest_zero=bool(sparse),
    )


@np.errstate(all="ignore")
def unit_equation(
    network: Network, trace: Trace, layer: int, direction: str, t: int, unit: int
) -> UnitEquation:
    """The equation of unit `unit` (1-based) of the state of `layer` (0-based) in
    `direction` at step t (1-based), with every term from the trace and the weights."""
    T, H = trace.steps, network.hidden_size
    j = unit - 1
    lt = trace.layers[layer]
    run = lt.forward if direction == "forward" else lt.backward
    assert run is not None
    w_ih, w_hh, b_ih, b_hh = network.weights(layer, direction)
    x = lt.input[t - 1]
    forward = direction == "forward"
    prev_t = t - 1 if forward else t + 1
    at_edge = prev_t < 1 or prev_t > T
    s_prev = np.zeros(H, dtype=run.h.dtype) if at_edge else run.h[prev_t - 1]
    c_prev = None
    if run.c is not None:
        c_prev = np.zeros(H, dtype=run.c.dtype) if at_edge else run.c[prev_t - 1]
    # the input part was computed for every t before the loop: read it, do not redo it
    projection = run.projection[t - 1] if run.projection is not None else x @ w_ih.T + b_ih
    arrow = direction if network.bidirectional else None
    s_t, s_p = state_symbol(t, arrow), state_symbol(prev_t, arrow)
    x_symbol = input_symbol(t, layer + 1)
    prev_symbol = f"{s_p} = 0" if at_edge else s_p
    symbol = f"{s_t}[{unit}]"
    where = [_("unit {unit} of {n}").format(unit=unit, n=H)]
    if network.num_layers > 1:
        where.append(_("layer {k}").format(k=layer + 1))
    if network.bidirectional:
        where.append(_(direction))
    where.append(f"t = {t}")
    heading = _(", ").join(where)
    prime = "'" if network.bidirectional and direction == "backward" else ""  # W', b' (3.6)

    def row_of(block: int, name: str, act: str, gate_trace: np.ndarray | None) -> GateRow:
        r = block * H + j
        x_part = float(projection[r])
        h_part = float(w_hh[r] @ s_prev)  # one row of the per-step recurrent product
        bias = float(b_hh[r])
        pre = x_part + h_part + bias
        value = _activate(act, pre)
        stored = None if gate_trace is None else float(gate_trace[t - 1, j])
        label = gate_label(name, network.cell)  # the LSTM's output gate as oᵍ, not o
        return GateRow(label, act, x_part, h_part, bias, pre, value, stored, b_ih=float(b_ih[r]))

    result_trace = float(run.h[t - 1, j])
    if network.cell == "rnn":
        act = ACTIVATION_SYMBOLS.get(network.nonlinearity, network.nonlinearity)
        row = row_of(0, "s", act, None)
        products = (
            product(f"W{prime}_ih[{unit},:]·{x_symbol}", w_ih[j], x),
            product(f"W{prime}_hh[{unit},:]·{s_p}", w_hh[j], s_prev),
        )
        return UnitEquation(
            symbol,
            heading,
            "rnn",
            x_symbol,
            prev_symbol,
            (row,),
            products,
            result=row.value,
            trace=result_trace,
            prime=prime,
        )
    names = network.spec.gate_names
    if network.cell == "lstm":
        rows = tuple(
            row_of(b, name, GATE_ACTS[name], run.gates[name]) for b, name in enumerate(names)
        )
        i, f, g, o = (r.value for r in rows)
        assert c_prev is not None and run.c is not None
        cp = float(c_prev[j])
        c = f * cp + i * g  # new cell state
        h = o * float(np.tanh(c))  # new hidden state
        c_t, c_p = f"c{sub(t)}[{unit}]", f"c{sub(prev_t)}"
        steps: tuple[Step, ...] = (
            Step(
                f"{c_t} = f·{c_p} + i·g = {factor(f)}×{factor(cp)} + {factor(i)}×{factor(g)}",
                c,
                float(run.c[t - 1, j]),
            ),
            Step(
                f"{symbol} = {OUTPUT_GATE}·tanh({c_t}) = {factor(o)}×tanh({num(c)})",
                h,
                result_trace,
            ),
        )
        return UnitEquation(
            symbol,
            heading,
            "lstm",
            x_symbol,
            prev_symbol,
            rows,
            (),
            steps,
            result=h,
            trace=result_trace,
            prime=prime,
        )
    # GRU: r and z as usual; n = tanh(x_n + r·(W_hn s + b_hn)); s = (1-z)·n + z·s_prev
    r_row = row_of(0, "r", "σ", run.gates["r"])
    z_row = row_of(1, "z", "σ", run.gates["z"])
    n_base = row_of(2, "n", "tanh", run.gates["n"])
    r = r_row.value
    n_pre = n_base.x_part + r * (n_base.h_part + n_base.b_hh)
    n_row = GateRow(
        "n",
        "tanh",
        n_base.x_part,
        n_base.h_part,
        n_base.b_hh,
        n_pre,
        _activate("tanh", n_pre),
        n_base.trace,
        reset=r,
        b_ih=n_base.b_ih,
    )
    z, n, sp = z_row.value, n_row.value, float(s_prev[j])
    h = (1.0 - z) * n + z * sp  # blend of the candidate and the previous state
    steps = (
        Step(
            f"{symbol} = (1−z)·n + z·{s_p}[{unit}] = {factor(1.0 - z)}×{factor(n)} + "
            f"{factor(z)}×{factor(sp)}",
            h,
            result_trace,
        ),
    )
    return UnitEquation(
        symbol,
        heading,
        "gru",
        x_symbol,
        prev_symbol,
        (r_row, z_row, n_row),
        (),
        steps,
        result=h,
        trace=result_trace,
        prime=prime,
    )


@np.errstate(all="ignore")
def merge_steps(network: Network, trace: Trace, layer: int, t: int, unit: int) -> list[Step]:
    """How unit `unit` of the two directions is merged at t (what the next layer reads)."""
    lt = trace.layers[layer]
    assert lt.backward is not None
    j, H = unit - 1, network.hidden_size
    f, b = float(lt.forward.h[t - 1, j]), float(lt.backward.h[t - 1, j])
    fs, bs = state_symbol(t, "forward"), state_symbol(t, "backward")
    s = f"s{sub(t)}"
    mode = network.merge
    if mode == "concat":
        return [
            Step(
                f"{s}[{unit}] = {fs}[{unit}]  " + _("(concat: the first half)"),
                f,
                float(lt.output[t - 1, j]),
            ),
            Step(
                f"{s}[{H + unit}] = {bs}[{unit}]  " + _("(concat: the second half)"),
                b,
                float(lt.output[t - 1, H + j]),
            ),
        ]
    if mode == "sum":
        text, value = f"{fs}[{unit}] + {bs}[{unit}] = {num(f)} + {factor(b)}", f + b
    elif mode == "mean":
        text = f"({fs}[{unit}] + {bs}[{unit}]) / 2 = ({num(f)} + {factor(b)}) / 2"
        value = (f + b) / 2
    else:
        text, value = f"{fs}[{unit}] × {bs}[{unit}] = {factor(f)}×{factor(b)}", f * b
    return [Step(f"{s}[{unit}] = {text}", value, float(lt.output[t - 1, j]))]


@np.errstate(all="ignore")
def readout_step(
    network: Network, trace: Trace, t: int, unit: int, labels: list[str] | None
) -> list[Step]:
    """The predicted output at t (o_t, or the one o of a many-to-one readout), and the
    selected unit's share of it: W_oh[k, unit]·s[unit]."""
    if trace.outputs is None:
        return []
    w, b = network.params["readout.weight"], network.params["readout.bias"]
    top = trace.layers[-1]
    if network.readout == "every":
        state, row, o_name = top.output[t - 1], trace.outputs[t - 1], f"o{sub(t)}"
    else:
        state, row, o_name = network.final_state(top), trace.outputs[0], "o"
    k = int(np.argmax(row))
    name = labels[k] if labels else str(k + 1)
    j, H = unit - 1, network.hidden_size
    total = float(w[k] @ state + b[k])  # one row of the readout, for the sum
    # the unit's columns: j, and with concat H + j too (the backward half)
    columns = (j, H + j) if state.size == 2 * H else (j,)
    share = math.fsum(float(w[k, c] * state[c]) for c in columns)
    names = " + ".join(f"W_oh[{name},{c + 1}]·s[{c + 1}]" for c in columns)
    values = " + ".join(f"{factor(float(w[k, c]))}×{factor(float(state[c]))}" for c in columns)
    return [
        Step(
            f"{o_name}[{name}] = W_oh[{name},:]·s + b_o[{name}]  "
            + _("({n} terms; the largest output)").format(n=state.size),
            total,
            float(row[k]),
        ),
        Step("  " + _("of which unit {unit}: ").format(unit=unit) + f"{names} = {values}", share),
    ]
