"""A long scenario is traced compactly and reads like a full trace: the numbers are
compared on 1,000 steps (every step, layer, direction and gate), and one 100,000-step
scenario is opened, stepped and jumped in the app."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rnn_tui.engine import Network
from rnn_tui.present.numbers import unit_equation
from rnn_tui.scenario import load_scenario
from rnn_tui.ui import make_app

STEPS = 100_000
SHORT = 1_000  # 15 whole blocks of 64 steps recomputed together, and a part of one


@pytest.fixture(scope="module")
def long_scenario(tmp_path_factory, long_toml) -> Path:
    return long_toml(tmp_path_factory.mktemp("long") / "long.toml", STEPS)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, long_toml):
    return load_scenario(long_toml(tmp_path_factory.mktemp("short") / "short.toml", SHORT))


def test_a_compact_trace_holds_the_numbers_of_a_full_one(scenario):
    net: Network = scenario.network
    full = net.trace(scenario.inputs, compact=False)
    compact = net.trace(scenario.inputs, compact=True)
    assert compact.compact and not full.compact and compact.steps == full.steps == SHORT
    np.testing.assert_allclose(compact.outputs, full.outputs, atol=1e-5, rtol=0)
    for k, (a, b) in enumerate(zip(full.layers, compact.layers, strict=True)):
        np.testing.assert_allclose(b.output, a.output, atol=1e-5, rtol=0, err_msg=f"layer {k}")
        for direction in ("forward", "backward"):
            fa, fb = getattr(a, direction), getattr(b, direction)
            where = f"layer {k} {direction}"
            np.testing.assert_allclose(fb.h, fa.h, atol=1e-5, rtol=0, err_msg=where)
            np.testing.assert_allclose(np.asarray(fb.c), fa.c, atol=1e-5, rtol=0, err_msg=where)
            np.testing.assert_allclose(np.asarray(fb.projection), fa.projection, atol=1e-5,
                                       rtol=0, err_msg=where)  # fmt: skip
            assert sorted(fb.gates) == sorted(fa.gates) == ["f", "g", "i", "o"]
            for name, gate in fa.gates.items():
                np.testing.assert_allclose(np.asarray(fb.gates[name]), gate, atol=1e-5, rtol=0,
                                           err_msg=f"{where} {name}")  # fmt: skip


async def test_the_app_opens_steps_and_jumps_a_100000_step_scenario(long_scenario, until):
    app = make_app(long_scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(lambda: not app.stage.partial)  # computed in a thread: the whole trace
        await pilot.pause()
        assert app.trace.compact and app.trace.steps == STEPS
        assert app.scenario.influence() is None  # O(T²): not computed at this length
        assert (app.view.t, app.view.layer) == (1, 1)
        await pilot.press("right", "right", "right")
        assert app.view.t == 4
        np.testing.assert_array_equal(
            app.panel("state-forward").data, app.trace.layers[0].forward.h[3]
        )
        await pilot.press("end")
        assert app.view.t == STEPS
        await pilot.press("up", "d", "d")
        assert (app.view.layer, app.view.direction) == (2, "both")
        layer = app.trace.layers[1]
        np.testing.assert_array_equal(app.panel("state-merged").data, layer.output[STEPS - 1])
        await pilot.press("2")  # every term at T, read from the compact trace, agrees
        assert app.panel("numbers").content.exact
        for view in ("2", "3", "4", "5", "1"):  # numbers, layers, history, weights, step
            await pilot.press(view)
            await pilot.pause()
        await pilot.press("left", "home")
        assert app.view.t == 1
        assert app.is_running


def test_the_equation_reads_a_compact_trace_like_a_full_one(scenario):
    net: Network = scenario.network
    full = net.trace(scenario.inputs, compact=False)
    compact = net.trace(scenario.inputs, compact=True)
    for layer, direction in ((0, "forward"), (1, "backward")):
        for t in (1, 64, 65, 500, SHORT):  # either side of a block's edge, and the ends
            for unit in (1, 5, 32):
                a = unit_equation(net, full, layer, direction, t, unit)
                b = unit_equation(net, compact, layer, direction, t, unit)
                assert b.exact and a.exact
                assert b.result == pytest.approx(a.result, abs=1e-5)
                assert b.trace == pytest.approx(a.trace, abs=1e-5)
                assert [r.value for r in b.rows] == pytest.approx(
                    [r.value for r in a.rows], abs=1e-5
                )
                assert [s.value for s in b.steps] == pytest.approx(
                    [s.value for s in a.steps], abs=1e-5
                )
