"""Many-to-one (tutorial section 4): the readout's o_t at the steps read are shown,
computed for display, beside the o_T the model uses; and the known right answer beside
the prediction, marked ✓ or ✗. Every number is recomputed here with numpy."""

from __future__ import annotations

import numpy as np
import pytest
from rich.console import Console
from rich.style import Style

from rnn_tui.engine.memory import trace_step_outputs
from rnn_tui.present import view as view_module
from rnn_tui.present.position import View
from rnn_tui.present.view import WINDOW, Look, Stage
from rnn_tui.render.notation import sub
from rnn_tui.scenario import load_scenario

GOOD, BAD = Style(color="green"), Style(color="red", bold=True)
LOOK = Look(styles={"good": GOOD, "bad": BAD})


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def by_hand(scenario) -> np.ndarray:
    """(T, O) W_oh s_t + b_o of the top layer's merged state, recomputed from the trace's
    states and the readout's weights."""
    trace = scenario.trace()
    states = np.asarray(trace.layers[-1].output, dtype=np.float64)
    w = scenario.network.params["readout.weight"].astype(np.float64)
    b = scenario.network.params["readout.bias"].astype(np.float64)
    return states @ w.T + b


def rendered(content, look: Look = LOOK, width: int = 120) -> str:
    console = Console(width=width, record=True, color_system=None, legacy_windows=False)
    console.print(content.renderable(look))
    return console.export_text()


@pytest.fixture(scope="module")
def intent():
    return load_scenario("intent")


def test_the_rows_are_the_readout_at_each_step_up_to_t(intent):
    stage = Stage(intent)
    expected = softmax(by_hand(intent))
    labels = intent.labels
    for t in range(1, stage.steps + 1):
        shown = stage.output_panel(View(t=t)).shown
        assert shown is not None
        assert [row[0] for row in shown.rows] == list(range(max(1, t - WINDOW + 1), t + 1))
        for t_, label, p in shown.rows:
            best = int(np.argmax(expected[t_ - 1]))
            assert label == labels[best]
            assert p == pytest.approx(expected[t_ - 1, best], abs=1e-6)
        # o_T is the model's own output: marked only when reached
        assert shown.used == stage.steps
        assert shown.heading == "o₁ o₂ o₃ o₄ computed for display; the model uses only o₅"


def test_the_last_row_is_the_models_own_output_for_a_one_way_network(intent):
    trace = intent.trace()
    rows = trace_step_outputs(intent.network, trace)
    np.testing.assert_allclose(rows, by_hand(intent), atol=1e-5)
    np.testing.assert_allclose(rows[-1], trace.outputs[0], atol=1e-5)
    shown = Stage(intent).output_panel(View(t=5)).shown
    assert shown.rows[-1][2] == pytest.approx(float(trace.probabilities[0].max()), abs=1e-6)


