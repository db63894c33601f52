"""The numbers panel's equation (render/equation.py, fed by present/numbers.py), read
back as a person reads it: the ✓ only where the printed result is the trace's, every
printed line adds up (each term with its sign), and a dot product writes every term in
index order when they fit, else the first ones and the others summed, saying how many."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from rich.console import Console

from rnn_tui.engine import Network
from rnn_tui.present.numbers import merge_steps, product, unit_equation
from rnn_tui.render.equation import (
    CHECK,
    CROSS,
    EquationPanel,
    GateRow,
    Step,
    UnitEquation,
    agrees,
)

HALF = 5e-4  # what rounding to 3 decimals moves a printed number by, at most
FUNCTIONS = {
    "tanh": math.tanh,
    "sigmoid": lambda a: 1 / (1 + math.exp(-a)),
    "relu": lambda a: max(a, 0.0),
}
ACTIVATIONS = {"σ": FUNCTIONS["sigmoid"], "tanh": math.tanh, "relu": FUNCTIONS["relu"]}
TRACE = re.compile(r"\s+(?:(✗) )?trace: (\S+)(?: (✓))?\s*$")


def rendered(panel: EquationPanel, width: int = 300) -> list[str]:
    """The panel as plain text, one printed line a list item (wide enough not to fold)."""
    console = Console(width=width, color_system=None, legacy_windows=False, _environ={})
    with console.capture() as capture:
        console.print(panel)
    return capture.get().rstrip("\n").split("\n")


def arithmetic(text: str) -> tuple[float, float] | None:
    """The value of a printed expression ("0.500×0.762 + (-0.184)×(-0.530)",
    "tanh(0.381)") and how far the rounding of its numbers can move it; None for a
    label or a note."""
    text = text.strip()
    bare = re.sub(r"tanh|σ|relu", "", text)
    if not re.fullmatch(r"[-+×/()\d. ]+", bare) or not re.search(r"\d", bare):
        return None
    numbers = [abs(float(n)) for n in re.findall(r"\d+(?:\.\d+)?", bare)]
    value = eval(  # noqa: S307 - only digits, + - × /, parentheses and three functions
        text.replace("×", "*").replace("σ", "sigmoid"), {"__builtins__": {}}, FUNCTIONS
    )
    # a product a×b of rounded factors is off by at most HALF·(|a| + |b|) (plus HALF²)
    return float(value), 2 * HALF * (1 + sum(numbers))


def joined(lines: list[str]) -> list[str]:
    """The printed lines with a product's continuation lines ("        + …") joined to
    the line they continue."""
    out: list[str] = []
    for line in lines:
        if line.startswith("        + ") and out:
            out[-1] += " + " + line[len("        + ") :]
        else:
            out.append(line)
    return out


def check_lines(lines: list[str]) -> int:
    """Every printed "x = y = z" line: the parts that are numbers or arithmetic agree
    within their rounding; a "      = terms" line adds up to the value of the line
    above it; a ✓ stands beside a trace value equal to the line's. Returns the number of
    equalities checked (so a test knows the lines were read at all)."""
    checked = 0
    above: float | None = None
    for line in joined(lines):
        trace = TRACE.search(line)
        body = line[: trace.start()] if trace else line
        body = re.sub(r"\s*\(the other \d+ terms are × 0\)", "", body)  # one-hot: the rest
        if " = " not in body and not body.lstrip().startswith("= "):
            continue
        parts = body.split(" = ") if not body.lstrip().startswith("= ") else body.split("= ", 1)
        values = []
        for part in parts:
            first = re.split(r"\s{2,}", part.strip())[0] if part.strip() else ""
            value = arithmetic(first)
            if value is not None:
                values.append(value)
        if body.lstrip().startswith("= "):  # the terms of the value on the line above
            assert above is not None, line
            values.insert(0, (above, HALF))
        elif values:
            above = values[0][0]
        for (a, slack_a), (b, slack_b) in zip(values, values[1:], strict=False):
            assert abs(a - b) <= slack_a + slack_b, f"{a} ≠ {b}: {line!r}"
            checked += 1
        if trace and values:
            cross, shown, check = trace.groups()
            assert bool(check) != bool(cross), line
            if check:  # the trace agrees: at 3 decimals it is the printed value
                assert abs(float(shown) - values[-1][0]) <= 2 * HALF + 1e-9, line
                checked += 1
    return checked


def check_table(lines: list[str]) -> int:
    """The gate table of an LSTM or a GRU: for each row, the input part, the recurrent
    part and b_hh add up to the pre-activation (GRU n: x + r×(h + b)), the activation
    of that gives the value, and a ✓ sits beside the same value. Returns the rows read."""
    rows = 0
    gates: dict[str, float] = {}
    for line in lines:
        trace = TRACE.search(line)
        body = line[: trace.start()] if trace else line
        match = re.fullmatch(r"\s*([a-z]ᵍ?)\s+(σ|tanh)\s+(.+)", body)
        if not match:
            continue
        name, act, cells = match[1], match[2], match[3].split()
        if len(cells) == 5:  # x, h, b_hh, pre, value
            x, h, b, pre, value = (float(c) for c in cells)
            total, slack = x + h + b, 4 * HALF
        else:  # GRU n: x, r×(h+b), pre, value
            x, scaled, pre, value = cells[0], cells[1], cells[2], cells[3]
            evaluated = arithmetic(scaled.replace("r", str(gates["r"])))
            assert evaluated is not None, line
            total, slack = float(x) + evaluated[0], evaluated[1] + 2 * HALF
            pre, value = float(pre), float(value)
        assert abs(total - pre) <= slack, f"{name}: {total} ≠ {pre}: {line!r}"
        assert abs(ACTIVATIONS[act](pre) - value) <= 2 * HALF, line
        gates[name] = value
        if trace:
            cross, shown, check = trace.groups()
            assert check and not cross and abs(float(shown) - value) <= 2 * HALF, line
        rows += 1
    return rows


def network(cell: str, *, bidirectional: bool = False, merge: str = "concat", **kwargs) -> Network:
    return Network(cell=cell, input_size=4, hidden_size=5, num_layers=2, seed=11,
                   bidirectional=bidirectional, merge=merge, **kwargs)  # fmt: skip


NETWORKS = {
    "rnn-tanh": lambda: network("rnn"),
    "rnn-relu": lambda: network("rnn", nonlinearity="relu"),
    "rnn-bidirectional-sum": lambda: network("rnn", bidirectional=True, merge="sum"),
    "lstm": lambda: network("lstm"),
    "lstm-bidirectional-mean": lambda: network("lstm", bidirectional=True, merge="mean"),
    "gru": lambda: network("gru"),
    "gru-bidirectional-mul": lambda: network("gru", bidirectional=True, merge="mul"),
}


# --------------------------------------------------------------------------- the ✓
def test_agreement_is_float32_rounding_not_a_thousandth():
    assert agrees(0.418 + 1e-7, 0.418) and agrees(float(np.float32(0.4181234)), 0.4181234)
    assert agrees(-3.5e4 * (1 + 1e-7), -3.5e4)  # relative to the size of the numbers
    for off in (1e-3, 1e-4):
        assert not agrees(0.418 + off, 0.418) and not agrees(0.418 - off, 0.418), off
        assert not agrees(off, 0.0), off
    assert not agrees(1000.0 * (1 + 1e-4), 1000.0)


def test_a_result_off_by_a_thousandth_is_crossed_not_checked():
    def panel(result: float, trace: float, cell: str = "rnn") -> str:
        row = GateRow("s", "tanh", 0.1, 0.2, 0.05, 0.35, result, None if cell == "rnn" else trace)
        eq = UnitEquation(
            "s₁[1]", "unit 1 of 1, t = 1", cell, "x₁", "s₀ = 0", (row,),
            steps=(Step("s₁[1] = a", result, trace),) if cell != "rnn" else (),
            result=result, trace=trace,
        )  # fmt: skip
        extra = [Step("s₁[1] = →s₁[1] + ←s₁[1]", result, trace)]
        return "\n".join(rendered(EquationPanel([eq], extra=extra)))

    for cell in ("rnn", "lstm"):
        right = panel(0.418, 0.418 + 1e-8, cell)
        assert CROSS not in right and right.count(CHECK) == (2 if cell == "rnn" else 3)
        wrong = panel(0.419, 0.418, cell)
        assert CHECK not in wrong, wrong
        assert wrong.count(f"{CROSS} trace: 0.418") == (2 if cell == "rnn" else 3), wrong
    eq = UnitEquation("s", "", "rnn", "x", "s₀", (), result=0.4181, trace=0.418)
    assert not eq.exact


# --------------------------------------------------------------------------- signs
@pytest.mark.parametrize("name", NETWORKS)
def test_every_printed_line_adds_up_with_its_signs(name):
    """Read back from the text: the terms of each line (with their signs) make its
    result, and the result is the trace's, at every step, unit, layer and direction."""
    net = NETWORKS[name]()
    x = np.random.default_rng(3).standard_normal((4, net.input_size))
    trace = net.trace(x)
    checked = rows = 0
    directions = ("forward", "backward") if net.bidirectional else ("forward",)
    for layer in range(net.num_layers):
        for t in range(1, trace.steps + 1):
            for unit in range(1, net.hidden_size + 1):
                eqs = [unit_equation(net, trace, layer, d, t, unit) for d in directions]
                extra = merge_steps(net, trace, layer, t, unit) if net.bidirectional else []
                lines = rendered(EquationPanel(eqs, extra=extra))
                checked += check_lines(lines)
                rows += check_table(lines)
                for eq, direction in zip(eqs, directions, strict=True):
                    run = getattr(trace.layers[layer], direction)
                    assert abs(eq.result - run.h[t - 1, unit - 1]) <= 1e-12
                    results = [ln for ln in lines if ln.lstrip().startswith(eq.symbol)]
                    last = TRACE.search(results[-1])
                    assert last and last[3] == CHECK, results
                    assert abs(float(last[2]) - run.h[t - 1, unit - 1]) <= HALF + 1e-12
    steps = trace.steps * net.hidden_size * net.num_layers
    if net.cell == "rnn":
        # per unit and direction: the x terms, the h terms (not at the first step: s = 0),
        # the pre-activation, the activation, the ✓
        assert checked >= steps * len(directions) * 4
    else:
        assert rows == steps * len(directions) * len(net.spec.gate_names)
        # the steps (LSTM c and s, GRU n and s), each with its ✓ but GRU's n
        assert checked >= steps * len(directions) * (3 if net.cell == "gru" else 4)


