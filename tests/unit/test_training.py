"""BPTT against finite differences (merges and the sigmoid RNN torch lacks), influence,
and the trainer."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_tui.engine import Network, softmax
from rnn_tui.engine.backward import backward, influence
from rnn_tui.engine.train import Example, TrainConfig, Trainer

CASES = [
    ("rnn", "sigmoid", False, "concat", "every"),
    ("rnn", "tanh", True, "sum", "last"),
    ("rnn", "relu", True, "mul", "every"),
    ("lstm", "tanh", True, "mean", "last"),
    ("lstm", "tanh", True, "mul", "every"),
    ("gru", "tanh", True, "sum", "every"),
    ("gru", "tanh", True, "mul", "last"),
]


def loss_of(net: Network, x: np.ndarray, g: np.ndarray) -> float:
    return float(np.sum(net.trace_batch(x).outputs * g))


@pytest.mark.parametrize(("cell", "act", "bi", "merge", "readout"), CASES)
def test_every_gradient_matches_finite_differences(cell, act, bi, merge, readout):
    rng = np.random.default_rng(3)
    net = Network(cell, 3, 3, 2, bi, merge=merge, nonlinearity=act, output_size=2,
                  readout=readout, seed=5)  # fmt: skip
    x = rng.normal(size=(4, 2, 3))
    g = rng.normal(size=net.trace_batch(x).outputs.shape)
    grads = backward(net, net.trace_batch(x), d_outputs=g)
    eps = 1e-6
    for name, param in net.params.items():
        numeric = np.zeros_like(param)
        for idx in np.ndindex(param.shape):
            plus, minus = dict(net.params), dict(net.params)
            plus[name], minus[name] = param.copy(), param.copy()
            plus[name][idx] += eps
            minus[name][idx] -= eps
            net.set_params(plus)
            up = loss_of(net, x, g)
            net.set_params(minus)
            down = loss_of(net, x, g)
            numeric[idx] = (up - down) / (2 * eps)
        net.set_params({**net.params, name: param})
        assert np.max(np.abs(grads.params[name] - numeric)) <= 1e-7, name
    numeric_x = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += eps
        xm[idx] -= eps
        numeric_x[idx] = (loss_of(net, xp, g) - loss_of(net, xm, g)) / (2 * eps)
    assert np.max(np.abs(grads.inputs - numeric_x)) <= 1e-7


def jacobian_norms(net: Network, x: np.ndarray) -> np.ndarray:
    """‖∂s_t/∂x_k‖_F by central differences: (T, T)."""
    T, width = x.shape[0], x.shape[1]
    eps = 1e-6
    cols = []
    for k in range(T):
        for i in range(width):
            xp, xm = x.copy(), x.copy()
            xp[k, i] += eps
            xm[k, i] -= eps
            d = (net.trace(xp).layers[-1].output - net.trace(xm).layers[-1].output) / (2 * eps)
            cols.append((k, d))  # d: (T, H') = ∂s_t/∂x_{k,i} for every t
    out = np.zeros((T, T))
    for k, d in cols:
        out[:, k] += np.sum(d * d, axis=1)
    return np.sqrt(out)


@pytest.mark.parametrize(("cell", "bi"), [("rnn", False), ("lstm", True), ("gru", False)])
def test_influence_matches_finite_differences(cell, bi):
    net = Network(cell, 3, 4, 2, bi, seed=9)
    x = np.random.default_rng(1).normal(size=(6, 3))
    np.testing.assert_allclose(influence(net, x), jacobian_norms(net, x), atol=1e-7)


def test_influence_is_lower_triangular_for_one_direction_and_fades_for_rnn():
    net = Network("rnn", 3, 6, seed=2)
    inf = influence(net, np.random.default_rng(0).normal(size=(10, 3)))
    assert np.all(np.triu(inf, k=1) == 0.0)
    assert np.all(np.diag(inf) > 0)
    assert inf[9, 0] < 0.1 * inf[9, 9]  # the first input has faded by the last step
    bi = Network("rnn", 3, 6, bidirectional=True, seed=2)
    assert np.triu(influence(bi, np.ones((5, 3))), k=1).max() > 0  # backward sees the future


def tiny_task() -> list[Example]:
    """Label = first token (0 or 1), three filler tokens after it."""
    rng = np.random.default_rng(0)
    out = []
    for _ in range(24):
        first = int(rng.integers(0, 2))
        tokens = np.array([first, *rng.integers(2, 4, size=3)])
        out.append(Example(tokens=tokens, labels=np.array([first])))
    return out


def train(seed: int, epochs: int = 60) -> Trainer:
    net = Network("gru", 4, 6, output_size=2, readout="last", seed=1)
    trainer = Trainer(net, tiny_task(), vocab_size=4, config=TrainConfig(epochs=epochs, seed=seed))
    for _ in trainer.epochs():
        pass
    return trainer


def test_training_fits_and_is_deterministic_for_a_seed():
    a, b, c = train(seed=0), train(seed=0), train(seed=1)
    assert a.accuracy(tiny_task()) == 1.0
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], b.params[k])
    assert not np.array_equal(a.params["weight_hh_l0"], c.params["weight_hh_l0"])
    # the network itself carries the trained weights
    np.testing.assert_array_equal(a.network.params["weight_ih_l0"], a.params["weight_ih_l0"])


def test_embedding_is_trained_and_loss_falls():
    net = Network("rnn", 3, 5, output_size=2, readout="last", seed=1)
    emb = np.random.default_rng(2).normal(size=(4, 3))
    trainer = Trainer(net, tiny_task(), vocab_size=4, embedding=emb,
                      config=TrainConfig(epochs=40, seed=0))  # fmt: skip
    losses = [s.loss for s in trainer.epochs()]
    assert losses[-1] < 0.2 * losses[0]
    assert not np.array_equal(trainer.state_dict()["embedding.weight"], emb)


def test_sequence_labelling_with_every():
    net = Network("lstm", 4, 6, output_size=2, readout="every", seed=3)
    ex = [Example(tokens=t.tokens, labels=(t.tokens >= 2).astype(int)) for t in tiny_task()]
    trainer = Trainer(net, ex, vocab_size=4, config=TrainConfig(epochs=60, seed=0))
    stats = list(trainer.epochs())
    assert stats[-1].loss < stats[0].loss
    assert trainer.accuracy(ex) == 1.0  # every position labelled right


def test_trainer_refuses_empty_examples_and_missing_readout():
    with pytest.raises(ValueError, match="no training examples"):
        Trainer(Network("rnn", 2, 2, output_size=2), [], vocab_size=2)
    with pytest.raises(ValueError, match="no readout"):
        Trainer(Network("rnn", 2, 2), tiny_task(), vocab_size=2)


def exploding_rnn() -> Network:
    """A ReLU RNN whose state grows ×4 a step (W_hh = 4 I, no bias) and whose readout
    gets every example wrong: 8 steps give a gradient norm of about 4⁷ times 1 step's."""
    weights = {
        "weight_ih_l0": np.eye(2),
        "weight_hh_l0": 4.0 * np.eye(2),
        "readout.weight": 0.5 * np.array([[1.0, -1.0], [-1.0, 1.0]]),
        "readout.bias": np.zeros(2),
    }
    return Network("rnn", 2, 2, nonlinearity="relu", output_size=2, readout="last",
                   bias=False, state_dict=weights)  # fmt: skip


