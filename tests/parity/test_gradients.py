"""BPTT against torch autograd: committed fixtures and a live check, within 1e-9 (float64)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from torch_grads import engine_gradients, grad_configs, torch_gradients

FIXTURE = Path(__file__).parent / "fixtures" / "torch_grads.npz"
TOLERANCE = 1e-9


def load_fixture() -> tuple[list[dict], dict[str, np.ndarray]]:
    with np.load(FIXTURE, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    return json.loads(str(arrays.pop("configs"))), arrays


CONFIGS, ARRAYS = load_fixture()


def compare(cfg: dict, reference: dict[str, np.ndarray]) -> None:
    ours = engine_gradients(cfg, reference)
    expected = {k: v for k, v in reference.items() if k.startswith("grad/")}
    assert set(ours) == set(expected)
    for name, value in expected.items():
        assert ours[name].shape == value.shape, name
        assert np.max(np.abs(ours[name] - value)) <= TOLERANCE, name
    assert any(np.abs(v).max() > 1e-3 for v in expected.values())  # not all zero


@pytest.mark.parametrize("cfg", CONFIGS, ids=[c["id"] for c in CONFIGS])
def test_gradients_match_committed_torch_fixtures(cfg):
    prefix = f"{cfg['id']}/"
    compare(cfg, {k[len(prefix) :]: v for k, v in ARRAYS.items() if k.startswith(prefix)})


def test_fixture_configs_are_the_generators():
    assert CONFIGS == grad_configs()
    assert {(c["cell"], c["bidirectional"], c["readout"]) for c in CONFIGS} == {
        (cell, bi, r) for cell in ("rnn", "lstm", "gru") for bi in (False, True)
        for r in ("every", "last")
    }  # fmt: skip


@pytest.mark.torch
@pytest.mark.parametrize("cfg", grad_configs(seed=4242)[::3], ids=lambda c: c["id"])
def test_gradients_match_torch_live(cfg, torch_module):
    compare(cfg, torch_gradients(torch_module, cfg))
