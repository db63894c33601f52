"""The rolled and unrolled diagram (render/diagram.py, present/diagram.py): it fits the
width at 80, 120 and 160 columns, marks the current step by a style, names the same
weights on every arrow (W and W' when bidirectional), shows one o for many-to-one and
o_t at every step otherwise, windows a 100,000-step sequence at the cost of a screenful,
lines up wide (CJK) words and shows hostile words as literal, escaped text."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style

from rnn_tui.present.diagram import DiagramContent, diagram_content
from rnn_tui.present.position import View
from rnn_tui.present.view import Look, Stage
from rnn_tui.render.diagram import DiagramStyles, UnrolledDiagram
from rnn_tui.render.notation import sub
from rnn_tui.scenario import load_scenario

WIDTHS = (80, 120, 160)
SENTENCE = ["what", "time", "is", "it", "?"]
HIGHLIGHT = Style(reverse=True, bold=True)


def render(diagram, width: int) -> list[str]:
    """The diagram as plain lines, printed by a recording console `width` wide."""
    console = Console(record=True, width=width, color_system="truecolor", file=_Null())
    console.print(diagram)
    return console.export_text().splitlines()


def raw_lines(diagram, width: int) -> list[str]:
    """The lines the diagram itself yields at `width`, before a console crops them."""
    console = Console(width=width, color_system="truecolor", file=_Null())
    drawn = console.render(diagram, console.options.update(width=width))
    return ["".join(seg.text for seg in line) for line in Segment.split_lines(drawn)]


def segments(diagram, width: int) -> list[list[Segment]]:
    """The diagram's lines as Segments (for their styles)."""
    console = Console(width=width, color_system="truecolor", file=_Null())
    return console.render_lines(diagram, console.options.update(width=width), pad=False)


class _Null:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def column(line: str, text: str) -> int:
    """The terminal column (cells, wide characters count twice) where `text` starts."""
    assert text in line, (text, line)
    return cell_len(line[: line.index(text)])


def row_with(lines: list[str], text: str) -> str:
    found = [line for line in lines if text in line]
    assert found, (text, lines)
    return found[0]


CASES = {
    "forward-5": dict(tokens=SENTENCE, steps=5, current=3),
    "many-to-one-5": dict(tokens=SENTENCE, steps=5, current=5, readout="last"),
    "both-5": dict(
        tokens=SENTENCE, steps=5, current=2, direction="both", bidirectional=True, readout="last"
    ),
    "backward-6": dict(
        tokens=["the", "cat", "sat", "on", "the", "mat"],
        steps=6,
        current=4,
        direction="backward",
        bidirectional=True,
    ),
    "vectors-50": dict(tokens=None, steps=50, current=20, readout="last", cell="lstm", layers=2),
    "long-words": dict(tokens=["x" * 60, "y" * 30, "现在几点了" * 5], steps=3, current=2),
    "both-long": dict(
        tokens=None, steps=100_000, current=99_999, direction="both", bidirectional=True
    ),
}


def make(case: str, **extra) -> UnrolledDiagram:
    kwargs = dict(CASES[case])
    tokens, steps, current = kwargs.pop("tokens"), kwargs.pop("steps"), kwargs.pop("current")
    return UnrolledDiagram(tokens, steps, current, **(kwargs | extra))


# --------------------------------------------------------------------------- fitting
@pytest.mark.parametrize("width", (24, 40, 60) + WIDTHS)
@pytest.mark.parametrize("shape", sorted(CASES))
def test_no_line_is_wider_than_the_console(shape, width):
    diagram = make(shape, title="A title longer than a narrow console is wide")
    lines = render(diagram, width)
    assert lines
    assert max(cell_len(line) for line in lines) <= width
    assert max(cell_len(line) for line in raw_lines(diagram, width)) <= width  # not cropped
    assert lines[0].endswith("…") == (width < 44)  # the title, cut where it does not fit


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("shape", sorted(CASES))
def test_at_most_seven_lines_and_the_folded_cell_beside_the_chain(shape, width):
    lines = render(make(shape), width)
    assert len(lines) <= 7
    cell = row_with(lines, "↺" if "backward" not in shape else "↻")
    assert re.search(r"s[₀-₉]", cell), "the chain is on the folded cell's line"


def test_when_narrow_the_folded_cell_goes_above_the_chain():
    lines = render(make("forward-5"), 40)
    cell = row_with(lines, "[RNN]↺ W_hh")
    assert not re.search(r"s[₀-₉]", cell)
    assert lines.index(cell) < lines.index(row_with(lines, "s₃"))


