"""`rnn-tui new`: a valid, commented starter scenario to edit."""

from __future__ import annotations

import json

from ..text import visible

STARTER = '''\
# A scenario for rnn-tui: a model and an input sequence.
# Check it with `rnn-tui validate {file}`, open it with `rnn-tui {file}`.
# Every key is described in docs/scenarios.md; unknown keys are errors.

title = {title}
description = """
What this scenario shows. Shown in the app under the title."""

[model]
cell = "{cell}"            # rnn | lstm | gru
hidden_size = {hidden}          # units per layer and direction (H)
num_layers = {layers}           # layer k+1 reads layer k's states
bidirectional = {bidirectional}     # add a backward direction reading from the end
merge = "concat"         # concat | sum | mean | mul: how the two directions combine
{nonlinearity}
readout = "last"         # every: o_t at each step | last: one output after the sequence

[weights]
seed = 1                 # untrained: PyTorch's default layout, U(-1/sqrt(H), 1/sqrt(H)),
                         # drawn by numpy's default_rng(seed), not torch.manual_seed(seed):
                         # a PyTorch model seeded alike holds other numbers
# file = "weights.npz"   # or trained weights, named as in PyTorch (weight_ih_l0, ...)
# prefix = "rnn."        # stripped from every key of the file

[input]
tokens = ["what", "time", "is", "it", "?"]
encoding = "one-hot"     # one-hot | embedding (then set model.input_size)
# unknown = "<unk>"      # stands in for words outside the vocabulary

[output]
labels = ["ask_time", "greet"]   # softmax over these

[train]                  # examples to fit with `rnn-tui train`
examples = [
  {{ text = "what time is it ?", label = "ask_time" }},
  {{ text = "hello there", label = "greet" }},
]
'''


def starter_text(
    file: str, *, cell: str = "rnn", layers: int = 1, bidirectional: bool = False, hidden: int = 8
) -> str:
    """The starter scenario's TOML text, with the given architecture filled in. The file
    name is shown escaped (a newline in it cannot end a comment) and the title derived
    from it is a quoted TOML string, whatever characters the name holds."""
    shown = visible(file)
    title = shown.removesuffix(".toml").replace("-", " ").replace("_", " ").strip() or "my scenario"
    return STARTER.format(
        file=shown,
        title=json.dumps(title[:1].upper() + title[1:], ensure_ascii=False),
        cell=cell,
        hidden=hidden,
        layers=layers,
        bidirectional="true" if bidirectional else "false",
        # the activation is an RNN setting; with a gated cell the key is an error
        nonlinearity='nonlinearity = "tanh"    # rnn only: tanh | relu | sigmoid'
        if cell == "rnn"
        else "# (no nonlinearity: lstm and gru have gates instead)",
    )
