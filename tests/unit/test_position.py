"""present.position.View: the one view-position type of the app, the stage and sessions."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from rnn_tui.present.position import DIRECTIONS, View
from rnn_tui.present.view import Stage
from rnn_tui.scenario import load_scenario


@pytest.fixture(scope="module")
def two_way():
    return load_scenario("bidirectional")  # T = 6, 2 layers, H = 4, both directions


def test_a_view_is_frozen_with_defaults():
    view = View()
    assert (view.t, view.layer, view.direction, view.unit) == (1, 1, "forward", 1)
    with pytest.raises(FrozenInstanceError):
        view.t = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("direction", "reading", "shown", "later", "previous"),
    [
        ("forward", "forward", ("forward",), 4, 2),
        ("backward", "backward", ("backward",), 2, 4),
        ("both", "forward", ("forward", "backward"), 4, 2),  # "both" steps forward
    ],
)
def test_reading_order_by_direction(direction, reading, shown, later, previous):
    view = View(t=3, direction=direction)
    assert view.reading == reading
    assert view.shown == shown
    assert view.stepped(1).t == later
    assert view.stepped(-1).t == 6 - later
    assert view.previous() == previous


def test_the_previous_step_of_each_run():
    """s_{t-1} going forward, s_{t+1} going backward; 0 and T + 1 at the edges."""
    both = View(t=3, direction="both")
    assert (both.previous("forward"), both.previous("backward")) == (2, 4)
    assert View(t=1).previous() == 0
    assert View(t=6, direction="backward").previous() == 7


def test_first_and_last_in_reading_order():
    forward, backward = View(t=3), View(t=3, direction="backward")
    assert (forward.first(6).t, forward.last(6).t) == (1, 6)
    assert (backward.first(6).t, backward.last(6).t) == (6, 1)  # backward reads T down to 1
    assert View(t=1, direction="backward").is_last(6)
    assert not View(t=1).is_last(6)
    assert View(t=6, direction="both").is_last(6)


def test_the_d_key_cycles_the_directions():
    view = View()
    seen = []
    for _ in DIRECTIONS:
        seen.append(view.direction)
        view = view.turned()
    assert tuple(seen) == DIRECTIONS == ("forward", "backward", "both")
    assert view.direction == "forward"


def test_clamping_to_a_network(two_way):
    stage = Stage(two_way)  # T = 6, 2 layers, H = 4, both directions
    assert stage.clamp(View(t=0, layer=0, direction="both", unit=0)) == View(1, 1, "both", 1)
    assert stage.clamp(View(t=99, layer=9, direction="x", unit=99)) == View(6, 2, "forward", 4)
    one_way = Stage(load_scenario("elman-by-hand"))
    assert one_way.clamp(View(t=2, direction="backward")) == View(t=2)


def test_the_stage_steps_with_the_view(two_way):
    stage = Stage(two_way)
    for direction in DIRECTIONS:
        view = View(t=3, layer=2, direction=direction, unit=2)
        assert stage.clamp(view) == view
        for delta in (-9, -1, 1, 9):
            assert stage.step(view, delta) == stage.clamp(view.stepped(delta))
        assert stage.first(view) == view.first(6)
        assert stage.last(view) == view.last(6)
        assert stage.is_last(stage.last(view))
    assert stage.step(View(t=6), 1).t == 6
    assert stage.step(View(t=1, direction="backward"), 1).t == 1


def test_a_view_round_trips_through_a_session_line():
    view = View(t=4, layer=2, direction="both", unit=3)
    assert view.to_dict() == {"t": 4, "layer": 2, "direction": "both", "unit": 3}
    assert View.from_dict(view.to_dict()) == view
    assert View.from_dict({"t": 2}) == View(t=2)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "view: expected an object, found list"),
        ({"t": "2"}, "view.t: expected int, found '2'"),
        ({"t": True}, "view.t: expected int, found True"),
        ({"unit": 0}, "view.unit: outside 1..1000000000"),
        ({"direction": "up"}, "view.direction: expected one of forward, backward, both"),
    ],
)
def test_a_malformed_view_names_its_field(data, message):
    with pytest.raises(ValueError) as caught:
        View.from_dict(data)
    assert str(caught.value) == message


def test_the_views_a_key_away_likeliest_first(two_way):
    """What the app draws ahead while idle (Body's prefetch): → ←, d, ↑ ↓, ] [, end,
    home, each as its key would make it, none twice and not the view itself."""
    stage = Stage(two_way)
    view = View(t=3, layer=1, direction="forward", unit=2)
    assert stage.nearby(view) == [
        View(t=4, layer=1, direction="forward", unit=2),  # →
        View(t=2, layer=1, direction="forward", unit=2),  # ←
        View(t=3, layer=1, direction="backward", unit=2),  # d
        View(t=3, layer=2, direction="forward", unit=2),  # ↑ (no layer 0 below)
        View(t=3, layer=1, direction="forward", unit=3),  # ]
        View(t=3, layer=1, direction="forward", unit=1),  # [
        View(t=6, layer=1, direction="forward", unit=2),  # end
        View(t=1, layer=1, direction="forward", unit=2),  # home
    ]
    # the last move was back: ← first; at the top layer of "both", end is t = T and
    # home t = 1, and a step back from t = 2 is home itself (listed once)
    view = View(t=2, layer=2, direction="both")
    assert stage.nearby(view, back=True) == [
        View(t=1, layer=2, direction="both"),
        View(t=3, layer=2, direction="both"),
        View(t=2, layer=2, direction="forward"),
        View(t=2, layer=1, direction="both"),
        View(t=2, layer=2, direction="both", unit=2),
        View(t=2, layer=2, direction="both", unit=4),  # round from the first of H = 4
        View(t=6, layer=2, direction="both"),
    ]
    # backward reads from t = T: → goes down, end is t = 1 and home t = T
    view = View(t=6, direction="backward")
    assert stage.nearby(view) == [
        View(t=5, direction="backward"),
        View(t=6, direction="both"),
        View(t=6, layer=2, direction="backward"),
        View(t=6, direction="backward", unit=2),
        View(t=6, direction="backward", unit=4),
        View(t=1, direction="backward"),
    ]
    # while the trace is computed, the steps either side alone (at the end: one)
    assert stage.nearby(view, steps_only=True) == [View(t=5, direction="backward")]
    assert stage.nearby(View(t=3), steps_only=True, back=True) == [View(t=2), View(t=4)]
