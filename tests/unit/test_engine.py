"""Unit tests of the numpy engine (rnn_tui.engine) against independent references."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from rnn_tui.engine import (
    Network,
    init_state_dict,
    merge_states,
    parameter_shapes,
    sigmoid,
    softmax,
)

EXACT = 1e-12


def max_abs(actual: np.ndarray, expected) -> float:
    expected = np.asarray(expected, dtype=np.float64)
    assert np.shape(actual) == expected.shape, (np.shape(actual), expected.shape)
    return float(np.max(np.abs(np.asarray(actual, dtype=np.float64) - expected)))


# --------------------------------------------------------------------------- the stepper


STEPPER_CASES = [
    # (cell, nonlinearity, num_layers, bidirectional, merge, output_size, readout)
    ("rnn", "tanh", 3, True, "concat", 3, "every"),
    ("rnn", "relu", 3, True, "sum", 2, "last"),
    ("rnn", "sigmoid", 3, True, "mean", 2, "every"),
    ("rnn", "tanh", 3, True, "mul", 0, "every"),
    ("rnn", "tanh", 1, False, "concat", 2, "last"),
    ("lstm", "tanh", 3, True, "concat", 2, "last"),
    ("lstm", "tanh", 3, True, "sum", 3, "every"),
    ("lstm", "tanh", 3, True, "mean", 0, "every"),
    ("lstm", "tanh", 3, True, "mul", 2, "every"),
    ("lstm", "tanh", 2, False, "concat", 2, "every"),
    ("gru", "tanh", 3, True, "concat", 2, "every"),
    ("gru", "tanh", 3, True, "sum", 0, "every"),
    ("gru", "tanh", 3, True, "mean", 3, "last"),
    ("gru", "tanh", 3, True, "mul", 2, "last"),
    ("gru", "tanh", 2, False, "concat", 0, "every"),
]


@pytest.mark.parametrize(
    "cell,nonlinearity,num_layers,bidirectional,merge,output_size,readout", STEPPER_CASES
)
def test_stepwise_equals_vectorised(
    cell, nonlinearity, num_layers, bidirectional, merge, output_size, readout
):
    input_size, hidden, steps = 4, 5, 9
    net = Network(
        cell=cell, input_size=input_size, hidden_size=hidden, num_layers=num_layers,
        bidirectional=bidirectional, merge=merge, nonlinearity=nonlinearity,
        output_size=output_size, readout=readout, seed=11,
    )  # fmt: skip
    x = np.random.default_rng(3).standard_normal((steps, input_size))
    fast, slow = net.trace(x), net.trace_stepwise(x)
    gate_names = {"rnn": [], "lstm": ["f", "g", "i", "o"], "gru": ["n", "r", "z"]}[cell]

    assert len(fast.layers) == len(slow.layers) == num_layers
    for k, (a, b) in enumerate(zip(fast.layers, slow.layers, strict=True)):
        assert max_abs(a.input, b.input) <= EXACT, k
        assert max_abs(a.output, b.output) <= EXACT, k
        sides = [(a.forward, b.forward, "forward")]
        if bidirectional:
            sides.append((a.backward, b.backward, "backward"))
        else:
            assert a.backward is None and b.backward is None
        for da, db, direction in sides:
            assert da.h.shape == (steps, hidden)
            assert max_abs(da.h, db.h) <= EXACT, (k, direction)
            if cell == "lstm":
                assert max_abs(da.c, db.c) <= EXACT, (k, direction)
            else:
                assert da.c is None and db.c is None
            assert sorted(da.gates) == sorted(db.gates) == gate_names
            for name in gate_names:
                assert max_abs(da.gates[name], db.gates[name]) <= EXACT, (k, direction, name)
            # The vectorised run keeps its input projection: X W_ihᵀ + b_ih for all t.
            w_ih, _, b_ih, _ = net.weights(k, direction)
            assert max_abs(da.projection, a.input @ w_ih.T + b_ih) <= EXACT
            assert db.projection is None
    if output_size:
        rows = steps if readout == "every" else 1
        assert fast.outputs.shape == slow.outputs.shape == (rows, output_size)
        assert max_abs(fast.outputs, slow.outputs) <= EXACT
    else:
        assert fast.outputs is None and slow.outputs is None
    # Not a trivial run: the states move.
    assert np.ptp(fast.layers[-1].output) > 1e-3


def test_step_api_matches_trace_for_one_step():
    net = Network(cell="lstm", input_size=3, hidden_size=4, seed=5)
    x = np.random.default_rng(5).standard_normal((2, 3))
    trace = net.trace(x)
    state, gates = net.step(0, "forward", x[0], net.initial_state())
    state, gates = net.step(0, "forward", x[1], state)
    assert max_abs(state[0], trace.layers[0].forward.h[1]) <= EXACT
    assert max_abs(state[1], trace.layers[0].forward.c[1]) <= EXACT
    assert max_abs(gates["f"], trace.layers[0].forward.gates["f"][1]) <= EXACT


def test_run_directions_are_the_ways_a_layer_runs_over_time():
    import rnn_tui.engine as engine

    assert engine.RUN_DIRECTIONS == ("forward", "backward")
    assert Network("rnn", bidirectional=True).directions == engine.RUN_DIRECTIONS
    assert Network("rnn").directions == ("forward",)
    assert not hasattr(engine, "DIRECTIONS")  # the view's DIRECTIONS, with "both", is another


# --------------------------------------------------------------- independent references


def ref_direction(x, w_ih, w_hh, b_ih, b_hh, reverse, act):
    """Elman RNN, one direction, in plain Python: lists of floats, explicit sums.
    Returns a list of T states (lists), indexed by original time."""
    steps, hidden = len(x), len(w_hh)
    h = [0.0] * hidden
    out = [None] * steps
    for t in reversed(range(steps)) if reverse else range(steps):
        new = []
        for j in range(hidden):
            a = b_ih[j] + b_hh[j]
            for i in range(len(x[t])):
                a += w_ih[j][i] * x[t][i]
            for i in range(hidden):
                a += w_hh[j][i] * h[i]
            new.append(act(a))
        h = new
        out[t] = h
    return out


def ref_merge(f, b, mode):
    """The four merges, written out element by element."""
    if mode == "concat":
        return list(f) + list(b)
    if mode == "sum":
        return [f[j] + b[j] for j in range(len(f))]
    if mode == "mean":
        return [(f[j] + b[j]) / 2 for j in range(len(f))]
    return [f[j] * b[j] for j in range(len(f))]


def ref_bidirectional_rnn(sd, x, num_layers, merge):
    """Stacked bidirectional tanh RNN; returns [(layer input, fwd, bwd, merged)] per layer."""
    layers = []
    layer_in = x.tolist()
    for k in range(num_layers):
        runs = []
        for suffix, reverse in (("", False), ("_reverse", True)):
            runs.append(
                ref_direction(
                    layer_in,
                    sd[f"weight_ih_l{k}{suffix}"].tolist(),
                    sd[f"weight_hh_l{k}{suffix}"].tolist(),
                    sd[f"bias_ih_l{k}{suffix}"].tolist(),
                    sd[f"bias_hh_l{k}{suffix}"].tolist(),
                    reverse,
                    math.tanh,
                )
            )
        fwd, bwd = runs
        merged = [ref_merge(fwd[t], bwd[t], merge) for t in range(len(x))]
        layers.append((layer_in, fwd, bwd, merged))
        layer_in = merged
    return layers


@pytest.mark.parametrize("merge", ["concat", "sum", "mean", "mul"])
def test_merges_against_hand_written_reference(merge):
    input_size, hidden, steps, out = 3, 4, 6, 2
    shapes = parameter_shapes("rnn", input_size, hidden, 2, True, merge, out)
    width = 2 * hidden if merge == "concat" else hidden
    assert shapes["weight_ih_l1"] == (hidden, width)
    assert shapes["readout.weight"] == (out, width)
    sd = init_state_dict(shapes, hidden, seed=21)
    net = Network(
        cell="rnn",
        input_size=input_size,
        hidden_size=hidden,
        num_layers=2,
        bidirectional=True,
        merge=merge,
        output_size=out,
        state_dict=sd,
    )
    assert net.merged_size == width
    x = np.random.default_rng(8).standard_normal((steps, input_size))
    trace = net.trace(x)
    ref = ref_bidirectional_rnn(sd, x, 2, merge)

    for k in range(2):
        layer_in, fwd, bwd, merged = ref[k]
        assert max_abs(trace.layers[k].input, layer_in) <= EXACT, k
        assert max_abs(trace.layers[k].forward.h, fwd) <= EXACT, k
        assert max_abs(trace.layers[k].backward.h, bwd) <= EXACT, k
        assert max_abs(trace.layers[k].output, merged) <= EXACT, k
    # Layer 2 reads exactly layer 1's merged states.
    assert max_abs(trace.layers[1].input, ref[0][3]) <= EXACT
    # merge_states itself, on the reference's own states.
    f, b = np.array(ref[1][1]), np.array(ref[1][2])
    assert max_abs(merge_states(f, b, merge), ref[1][3]) <= EXACT
    # Readout every: o_t = W s_t + b on the merged top states.
    w, bias = sd["readout.weight"].tolist(), sd["readout.bias"].tolist()
    expected = [
        [bias[o] + sum(w[o][j] * s[j] for j in range(width)) for o in range(out)] for s in ref[1][3]
    ]
    assert max_abs(trace.outputs, expected) <= EXACT


def test_merge_states_rejects_unknown_mode():
    with pytest.raises(ValueError, match="merge must be one of concat, sum, mean, mul, not 'max'"):
        merge_states(np.zeros(2), np.zeros(2), "max")


def test_sigmoid_rnn_is_the_tutorial_recurrence():
    """Tutorial 3.4: s_t = σ(W x_t + U s_{t-1} + b), o_t = V s_t + c."""
    rng = np.random.default_rng(4)
    input_size, hidden, out, steps = 3, 4, 2, 7
    W = rng.uniform(-1, 1, (hidden, input_size))
    U = rng.uniform(-1, 1, (hidden, hidden))
    b = rng.uniform(-1, 1, hidden)
    V = rng.uniform(-1, 1, (out, hidden))
    c = rng.uniform(-1, 1, out)
    x = rng.standard_normal((steps, input_size))
    sd = {
        "weight_ih_l0": W,
        "weight_hh_l0": U,
        "bias_ih_l0": b,
        "bias_hh_l0": np.zeros(hidden),
        "readout.weight": V,
        "readout.bias": c,
    }
    net = Network(
        cell="rnn",
        input_size=input_size,
        hidden_size=hidden,
        nonlinearity="sigmoid",
        output_size=out,
        state_dict=sd,
    )
    trace = net.trace(x)

    s = [0.0] * hidden
    states, outputs = [], []
    for t in range(steps):
        s = [
            1.0 / (1.0 + math.exp(-(
                sum(W[j, i] * x[t, i] for i in range(input_size))
                + sum(U[j, i] * s[i] for i in range(hidden))
                + b[j]
            )))
            for j in range(hidden)
        ]  # fmt: skip
        states.append(s)
        outputs.append([sum(V[o, j] * s[j] for j in range(hidden)) + c[o] for o in range(out)])
    assert max_abs(trace.layers[0].forward.h, states) <= EXACT
    assert max_abs(trace.outputs, outputs) <= EXACT
    assert np.all((trace.layers[0].forward.h > 0) & (trace.layers[0].forward.h < 1))


# --------------------------------------------------------------- worked by hand


def test_two_unit_tanh_example_by_hand():
    """W_ih = 0.5·I, W_hh = I, no bias; x_1 = (1, 0), x_2 = (0, 1), x_3 = (0, 0).

    t=1: a = 0.5·(1, 0) + (0, 0)            = (0.5, 0)
         s_1 = (tanh 0.5, tanh 0)            = (0.46211715726000974, 0)
    t=2: a = 0.5·(0, 1) + s_1               = (0.46211715726000974, 0.5)
         s_2 = (tanh 0.46211715726000974, tanh 0.5)
             = (0.4318081805950961, 0.46211715726000974)
    t=3: a = s_2
         s_3 = (tanh 0.4318081805950961, tanh 0.46211715726000974)
             = (0.40683132335207434, 0.4318081805950961)
    Unit 2 repeats unit 1 one step later. Readout W = [[1, -1]], b = 0.5:
    o_1 = 0.46211715726000974 - 0 + 0.5 = 0.96211715726000974
    o_2 = 0.4318081805950961 - 0.46211715726000974 + 0.5 = 0.4696910233350864
    o_3 = 0.40683132335207434 - 0.4318081805950961 + 0.5 = 0.4750231427569782
    """
    sd = {
        "weight_ih_l0": 0.5 * np.eye(2),
        "weight_hh_l0": np.eye(2),
        "bias_ih_l0": np.zeros(2),
        "bias_hh_l0": np.zeros(2),
        "readout.weight": np.array([[1.0, -1.0]]),
        "readout.bias": np.array([0.5]),
    }
    net = Network(cell="rnn", input_size=2, hidden_size=2, output_size=1, state_dict=sd)
    trace = net.trace(np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]))
    expected_h = [
        [0.46211715726000974, 0.0],
        [0.4318081805950961, 0.46211715726000974],
        [0.40683132335207434, 0.4318081805950961],
    ]
    assert max_abs(trace.layers[0].forward.h, expected_h) <= 1e-15
    expected_o = [[0.96211715726000974], [0.4696910233350864], [0.4750231427569782]]
    assert max_abs(trace.outputs, expected_o) <= 1e-15


def relu_bidirectional(merge: str, readout: str, w_out, b_out) -> Network:
    """input 1, hidden 1, ReLU, bidirectional; numbers chosen to stay exact in binary.
    forward:  W_ih = 1, W_hh = 0.5, biases 0
    backward: W_ih = 2, W_hh = 0.5, b_ih = 0.25, b_hh = 0"""
    one = np.ones((1, 1))
    sd = {
        "weight_ih_l0": one, "weight_hh_l0": 0.5 * one,
        "bias_ih_l0": np.zeros(1), "bias_hh_l0": np.zeros(1),
        "weight_ih_l0_reverse": 2 * one, "weight_hh_l0_reverse": 0.5 * one,
        "bias_ih_l0_reverse": np.array([0.25]), "bias_hh_l0_reverse": np.zeros(1),
        "readout.weight": np.array([w_out], dtype=float), "readout.bias": np.array(b_out, float),
    }  # fmt: skip
    return Network(
        cell="rnn",
        input_size=1,
        hidden_size=1,
        bidirectional=True,
        merge=merge,
        nonlinearity="relu",
        output_size=1,
        readout=readout,
        state_dict=sd,
    )


# x = (1, 2, 3).
# forward  (t = 1, 2, 3): 1;  2 + 0.5·1 = 2.5;  3 + 0.5·2.5 = 4.25
# backward (t = 3, 2, 1): 2·3 + 0.25 = 6.25;  2·2 + 0.25 + 0.5·6.25 = 7.375;
#                         2·1 + 0.25 + 0.5·7.375 = 5.9375   (stored at original t)
X_123 = np.array([[1.0], [2.0], [3.0]])


@pytest.mark.parametrize(
    "merge,expected",
    [
        ("concat", [[1.0, 5.9375], [2.5, 7.375], [4.25, 6.25]]),
        ("sum", [[6.9375], [9.875], [10.5]]),
        ("mean", [[3.46875], [4.9375], [5.25]]),
        ("mul", [[5.9375], [18.4375], [26.5625]]),
    ],
)
def test_bidirectional_relu_example_by_hand(merge, expected):
    w_out = [1.0, 1.0] if merge == "concat" else [1.0]
    trace = relu_bidirectional(merge, "every", w_out, [0.0]).trace(X_123)
    layer = trace.layers[0]
    assert layer.forward.h[:, 0].tolist() == [1.0, 2.5, 4.25]
    assert layer.backward.h[:, 0].tolist() == [5.9375, 7.375, 6.25]
    assert layer.output.tolist() == expected
    assert trace.outputs[:, 0].tolist() == [sum(row) for row in expected]


def test_readout_last_reads_forward_at_T_and_backward_at_1():
    # concat, W = [1, 1]: forward h at t=3 (4.25) + backward h at t=1 (5.9375) = 10.1875,
    # not the backward state at t=3 (6.25, which has seen only x_3): 10.5.
    trace = relu_bidirectional("concat", "last", [1.0, 1.0], [0.0]).trace(X_123)
    assert trace.outputs.tolist() == [[10.1875]]
    # sum, W = [2], b = -1: 2·(4.25 + 5.9375) - 1 = 19.375
    trace = relu_bidirectional("sum", "last", [2.0], [-1.0]).trace(X_123)
    assert trace.outputs.tolist() == [[19.375]]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("merge", ["concat", "sum", "mul"])
def test_readout_last_general(cell, merge):
    kwargs = dict(
        cell=cell,
        input_size=3,
        hidden_size=4,
        num_layers=2,
        bidirectional=True,
        merge=merge,
        output_size=3,
        seed=2,
    )
    last = Network(readout="last", **kwargs)
    every = Network(readout="every", **kwargs)
    x = np.random.default_rng(1).standard_normal((6, 3))
    trace = last.trace(x)
    top = trace.layers[-1]
    w, b = last.params["readout.weight"], last.params["readout.bias"]
    expected = w @ merge_states(top.forward.h[-1], top.backward.h[0], merge) + b
    assert trace.outputs.shape == (1, 3)
    assert max_abs(trace.outputs[0], expected) <= EXACT
    wrong = w @ merge_states(top.forward.h[-1], top.backward.h[-1], merge) + b
    assert np.max(np.abs(trace.outputs[0] - wrong)) > 1e-3
    # Same weights with readout "every": its last row uses the backward state at T instead.
    every_out = every.trace(x).outputs
    assert every_out.shape == (6, 3)
    assert max_abs(every_out[-1], wrong) <= EXACT


def test_readout_last_unidirectional_is_last_row_of_every():
    kwargs = dict(cell="gru", input_size=2, hidden_size=3, num_layers=2, output_size=2, seed=9)
    x = np.random.default_rng(2).standard_normal((5, 2))
    last = Network(readout="last", **kwargs).trace(x).outputs
    every = Network(readout="every", **kwargs).trace(x).outputs
    assert last.shape == (1, 2)
    assert max_abs(last[0], every[-1]) <= EXACT
    assert np.max(np.abs(every[0] - every[-1])) > 1e-3


# --------------------------------------------------------------- dtypes and shapes


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("readout", ["every", "last"])
def test_float32_stays_float32(cell, readout):
    kwargs = dict(
        cell=cell,
        input_size=3,
        hidden_size=5,
        num_layers=2,
        bidirectional=True,
        output_size=4,
        readout=readout,
        seed=1,
    )
    net32 = Network(dtype=np.float32, **kwargs)
    net64 = Network(dtype=np.float64, **kwargs)
    x = np.random.default_rng(0).standard_normal((7, 3))  # float64 input on purpose
    assert all(p.dtype == np.float32 for p in net32.params.values())
    for trace in (net32.trace(x), net32.trace_stepwise(x)):
        assert trace.inputs.dtype == np.float32 and trace.inputs.shape == (7, 3)
        for k, layer in enumerate(trace.layers):
            assert layer.input.dtype == np.float32
            assert layer.input.shape == (7, 3 if k == 0 else 10)
            assert layer.output.dtype == np.float32 and layer.output.shape == (7, 10)
            for side in (layer.forward, layer.backward):
                assert side.h.dtype == np.float32 and side.h.shape == (7, 5)
                if cell == "lstm":
                    assert side.c.dtype == np.float32 and side.c.shape == (7, 5)
                for gate in side.gates.values():
                    assert gate.dtype == np.float32 and gate.shape == (7, 5)
                if side.projection is not None:
                    blocks = {"rnn": 1, "lstm": 4, "gru": 3}[cell]
                    assert side.projection.dtype == np.float32
                    assert side.projection.shape == (7, blocks * 5)
        assert trace.outputs.dtype == np.float32
        assert trace.outputs.shape == ((7, 4) if readout == "every" else (1, 4))
    # And it is the same computation, to float32 rounding.
    assert max_abs(net32.trace(x).outputs, net64.trace(x).outputs) <= 1e-5


@pytest.mark.parametrize("nonlinearity", ["relu", "sigmoid"])
def test_float32_activations_stay_float32(nonlinearity):
    net = Network(input_size=2, hidden_size=3, nonlinearity=nonlinearity, dtype=np.float32)
    h = net.trace(np.ones((4, 2))).layers[0].forward.h
    assert h.dtype == np.float32
    assert np.ptp(h) > 0


# --------------------------------------------------------------- initialisation


def small_state_dict():
    return init_state_dict(parameter_shapes("rnn", 2, 3), 3, seed=0)


def test_init_state_dict_deterministic_and_in_range():
    hidden = 16
    shapes = parameter_shapes("lstm", 5, hidden, 2, True, "concat", output_size=40)
    a = init_state_dict(shapes, hidden, seed=123)
    b = init_state_dict(shapes, hidden, seed=123)
    c = init_state_dict(shapes, hidden, seed=124)
    assert list(a) == list(shapes)  # PyTorch's order, then the readout
    assert list(a)[:4] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    for name, shape in shapes.items():
        assert a[name].shape == shape and a[name].dtype == np.float64
        assert np.array_equal(a[name], b[name]), name
        assert not np.array_equal(a[name], c[name]), name
    bound = 1 / math.sqrt(hidden)  # 0.25
    recurrent = np.concatenate([v.ravel() for k, v in a.items() if not k.startswith("readout")])
    assert np.all(np.abs(recurrent) <= bound)
    # ~10k draws: the extremes come within 1% of the bound (a narrower range would not).
    assert recurrent.max() > 0.99 * bound and recurrent.min() < -0.99 * bound
    assert abs(recurrent.mean()) < 0.01
    readout_bound = 1 / math.sqrt(2 * hidden)  # nn.Linear: 1/sqrt(fan_in), fan_in = H' = 2H
    readout = np.concatenate([a["readout.weight"].ravel(), a["readout.bias"]])
    assert np.all(np.abs(readout) <= readout_bound)
    assert np.abs(readout).max() > 0.99 * readout_bound


def test_network_seed_uses_init_state_dict():
    n1 = Network(cell="gru", input_size=3, hidden_size=4, num_layers=2, seed=7, output_size=2)
    n2 = Network(cell="gru", input_size=3, hidden_size=4, num_layers=2, seed=7, output_size=2)
    n3 = Network(cell="gru", input_size=3, hidden_size=4, num_layers=2, seed=8, output_size=2)
    expected = init_state_dict(parameter_shapes("gru", 3, 4, 2, output_size=2), 4, seed=7)
    assert list(n1.params) == list(expected)
    for name in expected:
        assert np.array_equal(n1.params[name], expected[name]), name
        assert np.array_equal(n1.params[name], n2.params[name]), name
    assert not np.array_equal(n1.params["weight_hh_l1"], n3.params["weight_hh_l1"])


def test_state_dict_is_copied():
    sd = small_state_dict()
    net = Network(input_size=2, hidden_size=3, state_dict=sd)
    before = net.trace(np.ones((3, 2))).layers[0].output.copy()
    sd["weight_hh_l0"][:] = 0.0
    assert np.array_equal(net.trace(np.ones((3, 2))).layers[0].output, before)


def test_parameter_shapes_follow_pytorch():
    shapes = parameter_shapes("lstm", 5, 4, 2, True, "concat", output_size=3)
    assert shapes["weight_ih_l0"] == (16, 5)
    assert shapes["weight_hh_l0_reverse"] == (16, 4)
    assert shapes["weight_ih_l1"] == (16, 8)
    assert shapes["bias_hh_l1_reverse"] == (16,)
    assert shapes["readout.weight"] == (3, 8)
    assert len(shapes) == 2 * 2 * 4 + 2
    gru = parameter_shapes("gru", 2, 3, bias=False)
    assert gru == {"weight_ih_l0": (9, 2), "weight_hh_l0": (9, 3)}


# --------------------------------------------------------------- helpers


def test_sigmoid_and_softmax():
    assert sigmoid(np.array([0.0]))[0] == 0.5
    with warnings.catch_warnings(), np.errstate(over="warn", invalid="warn", divide="warn"):
        warnings.simplefilter("error")  # no overflow warning for large |x|
        extreme = sigmoid(np.array([-1000.0, 1000.0]))
    assert extreme.tolist() == [0.0, 1.0]
    assert abs(sigmoid(np.array([2.0]))[0] - 1 / (1 + math.exp(-2))) < 1e-15
    p = softmax(np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 0.0]]))
    e = [math.exp(v) for v in (1.0, 2.0, 3.0)]
    assert max_abs(p[0], [v / sum(e) for v in e]) <= 1e-15
    assert max_abs(p[1], [0.5, 0.5, 0.0]) <= 1e-15
