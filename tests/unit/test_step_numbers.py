"""The numbers `y` copies: read from the trace for the view's step, written exactly."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import numpy as np
import pytest

from rnn_tui.present.position import View
from rnn_tui.present.step_numbers import (
    numbers_csv,
    numbers_npz,
    numbers_text,
    step_header,
    step_numbers,
)
from rnn_tui.present.view import Stage
from rnn_tui.scenario import load_scenario


def stage_of(name: str, **network) -> Stage:
    scenario = load_scenario(name)
    return Stage(scenario.with_network(**network) if network else scenario)


def assert_numbers(numbers, expected) -> None:
    """Same names in the same order, each array equal to the trace's slice."""
    assert list(numbers) == list(expected)
    for name, array in expected.items():
        np.testing.assert_array_equal(numbers[name], array, err_msg=name)


def test_rnn_every_step_has_x_s_and_o_at_t():
    stage = stage_of("shared-weights")
    trace = stage.trace
    numbers = step_numbers(stage, View(t=2))
    assert_numbers(
        numbers,
        {
            "x_t": trace.inputs[1],
            "s_t forward": trace.layers[0].forward.h[1],
            "o_t logits": trace.outputs[1],
        },
    )
    numbers["x_t"][0] = 99.0  # a copy: the trace stays as it was
    assert trace.inputs[1, 0] != 99.0


@pytest.mark.parametrize(
    ("name", "gates", "cell_state"),
    [("lstm-gates", "ifgo", True), ("gru-gates", "rzn", False)],
)
def test_gated_cells_give_their_gates_and_o_only_at_the_end(name, gates, cell_state):
    stage = stage_of(name)
    trace, steps = stage.trace, stage.steps
    run = trace.layers[0].forward
    before = step_numbers(stage, View(t=2))
    expected = {"x_t": trace.inputs[1], "s_t forward": run.h[1]}
    if cell_state:
        expected["c_t forward"] = run.c[1]
    expected |= {f"gate {g} forward": run.gates[g][1] for g in gates}
    assert_numbers(before, expected)  # many-to-one: no o before T, none invented
    at_end = step_numbers(stage, View(t=steps))
    assert list(at_end)[-2:] == ["o_t logits", "o_t p"]
    np.testing.assert_array_equal(at_end["o_t logits"], trace.outputs[0])
    np.testing.assert_array_equal(at_end["o_t p"], trace.probabilities[0])
    np.testing.assert_array_equal(at_end[f"gate {gates[-1]} forward"], run.gates[gates[-1]][-1])


def test_bidirectional_layer_2_reads_the_merged_layer_below_in_each_direction():
    stage = stage_of("bidirectional", cell="lstm")
    trace = stage.trace
    below, layer = trace.layers
    t = 3
    both = step_numbers(stage, View(t=t, layer=2, direction="both"))
    np.testing.assert_array_equal(both["x_t"], below.output[t - 1])
    expected = {"x_t": layer.input[t - 1]}
    for direction, run in (("forward", layer.forward), ("backward", layer.backward)):
        expected[f"s_t {direction}"] = run.h[t - 1]
        expected[f"c_t {direction}"] = run.c[t - 1]
        expected |= {f"gate {g} {direction}": run.gates[g][t - 1] for g in "ifgo"}
    expected["s_t merged"] = layer.output[t - 1]
    expected["o_t logits"] = trace.outputs[t - 1]
    assert_numbers(both, expected)

    backward = step_numbers(stage, View(t=t, layer=2, direction="backward"))
    assert [n for n in backward if "forward" in n or "merged" in n] == []
    np.testing.assert_array_equal(backward["gate f backward"], layer.backward.gates["f"][t - 1])
    forward = step_numbers(stage, View(t=t, layer=1, direction="forward"))
    assert list(forward) == [
        "x_t",
        "s_t forward",
        "c_t forward",
        *(f"gate {g} forward" for g in "ifgo"),
        "o_t logits",
    ]
    np.testing.assert_array_equal(forward["x_t"], trace.inputs[t - 1])
    np.testing.assert_array_equal(forward["s_t forward"], below.forward.h[t - 1])


