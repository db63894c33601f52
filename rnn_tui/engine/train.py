"""Fitting a network to labelled sequences: cross-entropy, BPTT, Adam, clipping.

Classification (readout "last": one label per sequence) and sequence labelling
(readout "every": one label per step). Sequences of equal length are batched
together; everything is deterministic for a seed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .backward import backward
from .network import Network
from .trace import softmax


@dataclass(frozen=True)
class Example:
    """One training sequence. tokens: (T,) vocabulary indices; labels: (1,) for readout
    "last" or (T,) for "every", label indices."""

    tokens: np.ndarray
    labels: np.ndarray


@dataclass(frozen=True)
class TrainConfig:
    """How to fit: epochs, Adam's learning rate, gradient-norm clip, batch size, seed."""

    epochs: int = 200
    lr: float = 0.01
    clip: float = 5.0
    batch_size: int = 16
    seed: int = 0


@dataclass(frozen=True)
class EpochStats:
    """What one epoch achieved: mean loss and accuracy on the training examples."""

    epoch: int
    loss: float
    accuracy: float


class Trainer:
    """Fits `network` (and the embedding table, when there is one) in place.

    embedding: (V, input_size) or None for one-hot inputs over V = vocab_size tokens.
    """

    def __init__(
        self,
        network: Network,
        examples: list[Example],
        *,
        vocab_size: int,
        embedding: np.ndarray | None = None,
        config: TrainConfig = TrainConfig(),
    ) -> None:
        if not examples:
            raise ValueError("no training examples")
        if not network.output_size:
            raise ValueError("the network has no readout to train")
        self.network = network
        self.examples = examples
        self.vocab_size = vocab_size
        self.config = config
        self.params = {k: v.copy() for k, v in network.params.items()}
        if embedding is not None:
            self.params["embedding.weight"] = np.array(embedding, dtype=network.dtype)
        self._m = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._v = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._step = 0
        self._rng = np.random.default_rng(config.seed)

    # -- pieces
    def encode(self, tokens: np.ndarray) -> np.ndarray:
        """Token indices (T, B) -> input vectors (T, B, input_size)."""
        if "embedding.weight" in self.params:
            return self.params["embedding.weight"][tokens]
        out = np.zeros((*tokens.shape, self.vocab_size), dtype=self.network.dtype)
        np.put_along_axis(out, tokens[..., None], 1, axis=-1)  # one-hot, no V × V identity
        return out

    def _batches(self, shuffle: bool) -> Iterator[list[Example]]:
        by_length: dict[int, list[Example]] = {}
        for ex in self.examples:
            by_length.setdefault(len(ex.tokens), []).append(ex)
        batches = []
        for length in sorted(by_length):
            group = by_length[length]
            order = self._rng.permutation(len(group)) if shuffle else range(len(group))
            group = [group[i] for i in order]
            size = self.config.batch_size
            batches += [group[i : i + size] for i in range(0, len(group), size)]
        if shuffle:
            batches = [batches[i] for i in self._rng.permutation(len(batches))]
        yield from batches

    def _forward(self, batch: list[Example]):
        tokens = np.stack([ex.tokens for ex in batch], axis=1)  # (T, B)
        labels = np.stack([ex.labels for ex in batch], axis=1)  # (1 or T, B)
        trace = self.network.trace_batch(self.encode(tokens))
        assert trace.outputs is not None  # checked in __init__: the network has a readout
        probs = softmax(trace.outputs)  # (1 or T, B, O)
        picked = np.take_along_axis(probs, labels[..., None], axis=-1)[..., 0]
        loss = -np.log(np.maximum(picked, 1e-300))  # cross-entropy per position
        correct = np.argmax(probs, axis=-1) == labels
        return tokens, labels, trace, probs, loss, correct

    def _gradients(self, batch: list[Example]) -> tuple[dict[str, np.ndarray], float, int, int]:
        tokens, labels, trace, probs, loss, correct = self._forward(batch)
        d_out = probs.copy()  # d(mean CE)/d(logits) = (p - onehot) / count
        np.put_along_axis(
            d_out, labels[..., None], np.take_along_axis(probs, labels[..., None], -1) - 1, -1
        )
        d_out /= loss.size
        grads = backward(self.network, trace, d_outputs=d_out)
        out = dict(grads.params)
        if "embedding.weight" in self.params:
            d_emb = np.zeros_like(self.params["embedding.weight"])
            np.add.at(d_emb, tokens, grads.inputs)  # each row gets its tokens' dL/dx
            out["embedding.weight"] = d_emb
        return out, float(loss.sum()), int(correct.sum()), int(correct.size)

    def _adam(self, grads: dict[str, np.ndarray]) -> None:
        cfg = self.config
        norm = np.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))
        scale = min(1.0, cfg.clip / (norm + 1e-12))  # clip the global gradient norm
        self._step += 1
        b1, b2, eps = 0.9, 0.999, 1e-8
        for k, g in grads.items():
            g = g * scale
            self._m[k] = b1 * self._m[k] + (1 - b1) * g
            self._v[k] = b2 * self._v[k] + (1 - b2) * g * g
            m_hat = self._m[k] / (1 - b1**self._step)
            v_hat = self._v[k] / (1 - b2**self._step)
            self.params[k] -= cfg.lr * m_hat / (np.sqrt(v_hat) + eps)
        self.network.set_params({k: v for k, v in self.params.items() if k != "embedding.weight"})

    # -- the loop
    def run_epoch(self, epoch: int) -> EpochStats:
        """One pass over the examples in shuffled batches; returns the epoch's figures."""
        total, right, count, n = 0.0, 0, 0, 0
        for batch in self._batches(shuffle=True):
            grads, loss, correct, size = self._gradients(batch)
            self._adam(grads)
            total, right, count, n = total + loss, right + correct, count + size, n + size
        return EpochStats(epoch=epoch, loss=total / n, accuracy=right / count)

    def epochs(self) -> Iterator[EpochStats]:
        """Train for config.epochs, yielding each epoch's figures as it ends."""
        for epoch in range(1, self.config.epochs + 1):
            yield self.run_epoch(epoch)

    def accuracy(self, examples: list[Example]) -> float:
        """Fraction of label positions predicted right, with the current weights."""
        right = count = 0
        for batch in self._batches_of(examples):
            *_, correct = self._forward(batch)
            right, count = right + int(correct.sum()), count + int(correct.size)
        return right / count if count else float("nan")

    def _batches_of(self, examples: list[Example]) -> Iterator[list[Example]]:
        saved = self.examples
        self.examples = examples
        try:
            yield from self._batches(shuffle=False)
        finally:
            self.examples = saved

    def state_dict(self) -> dict[str, np.ndarray]:
        """The trained parameters in PyTorch's names, embedding.weight included."""
        return {k: v.copy() for k, v in self.params.items()}
