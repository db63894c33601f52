"""The help screen: what each panel shows and what each key does.

It opens at once: the help's own text (KEY_NOTES, PANELS_HELP, QUESTIONS_HELP, written
in a small subset of Markdown: ## headings, - and 1. items nested by indentation,
**bold**, *italic*, `code`, paragraphs) is read into blocks (`read_markdown`), wrapped
for the width on screen (`wrap_blocks`) and drawn a line at a time by one widget
(HelpText), only the lines in sight. Textual's Markdown widget took 0.5 s to build
the same text. The scenario's title and description are data: plain Content, never
parsed, their control characters made visible.

Five sections, listed at the top: 1-5 jump to one, n and p to the next and the one
before; / searches (enter: the next match; escape leaves the search)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content, Span
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget
from textual.widgets import Input, Label

from ..i18n import N_, _
from ..text import visible
from .screens import MODAL_FRAME, PlainInput

PAGE_NOTE = N_("scroll the pane in focus by a page (PageUp / PageDown)")
FOCUS_PANE_NOTE = N_(
    "move the focus to the next / previous pane; the pane in focus is marked and scrolls "
    "with PageUp / PageDown"
)
KEY_NOTES = {
    "step(1)": N_("one step along the reading order (going backward, t goes down)"),
    "step(-1)": N_("one step back along the reading order"),
    "first": N_("the first step of the reading order (t = T going backward)"),
    "last": N_("the last step of the reading order, where a many-to-one output appears"),
    "go_to": N_("go to a step: type t (1 … T) in a small dialog"),
    "layer(1)": N_("one layer up the stack (layer 1 is the bottom one)"),
    "layer(-1)": N_("one layer down the stack"),
    "play": N_("step by itself, one step at a time; again to stop"),
    "speed(1)": N_("play faster (up to 32 steps a second)"),
    "speed(-1)": N_("play slower (down to one step every 2 seconds)"),
    "direction": N_("forward → backward → both (bidirectional networks only)"),
    "merge": N_("concat → sum → mean → mul: how the two directions are combined"),
    "unit(1)": N_("select the next unit (also shift+→, or a click on a cell)"),
    "unit(-1)": N_("select the unit before (also shift+←)"),
    "cell": N_(
        "rnn → lstm → gru on the same scenario: a trained sibling's weights where the file "
        "names one (memory-fade), else fresh seeded weights; its own at its own cell"
    ),
    "edit": N_(
        "type another input sentence (unknown words are refused, or become the unknown token)"
    ),
    "open": N_("open a scenario file; the built-in ones are in the command palette"),
    "record": N_("start or stop recording this walk into a session file (● REC while on)"),
    "screenshot": N_(
        "save the screen as an SVG file in the folder rnn-tui was started in, under a new "
        "name (the message says which)"
    ),
    "show_pane('step')": N_("the step view: o, s and x at t"),
    "show_pane('numbers')": N_("the numbers behind the selected unit"),
    "show_pane('layers')": N_("all layers at t"),
    "show_pane('history')": N_("s₁ … s_T of the selected layer"),
    "show_pane('weights')": N_("the weights and the vectorised input projection"),
    "sequence": N_("the scenario's next named input sequence"),
    "train": N_("fit the weights on the scenario's examples, in the background; again stops"),
    "show_pane('memory')": N_(
        "the memory view: each model run again with one input replaced; ‖sₜ − s′ₜ‖ and "
        "p(right answer) over t, RNN, LSTM and GRU side by side"
    ),
    "influence_numbers": N_("write the values of ‖∂sₜ/∂xₖ‖ and of the memory line into the strip"),
    "probe": N_(
        "follow the input at the current step in the memory view, pinned in the token strip "
        "(again: the scenario's own); a click on a word does the same"
    ),
    "description": N_("read the scenario's whole description"),
    "page(-1)": PAGE_NOTE,
    "page(1)": PAGE_NOTE,
    "focus_pane(1)": FOCUS_PANE_NOTE,
    "focus_pane(-1)": FOCUS_PANE_NOTE,
    "note": N_(
        "while recording: add a note (a line of text) to the session at this step; replay "
        "and export show it"
    ),
    "copy_numbers": N_(
        "copy this step's numbers (x, s, o and the gates) to the clipboard; the palette "
        "saves them as .npz or CSV"
    ),
    "help": N_("this screen"),
    "lesson_step(-1)": N_("the lesson's step before, its scenario and view set again"),
    "lesson_step(1)": N_(
        "the lesson's next step (a task's step goes on by itself once the task is done; "
        "the input sequences are in the command palette)"
    ),
    "lesson_view": N_(
        "back to the view the lesson's step sets, after exploring freely; the lesson "
        "panel takes the focus again"
    ),
    "quit": N_("leave rnn-tui (q too, except while typing in a dialog)"),
}
"""A longer word on each action, for the help screen (keyed by the binding's action)."""
HIDDEN_LISTED = (
    "go_to",
    "description",
    "page(-1)",
    "page(1)",
    "focus_pane(1)",
    "focus_pane(-1)",
    "note",
    "copy_numbers",
)
"""Keys left out of the footer that the help lists all the same. Two bindings in a row
with one note (pgup and pgdn, tab and shift+tab) are listed in one row."""
LESSON_ANSWER_KEYS = "1-8"
LESSON_ANSWER_NOTE = N_(
    "in a lesson: answer the step's question while the lesson panel has the focus (a step "
    "gives it the focus, v gives it back); a click on a choice answers too, and the "
    "explanation shows after an answer"
)
"""The answers to a lesson's question: the lesson panel's keys, listed in a lesson's help."""

PANELS_HELP = N_("""\
## The screen

The panels follow the unrolled figure of the tutorial: the output **o** on top, the
hidden state **s** in the middle, the input **x** at the bottom. Time runs left to
right in the token strip; layer 1 is the bottom layer.

- **token strip**: the sentence in reading order, the current word highlighted. Going
  *backward* the strip runs from the end of the sentence, since that is the order in
  which the backward direction reads it.
- **memory line** (Δ, under the words): what each input xₖ still changes in the
  current state, ‖sₜ − sₜ(xₖ replaced)‖: the network is simply run again with xₖ
  replaced (its caption says by what: memory-fade swaps A ↔ B, others take `<unk>` or
  zeros) and the two top states compared. This is memory: a state that no longer
  changes when xₖ does has forgotten xₖ.
- **influence line** (∂): ‖∂sₜ/∂xₖ‖, the local sensitivity of the top layer's merged
  state to xₖ (the engine's backward pass), relative to the largest: bright is strong,
  dark is faint, · is none (a word not read yet). It is not memory: an LSTM that holds
  a fact in a saturated gate has a near-zero gradient while it keeps it. `i` writes
  the numbers of both lines in.
- **Σ bar**: at the end of a many-to-one reading, each word's share of the prediction
  (the tutorial's mixture of colours): the drop in p(prediction) when that word is
  replaced, the same re-run as the memory line.
- **pinned word**: the input the memory view follows (x₁ for memory-fade; `k` or a
  click on a word chooses another) stays at the strip's end when the strip scrolls.
- **status line**: the step `t = 3 / 5`, the layer, the direction, the cell, and what
  is going on (playing, training).

## The views (1 to 6; all at once on a screen of 150 × 40 or more)

1. **step**: the selected layer at t, large.
   - **xₜ**: the input vector at step t (an embedding or one-hot row of the word).
     Above layer 1 this is the merged state of the layer below at the same t.
   - **sₜ**: the hidden state, with its equation sₜ = tanh(W_ih xₜ + W_hh sₜ₋₁ + b),
     where b = b_ih + b_hh (PyTorch keeps two biases; the tutorial's 3.4 writes none).
     The backward direction has its own weights (W′) and reads sₜ₊₁. With *both*
     directions shown, the merged state is what the next layer (or the readout) reads.
   - **gates** (LSTM, GRU): one row per gate at step t, and the LSTM cell state cₜ.
     The LSTM's gates are PyTorch's i, f, g, o; the output gate is written **oᵍ**
     everywhere, so that it is not taken for the output o.
   - **oₜ**: the output and, with labels, a bar chart of the softmax. A many-to-one
     readout (the intent example) has a single o, after the last step: it reads the
     final state s_T (bidirectional: →s_T and ←s₁, merged). o₁ … o_T−1 are computed
     for display, greyed: the model uses only o_T. The prediction is named, with ✓ or ✗
     beside the right answer where the sentence's label is known.
   - **the loop unrolled**: under the panels, the tutorial's picture: the folded cell
     with its loop beside the chain x₁ … x_T → s₁ … s_T → o, the current t marked, the
     same W on every arrow (W′ on the backward chain).
2. **numbers**: the computation of the selected unit (`[` `]`, or a click on a cell) at t,
   with the actual values: the input term read from the precomputed projection, each
   product of the recurrent term, the bias, the pre-activation, the activation and the
   result, checked against the trace (✓). For LSTM and GRU one row per gate and how
   they combine; with both directions, the merge of that unit; at the top, the output.
3. **layers**: every layer at t, o on top and x at the bottom; each layer reads the
   merged state of the one below. The selected layer (↑ ↓) is marked ▶.
4. **history**: s₁ … s_T of the selected layer as a unit × time heatmap, now marked ▼.
   The steps not read yet are blank: forward it fills from t = 1, backward from the end.
5. **weights**: W_ih, W_hh, the biases and the readout W_oh, drawn once (one block of
   rows per gate for LSTM and GRU), under the tutorial's names: W_ih = Wˢˣ,
   W_hh = Wʰʰ, W_oh = Wᵒʰ, and b = b_ih + b_hh. W_ih and W_hh are used by every step;
   W_oh by every step, or once after the last one for a many-to-one readout. The
   selected unit is marked where it is: ▶ its rows of W_ih and W_hh (one in each gate's
   block), ▼ its column of W_hh and of W_oh (two with concat: →s and ←s). Beside them,
   the input projection P = X·W_ihᵀ + b_ih for every t and the recurrent part
   W_hh sₜ₋₁ + b_hh of the current step.
6. **memory**: the memory curve of the followed input xₖ: ‖sₜ − sₜ(xₖ replaced)‖ and
   p(right answer) with xₖ as given and replaced, for t = 1 … T; where the scenario has
   trained siblings (memory-fade), the RNN, LSTM and GRU side by side on the same
   sentence, each with its prediction, ✓ or ✗, and a sentence from its numbers.

**Colours**: blue is negative, near-white zero, red positive (ColorBrewer RdBu, safe
for colour-blind eyes); the legend on each panel gives its range, fixed for the whole
sentence so colours compare across steps. The gates panel uses that scale too, from
−m to +m where m is the largest size of any gate or c of the layer and direction, so
a σ gate (0 to 1) runs from white to red and tanh's g and c take both colours. The
influence strip, and the states of an RNN with σ, go dark purple to yellow (viridis);
probabilities are bars. Vectors of up to 16 units show their numbers under the cells.
Without colour (NO_COLOR), or with 16 colours declared (TEXTUAL_COLOR_SYSTEM=standard),
glyphs stand for the values: ▬ ≡ = - negative, · zero, ░ ▒ ▓ █ positive (· ░ ▒ ▓ █ on a
0-to-1 scale); the legend shows them beside its ends.
""")

QUESTIONS_HELP = N_("""\
## The tutorial's questions (思考), answered on screen

- **3.4 上式三个权重矩阵 W 每个时间步是同一份数据吗？ Are the three W the same at every
  step?** Yes. Press `5`: W_ih (Wˢˣ) and W_hh (Wʰʰ) are drawn once, used by every
  step, and so is W_oh (Wᵒʰ) when there is an output at every step (many-to-one: it is
  used once, after the last step); step with ← → and nothing in that view changes
  except the marked row of P. In `2` the same row of W_hh multiplies sₜ₋₁ at every t;
  only xₜ and sₜ₋₁ change.
- **3.5 每个时间步为何没有矩阵相乘呢？ Why no matrix product per step?** Because
  X·W_ihᵀ + b_ih does not depend on the state: it is one product for all steps before
  the loop. In `5`, P = X·W_ihᵀ + b_ih has a row per t (the current one marked ▶) beside
  W_hh sₜ₋₁ + b_hh, the only product done per step; in `2` the input term says
  "precomputed for every t".
- **3.6 正向和反向用到权重是同一份数据吗？ Do forward and backward share weights?** No.
  Open the *bidirectional* scenario (ctrl+p) and press `5`: the forward W and the
  backward W′ are drawn separately, with different numbers; the equations write W′.
- **3.6 反向时句子顺序需要倒序吗？ Is the sentence reversed going backward?** The backward
  direction reads it from the end: press `d`; the token strip runs from the last word,
  → moves t down, and in `4` the history fills from the end. Its states are kept at the
  original t, so →sₜ and ←sₜ stand under the same word.
- **3.6 正反向的结果，如何组合在一起？ How are the two results combined?** Press `d` until
  *both*: the merged panel shows sₜ = [→sₜ ; ←sₜ] (concat, PyTorch's choice), and `m`
  switches to sum, mean and mul; the next layer's input (`↑`, or `3`) and the output
  change with it. `2` writes out the merge of the selected unit.

And the sections after them: **4** (intent): only the last output decides; o₁ … o_T−1
are computed for display, greyed, and the Σ bar shows each word's share of the
prediction; **5** (short-term memory: why does the RNN forget the first token while
LSTM and GRU keep it?): open *memory-fade* and press `6`: the network is run again with
x₁ swapped (A ↔ B); the RNN's state at t = 50 no longer changes (it forgot x₁, and
predicts the same either way), the LSTM's and GRU's still change a lot and their
predictions follow x₁; the Δ line under the words shows the same at every t, while ∂
is only local sensitivity; `c` switches to the trained LSTM and GRU;
**6** (LSTM, GRU): the gates panel and, in `2`, each gate's numbers.
""")


# --------------------------------------------------------------------------- blocks
BOLD, ITALIC, CODE = "bold", "italic", "help-text--code"
"""The span styles of the converted Markdown: Textual style names, and component
classes of HelpText (resolved against the theme when drawn)."""
HEADING, KEY, MATCH, CURRENT = (
    "help-text--heading",
    "help-text--key",
    "help-text--match",
    "help-text--current",
)


class Block(NamedTuple):
    """A heading, a paragraph or a list item of the help, to be wrapped to a width."""

    text: Content
    """What it says, with its inline styles."""
    lead: Content = Content("")
    """What stands before its first line ("• ", "1. ", a key); the lines after it are
    indented by its width (a hanging indent)."""
    indent: int = 0
    """Cells before the lead (a nested item)."""
    item: bool = False
    """A list item: no blank line between it and an item before it."""


_INLINE = re.compile(r"\*\*(.+?)\*\*|\*(\S(?:[^*]*?\S)?)\*|`([^`]+)`")
"""**bold**, *italic*, `code`."""
_ITEM = re.compile(r"( *)(-|\d+\.) (.*)")
_STYLE_OF_GROUP = {1: BOLD, 2: ITALIC, 3: CODE}


def inline_markdown(text: str) -> Content:
    """`text` (our own Markdown, one paragraph) as Content: **bold**, *italic* and
    `code` become spans, their markers dropped; everything else as written."""
    parts: list[str] = []
    spans: list[Span] = []
    length = 0
    position = 0
    for match in _INLINE.finditer(text):
        parts.append(text[position : match.start()])
        length += match.start() - position
        group = match.lastindex or 1
        inner = match.group(group)
        spans.append(Span(length, length + len(inner), _STYLE_OF_GROUP[group]))
        parts.append(inner)
        length += len(inner)
        position = match.end()
    parts.append(text[position:])
    return Content("".join(parts), spans)


def read_markdown(markdown: str) -> list[tuple[str, list[Block]]]:
    """Our help text, in its subset of Markdown, as sections: (the title of each
    "## " heading, its blocks). A paragraph's lines are joined into one (to be wrapped
    again); a "- " or "1. " line starts an item, indented as far as it is written
    (nested: under the text of the item above), and the lines under it continue it."""
    sections: list[tuple[str, list[Block]]] = []
    lines: list[str] = []  # of the block being read
    lead = ""
    indent = 0

    def close() -> None:
        if lines:
            text = inline_markdown(" ".join(lines))
            if not sections:
                sections.append(("", []))
            marker = Content(f"{lead} ") if lead else Content("")
            sections[-1][1].append(Block(text, marker, indent, item=bool(lead)))
        lines.clear()

    for line in markdown.splitlines():
        item = _ITEM.fullmatch(line)
        if not line.strip():
            close()
        elif line.startswith("## "):
            close()
            sections.append((line[3:].strip(), []))
        elif item:
            close()
            spaces, marker, rest = item.groups()
            lead = "•" if marker == "-" and not spaces else "◦" if marker == "-" else marker
            indent = len(spaces)
            lines.append(rest.strip())
        else:
            if not lines:
                lead, indent = "", 0
            lines.append(line.strip())
    close()
    return sections


def short_title(heading: str) -> str:
    """A heading as the contents list names it: up to its first bracket or comma
    ("The views (1 to 6; …)" → "The views"; "视图（1 到 6；…）" → "视图")."""
    return re.split(r" ?[(（,，]", heading, maxsplit=1)[0].strip() or heading


def key_blocks(keys: Sequence[tuple[str, str, str]]) -> list[Block]:
    """One item per key: the key, what it does in bold, the longer note after it. Two
    keys in a row with the same note (pgup and pgdn) make one item."""
    rows: list[tuple[str, str, str]] = []
    for key, what, why in keys:
        if rows and why and rows[-1][2] == why:
            last_key, last_what, _why = rows.pop()
            rows.append((f"{last_key} {key}", f"{last_what} / {_(what)}", why))
        else:
            rows.append((key, _(what), why))
    column = max((cell_len(key) for key, _what, _why in rows if cell_len(key) <= 6), default=1)
    blocks = []
    for key, what, why in rows:
        lead = Content.styled(key, KEY).pad_right(max(column - cell_len(key), 0) + 2)
        text = Content.styled(what, BOLD)
        if why:
            text += _(": ") + _(why)
        blocks.append(Block(text, lead, item=True))
    return blocks


def about_blocks(title: str, description: str, note: str = "") -> list[Block]:
    """The scenario's title (bold) and description, each a block, as data: plain
    Content, never parsed, control and bidi characters made visible, the description's
    line breaks kept; `note` (ours) in italics after them."""
    blocks = [Block(Content.styled(visible(" ".join(title.split())), BOLD))]
    text = visible(description.expandtabs(4).strip("\n"), lines=True)
    if text.strip():
        blocks.append(Block(Content(text)))
    if note:
        blocks.append(Block(Content.styled(note, ITALIC)))
    return blocks


# --------------------------------------------------------------------------- layout
class Section(NamedTuple):
    """A section of the help: its heading and its blocks."""

    title: str
    blocks: list[Block]

    @property
    def short(self) -> str:
        return short_title(self.title)


_WIDE = "\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60"
_OPENING = "（《「『【〔“‘"
_CLOSING = "，。；：、！？）》」』】〕”’…"
_TOKEN = re.compile(
    rf"[{_OPENING}]*(?:[{_WIDE}]|[^\s{_WIDE}{_OPENING}{_CLOSING}]+)?[{_CLOSING}]*\s*|\s+"
)
"""What a line may not break inside: a word, or one CJK character (Chinese breaks
between any two), with the opening marks before it, the closing marks and the spaces
after it (so no line starts with "，" or ends with "（")."""


def line_breaks(text: str, width: int) -> list[int]:
    """Where the lines of `text` wrapped to `width` cells start, after the first one:
    at each line break of its own and before the word that no longer fits (a word
    wider than a line is folded). The spaces at a break end the line before it."""
    breaks: list[int] = []
    start = 0
    for number, line in enumerate(text.split("\n")):
        if number:
            breaks.append(start)
        offset, cells = start, 0
        measure = len if line.isascii() else cell_len  # the text has no control characters
        for token in _TOKEN.findall(line):
            if not token:
                continue
            word = token.rstrip()
            needed = measure(word)
            if cells and cells + needed > width:
                breaks.append(offset)
                cells = 0
            if needed > width:
                for position, char in enumerate(word, offset):
                    size = cell_len(char)
                    if cells and cells + size > width:
                        breaks.append(position)
                        cells = 0
                    cells += size
                cells += len(token) - len(word)
            else:
                cells += measure(token)
            offset += len(token)
        start += len(line) + 1
    return breaks


class Placed(NamedTuple):
    """A block where the layout put it."""

    line: int
    """Its first line."""
    text: Content
    """What is wrapped: the block's text (the search's matches styled), or, with no
    room for a hanging indent, its lead and text."""
    breaks: list[int]
    """Where its lines start in `text`, after the first (line_breaks)."""
    first: Content
    """What comes before the first line (indent and lead)."""
    hang: int
    """The indent of the lines after it."""

    @property
    def height(self) -> int:
        return len(self.breaks) + 1


def place(block: Block, width: int, line: int, text: Content | None = None) -> Placed:
    """`block` (with `text`, if given, for its own) wrapped to `width` cells from `line`."""
    text = block.text if text is None else text
    first = Content(" " * block.indent) + block.lead
    hang = first.cell_length
    if width - hang < 12:  # no room for a hanging indent
        text, first, hang = first + text, Content(""), 0
    return Placed(line, text, line_breaks(text.plain, max(width - hang, 1)), first, hang)


def contents_block(sections: Sequence[Section], counts: Sequence[int] | None) -> Block:
    """The list of sections under the title: "1 Keys · 2 The screen · …", each
    clickable; while searching, each with its number of matches (dim when none)."""
    text = Content("")
    for number, section in enumerate(sections, 1):
        entry = Content.assemble((str(number), KEY), " ", section.short)
        if counts is not None:
            entry += f" ({counts[number - 1]})"
            if not counts[number - 1]:
                entry = entry.stylize("dim")
        click = Style.from_meta({"@click": f"screen.section({number})"})
        text += (Content(" · ") if number > 1 else Content("")) + entry.stylize(click)
    return Block(text)


class WrappedHelp:
    """The help wrapped to a width: the contents, then each section (its heading
    numbered), a blank line between blocks but not between the items of a list. With
    a search, its matches are styled (the `current`-th as the current one) and
    counted. Only the breaks are found up front; a line's Content is made when it is
    first drawn."""

    def __init__(
        self,
        sections: Sequence[Section],
        width: int,
        search: re.Pattern[str] | None = None,
        current: int = 0,
    ) -> None:
        self.width = width
        self.headings: list[int] = []
        """The line of each section's heading."""
        self.matches: list[int] = []
        """The line of each match, in reading order."""
        self.counts: list[int] = []
        """How many matches each section has."""
        placed: list[Placed] = []
        line = 0
        previous: Block | None = None
        for number, section in enumerate(sections, 1):
            heading = Block(
                Content.styled(section.title, HEADING), Content.styled(f"{number} ", HEADING)
            )
            count = 0
            for block in (heading, *section.blocks):
                if previous is not None and not (block.item and previous.item):
                    line += 1  # a blank line
                if block is heading:
                    self.headings.append(line)
                text = block.text
                spots = [] if search is None else list(search.finditer(text.plain))
                for match in spots:
                    start, end = match.span()
                    style = CURRENT if len(self.matches) == current else MATCH
                    text = text.stylize(style, start, end)
                    self.matches.append(start)  # made a line below
                count += len(spots)
                here = place(block, width, line, text)
                shift = len(here.text) - len(text)  # the lead, when it is wrapped too
                for index in range(len(self.matches) - len(spots), len(self.matches)):
                    self.matches[index] = line + bisect_right(
                        here.breaks, self.matches[index] + shift
                    )
                placed.append(here)
                line += here.height
                previous = block
            self.counts.append(count)
        top = place(contents_block(sections, self.counts if search else None), width, 0)
        shift = top.height + 1  # the contents and a blank line
        self.placed = [top, *(p._replace(line=p.line + shift) for p in placed)]
        self.headings = [h + shift for h in self.headings]
        self.matches = [m + shift for m in self.matches]
        self.height = line + shift
        self._starts = [p.line for p in self.placed]
        self._lines: dict[int, list[Content]] = {}

    def line(self, y: int) -> Content:
        """Line `y` of the help (blank between blocks and past the end)."""
        index = bisect_right(self._starts, y) - 1
        if index < 0:
            return Content("")
        placed = self.placed[index]
        if y >= placed.line + placed.height:
            return Content("")
        if (lines := self._lines.get(index)) is None:
            pad = Content(" " * placed.hang)
            pieces = [piece.rstrip() for piece in placed.text.divide(placed.breaks)]
            lines = self._lines[index] = [placed.first + pieces[0], *(pad + p for p in pieces[1:])]
        return lines[y - placed.line]

    @property
    def lines(self) -> list[Content]:
        """Every line (all made now: for tests and plain text)."""
        return [self.line(y) for y in range(self.height)]


def search_pattern(query: str) -> re.Pattern[str] | None:
    """What a search for `query` finds: the text as typed, any case; None for none."""
    query = query.strip()
    return re.compile(re.escape(query), re.IGNORECASE) if query else None


# --------------------------------------------------------------------------- widget
class HelpText(Widget):
    """The help's text, wrapped to the widget's width and drawn a line at a time: only
    the lines in sight are rendered (inside a VerticalScroll)."""

    COMPONENT_CLASSES = {HEADING, KEY, CODE, MATCH, CURRENT}
    DEFAULT_CSS = """
    HelpText {
        width: 1fr;
        height: auto;
        & > .help-text--heading { color: $text-primary; text-style: bold; }
        & > .help-text--key { color: $text-accent; text-style: bold; }
        & > .help-text--code { color: $text-warning; background: $warning 10%; }
        /* underlined too: a match shows without colour (NO_COLOR) */
        & > .help-text--match { background: $accent 35%; text-style: underline; }
        & > .help-text--current {
            color: $text;
            background: $accent;
            text-style: bold underline;
        }
    }
    """

    def __init__(self, sections: Sequence[Section], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sections = list(sections)
        self.search: re.Pattern[str] | None = None
        self.current = 0
        """The match the search is at (an index into wrapped().matches)."""
        self._wrapped_at: dict[int, WrappedHelp] = {}

    @property
    def plain(self) -> str:
        """All the text of the help as it reads (no wrapping), one block a line."""
        return "\n".join(
            (f"{block.lead.plain}" + block.text.plain).strip()
            for section in self.sections
            for block in (Block(Content(section.title)), *section.blocks)
        )

    def wrapped(self, width: int | None = None) -> WrappedHelp:
        """The help wrapped to `width` (default: the widget's), with the search."""
        width = max(width if width is not None else self.size.width, 1)
        if (wrapped := self._wrapped_at.get(width)) is None:
            wrapped = WrappedHelp(self.sections, width, self.search, self.current)
            self._wrapped_at[width] = wrapped
        return wrapped

    def find(self, query: str) -> int:
        """Search for `query` (a search for "" ends it): its matches styled, the first
        current. Returns how many."""
        height = self.wrapped().height
        self.search = search_pattern(query)
        self.current = 0
        self._wrapped_at.clear()
        self.refresh(layout=self.wrapped().height != height)  # the contents may wrap anew
        return len(self.wrapped().matches) if self.search else 0

    def step_match(self, delta: int) -> int | None:
        """Go to the next (`delta` 1) or previous match, round; its line, or None."""
        matches = self.wrapped().matches
        if not matches:
            return None
        self.current = (self.current + delta) % len(matches)
        self._wrapped_at.clear()
        self.refresh()
        return self.wrapped().matches[self.current]

    def current_line(self) -> int | None:
        """The line of the current match, or None (no search or no match)."""
        matches = self.wrapped().matches
        return matches[self.current] if matches and self.search else None

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.wrapped(width).height

    def _style(self, name: str | Style) -> Style:
        if isinstance(name, Style):
            return name
        if name.startswith("help-text--"):
            return self.get_visual_style(name, partial=True)
        return Style.parse(name)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.visual_style
        line = self.wrapped(width).line(y)
        if not line:
            return Strip.blank(width, base.rich_style)
        segments = [
            Segment(text, style.rich_style)
            for text, style in line.render(base, "", parse_style=self._style)
        ]
        return Strip(segments).crop_extend(0, width, base.rich_style)


# --------------------------------------------------------------------------- screen
class HelpScreen(ModalScreen[None]):
    """Explains the panels and lists the keys; escape or ? closes it, 1-5 or n and p
    go to a section, / searches."""

    BINDINGS = [
        Binding("escape", "close", N_("close")),
        Binding("question_mark", "close", N_("close"), key_display="?"),
        Binding("slash", "search", show=False),
        *(Binding(str(n), f"section({n})", show=False) for n in range(1, 6)),
        Binding("n", "next_section(1)", show=False),
        Binding("p", "next_section(-1)", show=False),
    ]
    DEFAULT_CSS = f"""
    HelpScreen {{
        align: center middle;
        & > Vertical {{
            width: 90%;
            max-width: 96;
            height: 90%;
            {MODAL_FRAME}
        }}
        #help-scroll {{ height: 1fr; scrollbar-gutter: stable; }}  /* one width: one wrap */
        #help-search-bar {{ height: auto; border-top: solid $primary; }}
        #help-search {{ width: 1fr; border: none; height: 1; padding: 0 1; }}
        #help-search-count {{ width: auto; color: $text-muted; padding: 0 1; }}
    }}
    """

    def __init__(self, keys: list[tuple[str, str, str]], about: list[Block] | None = None) -> None:
        """keys: (key as shown, what it does, a longer explanation or "") for each key,
        what and why untranslated; about: the blocks of "This scenario"."""
        super().__init__()
        self.keys = keys
        self.about = about or []

    def sections(self) -> list[Section]:
        """Keys, the help's own text, this scenario: in the interface's language."""
        read = [Section(title, blocks) for title, blocks in read_markdown(_(PANELS_HELP))]
        read += [Section(title, blocks) for title, blocks in read_markdown(_(QUESTIONS_HELP))]
        return [
            Section(_("Keys"), key_blocks(self.keys)),
            *read,
            Section(_("This scenario"), self.about),
        ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-frame") as frame:
            frame.border_title = _("rnn-tui help")
            frame.border_subtitle = _("escape or ? closes · / searches · 1-5, n, p: sections")
            with VerticalScroll(id="help-scroll"):
                yield HelpText(self.sections(), id="help-text")

    @property
    def text(self) -> HelpText:
        return self.query_one("#help-text", HelpText)

    def _scroll_to_line(self, line: int, *, context: int = 0) -> None:
        """Bring the help's `line` to the top of the view (`context` lines above it)."""
        scroll = self.query_one("#help-scroll", VerticalScroll)
        y = max(self.text.virtual_region.y + line - context, 0)
        scroll.scroll_to(y=y, animate=False, immediate=True)

    def action_section(self, number: int) -> None:
        """Scroll the heading of section `number` (1-based) to the top."""
        headings = self.text.wrapped().headings
        if 1 <= number <= len(headings):
            self._scroll_to_line(headings[number - 1])

    def action_next_section(self, delta: int) -> None:
        """The next section's heading (`delta` 1) or the one before (-1) to the top."""
        scroll = self.query_one("#help-scroll", VerticalScroll)
        top = round(scroll.scroll_y) - self.text.virtual_region.y
        headings = self.text.wrapped().headings
        if delta > 0:
            later = [h for h in headings if h > top]
            target = later[0] if later else None
        else:
            earlier = [h for h in headings if h < top]
            target = earlier[-1] if earlier else 0
        if target is not None and not (delta > 0 and scroll.scroll_y >= scroll.max_scroll_y):
            self._scroll_to_line(target)

    async def action_search(self) -> None:
        """Show the search field (under the text) and type into it."""
        if not self.query("#help-search"):
            await self.query_one("#help-frame").mount(
                Horizontal(
                    PlainInput(placeholder=_("search the help"), id="help-search"),
                    Label("", id="help-search-count"),
                    id="help-search-bar",
                )
            )
        self.query_one("#help-search-bar").display = True
        self.query_one("#help-search", Input).focus()

    def _show_match(self) -> None:
        """Say which match of how many, and bring its line into sight."""
        text = self.text
        count = len(text.wrapped().matches)
        label = self.query_one("#help-search-count", Label)
        if text.search is None:
            label.update("")
        elif not count:
            label.update(_("no match"))
        else:
            label.update(_("{n} of {count}").format(n=text.current + 1, count=count))
        line = text.current_line()
        if line is not None:
            self._scroll_to_line(line, context=2)

    @on(Input.Changed, "#help-search")
    def _typed(self, event: Input.Changed) -> None:
        self.text.find(event.value)
        self._show_match()

    @on(Input.Submitted, "#help-search")
    def _next_match(self) -> None:
        self.text.step_match(1)
        self._show_match()

    def leave_search(self) -> None:
        """Hide the search field; the text as it was, scrolled where the search left it."""
        field = self.query_one("#help-search", Input)
        field.value = ""
        self.text.find("")
        self.query_one("#help-search-bar").display = False
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        """Escape in the search field leaves the search; otherwise close the help."""
        searching = self.query("#help-search")
        if searching and searching.first().has_focus:
            self.leave_search()
        else:
            self.dismiss()


def help_screen(app: Any) -> HelpScreen:
    """The help for `app`: its keys (from its bindings, in order) and its scenario."""
    from .title import UNTRAINED

    keys = []
    for b in app.BINDINGS:
        if not isinstance(b, Binding) or b.system or b.action == "help_quit":
            continue
        if not b.show and not b.action.startswith("show_pane") and b.action not in HIDDEN_LISTED:
            continue
        shown = b.key if b.action.startswith("show_pane") else app.get_key_display(b)
        what = b.description if b.key != "1" else N_("step view")
        keys.append((shown, what, KEY_NOTES.get(b.action, "")))
    if hasattr(app, "guide"):  # a lesson's app: its question's keys are the panel's
        keys.append((LESSON_ANSWER_KEYS, N_("answer"), LESSON_ANSWER_NOTE))
    keys.append(("^p", N_("command palette"), N_("built-in scenarios, sequences, themes and more")))
    scenario = app.scenario
    note = ""
    if not scenario.trained:
        note = _("{untrained}: the outputs are arbitrary until trained (t).")
        note = note.format(untrained=_(UNTRAINED))
    return HelpScreen(keys, about_blocks(scenario.title, scenario.description or "", note))