def test_a_bidirectional_many_to_one_output_comes_at_the_end_of_the_reading():
    stage = stage_of("intent", bidirectional=True)
    trace, steps = stage.trace, stage.steps
    assert "o_t logits" not in step_numbers(stage, View(t=steps, direction="backward"))
    at_end = step_numbers(stage, View(t=1, direction="backward"))  # ←: t = 1 is the end
    np.testing.assert_array_equal(at_end["o_t logits"], trace.outputs[0])
    np.testing.assert_array_equal(at_end["s_t backward"], trace.layers[0].backward.h[0])
    assert "o_t p" in step_numbers(stage, View(t=steps, direction="both"))


def test_the_header_names_the_scenario_step_layer_direction_and_cell():
    stage = stage_of("intent")
    numbers = step_numbers(stage, View(t=3))
    header = step_header(stage, View(t=3), numbers)
    assert header.line() == "intent: t = 3 of 5 “is”, layer 1 of 1, forward, rnn (tanh)"
    assert header.labels is None  # no o at t = 3, so no labels either
    last = step_numbers(stage, View(t=5))
    assert step_header(stage, View(t=5), last).labels == tuple(stage.trace.labels)


def parse_text(text: str) -> tuple[str, dict[str, list[str]]]:
    """numbers_text back into its header and {name: [value text, ...]}."""
    header, *lines = text.rstrip("\n").split("\n")
    out = {}
    for line in lines:
        name, _, values = line.partition(": ")
        assert values.startswith("[") and values.endswith("]"), line
        out[name] = values[1:-1].split(", ")
    return header, out


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_text_reads_back_to_exactly_the_same_numbers(dtype):
    stage = stage_of("lstm-gates", dtype=dtype)
    view = View(t=stage.steps)
    numbers = step_numbers(stage, view)
    numbers["special"] = np.array([np.nan, np.inf, -np.inf, 1e-30, -0.0, 1 / 3], dtype=dtype)
    header = step_header(stage, view, numbers)
    line, parsed = parse_text(numbers_text(numbers, header))
    assert line == header.line()
    labels = parsed.pop("o_t labels")
    assert [json.loads(label) for label in labels] == stage.trace.labels
    assert list(parsed) == list(numbers)
    for name, array in numbers.items():
        back = np.array([float(v) for v in parsed[name]], dtype=array.dtype)
        assert array.dtype == dtype
        np.testing.assert_array_equal(back, array, err_msg=name)  # exact, NaN = NaN
        assert np.array_equal(np.signbit(back), np.signbit(array))


HOSTILE = ['=HYPERLINK("http://x")', "@SUM(A1)", "-2", 'a, "b"\x1b[31m']
"""Labels from a file: formulas to a spreadsheet, a comma, a quote and an escape."""


def test_csv_is_long_exact_and_defuses_hostile_labels():
    scenario = load_scenario("intent")
    assert len(scenario.labels) == len(HOSTILE)
    scenario = replace(scenario, labels=HOSTILE)
    stage = Stage(scenario)
    view = View(t=stage.steps)
    numbers = step_numbers(stage, view)
    labels = step_header(stage, view, numbers).labels
    rows = list(csv.reader(io.StringIO(numbers_csv(numbers, labels))))
    assert rows[0] == ["name", "index", "label", "value"]
    assert len(rows) == 1 + sum(v.size for v in numbers.values())
    for name, array in numbers.items():
        mine = [row for row in rows[1:] if row[0] == name]
        assert [int(row[1]) for row in mine] == list(range(array.size))
        back = np.array([float(row[3]) for row in mine])
        np.testing.assert_array_equal(back, array, err_msg=name)
    p_labels = [row[2] for row in rows if row[0] == "o_t p"]
    assert p_labels == ['\'=HYPERLINK("http://x")', "'@SUM(A1)", "'-2", 'a, "b"␛[31m']
    assert {row[2] for row in rows if row[0] == "x_t"} == {""}


def test_npz_holds_every_vector_by_a_plain_name_and_the_labels():
    stage = stage_of("intent")
    view = View(t=stage.steps)
    numbers = step_numbers(stage, view)
    labels = step_header(stage, view, numbers).labels
    with np.load(io.BytesIO(numbers_npz(numbers, labels))) as saved:
        assert saved.files == ["x_t", "s_t_forward", "o_t_logits", "o_t_p", "o_t_labels"]
        for name, array in numbers.items():
            np.testing.assert_array_equal(saved[name.replace(" ", "_")], array)
        assert saved["o_t_labels"].tolist() == stage.trace.labels
