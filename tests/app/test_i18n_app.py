"""The app under `set_language("zh")`: the help screen, the panels, the status line and
the view bar speak the tutorial's Chinese, and wide (CJK) text never breaks alignment.

The language is set before the app is built and put back to English afterwards (the
`zh` fixture), as the command line does before it builds the app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from rnn_tui.i18n import current_language, set_language
from rnn_tui.ui import make_app
from rnn_tui.ui.bars import StatusLine, ViewBar
from rnn_tui.ui.help import HelpScreen, HelpText
from rnn_tui.ui.widgets import FigureView

DATA = Path(__file__).parent / "data"
SIZES = [(80, 24), (120, 40)]


def assert_aligned(app, size: tuple[int, int], cells: list[list[str]]) -> None:
    """Every line of the screen is the screen's width (screen_cells refuses a run drawn
    over another or past the edge), and every panel's lines are on screen where the
    panel is, cell for cell: a wide character that spilt over or was cut shows here."""
    width, height = size
    assert len(cells) == height
    for y, line in enumerate(cells):
        drawn = "".join(line)
        assert cell_len(drawn) == width, f"line {y} is {cell_len(drawn)} cells wide: {drawn!r}"
    compared = 0
    for panel in app.screen.query(FigureView):
        box = panel.content_region
        if not panel.display or box.x < 0 or box.right > width:
            continue
        for i in range(box.height):
            y = box.y + i
            if not 0 <= y < height or any(
                app.screen.get_widget_at(x, y)[0] is not panel for x in (box.x, box.right - 1)
            ):
                continue  # scrolled out of sight or under something else
            drawn = "".join(cells[y][box.x : box.right])
            assert drawn == panel.render_line(i).text, (panel.id, i, drawn)
            compared += 1
    assert compared or isinstance(app.screen, HelpScreen), "no panel line on screen"


def panel_text(app) -> str:
    return "\n".join(panel.text for panel in app.query(FigureView) if panel.display)


def footer_words(app) -> list[str]:
    """The footer's descriptions as drawn."""
    from rnn_tui.ui.bars import KeyFooter

    return [item.description for item in app.query_one(KeyFooter).items()]


