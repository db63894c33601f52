"""What the screen shows for a view (t, layer, direction): read from the trace, never computed.

`Stage` holds a scenario, its trace and the colour scales fixed for the whole sequence
(so colours compare across steps), and turns a view (`position.View`, the place the user
has stepped to) into one `PanelContent` per panel. Nothing here imports textual, so the
mapping from view to numbers can be tested on its own.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from rich.cells import cell_len
from rich.color import Color
from rich.console import RenderableType
from rich.style import Style
from rich.text import Text

from ..engine import Network, Trace, softmax
from ..engine.compact import finite_abs_max
from ..engine.memory import step_outputs
from ..engine.progressive import TraceRun, is_slow
from ..i18n import N_, _, current_language
from ..render.bars import ProbabilityBars
from ..render.figure import Figure
from ..render.heatmap import Heatmap, Legend
from ..render.notation import (
    final_state,
    gate_label,
    gates_equation,
    initial_state_note,
    merge_equation,
    output_equation,
    state_equation,
    state_symbol,
    sub,
    sup,
)
from ..render.palette import ColorScale
from .position import View

WORDS = (N_("forward"), N_("backward"), N_("both"), N_("embedding"), N_("one-hot"))
"""Directions and encodings, shown translated with `_()`."""
SMALL = 16
"""Vectors of at most this many units are drawn with their numbers under the cells."""
PANELS = ("output", "state-forward", "state-backward", "state-merged", "gates", "input")
"""Every panel's id, top to bottom, as in the unrolled figure: o above s above x (the
gates, inside the cell, between x and s)."""
WITHOUT_TRACE = frozenset({"step", "weights", "weights-matrices"})
"""The views (and panels of the views beside the step panels) a partial stage shows
as they are: the step panels say themselves which of them wait; the weights are the
network's, not the trace's (the projection beside them reads it: hidden until then)."""
PANELS_KEPT = 256
"""Panels a Stage keeps, made for the views lately shown (a few hundred small objects)."""


STYLE_NAMES = (
    "title",
    "detail",
    "values",
    "note",
    "muted",
    "header",
    "label",
    "highlight",
    "accent",
    "good",
    "bad",
    "bar",
)
"""The theme styles a front end hands to the contents (see `Look`)."""


@dataclass(frozen=True)
class Look:
    """How contents are drawn: theme styles by name (STYLE_NAMES), glyphs instead of
    colours (mono), whether the screen is tall enough for two-line cells, and the
    background the colours must stand out from."""

    styles: Mapping[str, Style] = field(default_factory=dict)
    mono: bool = False
    tall: bool = True
    background: Color | None = None

    def style(self, name: str) -> Style:
        """A named style, or the null style when the front end gave none."""
        return self.styles.get(name) or Style()

    def scale(self, scale: ColorScale) -> ColorScale:
        """A colour scale whose colours stand out from the background."""
        return scale.against(self.background)


def unit_click(hidden: int) -> Any:
    """Cell meta naming the unit under a cell, (column mod H) + 1: a front end turns a
    click on it into a choice of that unit; concat's second half maps onto the same
    units. Data, not an action: nothing here says what a click does."""

    def meta(row: int, col: int) -> dict:
        return {"unit": col % hidden + 1}

    return meta


WINDOW = 5
"""A many-to-one readout's o_t are shown for at most this many steps, up to t."""
UNTRAINED_MARK = N_("untrained")
"""Beside the title of a panel whose weights were drawn fresh by a switch."""


