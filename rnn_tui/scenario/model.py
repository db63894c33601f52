"""A validated scenario: a network, its input sequences and what to show about them;
and the problems a scenario file can have (loader.py reads files into these)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine import Network, Trace, softmax
from ..i18n import _
from ..text import visible

if TYPE_CHECKING:
    from ..engine.progressive import TraceRun
    from .switch import Switch

MAX_SEQUENCE_BYTES = 128 * 2**20  # a sequence's input vectors
MAX_STATES_BYTES = 512 * 2**20
"""A sequence's states in one trace: what a compact trace keeps (every layer's and
direction's h), so that the app stays within 1 GiB at 100,000 steps of a 2-layer
bidirectional float32 LSTM with H = 256 (400 MB of states)."""
DEFAULT_SEQUENCE = "default"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where, and what."""

    file: str
    field: str
    message: str

    def __post_init__(self) -> None:
        # A file name, a key or a value quoted in a message came from a file or the file
        # system: shown with its control and bidi characters escaped, wherever it goes.
        for name in ("file", "field", "message"):
            object.__setattr__(self, name, visible(str(getattr(self, name))))

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return visible(f"{self.file}: {where}{self.message}")


class ScenarioError(Exception):
    """A scenario could not be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Scenario:
    """A validated scenario: a network, its input sequences and what to show about them."""

    name: str
    title: str
    description: str
    path: Path | None
    network: Network
    inputs: np.ndarray  # (T, input_size), after encoding, of the selected sequence
    tokens: list[str] | None = None  # of the selected sequence
    vocab: list[str] | None = None
    encoding: str | None = None
    embedding: np.ndarray | None = None  # (vocab, input_size)
    unknown: str | None = None
    labels: list[str] | None = None
    trained: bool = False  # False: seeded, untrained weights
    weights_source: str = "seed"  # seed | file | inline
    weights_file: Path | None = None  # the [weights] file read, when weights_source is file
    seed: int = 0  # [weights] seed, also for the fresh weights of a switched cell or merge
    examples: list[dict] = field(default_factory=list)
    heldout: list[dict] = field(default_factory=list)
    train_settings: dict[str, Any] = field(default_factory=dict)  # epochs, lr, seed, ...
    sequences: dict[str, list[str] | np.ndarray] = field(default_factory=dict)
    sequence: str = DEFAULT_SEQUENCE  # the selected one
    text: str = ""  # the TOML source, kept for recordings
    answers: dict[str, str] = field(default_factory=dict)
    """Sequence name -> its known right label (the file's [input] answers); see expected()."""
    memory: dict[str, Any] = field(default_factory=dict)
    """The file's [memory] table: how the memory measure replaces an input (see memory.py)."""
    siblings: dict[str, str] = field(default_factory=dict)
    """The file's [siblings] table: cell -> the file name of the same task trained with that
    cell, in the scenario's folder; a cell switch computes with its weights (siblings.py)."""
    fresh: tuple[str, ...] = ()
    """Parameters (PyTorch names) drawn fresh from the seed by a cell or merge switch and
    not trained since: the parts the screen marks untrained. Empty for the file's weights
    and after training."""
    origin: Scenario | None = field(default=None, repr=False, compare=False)
    """The scenario at its own cell and merge, whose weights a switch back returns
    (None: this one is). See switch.py."""
    _index: tuple[list[str], dict[str, int]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def token_index(self) -> dict[str, int]:
        """Token -> its row in the vocabulary, built once (lookups stay linear)."""
        if self.vocab is None:
            return {}
        if self._index is None or self._index[0] is not self.vocab:
            self._index = (self.vocab, {tok: i for i, tok in enumerate(self.vocab)})
        return self._index[1]

    def expected(self) -> str | None:
        """The known right label of the tokens read, or None: the selected sequence's
        answer while its tokens are the file's, else the label of a training or held-out
        example with exactly these tokens (a many-to-one readout's labels only)."""
        if self.tokens is None or self.network.readout != "last":
            return None
        tokens = list(self.tokens)
        answer = self.answers.get(self.sequence)
        listed = self.sequences.get(self.sequence)
        if answer is not None and isinstance(listed, list) and list(listed) == tokens:
            return answer
        for example in (*self.examples, *self.heldout):
            if example.get("text", "").split() == tokens:
                return str(example.get("label"))
        return None

    def trace(self, watch: TraceRun | None = None) -> Trace:
        """Run the network over the inputs; tokens, labels and probabilities filled in.
        watch: a TraceRun following the layers as they are computed (the trace is then
        compact; see engine/progressive.py)."""
        compact = True if watch is not None else None
        trace = self.network.trace(self.inputs, compact=compact, watch=watch)
        trace.tokens = list(self.tokens) if self.tokens is not None else None
        if self.labels and trace.outputs is not None:
            trace.labels = list(self.labels)
            trace.probabilities = softmax(trace.outputs)
            names = [self.labels[i] for i in np.argmax(trace.probabilities, axis=-1)]
            trace.prediction = names[0] if self.network.readout == "last" else names
        return trace

    def influence(self) -> np.ndarray | None:
        """(T, T) influence[t, k] = ‖∂s_t/∂x_k‖_F of the top layer's merged state on each
        input; None where limits.influence_plan skips it (its reason says why)."""
        from .limits import influence_plan

        if influence_plan(self.network, self.inputs.shape[0]).how == "skip":
            return None
        from ..engine.backward import influence

        return influence(self.network, self.inputs)

    def model_config(self) -> dict:
        """The `model` block of `trace --json`."""
        cfg = self.network.config()
        cfg["dtype"] = str(self.network.dtype)
        return cfg

    def encode(self, tokens: list[str]) -> np.ndarray:
        """Tokens -> input vectors (T, input_size). Tokens outside the vocabulary become
        the `unknown` token, or raise ValueError naming the first one."""
        if self.vocab is None:
            raise ValueError(_("this scenario's inputs are vectors, not tokens"))
        rows = self.token_index()
        width = self.embedding.shape[1] if self.embedding is not None else len(self.vocab)
        size = len(tokens) * width * self.network.dtype.itemsize
        if size > MAX_SEQUENCE_BYTES:
            raise ValueError(
                _(
                    "{steps:,} tokens of width {width:,} need {size:,} bytes; "
                    "the limit is {limit:,}"
                ).format(steps=len(tokens), width=width, size=size, limit=MAX_SEQUENCE_BYTES)
            )
        index = []
        for tok in tokens:
            row = rows.get(tok)
            if row is None and self.unknown is not None:
                row = rows.get(self.unknown)
            if row is None:
                raise ValueError(_('"{token}" is not in the vocabulary').format(token=visible(tok)))
            index.append(row)
        if self.encoding == "embedding":
            assert self.embedding is not None
            return self.embedding[index]
        return _one_hot(index, len(self.vocab), self.network.dtype)

    def with_tokens(self, tokens: list[str]) -> Scenario:
        """A copy reading another sentence (ValueError for unknown tokens without `unknown`).
        The tokens are escaped as the loader escapes the vocabulary, so they match it."""
        if not tokens:
            raise ValueError(_("the sentence is empty"))
        tokens = [visible(tok) for tok in tokens]
        return replace(self, tokens=list(tokens), inputs=self.encode(tokens))

    def select(self, name: str) -> Scenario:
        """A copy reading the named input sequence."""
        seq = self.sequences[name]
        if isinstance(seq, np.ndarray):
            return replace(self, inputs=seq, tokens=None, sequence=name)
        return replace(self.with_tokens(seq), sequence=name)

    def with_weights(
        self,
        state_dict: dict[str, np.ndarray],
        *,
        embedding: np.ndarray | None = None,
        trained: bool = True,
    ) -> Scenario:
        """A copy computing with other weights of the same shapes (e.g. after training):
        state_dict in PyTorch names (an `embedding.weight` in it, or `embedding`, replaces
        the embedding table); the inputs are re-encoded with the new embedding."""
        params = dict(state_dict)
        table = params.pop("embedding.weight", embedding)
        network = self.network.copy()
        network.set_params(params)
        new = replace(
            self,
            network=network,
            trained=trained,
            weights_source="file" if trained else self.weights_source,
            fresh=() if trained else self.fresh,
        )
        if table is not None:
            if self.embedding is None or np.shape(table) != self.embedding.shape:
                raise ValueError("embedding.weight does not fit this scenario's embedding table")
            new.embedding = np.asarray(table, dtype=network.dtype)
            if new.tokens is not None:
                new.inputs = new.encode(new.tokens)
        return new

    def switch(self, *, cell: str | None = None, merge: str | None = None) -> Switch:
        """This scenario with another cell and/or merge, and what its weights are (see
        switch.py: the one rule of the app, the recorder and `replay --check`)."""
        from .switch import switch

        return switch(self, cell=cell, merge=merge)

    def with_network(self, **changes: Any) -> Scenario:
        """A copy whose network is rebuilt with some settings changed: fresh weights from the
        scenario's seed, as if its file named the new settings."""
        net = self.network
        settings: dict[str, Any] = dict(
            cell=net.cell,
            input_size=net.input_size,
            hidden_size=net.hidden_size,
            num_layers=net.num_layers,
            bidirectional=net.bidirectional,
            merge=net.merge,
            nonlinearity=net.nonlinearity,
            output_size=net.output_size,
            readout=net.readout,
            bias=net.bias,
            dtype=net.dtype,
            seed=self.seed,
        )
        settings.update(changes)
        network = Network(**settings)
        return replace(
            self,
            network=network,
            trained=False,
            weights_source="seed",
            weights_file=None,
            fresh=tuple(network.params),
        )


def _one_hot(index: list[int], size: int, dtype: Any) -> np.ndarray:
    """Token indices (T,) -> one-hot rows (T, size), without a size × size identity."""
    out = np.zeros((len(index), size), dtype=dtype)
    out[np.arange(len(index)), index] = 1
    return out
