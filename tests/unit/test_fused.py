"""The fast path (rnn_tui.engine.fused) against the reference (Network.step, looped by
trace_stepwise) where the fast path does something the reference does not: sequences
longer than one CHUNK of precomputed input projections, and batches."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_tui.engine import Network, Trace
from rnn_tui.engine.fused import CHUNK

TOLERANCE = 1e-10  # float64; the two paths round differently, step by step

CELLS = [("rnn", "tanh"), ("rnn", "relu"), ("rnn", "sigmoid"), ("lstm", "tanh"), ("gru", "tanh")]


def assert_same_run(fast: Trace, reference: Trace, column: int | None = None) -> None:
    """Every state, cell state, gate and output of `fast` equals `reference`'s to
    TOLERANCE; `column`: compare that sequence of a batched `fast` trace."""

    def pick(a) -> np.ndarray:
        a = np.asarray(a)
        return a if column is None else a[:, column]

    for k, (a, b) in enumerate(zip(fast.layers, reference.layers, strict=True)):
        np.testing.assert_allclose(pick(a.output), b.output, atol=TOLERANCE, rtol=0,
                                   err_msg=f"layer {k}")  # fmt: skip
        for fa, fb in ((a.forward, b.forward), (a.backward, b.backward)):
            assert (fa is None) == (fb is None)
            if fa is None or fb is None:
                continue
            np.testing.assert_allclose(pick(fa.h), fb.h, atol=TOLERANCE, rtol=0)
            assert (fa.c is None) == (fb.c is None)
            if fa.c is not None:
                np.testing.assert_allclose(pick(fa.c), fb.c, atol=TOLERANCE, rtol=0)
            assert sorted(fa.gates) == sorted(fb.gates)
            for name, gate in fb.gates.items():
                np.testing.assert_allclose(pick(fa.gates[name]), gate, atol=TOLERANCE, rtol=0,
                                           err_msg=name)  # fmt: skip
    assert reference.outputs is not None and fast.outputs is not None
    np.testing.assert_allclose(pick(fast.outputs), reference.outputs, atol=TOLERANCE, rtol=0)


@pytest.mark.parametrize("compact", [False, True])
@pytest.mark.parametrize(("cell", "nonlinearity"), CELLS)
def test_the_fast_path_equals_the_reference_across_chunks(cell, nonlinearity, compact):
    """Three chunks of input projections, the last one partial, in both directions (the
    backward direction reads its chunks from the end)."""
    steps = 2 * CHUNK + 3
    net = Network(cell, 3, 4, 2, True, merge="sum", nonlinearity=nonlinearity, output_size=2,
                  seed=8)  # fmt: skip
    x = np.random.default_rng(6).standard_normal((steps, 3))
    fast = net.trace(x, compact=compact)
    assert fast.compact == compact and fast.steps == steps
    assert_same_run(fast, net.trace_stepwise(x))


@pytest.mark.parametrize(("cell", "nonlinearity"), CELLS)
def test_a_batch_runs_each_sequence_as_the_reference_does(cell, nonlinearity):
    net = Network(cell, 3, 4, 2, True, merge="concat", nonlinearity=nonlinearity,
                  output_size=2, seed=2)  # fmt: skip
    x = np.random.default_rng(4).standard_normal((7, 3, 3))  # (T, B, in)
    batch = net.trace_batch(x)
    for column in range(x.shape[1]):
        assert_same_run(batch, net.trace_stepwise(x[:, column]), column)
