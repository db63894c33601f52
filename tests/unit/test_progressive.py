"""A trace computed in a thread and read while it runs (engine/progressive.py): every
row a run says is computed is already the final one, gates are read only from whole
blocks, a stopped run ends, and the estimate that decides between computing at once
and in the background orders networks by their cost."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_tui.engine import Network
from rnn_tui.engine.progressive import TraceRun, is_slow, trace_seconds

STEPS = 700  # three chunks of the fused loop (256 steps), the last a part
GATED = {
    "forward": {256: range(0, 256), 512: range(0, 512), STEPS: range(STEPS)},
    # backward after 256 steps: t >= 444 is in, and the blocks from 448 (7 * 64) are whole
    "backward": {256: range(448, STEPS), 512: range(192, STEPS), STEPS: range(STEPS)},
}
"""The t whose gates can be read after each chunk of steps, by direction."""


class Snapshots(TraceRun):
    """A run that, at every report of progress, copies what it says is computed."""

    def __init__(self, network: Network, steps: int) -> None:
        super().__init__(network, steps)
        self.seen: list[tuple[int, int, dict]] = []

    def layer(self, k, layer_input):
        watch = super().layer(k, layer_input)
        advanced = watch.advanced

        def copy_then_advance(steps: int) -> None:
            advanced(steps)
            rows = {}
            first_gate = self.network.spec.gate_names[0]
            for direction in self.network.directions:
                trace = getattr(self.layers[k], direction)  # (LayerSoFar)
                ready = [t for t in range(self.steps) if self.state_ready(k, direction, t)]
                gated = [t for t in ready if self.gates_ready(k, direction, t)]
                rows[direction] = (
                    ready,
                    trace.h[ready].copy(),
                    gated,
                    np.asarray(trace.gates[first_gate][gated[0] : gated[-1] + 1])
                    if gated
                    else None,
                )
            self.seen.append((k, steps, rows))

        watch.advanced = copy_then_advance  # type: ignore[method-assign]
        return watch


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_what_a_run_calls_computed_is_final(cell):
    net = Network(cell, input_size=3, hidden_size=5, num_layers=2, bidirectional=True, seed=1)
    x = np.random.default_rng(0).standard_normal((STEPS, 3))
    run = Snapshots(net, STEPS)
    trace = run.run(lambda watch: net.trace(x, compact=True, watch=watch))
    full = net.trace(x, compact=False)
    assert trace is run.trace and run.finished and run.fraction == 1.0
    assert [(k, steps) for k, steps, _ in run.seen] == [
        (k, s) for k in (0, 1) for s in (256, 512, STEPS)
    ]
    for k, steps, rows in run.seen:
        for direction, (ready, h, gated, f) in rows.items():
            expected = range(steps) if direction == "forward" else range(STEPS - steps, STEPS)
            assert ready == list(expected)
            final = getattr(full.layers[k], direction)
            np.testing.assert_allclose(h, final.h[ready], atol=1e-12)
            # gates only from whole blocks of 64: the first t of each is a multiple of 64
            assert gated == list(GATED[direction][steps])
            gate = net.spec.gate_names[0]
            np.testing.assert_allclose(f, final.gates[gate][gated[0] : gated[-1] + 1], atol=1e-12)


def test_a_stopped_run_ends_at_its_next_chunk_and_gives_no_trace():
    net = Network("rnn", input_size=2, hidden_size=4, seed=0)
    run = TraceRun(net, STEPS)
    run.stop()
    assert run.run(lambda watch: net.trace(np.ones((STEPS, 2)), compact=True, watch=watch)) is None
    assert not run.finished and run.done[0] == 256  # one chunk, then the stop was seen


def test_only_a_compact_trace_can_be_watched():
    net = Network("rnn", input_size=2, hidden_size=4, seed=0)
    with pytest.raises(ValueError, match="compact"):
        net.trace(np.ones((3, 2)), compact=False, watch=TraceRun(net, 3))


def test_the_estimate_grows_with_steps_layers_width_and_directions():
    small = Network("rnn", input_size=4, hidden_size=8, seed=0)
    long_lstm = Network("lstm", input_size=16, hidden_size=256, num_layers=2, bidirectional=True)
    assert trace_seconds(small, 2000) == pytest.approx(2 * trace_seconds(small, 1000))
    assert trace_seconds(long_lstm, 1000) > 5 * trace_seconds(small, 1000)
    assert not is_slow(small, 10_000)
    assert is_slow(long_lstm, 100_000) and not is_slow(long_lstm, 1_000)
