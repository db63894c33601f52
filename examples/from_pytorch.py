"""From PyTorch to rnn-tui: a model's weights, a scenario for them, the same numbers.

    python examples/from_pytorch.py [OUT_DIR]

Builds a small PyTorch model (embedding -> 2-layer bidirectional GRU -> linear
readout on the final states), saves its state_dict with numpy exactly as
PyTorch names it (`rnn.weight_ih_l0`, `fc.weight`, `embed.weight`), writes a
scenario that maps those names, traces it with rnn-tui and compares the result
with PyTorch's own forward pass. Then: `rnn-tui OUT_DIR/from_pytorch.toml`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
from torch import nn

from rnn_tui import load_scenario

VOCAB = ["?", "is", "it", "time", "what"]
LABELS = ["ask_time", "ask_weather", "greet"]


class IntentModel(nn.Module):
    """embedding -> bidirectional GRU -> linear on [h_n forward, h_n backward]."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(len(VOCAB), 6)
        self.rnn = nn.GRU(6, 5, num_layers=2, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(10, len(LABELS))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        _, h_n = self.rnn(self.embed(ids))  # h_n: (layers * 2, batch, H)
        return self.fc(torch.cat([h_n[-2], h_n[-1]], dim=-1))  # top layer, both directions


SCENARIO = """\
title = "A PyTorch GRU, loaded as it is"
description = "Weights saved from a torch.nn.Module's state_dict, names mapped below."

[model]
cell = "gru"
input_size = 6
hidden_size = 5
num_layers = 2
bidirectional = true
readout = "last"

[weights]
file = "from_pytorch.npz"
prefix = "rnn."
rename = {{ "fc.weight" = "readout.weight", "fc.bias" = "readout.bias", "embed.weight" = "embedding.weight" }}
trained = false   # random PyTorch init: nothing was trained here

[input]
tokens = {tokens}
encoding = "embedding"
vocab = {vocab}

[output]
labels = {labels}
"""


def main(out_dir: Path) -> float:
    """Write weights and scenario into out_dir; return the largest difference to torch."""
    torch.manual_seed(0)
    model = IntentModel().double().eval()
    state = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    np.savez(out_dir / "from_pytorch.npz", **state)

    tokens = ["what", "time", "is", "it", "?"]
    text = SCENARIO.format(
        tokens=_toml_list(tokens), vocab=_toml_list(VOCAB), labels=_toml_list(LABELS)
    )
    path = out_dir / "from_pytorch.toml"
    path.write_text(text, encoding="utf-8")

    ours = load_scenario(path).trace().outputs[0]  # (3,) logits
    with torch.no_grad():
        ids = torch.tensor([[VOCAB.index(t) for t in tokens]])
        theirs = model(ids)[0].numpy()
    diff = float(np.abs(ours - theirs).max())
    print(f"wrote {path}")
    print(f"rnn-tui logits: {np.array2string(ours, precision=6)}")
    print(f"torch logits:   {np.array2string(theirs, precision=6)}")
    print(f"max difference: {diff:.2e}")
    return diff


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{x}"' for x in items) + "]"


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="rnn-tui-"))
    target.mkdir(parents=True, exist_ok=True)
    sys.exit(0 if main(target) < 1e-12 else 1)
