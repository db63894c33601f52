"""Regenerate tests/parity/fixtures/torch_grads.npz from torch autograd (run by hand).

python tests/parity/make_grad_fixtures.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))
from torch_grads import grad_configs, torch_gradients  # noqa: E402

OUT = Path(__file__).parent / "fixtures" / "torch_grads.npz"


def main() -> None:
    configs = grad_configs()
    arrays: dict[str, np.ndarray] = {"configs": np.array(json.dumps(configs))}
    for cfg in configs:
        for name, value in torch_gradients(torch, cfg).items():
            arrays[f"{cfg['id']}/{name}"] = value
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {len(configs)} configurations to {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
