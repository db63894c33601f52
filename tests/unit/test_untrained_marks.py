"""Weights a cell or merge switch drew fresh are marked untrained on every panel they
compute, in the title bar (which parts), and the file's description (about its own
weights) gives way to a sentence saying these are not them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from rnn_tui.present.position import View
from rnn_tui.present.view import Look, Stage
from rnn_tui.scenario import load_scenario
from rnn_tui.ui.title import switched_note, untrained_badge

SEEDED = Path(__file__).parents[1] / "app" / "data" / "seeded.toml"


def header(content) -> str:
    """The first line of a panel as drawn: its title (and the mark)."""
    console = Console(width=160, record=True, color_system=None)
    console.print(content.renderable(Look()))
    return console.export_text().splitlines()[0]


def marked(stage: Stage, view: View) -> dict[str, bool]:
    return {
        name: content.untrained
        for name, content in stage.panels(view).items()
        if content is not None
    }


@pytest.fixture(scope="module")
def intent():
    return load_scenario("intent")


@pytest.fixture
def trained_seeded():
    """seeded.toml (2 layers, bidirectional, merge sum) as if its weights were trained."""
    return replace(load_scenario(SEEDED), trained=True)


def test_the_files_own_weights_are_not_marked(intent):
    stage = Stage(intent)
    assert intent.fresh == ()
    assert not any(marked(stage, View(t=5)).values())
    assert "untrained" not in header(stage.panels(View(t=5))["output"])
    assert untrained_badge(intent) == "" and switched_note(intent) == ""


def test_a_cell_switch_marks_every_panel_with_weights(intent):
    lstm = intent.switch(cell="lstm").scenario
    assert set(lstm.fresh) == set(lstm.network.params)
    stage = Stage(lstm)
    for t in (1, 5):
        marks = marked(stage, View(t=t))
        assert marks == {"output": True, "state-forward": True, "gates": True, "input": False}
        panels = stage.panels(View(t=t))
        for name in ("output", "state-forward", "gates"):
            line = header(panels[name])
            # beside the title, before the equation
            assert line.startswith(panels[name].title + "   untrained "), name
        assert "untrained" not in header(panels["input"])
    assert untrained_badge(lstm) == "untrained: whole network"
    assert switched_note(lstm) == (
        "The file's description is about its own trained RNN weights; these are fresh "
        "seeded weights for LSTM (press c to cycle back, t to train)."
    )


def test_training_or_going_back_home_clears_the_marks(intent):
    lstm = intent.switch(cell="lstm").scenario
    # trained: the same weights, now called trained (what `t` does when it finishes)
    trained = lstm.with_weights(dict(lstm.network.params), trained=True)
    assert trained.fresh == () and not any(marked(Stage(trained), View(t=5)).values())
    assert untrained_badge(trained) == "" and switched_note(trained) == ""
    home = lstm.switch(cell="gru").scenario.switch(cell="rnn").scenario
    assert home.fresh == () and not any(marked(Stage(home), View(t=5)).values())
    assert untrained_badge(home) == "" and switched_note(home) == ""


def test_a_merge_switch_marks_only_the_parts_drawn_fresh(trained_seeded):
    concat = trained_seeded.switch(merge="concat").scenario
    fresh = set(concat.fresh)
    # layer 1 keeps its weights; layer 2 reads a wider merged state, so does the readout
    assert not any(name.endswith("_l0") or name.endswith("_l0_reverse") for name in fresh)
    assert {"weight_ih_l1", "weight_ih_l1_reverse", "readout.weight"} <= fresh
    stage = Stage(concat)
    both = View(t=2, layer=1, direction="both")
    assert marked(stage, both) == {
        "output": True,
        "state-forward": False,
        "state-backward": False,
        "state-merged": False,
        "input": False,
    }
    top = View(t=2, layer=2, direction="both")
    assert marked(stage, top) == {
        "output": True,
        "state-forward": True,
        "state-backward": True,
        "state-merged": True,
        "input": False,
    }
    assert untrained_badge(concat) == "untrained: layer 2, readout"
    assert switched_note(concat) == (
        "The file's description is about its own trained weights with merge sum; with "
        "merge concat, layer 2 and readout got fresh seeded weights (press m to cycle "
        "back, t to train)."
    )


def test_the_mark_follows_the_direction_whose_weights_are_fresh(trained_seeded):
    concat = trained_seeded.switch(merge="concat").scenario
    # only the backward direction of layer 2 drawn fresh (as a partial switch would)
    one_way = replace(concat, fresh=("weight_ih_l1_reverse", "weight_hh_l1_reverse"))
    stage = Stage(one_way)
    marks = marked(stage, View(t=2, layer=2, direction="both"))
    assert marks["state-backward"] and marks["state-merged"]
    assert not marks["state-forward"] and not marks["output"]
    back = marked(stage, View(t=2, layer=2, direction="backward"))
    assert back["state-backward"]
    gru = Stage(replace(one_way.switch(cell="gru").scenario, fresh=one_way.fresh))
    assert marked(gru, View(t=2, layer=2, direction="backward"))["gates"]
    assert not marked(gru, View(t=2, layer=2, direction="forward"))["gates"]


def test_a_merge_switch_keeping_every_weight_says_so(trained_seeded):
    mean = trained_seeded.switch(merge="mean").scenario
    assert mean.fresh == () and not mean.trained  # every shape fits: all kept
    np.testing.assert_array_equal(
        mean.network.params["weight_ih_l1"], trained_seeded.network.params["weight_ih_l1"]
    )
    assert not any(marked(Stage(mean), View(t=2, layer=2, direction="both")).values())
    assert untrained_badge(mean) == "trained for merge sum, not mean"
    assert "these are the same weights with merge mean, not trained for it" in switched_note(mean)


def test_the_files_seeded_weights_keep_the_plain_badge():
    seeded = load_scenario(SEEDED)
    assert not seeded.trained and seeded.fresh == ()
    assert untrained_badge(seeded) == "untrained (seeded) weights"
    assert switched_note(seeded) == ""  # the file's description is about these weights


def test_a_merge_switch_of_untrained_weights_does_not_imply_the_rest_is_trained():
    """bidirectional's own weights are seeded: after m, layer 2 and the readout are
    fresh, and layer 1 kept is untrained too, so the badge says all is untrained."""
    from rnn_tui.ui.title import UNTRAINED, untrained_badge

    scenario = load_scenario("bidirectional")
    assert not scenario.trained
    switched = scenario.switch(merge="sum").scenario
    assert switched.fresh and not set(switched.fresh) >= set(switched.network.params)
    assert untrained_badge(switched) == UNTRAINED


def test_an_edited_sentence_is_not_described_by_the_files_words():
    """intent's description says o_5 decides: true for its 5-word sentence, not for a
    4-word one typed with e; memory-fade's title counts 50 tokens. The line says whose
    sentence the file's words are about; the file's own sentences keep them."""
    from rnn_tui.ui.title import description_text

    intent = load_scenario("intent")
    assert description_text(intent) == (intent.description, False)
    typed = intent.with_tokens(["what", "time", "is", "it"])
    said, hint = description_text(typed)
    assert "(4 steps)" in said and "o_5" not in said and hint
    fade = load_scenario("memory-fade")
    assert description_text(fade.select("B"))[0] == fade.description
    assert "(8 steps)" in description_text(fade.with_tokens(list("ABwxyzAB")))[0]
