"""Training speed: one epoch of rnn-tui's BPTT + Adam against torch autograd, in one run.

    python benchmarks/train.py [--epochs 5]

Same model (cell, sizes, readout "last", embedding or one-hot), same data, same
batches (grouped by length, in the same order), float64 in both, torch with 2
threads. Prints the median epoch time of each and their ratio, per scenario.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rnn_tui import load_scenario  # noqa: E402
from rnn_tui.engine.train import Trainer  # noqa: E402
from rnn_tui.scenario.training import train_config, training_examples  # noqa: E402

SCENARIOS = ("intent-zh", "memory-fade", "memory-fade-lstm", "memory-fade-gru")


def engine_epochs(name: str, epochs: int) -> tuple[list[float], list[list]]:
    s = load_scenario(name)
    examples = training_examples(s)
    trainer = Trainer(s.network, examples, vocab_size=len(s.vocab), embedding=s.embedding,
                      config=train_config(s, epochs=epochs))  # fmt: skip
    times, orders = [], []
    for epoch in range(1, epochs + 1):
        batches = list(trainer._batches(shuffle=False))
        orders.append(batches)
        start = time.perf_counter()
        trainer.run_epoch(epoch)
        times.append(time.perf_counter() - start)
    return times, orders


def torch_epochs(name: str, epochs: int, batches: list) -> list[float] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(2)
    s = load_scenario(name)
    net = s.network
    kind = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[net.cell]
    extra = {"nonlinearity": net.nonlinearity} if net.cell == "rnn" else {}
    rnn = kind(net.input_size, net.hidden_size, num_layers=net.num_layers,
               bidirectional=net.bidirectional, dtype=torch.float64, **extra)  # fmt: skip
    linear = torch.nn.Linear(net.merged_size, net.output_size, dtype=torch.float64)
    modules: list[torch.nn.Module] = [rnn, linear]
    if s.embedding is not None:
        embed = torch.nn.Embedding(*s.embedding.shape, dtype=torch.float64)
        modules.append(embed)
    params = [p for m in modules for p in m.parameters()]
    optimiser = torch.optim.Adam(params, lr=s.train_settings["lr"])
    eye = torch.eye(len(s.vocab), dtype=torch.float64)
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        for batch in batches:
            tokens = torch.from_numpy(np.stack([ex.tokens for ex in batch], axis=1))  # (T, B)
            labels = torch.from_numpy(np.stack([ex.labels[0] for ex in batch]))
            x = embed(tokens) if s.embedding is not None else eye[tokens]
            _, h_n = rnn(x)
            h_n = h_n[0] if net.cell == "lstm" else h_n
            last = torch.cat([h_n[-2], h_n[-1]], -1) if net.bidirectional else h_n[-1]
            loss = torch.nn.functional.cross_entropy(linear(last), labels)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, s.train_settings["clip"])
            optimiser.step()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    print(f"{'scenario':<18}{'cell':<6}{'examples':>9}{'T':>5}{'rnn-tui ms':>12}"
          f"{'torch ms':>10}{'rnn-tui/torch':>15}")  # fmt: skip
    for name in SCENARIOS:
        ours, orders = engine_epochs(name, args.epochs)
        theirs = torch_epochs(name, args.epochs, orders[0])
        s = load_scenario(name)
        n = len(s.examples)
        T = max(len(e["text"].split()) for e in s.examples)
        a = statistics.median(ours) * 1e3
        b = statistics.median(theirs) * 1e3 if theirs else float("nan")
        print(f"{name:<18}{s.network.cell:<6}{n:>9}{T:>5}{a:>12.1f}{b:>10.1f}{a / b:>15.2f}")


if __name__ == "__main__":
    main()
