"""The app driven by Pilot: every key, at 120×40 and at 80×24, checked against the trace."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rnn_tui.scenario import BUILTIN_DEFAULT, load_scenario
from rnn_tui.ui import RnnTuiApp, make_app
from rnn_tui.ui.bars import KeyFooter, StatusLine
from rnn_tui.ui.help import HelpScreen
from rnn_tui.ui.widgets import FigureView, TokenStripView

DATA = Path(__file__).parent / "data"
SIZES = [(120, 40), (80, 24)]
ALL_KEYS = {
    "left", "right", "home", "end", "up", "down", "space", "minus", "plus", "d", "m",
    "left_square_bracket", "right_square_bracket", "c", "e", "o", "s", "question_mark", "ctrl+q",
}  # fmt: skip


def status(app: RnnTuiApp) -> str:
    return app.query_one(StatusLine).plain


def tokens(app: RnnTuiApp) -> TokenStripView:
    return app.query_one(TokenStripView)


def shown(app: RnnTuiApp, panel_id: str) -> bool:
    return app.panel(panel_id).display


def assert_panels_match(app: RnnTuiApp) -> None:
    """Every visible panel draws exactly the trace's row for the app's view."""
    trace, t, k = app.trace, app.view.t, app.view.layer - 1
    layer = trace.layers[k]
    np.testing.assert_array_equal(app.panel("input").data, layer.input[t - 1])
    if k == 0:
        np.testing.assert_array_equal(app.panel("input").data, trace.inputs[t - 1])
    if app.view.direction in ("forward", "both"):
        assert shown(app, "state-forward")
        np.testing.assert_array_equal(app.panel("state-forward").data, layer.forward.h[t - 1])
    else:
        assert not shown(app, "state-forward")
    if app.view.direction in ("backward", "both"):
        assert shown(app, "state-backward") and layer.backward is not None
        np.testing.assert_array_equal(app.panel("state-backward").data, layer.backward.h[t - 1])
    else:
        assert not shown(app, "state-backward")
    assert shown(app, "state-merged") == (app.view.direction == "both")
    if app.view.direction == "both":
        np.testing.assert_array_equal(app.panel("state-merged").data, layer.output[t - 1])
    assert tokens(app).current == t
    assert f"t = {t} / {trace.steps}" in status(app)
    assert f"layer {app.view.layer} / {len(trace.layers)}" in status(app)
    assert f"direction {app.view.direction}" in status(app)


def strip_text(panel: FigureView) -> str:
    return "\n".join(panel.render_line(y).text for y in range(panel.size.height))


# --------------------------------------------------------------------------- start
@pytest.mark.parametrize("size", SIZES)
async def test_starts_at_the_first_step_of_the_default_scenario(size):
    app = make_app(size=size)
    assert app.scenario.name == BUILTIN_DEFAULT
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert (app.view.t, app.view.layer, app.view.direction) == (1, 1, "forward")
        assert tokens(app).current_token == "what"
        assert_panels_match(app)
        text = status(app)
        for part in ("t = 1 / 5", "layer 1 / 1", "direction forward", "cell rnn"):
            assert part in text


@pytest.mark.parametrize("size", SIZES)
async def test_untrained_weights_are_said_so_visibly(size):
    app = make_app(DATA / "seeded.toml")
    assert not app.scenario.trained
    async with app.run_test(size=size) as pilot:
        await pilot.press("end")
        label = app.query_one("#untrained")
        assert "untrained (seeded) weights" in str(label.render())
        assert label.region.right <= size[0] and label.region.height == 1
        # and next to the prediction, which such weights make arbitrary
        assert "arbitrary" in app.panel("output").content.caveat


async def test_trained_weights_are_not_called_untrained():
    app = make_app(DATA / "by-hand.toml")
    assert app.scenario.trained
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not app.query_one("#untrained").display


# --------------------------------------------------------------------------- time
@pytest.mark.parametrize("size", SIZES)
async def test_right_and_left_step_through_time(size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press("right")
        assert app.view.t == 2
        assert tokens(app).current_token == "time"
        assert_panels_match(app)
        await pilot.press("right", "right")
        assert app.view.t == 4
        assert tokens(app).current_token == "it"
        assert_panels_match(app)
        await pilot.press("left")
        assert app.view.t == 3
        assert_panels_match(app)
        await pilot.press("left", "left", "left", "left")  # stops at t = 1
        assert app.view.t == 1
        assert_panels_match(app)


@pytest.mark.parametrize("size", SIZES)
async def test_home_and_end_jump_to_the_first_and_last_step(size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press("end")
        assert app.view.t == 5
        assert tokens(app).current_token == "?"
        assert_panels_match(app)
        await pilot.press("right")  # stays at T
        assert app.view.t == 5
        await pilot.press("home")
        assert app.view.t == 1
        assert_panels_match(app)


@pytest.mark.parametrize("size", SIZES)
async def test_many_to_one_output_exists_only_after_the_last_step(size):
    app = make_app()
    trace = app.trace
    async with app.run_test(size=size) as pilot:
        output = app.panel("output")
        for t in range(1, 5):
            assert app.view.t == t
            assert output.data is None
            assert "only after the last step (t = 5)" in output.content.caveat
            await pilot.press("right")
        assert app.view.t == 5
        np.testing.assert_array_equal(output.data, trace.outputs[0])
        name = trace.prediction
        p = trace.probabilities[0][trace.labels.index(name)]
        assert f"prediction: {name} (p = {p:.2f})" == output.content.prediction
        await pilot.pause()
        if size[1] >= 34:
            assert f"prediction: {name} (p = {p:.2f})" in strip_text(output)
        else:  # one line of bars names it
            assert f"{name} " in strip_text(output) and f"{p:.2f} ◀" in strip_text(output)


async def test_bidirectional_many_to_one_output_waits_for_the_end_of_the_reading():
    """Going backward the reading ends at t = 1; the output (forward at T merged with
    backward at 1) appears there."""
    app = make_app(DATA / "seeded.toml")
    trace = app.trace
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("end")
        np.testing.assert_array_equal(app.panel("output").data, trace.outputs[0])
        await pilot.press("d")  # backward, still at t = T: the start of its reading
        assert (app.view.direction, app.view.t) == ("backward", 4)
        assert app.panel("output").data is None
        await pilot.press("end")
        assert app.view.t == 1
        np.testing.assert_array_equal(app.panel("output").data, trace.outputs[0])
        await pilot.press("d")  # both: the merge (sum) is shown
        assert_panels_match(app)
        assert "merged (sum)" in app.panel("state-merged").content.title


async def test_readout_every_shows_o_t_at_each_step():
    app = make_app("elman-by-hand")
    trace = app.trace
    async with app.run_test(size=(120, 40)) as pilot:
        for t in range(1, trace.steps + 1):
            assert app.view.t == t
            np.testing.assert_array_equal(app.panel("output").data, trace.outputs[t - 1])
            assert_panels_match(app)
            await pilot.press("right")


async def test_heatmap_widget_draws_the_numbers_of_the_current_step():
    app = make_app("elman-by-hand")
    trace = app.trace
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right", "right")
        await pilot.pause()
        state = app.panel("state-forward")
        text = strip_text(state)
        assert text.startswith(" s₃  hidden state") or "s₃  hidden state" in text
        for value in trace.layers[0].forward.h[2]:
            assert f"{value:.2f}" in text
        # vector inputs get x₁ … x_T in the token strip
        assert tokens(app).current_token is None
        assert "x₃" in app.query_one(TokenStripView).strip().words


# --------------------------------------------------------------------------- layers
@pytest.mark.parametrize("size", SIZES)
async def test_up_and_down_move_between_layers(size):
    app = make_app("bidirectional")
    trace = app.trace
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.press("right", "right")
        await pilot.press("up")
        assert app.view.layer == 2
        assert "layer 2 / 2" in status(app)
        assert_panels_match(app)
        # layer 2 reads layer 1's merged states
        np.testing.assert_array_equal(app.panel("input").data, trace.layers[0].output[2])
        await pilot.press("up")  # already at the top
        assert app.view.layer == 2
        assert any("top layer" in n.message for n in app.notices)
        await pilot.press("down")
        assert app.view.layer == 1
        assert_panels_match(app)
        await pilot.press("down")
        assert app.view.layer == 1
        assert app.view.t == 3  # time is kept across layers


async def test_layer_keys_on_a_single_layer_network_say_so():
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("up")
        assert app.view.layer == 1
        assert any("single layer" in n.message for n in app.notices)


# --------------------------------------------------------------------------- direction
@pytest.mark.parametrize("size", SIZES)
async def test_d_cycles_forward_backward_both(size):
    app = make_app("bidirectional")
    trace = app.trace
    steps = trace.steps
    async with app.run_test(size=size) as pilot:
        await pilot.press("right")
        assert app.view.t == 2
        await pilot.press("d")
        assert app.view.direction == "backward"
        assert "direction backward" in status(app)
        assert app.view.t == 2
        assert_panels_match(app)
        # the strip runs from the end of the sentence
        assert tokens(app).order == list(range(steps, 0, -1))
        # going backward, "step forward" moves t down and home starts at T
        await pilot.press("right")
        assert app.view.t == 1
        assert tokens(app).current_token == trace.tokens[0]
        await pilot.press("home")
        assert app.view.t == steps
        assert tokens(app).current_token == trace.tokens[-1]
        assert_panels_match(app)
        await pilot.press("right")
        assert app.view.t == steps - 1
        assert_panels_match(app)
        await pilot.press("end")
        assert app.view.t == 1
        await pilot.press("left")
        assert app.view.t == 2

        await pilot.press("d")
        assert app.view.direction == "both"
        assert "direction both" in status(app)
        assert tokens(app).order == list(range(1, steps + 1))
        assert_panels_match(app)
        await pilot.press("right")
        assert app.view.t == 3
        assert_panels_match(app)

        await pilot.press("d")
        assert app.view.direction == "forward"
        assert_panels_match(app)


async def test_d_on_a_unidirectional_network_notifies():
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("d")
        assert app.view.direction == "forward"
        assert "direction forward" in status(app)
        assert any("unidirectional" in n.message for n in app.notices)


async def test_gates_panel_for_lstm():
    app = make_app("lstm-gates")
    trace = app.trace
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right")
        gates = app.panel("gates")
        assert gates.display
        run = trace.layers[0].forward
        expected = np.stack([run.gates[g][1] for g in ("i", "f", "g", "o")] + [run.c[1]])
        np.testing.assert_array_equal(gates.data, expected)
        assert gates.content.row_labels == ("i", "f", "g", "oᵍ", "c")


async def test_no_gates_panel_for_a_plain_rnn():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not app.panel("gates").display


# --------------------------------------------------------------------------- help, quit
@pytest.mark.parametrize("size", SIZES)
async def test_help_opens_and_closes(size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("right")  # keys of the main screen do not leak through
        assert app.view.t == 1
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("right")
        assert app.view.t == 2


async def test_help_explains_every_key():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        described = {what for _, what, _ in screen.keys}
        for what in ("step back", "step forward", "first step", "last step", "layer up",
                     "layer down", "direction", "help", "quit"):  # fmt: skip
            assert what in described


@pytest.mark.parametrize("size", SIZES)
async def test_ctrl_q_quits(size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_ctrl_q_quits_from_the_help_screen():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark", "ctrl+q")
        await pilot.pause()
        assert not app.is_running


# --------------------------------------------------------------------------- layout
@pytest.mark.parametrize("size", [*SIZES, (160, 48)])
async def test_footer_shows_every_key_inside_the_screen(size):
    app = make_app("bidirectional")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        placed = footer.layout_items()
        keys = {key for item, *_ in placed for key in item.keys}
        if size[0] >= 120:
            assert ALL_KEYS | {"n", "t", "i", "1", "k", "r"} <= keys  # every key, with room
        else:  # the least essential go (keys.OPTIONAL_KEYS); record, train, help, quit stay
            assert {"left", "up", "space", "r", "t", "question_mark", "ctrl+q"} <= keys
        assert footer.region.height <= KeyFooter.MAX_LINES
        assert footer.region.bottom == size[1]
        for item, line, _start, end in placed:
            assert line < KeyFooter.MAX_LINES and end <= size[0], item


async def test_a_click_on_a_footer_key_presses_it():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        item, line, start, _ = next(p for p in footer.layout_items() if "right" in p[0].keys)
        await pilot.click(KeyFooter, offset=(start + 3, line))
        assert app.view.t == 2


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scenario", ["intent", "bidirectional", "elman-by-hand"])
async def test_nothing_essential_is_cut_off(size, scenario):
    app = make_app(scenario)
    async with app.run_test(size=size) as pilot:
        await pilot.press("end")
        if app.stage.bidirectional:
            await pilot.press("d", "d")  # both: the most panels at once
        await pilot.pause()
        width, height = size
        for widget in (app.query_one("#title"), tokens(app), app.query_one(StatusLine)):
            assert widget.region.height >= 1 and widget.region.bottom <= height
            assert widget.region.right <= width
        # the essential part of the status line fits on the screen
        essential = status(app).split(" │ cell")[0]
        assert len(essential) + 2 <= width
        # every step panel is fully on screen without scrolling, above the footer (the
        # picture of the unrolled loop under them may need a scroll on a small screen)
        footer_top = app.query_one(KeyFooter).region.y
        for panel in app.query_one("#step").query(FigureView):
            if panel.display and panel.id != "diagram":
                assert panel.region.height > 0, panel.id
                assert panel.region.bottom <= footer_top, panel.id
                assert panel.region.right <= width, panel.id


async def test_every_panel_is_drawn_with_the_line_api():
    app = make_app("bidirectional")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d", "d")
        await pilot.pause()
        merged = app.panel("state-merged")
        first = merged.strips(merged.size.width)
        assert merged.strips(merged.size.width) is first  # cached until something changes
        assert "merged (concat)" in merged.render_line(0).text
        await pilot.press("right")
        assert merged.strips(merged.size.width) is not first


def test_make_app_rejects_an_unknown_scenario():
    from rnn_tui.scenario import ScenarioError

    with pytest.raises(ScenarioError):
        make_app("no-such-scenario")


def test_make_app_accepts_a_path():
    scenario = load_scenario(DATA / "by-hand.toml")
    app = make_app(str(DATA / "by-hand.toml"), size=(80, 24))
    assert app.scenario.title == scenario.title
    assert app.size_hint == (80, 24)


async def test_the_influence_strip_says_which_state_it_differentiates():
    """The engine's influence is of the top layer's merged state; on a stacked,
    bidirectional network the caption says so, as layer 1 forward is selected."""
    app = make_app(DATA / "snap-bidirectional.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert (app.view.layer, app.view.direction) == (1, "forward")
        text = strip_text(tokens(app))
        assert "‖∂s₁/∂xₖ‖ (top layer, both directions merged)" in text
    simple = make_app(DATA / "by-hand.toml")
    async with simple.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "‖∂s₁/∂xₖ‖ (i: numbers)" in strip_text(tokens(simple))
