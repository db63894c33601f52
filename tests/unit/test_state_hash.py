"""session.state: the hash a recording keeps covers every array the view shows."""

from __future__ import annotations

import copy

import pytest

from rnn_tui.present.position import View
from rnn_tui.scenario import load_scenario
from rnn_tui.session import shown_state, state_hash


@pytest.fixture(scope="module")
def trace():
    return load_scenario("bidirectional").trace()  # 2 layers, both ways, o at every t


@pytest.mark.parametrize("name", ["x", "s.forward", "s.backward", "s.merged", "o"])
def test_a_change_in_any_array_shown_changes_the_hash(trace, name):
    """A replay --check must notice a difference in every array on screen, not only in
    the first one hashed."""
    view = View(t=3, layer=2, direction="both", unit=2)
    shown = shown_state(trace, view)
    assert sorted(shown) == ["o", "s.backward", "s.forward", "s.merged", "x"]
    changed = copy.deepcopy(trace)
    values = shown_state(changed, view)[name]  # a view into the copy's arrays
    values[-1] += 1e-3  # well above the 1e-9 rounding
    assert shown_state(changed, view)[name][-1] != shown[name][-1]
    for other in shown:
        if other != name:
            assert (shown_state(changed, view)[other] == shown[other]).all()
    assert state_hash(changed, view) != state_hash(trace, view)


def test_the_hash_is_of_the_view_too(trace):
    base = View(t=3, layer=2, direction="both", unit=2)
    digests = {state_hash(trace, v) for v in (base, View(3, 2, "both", 1), View(4, 2, "both", 2))}
    assert len(digests) == 3
    assert state_hash(copy.deepcopy(trace), base) == state_hash(trace, base)
