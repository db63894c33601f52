"""What the engine refuses, with messages that name the bad argument, and what it does
with values that overflow (a result to show, not a crash or a warning)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from rnn_tui.engine import Network, init_state_dict, parameter_shapes, softmax

# --------------------------------------------------------------- errors


def small_state_dict():
    return init_state_dict(parameter_shapes("rnn", 2, 3), 3, seed=0)


def test_error_wrong_cell():
    with pytest.raises(ValueError, match=r"cell must be one of rnn, lstm, gru, not 'elman'"):
        Network(cell="elman")


def test_error_wrong_merge():
    with pytest.raises(ValueError, match=r"merge must be one of concat, sum, mean, mul, not 'max'"):
        Network(bidirectional=True, merge="max")


def test_error_wrong_nonlinearity_readout_dtype_sizes():
    with pytest.raises(ValueError, match=r"nonlinearity must be one of tanh, relu, sigmoid"):
        Network(nonlinearity="gelu")
    with pytest.raises(ValueError, match=r"readout must be one of every, last, not 'first'"):
        Network(output_size=1, readout="first")
    with pytest.raises(ValueError, match=r"dtype must be float32 or float64"):
        Network(dtype=np.int32)
    with pytest.raises(ValueError, match=r"hidden_size must be a positive integer, not 0"):
        Network(hidden_size=0)
    with pytest.raises(ValueError, match=r"num_layers must be a positive integer, not 1.5"):
        Network(num_layers=1.5)
    with pytest.raises(ValueError, match=r"output_size must be a non-negative integer, not -1"):
        Network(output_size=-1)


def test_error_wrong_state_dict_shape_names_key_and_both_shapes():
    sd = small_state_dict()
    sd["weight_hh_l0"] = np.zeros((3, 4))
    with pytest.raises(ValueError) as info:
        Network(input_size=2, hidden_size=3, state_dict=sd)
    message = str(info.value)
    assert "weight_hh_l0" in message
    assert "(3, 4)" in message and "(3, 3)" in message
    assert message == "weight_hh_l0 has shape (3, 4), expected (3, 3)"


def test_error_missing_key():
    sd = small_state_dict()
    del sd["bias_hh_l0"]
    with pytest.raises(ValueError, match=r"^state_dict lacks bias_hh_l0$"):
        Network(input_size=2, hidden_size=3, state_dict=sd)


def test_error_unexpected_key():
    sd = small_state_dict()
    sd["weight_ih_l1"] = np.zeros((3, 3))
    with pytest.raises(ValueError, match=r"^state_dict has unexpected keys: weight_ih_l1$"):
        Network(input_size=2, hidden_size=3, state_dict=sd)
    # A bias-free network does not take biases.
    with pytest.raises(ValueError, match=r"unexpected keys: bias_ih_l0, bias_hh_l0"):
        Network(input_size=2, hidden_size=3, bias=False, state_dict=small_state_dict())


@pytest.mark.parametrize("shape", [(5, 3), (5,), (0, 2), (1, 5, 2)])
def test_error_wrong_input_shape(shape):
    net = Network(input_size=2, hidden_size=3)
    expected = re.escape(f"inputs must have shape (T >= 1, 2), not {shape}")
    for method in (net.trace, net.trace_stepwise):
        with pytest.raises(ValueError, match=expected):
            method(np.zeros(shape))


# ---------------------------------------------------------------- argument checks found in review
def test_trace_keeps_its_own_copy_of_the_inputs():
    net = Network("rnn", 2, 3, seed=1)
    x = np.ones((4, 2))
    trace = net.trace(x)
    x[0, 0] = 99.0
    assert trace.inputs[0, 0] == 1.0 and trace.layers[0].input[0, 0] == 1.0


def test_bad_output_size_direction_cell_and_non_finite_values_are_refused():
    with pytest.raises(ValueError, match="output_size must be a non-negative integer"):
        Network("rnn", 2, 3, output_size=True)
    net = Network("rnn", 2, 3, seed=1)
    with pytest.raises(ValueError, match="direction must be one of forward, not 'backwards'"):
        net.step(0, "backwards", np.zeros(2), net.initial_state())
    with pytest.raises(ValueError, match="cell must be one of rnn, lstm, gru, not 'elman'"):
        parameter_shapes("elman", 2, 3)
    sd = dict(net.params)
    sd["bias_hh_l0"] = np.array([0.0, np.nan, 0.0])
    with pytest.raises(ValueError, match="bias_hh_l0 contains NaN or infinity"):
        Network("rnn", 2, 3, state_dict=sd)
    with pytest.raises(ValueError, match="inputs contain NaN or infinity"):
        net.trace(np.array([[0.0, np.inf]]))


def test_overflow_is_a_value_not_a_crash_or_a_warning():
    net = Network("rnn", 2, 2, num_layers=2, nonlinearity="relu", output_size=1, seed=0)
    params = {k: np.full_like(v, 1e200) for k, v in net.params.items()}
    net.set_params(params)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any RuntimeWarning would fail here
        trace = net.trace(np.ones((3, 2)))
    assert np.isinf(trace.layers[1].output).any()
    gru = Network("gru", 2, 2, seed=0)
    gru.set_params({k: np.full_like(v, 1e308) for k, v in gru.params.items()})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gru.trace(np.ones((3, 2))).layers[0].forward.h.shape == (3, 2)


def test_softmax_and_influence_of_an_overflowed_network_warn_nothing():
    from rnn_tui.engine.backward import influence

    huge = {
        "weight_ih_l0": np.full((2, 1), 1e308), "weight_hh_l0": np.full((2, 2), 1e308),
        "bias_ih_l0": np.zeros(2), "bias_hh_l0": np.zeros(2),
    }  # fmt: skip
    net = Network("rnn", input_size=1, hidden_size=2, nonlinearity="relu", state_dict=huge)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        probabilities = softmax(np.array([np.inf, 1.0]))
        values = influence(net, np.ones((4, 1)))
    assert np.isnan(probabilities).all()
    assert np.isinf(values[3, 0]) and values[0, 1] == 0.0