def test_the_five_word_sentence_fits_whole_at_80_columns_in_every_layout():
    for case in ("forward-5", "many-to-one-5", "both-5"):
        lines = render(make(case), 80)
        assert "…" not in "\n".join(lines), case
        words = row_with(lines, "what")
        for word in SENTENCE:
            assert word in words


def test_more_room_shows_more_steps():
    shown = {}
    for width in WIDTHS:
        diagram = make("vectors-50")
        render(diagram, width)
        shown[width] = diagram.drawn
        assert 20 in diagram.drawn
    assert len(shown[80]) < len(shown[120]) < len(shown[160])


# --------------------------------------------------------------------------- the step
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("shape", ["forward-5", "both-5", "backward-6", "vectors-50"])
def test_the_current_step_and_only_it_is_highlighted(shape, width):
    diagram = make(shape)
    t = diagram.current
    marked = {
        seg.text for line in segments(diagram, width) for seg in line if seg.style == HIGHLIGHT
    }
    expected = {f"x{sub(t)}"} | {diagram.state(t, chain) for chain in diagram.chains}
    if diagram.tokens is not None:
        expected.add(diagram.tokens[t - 1])
    if diagram.readout == "every":
        expected.add(f"o{sub(t)}")
    assert marked == expected


def test_the_highlight_is_a_style_not_a_colour():
    """Monochrome: the default styles carry no colour, so a screen without colour
    still tells the current step (reverse, bold) from the others."""
    lines = segments(make("both-5"), 80)
    styles = {seg.style for line in lines for seg in line if seg.style}
    assert HIGHLIGHT in styles
    assert all(s.color is None and s.bgcolor is None for s in styles)


def test_the_styles_given_are_the_ones_used():
    mine = DiagramStyles(highlight=Style(underline=True), weight=Style(italic=True, bold=True))
    lines = segments(make("forward-5", styles=mine), 80)
    by_text = {seg.text.strip(): seg.style for line in lines for seg in line}
    assert by_text["s₃"] == Style(underline=True)
    assert by_text["↑W_ih"] == Style(italic=True, bold=True)


# --------------------------------------------------------------------------- directions
@pytest.mark.parametrize("width", WIDTHS)
def test_forward_runs_right_with_w_hh_on_every_arrow(width):
    lines = render(make("forward-5"), width)
    chain = row_with(lines, "s₁")
    assert "←" not in "\n".join(lines)
    assert len(re.findall(r"─+W_hh─*→", chain)) == 4  # between s₁ … s₅
    assert chain.count("W_hh") == 5  # and the folded cell's loop
    assert len(re.findall(r"↑W_ih", row_with(lines, "↑W_ih"))) == 5
    assert len(re.findall(r"↑W_oh", row_with(lines, "↑W_oh"))) == 5
    assert "W'" not in "\n".join(lines)


@pytest.mark.parametrize("width", WIDTHS)
def test_backward_runs_left_with_its_own_w_prime(width):
    diagram = make("backward-6")
    lines = render(diagram, width)
    text = "\n".join(lines)
    assert "→" not in text
    chain = row_with(lines, "←[RNN]↻ W'_hh")
    drawn = diagram.drawn
    cuts = (drawn[0] > 1) + (drawn[-1] < 6)
    assert len(re.findall(r"←─*W'_hh─+", chain)) == len(drawn) - 1 + cuts
    assert len(re.findall(r"↑W'_ih", row_with(lines, "↑W'_ih"))) == len(drawn)
    assert cuts == (width == 80)  # six words fit whole from 120 columns
    assert "W_hh" not in text.replace("W'_hh", "")


@pytest.mark.parametrize("width", WIDTHS)
def test_both_shows_two_chains_w_and_w_prime(width):
    lines = render(make("both-5"), width)
    forward, backward = row_with(lines, "→[RNN]"), row_with(lines, "←[RNN]")
    assert lines.index(backward) == lines.index(forward) + 1
    assert len(re.findall(r"─+W_hh─*→", forward)) == 4
    assert len(re.findall(r"←─*W'_hh─+", backward)) == 4
    assert "W'" not in forward
    # the folded cells: one loop each, W_hh and W'_hh
    assert "→[RNN]↺ W_hh" in forward and "←[RNN]↻ W'_hh" in backward
    # the same columns: ←s_t under →s_t
    for t in range(1, 6):
        assert column(forward, f"→s{sub(t)}") == column(backward, f"←s{sub(t)}")