def clipped_adam(
    net: Network, batches: list[list[Example]], lr: float, clip: float
) -> tuple[dict[str, np.ndarray], list[float]]:
    """The parameters after one Adam step (β 0.9, 0.999; ε 1e-8) per batch on the mean
    cross-entropy of one-hot inputs, each gradient scaled to a global norm of at most
    `clip`, written out here rather than taken from the trainer; and the norms before
    clipping."""
    params = {k: v.copy() for k, v in net.params.items()}
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(p) for k, p in params.items()}
    norms = []
    for step, batch in enumerate(batches, start=1):
        model = net.copy()
        model.set_params(params)
        tokens = np.stack([ex.tokens for ex in batch], axis=1)  # (T, B)
        labels = np.array([ex.labels[0] for ex in batch])  # (B,)
        trace = model.trace_batch(np.eye(net.input_size)[tokens])
        d_logits = softmax(trace.outputs)  # (1, B, O): d(mean CE)/d(logits) = (p - y) / B
        d_logits[0, np.arange(len(batch)), labels] -= 1
        d_logits /= len(batch)
        grads = backward(model, trace, d_outputs=d_logits).params
        norm = float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))
        norms.append(norm)
        for k, g in grads.items():
            g = g * min(1.0, clip / norm)
            m[k] = 0.9 * m[k] + 0.1 * g
            v[k] = 0.999 * v[k] + 0.001 * g * g
            m_hat, v_hat = m[k] / (1 - 0.9**step), v[k] / (1 - 0.999**step)
            params[k] = params[k] - lr * m_hat / (np.sqrt(v_hat) + 1e-8)
    return params, norms


def test_a_gradient_spike_is_clipped_to_the_clip_norm():
    """One batch's gradient norm is ~36,000 times the clip, the other's below it: the
    trainer's step must be Adam on the gradients scaled to norm ≤ clip. (Adam divides by
    √v, so the spike alone moves the weights about as far either way; what clipping
    changes is how much the spike outweighs the other batch in m and v.)"""
    short = [Example(np.array([0]), np.array([1])), Example(np.array([1]), np.array([0]))]
    long = [Example(np.full(8, 0), np.array([1])), Example(np.full(8, 1), np.array([0]))]
    lr, clip = 0.01, 1.0
    trainer = Trainer(exploding_rnn(), short + long, vocab_size=2,
                      config=TrainConfig(epochs=1, lr=lr, clip=clip, batch_size=2))  # fmt: skip
    trainer.run_epoch(1)
    trained = trainer.state_dict()
    gaps = []
    for order in ([short, long], [long, short]):  # the trainer shuffles the two batches
        expected, norms = clipped_adam(exploding_rnn(), order, lr, clip)
        assert min(norms) < clip < 1e4 * clip < max(norms)  # one spike, one batch within
        gaps.append(max(float(np.max(np.abs(trained[k] - expected[k]))) for k in expected))
    assert min(gaps) < 1e-12, gaps


