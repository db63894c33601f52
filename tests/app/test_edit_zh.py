"""The edit dialog reads Chinese typed without spaces, and says what each unknown word becomes."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from rnn_tui.ui import make_app
from rnn_tui.ui.screens import EditScreen, reading_notice

DATA = Path(__file__).parent / "data"
REFUSING_ZH = DATA / "snap-intent-zh.toml"  # the Chinese intent scenario without <unk>


def under_the_input(app) -> str:
    return str(app.screen.query_one("#edit-steps", Static).render())


async def type_into(pilot, text: str) -> None:
    """Type `text` into the dialog's input, key by key (a fullwidth ？ is inserted: Pilot
    has no key for it)."""
    sentence = pilot.app.screen.query_one("#sentence", Input)
    sentence.value = ""
    for char in text:
        if char == "？":
            sentence.insert_text_at_cursor(char)
        else:
            await pilot.press(char)
    await pilot.pause()


async def test_chinese_typed_without_spaces_is_read_word_by_word():
    app = make_app("intent-zh")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("e")
        assert isinstance(app.screen, EditScreen)
        await type_into(pilot, "明天天气怎么样？")
        assert app.screen.query_one("#sentence", Input).value == "明天天气怎么样？"
        shown = under_the_input(app)
        assert "4 steps: 明天 · 天气 · 怎么样 · ？" in shown
        assert "→" not in shown  # every word known: nothing replaced
        await pilot.press("enter")
        assert not isinstance(app.screen, EditScreen)
        assert app.scenario.tokens == ["明天", "天气", "怎么样", "？"]
        assert app.stage.steps == 4


async def test_each_word_outside_the_vocabulary_is_shown_with_what_it_becomes():
    app = make_app("intent-zh")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("e")
        await type_into(pilot, "明天吃饭吗")
        shown = under_the_input(app)
        assert "4 steps: 明天 · 吃 · 饭 · 吗" in shown
        assert "Outside the vocabulary: 吃 → <unk>, 饭 → <unk>" in shown
        # as it is typed: one more word, one more line
        await type_into(pilot, "明天")
        assert under_the_input(app) == "1 step: 明天"
        await type_into(pilot, "明天吃饭吗")
        await pilot.press("enter")
        assert app.scenario.tokens == ["明天", "吃", "饭", "吗"]
        unk = app.scenario.encode(["<unk>"])[0]
        assert (app.trace.inputs[1] == unk).all() and (app.trace.inputs[2] == unk).all()
        notice = reading_notice(app.scenario)
        assert notice.splitlines() == [
            "Reading: 明天 吃 饭 吗",
            "Outside the vocabulary: 吃 → <unk>, 饭 → <unk>",
        ]


async def test_the_notice_after_reading_names_the_substitutions():
    app = make_app("intent-zh")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("e")
        await type_into(pilot, "明天吃饭")
        await pilot.press("enter")
        said = "\n".join(n.message for n in app.notices)
        assert "吃 → <unk>, 饭 → <unk>" in said


async def test_without_an_unknown_token_the_words_outside_are_refused():
    app = make_app(REFUSING_ZH)
    tokens = list(app.scenario.tokens)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("e")
        await type_into(pilot, "明天吃饭吗")
        shown = under_the_input(app)
        assert "Not in the vocabulary (refused): 吃, 饭" in shown and "→" not in shown
        await pilot.press("enter")
        assert isinstance(app.screen, EditScreen)  # still open
        assert '"吃" is not in the vocabulary' in str(app.screen.query_one("#edit-error").render())
        await pilot.press("escape")
        assert app.scenario.tokens == tokens


async def test_typed_markup_under_the_input_is_shown_as_typed():
    app = make_app("intent-zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("e")
        app.screen.query_one("#sentence", Input).value = "[bold]x[/] 明天[b] \x1b]2;x\x07"
        await pilot.pause()
        shown = under_the_input(app)
        assert shown.startswith("6 steps: [bold]x[/] · 明天 · [ · b · ] · ␛]2;x␇\n")
        assert "[bold]x[/] → <unk>" in shown  # a Latin chunk whole; no markup taken
        assert "\x1b" not in shown and "␛]2;x␇" in shown  # escaped where it entered