def test_the_rnn_lines_repeat_the_values_above_them():
    """The pre-activation writes out the three values printed above it, the activation
    reads the pre-activation: a term with the wrong sign does not add up."""
    net = network("rnn")
    trace = net.trace(np.random.default_rng(3).standard_normal((4, 4)))
    for t in (1, 3):
        lines = rendered(EquationPanel([unit_equation(net, trace, 1, "forward", t, 2)]))
        labelled = [re.match(r"  (\S.*?)\s*=\s+(-?\d+\.\d+)(?:\s|$)", ln) for ln in lines]
        value = {m[1].split("[")[0]: float(m[2]) for m in labelled if m}
        pre = next(ln for ln in lines if "pre-activation" in ln)
        terms = [float(n.strip("()")) for n in pre.split(" = ")[-1].split(" + ")]
        assert terms == [value["W_ih"], value["W_hh"], value["b_hh"]], pre
        assert abs(sum(terms) - value["pre-activation a"]) <= 4 * HALF
        result = next(ln for ln in lines if "tanh(a)" in ln)
        assert f"= tanh({value['pre-activation a']:.3f})" in result


# --------------------------------------------------------------------------- every term
def test_a_product_keeps_every_term_in_index_order():
    weights = np.array([0.1, -3.0, 0.2, -2.5, 0.3, -2.0, 0.4, -1.8, 0.5, -1.6, 0.6, -1.4])
    shown = product("W_hh[1,:]·s₂", weights, np.ones(12))
    assert shown.indices == tuple(range(1, 13))
    assert shown.weights == tuple(weights) and shown.total == pytest.approx(weights.sum())
    text = shown.terms()
    assert text.startswith("0.100×1.000 + (-3.000)×1.000 + 0.200×1.000")
    assert text.endswith("0.600×1.000 + (-1.400)×1.000") and "…" not in text


