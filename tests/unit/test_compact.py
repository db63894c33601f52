"""Compact traces (rnn_tui.engine.compact): the same numbers as a full trace, without
holding gates, cell states and projections for every step."""

from __future__ import annotations

import numpy as np
import pytest

import rnn_tui.engine.compact as compact
from rnn_tui.engine import Network
from rnn_tui.engine.compact import compact_direction, finite_abs_max
from rnn_tui.engine.trace import BATCH_BLOCKS, BLOCK, TimeRows

CASES = [
    # cell, nonlinearity, layers, bidirectional, merge, readout
    ("rnn", "tanh", 2, True, "concat", "every"),
    ("rnn", "relu", 1, False, "concat", "last"),
    ("lstm", "tanh", 2, True, "concat", "every"),
    ("lstm", "tanh", 2, True, "sum", "last"),
    ("lstm", "tanh", 1, False, "concat", "every"),
    ("gru", "tanh", 2, True, "mean", "every"),
    ("gru", "tanh", 3, True, "mul", "last"),
]


def tolerance(dtype) -> float:
    return 1e-11 if dtype == np.float64 else 2e-5


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("steps", [1, BLOCK - 1, BLOCK, 3 * BLOCK + 5, BATCH_BLOCKS * BLOCK + 5])
@pytest.mark.parametrize("cell,nonlinearity,layers,bidirectional,merge,readout", CASES)
def test_compact_trace_equals_full_trace(
    cell, nonlinearity, layers, bidirectional, merge, readout, steps, dtype
):
    net = Network(
        cell, input_size=3, hidden_size=5, num_layers=layers, bidirectional=bidirectional,
        merge=merge, nonlinearity=nonlinearity, output_size=2, readout=readout, seed=7,
        dtype=dtype,
    )  # fmt: skip
    x = np.random.default_rng(5).standard_normal((steps, 3))
    full, compact = net.trace(x, compact=False), net.trace(x, compact=True)
    assert compact.compact and not full.compact
    tol = tolerance(dtype)
    np.testing.assert_allclose(compact.outputs, full.outputs, atol=tol, rtol=0)
    for k, (a, b) in enumerate(zip(full.layers, compact.layers, strict=True)):
        np.testing.assert_allclose(b.output, a.output, atol=tol, rtol=0, err_msg=f"layer {k}")
        np.testing.assert_allclose(b.input, a.input, atol=tol, rtol=0)
        pairs = [(a.forward, b.forward)] + ([(a.backward, b.backward)] if bidirectional else [])
        for fa, fb in pairs:
            assert isinstance(fb.h, np.ndarray)
            np.testing.assert_allclose(fb.h, fa.h, atol=tol, rtol=0)
            assert isinstance(fb.projection, TimeRows)
            assert fb.projection.shape == fa.projection.shape
            np.testing.assert_allclose(np.asarray(fb.projection), fa.projection, atol=tol, rtol=0)
            assert sorted(fb.gates) == sorted(fa.gates)
            for name in fa.gates:
                np.testing.assert_allclose(np.asarray(fb.gates[name]), fa.gates[name], atol=tol,
                                           rtol=0, err_msg=name)  # fmt: skip
            if fa.c is None:
                assert fb.c is None
            else:
                np.testing.assert_allclose(np.asarray(fb.c), fa.c, atol=tol, rtol=0)
                for t in (0, steps // 2, steps - 1):  # single rows, as the equation reads them
                    np.testing.assert_allclose(fb.c[t], fa.c[t], atol=tol, rtol=0)
                    assert fb.c[t, 1] == pytest.approx(float(fa.c[t, 1]), abs=tol)


def counted(monkeypatch) -> list[int]:
    """The rows of each LSTM gate computation from now on (compact._lstm_activations)."""
    rows: list[int] = []
    original = compact._lstm_activations
    monkeypatch.setattr(
        compact, "_lstm_activations", lambda z, *a: rows.append(len(z)) or original(z, *a)
    )
    return rows


def test_reads_compute_the_blocks_they_span_and_share_them(monkeypatch):
    net = Network("lstm", input_size=3, hidden_size=5, bidirectional=True, seed=3)
    x = np.random.default_rng(1).standard_normal((20 * BLOCK + 7, 3))
    full, trace = net.trace(x, compact=False), net.trace(x, compact=True)
    rows = counted(monkeypatch)
    for side in ("forward", "backward"):
        a, b = getattr(full.layers[0], side), getattr(trace.layers[0], side)
        rows.clear()
        t = 5 * BLOCK + 3  # in block 5: its c, gates and projection from one computation
        np.testing.assert_allclose(b.c[t], a.c[t], atol=1e-12, rtol=0)
        np.testing.assert_allclose(b.gates["f"][t, 2], a.gates["f"][t, 2], atol=1e-12, rtol=0)
        np.testing.assert_allclose(b.gates["o"][t : t + 9], a.gates["o"][t : t + 9], atol=1e-12)
        np.testing.assert_allclose(b.projection[t - 3], a.projection[t - 3], atol=1e-12, rtol=0)
        assert rows == [BLOCK]
        span = slice(2 * BLOCK + 1, 10 * BLOCK - 1)  # blocks 2-9: 5 is kept, 2-4 and 6-9 not
        np.testing.assert_allclose(b.c[span], a.c[span], atol=1e-12, rtol=0)
        assert rows == [BLOCK, 3 * BLOCK, 4 * BLOCK]
        for name in "ifgo":  # the gates of the same rows are kept: nothing recomputed
            np.testing.assert_allclose(b.gates[name][span], a.gates[name][span], atol=1e-12)
        np.testing.assert_allclose(b.projection[span], a.projection[span], atol=1e-12)
        assert len(rows) == 3
        rows.clear()
        tail = slice(10 * BLOCK, None)  # blocks 10-20, the last one short: BATCH_BLOCKS at once
        np.testing.assert_allclose(b.c[tail], a.c[tail], atol=1e-12, rtol=0)
        assert BATCH_BLOCKS == 8 and rows == [8 * BLOCK, 2 * BLOCK + 7]


def test_a_block_is_read_while_later_blocks_are_not_computed(monkeypatch):
    """The app reads a trace while it is computed: a block needs its own checkpoint and the
    states up to its edge, and a read within it must not touch later blocks."""
    net = Network("lstm", input_size=3, hidden_size=5, seed=4, dtype=np.float32)
    x = np.random.default_rng(2).standard_normal((6 * BLOCK, 3)).astype(np.float32)
    full = net.trace(x, compact=False).layers[0].forward
    ready = 2 * BLOCK + 10  # steps computed so far
    h = np.full_like(full.h, np.nan)
    h[:ready] = full.h[:ready]
    checkpoints = np.full((6, 5), np.nan, np.float32)
    checkpoints[0] = 0
    checkpoints[1:3] = full.c[BLOCK - 1 : 2 * BLOCK : BLOCK]
    d = compact_direction("lstm", ("i", "f", "g", "o"), x, h, net.weights(0, "forward"),
                          backward=False, checkpoints=checkpoints)  # fmt: skip
    rows = counted(monkeypatch)
    for t in (0, BLOCK + 5, 2 * BLOCK + 9):  # blocks 0, 1 and the ready part of 2
        np.testing.assert_allclose(d.c[t], full.c[t], atol=2e-6, rtol=0)
        np.testing.assert_allclose(d.gates["g"][t], full.gates["g"][t], atol=2e-6, rtol=0)
    assert rows == [BLOCK, BLOCK, BLOCK]


def test_time_rows_indexing_matches_numpy():
    full = np.arange(200 * 3, dtype=float).reshape(200, 3)
    rows = TimeRows(200, lambda a, b: [full[j * BLOCK : (j + 1) * BLOCK] for j in range(a, b)], 3,
                    full.dtype)  # fmt: skip
    assert rows.shape == (200, 3) and len(rows) == 200
    for index in (0, 63, 64, 199, -1, slice(10, 150), slice(60, 70), slice(None, None, 7),
                  slice(150, 10, -3), (5, 2), (slice(62, 66), slice(1, 3)), (-2, slice(None))):  # fmt: skip
        np.testing.assert_array_equal(rows[index], full[index], err_msg=str(index))
    np.testing.assert_array_equal(np.asarray(rows), full)
    assert rows.tolist() == full.tolist()
    with pytest.raises(IndexError):
        rows[200]


def test_trace_chooses_compact_only_when_the_full_trace_is_large():
    net = Network("lstm", input_size=16, hidden_size=256, num_layers=2, bidirectional=True,
                  dtype=np.float32)  # fmt: skip
    # per step: 2 layers × (2 directions × (H + 3·4H + H) + 2H) float32 = 29,696 bytes
    assert net.full_trace_bytes(1) == 2 * (2 * (256 + 1024 + 1024 + 256) + 512) * 4
    assert net.full_trace_bytes(100_000) > 2**30
    short = np.zeros((100, 16), dtype=np.float32)
    assert not net.trace(short).compact
    small = Network("gru", input_size=2, hidden_size=3)
    assert not small.trace(np.zeros((5000, 2))).compact


def test_finite_abs_max_ignores_non_finite_values_and_reads_in_chunks():
    values = np.linspace(-3, 2, 10_000).reshape(5000, 2)
    values[17, 1] = np.inf
    values[4000, 0] = np.nan
    assert finite_abs_max(values, rows=100) == 3.0
    assert finite_abs_max(np.full((3, 2), np.nan)) == 0.0
