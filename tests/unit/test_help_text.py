"""The help's text without the app: its Markdown subset read into blocks, the blocks
wrapped (English between words, Chinese between characters), the keys listed, the
scenario's text as data, and the search."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.content import Content

from rnn_tui.i18n import set_language
from rnn_tui.ui.help import (
    BOLD,
    CODE,
    CURRENT,
    HIDDEN_LISTED,
    ITALIC,
    KEY_NOTES,
    MATCH,
    PANELS_HELP,
    QUESTIONS_HELP,
    Section,
    WrappedHelp,
    about_blocks,
    inline_markdown,
    key_blocks,
    line_breaks,
    read_markdown,
    search_pattern,
    short_title,
)
from rnn_tui.ui.keys import BINDINGS


def styled(content: Content) -> list[tuple[str, str]]:
    return [(content.plain[s.start : s.end], str(s.style)) for s in content.spans]


def test_inline_markdown_drops_the_markers_and_keeps_the_rest():
    content = inline_markdown("**o** on top, *backward* and `[` `]`; x * y, a_b, <unk>")
    assert content.plain == "o on top, backward and [ ]; x * y, a_b, <unk>"
    assert styled(content) == [("o", BOLD), ("backward", ITALIC), ("[", CODE), ("]", CODE)]


def test_read_markdown_sections_items_nesting_and_paragraphs():
    sections = read_markdown(
        "## First (one)\n\nA paragraph\nover two lines.\n\n- an item\n  continued\n"
        "1. **one**: a number\n   - nested\n     more\n2. two\n\n## Second\n\nLast."
    )
    assert [title for title, _blocks in sections] == ["First (one)", "Second"]
    blocks = sections[0][1]
    assert [(b.lead.plain, b.indent, b.item, b.text.plain) for b in blocks] == [
        ("", 0, False, "A paragraph over two lines."),
        ("• ", 0, True, "an item continued"),
        ("1. ", 0, True, "one: a number"),
        ("◦ ", 3, True, "nested more"),
        ("2. ", 0, True, "two"),
    ]
    assert [b.text.plain for b in sections[1][1]] == ["Last."]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_word_of_the_help_is_kept(language):
    """No word of the help's own text is lost on the way to blocks (only the Markdown
    markers go), in either language."""
    try:
        set_language(language)
        from rnn_tui.i18n import _

        for text in (_(PANELS_HELP), _(QUESTIONS_HELP)):
            sections = read_markdown(text)
            read = " ".join(
                f"{title} " + " ".join(b.text.plain for b in blocks) for title, blocks in sections
            )
            source = text.replace("## ", "").replace("**", "").replace("`", "")
            for marker in ("\n- ", "\n   - ", *(f"\n{n}. " for n in range(1, 7))):
                source = source.replace(marker, "\n")
            assert read.replace("*", "").split() == source.replace("*", "").split()
    finally:
        set_language("en")


def test_short_titles():
    assert short_title("The views (1 to 6; all at once)") == "The views"
    assert short_title("The tutorial's questions (思考), answered on screen") == (
        "The tutorial's questions"
    )
    assert short_title("视图（1 到 6；全部）") == "视图"
    assert short_title("教程中的思考题，在屏幕上的答案") == "教程中的思考题"
    assert short_title("Keys") == "Keys"


def test_line_breaks_between_words_and_chinese_characters():
    assert line_breaks("aaa bbb ccc", 7) == [8]  # "aaa bbb" | "ccc"
    assert line_breaks("abcdefghij", 4) == [4, 8]  # a word wider than a line is folded
    assert line_breaks("one\n  two", 80) == [4]  # its own line breaks are kept
    text = "一二三四五六七，八（九）十"
    breaks = line_breaks(text, 8)
    lines = [text[a:b] for a, b in zip([0, *breaks], [*breaks, len(text)], strict=True)]
    assert lines == ["一二三四", "五六七，", "八（九）", "十"]  # no line starts with ，
    assert all(cell_len(line) <= 8 for line in lines)


def sections(language: str = "en") -> list[Section]:
    from rnn_tui.i18n import _

    keys = [("←", "step back", KEY_NOTES["step(-1)"]), ("pgup", "page up", KEY_NOTES["page(-1)"])]
    keys.append(("pgdn", "page down", KEY_NOTES["page(1)"]))
    read = [Section(t, b) for t, b in read_markdown(_(PANELS_HELP) + "\n" + _(QUESTIONS_HELP))]
    return [Section("Keys", key_blocks(keys)), *read, Section("This scenario", [])]


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("width", [20, 37, 60, 90])
def test_layout_fits_the_width_and_keeps_every_character(language, width):
    try:
        set_language(language)
        help_sections = sections()
        layout = WrappedHelp(help_sections, width)
        lines = layout.lines
        assert len(lines) == layout.height
        assert all(line.cell_length <= width for line in lines), width
        for number, line in enumerate(layout.headings, 1):
            assert lines[line].plain.startswith(f"{number} {help_sections[number - 1].title[:5]}")
        drawn = "".join("".join(line.plain.split()) for line in lines[layout.headings[0] :])
        written = "".join(
            f"{n}{s.title}" + "".join(b.lead.plain + b.text.plain for b in s.blocks)
            for n, s in enumerate(help_sections, 1)
        )
        assert drawn == "".join(written.split())
    finally:
        set_language("en")


def test_keys_with_one_note_share_a_row_and_the_new_keys_are_listed():
    rows = [b.lead.plain.strip() + " | " + b.text.plain for b in sections()[0].blocks]
    assert rows == [
        "← | step back: one step back along the reading order",
        "pgup pgdn | page up / page down: scroll the pane in focus by a page (PageUp / PageDown)",
    ]
    hidden = {b.action for b in BINDINGS if hasattr(b, "action") and not b.show}
    for action in ("page(-1)", "page(1)", "focus_pane(1)", "focus_pane(-1)", "note"):
        assert action in HIDDEN_LISTED and action in KEY_NOTES and action in hidden
    assert "copy_numbers" in HIDDEN_LISTED and "copy_numbers" in KEY_NOTES


def test_the_scenario_is_data():
    title, description = "[b]x[/b] **y** \u202e\x1b]2;T\x07", "`a` [@click=app.quit]q[/]\n  b\x00"
    blocks = about_blocks(title, description, "a note")
    assert [b.text.plain for b in blocks] == [
        "[b]x[/b] **y** \\u202e␛]2;T␇",
        "`a` [@click=app.quit]q[/]\n  b␀",
        "a note",
    ]
    assert [styled(b.text) for b in blocks] == [
        [("[b]x[/b] **y** \\u202e␛]2;T␇", BOLD)],
        [],
        [("a note", ITALIC)],
    ]
    assert len(about_blocks("t", "")) == 1  # no description, no note: the title alone


def test_search_counts_styles_and_places_its_matches():
    help_sections = sections()
    layout = WrappedHelp(help_sections, 60, search_pattern("colorbrewer"))
    assert layout.counts == [0, 0, 1, 0, 0]
    (line,) = layout.matches
    assert "ColorBrewer" in layout.line(line).plain
    assert [s for s in styled(layout.line(line)) if s[1] == CURRENT] == [("ColorBrewer", CURRENT)]
    assert "3 The views (1)" in layout.line(0).plain
    several = WrappedHelp(help_sections, 60, search_pattern("  RNN "), current=1)
    assert len(several.matches) == sum(several.counts) > 2
    marked = [styled(several.line(y)) for y in sorted(set(several.matches))]
    kinds = [style for line in marked for text, style in line if text.lower() == "rnn"]
    assert kinds.count(CURRENT) == 1 and kinds.count(MATCH) == len(several.matches) - 1
    assert search_pattern("   ") is None
