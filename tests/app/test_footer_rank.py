"""The footer's ranking (keys.OPTIONAL_KEYS): at 80×24 the two lines cannot hold every
key, and the least essential go first, so `r` record and `t` train stay in English and
in Chinese; ? help and ^q quit always stay; at 120×40 every key is there."""

from __future__ import annotations

import pytest

from rnn_tui.i18n import _, set_language
from rnn_tui.ui import make_app
from rnn_tui.ui.bars import KeyFooter
from rnn_tui.ui.keys import OPTIONAL_KEYS

ALWAYS = {"question_mark", "ctrl+q"}


@pytest.fixture(params=["en", "zh"])
def language(request):
    """The interface in English, then in Chinese (English again after)."""
    set_language(request.param)
    try:
        yield request.param
    finally:
        set_language("en")


def drawn(footer: KeyFooter) -> tuple[str, set[str], int]:
    """The footer's text as drawn, the keys of its entries, and its lines."""
    placed = footer.layout_items()
    keys = {key for item, *_ in placed for key in item.keys}
    lines = 1 + max(line for _item, line, *_ in placed)
    return footer.render().plain, keys, lines


async def test_record_and_train_stay_at_80x24(language):
    app = make_app("intent")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        text, keys, lines = drawn(footer)
        for word in ("record", "train", "help", "quit"):
            assert _(word) in text, (word, text)
        assert {"r", "t"} | ALWAYS <= keys, text
        assert len(footer.items()) > len(
            {item for item, *_ in footer.layout_items()}
        )  # some dropped
        assert lines == footer.region.height == KeyFooter.MAX_LINES, text
        assert len(text.splitlines()) == KeyFooter.MAX_LINES
        assert footer.region.bottom == 24


async def test_what_goes_goes_in_the_order_of_the_ranking(language):
    """Every entry dropped ranks below every optional entry kept."""
    app = make_app("intent")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        _text, keys, _lines = drawn(footer)
        rank = {key: i for i, key in enumerate(OPTIONAL_KEYS)}
        ranked = [
            (min(rank[k] for k in item.keys if k in rank), item.keys[0] in keys)
            for item in footer.items()
            if set(item.keys) & set(rank)
        ]
        kept = [i for i, shown in ranked if shown]
        dropped = [i for i, shown in ranked if not shown]
        assert dropped and max(kept) < min(dropped)


async def test_every_key_at_120x40(language):
    app = make_app("intent")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        text, keys, lines = drawn(footer)
        assert keys == {key for item in footer.items() for key in item.keys}
        assert set(OPTIONAL_KEYS) | ALWAYS <= keys
        for word in ("record", "train", "views", "first/last", "speed", "help", "quit"):
            assert _(word) in text, (word, text)
        assert lines <= KeyFooter.MAX_LINES


@pytest.mark.parametrize("size", [(40, 12), (60, 20)])
async def test_two_lines_and_help_and_quit_even_when_narrow(language, size):
    app = make_app("intent")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        text, keys, lines = drawn(footer)
        assert ALWAYS <= keys and lines <= KeyFooter.MAX_LINES, text
        assert footer.region.height <= KeyFooter.MAX_LINES


async def test_every_footer_entry_is_ranked_or_always_shown():
    """A new shown binding needs a place in OPTIONAL_KEYS (or it never drops)."""
    app = make_app("intent")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for item in app.query_one(KeyFooter).items():
            assert set(item.keys) & (set(OPTIONAL_KEYS) | ALWAYS), item
