"""Backpropagation through time for every cell, stacked and bidirectional.

Works on traces of batched runs (`Network.trace_batch`: arrays (T, B, ·)). The
cotangents may have a batch axis of their own where the forward batch is 1 (K
seeds through one sequence at once): that is how `influence` gets a whole
Jacobian from one backward pass per timestep.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Network
from .trace import DirectionTrace, Trace


@dataclass
class Gradients:
    """dL/dθ for every parameter (PyTorch names, the network's shapes) and dL/dx: (T, B, in)."""

    params: dict[str, np.ndarray]
    inputs: np.ndarray


def _shifted(states: np.ndarray, direction: str) -> np.ndarray:
    """The state each step started from: s_{t-1} forward, s_{t+1} backward; zeros at the edge.
    states: (T, B, H) -> (T, B, H)."""
    prev = np.zeros_like(states)
    if direction == "forward":
        prev[1:] = states[:-1]
    else:
        prev[:-1] = states[1:]
    return prev


def _activation_slope(net: Network, h: np.ndarray) -> np.ndarray:
    """act'(a) written in terms of the output h = act(a); any shape."""
    if net.nonlinearity == "tanh":
        return 1.0 - h * h
    if net.nonlinearity == "sigmoid":
        return h * (1.0 - h)
    return (h > 0).astype(h.dtype)  # relu


# overflowed traces give inf/NaN gradients: results to show, not warnings to print
@np.errstate(over="ignore", invalid="ignore")
def _direction_backward(
    net: Network,
    layer: int,
    direction: str,
    x: np.ndarray,
    run: DirectionTrace,
    dh_ext: np.ndarray,
    grads: dict[str, np.ndarray] | None,
) -> np.ndarray:
    """BPTT through one layer and direction. x: (T, B, in) its input; run: its states
    (T, B, H); dh_ext: (T, K, H) dL/dh from above (K = B, or any K when B = 1).
    Adds parameter gradients into `grads` (unless None); returns dL/dx: (T, K, in)."""
    w_ih, w_hh, _, b_hh = net.weights(layer, direction)
    T, K, H = dh_ext.shape
    h_prev = _shifted(run.h, direction)
    dz_all = np.zeros((T, K, w_ih.shape[0]), dtype=dh_ext.dtype)  # d pre-activation, input side
    dhp_all = dz_all  # d recurrent projection W_hh h + b_hh (differs only for GRU)
    dh_next = np.zeros((K, H), dtype=dh_ext.dtype)
    order = range(T - 1, -1, -1) if direction == "forward" else range(T)
    if net.cell == "rnn":
        slope = _activation_slope(net, run.h)
        for t in order:
            da = (dh_ext[t] + dh_next) * slope[t]  # through the activation
            dz_all[t] = da
            dh_next = da @ w_hh  # to s_{t-1} through W_hh
    elif net.cell == "lstm":
        assert run.c is not None
        i, f, g, o = (run.gates[k] for k in "ifgo")
        c_prev = _shifted(run.c, direction)
        tanh_c = np.tanh(run.c)
        dc_next = np.zeros((K, H), dtype=dh_ext.dtype)
        for t in order:
            dh = dh_ext[t] + dh_next
            dc = dc_next + dh * o[t] * (1.0 - tanh_c[t] ** 2)  # h = o ⊙ tanh(c)
            dz = dz_all[t]
            dz[:, :H] = dc * g[t] * i[t] * (1.0 - i[t])  # input gate
            dz[:, H : 2 * H] = dc * c_prev[t] * f[t] * (1.0 - f[t])  # forget gate
            dz[:, 2 * H : 3 * H] = dc * i[t] * (1.0 - g[t] ** 2)  # candidate
            dz[:, 3 * H :] = dh * tanh_c[t] * o[t] * (1.0 - o[t])  # output gate
            dc_next = dc * f[t]  # c_t = f ⊙ c_{t-1} + ...
            dh_next = dz @ w_hh
    else:  # gru
        r, z, n = (run.gates[k] for k in "rzn")
        h_n = h_prev @ w_hh[2 * H :].T + b_hh[2 * H :]  # W_hn s_{t-1} + b_hn, as r scaled it
        dhp_all = np.zeros_like(dz_all)
        for t in order:
            dh = dh_ext[t] + dh_next
            da_n = dh * (1.0 - z[t]) * (1.0 - n[t] ** 2)  # h = (1-z) n + z h_prev; n = tanh(.)
            da_r = da_n * h_n[t] * r[t] * (1.0 - r[t])
            da_z = dh * (h_prev[t] - n[t]) * z[t] * (1.0 - z[t])
            dz_all[t, :, :H], dz_all[t, :, H : 2 * H], dz_all[t, :, 2 * H :] = da_r, da_z, da_n
            dhp = dhp_all[t]
            dhp[:, :H], dhp[:, H : 2 * H], dhp[:, 2 * H :] = da_r, da_z, da_n * r[t]
            dh_next = dh * z[t] + dhp @ w_hh
    if grads is not None:
        suffix = "_reverse" if direction == "backward" else ""
        grads[f"weight_ih_l{layer}{suffix}"] += np.einsum("tbg,tbi->gi", dz_all, x)
        grads[f"weight_hh_l{layer}{suffix}"] += np.einsum("tbg,tbh->gh", dhp_all, h_prev)
        if net.bias:
            grads[f"bias_ih_l{layer}{suffix}"] += dz_all.sum(axis=(0, 1))
            grads[f"bias_hh_l{layer}{suffix}"] += dhp_all.sum(axis=(0, 1))
    return dz_all @ w_ih


def _merge_backward(net: Network, d: np.ndarray, fwd: np.ndarray, bwd: np.ndarray):
    """Split dL/d(merged) (…, H') into dL/d(forward), dL/d(backward), each (…, H)."""
    if net.merge == "concat":
        H = net.hidden_size
        return d[..., :H], d[..., H:]
    if net.merge == "sum":
        return d, d
    if net.merge == "mean":
        return d / 2, d / 2
    return d * bwd, d * fwd  # mul


def backward(
    net: Network,
    trace: Trace,
    d_outputs: np.ndarray | None = None,
    d_top: np.ndarray | None = None,
    *,
    want_params: bool = True,
) -> Gradients:
    """dL/dθ and dL/dx of a batched trace (arrays (T, B, ·)) given the loss's gradient
    with respect to the outputs, d_outputs: (T, B, O) for readout "every", (1, B, O) for
    "last"; and/or with respect to the top layer's merged states, d_top: (T, K, H')."""
    T = trace.inputs.shape[0]
    grads = {k: np.zeros_like(v) for k, v in net.params.items()} if want_params else None
    top = trace.layers[-1]
    cotangent = [a for a in (d_outputs, d_top) if a is not None]
    if not cotangent:
        raise ValueError("give d_outputs or d_top")
    K = cotangent[0].shape[1]
    d_out = np.zeros((T, K, net.merged_size), dtype=net.dtype)
    if d_top is not None:
        d_out += d_top
    d_final = None  # dL/d(final state) for readout "last"
    if d_outputs is not None:
        w = net.params["readout.weight"]
        states = top.output if net.readout == "every" else net.final_state(top)[None]
        if grads is not None:
            grads["readout.weight"] += np.einsum("tbo,tbh->oh", d_outputs, states)
            grads["readout.bias"] += d_outputs.sum(axis=(0, 1))
        d_states = d_outputs @ w  # (T or 1, K, H')
        if net.readout == "every":
            d_out += d_states
        else:
            d_final = d_states[0]
    for k in range(net.num_layers - 1, -1, -1):
        layer = trace.layers[k]
        final = d_final if k == net.num_layers - 1 else None
        if layer.backward is None:
            d_fwd = np.array(d_out)  # own copy: the final-state gradient is added below
            if final is not None:
                d_fwd[-1] += final
            d_out = _direction_backward(net, k, "forward", layer.input, layer.forward, d_fwd, grads)
            continue
        fwd_h, bwd_h = layer.forward.h, layer.backward.h
        d_fwd, d_bwd = (np.array(d) for d in _merge_backward(net, d_out, fwd_h, bwd_h))
        if final is not None:
            f_last, b_first = _merge_backward(net, final, fwd_h[-1], bwd_h[0])
            d_fwd[-1] += f_last  # forward at t=T
            d_bwd[0] += b_first  # backward at t=1
        d_out = _direction_backward(
            net, k, "forward", layer.input, layer.forward, d_fwd, grads
        ) + _direction_backward(net, k, "backward", layer.input, layer.backward, d_bwd, grads)
    return Gradients(params=grads or {}, inputs=d_out)


def influence_row(net: Network, trace: Trace, t: int) -> np.ndarray:
    """One row of the influence matrix: ‖∂s_t/∂x_k‖_F for every k, from a batched trace
    of one sequence (`net.trace_batch(X[:, None, :])`). t: 0-based. Returns (T,)."""
    T, width = trace.inputs.shape[0], net.merged_size
    d_top = np.zeros((T, width, width), dtype=net.dtype)
    d_top[t] = np.eye(width, dtype=net.dtype)  # one cotangent per unit of s_t
    jac = backward(net, trace, d_top=d_top, want_params=False).inputs  # (T, H', in)
    return np.sqrt(np.einsum("kui,kui->k", jac, jac))  # Frobenius norm over (unit, in)


def influence(net: Network, inputs: np.ndarray) -> np.ndarray:
    """How strongly each input still affects each state: influence[t, k] = ‖∂s_t/∂x_k‖_F,
    s_t the top layer's merged state (H'), x_k the input vector (after embedding).
    inputs: (T, input_size) -> (T, T); lower triangular for a unidirectional network.
    Costs T backward passes; `influence_row` computes one t alone."""
    trace = net.trace_batch(np.asarray(inputs)[:, None, :])
    T = trace.inputs.shape[0]
    out = np.zeros((T, T), dtype=np.float64)
    for t in range(T):
        out[t] = influence_row(net, trace, t)
    return out
