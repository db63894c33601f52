"""The rooms of rnn_tui import only what is below them, and the UI stack only where it
belongs (DESIGN.md, "Rooms"):

    engine    numpy only: nothing else of ours, no textual, rich or torch
    shared    text.py, files.py, i18n.py: each other only (and the package's
              __version__)
    scenario  the engine and the shared helpers; no textual or rich
    session   the engine, scenarios, the shared helpers and the view position
              (present.position, which imports no more than the shared helpers);
              no textual or rich
    render    the shared helpers only; Rich, no textual
    present   the engine, scenarios, render and the shared helpers; never a session
              (the sessions import its position); Rich, no textual
    lesson    the engine, scenarios, sessions, the view position and the shared
              helpers; no textual or rich
    ui, cli   anything: the app, the command line (cli.py, cli_*.py, __main__), and
              the package's __init__ (its load_scenario imports the scenarios on
              first use)

Each file's imports are read from its source (those inside functions and under
TYPE_CHECKING too), and each room is imported in a fresh interpreter to see what it
loads with everything it pulls in.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "rnn_tui"
SHARED = ("text", "files", "i18n", "settings")
"""Top-level helper modules any room may import."""
ALLOWED = {
    "engine": {"engine"},
    "shared": {"shared"},
    "scenario": {"engine", "scenario", "shared"},
    "session": {"engine", "scenario", "session", "shared", "present.position"},
    "render": {"render", "shared"},
    "present": {"engine", "scenario", "render", "present", "present.position", "shared"},
    "present.position": {"engine", "shared", "present.position"},
    "lesson": {"engine", "scenario", "session", "shared", "present.position", "lesson"},
}
"""Which of our rooms each room may import; ui and cli may import any."""
FORBIDDEN = {
    "engine": ("textual", "rich", "torch"),
    "shared": ("textual", "rich"),
    "scenario": ("textual", "rich"),
    "session": ("textual", "rich"),
    "render": ("textual",),
    "present": ("textual",),
    "present.position": ("textual", "rich"),
    "lesson": ("textual", "rich"),
}
"""Third-party packages a room may not load, directly or through anything it imports."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def room_of(module: str) -> str:
    """rnn_tui.session.format -> "session"; rnn_tui.text -> "shared"; a module outside
    rnn_tui -> "" (a third-party or standard one)."""
    parts = module.split(".")
    if parts[0] != "rnn_tui":
        return ""
    if len(parts) == 1 or parts[1] in SHARED:
        return "shared"
    if parts[1] in ("cli", "__main__") or parts[1].startswith("cli_"):
        return "cli"
    if parts[1:3] == ["present", "position"]:
        return "present.position"
    return parts[1]


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a file of the package."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found.append((node.lineno, node.module or ""))
                continue
            base = package.split(".")
            base = base[: len(base) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:  # from .x import name: name may be a module of ours
                inner = f"{target}.{alias.name}"
                found.append((node.lineno, inner if inner in MODULES else target))
    return found


def files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


MODULES = {module_name(path) for path in files()}


def file_room(path: Path) -> str:
    """The room whose rule a file follows: its module's, the package's __init__ apart."""
    module = module_name(path)
    return "cli" if module == "rnn_tui" else room_of(module)


def test_every_room_is_known():
    """A new room (or top-level module) gets a rule here before it gets code."""
    rooms = {file_room(path) for path in files()}
    assert rooms - set(ALLOWED) <= {"ui", "cli"}, rooms


@pytest.mark.parametrize("path", files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_file_imports_only_below_its_room(path):
    room = file_room(path)
    if room not in ALLOWED:
        return  # ui, cli: anything
    wrong = []
    for line, target in imports(path):
        ours = room_of(target)
        if ours and ours not in ALLOWED[room]:
            wrong.append(f"line {line}: {target} (the {ours} room)")
        if not ours and target.split(".")[0] in FORBIDDEN[room]:
            wrong.append(f"line {line}: {target}")
    assert not wrong, f"{room} may import {sorted(ALLOWED[room])} of ours only: {wrong}"


def test_the_reader_resolves_relative_imports(tmp_path, monkeypatch):
    """The check itself works: a session module importing the app, or rich, is caught."""
    fake = PACKAGE / "session" / "not_a_module.py"
    source = (
        "from ..ui import app\nfrom ..present.position import View\nfrom . import state\n"
        "import rich.text\nfrom .. import __version__\n"
    )
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    found = [target for _line, target in imports(fake)]
    assert found == [
        "rnn_tui.ui.app", "rnn_tui.present.position", "rnn_tui.session.state", "rich.text",
        "rnn_tui",
    ]  # fmt: skip
    assert [room_of(t) for t in found] == ["ui", "present.position", "session", "", "shared"]


PROBE = """
import importlib, json, sys
modules = [importlib.import_module(name) for name in {modules!r}]
print(json.dumps({{
    "files": [module.__file__ for module in modules],
    "loaded": sorted({{n.split(".")[0] for n in sys.modules}} & set({forbidden!r})),
    "numpy": "numpy" in sys.modules,
}}))
"""


def probe(modules: list[str], forbidden: tuple[str, ...]) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(modules=modules, forbidden=list(forbidden))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def room_modules(room: str) -> list[str]:
    return [module_name(p) for p in files() if file_room(p) == room]


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_importing_a_room_loads_no_forbidden_package(room):
    modules = room_modules(room)
    assert modules
    result = probe(modules, FORBIDDEN[room])
    # The probe imported this checkout's modules...
    assert all(Path(f).resolve().is_relative_to(PACKAGE) for f in result["files"])
    # ...and, with everything they pull in, none of the packages the room may not load.
    assert result["loaded"] == [], f"{room} loads {result['loaded']}"
    if room == "engine":
        assert result["numpy"] is True


def test_probe_detects_a_forbidden_import():
    """The check itself works: a module that does import rich is reported."""
    result = probe(["rich.console"], ("textual", "rich", "torch"))
    assert "rich" in result["loaded"]
