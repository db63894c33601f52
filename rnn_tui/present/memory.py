"""The memory pane: how long one input is remembered, measured by re-running.

The tutorial's section 5 says a vanilla RNN forgets and an LSTM or GRU remembers. The
influence ‖∂s_t/∂x_k‖ cannot show it (a latched LSTM has a near-zero slope while it
holds the fact); running the network again with x_k replaced can: the memory curve is
‖s_t − s′_t‖ over t = 1 … T, and p(right answer) read out at every t, of the sequence
as given and with x_k replaced. The same curves of the trained siblings (the same tokens
read by an RNN, an LSTM and a GRU) are drawn beside them, each with its prediction.

`compared(scenario)` lists the models to compare (the one shown and its siblings, from
scenario/siblings.py when it is there); `measure_memory(stage, models, k)` re-runs them,
once per scenario and k (the app does it in a worker when dear); `memory_content(stage,
view, measure)` turns a measure into what the pane shows at view.t, with no re-run.
Nothing here imports textual.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from ..engine.memory import Rerun
from ..i18n import _
from ..render.curve import Curves, Series
from ..render.notation import sub
from ..scenario.memory import followed_step, memory_rerun
from ..text import visible
from .position import View
from .view import Look, Stage

CELL_NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
CELL_ORDER = ("rnn", "lstm", "gru")
SIDE_BY_SIDE = 34
"""Models are drawn side by side when each column gets at least this many cells."""
KEPT, FADING = 0.5, 0.01
"""‖s_t − s′_t‖ over its largest value so far: from KEPT on x_k is kept, below FADING
it is forgotten, fading between."""
GOOD, BAD = "✓", "✗"


def _load_siblings(scenario: Any, problems: list[str]) -> dict[str, Any] | None:
    """scenario/siblings.load_siblings(scenario) (cell -> the trained sibling reading
    the same tokens; why any was left out appended to `problems`), or None where that
    module is not there."""
    try:
        from ..scenario.siblings import load_siblings
    except ImportError:
        return None
    try:
        return dict(load_siblings(scenario, problems))
    except TypeError:  # a load_siblings(scenario) without the problems list
        return dict(load_siblings(scenario))  # type: ignore[call-arg]


def _source_name(scenario: Any) -> str:
    """The file whose weights a model computes with: after a cell switch to a trained
    sibling, that sibling's file (its stem), not the scenario switched from."""
    origin = getattr(scenario, "origin", None)
    cell = scenario.network.cell
    if origin is not None and cell != origin.network.cell and cell in origin.siblings:
        if scenario.trained and not scenario.fresh:
            return Path(origin.siblings[cell]).stem
    return str(scenario.name)


def _same_model(a: Any, b: Any) -> bool:
    """Do two scenarios compute with the same network weights (and embedding)?"""
    if a is b:
        return True
    na, nb = a.network, b.network
    if (na.cell, na.hidden_size, na.num_layers, na.bidirectional, na.merge) != (
        nb.cell,
        nb.hidden_size,
        nb.num_layers,
        nb.bidirectional,
        nb.merge,
    ):
        return False
    if set(na.params) != set(nb.params):
        return False
    if not all(np.array_equal(na.params[name], nb.params[name]) for name in na.params):
        return False
    ea, eb = getattr(a, "embedding", None), getattr(b, "embedding", None)
    if ea is None or eb is None:
        return ea is None and eb is None
    return bool(np.array_equal(ea, eb))


def compared(scenario: Any) -> tuple[list[tuple[str, Any]], str]:
    """The models the memory pane compares, and a note ("" when all is well): the
    scenario shown and its trained siblings that compute with other weights than it,
    by cell (rnn, lstm, gru; the one shown before a sibling of its own cell). Without
    scenario/siblings.py, or when its siblings cannot be loaded, the scenario alone
    (the note says why)."""
    own = [(CELL_NAMES.get(scenario.network.cell, scenario.network.cell), scenario)]
    problems: list[str] = []
    try:
        found = _load_siblings(scenario, problems)
    except Exception as error:  # a broken sibling file: the scenario's own curve still shows
        return own, _("siblings not loaded: {error}").format(error=visible(str(error)))
    note = _("left out: {reasons}").format(reasons="; ".join(problems)) if problems else ""
    if not found:
        return own, note
    out = list(own)
    for cell, sibling in found.items():
        if sibling is None or _same_model(sibling, scenario):
            continue
        if sibling.network.cell == scenario.network.cell:
            continue  # the same cell with other weights (after m): not a sibling to compare
        if sibling.tokens != scenario.tokens:
            continue  # a sibling must read the same tokens, or its curve says nothing here
        out.append((CELL_NAMES.get(cell, cell), sibling))
    order = {cell: i for i, cell in enumerate(CELL_ORDER)}
    out.sort(key=lambda item: (order.get(item[1].network.cell, 99), item[1] is not scenario))
    return out, note


