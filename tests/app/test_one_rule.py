"""One home per model decision: the app, the session replay and the CLI reach the same
weights through the same functions (Scenario.switch, scenario.training.fit)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from rnn_tui.scenario import load_scenario
from rnn_tui.scenario.weights import read_weights
from rnn_tui.session import check_session, read_session
from rnn_tui.session.format import restore_scenario
from rnn_tui.session.verify import apply_change
from rnn_tui.ui import make_app

DATA = Path(__file__).parent / "data"
BIDIRECTIONAL = DATA / "snap-bidirectional.toml"
INTENT = DATA / "snap-intent.toml"


def same_weights(a, b) -> bool:
    """Every parameter equal bit for bit (and the same names, cell and merge)."""
    if (a.cell, a.merge) != (b.cell, b.merge) or a.params.keys() != b.params.keys():
        return False
    return all(a.params[k].tobytes() == b.params[k].tobytes() for k in a.params)


async def test_switches_made_in_the_app_replay_to_the_weights_of_scenario_switch(tmp_path):
    path = tmp_path / "switches.jsonl"
    # merge concat→sum keeps layer 1; sum→mean keeps all; cells; back to the own merge
    keys = ["m", "m", "c", "m", "c", "c", "m", "m", "c"]
    app = make_app(BIDIRECTIONAL, record=path)
    seen = []
    async with app.run_test(size=(120, 40)) as pilot:
        for key in keys:
            await pilot.press(key)
            seen.append(app.scenario.network)
        await pilot.pause()

    # the same switches, called directly from the scenario as loaded
    direct, expected = load_scenario(BIDIRECTIONAL), []
    for key in keys:
        net = direct.network
        if key == "m":
            merges = ("concat", "sum", "mean", "mul")
            direct = direct.switch(merge=merges[(merges.index(net.merge) + 1) % 4]).scenario
        else:
            cells = ("rnn", "lstm", "gru")
            direct = direct.switch(cell=cells[(cells.index(net.cell) + 1) % 3]).scenario
        expected.append(direct.network)
    assert all(same_weights(a, b) for a, b in zip(seen, expected, strict=True))
    # a merge change kept layer 1's weights, so not every switch gave all-fresh weights
    assert (
        seen[0].params["weight_ih_l0"].tobytes()
        == load_scenario(BIDIRECTIONAL).network.params["weight_ih_l0"].tobytes()
    )

    # recorded as switches (not whole weights), replayed by apply_change: the same weights
    session = read_session(path)
    changes = [a.change for a in session.actions if a.change]
    assert changes and all(set(c) <= {"cell", "merge"} for c in changes), changes
    replayed = restore_scenario(session.header["scenario"], "header", path.parent)
    networks = []
    for change in changes:
        replayed = apply_change(replayed, change, "line")
        networks.append(replayed.network)
    assert all(same_weights(a, b) for a, b in zip(networks, expected, strict=True))
    result = check_session(session)
    assert result.failed_line is None, result.reason
    done = subprocess.run([sys.executable, "-m", "rnn_tui", "replay", str(path), "--check"],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"all {len(session.actions)} recorded states match" in done.stdout


async def test_a_switch_in_the_app_marks_the_weights_untrained_until_back_home():
    app = make_app("intent")  # trained weights
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.scenario.trained and not app.query_one("#untrained").display
        await pilot.press("c")  # rnn -> lstm: fresh seeded weights
        await pilot.pause()
        assert app.scenario.network.cell == "lstm" and not app.scenario.trained
        assert app.query_one("#untrained").display
        await pilot.press("c", "c")  # gru, then rnn: the scenario's own trained weights
        await pilot.pause()
        assert app.scenario.trained and not app.query_one("#untrained").display
        assert same_weights(app.scenario.network, load_scenario("intent").network)


async def test_training_from_the_cli_and_from_the_app_give_the_same_weights(tmp_path):
    scenario = tmp_path / "tiny.toml"
    text = INTENT.read_text(encoding="utf-8")
    scenario.write_text(text.replace("[train]\n", "[train]\nepochs = 7\nseed = 3\n"), "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "rnn_tui", "train", str(scenario), "-o", str(tmp_path / "w.npz")],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    from_cli = read_weights(tmp_path / "w.npz")

    app = make_app(scenario)
    before = app.scenario.network
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.scenario.trained and app.scenario.network is not before
        trained = app.scenario
    params = trained.network.params
    assert set(from_cli) == set(params) | {"embedding.weight"}
    for name, value in params.items():
        assert from_cli[name].tobytes() == value.tobytes(), name
    assert from_cli["embedding.weight"].tobytes() == trained.embedding.tobytes()
    # and training did move the weights (7 epochs of Adam from seed 7's weights)
    assert not np.allclose(params["weight_hh_l0"], before.params["weight_hh_l0"])