def table(text: str) -> list[list[str]]:
    """The three lines under the heading (o_t, label, p) split into their cells."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if "computed for display" in line)
    return [line.split() for line in lines[at + 1 : at + 4]]


def test_the_rows_are_drawn_as_columns_and_the_used_one_is_marked(intent):
    stage = Stage(intent)
    p = softmax(by_hand(intent))
    text = rendered(stage.output_panel(View(t=3)))
    assert "o₁ o₂ o₃ o₄ computed for display; the model uses only o₅" in text
    names, labels, values = table(text)
    assert names == ["o₁", "o₂", "o₃"]  # o₄ and o₅ not read yet
    assert labels == [intent.labels[int(np.argmax(row))] for row in p[:3]]
    assert values == [f"{row.max():.2f}" for row in p[:3]]
    assert "◀ the model's output" not in text
    names, labels, values = table(rendered(stage.output_panel(View(t=5))))
    assert names == ["o₁", "o₂", "o₃", "o₄", "o₅", "◀", "the", "model's", "output"]
    assert labels == [intent.labels[int(np.argmax(row))] for row in p]
    assert values == [f"{row.max():.2f}" for row in p]


def test_a_short_screen_shows_the_current_row_only(intent):
    stage = Stage(intent)
    p = softmax(by_hand(intent))
    short = Look(tall=False)
    text = rendered(stage.output_panel(View(t=3)), short)
    label = intent.labels[int(np.argmax(p[2]))]
    assert f"  o₃  {label}  {p[2].max():.2f}" in text and "o₂" not in text.split("o₅")[1]


def test_a_long_sequence_computes_only_the_window(monkeypatch):
    scenario = load_scenario("memory-fade")
    rng = np.random.default_rng(0)
    tokens = ["A", *rng.choice(["w", "x", "y", "z"], 99_999).tolist()]
    long = scenario.with_tokens(tokens)
    stage = Stage(long)
    assert stage.steps == 100_000
    seen: list[int] = []
    real = view_module.step_outputs

    def counting(network, states):
        seen.append(len(states))
        return real(network, states)

    monkeypatch.setattr(view_module, "step_outputs", counting)
    t = 54_321
    shown = stage.output_panel(View(t=t)).shown
    assert seen == [WINDOW]  # five rows, not 100,000
    assert not shown.first and [row[0] for row in shown.rows] == list(range(t - 4, t + 1))
    # the numbers: W_oh s_t + b_o of those steps, recomputed
    states = np.asarray(stage.trace.layers[-1].output[t - 5 : t], dtype=np.float64)
    w = long.network.params["readout.weight"].astype(np.float64)
    b = long.network.params["readout.bias"].astype(np.float64)
    p = softmax(states @ w.T + b)
    assert [row[2] for row in shown.rows] == pytest.approx(p.max(axis=1).tolist(), abs=1e-6)
    names = table(rendered(stage.output_panel(View(t=t))))[0]
    assert names == ["…", *(f"o{sub(k)}" for k in range(t - 4, t + 1))]  # steps before it


def test_bidirectional_rows_are_said_not_to_be_the_models_output():
    from pathlib import Path

    seeded = load_scenario(Path(__file__).parents[1] / "app" / "data" / "seeded.toml")
    stage = Stage(seeded)
    T = stage.steps
    shown = stage.output_panel(View(t=T)).shown
    assert shown.used is None  # the model reads →s_T with ←s_1: no row is its output
    assert "reads →s₄ and ←s₁, which is none of these rows" in shown.heading
    p = softmax(by_hand(seeded))
    assert [row[2] for row in shown.rows] == pytest.approx(p.max(axis=1).tolist(), abs=1e-6)
    # and the model's output is indeed not the last row
    model = seeded.trace().probabilities[0]
    assert not np.allclose(model, p[-1], atol=1e-4)
    assert "◀ the model's output" not in rendered(stage.output_panel(View(t=T)))


# --------------------------------------------------------------------------- the answer
def test_the_right_answer_is_marked_beside_a_right_prediction(intent):
    assert intent.expected() == "ask_time"  # the first example: "what time is it ?"
    content = Stage(intent).output_panel(View(t=5))
    assert content.answer == "ask_time" and content.correct is True
    text = rendered(content)
    assert "prediction: ask_time (p = 1.00)  ✓ right answer: ask_time" in text


def test_a_wrong_prediction_is_marked_wrong(intent):
    # a held-out example the trained model gets wrong (67% of them are right)
    wrong = []
    for example in intent.heldout:
        s = intent.with_tokens(example["text"].split())
        if s.trace().prediction != example["label"]:
            wrong.append((s, example["label"]))
    assert wrong, "the held-out set has mistakes (8 of 12 right)"
    s, label = wrong[0]
    trace = s.trace()
    content = Stage(s).output_panel(View(t=s.inputs.shape[0]))
    assert content.answer == label and content.correct is False
    p = float(trace.probabilities[0].max())
    text = rendered(content)
    assert f"prediction: {trace.prediction} (p = {p:.2f})  ✗ right answer: {label}" in text


def test_the_mark_uses_the_themes_good_and_bad_styles(intent):
    console = Console(width=120, record=True, color_system="truecolor")
    right = Stage(intent).output_panel(View(t=5))
    segments = list(console.render(right.renderable(LOOK)))
    assert any("✓ right answer" in s.text and s.style == GOOD for s in segments)
    wrong = Stage(intent).output_panel(View(t=5))
    object.__setattr__(wrong, "correct", False)
    segments = list(console.render(wrong.renderable(LOOK)))
    assert any("✗ right answer" in s.text and s.style == BAD for s in segments)


def test_answers_set_on_the_scenario_are_used_while_the_tokens_are_the_files():
    scenario = load_scenario("memory-fade")
    said = scenario.trace().prediction
    other_label = next(label for label in scenario.labels if label != said)
    scenario.answers = {"default": other_label}  # what the model does not say
    content = Stage(scenario).output_panel(View(t=50))
    assert content.answer == other_label and content.correct is False
    assert f"✗ right answer: {other_label}" in rendered(content)
    scenario.answers = {"default": said}
    content = Stage(scenario).output_panel(View(t=50))
    assert content.correct is True and f"✓ right answer: {said}" in rendered(content)
    # other tokens: the answer no longer applies
    other = scenario.with_tokens(["B", *scenario.tokens[1:]])
    assert other.expected() is None
    content = Stage(other).output_panel(View(t=50))
    assert content.answer == "" and "right answer" not in rendered(content)


def test_no_answer_before_the_last_step_or_on_a_short_screen_without_it(intent):
    before = Stage(intent).output_panel(View(t=4))
    assert before.answer == "" and "right answer" not in rendered(before)
    # a short screen drops the prediction sentence (the bars name it): the mark stays
    short = rendered(Stage(intent).output_panel(View(t=5)), Look(tall=False))
    assert "prediction: ask_time" not in short and "✓ right answer: ask_time" in short
    assert "computed for display" not in short  # the answer takes the o_t line's place