def test_influence_row_is_one_row_of_the_matrix_and_copy_is_independent():
    from rnn_tui.engine.backward import influence_row

    net = Network("lstm", 3, 4, 2, True, seed=4)
    x = np.random.default_rng(2).normal(size=(6, 3))
    full = influence(net, x)
    trace = net.trace_batch(x[:, None, :])
    np.testing.assert_allclose(influence_row(net, trace, 3), full[3], atol=1e-14)
    twin = net.copy()
    twin.params["weight_hh_l0"][0, 0] += 1.0
    assert net.params["weight_hh_l0"][0, 0] != twin.params["weight_hh_l0"][0, 0]
    np.testing.assert_array_equal(
        net.copy().trace(x).layers[-1].output, net.trace(x).layers[-1].output
    )


def test_scenario_with_weights_swaps_in_trained_weights_and_re_encodes():
    from rnn_tui import load_scenario

    s = load_scenario("intent-zh")
    weights = {k: v * 0.5 for k, v in s.network.params.items()}
    weights["embedding.weight"] = s.embedding * 2.0
    new = s.with_weights(weights)
    assert new.trained and new.network is not s.network
    np.testing.assert_array_equal(new.inputs, s.inputs * 2.0)
    np.testing.assert_array_equal(
        new.network.params["weight_hh_l0"], s.network.params["weight_hh_l0"] * 0.5
    )
    np.testing.assert_array_equal(
        s.network.params["weight_hh_l0"], load_scenario("intent-zh").network.params["weight_hh_l0"]
    )
    with pytest.raises(ValueError, match="weight_hh_l0 has shape"):
        s.with_weights({**weights, "weight_hh_l0": np.zeros((2, 2))})


# ---------------------------------------------------------------- point_weights_at (tomlkit)
def _weights_of(text: str) -> dict:
    import tomllib

    return tomllib.loads(text)["weights"]


def test_point_weights_at_quotes_any_file_name_and_keeps_comments():
    from rnn_tui.scenario.training import point_weights_at

    text = (
        '# my scenario\ntitle = "t"  # the title\n[model]\ncell = "lstm"   # gated\n\n'
        "[weights]\n# drawn from a seed for now\nseed = 7\nforget_bias = 1.0\n\n"
        '[input]\ntokens = ["a"]\n'
    )
    for name in ['my "best" run.npz', "back\\slash.npz", "new\nline.npz", "日本.npz", "a'b.npz"]:
        out = point_weights_at(text, name)
        assert _weights_of(out) == {"file": name, "trained": True}  # seed, forget_bias gone
        for kept in ("# my scenario", '# the title', 'cell = "lstm"   # gated',
                     "# drawn from a seed for now", '[input]\ntokens = ["a"]'):  # fmt: skip
            assert kept in out


def test_point_weights_at_replaces_an_old_file_and_its_key_mapping():
    from rnn_tui.scenario.training import point_weights_at

    text = (
        '[weights]\nfile = "old.npz"  # from torch\nprefix = "rnn."\ntrained = false\n'
        '[weights.rename]\n"fc.weight" = "readout.weight"\n[input]\nx = 1\n'
    )
    out = point_weights_at(text, "new.npz")
    assert _weights_of(out) == {"file": "new.npz", "trained": True}
    assert "[input]\nx = 1" in out


@pytest.mark.parametrize(
    "text",
    [
        "weights = { seed = 7 }\n[input]\nx = 1\n",  # an inline table
        'weights.seed = 7\nweights.prefix = "a"\n[input]\nx = 1\n',  # dotted keys
        "[weights]\nseed = 1\n[input]\nx = 1\n[weights.values]\na = 1\n",  # a split table
        "[weights.values]\na = [1, 2]\n[input]\nx = 1\n",  # inline values only
    ],
)
def test_point_weights_at_handles_every_way_toml_spells_weights(text):
    import tomllib

    from rnn_tui.scenario.training import point_weights_at

    out = point_weights_at(text, 'q "1".npz')
    data = tomllib.loads(out)
    assert data["weights"] == {"file": 'q "1".npz', "trained": True}
    assert data["input"] == {"x": 1}


def test_point_weights_at_keeps_a_byte_order_mark():
    from rnn_tui.scenario.training import point_weights_at

    out = point_weights_at("\ufeff# notes\n[weights]\nseed = 1\n", "w.npz")
    assert out == '\ufeff# notes\n[weights]\nfile = "w.npz"\ntrained = true\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('title = "t"\n', "no seed, file or values"),
        ("weights = 3\n", "no seed, file or values"),
        ("[weights]\nprefix = 'a'\n", "no seed, file or values"),
        ("[weights\nseed = 1\n", "not valid TOML"),
    ],
)
def test_point_weights_at_refuses_what_it_cannot_rewrite(text, message):
    from rnn_tui.scenario.training import point_weights_at

    with pytest.raises(ValueError, match=message):
        point_weights_at(text, "w.npz")
