"""The app's keys: every binding, its group in the footer, and which the footer may drop."""

from __future__ import annotations

from textual.binding import Binding

from ..i18n import N_
from ..settings import SPEEDS as SPEEDS  # the one home of the playing speeds

# descriptions are marked with N_ and translated where they are shown (footer, help)
STEP = Binding.Group(N_("step"))
ENDS = Binding.Group(N_("first/last"))
LAYER = Binding.Group(N_("layer"))
SPEED = Binding.Group(N_("speed"))
UNIT = Binding.Group(N_("unit"))

OPTIONAL_KEYS = (
    "left",  # ← → step: the walk itself
    "down",  # ↓ ↑ layer
    "space",  # play
    "d",  # direction
    "m",  # merge
    "c",  # cell
    "r",  # record
    "t",  # train
    "left_square_bracket",  # [ ] unit
    "e",  # edit the input
    "n",  # next sequence
    "o",  # open a scenario (the palette has the built-in ones too)
    "k",  # follow input: for the memory view only
    "i",  # ∂ numbers: for the memory view only
    "minus",  # - + speed: only while playing, and play itself stays
    "1",  # 1-6 views: the view bar above the footer shows 1-6 anyway
    "s",  # screenshot: a convenience, not part of the walk
    "home",  # home end first/last: the widest entry, and ← → reach both ends
)
"""The footer's ranking: the keys it may leave out, most essential first. When two lines
cannot hold every entry it drops them from the end of this tuple, one by one, until the
rest fit (an entry of a group, ← → or [ ], goes by its best-ranked key). Keys not listed,
? help and ^q quit, always stay; the help lists every key."""


BINDINGS: list[Binding | tuple[str, str] | tuple[str, str, str]] = [
    Binding("ctrl+c", "help_quit", show=False, system=True),
    Binding("left", "step(-1)", N_("step back"), group=STEP, key_display="←"),
    Binding("right", "step(1)", N_("step forward"), group=STEP, key_display="→"),
    Binding("home", "first", N_("first step"), group=ENDS),
    Binding("end", "last", N_("last step"), group=ENDS),
    Binding("g", "go_to", N_("go to step"), show=False),
    Binding("down", "layer(-1)", N_("layer down"), group=LAYER, key_display="↓"),
    Binding("up", "layer(1)", N_("layer up"), group=LAYER, key_display="↑"),
    Binding("space", "play", N_("play"), key_display="space"),
    Binding("minus", "speed(-1)", N_("slower"), group=SPEED, key_display="-"),
    Binding("plus", "speed(1)", N_("faster"), group=SPEED, key_display="+"),
    Binding("equals_sign", "speed(1)", N_("faster"), show=False),
    Binding("d", "direction", N_("direction")),
    Binding("m", "merge", N_("merge")),
    Binding("left_square_bracket", "unit(-1)", N_("unit before"), group=UNIT, key_display="["),
    Binding("right_square_bracket", "unit(1)", N_("next unit"), group=UNIT, key_display="]"),
    Binding("shift+left", "unit(-1)", N_("unit before"), show=False),
    Binding("shift+right", "unit(1)", N_("next unit"), show=False),
    Binding("c", "cell", N_("cell")),
    Binding("e", "edit", N_("edit")),
    Binding("o", "open", N_("open")),
    Binding("r", "record", N_("record")),
    Binding("s", "screenshot", N_("screenshot")),
    # shown when the footer has room (the view bar shows 1-6 anyway); all in the help
    Binding("1", "show_pane('step')", N_("views"), key_display="1-6"),
    Binding("2", "show_pane('numbers')", N_("numbers view"), show=False),
    Binding("3", "show_pane('layers')", N_("layers view"), show=False),
    Binding("4", "show_pane('history')", N_("history view"), show=False),
    Binding("5", "show_pane('weights')", N_("weights view"), show=False),
    Binding("6", "show_pane('memory')", N_("memory view"), show=False),
    Binding("n", "sequence", N_("sequence")),
    Binding("t", "train", N_("train")),
    Binding("i", "influence_numbers", N_("∂ numbers")),
    Binding("k", "probe", N_("follow input")),
    Binding("D", "description", N_("description"), show=False),
    Binding("pageup", "page(-1)", N_("page up"), show=False),
    Binding("pagedown", "page(1)", N_("page down"), show=False),
    Binding("tab", "focus_pane(1)", N_("next pane"), show=False),
    Binding("shift+tab", "focus_pane(-1)", N_("pane before"), show=False),
    Binding("a", "note", N_("note"), show=False),
    Binding("y", "copy_numbers", N_("copy numbers"), show=False),
    Binding("escape", "close_training", N_("close training panel"), show=False),
    Binding("question_mark", "help", N_("help"), key_display="?"),
    Binding("ctrl+q", "quit", N_("quit"), priority=True),
    Binding("q", "quit", N_("quit"), show=False),  # as ctrl+q; a dialog's input types it
]


# ---------------------------------------------------------------- a lesson (rnn-tui learn)
LESSON = Binding.Group(N_("lesson"))


def _lesson_bindings() -> list[Binding | tuple[str, str] | tuple[str, str, str]]:
    """The app's bindings for a lesson: p and n move between the lesson's steps (n is
    no longer the next input sequence: the palette still has it) and v brings back the
    step's view; they come first in the footer. The answers to a question (1-8) are
    the lesson panel's keys (ui.lesson.LessonScroll), not the app's."""
    out: list[Binding | tuple[str, str] | tuple[str, str, str]] = []
    for binding in BINDINGS:
        if isinstance(binding, Binding) and binding.action == "sequence":
            continue
        out.append(binding)
        if isinstance(binding, Binding) and binding.key == "ctrl+c":
            out += [
                Binding("p", "lesson_step(-1)", N_("lesson step before"), group=LESSON),
                Binding("n", "lesson_step(1)", N_("next lesson step"), group=LESSON),
                Binding("v", "lesson_view", N_("step's view")),
            ]
    return out


LESSON_BINDINGS = _lesson_bindings()
LESSON_OPTIONAL_KEYS = tuple(key for key in OPTIONAL_KEYS if key != "n")
"""The footer's ranking in a lesson: p n and v always stay (n is the lesson's here)."""