# --------------------------------------------------------------------------- help
async def test_help_screen_is_in_chinese_and_answers_the_five_questions(zh, screen_lines):
    app = make_app(DATA / "snap-intent.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one(HelpText)
        source = text.plain
        for term in (
            "隐藏层",
            "时间步",
            "双向",
            "记忆单元",
            "输入",
            "输出",
            "权重",
            "正向",
            "反向",
        ):
            assert term in source, term
        for question in (
            "上式三个权重矩阵 W 每个时间步是同一份数据吗",
            "每个时间步为何没有矩阵相乘呢",
            "正向和反向用到权重是同一份数据吗",
            "反向时句子顺序需要倒序吗",
            "正反向的结果，如何组合在一起",
        ):
            assert question in source, question
        assert "意图识别" in source and "短期记忆" in source
        assert text.sections[0].title == "按键" and "The screen" not in source
        shown = "\n".join(screen_lines(app))
        assert "rnn-tui 帮助" in shown


async def test_help_screen_stays_english_under_en():
    assert current_language() == "en"
    app = make_app(DATA / "snap-intent.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = app.screen.query_one(HelpText)
        source = text.plain
        assert [s.title for s in text.sections][:2] == ["Keys", "The screen"]
        assert "屏幕" not in source


# --------------------------------------------------------------------------- panels
async def test_panels_status_line_and_view_bar_are_in_chinese(zh):
    app = make_app(DATA / "snap-bidirectional.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d", "d", "right")
        await pilot.pause()
        status = app.query_one(StatusLine).plain
        assert "方向 双向" in status and "层 1 / " in status
        bar = app.query_one(ViewBar).render().plain
        for name in ("时间步", "数值", "多层", "历史", "权重"):
            assert name in bar
        text = panel_text(app)
        assert "隐藏层状态" in text and "正向" in text and "反向" in text
        assert "hidden state" not in text


async def test_many_to_one_output_is_explained_in_chinese(zh):
    app = make_app(DATA / "snap-intent-zh.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "多对一" in panel_text(app)
        await pilot.press("end")
        await pilot.pause()
        text = panel_text(app)
        assert "预测" in text and "不使用" in text


@pytest.mark.parametrize("key", ["2", "3", "4", "5"])
async def test_every_view_has_a_chinese_title(zh, key):
    app = make_app(DATA / "snap-deep.toml")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("right", key)
        await pilot.pause()
        text = panel_text(app)
        expected = {"2": "背后的数值", "3": "每层读取下面一层", "4": "历史", "5": "权重"}[key]
        assert expected in text


# --------------------------------------------------------------------------- alignment
CASES = [
    ("intent-zh", ["right"]),
    ("intent-zh", ["end"]),
    ("intent-zh", ["right", "2"]),
    ("intent-zh", ["3"]),
    ("intent-zh", ["right", "4"]),
    ("intent-zh", ["5"]),
    ("bidirectional", ["d", "d", "right"]),
    ("bidirectional", ["d", "home", "right", "4"]),
    ("lstm-gates", ["right", "2"]),
    ("deep", ["right", "up", "3"]),
    ("gru-gates", ["right", "5"]),
    ("intent-zh", ["question_mark"]),
]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("scenario", "keys"), CASES)
async def test_wide_text_keeps_every_line_the_width_of_the_screen(
    zh, screen_cells, size, scenario, keys
):
    app = make_app(DATA / f"snap-{scenario}.toml")
    async with app.run_test(size=size) as pilot:
        await pilot.press(*keys)
        await pilot.pause()
        assert_aligned(app, size, screen_cells(app))


# --------------------------------------------------------------------------- switch
async def test_the_command_palette_switches_the_language_in_the_app():
    from rnn_tui.ui.commands import commands

    app = make_app(DATA / "snap-bidirectional.toml")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("right")
            await pilot.pause()
            assert "direction forward" in app.query_one(StatusLine).plain
            names = {name: callback for name, _, callback in commands(app)}
            assert "Language: English" not in names
            names["Language: 中文"]()
            await pilot.pause()
            assert current_language() == "zh"
            assert "方向 正向" in app.query_one(StatusLine).plain
            assert "时间步" in app.query_one(ViewBar).render().plain
            assert "隐藏层状态" in panel_text(app)
            assert {"方向", "合并", "上一层"} & set(footer_words(app)) == {"方向", "合并"}
            badge = app.query_one("#untrained")
            assert badge.display and "未训练" in str(badge.render())  # a seeded scenario
            assert app.view.t == 2
            names = {name: callback for name, _, callback in commands(app)}
            names["语言：English"]()
            await pilot.pause()
            assert current_language() == "en"
            assert "hidden state" in panel_text(app)
            assert {"direction", "merge"} <= set(footer_words(app))
    finally:
        set_language("en")


# Words that stay as they are in Chinese: key names, model and merge names, and the
# scenario's own tokens / file names (content, not interface).
KEEP = {"home", "end", "space", "rnn", "tanh", "lstm", "gru", "concat", "sum", "mean", "mul",
        "the", "cat", "sat", "on", "mat", "ctrl", "rnn-tui", "escape", "shift"}  # fmt: skip


def english_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z][A-Za-z-]{2,}", text) if w.lower() not in KEEP}


@pytest.mark.parametrize("size", SIZES)
async def test_footer_status_line_and_notifications_hold_no_english_under_zh(zh, size):
    """The footer, the status line (merge, readout, playing, recording) and the messages
    of the keys are all Chinese; the footer keeps to its two lines."""
    from rnn_tui.ui.bars import KeyFooter

    app = make_app(DATA / "snap-bidirectional.toml")
    app.recording.directory = Path(__import__("tempfile").mkdtemp())
    async with app.run_test(size=size) as pilot:
        await pilot.press("r", "space", "d", "d", "up")
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        assert footer.size.height <= KeyFooter.MAX_LINES
        described = " ".join(item.description for item in footer.items())
        assert not english_words(described), described
        status = app.query_one(StatusLine).plain
        assert "录制中" in status and "步/秒" in status
        assert not english_words(status), status
        messages = []
        for key in ["up", "m", "c", "n", "t", "minus", "space", "r"]:
            app.clear_notifications()
            await pilot.press(key)
            await pilot.pause()
            messages += [n.message for n in app.notices]
        assert len(messages) >= 6
        for message in messages:  # paths, commands and the TOML example are not words
            bare = re.sub(r"\S*/\S*|rnn-tui \w+|\[.*\]|--\w+", "", message)
            assert not english_words(bare), message
