"""Every action of the app beyond stepping, driven by Pilot: merge, cell, unit, views,
play, edit, open, built-ins, sequences, training, influence, screenshot, help, themes,
resizing, mouse."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from textual.command import CommandPalette
from textual.widgets import Input

from rnn_tui.engine.backward import influence
from rnn_tui.present.panes import equation_content
from rnn_tui.present.position import View
from rnn_tui.present.view import Stage
from rnn_tui.render.equation import agrees, num
from rnn_tui.render.palette import format_value
from rnn_tui.scenario import load_scenario
from rnn_tui.ui import make_app
from rnn_tui.ui.app import SPEEDS
from rnn_tui.ui.bars import StatusLine, ViewBar
from rnn_tui.ui.help import HelpScreen, HelpText
from rnn_tui.ui.screens import EditScreen, OpenScreen
from rnn_tui.ui.widgets import TokenStripView

DATA = Path(__file__).parent / "data"
INTENT = DATA / "snap-intent.toml"  # fixed copies: the built-in ones change as they are trained
INTENT_ZH = DATA / "snap-intent-zh.toml"


def messages(app) -> str:
    return "\n".join(n.message for n in app.notices)


def status(app) -> str:
    return app.query_one(StatusLine).plain


# --------------------------------------------------------------------------- merge
async def test_m_cycles_the_merge_and_keeps_the_weights_that_still_fit():
    app = make_app("bidirectional")
    origin = app.scenario.network
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("d", "d", "right")  # both, t = 2
        seen, said = [], []
        for expected in ("sum", "mean", "mul", "concat"):
            await pilot.press("m")
            net = app.stage.network
            assert net.merge == expected
            seen.append(net)
            said.append(messages(app))  # each message replaces the one before
            layer = app.trace.layers[0]
            merged = app.panel("state-merged")
            assert f"merged ({expected})" in merged.content.title
            np.testing.assert_array_equal(merged.data, layer.output[1])
            # layer 2 reads the new merge; the output follows
            np.testing.assert_array_equal(app.trace.layers[1].input, layer.output)
            assert f"merge {expected}" in status(app)
        # layer 1 kept the scenario's weights throughout; concat again: the original network
        for net in seen:
            np.testing.assert_array_equal(net.params["weight_ih_l0"], origin.params["weight_ih_l0"])
        assert seen[-1] is origin
        text = "\n".join(said)
        assert (
            "merge concat → sum: layer 1 keeps its weights; layer 2 and the readout get fresh seeded weights"
            in text
        )
        # sum, mean and mul: the very same weights, only the merge differs
        for name, value in seen[0].params.items():
            np.testing.assert_array_equal(seen[1].params[name], value)
            np.testing.assert_array_equal(seen[2].params[name], value)
        assert "every weight kept" in text  # sum → mean: no shape changed
        assert "the scenario's own weights again" in text


async def test_m_on_a_unidirectional_network_says_so():
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("m")
        assert app.stage.network.merge == "concat"
        assert "unidirectional" in messages(app)


# --------------------------------------------------------------------------- cell
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_c_cycles_rnn_lstm_gru_on_the_same_scenario(size):
    app = make_app(INTENT)
    origin = app.scenario
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.press("right", "right")
        await pilot.press("c")
        assert app.stage.network.cell == "lstm"
        assert app.view.t == 3 and app.scenario.tokens == origin.tokens
        assert app.panel("gates").display
        assert app.panel("gates").content.row_labels == ("i", "f", "g", "oᵍ", "c")
        assert "cell lstm" in status(app)
        assert "cell rnn → lstm: fresh seeded weights (untrained)" in messages(app)
        assert app.query_one("#untrained").display
        await pilot.press("c")
        assert app.stage.network.cell == "gru"
        assert app.panel("gates").content.row_labels == ("r", "z", "n")
        await pilot.press("c")
        assert app.stage.network is origin.network  # back to the scenario's own weights
        assert not app.panel("gates").display


# --------------------------------------------------------------------------- unit
async def test_brackets_select_a_unit_and_the_numbers_follow():
    app = make_app(INTENT)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right", "right", "right_square_bracket", "right_square_bracket")
        assert app.view.unit == 3
        assert app.panel("state-forward").content.highlight == (2,)
        await pilot.press("2")
        numbers = app.panel("numbers")
        assert numbers.content.exact
        (eq,) = numbers.content.equations
        assert eq.symbol == "s₃[3]"
        assert agrees(eq.result, app.trace.layers[0].forward.h[2, 2])
        await pilot.pause()
        text = numbers.text
        assert f"trace: {num(app.trace.layers[0].forward.h[2, 2])} ✓" in text
        assert "the only product done per step" in text
        await pilot.press("left_square_bracket", "left_square_bracket", "left_square_bracket")
        assert app.view.unit == 8  # wraps round
        await pilot.press("shift+right")
        assert app.view.unit == 1


@pytest.mark.parametrize(
    "scenario", ["lstm-gates", "gru-gates", "bidirectional", "deep", "elman-by-hand"]
)
def test_every_number_of_the_equation_agrees_with_the_trace(scenario):
    """Every step, unit, layer and direction: the panel's arithmetic gives the trace's
    values (the content the numbers view draws, without the screen)."""
    scenario = load_scenario(scenario)
    stage = Stage(scenario)
    directions = ("forward", "backward", "both") if stage.bidirectional else ("forward",)
    for layer in range(1, stage.num_layers + 1):
        for direction in directions:
            for t in range(1, stage.steps + 1):
                for unit in range(1, stage.hidden + 1):
                    view = View(t, layer, direction, unit)
                    content = equation_content(stage, view)
                    assert content.exact, view
                    for step in content.extra:
                        if step.trace is not None:
                            assert agrees(step.value, step.trace), (view, step.text)


async def test_a_click_on_a_state_cell_selects_its_unit():
    app = make_app(INTENT)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        state = app.panel("state-forward")
        # the cells start on the second line of the panel; unit 4's cell is the fourth block
        cell_width = (state.size.width - 2) // 8
        await pilot.click(state, offset=(1 + 3 * cell_width + 2, 1))
        assert app.view.unit == 4


async def test_a_click_in_the_history_selects_a_step_and_a_unit():
    app = make_app(INTENT)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("end", "4")
        await pilot.pause()
        history = app.panel("history")
        lines = history.text.splitlines()
        row = next(i for i, line in enumerate(lines) if line.lstrip().startswith("u3"))
        axis = next(line for line in lines if line.lstrip().startswith("t "))
        column = axis.index(" 2 ") + 1
        await pilot.click(history, offset=(column + 1, row))
        assert (app.view.t, app.view.unit) == (2, 3)


# --------------------------------------------------------------------------- views
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_number_keys_switch_the_view(size):
    app = make_app("bidirectional")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert app.pane == "step" and app.query_one("#step").display
        for key, pane in (("2", "numbers"), ("3", "layers"), ("4", "history"), ("5", "weights")):
            await pilot.press(key)
            assert app.pane == pane
            assert app.query_one(f"#{pane}").display
            assert not app.query_one("#step").display
            assert app.query_one(ViewBar).active == pane
            assert app.query_one(f"#{pane}").region.height > 0
        await pilot.press("1")
        assert app.pane == "step" and app.query_one("#step").display
        await pilot.click(ViewBar, offset=(30, 0))  # "3 layers" on the bar
        assert app.pane in ("layers", "numbers")


async def test_a_wide_screen_shows_every_view_at_once():
    app = make_app("bidirectional")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("d", "d")
        assert app.wide
        assert not app.query_one(ViewBar).display
        for pane in ("step", "numbers", "layers", "history", "weights"):
            assert app.query_one(f"#{pane}").display, pane
        for panel in ("state-forward", "state-backward", "state-merged", "numbers", "layers"):
            widget = app.panel(panel)
            assert widget.region.height > 0 and widget.region.bottom <= 46, panel
        await pilot.press("5")  # scrolls the weights into view
        assert app.query_one("#weights").region.height > 0


async def test_the_weights_are_drawn_once_and_the_projection_moves_with_t():
    app = make_app("vectorized")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        weights = app.panel("weights-matrices")
        first = weights.content
        await pilot.press("right", "right")
        assert weights.content is first  # the same drawing: nothing in it depends on t
        projection = app.panel("projection").content
        run = app.trace.layers[0].forward
        np.testing.assert_array_equal(projection.projection, run.projection)
        _, w_hh, _, b_hh = app.stage.network.weights(0, "forward")
        np.testing.assert_allclose(projection.recurrent, w_hh @ run.h[1] + b_hh)
        await pilot.pause()
        assert "used by every step" in weights.text
        assert "P = X·W_ihᵀ + b_ih" in app.panel("projection").text


async def test_bidirectional_weights_are_separate_for_each_direction():
    app = make_app("bidirectional")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d", "d", "5")
        headings = [heading for heading, _ in app.panel("weights-matrices").content.groups]
        assert any("forward: its own W" in h for h in headings)
        assert any("backward: its own W'" in h for h in headings)


async def test_history_fills_from_the_end_going_backward():
    app = make_app("bidirectional")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d", "4")  # backward, t = 1... the first backward step is t = T
        await pilot.press("home", "right")
        content = app.panel("history").content
        (block,) = content.blocks
        assert block.filled == "backward" and content.t == app.view.t == 5
        assert "from the end of the sentence" in content.title


async def test_layers_view_marks_the_selected_layer_and_its_links():
    app = make_app("deep")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "up")
        rows = app.panel("layers").content.rows
        assert [r.label for r in rows] == ["output", "layer 3", "layer 2", "layer 1", "input"]
        assert [r.selected for r in rows] == [False, False, True, False, False]
        assert "reads layer 1's state" in rows[2].link


# --------------------------------------------------------------------------- play
async def test_space_plays_to_the_end_and_stops(tmp_path):
    # 200 steps: a key press waits for the app to be idle (up to 2 s while it plays), so
    # the four presses below cost at most about 60 steps (2 s each at 2, 4, 8, 16 steps
    # a second) and the play is still going when the speed has changed
    path = tmp_path / "long-intent.toml"
    words = '"what", "time", "is", "it", "?"'
    long = ", ".join([words] * 40)
    path.write_text(INTENT.read_text().replace(f"tokens = [{words}]", f"tokens = [{long}]"))
    app = make_app(path)
    assert app.stage.steps == 200
    intervals: list[float] = []  # every timer the app sets: the play's tick among them
    set_interval = app.set_interval

    def recording(interval, *args, **kwargs):
        intervals.append(interval)
        return set_interval(interval, *args, **kwargs)

    app.set_interval = recording

    async def wait_until(done) -> None:
        deadline = time.monotonic() + 30
        while not done() and time.monotonic() < deadline:
            await pilot.pause(0.05)

    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("space")
        assert app.playing and "▶ 2/s" in status(app)
        assert intervals[-1] == 0.5
        await pilot.press("plus", "plus", "plus", "plus")  # 32 steps a second
        assert app.speed == len(SPEEDS) - 1
        assert app.playing and app.view.t < app.stage.steps and "▶ 32/s" in status(app)
        assert intervals[-1] == 1 / 32  # the running play was sped up, not only the label
        start = app.view.t
        await wait_until(lambda: app.view.t >= start + 5)
        assert app.playing and app.view.t >= start + 5  # still stepping by itself
        await pilot.press("end")  # the last step: the next tick ends the play
        await wait_until(lambda: not app.playing)
        assert app.view.t == app.stage.steps and not app.playing
        assert "The end of the sequence" in messages(app)
        await pilot.press(*["minus"] * len(SPEEDS))
        assert app.speed == 0  # a step every 2 seconds
        await pilot.press("space")  # from the end: starts again
        assert app.playing and app.view.t == 1 and intervals[-1] == 2
        await pilot.press("space")
        assert not app.playing


# --------------------------------------------------------------------------- edit
async def test_e_edits_the_sentence():
    app = make_app(INTENT)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("e")
        assert isinstance(app.screen, EditScreen)
        await pilot.press(*"ctrl+a".split())  # select all in the input, then type over it
        app.screen.query_one("#sentence").value = "is it time ?"
        await pilot.press("enter")
        assert not isinstance(app.screen, EditScreen)
        assert app.scenario.tokens == ["is", "it", "time", "?"]
        assert app.stage.steps == 4 and app.query_one(TokenStripView).steps == 4
        assert "Reading: is it time ?" in messages(app)


async def test_an_unknown_word_is_refused_with_a_message_and_nothing_changes():
    app = make_app(INTENT)
    tokens = list(app.scenario.tokens)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        app.screen.query_one("#sentence").value = "what zebra is it"
        await pilot.press("enter")
        assert isinstance(app.screen, EditScreen)  # still open
        error = app.screen.query_one("#edit-error")
        assert '"zebra" is not in the vocabulary' in str(error.render())
        app.screen.query_one("#sentence").value = "   "
        await pilot.press("enter")
        assert "empty" in str(app.screen.query_one("#edit-error").render())
        await pilot.press("escape")
        assert app.scenario.tokens == tokens


async def test_an_unknown_word_becomes_the_unknown_token_where_there_is_one(tmp_path):
    text = (
        (DATA / "seeded.toml")
        .read_text()
        .replace('encoding = "one-hot"', 'encoding = "one-hot"\nunknown = "<unk>"')
    )
    path = tmp_path / "unk.toml"
    path.write_text(text)
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        app.screen.query_one("#sentence").value = "one zebra three"
        await pilot.press("enter")
        assert not isinstance(app.screen, EditScreen)
        assert app.scenario.tokens == ["one", "zebra", "three"]
        np.testing.assert_array_equal(app.trace.inputs[1], app.scenario.encode(["<unk>"])[0])


async def test_e_on_vector_inputs_says_so():
    app = make_app("vectorized")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("e")
        assert not isinstance(app.screen, EditScreen)
        assert "vectors, not words" in messages(app)


# --------------------------------------------------------------------------- sequences
async def test_n_switches_the_named_input_sequence():
    app = make_app(INTENT_ZH)
    names = list(app.scenario.sequences)
    assert len(names) > 1 and names[1] == "天气"
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right")
        await pilot.press("n")
        assert app.scenario.sequence == "天气"
        assert app.scenario.tokens == ["今天", "会", "下雨", "吗", "？"]
        assert "sequence 天气" in status(app)
        assert app.view.t == 2  # kept where it fits
        for _ in names[1:]:
            await pilot.press("n")
        assert app.scenario.sequence == "default"


async def test_n_with_a_single_sequence_says_so():
    app = make_app(INTENT)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("n")
        assert "single input sequence" in messages(app)


# --------------------------------------------------------------------------- open
async def test_o_opens_a_file_and_a_broken_one_keeps_the_current_scenario(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('[model]\ncell = "rnn"\nhidden_size = "eight"\n')
    app = make_app(INTENT)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        assert isinstance(app.screen, OpenScreen)
        app.screen.query_one("#path").value = str(broken)
        await pilot.press("enter")
        assert isinstance(app.screen, OpenScreen)
        error = str(app.screen.query_one("#open-error").render())
        assert "the current scenario stays" in error
        assert "model.hidden_size" in error and str(broken) in error
        assert app.scenario.name == "snap-intent"
        app.screen.query_one("#path").value = str(DATA / "by-hand.toml")
        await pilot.press("enter")
        assert not isinstance(app.screen, OpenScreen)
        assert app.scenario.title == "Weights given by hand, for the app tests"
        assert (app.view.t, app.view.layer, app.view.direction) == (1, 1, "forward")
        assert app.query_one("#title").render().plain == app.scenario.title


async def test_the_file_tree_lists_only_scenario_files(tmp_path):
    (tmp_path / "a.toml").write_text("x")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / ".hidden.toml").write_text("x")
    (tmp_path / "sub").mkdir()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(OpenScreen(tmp_path))
        await pilot.pause(0.3)
        tree = app.screen.query_one("#tree")
        assert {str(node.label) for node in tree.root.children} == {"a.toml", "sub"}


async def palette(pilot, query: str) -> None:
    """Run the first command-palette hit for `query`."""
    await pilot.press("ctrl+p")
    assert isinstance(pilot.app.screen, CommandPalette)
    pilot.app.screen.query_one(Input).value = query
    await pilot.pause(0.2)
    await pilot.press("enter")
    await pilot.pause()


async def test_built_in_scenarios_open_from_the_command_palette():
    app = make_app(INTENT)
    async with app.run_test(size=(120, 40)) as pilot:
        await palette(pilot, "built-in scenario: deep")
        assert app.scenario.name == "deep"
        assert app.stage.num_layers == 3


async def test_the_command_palette_switches_merge_sequence_cell_and_view():
    app = make_app("bidirectional")
    async with app.run_test(size=(120, 40)) as pilot:
        await palette(pilot, "merge: mean")
        assert app.stage.network.merge == "mean"
        await palette(pilot, "cell: gru")
        assert app.stage.network.cell == "gru"
        await palette(pilot, "view: history")
        assert app.pane == "history"
    app = make_app(INTENT_ZH)
    async with app.run_test(size=(120, 40)) as pilot:
        await palette(pilot, "input sequence: 天气")
        assert app.scenario.sequence == "天气"


# --------------------------------------------------------------------------- training
async def test_t_trains_in_a_worker_and_the_heatmaps_switch_to_the_new_weights():
    app = make_app(INTENT)
    before = app.scenario.network
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("end", "t")
        assert "train" in status(app)
        await pilot.press("left")  # the interface answers while it trains
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.scenario.trained and app.scenario.network is not before
        assert not app.query_one("#untrained").display
        assert "trained: loss" in status(app) and "accuracy 1.00" in status(app)
        assert "Training done" in messages(app)
        # the trace and the panels are the new network's
        np.testing.assert_array_equal(
            app.trace.layers[0].forward.h, app.scenario.trace().layers[0].forward.h
        )
        await pilot.press("end")
        assert app.trace.prediction == "ask_time"  # what time is it ? after training
        assert app.panel("output").content.caveat == ""


async def test_t_without_examples_says_what_to_add():
    app = make_app("bidirectional")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("t")
        assert "Nothing to train on: this scenario has no [train] examples" in messages(app)
        assert not app.workers


# --------------------------------------------------------------------------- influence
async def test_the_influence_strip_is_the_engines_and_computed_once():
    app = make_app("memory-fade")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        expected = influence(app.stage.network, app.trace.inputs)
        np.testing.assert_allclose(app.influence, expected)
        computed = app.influence
        strip = app.query_one(TokenStripView)
        for t in range(1, 5):
            np.testing.assert_array_equal(strip.row, expected[t - 1])
            assert np.all(strip.row[t:] == 0)  # nothing from the future (unidirectional)
            await pilot.press("right")
        assert app.influence is computed  # not recomputed per keypress
        await pilot.press("i")
        assert strip.numbers
        third = strip.render_lines(strip.region.reset_offset)[2].text
        assert format_value(float(expected[4, 0]), 4) in third
        await pilot.press("c")  # another network: computed again
        assert app.influence is not computed


async def test_influence_of_a_huge_network_is_not_computed(tmp_path):
    path = tmp_path / "huge.toml"
    # 800 steps (< INFLUENCE_STEPS: skipped for its cost): the memory measure is skipped
    # too, so no background thread outlives the test (at 400 its ~10 s run did)
    path.write_text(
        'title = "huge"\n[model]\ncell = "rnn"\nhidden_size = 512\n[weights]\nseed = 1\n'
        "[input]\nvectors = [" + ", ".join("[0.5]" for _ in range(800)) + "]\n"
    )
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.influence is None
        assert "not computed" in app.query_one(TokenStripView).influence_note


# --------------------------------------------------------------------------- the rest
async def test_s_saves_an_svg_screenshot_and_says_where(tmp_path):
    app = make_app()
    app.screenshot_dir = tmp_path
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("s")
        assert app.last_screenshot is not None and app.last_screenshot.exists()
        assert app.last_screenshot.parent == tmp_path
        assert app.last_screenshot.read_text().startswith("<svg")
        assert f"Screenshot saved to {app.last_screenshot.resolve()}" in messages(app)


async def test_help_answers_the_tutorials_questions():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one(HelpText)
        source = text.plain
        bold = {
            block.text.plain[span.start : span.end]
            for section in text.sections
            for block in section.blocks
            for span in block.text.spans
            if span.style == "bold"
        }
        for question in ("3.4", "3.5", "正向和反向用到权重", "反向时句子顺序", "如何组合在一起"):
            assert question in source
        for view in ("numbers", "layers", "history", "weights"):
            assert view in bold
        described = {what for _, what, _ in app.screen.keys}
        for what in ("merge", "cell", "edit", "open", "screenshot", "play", "train", "sequence"):
            assert what in described


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "nord", "gruvbox",
                                   "catppuccin-latte", "solarized-light", "monokai", "dracula"])  # fmt: skip
async def test_every_built_in_theme_draws(theme):
    app = make_app("lstm-gates")
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = theme
        await pilot.press("right", "2", "3", "4", "5", "1")
        await pilot.pause()
        background = app.panel("state-forward").rich_style.bgcolor
        scale = app.panel("state-forward").content.scale
        look = app.panel("state-forward").look()
        for color in look.scale(scale).colors:  # no colour of the scale vanishes into the theme
            distance = np.linalg.norm(
                np.subtract(color.get_truecolor(), background.get_truecolor())
            )
            assert distance >= 39, (theme, color)


async def test_all_themes_switch_without_error():
    app = make_app("bidirectional")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("d", "d")
        for theme in sorted(app.available_themes):
            app.theme = theme
            await pilot.pause()


async def test_resizing_never_errors():
    app = make_app("bidirectional")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d", "d", "right")
        for i, size in enumerate([(80, 24), (40, 12), (200, 60), (20, 8), (100, 30), (150, 40)]):
            await pilot.resize_terminal(*size)
            await pilot.press("12345"[i % 5], "right")


async def test_cjk_tokens_line_up_in_the_strip():
    from rich.cells import cell_len

    app = make_app(INTENT_ZH)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right")
        await pilot.pause()
        strip = app.query_one(TokenStripView)
        words, index, *_ = [line.text for line in strip.render_lines(strip.region.reset_offset)]
        for t, word in enumerate(app.scenario.tokens, start=1):
            # each word (two cells a character) starts where its t= label starts
            assert cell_len(words[: words.index(word)]) == index.index(f"t={t}"), word


async def test_no_color_draws_shades(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("elman-by-hand")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right")
        await pilot.pause()
        assert app.no_color
        assert any(ch in app.panel("state-forward").text for ch in "░▒▓█")


async def test_a_long_wide_sequence_stays_fast(tmp_path):
    """T = 10,000 steps: the strip and the history show a window around t."""
    rng = np.random.default_rng(0)
    rows = ", ".join(f"[{x:.3f}]" for x in rng.standard_normal(10_000))
    path = tmp_path / "long.toml"
    path.write_text(
        f'title = "long"\n[model]\ncell = "gru"\nhidden_size = 16\n[weights]\nseed = 1\n'
        f"[input]\nvectors = [{rows}]\n"
    )
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("end", "left", "4")
        await pilot.pause()
        assert app.view.t == 9_999
        assert (
            "t=9999"
            in app.query_one(TokenStripView)
            .render_lines(app.query_one(TokenStripView).region.reset_offset)[1]
            .text
        )
        history = app.panel("history")
        assert "of 10000" in history.text
        assert len(history.text.splitlines()) < 40


async def test_a_1024_unit_layer_wraps_and_windows(tmp_path):
    path = tmp_path / "wide.toml"
    path.write_text(
        'title = "wide"\n[model]\ncell = "lstm"\nhidden_size = 1024\n[weights]\nseed = 1\n'
        "[input]\nvectors = [[1.0], [0.5]]\n[output]\nsize = 2\n"
    )
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right", "2", "3", "4", "right_square_bracket", "1")
        await pilot.pause()
        state = app.panel("state-forward")
        assert state.region.height < 20  # 1024 units: a few dense lines, not 1024 cells
        await pilot.press("5")
        await pilot.pause()
        assert "of 1024" in app.panel("weights-matrices").text


async def test_dearer_influence_is_computed_in_the_background(tmp_path):
    from rnn_tui.scenario.limits import INFLUENCE_INLINE, influence_cost

    path = tmp_path / "mid.toml"
    path.write_text(
        'title = "mid"\n[model]\ncell = "rnn"\nhidden_size = 64\n[weights]\nseed = 1\n'
        "[input]\nvectors = [" + ", ".join("[0.5]" for _ in range(40)) + "]\n"
    )
    app = make_app(path)
    assert influence_cost(app.stage.network, app.stage.steps) > INFLUENCE_INLINE
    async with app.run_test(size=(80, 24)) as pilot:
        strip = app.query_one(TokenStripView)
        assert app.influence is None and "computing" in strip.influence_note
        await pilot.press("right")  # the interface answers meanwhile
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.influence is not None and app.influence.shape == (40, 40)
        np.testing.assert_allclose(app.influence, influence(app.stage.network, app.trace.inputs))