@dataclass(frozen=True)
class ModelMemory:
    """One model's memory curve: `name` (RNN, LSTM, GRU), its scenario's name, whether
    it is the one shown and trained; what x_k became (`change`, e.g. "x₁: A → B"); the
    two runs (`rerun`); the label followed (`label`, its index) and whether it is the
    known right answer (`expected`, else the prediction); the predictions at the
    output as given and with x_k replaced, with their probabilities."""

    name: str
    scenario: str
    shown: bool
    trained: bool
    bidirectional: bool
    change: str
    replacement: str
    rerun: Rerun
    labels: tuple[str, ...] = ()
    label: int | None = None
    expected: str | None = None
    prediction: str | None = None
    altered_prediction: str | None = None
    every: bool = False
    """An output at every step (readout "every"): the prediction named is o_T's."""

    @property
    def correct(self) -> bool | None:
        """Is the prediction the known right answer? None when none is known."""
        if self.expected is None or self.prediction is None:
            return None
        return self.prediction == self.expected


@dataclass(frozen=True, eq=False)
class MemoryMeasure:
    """The re-runs behind the memory pane, for one stage and one probed input k
    (1-based): one ModelMemory a model (none while computing or when skipped), and
    notes (why there are none, or why the siblings are missing)."""

    stage: Stage
    k: int
    models: tuple[ModelMemory, ...] = ()
    notes: tuple[str, ...] = ()


def _model_memory(name: str, scenario: Any, k: int, shown: bool) -> ModelMemory:
    found, rerun = memory_rerun(scenario, k)
    labels = tuple(scenario.labels or ())
    expected = scenario.expected()
    prediction = altered = None
    label = None
    if labels and rerun.final is not None and np.all(np.isfinite(rerun.final)):
        prediction = labels[int(np.argmax(rerun.final))]
        if rerun.altered_final is not None and np.all(np.isfinite(rerun.altered_final)):
            altered = labels[int(np.argmax(rerun.altered_final))]
        follow = expected if expected in labels else prediction
        label = labels.index(follow)
    return ModelMemory(
        name=name,
        scenario=_source_name(scenario),
        shown=shown,
        trained=bool(scenario.trained) and not scenario.fresh,
        bidirectional=bool(scenario.network.bidirectional),
        every=scenario.network.readout == "every",
        change=found.describe(k),
        replacement=found.names[k - 1],
        rerun=rerun,
        labels=labels,
        label=label,
        expected=expected if expected in labels else None,
        prediction=prediction,
        altered_prediction=altered,
    )


def measure_memory(
    stage: Stage, models: Sequence[tuple[str, Any]], k: int | None = None, note: str = ""
) -> MemoryMeasure:
    """Re-run each model (name, scenario) as given and with x_k replaced (k: default
    the probe's of the stage's scenario): two runs a model. The stage's own scenario is
    the one shown."""
    k = followed_step(stage.scenario) if k is None else k
    out = []
    notes = [note] if note else []
    for name, scenario in models:
        shown = scenario is stage.scenario
        try:
            out.append(_model_memory(name, scenario, k, shown))
        except (ValueError, FloatingPointError) as error:
            if shown:
                raise
            # a sibling that cannot read this input: left out, with the reason
            why = visible(str(error))
            notes.append(_("{model} left out: {reason}").format(model=name, reason=why))
    return MemoryMeasure(stage, k, tuple(out), tuple(notes))


# --------------------------------------------------------------------------- content
def _number(value: float) -> str:
    """A distance as the caption writes it: 4.70, 0.214, 0.000."""
    if not np.isfinite(value):
        return str(value)
    return f"{value:.2f}" if abs(value) >= 1 else f"{value:.3f}"


