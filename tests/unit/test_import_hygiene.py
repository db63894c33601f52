"""The engine is numpy only: importing it must not pull in the UI stack (or torch)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINE_MODULES = [
    "rnn_tui.engine",
    "rnn_tui.engine.network",
    "rnn_tui.engine.cells",
    "rnn_tui.engine.trace",
]
FORBIDDEN = ("textual", "rich", "torch")

PROBE = """
import importlib, json, sys
module = importlib.import_module({module!r})
print(json.dumps({{
    "file": module.__file__,
    "loaded": sorted(name for name in sys.modules if name.split(".")[0] in {forbidden!r}),
    "numpy": "numpy" in sys.modules,
}}))
"""


def probe(module: str) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module, forbidden=list(FORBIDDEN))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", ENGINE_MODULES)
def test_engine_import_is_numpy_only(module):
    result = probe(module)
    # The probe imported this checkout's engine, and it did load numpy...
    assert Path(result["file"]).resolve().is_relative_to(ROOT / "rnn_tui" / "engine")
    assert result["numpy"] is True
    # ...but none of textual, rich or torch.
    assert result["loaded"] == []


def test_probe_detects_a_forbidden_import():
    """The check itself works: a module that does import rich is reported."""
    result = probe("rich.console")
    assert "rich" in result["loaded"]