@dataclass(frozen=True)
class ShownOutputs:
    """A many-to-one readout applied at every step up to t, for display only: the model
    uses only its final output. heading: what the rows are; rows: (t, label, p) for each
    t in the window, the most probable label of softmax(o_t) and its probability
    (without labels: o_t's values written out in `label`, p None); used: the t whose row
    is the model's own output (T for a one-way network; None for a bidirectional one,
    whose readout reads →s_T with ←s₁); first: the window starts at t = 1."""

    heading: str
    rows: tuple[tuple[int, str, float | None], ...]
    used: int | None = None
    first: bool = True

    def lines(self, look: Look, tall: bool = True) -> list[Text]:
        """Muted lines: the heading, then (tall) the window as columns, one a step: o_t,
        its most probable label and p, the model's own output marked; on a short
        screen the heading and the current step's row only (none once o_T is reached:
        the bars show it)."""
        muted, marked = look.style("muted"), look.style("accent")
        out = [Text(self.heading, style=muted)]
        if not tall:
            t, label, p = self.rows[-1]
            if t != self.used:
                line = Text(f"  o{sub(t)}  {label}", style=muted)
                if p is not None:
                    line.append(f"  {_probability(p)}")
                out.append(line)
            return out
        if any(row[2] is None for row in self.rows):  # no labels: the values, a row a step
            for row in self.rows:
                out.append(Text(f"  o{sub(row[0])}  {row[1]}", style=muted))
            return out
        names, labels, values = Text("  "), Text("  "), Text("  ")
        if not self.first:
            for line in (names, labels, values):
                line.append("…  " if line is names else "   ")
        for t, label, p in self.rows:
            cells = [f"o{sub(t)}", _fit(label, 12), _probability(p)]
            width = max(cell_len(cell) for cell in cells) + 2
            style = marked if t == self.used else muted
            for line, cell in zip((names, labels, values), cells, strict=True):
                line.append(cell + " " * (width - cell_len(cell)), style=style)
        if self.used is not None and self.rows[-1][0] == self.used:
            names.rstrip()
            names.append(" ◀ " + _("the model's output"), style=marked)
        for line in (names, labels, values):
            line.rstrip()
        return [*out, names, labels, values]


def _fit(text: str, width: int) -> str:
    """`text` cut to `width` cells, ending "…" when cut."""
    if cell_len(text) <= width:
        return text
    line = Text(text)
    line.truncate(width, overflow="ellipsis")
    return line.plain


def _probability(p: float | None) -> str:
    """0.67, or nan."""
    return "" if p is None else (f"{p:.2f}" if np.isfinite(p) else "nan")


@dataclass(frozen=True, eq=False)
class PanelContent:
    """One panel: a title, the equation as detail, the data (a vector (n,), a matrix
    (rows, n), or None with only notes), its colour scale and notes under it.
    highlight: columns of the selected unit (their numbers are marked); units: the
    hidden size when a click on a column selects a unit (None: not selectable);
    bars: (labels, probabilities, predicted index) drawn as a bar chart under it;
    slots: a line drawn before the notes; shown: a many-to-one readout's o_t at the
    steps read, computed for display (see ShownOutputs); prediction: the predicted label
    as a sentence, and caveat: a warning about it, both left out on a short screen where
    the bars (one line) name the prediction; answer: the known right label ("" when
    unknown), marked ✓ or ✗ by `correct` (None: no prediction to mark); untrained: the
    panel's weights were drawn fresh and not trained since (a mark beside the title)."""

    title: str
    data: np.ndarray | None = None
    scale: ColorScale | None = None
    detail: str = ""
    notes: tuple[str, ...] = ()
    row_labels: tuple[str, ...] | None = None
    muted: bool = False
    highlight: tuple[int, ...] = ()
    units: int | None = None
    bars: tuple[tuple[str, ...], tuple[float, ...], int] | None = None
    slots: Text | None = None
    shown: ShownOutputs | None = None
    prediction: str = ""
    caveat: str = ""
    answer: str = ""
    correct: bool | None = None
    untrained: bool = False

    @property
    def values(self) -> bool:
        """Write the numbers under the cells? Only for small vectors."""
        return self.data is not None and self.data.shape[-1] <= SMALL

    def _answer(self, look: Look) -> Text | None:
        """The mark beside the prediction: "✓ right answer: A" (good), "✗ right answer:
        A" (bad); None when the answer is unknown."""
        if not self.answer:
            return None
        said = _("right answer: {label}").format(label=self.answer)
        if self.correct is None:
            return Text(said, style=look.style("muted"))
        mark, name = ("✓", "good") if self.correct else ("✗", "bad")
        return Text(f"{mark} {said}", style=look.style(name))

    def renderable(self, look: Look) -> RenderableType:
        """The panel as a Figure: header, heatmap, legend, notes."""
        style = look.style
        heatmap = None
        data = self.data
        scale = look.scale(self.scale) if self.scale is not None else None
        if data is not None:
            # A matrix (gates) gets a line of numbers per row: only when there is room.
            values = self.values and (look.tall or data.ndim == 1)
            big = look.tall and data.ndim == 1  # small vectors two lines tall
            heatmap = Heatmap(
                data,
                scale,
                cell_width=None,
                gap=None,
                cell_height=(4 if big else 2) if values else None,
                values=values,
                wide_cells=self.values,
                row_labels=self.row_labels,
                mono=look.mono,
                value_style=style("values"),
                label_style=style("title"),
                highlight=self.highlight,
                highlight_style=style("highlight"),
                cell_meta=unit_click(self.units) if self.units else None,
            )
        legend = Legend(scale, mono=look.mono) if scale is not None else None
        note_style = style("muted" if self.muted else "note")
        notes: list[RenderableType] = []
        if self.slots is not None:
            notes.append(self.slots)
        answer = self._answer(look)
        if self.shown is not None and (look.tall or answer is None or self.bars is None):
            # on a short screen the answer takes the place of o_t once o_T is reached
            notes.extend(self.shown.lines(look, look.tall))
        notes.extend(Text(note, style=note_style) for note in self.notes)
        if self.prediction and (look.tall or self.bars is None):
            line = Text(self.prediction, style=note_style)
            if answer:
                line.append("  ")
                line.append_text(answer)
            notes.append(line)
        elif answer:
            notes.append(answer)
        if self.caveat and look.tall:
            notes.append(Text(self.caveat, style=note_style))
        if self.bars is not None:
            labels, probabilities, best = self.bars
            notes.append(
                ProbabilityBars(
                    labels,
                    probabilities,
                    best,
                    compact=not look.tall,
                    label_style=style("label"),
                    bar_style=style("bar"),
                    best_style=style("highlight"),
                    value_style=style("values"),
                )
            )
        title = Text(self.title, style=style("title"))
        if self.untrained:
            title.append("  ")
            title.append(f" {_(UNTRAINED_MARK)} ", style=style("bad"))
        return Figure(
            title,
            detail=self.detail,
            heatmap=heatmap,
            legend=legend,
            notes=notes,
            title_style=style("title"),
            detail_style=style("detail"),
            header_style=Style(bgcolor=style("header").bgcolor),
        )