def verdict(model: ModelMemory, t: int, k: int) -> str:
    """What the numbers say about x_k at step t, in words: "RNN: replacing x₁ (A → B)
    changes s₅₀ by 0.000 (2.85 at t = 1): x₁ is forgotten"."""
    x = f"x{sub(k)}"
    if not model.bidirectional and t < k:
        return _("{model}: s{t} has not read {x} yet").format(model=model.name, t=sub(t), x=x)
    distance = model.rerun.distance
    d = float(distance[t - 1])
    # a two-way merged state has read the whole sentence, one way or the other: its
    # largest change is over every t, and the words kept / fading / forgotten, which
    # follow one reading, do not apply
    seen = distance if model.bidirectional else distance[:t]
    finite = np.where(np.isfinite(seen), seen, -np.inf)
    at = int(np.argmax(finite)) + 1
    peak = float(seen[at - 1])
    fields = {
        "model": model.name,
        "x": x,
        "change": model.change.split(": ", 1)[-1],
        "t": sub(t),
        "d": _number(d),
        "peak": _number(peak),
        "at": at,
    }
    if model.bidirectional:
        return _(
            "{model}: replacing {x} ({change}) changes s{t} by {d}; both directions have "
            "read the whole sentence (largest change {peak}, at t = {at})"
        ).format(**fields)
    if not np.isfinite(d) or not np.isfinite(peak):
        word = _("not measurable (the states overflowed)")
    elif peak <= 0:
        word = _("{x} has no effect").format(x=x)
    elif d / peak >= KEPT:
        word = _("{x} is kept").format(x=x)
    elif d / peak >= FADING:
        word = _("{x} is fading").format(x=x)
    else:
        word = _("{x} is forgotten").format(x=x)
    if at == t or peak <= 0:
        return _("{model}: replacing {x} ({change}) changes s{t} by {d}: {word}").format(
            word=word, **fields
        )
    return _(
        "{model}: replacing {x} ({change}) changes s{t} by {d} ({peak} at t = {at}): {word}"
    ).format(word=word, **fields)


def _outcome(model: ModelMemory) -> str:
    """ "prediction A (p = 1.00) ✓", "prediction B (p = 0.56) ✗ expected A", or the
    prediction with "(no known answer)"."""
    rerun = model.rerun
    if rerun.final is None:
        return _("no readout")
    if model.prediction is None:
        return _("no labels: no prediction to follow")
    index = model.labels.index(model.prediction)
    text = _("prediction {label} (p = {p})").format(
        label=model.prediction, p=f"{rerun.final[index]:.2f}"
    )
    if model.every:  # one output per step: this one is the last step's
        text = _("at t = {t}: {prediction}").format(t=len(rerun.distance), prediction=text)
    if model.correct is None:
        return text + " " + _("(no known answer)")
    if model.correct:
        return f"{text} {GOOD}"
    return text + " " + BAD + " " + _("expected {label}").format(label=model.expected)


@dataclass(frozen=True, eq=False)
class MemoryContent:
    """The memory pane at one step: a title, the verdict of each model in words, and
    each model's curves (side by side when the width holds them, else stacked)."""

    title: str
    lines: tuple[str, ...]
    models: tuple[ModelMemory, ...]
    t: int
    k: int
    high: float
    notes: tuple[str, ...] = ()

    def _block(self, model: ModelMemory, look: Look) -> RenderableType:
        style = look.style
        name = Text(model.name, style("title"))
        tags = [model.scenario]
        if model.shown and len(self.models) > 1:
            tags.append(_("shown"))
        if not model.trained:
            tags.append(_("untrained"))
        name.append("  " + _(", ").join(tags), style("detail"))
        outcome = _outcome(model)
        mark = (
            style("good")
            if model.correct
            else style("bad")
            if model.correct is False
            else style("values")
        )
        parts: list[RenderableType] = [name, Text(outcome, mark)]
        if model.altered_prediction is not None and model.rerun.altered_final is not None:
            index = model.labels.index(model.altered_prediction)
            p = model.rerun.altered_final[index]
            parts.append(
                Text(
                    _("x{k} = {name} → prediction {label} (p = {p})").format(
                        k=sub(self.k),
                        name=model.replacement,
                        label=model.altered_prediction,
                        p=f"{p:.2f}",
                    ),
                    style("values"),
                )
            )
        series = [
            Series(
                "‖s−s′‖",
                model.rerun.distance,
                high=self.high,
                height=3,
                style=style("accent"),
            )
        ]
        if model.label is not None and model.rerun.probabilities is not None:
            assert model.rerun.altered_probabilities is not None
            label = model.labels[model.label]
            given = model.rerun.probabilities[:, model.label]
            altered = model.rerun.altered_probabilities[:, model.label]
            series.append(Series(f"p({label})", given, high=1.0, style=style("bar")))
            series.append(Series(f"p′({label})", altered, high=1.0, style=style("note")))
        parts.append(
            Curves(
                series,
                current=self.t,
                label_style=style("label"),
                axis_style=style("muted"),
                value_style=style("values"),
                marker_style=style("highlight"),
            )
        )
        return Group(*parts)

    def renderable(self, look: Look) -> RenderableType:
        style = look.style
        parts: list[RenderableType] = [Text(self.title, style("title"))]
        parts.extend(Text(line, style("note")) for line in self.lines)
        if self.models:
            blocks = [self._block(model, look) for model in self.models]
            parts.append(_Models(blocks))
        parts.extend(Text(note, style("detail")) for note in self.notes)
        return Group(*parts)


