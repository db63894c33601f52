"""Switching a scenario's cell or merge: the one rule the app, `replay --check` and the
session recorder share.

Back at the scenario's own settings its own weights return. Another cell that the
scenario's [siblings] table names brings that trained sibling's weights, when the file
loads and fits (siblings.py); a session records such a switch as the whole scenario with
its weights (session/verify.switch_change), so a replay never reads the sibling. A merge
change keeps every
parameter whose shape still fits (layer 1 always; every one between sum, mean and mul),
so that the merge is the only thing that differs; everything else gets fresh weights
from the scenario's seed, as if its file named the new settings. Without siblings the
result is a pure function of the scenario switched from: the same switches from the same
scenario give the same weights, bit for bit, in the app and in a replay.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..engine import CELLS, MERGES
from ..i18n import _
from ..text import visible

if TYPE_CHECKING:
    from .model import Scenario

CELL_CYCLE = ("rnn", "lstm", "gru")
"""The order in which the cell key cycles."""


@dataclass(frozen=True)
class Switch:
    """A switched scenario and what its weights are: `kept` parameters carried over
    from the network before, `fresh` ones seeded and untrained (both in PyTorch names;
    both empty when `own`: the scenario's own weights came back, or when `sibling`:
    every weight is that sibling file's)."""

    scenario: Scenario
    before: tuple[str, str]
    """(cell, merge) switched from."""
    kept: tuple[str, ...]
    fresh: tuple[str, ...]
    sibling: str = ""
    """The file name of the sibling whose weights the scenario computes with, if one."""
    passed_over: str = ""
    """Why the sibling the [siblings] table names for this cell was not used, if it was not."""

    @property
    def own(self) -> bool:
        """The scenario's own weights came back (nothing kept, nothing seeded, no sibling)."""
        return not self.kept and not self.fresh and not self.sibling

    def describe(self) -> str:
        """One sentence for the screen: what changed and which weights it computes with."""
        old_cell, old_merge = self.before
        net = self.scenario.network
        if net.cell != old_cell:
            change = _("cell {old} → {new}").format(old=old_cell, new=net.cell)
        else:
            change = _("merge {old} → {new}").format(old=old_merge, new=net.merge)
        if self.own:
            return _("{change}: the scenario's own weights again.").format(change=change)
        if self.sibling:
            if self.scenario.trained:
                return _("{change}: the trained weights of {file}.").format(
                    change=change, file=visible(self.sibling)
                )
            return _("{change}: the weights of {file} (untrained).").format(
                change=change, file=visible(self.sibling)
            )
        sentence = self._seeded(change)
        if self.passed_over:
            sentence += " " + _("(Its sibling was not used: {reason})").format(
                reason=self.passed_over
            )
        return sentence

    def _seeded(self, change: str) -> str:
        """The sentence for seeded weights, fresh or partly kept."""
        net = self.scenario.network
        if not self.kept:
            return _("{change}: fresh seeded weights (untrained) for the whole network.").format(
                change=change
            )
        fresh = [
            _("layer {k}").format(k=k + 1)
            for k in range(1, net.num_layers)
            if f"weight_ih_l{k}" in self.fresh
        ]
        if net.output_size and "readout.weight" in self.fresh:
            fresh.append(_("the readout"))
        if not fresh:
            return _(
                "{change}: every weight kept (no shape changed), but untrained for {merge}."
            ).format(change=change, merge=net.merge)
        return _(
            "{change}: layer 1 keeps its weights; {fresh} get fresh seeded weights, since "
            "the merged width they read changed (untrained)."
        ).format(change=change, fresh=_(" and ").join(fresh))


def next_cell(cell: str) -> str:
    """The cell after `cell` in CELL_CYCLE (rnn → lstm → gru → rnn)."""
    return CELL_CYCLE[(CELL_CYCLE.index(cell) + 1) % len(CELL_CYCLE)]


def next_merge(merge: str) -> str:
    """The merge after `merge` in MERGES (concat → sum → mean → mul → concat)."""
    return MERGES[(MERGES.index(merge) + 1) % len(MERGES)]


def switch(scenario: Scenario, *, cell: str | None = None, merge: str | None = None) -> Switch:
    """`scenario` with another cell and/or merge (None keeps it). ValueError for a cell
    or merge that does not exist, or a merge on a one-way network."""
    net = scenario.network
    cell, merge = cell or net.cell, merge or net.merge
    if cell not in CELLS:
        raise ValueError(_("unknown cell {cell}").format(cell=cell))
    if merge not in MERGES:
        raise ValueError(_("unknown merge {merge}").format(merge=merge))
    if merge != net.merge and not net.bidirectional:
        raise ValueError(_("This network is unidirectional: there is nothing to merge."))
    before = (net.cell, net.merge)
    origin = scenario.origin or scenario
    if (cell, merge) == (origin.network.cell, origin.network.merge):
        back = replace(
            scenario,
            network=origin.network,
            embedding=origin.embedding,
            title=origin.title,
            description=origin.description,
            trained=origin.trained,
            weights_source=origin.weights_source,
            weights_file=origin.weights_file,
            fresh=origin.fresh,
            origin=None,  # at its own settings: its own origin
        )
        if back.embedding is not scenario.embedding and back.tokens is not None:
            back.inputs = back.encode(back.tokens)  # its own embedding table again
        return Switch(back, before, kept=(), fresh=())
    passed_over = ""
    if cell != origin.network.cell and cell in origin.siblings:
        from .siblings import sibling

        found, passed_over = sibling(scenario, cell)
        if found is not None and found.network.merge != merge:
            passed_over = _("{file} has merge = {found}, not {merge}").format(
                file=visible(origin.siblings[cell]), found=found.network.merge, merge=merge
            )
        elif found is not None:
            switched = replace(
                scenario,
                title=found.title,  # its title and description are about these weights
                description=found.description,
                network=found.network,
                embedding=found.embedding,
                inputs=found.inputs,
                trained=found.trained,
                weights_source=found.weights_source,
                weights_file=found.weights_file,
                origin=origin,
                fresh=found.fresh,
            )
            return Switch(switched, before, kept=(), fresh=(), sibling=origin.siblings[cell])
    fresh = scenario.with_network(cell=cell, merge=merge).network
    params = dict(fresh.params)
    kept: list[str] = []
    if cell == net.cell:  # a merge change: keep every weight whose shape still fits
        for name, value in net.params.items():
            if name in params and params[name].shape == value.shape:
                params[name] = value
                kept.append(name)
        fresh.set_params(params)
    switched = replace(
        scenario,
        network=fresh,
        trained=False,
        weights_source="seed",
        weights_file=None,
        origin=origin,
        fresh=tuple(name for name in params if name not in kept),
    )
    seeded = switched.fresh
    return Switch(switched, before, kept=tuple(kept), fresh=seeded, passed_over=passed_over)
