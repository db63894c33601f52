"""Fixtures shared by the app tests."""

from __future__ import annotations

import pytest

from rnn_tui.i18n import set_language


@pytest.fixture
def zh():
    """The interface in Chinese for one test, English again after it."""
    set_language("zh")
    try:
        yield
    finally:
        set_language("en")
