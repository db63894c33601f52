"""screen_ansi, the frames of `rnn-tui export --cast` (what the app writes to its
FrameDriver): drawn by a small terminal (cursor moves and SGR colours), a frame is the
screen as drawn, cell by cell: the characters of the screen_lines fixture and the colours
and weight of Screen.get_style_at; in truecolor whatever the environment says."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from rnn_tui.i18n import set_language
from rnn_tui.ui import make_app
from rnn_tui.ui.replay import FrameDriver, frame_app, screen_ansi, truecolor_terminal

DATA = Path(__file__).parent / "data"
SEQUENCE = re.compile(r"\x1b\[(\d+);(\d+)H|\x1b\[([\d;]*)m|\n|(\x1b)|([^\x1b\n])")

Cell = tuple[str, dict]


def draw(ansi: str, width: int, height: int) -> list[list[Cell | None]]:
    """What a truecolor terminal shows after `ansi`: (character, attributes) a cell, ""
    after a wide character, reverse video applied to fg and bg; only cursor positions,
    SGR and newlines are understood (any other escape sequence is an AssertionError)."""
    screen: list[list[Cell | None]] = [[None] * width for _ in range(height)]
    x = y = 0
    attributes: dict = {}
    names = {1: "bold", 3: "italic", 4: "underline", 7: "reverse", 9: "strike"}
    for match in SEQUENCE.finditer(ansi):
        move, sgr, stray, char = match[1], match[3], match[4], match[5]
        at = ansi[match.start() : match.start() + 12]
        assert stray is None, f"an escape sequence other than a move or a colour: {at!r}"
        if move:
            y, x = int(move) - 1, int(match[2]) - 1
        elif match[0] == "\n":
            y, x = y + 1, 0
        elif sgr is not None:
            codes = [int(c) for c in sgr.split(";") if c] or [0]
            while codes:
                code = codes.pop(0)
                if code == 0:
                    attributes = {}
                elif code in names:
                    attributes[names[code]] = True
                elif code in (38, 48):
                    assert codes.pop(0) == 2, sgr  # truecolor only
                    attributes["fg" if code == 38 else "bg"] = tuple(codes[:3])
                    del codes[:3]
                else:
                    raise AssertionError(f"SGR {code} in {sgr!r}")
        else:
            cells = cell_len(char)
            assert 0 <= y < height and x + cells <= width, (x, y, char)
            shown = dict(attributes)
            if shown.pop("reverse", False):
                shown["fg"], shown["bg"] = shown.pop("bg", None), shown.pop("fg", None)
            screen[y][x] = (char, shown)
            for k in range(1, cells):
                screen[y][x + k] = ("", shown)
            x += cells
    return screen


SCREENS = {
    "bidirectional numbers": (None, "snap-bidirectional", ("d", "d", "right", "2"), (120, 40)),
    "help over the app": (None, "snap-intent", ("question_mark",), (100, 30)),
    "Chinese, wide characters": ("zh", "snap-intent-zh", ("right", "3"), (80, 24)),
    "edit dialog": (None, "snap-intent", ("e",), (90, 28)),
}


@pytest.mark.parametrize("screen", SCREENS)
async def test_a_frame_is_the_screen_cell_by_cell(screen, screen_lines):
    language, scenario, keys, (width, height) = SCREENS[screen]
    set_language(language or "en")
    try:
        app = frame_app(lambda: make_app(DATA / f"{scenario}.toml"))
        async with app.run_test(size=(width, height), notifications=True, headless=False) as pilot:
            await pilot.press(*keys)
            await pilot.pause()
            ansi = await screen_ansi(pilot)
            assert re.findall(r"\x1b\[(\d+);1H", ansi) == [str(y + 1) for y in range(height)]
            drawn = draw(ansi, width, height)
            lines = screen_lines(app)
            for y in range(height):
                assert all(cell is not None for cell in drawn[y]), f"line {y} not all drawn"
                assert "".join(char for char, _ in drawn[y]) == lines[y], y
                for x, (char, attributes) in enumerate(drawn[y]):
                    style = app.screen.get_style_at(x, y)
                    fg, bg = (c and tuple(c.get_truecolor()) for c in (style.color, style.bgcolor))
                    if style.reverse:
                        fg, bg = bg, fg
                    assert attributes.get("bg") == bg, (x, y, char)
                    if char.strip():  # a blank's colour is not seen
                        assert attributes.get("fg") == fg, (x, y, char)
                        assert attributes.get("bold", False) == bool(style.bold), (x, y, char)
                        assert attributes.get("italic", False) == bool(style.italic), (x, y)
                        underline = bool(style.underline)
                        assert attributes.get("underline", False) == underline, (x, y)
    finally:
        set_language("en")


async def frame_of(scenario: str, keys: tuple[str, ...], size: tuple[int, int]) -> str:
    """A frame of the app on `scenario` after `keys`, made and run in truecolor_terminal
    (as render_frames does)."""
    with truecolor_terminal():
        app = frame_app(lambda: make_app(DATA / f"{scenario}.toml"))
        async with app.run_test(size=size, headless=False) as pilot:
            await pilot.press(*keys)
            await pilot.pause()
            return await screen_ansi(pilot)


async def test_a_frame_is_truecolor_whatever_the_environment(monkeypatch):
    """NO_COLOR, no COLORTERM, TERM=dumb and TEXTUAL_COLOR_SYSTEM=standard (as read when
    textual was imported) change nothing in a frame; the environment is restored after."""
    import textual.constants

    keys, size = ("right", "2"), (100, 30)
    clean = await frame_of("snap-bidirectional", keys, size)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("COLORTERM", raising=False)
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "standard")
    monkeypatch.setattr(textual.constants, "FILTERS", "dim")
    assert await frame_of("snap-bidirectional", keys, size) == clean
    assert "\x1b[38;2;" in clean and "\x1b[48;2;" in clean
    assert os.environ["NO_COLOR"] == "1" and os.environ["TERM"] == "dumb"
    assert "COLORTERM" not in os.environ
    assert textual.constants.COLOR_SYSTEM == "standard" and textual.constants.FILTERS == "dim"


async def test_a_frame_holds_the_screen_only(monkeypatch):
    """What else the app writes to its terminal (the bell, a copy to the clipboard, a
    mouse pointer shape) is not in a frame; each frame is the whole screen again."""
    written: list[str] = []
    write = FrameDriver.write

    def spy(driver, data: str) -> None:
        written.append(data)
        write(driver, data)

    monkeypatch.setattr(FrameDriver, "write", spy)
    app = frame_app(lambda: make_app(DATA / "snap-intent.toml"))
    async with app.run_test(size=(80, 24), headless=False) as pilot:
        first = await screen_ansi(pilot)
        app.bell()
        app.copy_to_clipboard("secret")
        await pilot.hover("#tokens")
        await pilot.pause()
        # the app wrote them (the bell only when not headless: between frames, it is)
        assert "\x1b]52;c;c2VjcmV0\x07" in written and "\x1b]22;default\x07" in written
        again = await screen_ansi(pilot)
        assert again == first == await screen_ansi(pilot)
        assert "\x07" not in again and "\x1b]" not in again and "\x1b[?" not in again
        assert again.startswith("\x1b[1;1H")
        assert all(cell is not None for line in draw(again, 80, 24) for cell in line)


async def test_screen_ansi_needs_an_app_made_to_render_frames():
    app = make_app(DATA / "snap-intent.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        with pytest.raises(RuntimeError, match="frame_app"):
            await screen_ansi(pilot)
    app = frame_app(lambda: make_app(DATA / "snap-intent.toml"))
    async with app.run_test(size=(80, 24)) as pilot:  # headless: nothing is rendered
        with pytest.raises(RuntimeError, match="headless=False"):
            await screen_ansi(pilot)
