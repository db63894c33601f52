"""A 100,000-step scenario opens with a compact trace, and the app steps and jumps it,
showing the same numbers a full trace would have."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_tui.engine import Network
from rnn_tui.scenario import load_scenario
from rnn_tui.ui import make_app
from rnn_tui.ui.numbers import unit_equation

STEPS = 100_000
WORDS = "a b c d e f g h i j k l m n o p".split()


@pytest.fixture(scope="module")
def long_scenario(tmp_path_factory):
    rng = np.random.default_rng(1)
    words = " ".join(f'"{w}"' for w in rng.choice(WORDS, STEPS))
    path = tmp_path_factory.mktemp("long") / "long.toml"
    path.write_text(
        'title = "A long sequence"\n'
        '[model]\ncell = "lstm"\nhidden_size = 32\nnum_layers = 2\nbidirectional = true\n'
        'dtype = "float32"\n'
        "[weights]\nseed = 4\n"
        f'[input]\nvocab = {WORDS!r}\ntokens = [{", ".join(words.split())}]\n'.replace("'", '"')
        + "[output]\nsize = 3\n"
    )  # fmt: skip
    return path


def test_a_long_scenario_is_traced_compactly(long_scenario):
    scenario = load_scenario(long_scenario)
    trace = scenario.trace()
    assert trace.steps == STEPS and trace.compact
    assert scenario.influence() is None  # O(T²): not computed at this length
    # at H = 32 a full trace still fits in memory: compare the two where it matters
    full = scenario.network.trace(scenario.inputs, compact=False)
    top_full, top = full.layers[-1], trace.layers[-1]
    np.testing.assert_allclose(top.output, top_full.output, atol=1e-5, rtol=0)
    for t in (0, 63, 64, 50_000, STEPS - 1):
        for name in ("i", "f", "g", "o"):
            np.testing.assert_allclose(top.backward.gates[name][t], top_full.backward.gates[name][t],
                                       atol=1e-5, rtol=0)  # fmt: skip
        np.testing.assert_allclose(top.backward.c[t], top_full.backward.c[t], atol=1e-5, rtol=0)


async def test_the_app_opens_steps_and_jumps_a_100000_step_scenario(long_scenario):
    app = make_app(long_scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.trace.compact and app.trace.steps == STEPS
        assert (app.t, app.layer) == (1, 1)
        await pilot.press("right", "right", "right")
        assert app.t == 4
        np.testing.assert_array_equal(
            app.panel("state-forward").data, app.trace.layers[0].forward.h[3]
        )
        await pilot.press("end")
        assert app.t == STEPS
        await pilot.press("up", "d", "d")
        assert (app.layer, app.direction) == (2, "both")
        layer = app.trace.layers[1]
        np.testing.assert_array_equal(app.panel("state-merged").data, layer.output[STEPS - 1])
        for view in ("2", "3", "4", "5", "1"):  # numbers, layers, history, weights, step
            await pilot.press(view)
            await pilot.pause()
        await pilot.press("left", "home")
        assert app.t == 1
        assert app.is_running


def test_the_equation_reads_a_compact_trace_like_a_full_one(long_scenario):
    scenario = load_scenario(long_scenario)
    net: Network = scenario.network
    short = scenario.inputs[:300]
    full, compact = net.trace(short, compact=False), net.trace(short, compact=True)
    for t in (1, 65, 300):
        a = unit_equation(net, full, 1, "backward", t, 5)
        b = unit_equation(net, compact, 1, "backward", t, 5)
        assert b.result == pytest.approx(a.result, abs=1e-5)
        assert b.trace == pytest.approx(a.trace, abs=1e-5)
        assert [r.value for r in b.rows] == pytest.approx([r.value for r in a.rows], abs=1e-5)