def _bounded(nonlinearity: str, cell: str) -> tuple[float, float] | None:
    """The range of a layer's states when the activation bounds it."""
    if cell in ("lstm", "gru") or nonlinearity == "tanh":
        return (-1.0, 1.0)
    if nonlinearity == "sigmoid":
        return (0.0, 1.0)
    return None


def _symmetric(*arrays: Any) -> ColorScale:
    """A diverging scale over the finite values of (T, ...) arrays, read in chunks so a
    100,000-step trace needs no full-size float64 copy; compact rows are sampled."""
    return ColorScale.symmetric(max(finite_abs_max(a) for a in arrays))


class Stage:
    """A scenario's trace plus fixed colour scales; `panels(view)` -> {panel id: content}."""

    def __init__(
        self, scenario: Any, trace: Trace | None = None, *, background: bool = False
    ) -> None:
        """The stage of `scenario` with its `trace` (computed here when not given).
        background: when the trace would take long (progressive.is_slow), do not compute
        it here: `run` is a TraceRun the front end runs in a worker thread (`compute`),
        and meanwhile the panels show what is computed and say what is not (`partial`);
        once it has finished, the front end makes a Stage of the finished trace."""
        self.scenario = scenario
        self.network: Network = scenario.network
        steps = int(np.shape(scenario.inputs)[0])
        self.run: TraceRun | None = None
        """The trace being computed, while this stage is partial; else None."""
        self.failure = ""
        """Why a partial stage's trace could not be computed ("" while it runs): the
        panels waiting for it say so instead of "shown when it is" (see `failed`)."""
        if trace is None and background and is_slow(self.network, steps):
            self.run = TraceRun(self.network, steps)
            inputs = np.asarray(scenario.inputs, dtype=self.network.dtype)
            tokens = list(scenario.tokens) if scenario.tokens is not None else None
            trace = Trace(inputs=inputs, layers=[], tokens=tokens, compact=True)
        self.trace: Trace = trace if trace is not None else scenario.trace()
        self.steps = steps
        self.num_layers = self.network.num_layers
        self.bidirectional = self.network.bidirectional
        self.scales = self._scales() if self.run is None else self._scales_so_far()
        self._recent: OrderedDict[tuple, PanelContent | None] = OrderedDict()
        """The panels made lately (see `panels`), the oldest first."""

    # ------------------------------------------------------------------ a partial trace
    @property
    def partial(self) -> bool:
        """Is the trace still being computed (see `run`)?"""
        return self.run is not None

    def compute(self) -> Trace | None:
        """Compute a partial stage's trace (in a worker thread): the finished Trace, or
        None when the run was stopped."""
        assert self.run is not None
        return self.run.run(lambda watch: self.scenario.trace(watch=watch))

    def failed(self, problem: str) -> None:
        """The partial stage's trace stopped on `problem` (plain text, shown as is): it
        will not be whole, and what waited for it says why."""
        self.failure = problem

    def progress_text(self) -> str:
        """ "computing the trace: 37 %" while partial, else ""; the failure once the
        trace could not be computed."""
        if self.run is None:
            return ""
        if self.failure:
            return self.failure
        return _("computing the trace: {percent} %").format(percent=int(100 * self.run.fraction))

    def progress_detail(self) -> str:
        """Which steps of which layer a partial stage can show, as a sentence; "" once
        whole. The loop runs both directions at once; each layer needs the whole one
        below it, and the output the top one."""
        run = self.run
        if run is None or not run.layers:
            return ""
        k = len(run.layers) - 1
        done, T = run.done[k], self.steps
        if done == 0:
            return _("layer {k} of {layers}: starting").format(k=k + 1, layers=self.num_layers)
        if self.bidirectional:
            return _(
                "layer {k} of {layers}: forward t ≤ {forward:,}, backward t ≥ {backward:,}"
            ).format(k=k + 1, layers=self.num_layers, forward=done, backward=T - done + 1)
        return _("layer {k} of {layers}: t ≤ {forward:,}").format(
            k=k + 1, layers=self.num_layers, forward=done
        )

    def waiting_pane(self) -> PanelContent:
        """What a view other than the step panels shows while the stage is partial."""
        return PanelContent(
            title=_("This view needs the whole trace"),
            notes=(self.progress_text(), self.progress_detail()),
            muted=True,
        )

    def _layer(self, k: int) -> Any:
        """Layer k (0-based): a LayerTrace, or while partial a LayerSoFar (input, forward,
        backward; no merged output until the stage is whole)."""
        if self.run is None:
            return self.trace.layers[k]
        return self.run.layers[k]

    def ready(self, view: View, panel: str) -> bool:
        """Can `panel` be made for `view` from what is computed? Always, once whole."""
        run = self.run
        if run is None:
            return True
        k, t = view.layer - 1, view.t - 1
        if panel == "input":
            return k == 0 or len(run.layers) > k
        if panel in ("state-forward", "state-backward"):
            return run.state_ready(k, panel.partition("-")[2], t)
        if panel == "gates":  # (an RNN has none: nothing to wait for)
            return not self.network.spec.gate_names or run.gates_ready(k, view.reading, t)
        if panel == "output":  # (without a readout: nothing to wait for)
            return not self.network.output_size
        # the merged state: what the layer above reads, whole once that layer has begun
        # (the top layer's, read by the readout, once the stage is whole)
        return panel == "state-merged" and len(run.layers) > k + 1

    def _waiting(self, view: View, panel: str) -> PanelContent:
        """A panel not computed yet: what it will show, and how far the trace is."""
        titles = {
            "output": "o  " + _("output"),
            "state-forward": f"{state_symbol(view.t, 'forward' if self.bidirectional else None)}  "
            + _("hidden state"),
            "state-backward": f"{state_symbol(view.t, 'backward')}  " + _("hidden state"),
            "state-merged": f"s{sub(view.t)}  " + _("merged"),
            "gates": _("gates at t = {t}").format(t=view.t),
            "input": _("input to layer {k}").format(k=view.layer),
        }
        note = self.failure or _("not computed yet ({progress}); shown when it is").format(
            progress=self.progress_text()
        )
        return PanelContent(title=titles[panel], notes=(note,), muted=True)

    def _scales_so_far(self) -> dict[str, ColorScale]:
        """A partial stage's colour scales: the inputs' and the bounded states' are the
        whole trace's; the rest are fixed when the trace is whole (see `_provisional`)."""
        net = self.network
        bounds = _bounded(net.nonlinearity, net.cell)
        scales = {"input0": _symmetric(self.trace.inputs)}
        for k in range(self.num_layers):
            if bounds == (-1.0, 1.0):
                scales[f"state{k}"] = ColorScale(-1.0, 1.0)
                if k > 0 and net.merge != "sum":  # the merged states below, as in _scales
                    scales[f"input{k}"] = scales[f"state{k}"]
            elif bounds == (0.0, 1.0):
                scales[f"state{k}"] = ColorScale.unit()
        return scales

    def _computed(self, k: int, direction: str, most: int = 2048) -> slice:
        """Up to `most` rows of layer k's `direction` that a partial stage has computed:
        the first ones forward, the last ones backward."""
        assert self.run is not None
        done = min(self.run.done[k], most)
        return slice(self.steps - done, None) if direction == "backward" else slice(0, done)

    def _provisional(self, name: str, rows: Callable[[], list[Any]]) -> ColorScale:
        """The stage's scale `name`; a partial stage's made once from the computed
        `rows()` (a few (n, width) arrays): the colours hold while the trace is
        computed, and the whole trace's scale replaces it at the end."""
        if name not in self.scales:
            self.scales[name] = _symmetric(*rows())
        return self.scales[name]

    # ------------------------------------------------------------------ scales
    def _scales(self) -> dict[str, ColorScale]:
        net, trace = self.network, self.trace
        scales: dict[str, ColorScale] = {}
        bounds = _bounded(net.nonlinearity, net.cell)
        for k, layer in enumerate(trace.layers):
            # above layer 1 the input is the merged output below: same colours there and here
            below = scales.get(f"merged{k - 1}")
            scales[f"input{k}"] = below if below else _symmetric(layer.input)
            states = [layer.forward.h] + ([layer.backward.h] if layer.backward is not None else [])
            if bounds == (-1.0, 1.0):
                scales[f"state{k}"] = ColorScale(-1.0, 1.0)
            elif bounds == (0.0, 1.0):
                scales[f"state{k}"] = ColorScale.unit()
            else:
                scales[f"state{k}"] = _symmetric(*states)
            if bounds == (-1.0, 1.0) and net.merge != "sum":
                scales[f"merged{k}"] = scales[f"state{k}"]
            else:
                scales[f"merged{k}"] = _symmetric(layer.output)
            for d, direction in (("f", layer.forward), ("b", layer.backward)):
                if direction is None or not direction.gates:
                    continue
                arrays = list(direction.gates.values())
                if direction.c is not None:
                    arrays.append(direction.c)
                # a compact trace's gates and c are computed on demand: sampled, not all read
                scales[f"gates{k}{d}"] = _symmetric(*arrays)
        if trace.outputs is not None:
            scales["output"] = _symmetric(trace.outputs)
        return scales

    # ------------------------------------------------------------------ stepping
    def clamp(self, view: View) -> View:
        """The view with t, layer, direction and unit made valid for this network."""
        return view.clamped_to(self.steps, self.num_layers, self.bidirectional, self.hidden)

    @property
    def hidden(self) -> int:
        """H, the number of units of each direction's state."""
        return self.network.hidden_size

    def step(self, view: View, delta: int) -> View:
        """`delta` steps along the reading order (backward: t goes down)."""
        return self.clamp(view.stepped(delta))

    def first(self, view: View) -> View:
        """The first step in reading order: t = 1, or t = T going backward."""
        return view.first(self.steps)

    def last(self, view: View) -> View:
        """The last step in reading order: t = T, or t = 1 going backward."""
        return view.last(self.steps)

    def unit_step(self, view: View, delta: int) -> View:
        """The unit `delta` after the selected one, wrapping round (] and [)."""
        return replace(view, unit=(view.unit - 1 + delta) % self.hidden + 1)

    def nearby(self, view: View, *, back: bool = False, steps_only: bool = False) -> list[View]:
        """The views a key away from `view`, likeliest first: the steps either side (→
        then ←; ← first when `back`, the last move), the next direction (d) of a
        two-way network, the layers above and below (↑ ↓), the units after and before
        (] [), the last step and the first (end, home). Each once, and not `view`.
        `steps_only`: the steps either side alone."""
        view = self.clamp(view)
        out = [self.step(view, delta) for delta in ((-1, 1) if back else (1, -1))]
        if not steps_only:
            if self.bidirectional:
                out.append(self.clamp(view.turned()))
            out += [
                replace(view, layer=view.layer + delta)
                for delta in (1, -1)
                if 1 <= view.layer + delta <= self.num_layers
            ]
            out += [self.unit_step(view, 1), self.unit_step(view, -1)]
            out += [self.last(view), self.first(view)]
        return [near for i, near in enumerate(out) if near != view and near not in out[:i]]

    def is_last(self, view: View) -> bool:
        """Has the reading reached its end (where a many-to-one output appears)?"""
        return view.is_last(self.steps)

    # ------------------------------------------------------------------ panels
    def panels(self, view: View) -> dict[str, PanelContent | None]:
        """Every panel's content for a view; None hides a panel. A panel whose part of
        the view is one it was made for lately (the output and x when only the unit
        moved, say) is the same object again, so a front end can tell it is unchanged."""
        view = self.clamp(view)
        t, layer, unit = view.t, view.layer, view.unit
        # a many-to-one output depends on where the reading ends: on the direction
        ends = view.direction if self.network.readout == "last" else ""
        out: dict[str, PanelContent | None] = dict.fromkeys(PANELS)
        out["output"] = self._made(view, "output", (t, layer, ends), self.output_panel)
        out["input"] = self._made(view, "input", (t, layer), self.input_panel)
        if "forward" in view.shown:
            out["state-forward"] = self._made(
                view, "state-forward", (t, layer, unit), self._forward
            )
        if "backward" in view.shown:
            out["state-backward"] = self._made(
                view, "state-backward", (t, layer, unit), self._backward
            )
        if view.direction == "both":
            out["state-merged"] = self._made(
                view, "state-merged", (t, layer, unit), self.merged_panel
            )
        out["gates"] = self._made(view, "gates", (t, layer, unit, view.reading), self.gates_panel)
        return out

    def _made(
        self,
        view: View,
        name: str,
        part: tuple,
        make: Callable[[View], PanelContent | None],
    ) -> PanelContent | None:
        """Panel `name` for `view`, made by `make` and marked untrained where it is, or
        the one made lately for the same `part` of a view (what the panel depends on)."""
        if not self.ready(view, name):
            return self._waiting(view, name)  # not kept: made again until it is ready
        key = (name, part, current_language())
        if key in self._recent:
            self._recent.move_to_end(key)
            return self._recent[key]
        made = self._mark_untrained(view, {name: make(view)})[name]
        self._recent[key] = made
        if len(self._recent) > PANELS_KEPT:
            self._recent.popitem(last=False)
        return made

    def _forward(self, view: View) -> PanelContent:
        return self.state_panel(view, "forward")

    def _backward(self, view: View) -> PanelContent:
        return self.state_panel(view, "backward")

    def _mark_untrained(
        self, view: View, out: dict[str, PanelContent | None]
    ) -> dict[str, PanelContent | None]:
        """Mark every panel whose weights a switch drew fresh (scenario.fresh): the
        states and gates of a layer whose W_ih or W_hh is fresh (per direction; the
        merged state when either is), the output when the readout is."""
        fresh = set(getattr(self.scenario, "fresh", ()))
        if not fresh:
            return out
        k = view.layer - 1

        def drawn(direction: str) -> bool:
            end = "_reverse" if direction == "backward" else ""
            return bool({f"weight_ih_l{k}{end}", f"weight_hh_l{k}{end}"} & fresh)

        marks = {
            "output": bool({"readout.weight", "readout.bias"} & fresh),
            "state-forward": drawn("forward"),
            "state-backward": drawn("backward"),
            "state-merged": drawn("forward") or drawn("backward"),
            "gates": drawn(view.reading),
        }
        for name, mark in marks.items():
            content = out.get(name)
            if mark and content is not None:
                out[name] = replace(content, untrained=True)
        return out

    def _layer_tag(self, layer: int) -> str:
        return _("layer {k}").format(k=layer) if self.num_layers > 1 else ""

    def input_panel(self, view: View) -> PanelContent:
        """x_t at layer 1; above it, the merged state of the layer below at t."""
        t, k = view.t, view.layer - 1
        # layer 1 reads x, there from the start; above, the layer's input once it has begun
        inputs = self.trace.inputs if k == 0 else self._layer(k).input
        if k == 0:
            tokens = self.trace.tokens
            encoding = getattr(self.scenario, "encoding", None)
            word = tokens[t - 1] if tokens else ""
            if tokens and encoding:
                detail = _("{encoding} of “{word}”").format(encoding=_(encoding), word=word)
            elif tokens:
                detail = _("input “{word}”").format(word=word)
            else:
                detail = _("input vector")
            title = f"x{sub(t)}  " + _("input at t = {t}").format(t=t)
        else:
            title = _("input to layer {k}").format(k=view.layer)
            title += f"  =  s{sub(t)}⁽{sup(view.layer - 1)}⁾"
            detail = _("the output of layer {k} at t = {t}").format(k=view.layer - 1, t=t)
            if self.bidirectional:
                detail += _(", both directions merged ({merge})").format(merge=self.network.merge)
        # (partial: like the states', from up to 2,048 rows, not all T read on a keypress)
        scale = self._provisional(f"input{k}", lambda: [inputs[:2048]])
        return PanelContent(title=title, data=inputs[t - 1], scale=scale, detail=detail)

    def state_panel(self, view: View, direction: str) -> PanelContent:
        """s_t of the selected layer in one direction."""
        t, k = view.t, view.layer - 1
        layer = self._layer(k)
        run = layer.forward if direction == "forward" else layer.backward
        assert run is not None
        arrow = direction if self.bidirectional else None
        words = [_("hidden state"), self._layer_tag(view.layer)]
        if self.bidirectional:
            words.append(_(direction))
        title = f"{state_symbol(t, arrow)}  " + _(", ").join(w for w in words if w)
        detail = state_equation(
            self.network.cell,
            t,
            self.steps,
            direction=direction,
            nonlinearity=self.network.nonlinearity,
            layer=view.layer,
            bidirectional=self.bidirectional,
        )
        start = initial_state_note(t, self.steps, direction)
        if start:
            detail += f",  {start}"
        scale = self._provisional(f"state{k}", lambda: [run.h[self._computed(k, direction)]])
        return PanelContent(
            title=title,
            data=run.h[t - 1],
            scale=scale,
            detail=detail,
            highlight=(view.unit - 1,),
            units=self.hidden,
        )

    def merged_panel(self, view: View) -> PanelContent:
        """The two directions combined at t: what the next layer (or the readout) reads."""
        t, k = view.t, view.layer - 1
        if self.run is None:
            data, scale = self.trace.layers[k].output[t - 1], self.scales[f"merged{k}"]
        else:  # partial (see `ready`): the input of the layer above, in its colours
            above = self._layer(k + 1).input
            data = above[t - 1]
            scale = self._provisional(f"input{k + 1}", lambda: [above[:2048]])
        if view.layer < self.num_layers:
            reader = _("layer {k}").format(k=view.layer + 1)
        else:
            reader = _("the readout")
        title = f"s{sub(t)}  " + _("merged ({merge}), read by {reader}").format(
            merge=self.network.merge, reader=reader
        )
        j, H = view.unit - 1, self.hidden
        marked = (j, H + j) if self.network.merge == "concat" else (j,)
        return PanelContent(
            title=title,
            data=data,
            scale=scale,
            detail=merge_equation(self.network.merge, t),
            highlight=marked,
            units=H,
        )

    def gates_panel(self, view: View) -> PanelContent | None:
        """LSTM / GRU gate activations (and c_t) at t, one row per gate; None for an RNN."""
        if not self.network.spec.gate_names:
            return None
        k = view.layer - 1
        layer = self._layer(k)
        direction = view.reading
        run = layer.backward if direction == "backward" else layer.forward
        if run is None or not run.gates:
            return None
        names = [gate_label(name, self.network.cell) for name in run.gates]  # oᵍ, not o
        rows = [run.gates[name][view.t - 1] for name in run.gates]
        if run.c is not None:
            names.append("c")
            rows.append(run.c[view.t - 1])
        words = [_("gates at t = {t}").format(t=view.t)]
        if self.bidirectional:
            words.append(_(direction))
        if self.num_layers > 1:
            words.append(_("layer {k}").format(k=view.layer))
        data = np.stack(rows)
        # σ and tanh reach ±1
        scale = self._provisional(f"gates{k}{direction[0]}", lambda: [data, np.ones(1)])
        labelled = data.shape[1] <= SMALL  # big layers: a dense picture, rows named in the title
        if not labelled:
            words.append(_("rows {names}").format(names=" ".join(names)))
        return PanelContent(
            title=_(", ").join(words),
            data=data,
            scale=scale,
            detail=gates_equation(
                self.network.cell,
                view.t,
                direction,
                bidirectional=self.bidirectional,
                layer=view.layer,
            ),
            row_labels=tuple(names) if labelled else None,
            highlight=(view.unit - 1,),
            units=self.hidden,
        )

    def output_panel(self, view: View) -> PanelContent:
        """o_t for a readout at every step; for many-to-one, o only at the end of reading."""
        trace, net, t = self.trace, self.network, view.t
        if trace.outputs is None:
            return PanelContent(
                title="o  " + _("output"), notes=(_("this scenario has no readout"),)
            )
        detail = output_equation(
            t, self.steps, readout=net.readout, bidirectional=self.bidirectional, merge=net.merge
        )
        top = view.layer == self.num_layers
        if net.readout == "every":
            notes: list[str] = []
            bars = None
            title = f"o{sub(t)}  " + _("output at t = {t}").format(t=t)
            if not top:
                title += _(", from layer {k}").format(k=self.num_layers)
            prediction = ""
            if trace.labels and trace.probabilities is not None:
                name = trace.prediction[t - 1] if isinstance(trace.prediction, list) else None
                prediction, bars = self._prediction(
                    trace.probabilities[t - 1], name, _("at t = {t}").format(t=t)
                )
            return PanelContent(
                title=title,
                data=trace.outputs[t - 1],
                scale=self.scales["output"],
                detail=detail,
                notes=tuple(notes),
                bars=bars,
                prediction=prediction,
            )
        end = self.last(view).t
        shown = self._unused_outputs(view)
        if not self.is_last(view):
            return PanelContent(
                title="o  " + _("output (many-to-one)"),
                detail=detail,
                caveat=(
                    _(
                        "o exists only after the last step (t = {end}): it reads each "
                        "direction's final state, merged: {s}."
                    )
                    if self.bidirectional
                    else _(
                        "o exists only after the last step (t = {end}): it reads the final "
                        "state {s} alone."
                    )
                ).format(
                    end=end,
                    s=final_state(self.steps, bidirectional=self.bidirectional, merge=net.merge),
                ),
                muted=True,
                shown=shown,
            )
        bars = None
        prediction = caveat = answer = ""
        correct = None
        if trace.labels and trace.probabilities is not None:
            name = trace.prediction if isinstance(trace.prediction, str) else None
            prediction, bars = self._prediction(trace.probabilities[0], name)
            if not getattr(self.scenario, "trained", True):
                caveat = _("untrained (seeded) weights: this prediction is arbitrary")
            expected = getattr(self.scenario, "expected", lambda: None)()
            if expected is not None:
                answer = str(expected)
                if bars[2] >= 0:  # a prediction was made (not an overflow)
                    correct = bars[0][bars[2]] == answer
        return PanelContent(
            title="o  " + _("output after the last step (t = {end})").format(end=end),
            data=trace.outputs[0],
            scale=self.scales["output"],
            detail=detail,
            bars=bars,
            shown=shown,
            prediction=prediction,
            caveat=caveat,
            answer=answer,
            correct=correct,
        )

    def _unused_outputs(self, view: View) -> ShownOutputs | None:
        """Many-to-one: o_t = W_oh s_t + b_o at the last WINDOW steps up to t (the top
        layer's merged state), computed for display, the tutorial's o₁ … o₄ beside the
        o₅ that decides. Only the window is computed, so a 100,000-step trace costs a
        few rows a step."""
        T, t = self.steps, view.t
        first = max(1, t - WINDOW + 1)
        states = np.asarray(self.trace.layers[-1].output[first - 1 : t])  # (n, H')
        outputs = step_outputs(self.network, states)  # (n, O)
        if outputs is None:
            return None
        labels = self.trace.labels
        rows: list[tuple[int, str, float | None]] = []
        if labels:
            probabilities = softmax(outputs)
            for t_, row in enumerate(probabilities, start=first):
                if np.all(np.isfinite(row)):
                    best = int(np.argmax(row))
                    rows.append((t_, labels[best], float(row[best])))
                else:  # argmax of NaN would name a label
                    rows.append((t_, "—", float("nan")))
        else:
            for t_, row in enumerate(outputs, start=first):
                values = " ".join(f"{v:+.2f}" for v in row[:SMALL])
                rows.append((t_, values + (" …" if row.shape[0] > SMALL else ""), None))
        final = f"o{sub(T)}"
        if self.bidirectional:
            heading = _(
                "o_t = W_oh s_t + b_o of the merged state at each t, computed for display; "
                "the model's output reads {forward} and {backward}, which is none of these rows"
            ).format(forward=f"→s{sub(T)}", backward="←s₁")
            used = 1 if T == 1 else None  # at T = 1, ←s₁ is ←s_T: the row is the output
        else:
            unused = ""
            if T > 1:
                unused = (
                    " ".join(f"o{sub(k)}" for k in range(1, T)) if T <= 8 else f"o₁ … o{sub(T - 1)}"
                )
            heading = (
                _("{outputs} computed for display; the model uses only {final}")
                .format(outputs=unused, final=final)
                .strip()
            )
            used = T
        return ShownOutputs(heading=heading, rows=tuple(rows), used=used, first=first == 1)

    def _prediction(
        self, probabilities: np.ndarray, name: str | None, at: str = ""
    ) -> tuple[str, tuple[tuple[str, ...], tuple[float, ...], int]]:
        """ "prediction: greet (p = 0.41)" and the bars of every label: the trace's
        predicted label (argmax of the row when the trace names none), its probability."""
        labels = self.trace.labels or []
        best = labels.index(name) if name in labels else int(np.argmax(probabilities))
        bars = (tuple(labels), tuple(float(p) for p in probabilities), best)
        if not np.all(np.isfinite(probabilities)):  # argmax of NaN would name a label
            no_label = (bars[0], bars[1], -1)  # bars marking no row as the prediction
            return _("no prediction: the outputs overflowed (inf / nan)"), no_label
        where = f" {at}" if at else ""
        note = _("prediction{where}: {label} (p = {p})").format(
            where=where, label=labels[best], p=f"{probabilities[best]:.2f}"
        )
        return note, bars
