"""The help screen: what each panel shows and what each key does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

KEY_NOTES = {
    "step(1)": "one step along the reading order (going backward, t goes down)",
    "step(-1)": "one step back along the reading order",
    "first": "the first step of the reading order (t = T going backward)",
    "last": "the last step of the reading order, where a many-to-one output appears",
    "layer(1)": "one layer up the stack (layer 1 is the bottom one)",
    "layer(-1)": "one layer down the stack",
    "direction": "forward → backward → both (bidirectional networks only)",
    "help": "this screen",
    "quit": "leave rnn-tui",
}
"""A longer word on each action, for the help screen (keyed by the binding's action)."""

PANELS_HELP = """\
## The screen

The panels follow the unrolled figure of the tutorial: the output **o** on top, the
hidden state **s** in the middle, the input **x** at the bottom. Time runs left to
right in the token strip; layer 1 is the bottom layer.

- **token strip**: the sentence in reading order, the current word highlighted. Going
  *backward* the strip runs from the end of the sentence, since that is the order in
  which the backward direction reads it.
- **status line**: the step `t = 3 / 5`, the layer, the direction and the cell.
- **x_t**: the input vector at step t (an embedding or one-hot row of the word).
  Above layer 1 this is the output of the layer below at the same t.
- **s_t**: the hidden state, with its equation: s_t = tanh(W_ih x_t + W_hh s_t-1 + b).
  The same weights serve every step. The backward direction has its own weights (W′)
  and reads s_t+1. With *both* directions shown, the merged state is what the next
  layer (or the readout) reads.
- **o_t**: the output. A readout at every step shows o_t; a many-to-one readout (the
  intent example) has a single o, after the last step, and names its prediction.
- **gates** (LSTM, GRU): one row per gate at step t, and the LSTM cell state c_t.
- **colours**: blue is negative, near-white zero, red positive; the legend on each
  panel gives its range, fixed for the whole sentence so colours compare across steps.
  States of a σ RNN (0 to 1) go dark purple to yellow. Vectors of up to 16 units show
  their numbers under the cells.
"""


class HelpScreen(ModalScreen[None]):
    """Explains the panels and lists the keys; escape or ? closes it."""

    BINDINGS = [
        Binding("escape", "close", "close"),
        Binding("question_mark", "close", "close", key_display="?"),
    ]
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > VerticalScroll {
            width: 90%;
            max-width: 96;
            height: 90%;
            border: thick $primary;
            border-title-color: $text-primary;
            border-title-style: bold;
            border-subtitle-color: $text-muted;
            background: $surface;
            padding: 0 1;
        }
        Markdown { background: $surface; margin: 0; }
    }
    """

    def __init__(self, keys: list[tuple[str, str, str]], scenario_text: str = "") -> None:
        """keys: (key as shown, what it does, a longer explanation or "") for each key;
        scenario_text: Markdown about the scenario on screen."""
        super().__init__()
        self.keys = keys
        self.scenario_text = scenario_text

    def compose(self) -> ComposeResult:
        rows = "\n".join(
            f"- `{key}` **{what}**" + (f": {why}" if why else "") for key, what, why in self.keys
        )
        keys = f"## Keys\n\n{rows}\n"
        about = f"## This scenario\n\n{self.scenario_text}\n" if self.scenario_text else ""
        with VerticalScroll() as scroll:
            scroll.border_title = "rnn-tui help"
            scroll.border_subtitle = "escape or ? closes"
            yield Markdown(keys + "\n" + PANELS_HELP + "\n" + about)

    def action_close(self) -> None:
        self.dismiss()