def test_a_one_hot_input_writes_the_term_that_is_not_zero():
    weights = np.array([0.5, -0.25, 0.125, 2.0, 1.0, -1.0])
    shown = product("W_ih[1,:]·x₁", weights, np.eye(6)[3])
    assert shown.indices == (4,) and shown.rest_zero
    assert shown.lines(200) == ["      = 2.000×1.000  (the other 5 terms are × 0)"]


def test_terms_that_do_not_fit_are_the_last_ones_summed_and_counted():
    weights = np.linspace(-1.0, 1.0, 30)
    values = np.linspace(0.5, -0.5, 30)
    shown = product("W_hh[1,:]·s₂", weights, values)
    for width in (60, 100, 150):
        lines = shown.lines(width)
        assert 1 <= len(lines) <= 3 and all(len(line) <= width for line in lines), lines
        text = joined(lines)[0]
        # the first k terms, in index order, then the sum of the others and how many
        pairs = re.findall(r"(\(?-?\d+\.\d+\)?)×(\(?-?\d+\.\d+\)?)", text)
        k = len(pairs)
        assert 0 < k < 30
        expected = [(f"{w:.3f}", f"{v:.3f}") for w, v in zip(weights[:k], values[:k], strict=True)]
        assert [(w.strip("()"), v.strip("()")) for w, v in pairs] == expected
        rest = float(np.sum(weights[k:] * values[k:]))
        note = f"(the other {30 - k} terms, j = {k + 1}…30, summed)"
        assert note in text, text
        summed = text.split(note)[0].rsplit(" + ", 1)[1].strip().strip("()")
        assert abs(float(summed) - rest) <= HALF
    assert len(joined(shown.lines(10_000))[0].split(" + ")) == 30  # wide enough: all


