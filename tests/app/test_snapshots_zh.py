"""Screenshots of the app in Chinese (`set_language("zh")`), compared with committed SVGs
(pytest-textual-snapshot): the main view and the help screen, at 80×24 and 120×40, on the
fixed scenario copies in tests/app/data.

Regenerate after an intended change with
`pytest tests/app/test_snapshots_zh.py --snapshot-update` and look at the new SVGs."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnn_tui.ui import make_app

DATA = Path(__file__).parent / "data"


pytestmark = pytest.mark.usefixtures("zh")


def app(name: str):
    return make_app(DATA / f"snap-{name}.toml")


def test_main_view_zh_120x40(snap_compare):
    """The Chinese intent example after two steps: the CJK token strip, s_3 and x_3, o
    waiting for the last step (多对一)."""
    assert snap_compare(app("intent-zh"), press=["right", "right"], terminal_size=(120, 40))


def test_main_view_zh_80x24(snap_compare):
    """The same at the smallest supported size."""
    assert snap_compare(app("intent-zh"), press=["right", "right"], terminal_size=(80, 24))


def test_prediction_zh_120x40(snap_compare):
    """t = T: the single output, the o_t before it computed for display, the prediction."""
    assert snap_compare(app("intent-zh"), press=["end"], terminal_size=(120, 40))


def test_both_directions_zh_120x40(snap_compare):
    """双向: both directions and their merge, the status line naming them in Chinese."""
    assert snap_compare(app("bidirectional"), press=["d", "d", "right"], terminal_size=(120, 40))


def test_help_zh_80x24(snap_compare):
    """The help screen in Chinese over the app."""
    assert snap_compare(app("intent-zh"), press=["question_mark"], terminal_size=(80, 24))


def test_help_zh_120x40(snap_compare):
    assert snap_compare(app("intent-zh"), press=["question_mark"], terminal_size=(120, 40))


def test_status_and_footer_zh_80x24(snap_compare):
    """A bidirectional, two-layer network at 80×24: the status line (合并, 读出) and the
    footer's keys all in Chinese, the footer within its two lines."""
    assert snap_compare(app("bidirectional"), press=["up", "d"], terminal_size=(80, 24))


def test_help_questions_zh_120x40(snap_compare):
    """The help screen scrolled to its end: the tutorial's 思考 questions answered in
    Chinese, pointing at keys and views."""
    assert snap_compare(app("intent-zh"), press=["question_mark", "end"], terminal_size=(120, 40))
