"""A scenario's [train] section -> the engine's training examples and settings."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..engine.train import Example, TrainConfig
from .loader import Scenario


def training_examples(scenario: Scenario, group: str = "examples") -> list[Example]:
    """The scenario's `examples` or `heldout` as token-index sequences with label indices.
    The loader has already checked every word and label, so this cannot fail on a
    loaded scenario; a scenario without token inputs or labels gives an empty list."""
    if scenario.vocab is None or not scenario.labels:
        return []
    rows = scenario.examples if group == "examples" else scenario.heldout
    every = scenario.network.readout == "every"
    out = []
    for row in rows:
        words = row["text"].split()
        ids = [
            scenario.vocab.index(w if w in scenario.vocab else str(scenario.unknown)) for w in words
        ]
        names = row["label"].split() if every else [row["label"]]
        labels = [scenario.labels.index(name) for name in names]
        out.append(Example(tokens=np.array(ids), labels=np.array(labels)))
    return out


def train_config(scenario: Scenario, **overrides) -> TrainConfig:
    """The [train] settings, with any non-None override (epochs, lr, seed, ...) applied."""
    settings = dict(scenario.train_settings)
    settings.update({k: v for k, v in overrides.items() if v is not None})
    return TrainConfig(**settings)


_WEIGHTS_SOURCE = re.compile(r"^[ \t]*(seed|file)[ \t]*=.*$", re.MULTILINE)
_SECTION = re.compile(r"^[ \t]*\[([^\]]+)\][ \t]*(#.*)?$", re.MULTILINE)


def point_weights_at(text: str, weights_file: str) -> str:
    """Scenario TOML text with its [weights] seed or file line replaced by
    `file = "<weights_file>"` and `trained = true` (seed-only settings dropped);
    comments and the rest untouched.
    Raises ValueError when the [weights] section has no seed or file line to replace."""
    sections = list(_SECTION.finditer(text))
    for i, match in enumerate(sections):
        if match.group(1).strip() != "weights":
            continue
        start = match.end()
        end = sections[i + 1].start() if i + 1 < len(sections) else len(text)
        body = text[start:end]
        source = _WEIGHTS_SOURCE.search(body)
        if source is None:
            break
        # trained and forget_bias described the seeded weights, not the new ones
        body = re.sub(r"^[ \t]*(trained|forget_bias)[ \t]*=.*\n?", "", body, flags=re.MULTILINE)
        source = _WEIGHTS_SOURCE.search(body)
        assert source is not None
        line = f'file = "{weights_file}"\ntrained = true'
        body = body[: source.start()] + line + body[source.end() :]
        return text[:start] + body + text[end:]
    raise ValueError("its [weights] section has no seed or file line to replace")


def relative_to(path: Path, base: Path) -> str:
    """path relative to base when it lies below it, else absolute; always with '/'."""
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()