# --------------------------------------------------------------------------- outputs
@pytest.mark.parametrize("width", WIDTHS)
def test_many_to_one_has_one_o_after_the_last_step(width):
    lines = render(make("many-to-one-5"), width)
    text = "\n".join(lines)
    assert re.findall(r"o[₀-₉]+", text) == ["o₅"]
    o_row, chain = row_with(lines, "o₅"), row_with(lines, "s₅")
    assert column(o_row, "o₅") == column(chain, "s₅")
    assert len(re.findall(r"↑W_oh", row_with(lines, "↑W_oh"))) == 1  # o₅'s (folded: "↑ W_oh")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_has_an_o_at_each_step(width):
    lines = render(make("forward-5"), width)
    o_row, chain = row_with(lines, "o₁"), row_with(lines, "s₁")
    for t in range(1, 6):
        assert column(o_row, f"o{sub(t)}") == column(chain, f"s{sub(t)}")


def test_many_to_one_bidirectional_names_both_final_states():
    lines = render(make("both-5"), 80)
    assert "(→s₅, ←s₁)" in "\n".join(lines)
    o_row = row_with(lines, "(→s₅, ←s₁)").replace("(→s₅, ←s₁)", " " * 10)
    o_last = [m.start() for m in re.finditer(r"(?<!\w)o(?!\w)", o_row)][-1]  # not the folded o
    assert o_last == column(row_with(lines, "→[RNN]"), "→s₅")


def test_many_to_one_beyond_the_window_is_pointed_at():
    diagram = make("vectors-50")
    lines = render(diagram, 80)
    assert 50 not in diagram.drawn
    assert "→ o₅₀" in row_with(lines, "o₅₀")


def test_many_to_one_is_muted_until_the_reading_ends_then_highlighted():
    def o_style(current: int) -> Style | None:
        diagram = UnrolledDiagram(SENTENCE, 5, current, readout="last")
        found = [s.style for line in segments(diagram, 80) for s in line if s.text == "o₅"]
        assert len(found) == 1
        return found[0]

    assert o_style(2) == Style(dim=True)
    assert o_style(5) == HIGHLIGHT


def test_no_readout_no_o():
    lines = render(UnrolledDiagram(SENTENCE, 5, 1, readout=None), 80)
    text = "\n".join(lines)
    assert len(lines) == 4  # the chain, the arrows from x, x, the words
    assert re.search(r"(?<!\w)o(?!\w)|o[₀-₉]", text) is None
    assert "W_oh" not in text


# --------------------------------------------------------------------------- long sequences
class CountingTokens(Sequence):
    """A very long token list that counts the tokens read and refuses to be walked."""

    def __init__(self, n: int) -> None:
        self.n, self.reads = n, 0

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i):
        if isinstance(i, slice):
            raise AssertionError("sliced: the whole list would be copied")
        self.reads += 1
        return f"w{i}"

    def __iter__(self):
        raise AssertionError("walked the whole list")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("current", [1, 50_000, 100_000])
def test_100000_steps_cost_a_screenful(width, current):
    tokens = CountingTokens(100_000)
    diagram = UnrolledDiagram(tokens, 100_000, current, readout="last")
    lines = render(diagram, width)
    assert current in diagram.drawn
    assert diagram.drawn == list(range(diagram.drawn[0], diagram.drawn[-1] + 1))
    assert len(diagram.drawn) <= width // 10  # a slot and its arrow are ≥ 10 cells
    assert diagram.measured <= len(diagram.drawn) + 2  # the slots drawn and the two beside
    assert tokens.reads <= 4 * (len(diagram.drawn) + 2)
    text = "\n".join(lines)
    assert ("…" in text) == (len(diagram.drawn) < 100_000)
    chain = row_with(lines, "[RNN]↺ W_hh")
    assert chain.rstrip().endswith("…") == (diagram.drawn[-1] < 100_000)
    assert chain.split("W_hh", 1)[1].lstrip().startswith("…") == (diagram.drawn[0] > 1)
    assert f"x{sub(current)}" in text


def test_the_cut_ends_are_marked_with_ellipses_and_arrows():
    lines = render(make("both-long"), 120)
    forward, backward = row_with(lines, "→s₉₉₉₉₉"), row_with(lines, "←s₉₉₉₉₉")
    assert re.search(r"… ─+W_hh─*→ →s₉", forward)
    assert re.search(r"… ←─*W'_hh─+ ←s", backward)
    assert forward.rstrip().endswith("→s₁₀₀₀₀₀")  # t = T is in the window: no cut on the right


# --------------------------------------------------------------------------- text as data
@pytest.mark.parametrize("width", WIDTHS)
def test_cjk_words_line_up_with_their_steps(width):
    tokens = ["现在", "几点", "了", "？", "ok"]
    lines = render(UnrolledDiagram(tokens, 5, 2), width)
    words, xs, chain = row_with(lines, "现在"), row_with(lines, "x₁"), row_with(lines, "s₁")
    for t, word in enumerate(tokens, start=1):
        assert column(words, word) == column(xs, f"x{sub(t)}") == column(chain, f"s{sub(t)}")
    assert max(cell_len(line) for line in lines) <= width


