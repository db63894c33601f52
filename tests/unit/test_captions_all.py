"""Every caption true, on every built-in scenario (issue 14): each view of each scenario,
in each direction the network has, at each layer, at t = 1, a middle t and t = T,
drawn to plain text and read back as a student reads it.

- a caption names the neighbour the direction really reads: s_{t-1} forward (s₂ at
  t = 3), s_{t+1} backward, never the other one, with W going forward and W' backward;
- the numbers shown are the trace's, and the terms written out add up to the
  pre-activation computed here, with numpy, from `network.params` (not from the code
  under test);
- W_oh is never said to be used by every step of a many-to-one scenario; the unit is
  marked where it is in each matrix; no "All 1 layers", no "s_t-1", the LSTM's output
  gate never a bare "o"; the history's time axis is never cut.

Besides the built-ins, three bidirectional many-to-one networks (none is built in):
the readout reads →s_T and ←s₁, which is what the captions must say.
"""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from rnn_tui.files import BUILTIN_DIR
from rnn_tui.present.panes import (
    equation_content,
    history_content,
    layers_content,
    projection_content,
    weights_content,
)
from rnn_tui.present.position import View
from rnn_tui.present.view import Look, Stage
from rnn_tui.render.matrices import weight_matrix
from rnn_tui.render.palette import ColorScale
from rnn_tui.scenario import builtin_names, load_scenario, parse_scenario
from rnn_tui.ui.help import PANELS_HELP, QUESTIONS_HELP

SUBSCRIPT = "₀₁₂₃₄₅₆₇₈₉"
LOOK = Look(mono=True)
WIDTH = 120
HALF = 5e-4  # what rounding to 3 decimals moves a printed number by, at most

SYNTHETIC = {
    "bidirectional-last-rnn": ("rnn", 2, "concat"),
    "bidirectional-last-lstm": ("lstm", 1, "sum"),
    "bidirectional-last-gru": ("gru", 2, "mean"),
}
"""Bidirectional many-to-one networks: cell, layers, merge."""


def synthetic(name: str):
    cell, layers, merge = SYNTHETIC[name]
    text = f"""
title = "{name}"
[model]
cell = "{cell}"
hidden_size = 5
num_layers = {layers}
bidirectional = true
merge = "{merge}"
readout = "last"
[weights]
seed = 5
[input]
tokens = ["what", "time", "is", "it", "?"]
encoding = "one-hot"
[output]
labels = ["ask_time", "greet", "goodbye"]
"""
    return parse_scenario(text, name=name)


SCENARIOS = [
    *builtin_names(),
    *(f"memory-fade/{p.name}" for p in sorted((BUILTIN_DIR / "memory-fade").glob("*.toml"))),
    *SYNTHETIC,
]


@cache
def stage_of(name: str) -> Stage:
    if name in SYNTHETIC:
        return Stage(synthetic(name))
    source: str | Path = BUILTIN_DIR / name if "/" in name else name
    return Stage(load_scenario(source))


def text_of(content, width: int = WIDTH) -> str:
    """A content (or any renderable) as the plain text a terminal of `width` shows."""
    renderable = content.renderable(LOOK) if hasattr(content, "renderable") else content
    console = Console(width=width, record=True, color_system=None, legacy_windows=False,
                      file=io.StringIO(), _environ={})  # fmt: skip
    console.print(renderable)
    return console.export_text()


def s(t: int, direction: str | None = None) -> str:
    """The state symbol at t, as the screen writes it: s₃, →s₃, ←s₄."""
    arrow = {"forward": "→", "backward": "←"}.get(direction or "", "")
    return f"{arrow}s{str(t).translate(str.maketrans('0123456789', SUBSCRIPT))}"


def mentions(text: str, symbol: str) -> bool:
    """Does `text` name `symbol` itself (s₂, not s₂₅ nor a layer's s₂⁽¹⁾)?"""
    return re.search(re.escape(symbol) + f"(?![{SUBSCRIPT}⁽])", text) is not None


