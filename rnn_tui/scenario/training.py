"""A scenario's [train] section -> the engine's training examples and settings."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tomlkit
import tomlkit.exceptions

from ..engine.train import EpochStats, Example, TrainConfig, Trainer
from ..i18n import _
from .loader import Scenario


def training_examples(scenario: Scenario, group: str = "examples") -> list[Example]:
    """The scenario's `examples` or `heldout` as token-index sequences with label indices.
    The loader has already checked every word and label, so this cannot fail on a
    loaded scenario; a scenario without token inputs or labels gives an empty list."""
    if scenario.vocab is None or not scenario.labels:
        return []
    rows = scenario.examples if group == "examples" else scenario.heldout
    every = scenario.network.readout == "every"
    index = scenario.token_index()
    label_index = {name: i for i, name in enumerate(scenario.labels)}
    out = []
    for row in rows:
        words = row["text"].split()
        ids = [index[w] if w in index else index[str(scenario.unknown)] for w in words]
        names = row["label"].split() if every else [row["label"]]
        labels = [label_index[name] for name in names]
        out.append(Example(tokens=np.array(ids), labels=np.array(labels)))
    return out


def train_config(scenario: Scenario, **overrides) -> TrainConfig:
    """The [train] settings, with any non-None override (epochs, lr, seed, ...) applied."""
    settings = dict(scenario.train_settings)
    settings.update({k: v for k, v in overrides.items() if v is not None})
    return TrainConfig(**settings)


@dataclass(frozen=True)
class EpochReport:
    """One epoch of `fit`, as it ends: its number of `epochs`, the mean loss and the
    accuracy on the examples during it (the engine's EpochStats: what `rnn-tui train`
    prints each epoch), and the accuracy on the held-out examples with the weights after
    it (None: none held out, or not measured each epoch)."""

    epoch: int
    epochs: int
    loss: float
    accuracy: float
    heldout_accuracy: float | None = None


class NothingToTrain(ValueError):
    """The scenario has no examples the engine can fit (none given, or not token
    inputs with labels); `str()` says which."""


@dataclass(frozen=True)
class Fitted:
    """What `fit` made: the trained weights in PyTorch's names (embedding.weight
    included, as the CLI saves them; Scenario.with_weights takes them), the last
    epoch's figures, and the accuracy on the examples and on the held-out ones."""

    state_dict: dict[str, np.ndarray]
    stats: EpochStats | None
    accuracy: float
    heldout_accuracy: float | None
    examples: int
    heldout: int


def nothing_to_train(scenario: Scenario) -> str:
    """Why `scenario` cannot be trained, or "" when it can."""
    if not scenario.examples:
        return _("this scenario has no [train] examples")
    if not training_examples(scenario):
        return _("its examples cannot be trained here (vector inputs or no labels)")
    return ""


def fit(
    scenario: Scenario,
    config: TrainConfig | None = None,
    on_epoch: Callable[[EpochReport], bool | None] | None = None,
    *,
    in_place: bool = False,
    heldout_each_epoch: bool = False,
) -> Fitted | None:
    """Train the scenario's network on its [train] examples with `config` (default:
    its [train] settings). `on_epoch` hears each epoch's figures as it ends (with the
    held-out accuracy when `heldout_each_epoch` and the scenario holds examples out: a
    forward pass over them each epoch, which changes no weight); returning False stops
    the training, and then fit returns None. Raises NothingToTrain.

    The one training path of the CLI and the app: the same scenario, config and seed
    give the same weights bit for bit. A copy of the network is fitted, so the
    scenario (on screen meanwhile) stays as it was; `in_place` fits the scenario's own
    network instead, for a caller that discards it (the CLI: a network near the size
    limit then needs one copy of its weights less)."""
    why = nothing_to_train(scenario)
    if why:
        raise NothingToTrain(why)
    examples = training_examples(scenario)
    config = config or train_config(scenario)
    network = scenario.network if in_place else scenario.network.copy()
    trainer = Trainer(
        network,
        examples,
        vocab_size=len(scenario.vocab or []),
        embedding=scenario.embedding,
        config=config,
    )
    heldout = training_examples(scenario, "heldout")
    measured = heldout_each_epoch and on_epoch is not None and bool(heldout)
    stats = None
    for stats in trainer.epochs():
        if on_epoch is None:
            continue
        report = EpochReport(
            epoch=stats.epoch,
            epochs=config.epochs,
            loss=stats.loss,
            accuracy=stats.accuracy,
            heldout_accuracy=trainer.accuracy(heldout) if measured else None,
        )
        if on_epoch(report) is False:
            return None
    return Fitted(
        state_dict=trainer.params,  # the trainer's own arrays: it ends here, so no copy
        stats=stats,
        accuracy=trainer.accuracy(examples),
        heldout_accuracy=trainer.accuracy(heldout) if heldout else None,
        examples=len(examples),
        heldout=len(heldout),
    )


_SOURCES = ("seed", "file", "values")
# what described the old weights: the seed's settings, and the old file's key names
_OLD_SETTINGS = ("seed", "values", "trained", "forget_bias", "prefix", "rename")


def point_weights_at(text: str, weights_file: str) -> str:
    """Scenario TOML text with its [weights] reading `weights_file` (file = "...",
    trained = true; the seed, inline values, forget_bias, prefix and rename that
    described the old weights dropped). Edited with tomlkit, so comments and the rest
    stay as they were and any file name is quoted correctly.
    Raises ValueError when the text is not TOML or its [weights] has no seed, file or
    values to replace. A UTF-8 byte order mark at the start is kept."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    text = text.removeprefix(bom)
    try:
        document = tomlkit.parse(text)
    except tomlkit.exceptions.TOMLKitError as e:
        raise ValueError(_("not valid TOML: {detail}").format(detail=e)) from None
    weights = document.get("weights")
    if not isinstance(weights, MutableMapping) or not any(k in weights for k in _SOURCES):
        raise ValueError(_("its [weights] section has no seed, file or values to replace"))
    try:
        for key in _OLD_SETTINGS:
            if key in weights:
                del weights[key]
        weights["file"] = weights_file
        weights["trained"] = True
    except (IndexError, KeyError, TypeError, tomlkit.exceptions.TOMLKitError):
        # tomlkit cannot edit [weights] in place when it is spread over dotted keys or
        # split tables: write it again as one [weights] table, at the end
        document = tomlkit.parse(text)
        kept = {k: v for k, v in document["weights"].items() if k not in (*_OLD_SETTINGS, "file")}
        del document["weights"]
        table = tomlkit.table()
        for key, value in kept.items():
            table[key] = value
        table["file"] = weights_file
        table["trained"] = True
        document["weights"] = table
    out = tomlkit.dumps(document)
    check = tomllib.loads(out).get("weights", {})  # what a reader will see, checked
    if check.get("file") != weights_file or check.get("trained") is not True:
        raise ValueError(_("the [weights] section could not be rewritten"))
    return bom + out


def relative_to(path: Path, base: Path) -> str:
    """path relative to base when it lies below it, else absolute; always with '/'."""
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()
