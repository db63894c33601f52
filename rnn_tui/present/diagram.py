"""The rolled and unrolled diagram of the network for a view: the folded cell with its
loop beside the chain x₁ … x_T → s₁ … s_T → o, the current step marked (the tutorial's
figures in 3.1-3.3 and 3.6).

`diagram_content(stage, view)` reads only the shape of the run (T, the tokens, the
direction, the readout, the cell): no numbers, and nothing proportional to T, so it
costs the same at every length. Nothing here imports textual.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import RenderableType

from ..i18n import _
from ..render.diagram import DiagramStyles, UnrolledDiagram
from .position import View
from .view import Look, Stage


@dataclass(frozen=True, eq=False)
class DiagramContent:
    """What the diagram shows: the tokens (None for vectors; the trace's own list, not
    a copy), T, the current step t, the direction shown, whether the network is
    bidirectional, its readout ("every", "last" or None), its cell and number of
    layers, and a title (drawn only on a tall screen: the diagram is 6 or 7 lines
    without it)."""

    tokens: Sequence[str] | None
    steps: int
    t: int
    direction: str = "forward"
    bidirectional: bool = False
    readout: str | None = "every"
    cell: str = "rnn"
    layers: int = 1
    title: str = ""

    def renderable(self, look: Look) -> RenderableType:
        styles = DiagramStyles(
            symbol=look.style("values"),
            weight=look.style("label"),
            highlight=look.style("highlight"),
            muted=look.style("muted"),
            title=look.style("title"),
        )
        return UnrolledDiagram(
            self.tokens,
            self.steps,
            self.t,
            direction=self.direction,
            bidirectional=self.bidirectional,
            readout=self.readout,
            cell=self.cell,
            layers=self.layers,
            title=self.title if look.tall else "",
            styles=styles,
        )


def diagram_content(stage: Stage, view: View) -> DiagramContent:
    """The diagram of the stage's network at view.t, in the view's direction."""
    view = stage.clamp(view)
    net, trace = stage.network, stage.trace
    layers = stage.num_layers
    if stage.bidirectional and layers > 1:
        title = _(
            "The loop unrolled: in each of {layers} layers W forward, W' backward, each the "
            "same at every step (3.6, 3.7)"
        ).format(layers=layers)
    elif stage.bidirectional:
        title = _("The loop unrolled: W forward, W' backward, each the same at every step (3.6)")
    elif layers > 1:
        title = _(
            "The loop unrolled: {layers} stacked cells, each with its own weights, the same "
            "at every step (3.7)"
        ).format(layers=layers)
    else:
        title = _("The loop unrolled: one cell, the same weights at every step (3.1-3.4)")
    return DiagramContent(
        tokens=trace.tokens,
        steps=stage.steps,
        t=view.t,
        # both chains of a two-way network, whichever is read: the output reads them merged
        direction="both" if stage.bidirectional else view.direction,
        bidirectional=stage.bidirectional,
        readout=net.readout if net.output_size else None,
        cell=net.cell,
        layers=stage.num_layers,
        title=title,
    )