def test_the_panel_writes_every_recurrent_term_where_they_fit_and_the_same_ones_each_step():
    """The row of W_hh of unit 1 looks the same at every t: every term, in index order,
    read back from the panel at 120 columns (a hidden size of 10 fits)."""
    kind = {"cell": "rnn", "input_size": 2, "hidden_size": 10, "nonlinearity": "relu"}
    net = Network(**kind, seed=2)
    trace = net.trace(np.random.default_rng(1).standard_normal((4, 2)))
    w_hh = net.params["weight_hh_l0"]
    for t in (2, 3, 4):
        s_prev = trace.layers[0].forward.h[t - 2]
        lines = rendered(EquationPanel([unit_equation(net, trace, 0, "forward", t, 1)]), 120)
        at = next(
            i for i, ln in enumerate(lines) if ln.lstrip().startswith(f"W_hh[1]·s{'₀₁₂₃'[t - 1]}")
        )
        text = joined(lines[at + 1 : at + 4])[0]
        assert "…" not in text and "summed" not in text, text
        printed = re.findall(r"(\(?-?\d+\.\d+\)?)×(\(?-?\d+\.\d+\)?)", text)
        pairs = [(w.strip("()"), s.strip("()")) for w, s in printed]
        assert pairs == [(f"{w_hh[0, i]:.3f}", f"{s_prev[i]:.3f}".replace("-0.000", "0.000"))
                         for i in range(10)]  # fmt: skip