def steps_of(T: int) -> list[int]:
    return sorted({1, (T + 1) // 2, T})


def views(stage: Stage):
    """Every direction the network has, every layer, t = 1, middle and T; the unit a
    middle one, so rows and columns other than the first are checked."""
    directions = ("forward", "backward", "both") if stage.bidirectional else ("forward",)
    unit = stage.hidden // 2 + 1
    for direction in directions:
        for layer in range(1, stage.num_layers + 1):
            for t in steps_of(stage.steps):
                yield View(t=t, layer=layer, direction=direction, unit=unit)


def params(stage: Stage, k: int, direction: str):
    suffix = "_reverse" if direction == "backward" else ""
    p = stage.network.params
    return tuple(np.asarray(p[f"{n}_l{k}{suffix}"], dtype=float)
                 for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))  # fmt: skip


def previous(stage: Stage, k: int, direction: str, t: int) -> tuple[int, np.ndarray]:
    """The step a direction reads at t and its state there (zero at the edge)."""
    prev = t - 1 if direction == "forward" else t + 1
    run = getattr(stage.trace.layers[k], direction)
    if 1 <= prev <= stage.steps:
        return prev, np.asarray(run.h[prev - 1], dtype=float)
    return prev, np.zeros(stage.hidden)


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def gates_by_hand(stage: Stage, k: int, direction: str, t: int, j: int) -> dict[str, tuple]:
    """(pre-activation, value) of unit j's rows at t, from the parameters with numpy."""
    w_ih, w_hh, b_ih, b_hh = params(stage, k, direction)
    H, cell = stage.hidden, stage.network.cell
    x = np.asarray(stage.trace.layers[k].input[t - 1], dtype=float)
    _, s_prev = previous(stage, k, direction, t)
    if cell == "rnn":
        pre = w_ih[j] @ x + b_ih[j] + w_hh[j] @ s_prev + b_hh[j]
        act = {"tanh": np.tanh, "relu": lambda a: max(a, 0.0), "sigmoid": sigmoid}
        return {"s": (pre, act[stage.network.nonlinearity](pre))}
    out = {}
    names = ("i", "f", "g", "o") if cell == "lstm" else ("r", "z", "n")
    for b, name in enumerate(names):
        r = b * H + j
        x_part, h_part = w_ih[r] @ x + b_ih[r], w_hh[r] @ s_prev + b_hh[r]
        if name == "n":
            pre = x_part + out["r"][1] * h_part
        else:
            pre = x_part + h_part
        out[name] = (pre, np.tanh(pre) if name in ("g", "n") else sigmoid(pre))
    return out


def numbers_in(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+\.\d+", text)]


# --------------------------------------------------------------------------- all views
BANNED = ("All 1 layers", "s_t-1", "s_t+1", "s_{t-1}", "x_t", "the largest shown")


def check_banned(text: str) -> None:
    for phrase in BANNED:
        assert phrase not in text, phrase


@pytest.mark.parametrize("name", SCENARIOS)
def test_step_panels_name_the_right_neighbour_and_weights(name):
    stage = stage_of(name)
    net = stage.network
    T = stage.steps
    for view in views(stage):
        panels = stage.panels(view)
        for direction in view.shown:
            d = direction if stage.bidirectional else None
            panel = panels[f"state-{direction}"]
            assert panel is not None
            prev = view.t - 1 if direction == "forward" else view.t + 1
            wrong = view.t + 1 if direction == "forward" else view.t - 1
            text = text_of(panel)
            check_banned(text)
            detail = panel.detail
            if net.cell != "lstm":  # the LSTM's s_t reads c_{t-1}, not s_{t-1}
                assert mentions(detail, s(prev, d)), detail
            assert not mentions(detail, s(wrong, d)), detail
            assert not mentions(detail, s(wrong)), detail
            mark = "'" if direction == "backward" else ""
            if net.cell == "rnn":
                assert f"W{mark}_hh {s(prev, d)}" in detail, detail
                assert f"b{mark} = b{mark}_ih + b{mark}_hh" in detail, detail
            if direction == "forward":
                assert "W'" not in detail and "b'" not in detail, detail
            if net.cell == "lstm":
                assert "oᵍ ⊙ tanh" in detail and "= o ⊙" not in detail, detail
                assert f"c{s(prev)[1:]}" in detail, detail
            edge = (direction == "forward" and view.t == 1) or (
                direction == "backward" and view.t == T
            )
            assert (f"{s(prev)} = 0" in detail) == edge, detail
            # the numbers under the cells are the trace's state
            run = getattr(stage.trace.layers[view.layer - 1], direction)
            check_values_line(text, run.h[view.t - 1])
        gates = panels["gates"]
        if net.cell == "rnn":
            assert gates is None
            continue
        assert gates is not None
        reading = view.reading
        prev = view.t - 1 if reading == "forward" else view.t + 1
        wrong = view.t + 1 if reading == "forward" else view.t - 1
        if net.cell == "lstm":
            assert gates.row_labels == ("i", "f", "g", "oᵍ", "c")
            assert f"c{s(view.t)[1:]} = f ⊙ c{s(prev)[1:]}" in gates.detail
            assert "i f oᵍ = σ" in gates.detail
        else:
            d = reading if stage.bidirectional else None
            assert gates.row_labels == ("r", "z", "n")
            mark = "'" if reading == "backward" else ""
            assert f"W{mark}_hn {s(prev, d)} + b{mark}_hn" in gates.detail, gates.detail
            assert not mentions(gates.detail, s(wrong, d)), gates.detail
        check_banned(text_of(gates))


def check_values_line(text: str, values: np.ndarray) -> None:
    """The numbers written under a vector's cells (when it has any) are `values`, each to
    the precision it is printed at."""
    n = len(values)
    for line in text.splitlines():
        found = re.findall(r"-?\d+\.\d+|-?\d+e[+-]\d+", line)
        if len(found) != n or not re.fullmatch(r"[\s\d.e+-]+", line):
            continue
        for shown, value in zip(found, values, strict=True):
            decimals = len(shown.split(".")[1]) if "." in shown and "e" not in shown else 3
            assert abs(float(shown) - value) <= 0.5 * 10**-decimals + 1e-9, (shown, value)
        return
    if n <= 16:
        raise AssertionError(f"no line of {n} values in:\n{text}")


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_output_caption_says_what_the_readout_reads(name):
    stage = stage_of(name)
    net, T = stage.network, stage.steps
    if stage.trace.outputs is None or net.readout == "every":
        return
    final = [s(T, "forward"), s(1, "backward")] if stage.bidirectional else [s(T)]
    for view in views(stage):
        panel = stage.panels(view)["output"]
        caveat = panel.caveat
        if stage.is_last(view):
            continue
        assert "final state" in caveat
        for symbol in final:
            assert mentions(caveat, symbol), caveat
        assert ("alone" in caveat) == (not stage.bidirectional), caveat
        top = layers_content(stage, View(t=stage.last(view).t, layer=view.layer,
                                         direction=view.direction))  # fmt: skip
        link = top.rows[0].link
        for symbol in final:
            assert mentions(link, symbol), link


@pytest.mark.parametrize("name", SCENARIOS)
def test_numbers_are_the_trace_and_add_up_by_hand(name):
    stage = stage_of(name)
    net = stage.network
    H = stage.hidden
    for view in views(stage):
        k, j, t = view.layer - 1, view.unit - 1, view.t
        text = text_of(equation_content(stage, view))
        check_banned(text)
        lines = joined(text.splitlines())
        for direction in view.shown:
            d = direction if stage.bidirectional else None
            run = getattr(stage.trace.layers[k], direction)
            prev, s_prev = previous(stage, k, direction, t)
            wrong = t + 1 if direction == "forward" else t - 1
            start = next(i for i, ln in enumerate(lines)
                         if ln.startswith(f"{s(t, d)}[{view.unit}]  "))  # fmt: skip
            block = lines[start + 1 : start + 14]
            mark = "'" if direction == "backward" and stage.bidirectional else ""
            w_ih, w_hh, b_ih, b_hh = params(stage, k, direction)
            by_hand = gates_by_hand(stage, k, direction, t, j)
            if net.cell == "rnn":
                label = next(ln for ln in block if f"W{mark}_hh[{view.unit}]·" in ln)
                assert f"W{mark}_hh[{view.unit}]·{s(prev, d)} " in label, label
                assert not mentions(label, s(wrong, d)), label
                if direction == "forward":
                    assert "W'" not in "\n".join(block[:6])
                at = block.index(label)
                terms = block[at + 1]
                if 1 <= prev <= stage.steps:
                    check_terms(terms, w_hh[j], s_prev, w_hh[j] @ s_prev)
                else:
                    assert f"0, since {s(prev, d)} = 0" in terms, terms
                x = np.asarray(stage.trace.layers[k].input[t - 1], dtype=float)
                x_terms = next(block[i + 1] for i, ln in enumerate(block)
                               if f"W{mark}_ih[{view.unit}]·" in ln)  # fmt: skip
                check_terms(x_terms, w_ih[j], x, w_ih[j] @ x, bias=b_ih[j])
                pre = next(ln for ln in block if "pre-activation a" in ln)
                assert abs(numbers_in(pre)[0] - by_hand["s"][0]) <= HALF + 1e-9, pre
                result = next(ln for ln in block if "trace:" in ln)
                shown = re.search(r"trace: (-?\d+\.\d+) ✓", result)
                assert shown and abs(float(shown[1]) - run.h[t - 1, j]) <= HALF, result
                assert abs(by_hand["s"][1] - run.h[t - 1, j]) <= 1e-5
            else:
                rows = {}
                for ln in block:
                    m = re.match(r"^\s*(i|f|g|oᵍ|r|z|n)\s+(σ|tanh)\s+(.*?)(?:\s+trace: .*)?$", ln)
                    if m:
                        rows.setdefault(m[1], numbers_in(m[3].split("r×")[-1]) if m[1] == "n"
                                        else numbers_in(m[3]))  # fmt: skip
                names = ("i", "f", "g", "o") if net.cell == "lstm" else ("r", "z", "n")
                assert set(rows) == {"oᵍ" if g == "o" and net.cell == "lstm" else g
                                     for g in names}, block  # fmt: skip
                for g in names:
                    label = "oᵍ" if g == "o" and net.cell == "lstm" else g
                    pre, value = rows[label][-2:]
                    assert abs(pre - by_hand[g][0]) <= HALF + 1e-9, (g, rows[label], by_hand[g])
                    assert abs(value - by_hand[g][1]) <= HALF + 1e-9, (g, rows[label])
                header = next(ln for ln in block if f"W{mark}_hh·" in ln)
                assert f"W{mark}_hh·{s(prev, d)} " in header, header
                result = next(
                    ln for ln in block if ln.lstrip().startswith(f"{s(t, d)}[{view.unit}] =")
                )
                shown = re.search(r"trace: (-?\d+\.\d+) ✓", result)
                assert shown and abs(float(shown[1]) - run.h[t - 1, j]) <= HALF, result
                if net.cell == "lstm":
                    assert "oᵍ·tanh" in result, result
        if view.direction == "both" and net.merge == "concat":
            merged = stage.trace.layers[k].output[t - 1]
            for index in (view.unit, H + view.unit):
                ln = next(ln for ln in lines if ln.lstrip().startswith(f"{s(t)}[{index}] ="))
                shown = re.search(r"trace: (-?\d+\.\d+) ✓", ln)
                assert shown and abs(float(shown[1]) - merged[index - 1]) <= HALF, ln


def joined(lines: list[str]) -> list[str]:
    """Lines with a product's continuation lines ("        + …") joined to the line before."""
    out: list[str] = []
    for line in lines:
        if line.startswith("        + ") and out:
            out[-1] += " + " + line[len("        + ") :]
        else:
            out.append(line)
    return out


def check_terms(line: str, weights: np.ndarray, values: np.ndarray, total: float,
                bias: float | None = None) -> None:  # fmt: skip
    """A "      = w×v + …" line: the terms in index order (j = 1, 2, …; a one-hot input's
    only term that is not × 0), each w and v the parameters' and the trace's, every term
    written when they fit at 120 columns (up to 16 of them), and the whole adds up."""
    assert line.startswith("      = "), line
    body = re.sub(r"\s*\(the other \d+ terms are × 0\)", "", line[8:])
    summed = re.search(r"(\(?-?\d+\.\d+\)?)\s+\(the other (\d+) terms, j = (\d+)…(\d+), summed\)",
                       body)  # fmt: skip
    pairs = re.findall(r"(\(?-?\d+\.\d+\)?)×(\(?-?\d+\.\d+\)?)", body)
    n = len(weights)
    nonzero = np.flatnonzero(values)
    one_hot = nonzero.size == 1 and n > 2
    indices = list(nonzero) if one_hot else list(range(len(pairs)))
    if not one_hot and n <= 16:
        assert summed is None and len(pairs) == n, line  # all of them fit
    for (w, v), i in zip(pairs, indices, strict=True):
        assert abs(float(w.strip("()")) - weights[i]) <= HALF + 1e-12, (line, i)
        assert abs(float(v.strip("()")) - values[i]) <= HALF + 1e-12, (line, i)
    value = sum(float(w.strip("()")) * float(v.strip("()")) for w, v in pairs)
    slack = sum(HALF * (abs(float(w.strip("()"))) + abs(float(v.strip("()"))) + HALF)
                for w, v in pairs)  # fmt: skip
    if summed is not None:
        count, a, b = int(summed[2]), int(summed[3]), int(summed[4])
        assert (a, b, count) == (len(pairs) + 1, n, n - len(pairs)), line
        value += float(summed[1].strip("()"))
        slack += HALF
    if bias is not None:
        last = body.rsplit(" + ", 1)[1].split()[0]
        assert abs(float(last.strip("()")) - bias) <= HALF, line
        value += float(last.strip("()"))
        slack += HALF
        total += bias
    assert abs(value - total) <= slack + 1e-9, (line, value, total)


@pytest.mark.parametrize("name", SCENARIOS)
def test_layers_view(name):
    stage = stage_of(name)
    for view in views(stage):
        content = layers_content(stage, view)
        text = text_of(content)
        check_banned(text)
        if stage.num_layers == 1:
            assert "layers" not in text.splitlines()[0], text.splitlines()[0]
        else:
            assert f"All {stage.num_layers} layers" in text
        t = view.t
        selected = next(row for row in content.rows if row.selected)
        for vector in selected.vectors:
            assert mentions(vector.name, s(t, "forward")) or mentions(vector.name, s(t, "backward")) \
                or mentions(vector.name, s(t))  # fmt: skip
        # the selected layer's numbers are the trace's
        big = text_of(content, WIDTH)
        rows = big.splitlines()
        for vector_name, values in [(v.name, v.data) for v in selected.vectors]:
            at = next(i for i, ln in enumerate(rows) if ln.strip() == vector_name)
            check_values_line("\n".join(rows[at + 1 : at + 4]), values)


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("width", [41, 80, 120])
def test_history_axis_is_never_cut(name, width):
    stage = stage_of(name)
    T = stage.steps
    for view in views(stage):
        text = text_of(history_content(stage, view), width)
        check_banned(text)
        assert f"s₁ … {s(T)}" in text
        lines = text.splitlines()
        axes = [i for i, ln in enumerate(lines) if ln.startswith("t ")]
        assert len(axes) == len(view.shown)
        for i in axes:
            axis, marker = lines[i], lines[i + 1]
            assert len(axis.rstrip()) <= width and len(marker.rstrip()) <= width
            numbers = [(m.start(), int(m[0])) for m in re.finditer(r"\d+", axis)]
            values = [n for _, n in numbers]
            assert values == sorted(values) and len(set(values)) == len(values), axis
            assert all(1 <= n <= T for n in values), axis
            assert view.t in values, axis
            # ▼ stands over the current t, "now" on the same line
            assert "now" in marker and marker.count("▼") == 1, marker
            at = dict((n, col) for col, n in numbers)[view.t]
            # over the number (moved left of its cell only at the right edge)
            assert at <= marker.index("▼") < at + len(str(view.t)), (axis, marker)
            assert not lines[i + 2].lstrip().startswith("now"), lines[i + 2]


def column_of_mark(lines: list[str]) -> list[int]:
    marker = next(ln for ln in lines if "▼" in ln and set(ln.strip()) <= {"▼", " "})
    return [m.start() for m in re.finditer("▼+", marker)]


@pytest.mark.parametrize("name", SCENARIOS)
def test_weights_view(name):
    stage = stage_of(name)
    net, H = stage.network, stage.hidden
    for view in views(stage):
        if view.t != 1:
            continue  # the weights do not change with t
        content = weights_content(stage, view)
        text = text_of(content)
        check_banned(text)
        j, unit = view.unit - 1, view.unit
        assert "Wˢˣ" in text and "Wʰʰ" in text and "b = b_ih + b_hh" in text
        shown = ("forward", "backward") if view.direction == "both" else (view.direction,)
        names = [m.name for _, ms in content.groups for m in ms if "_hh" in m.name[:5]
                 and m.name.startswith("W")]  # fmt: skip
        assert len(names) == len(shown)
        for direction, name_ in zip(shown, names, strict=True):
            d = direction if stage.bidirectional else None
            mark = "'" if direction == "backward" else ""
            sub = "ₜ₋₁" if direction == "forward" else "ₜ₊₁"
            wrong = "ₜ₊₁" if direction == "forward" else "ₜ₋₁"
            arrow = {"forward": "→", "backward": "←"}[direction] if d else ""
            assert name_ == f"W{mark}_hh = W{mark}ʰʰ (reads {arrow}s{sub})", name_
            assert wrong not in name_
        top = view.layer == stage.num_layers and net.output_size
        heading_lines = [ln for ln in text.splitlines() if "·" in ln and "used" in ln]
        for ln in heading_lines:
            if ln.startswith("readout"):
                assert ("every step" in ln) == (net.readout == "every"), ln
                if net.readout == "last":
                    assert "once" in ln and "Wᵒʰ" in ln
            else:
                assert "every step" in ln, ln
        # "every step" only on the headings of the cell's weights (and an every-step readout)
        for ln in text.splitlines():
            if "every step" in ln:
                assert ln in heading_lines, ln
        readout = [g for g in content.groups if g[0].startswith("readout")]
        assert bool(readout) == bool(top)
        # the unit where it is: rows of W_ih / W_hh, a column of W_hh, columns of W_oh
        for _heading, matrices in content.groups:
            for m in matrices:
                drawn = text_of(weight_matrix(m, ColorScale.symmetric(m.data), unit=unit,
                                              mono=True), WIDTH).splitlines()  # fmt: skip
                if m.name.startswith("W_oh"):
                    expected = (j, H + j) if m.data.shape[1] == 2 * H else (j,)
                    assert m.unit_columns == expected and not m.unit_rows
                    assert not any(ln.lstrip().startswith("▶") for ln in drawn), drawn
                    labels = [" " + n for n in (m.row_names or
                              tuple(str(r + 1) for r in range(m.data.shape[0])))]  # fmt: skip
                    offset = max(len(label) for label in labels) + 1
                    assert column_of_mark(drawn) == [offset + 2 * c for c in expected], drawn
                    cols = ", ".join(str(c + 1) for c in expected)
                    assert (
                        f"unit {unit}: ▼ its column{'s' if len(expected) > 1 else ''} {cols}"
                        in drawn[-1]
                    )
                elif m.name.startswith("b") and m.name != "b_o":
                    blocks = max(1, len(net.spec.gate_names))
                    expected = tuple(b * H + j for b in range(blocks))
                    assert m.unit_columns == expected, m
                    cell = 2 if m.data.shape[0] <= 32 else 1
                    assert column_of_mark(drawn) == [cell * c for c in expected], drawn
                elif m.name.startswith("W") and "_" in m.name[:4]:
                    assert m.unit_rows
                    marked = [ln for ln in drawn if ln.startswith("▶")]
                    blocks = max(1, len(net.spec.gate_names))
                    assert len(marked) == blocks, drawn
                    assert all(re.match(rf"▶(?:\D+ +)? *{unit} ", ln) for ln in marked), marked
                    if "_hh" in m.name[:5]:
                        assert m.unit_columns == (j,)
                        row = next(ln for ln in drawn if ln.startswith("▶"))
                        offset = len(re.match(r"▶(?:\D+ +)? *\d+ ", row)[0])
                        cell = 2 if m.data.shape[1] <= 32 else 1
                        assert column_of_mark(drawn) == [offset + cell * j], drawn
        if net.cell == "lstm":
            assert "oᵍ" in text and not re.search(r"^\s*o \d", text, re.M)


@pytest.mark.parametrize("name", SCENARIOS)
def test_projection_view(name):
    stage = stage_of(name)
    for view in views(stage):
        content = projection_content(stage, view)
        if content is None:
            continue
        k, t = view.layer - 1, view.t
        direction = view.reading
        d = direction if stage.bidirectional else None
        mark = "'" if direction == "backward" else ""
        prev, s_prev = previous(stage, k, direction, t)
        assert content.recurrent_name.startswith(f"W{mark}_hh {s(prev, d)} + b{mark}_hh")
        text = text_of(content)
        check_banned(text)
        _, w_hh, _, b_hh = params(stage, k, direction)
        np.testing.assert_allclose(content.recurrent, w_hh @ s_prev + b_hh, atol=1e-5)
        if stage.network.cell == "lstm":
            assert "i, f, g, oᵍ = act(" in text


def test_the_help_says_how_the_gates_are_drawn():
    """The gates panel draws on a diverging scale (blue, white, red); the help must not
    put the gates among the viridis ones."""
    stage = stage_of("lstm-gates")
    assert stage.scales["gates0f"].palette.name == "RdBu"
    assert stage.scales["gates0f"].vmin == -stage.scales["gates0f"].vmax
    prose = " ".join(PANELS_HELP.split())
    viridis = next(sentence for sentence in prose.split(". ") if "viridis" in sentence)
    assert "gate" not in viridis, viridis
    gates = next(sentence for sentence in prose.split(". ") if "gates panel" in sentence)
    assert "that scale" in gates or "blue" in gates, gates
    assert "oᵍ" in PANELS_HELP and "b = b_ih + b_hh" in PANELS_HELP
    for name in ("Wˢˣ", "Wʰʰ", "Wᵒʰ"):
        assert name in PANELS_HELP
    for text in (PANELS_HELP, QUESTIONS_HELP):
        check_banned(text)
        assert not re.search(r"[sxo]_t[-+]1|_T-1", text)


def test_subscripts_and_the_tutorials_names_are_real_characters():
    from rnn_tui.render.notation import bias_sum, gate_label, sub, sup, tutorial_name

    assert sub("t-1") == "ₜ₋₁" and sub("t+1") == "ₜ₊₁" and sub(12) == "₁₂"
    assert sup("sx") == "ˢˣ" and tutorial_name("hh", "'") == "W'ʰʰ" and tutorial_name("oh") == "Wᵒʰ"
    assert gate_label("o", "lstm") == "oᵍ" and gate_label("o", "gru") == "o"
    assert bias_sum("'") == "b' = b'_ih + b'_hh"
