"""examples/from_pytorch.py: a prefixed torch state_dict through a scenario equals torch."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parents[2] / "examples" / "from_pytorch.py"


@pytest.mark.torch
def test_prefixed_state_dict_matches_torch_to_1e12(tmp_path, torch_module):
    spec = importlib.util.spec_from_file_location("from_pytorch", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    diff = module.main(tmp_path)
    assert diff <= 1e-12
    text = (tmp_path / "from_pytorch.toml").read_text()
    assert 'prefix = "rnn."' in text and '"fc.weight" = "readout.weight"' in text


@pytest.mark.torch
def test_example_runs_as_a_script_and_the_cli_traces_its_scenario(tmp_path, torch_module):
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "max difference:" in result.stdout
    trace = subprocess.run(
        [sys.executable, "-m", "rnn_tui", "trace", str(tmp_path / "from_pytorch.toml")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert trace.returncode == 0, trace.stderr
    assert '"cell": "gru"' in trace.stdout