def test_long_words_are_cut():
    lines = render(make("long-words"), 80)
    text = "\n".join(lines)
    assert "x" * 11 + "…" in text and "x" * 12 not in text
    assert "现在几点了…" in text  # 10 cells and "…": a wide character is never split


@pytest.mark.parametrize("width", WIDTHS)
def test_hostile_words_are_shown_literally_and_escaped(width):
    tokens = ["\x1b[31m", "[bold]x[/]", "\u202e", "ok"]
    diagram = UnrolledDiagram(tokens, 4, 2)
    lines = render(diagram, width)
    text = "\n".join(lines)
    assert "␛[31m" in text and "\x1b" not in text
    assert "\\u202e" in text and "\u202e" not in text
    assert "[bold]x[/]" in text  # markup is text, never read
    words = [seg for line in segments(diagram, width) for seg in line if "x[/]" in seg.text]
    assert [seg.text for seg in words] == ["[bold]x[/]"]
    assert words[0].style == HIGHLIGHT  # the current step's style, nothing from the word


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="current"):
        UnrolledDiagram(None, 5, 6)
    with pytest.raises(ValueError, match="bidirectional"):
        UnrolledDiagram(None, 5, 1, direction="backward")
    with pytest.raises(ValueError, match="tokens"):
        UnrolledDiagram(["a"], 5, 1)
    with pytest.raises(ValueError, match="readout"):
        UnrolledDiagram(None, 5, 1, readout="some")
    with pytest.raises(ValueError, match="direction"):
        UnrolledDiagram(None, 5, 1, direction="up", bidirectional=True)


# --------------------------------------------------------------------------- present
@pytest.fixture(scope="module")
def intent() -> Stage:
    return Stage(load_scenario("intent"))


@pytest.fixture(scope="module")
def two_way() -> Stage:
    return Stage(load_scenario("bidirectional"))


def test_diagram_content_reads_the_stage(intent):
    content = diagram_content(intent, View(t=9))  # clamped to T
    assert isinstance(content, DiagramContent)
    assert content.tokens is intent.trace.tokens  # the trace's list, not a copy
    assert (content.steps, content.t, content.readout, content.cell) == (5, 5, "last", "rnn")
    lines = render(content.renderable(Look()), 80)
    assert lines[0].startswith("The loop unrolled")
    assert re.findall(r"o[₀-₉]+", "\n".join(lines)) == ["o₅"]
    short = render(content.renderable(Look(tall=False)), 80)
    assert short == lines[1:]  # on a short screen, no title


@pytest.mark.parametrize("direction", ["forward", "backward", "both"])
def test_a_two_way_network_shows_both_chains_in_every_direction(two_way, direction):
    """The output reads both directions merged, and the title names W and W': both
    chains are drawn whichever direction is read (one alone would say o reads it)."""
    content = diagram_content(two_way, View(t=2, direction=direction))
    assert content.bidirectional and content.direction == "both"
    text = "\n".join(render(content.renderable(Look()), 120))
    assert "W'_hh" in text and "─W_hh" in text
    assert "→s₂" in text and "←s₂" in text
    assert "W' backward" in text  # the title names both sets of weights


def test_the_title_names_the_stacked_layers(two_way, intent):
    assert "one cell" in diagram_content(intent, View(t=1)).title
    stacked = diagram_content(two_way, View(t=1)).title
    assert "one cell" not in stacked and f"{two_way.num_layers} layers" in stacked


def test_diagram_content_uses_the_theme_styles(intent):
    look = Look(styles={"highlight": Style(color="red", underline=True)})
    content = diagram_content(intent, View(t=2))
    marked = {
        seg.text
        for line in segments(content.renderable(look), 80)
        for seg in line
        if seg.style == Style(color="red", underline=True)
    }
    assert marked == {"s₂", "x₂", "time"}


def test_a_cut_end_keeps_its_ellipsis_at_every_width():
    """The window leaves room for the "…" of each cut end, whatever the width."""
    for width in range(50, 170):
        for current in (1, 500, 1000):
            diagram = UnrolledDiagram(None, 1000, current, readout="every")
            chain = row_with(render(diagram, width), "[RNN]↺ W_hh")
            assert chain.rstrip().endswith("…") == (current < 1000), (width, current)
            assert max(cell_len(line) for line in raw_lines(diagram, width)) <= width
