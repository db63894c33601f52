"""Train the intent scenarios with `rnn-tui train` and state their accuracy in them.

    python scripts/train_intent.py

For each scenario below: put its [weights] back to the documented seed, run
`rnn-tui train SCENARIO --update` (the command a user runs), measure training and
held-out accuracy through the scenario's own forward pass, and write them into the
description where it says (training) or where an earlier run wrote them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = {"intent": 7, "intent-zh": 8}  # the documented initial weights
RESULT = re.compile(
    r"(\(training\)|Trained with `rnn-tui train`[^\n]*\n[^\n]*held-out ones right\.)"
)


def seeded_text(text: str, seed: int) -> str:
    """The scenario as it was before training: [weights] seed = N."""
    return re.sub(r'file = "[^"]*"\ntrained = true', f"seed = {seed}", text)


def accuracy(path: Path, group: str) -> tuple[int, int]:
    sys.path.insert(0, str(ROOT))
    from rnn_tui import load_scenario

    s = load_scenario(path)
    rows = s.examples if group == "examples" else s.heldout
    right = sum(s.with_tokens(e["text"].split()).trace().prediction == e["label"] for e in rows)
    return right, len(rows)


def main() -> None:
    from train_builtin import train_builtin  # beside this script, on sys.path when run

    for name, seed in SEEDS.items():
        path = ROOT / "scenarios" / f"{name}.toml"
        path.write_text(seeded_text(path.read_text(encoding="utf-8"), seed), encoding="utf-8")
        train_builtin(path, cwd=ROOT)
        (tr, tn), (hr, hn) = accuracy(path, "examples"), accuracy(path, "heldout")
        epochs = re.search(r"^epochs = (\d+)", path.read_text(encoding="utf-8"), re.M)
        line = (
            f"Trained with `rnn-tui train` from seed {seed} ({epochs.group(1) if epochs else '?'} "
            "epochs; scripts/train_intent.py):\n"
            f"{tr / tn:.0%} of the {tn} training examples, {hr / hn:.0%} ({hr} of {hn}) of the "
            "held-out ones right."
        )
        text = RESULT.sub(lambda _, line=line: line, path.read_text(encoding="utf-8"), count=1)
        path.write_text(text, encoding="utf-8")
        print(f"{name}: training {tr}/{tn}, held-out {hr}/{hn}")


if __name__ == "__main__":
    main()