class _Models:
    """The models' blocks side by side when each gets SIDE_BY_SIDE cells, else stacked."""

    def __init__(self, blocks: list[RenderableType]) -> None:
        self.blocks = blocks

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        n = len(self.blocks)
        gap = 2
        if n > 1 and (options.max_width - gap * (n - 1)) // n >= SIDE_BY_SIDE:
            grid = Table.grid(expand=True, padding=(0, gap, 0, 0))
            for _i in range(n):
                grid.add_column(ratio=1)
            grid.add_row(*self.blocks)
            yield Text("")
            yield grid
            return
        for block in self.blocks:
            yield Text("")
            yield block


def memory_content(stage: Stage, view: View, siblings: MemoryMeasure | None) -> MemoryContent:
    """The memory pane at view.t from a measure (measure_memory: the models compared and
    their re-runs); None, or a measure of another stage, says it is being computed."""
    view = stage.clamp(view)
    t = view.t
    if siblings is None or siblings.stage is not stage:
        title = _("Memory: re-running with one input replaced")
        return MemoryContent(title, (_("computing…"),), (), t, 1, 1.0)
    k = siblings.k
    models = siblings.models
    if not models:
        title = _("Memory: re-running with one input replaced")
        return MemoryContent(title, siblings.notes, (), t, k, 1.0)
    shown = next((m for m in models if m.shown), models[0])
    title = _("Memory of x{k} ({change}): run again with it replaced, compared at every t").format(
        k=sub(k), change=shown.change.split(": ", 1)[-1]
    )
    lines = [verdict(model, t, k) for model in models]
    distances = np.concatenate([np.asarray(m.rerun.distance, dtype=float) for m in models])
    finite = distances[np.isfinite(distances)]
    high = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    notes = list(siblings.notes)
    notes.append(
        _("‖s−s′‖: ‖sₜ − sₜ(x{k} replaced)‖ of the top state, one scale for every model.").format(
            k=sub(k)
        )
    )
    if any(m.label is not None for m in models):
        notes.append(
            _(
                "p, p′: the readout applied to sₜ at every t, as given and with x{k} replaced."
            ).format(k=sub(k))
        )
    if stage.network.readout == "last" and any(m.label is not None for m in models):
        if stage.network.bidirectional:
            notes.append(
                _(
                    "This model's output reads →s_T and ←s₁ merged, which no point of the p "
                    "curve is: the curve is for seeing; the prediction above is the output's."
                )
            )
        else:
            notes.append(
                _("A many-to-one model reads only its final state: p before the end is for seeing.")
            )
    if len(models) == 1:
        notes.append(_("No trained siblings to compare with: this scenario's curve alone."))
    notes.append(_("k pins the input at the current step; a click on a word pins it."))
    return MemoryContent(title, tuple(lines), models, t, k, high, tuple(notes))


if __name__ == "__main__":  # pragma: no cover - a demo: python -m rnn_tui.present.memory
    from ..scenario import load_scenario

    shown = load_scenario("memory-fade")
    stage = Stage(shown)
    measure = measure_memory(stage, compared(shown)[0])
    view = stage.clamp(View(t=stage.steps))
    Console(width=120).print(memory_content(stage, view, measure).renderable(Look()))
