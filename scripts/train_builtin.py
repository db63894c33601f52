"""Train a built-in scenario the way a user would, then put the result back.

`rnn-tui train` never writes into the built-in scenarios (a user's `train intent`
trains a copy in the current folder), so the maintainers' scripts train a copy in a
temporary folder with `rnn-tui train COPY --update` and move the updated scenario and
its weights back into scenarios/ themselves.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def train_builtin(path: Path, cwd: Path) -> None:
    """Train the scenario at `path` (in scenarios/) with `rnn-tui train --update` on a
    copy, and replace it and its weights (same name, .npz) with the trained ones."""
    with tempfile.TemporaryDirectory(prefix="rnn-tui-train-") as folder:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        subprocess.run([sys.executable, "-m", "rnn_tui", "train", str(copy), "--update"],
                       check=True, cwd=cwd, stdout=subprocess.DEVNULL)  # fmt: skip
        shutil.copyfile(copy.with_suffix(".npz"), path.with_suffix(".npz"))
        shutil.copyfile(copy, path)
