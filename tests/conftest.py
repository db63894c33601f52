"""Suite-wide fixtures and hooks: how many pytest-xdist workers `-n auto` starts, each
test's own settings file (never the user's), torch for the live parity checks, and a
closing line saying whether those checks ran (counted across the workers)."""

from __future__ import annotations

import itertools
import os

import pytest

SETTINGS_VARIABLES = ("RNN_TUI_THEME", "RNN_TUI_LANG", "RNN_TUI_SPEED", "RNN_TUI_FOLDER")
_test_numbers = itertools.count(1)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config):
    """`-n auto` (pyproject.toml): a worker a core. A third worker on two cores fills
    the time Pilot tests spend waiting for the app to be idle (272 s against 345 s for
    the suite), but then a hostile case near its 30 s budget runs up to 1.5x slower:
    the margin matters more. PYTEST_XDIST_AUTO_NUM_WORKERS=N still chooses N."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # pytest-xdist's own hook reads it
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, cores or 1)


@pytest.fixture(scope="session")
def settings_home(tmp_path_factory):
    """One folder for every test's settings file (created on first use only)."""
    return tmp_path_factory.mktemp("settings-home")


@pytest.fixture(autouse=True)
def own_settings_file(settings_home, monkeypatch):
    """No test reads or writes the real settings file: RNN_TUI_CONFIG names a file of
    this test's own (not created; processes the test starts inherit it), the platform's
    config folder is under the test folder too, and the settings of whoever runs the
    tests (RNN_TUI_THEME, ...) are not in the environment."""
    home = settings_home / str(next(_test_numbers))
    monkeypatch.setenv("RNN_TUI_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg"))
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return home / "config.toml"


@pytest.fixture
def torch_module():
    """torch for the live checks: skipped where it is missing, but a failure in CI
    (CI set and non-empty), so the parity check never silently disappears."""
    try:
        import torch
    except ImportError as exc:
        if os.environ.get("CI"):
            pytest.fail(
                f"CI is set but torch cannot be imported ({exc}); the live PyTorch checks "
                "must run in CI: .ci/run installs torch==2.13.0",
                pytrace=False,
            )
        pytest.skip(f"torch is not importable ({exc})")
    return torch


_torch_outcomes: dict[str, int] = {"passed": 0, "failed": 0, "skipped": 0}


def uses_torch(item) -> bool:
    """A live torch check: the test asks for torch (the torch_module fixture). A test
    that merely sits beside them (marked or not) does not count."""
    return "torch_module" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(items):
    for item in items:  # `-m torch` / `-m "not torch"` select exactly the live checks
        if uses_torch(item):
            item.add_marker(pytest.mark.torch)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Marks the reports of a live torch check. The mark is an attribute of the report,
    so it travels with it from a pytest-xdist worker to the process that prints."""
    outcome = yield
    if uses_torch(item):
        outcome.get_result().live_torch = True


def is_xdist_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_runtest_logreport(report):
    """Counts each live torch check once: its call's outcome, or its setup's when that
    failed or skipped (a skip is never a pass). Runs where the reports arrive: in the
    one process, or in xdist's controller for every worker's tests."""
    if not getattr(report, "live_torch", False):
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _torch_outcomes[report.outcome] += 1


def pytest_terminal_summary(terminalreporter, config):
    if any(_torch_outcomes.values()) and not is_xdist_worker(config):
        o = _torch_outcomes
        terminalreporter.write_line(
            f"live torch parity: {o['passed']} ran and passed, {o['failed']} failed, "
            f"{o['skipped']} skipped"
        )
