"""The help screen: what each panel shows and what each key does."""

from __future__ import annotations

import re
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from ..i18n import N_, _
from .screens import MODAL_FRAME

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
    "help": N_("this screen"),
    "quit": N_("leave rnn-tui (q too, except while typing in a dialog)"),
}
"""A longer word on each action, for the help screen (keyed by the binding's action)."""
HIDDEN_LISTED = ("go_to", "description")
"""Keys left out of the footer that the help lists all the same."""

_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
"""Every ASCII punctuation character: CommonMark lets each be backslash-escaped."""


def markdown_literal(text: str) -> str:
    """`text` (from a file) as Markdown that shows it as written, on one line: every
    ASCII punctuation character backslash-escaped, so no emphasis, link, image, HTML,
    entity, heading or list comes from it (and no link to click)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


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


class HelpScreen(ModalScreen[None]):
    """Explains the panels and lists the keys; escape or ? closes it."""

    BINDINGS = [
        Binding("escape", "close", N_("close")),
        Binding("question_mark", "close", N_("close"), key_display="?"),
    ]
    DEFAULT_CSS = f"""
    HelpScreen {{
        align: center middle;
        & > VerticalScroll {{
            width: 90%;
            max-width: 96;
            height: 90%;
            {MODAL_FRAME}
        }}
        Markdown {{ background: $surface; margin: 0; }}
    }}
    """

    def __init__(self, keys: list[tuple[str, str, str]], scenario_text: str = "") -> None:
        """keys: (key as shown, what it does, a longer explanation or "") for each key;
        scenario_text: Markdown about the scenario on screen."""
        super().__init__()
        self.keys = keys
        self.scenario_text = scenario_text

    def compose(self) -> ComposeResult:
        rows = "\n".join(
            f"- `{key}` **{_(what)}**" + (f"{_(': ')}{_(why)}" if why else "")
            for key, what, why in self.keys
        )
        keys = "## " + _("Keys") + f"\n\n{rows}\n"
        about = (
            "## " + _("This scenario") + f"\n\n{self.scenario_text}\n" if self.scenario_text else ""
        )
        with VerticalScroll() as scroll:
            scroll.border_title = _("rnn-tui help")
            scroll.border_subtitle = _("escape or ? closes")
            yield Markdown(keys + "\n" + _(PANELS_HELP) + "\n" + _(QUESTIONS_HELP) + "\n" + about)

    def action_close(self) -> None:
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
    keys.append(("^p", N_("command palette"), N_("built-in scenarios, sequences, themes and more")))
    # the scenario's text is data: every Markdown character in it escaped
    scenario = app.scenario
    about = f"**{markdown_literal(scenario.title)}**"
    if scenario.description:
        about += "\n\n" + markdown_literal(scenario.description)
    if not scenario.trained:
        note = _("{untrained}: the outputs are arbitrary until trained (t).")
        about += "\n\n*" + note.format(untrained=_(UNTRAINED)) + "*"
    return HelpScreen(keys, about)
