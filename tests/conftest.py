"""Suite-wide hooks: a closing line saying whether the live PyTorch checks ran."""

from __future__ import annotations

import pytest

_torch_outcomes: dict[str, int] = {"passed": 0, "failed": 0, "skipped": 0}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if item.get_closest_marker("torch") is None:
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _torch_outcomes[report.outcome] += 1


def pytest_terminal_summary(terminalreporter):
    if any(_torch_outcomes.values()):
        o = _torch_outcomes
        terminalreporter.write_line(
            f"live torch parity: {o['passed']} ran and passed, {o['failed']} failed, "
            f"{o['skipped']} skipped"
        )
