"""t shows the training as it goes: a panel above the footer with the epoch, the loss (a
sparkline of every epoch) and the accuracy on the examples and the held-out ones, the
same figures as scenario.training.fit (and so `rnn-tui train`) gives."""

from __future__ import annotations

from pathlib import Path

from rnn_tui.render.sparkline import Sparkline
from rnn_tui.scenario import load_scenario
from rnn_tui.scenario.training import fit
from rnn_tui.ui import make_app
from rnn_tui.ui.bars import KeyFooter, StatusLine
from rnn_tui.ui.training import TrainingView

DATA = Path(__file__).parent / "data"
HELDOUT = (
    "heldout = [\n"
    '  { text = "what is the time", label = "ask_time" },\n'
    '  { text = "is it raining today ?", label = "ask_weather" },\n'
    '  { text = "hello", label = "greet" },\n'
    "]\n"
)


def sparkline(curve: str) -> str:
    """The blocks of the panel's curve line ("loss ▇▅▃▁  ▁ 0 … █ 1.2345")."""
    blocks = curve.removeprefix("loss ").split("  ")[0]
    assert blocks and set(blocks) <= set("▁▂▃▄▅▆▇█?+-"), curve
    return blocks


def scenario_file(tmp_path: Path, epochs: int, heldout: bool) -> Path:
    """snap-intent (seeded weights, 12 examples) trained for `epochs`, with three held-out
    examples or none."""
    text = (DATA / "snap-intent.toml").read_text(encoding="utf-8")
    extra = f"epochs = {epochs}\n" + (HELDOUT if heldout else "")
    path = tmp_path / f"intent-{epochs}.toml"
    path.write_text(text.replace("[train]\n", "[train]\n" + extra), encoding="utf-8")
    return path


async def wait_for(pilot, condition, tries: int = 200) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("timed out")


def status(app) -> str:
    return app.query_one(StatusLine).plain


async def test_the_panel_shows_what_fit_reports_epoch_by_epoch_and_at_the_end(
    tmp_path, screen_lines
):
    path = scenario_file(tmp_path, epochs=12, heldout=True)
    reports: list = []
    fitted = fit(load_scenario(path), on_epoch=reports.append, heldout_each_epoch=True)
    assert fitted is not None and fitted.heldout_accuracy is not None
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        view = app.query_one(TrainingView)
        await wait_for(pilot, lambda: view.state == "done")
        await pilot.pause()
        assert app.scenario.trained  # the new weights are on screen
        assert view.history == tuple(reports)  # every epoch, the same figures as fit's
        figures, curve, says = view.plain.splitlines()
        last = reports[-1]
        assert figures == (
            f"epoch 12/12 · loss {last.loss:.4f} · train {fitted.accuracy:.1%} on 12"
            f" · held-out {fitted.heldout_accuracy:.1%} on 3"
        )
        assert last.heldout_accuracy == fitted.heldout_accuracy
        glyphs = sparkline(curve)
        assert len(glyphs) == 12  # one an epoch: 12 planned fit the width
        assert glyphs == Sparkline([r.loss for r in reports], capacity=12).glyphs(80)
        assert glyphs[max(range(12), key=lambda i: reports[i].loss)] == "█"
        assert curve.endswith(f"█ {max(r.loss for r in reports):.4f}")
        assert says.startswith("done: the new weights are shown")
        assert figures in "\n".join(screen_lines(app))  # drawn, not only held
        assert f"trained: loss {last.loss:.4f}" in status(app)  # the status line agrees
        # t again: a new run in a new panel, in place of the last one; a click closes it
        await pilot.press("t")
        assert len(app.query(TrainingView)) == 1 and app.query_one(TrainingView) is not view
        await wait_for(pilot, lambda: app.query_one(TrainingView).state == "done")
        await pilot.click(TrainingView)
        await pilot.pause()
        assert not app.query(TrainingView)


async def test_a_stopped_run_keeps_its_curve_and_the_footer_stays_at_80x24(tmp_path, screen_lines):
    path = scenario_file(tmp_path, epochs=100_000, heldout=False)
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        # t's action: Pilot.press waits (up to 2 s) for the process to idle, which it does
        # not while a long run trains
        await app.run_action("train")
        view = app.query_one(TrainingView)
        await wait_for(pilot, lambda: len(view.history) >= 2)
        assert view.plain.splitlines()[2] == "training… · t stops"
        # the panel takes rows from the step panels, not from the footer
        footer, body = app.query_one(KeyFooter), app.query_one("#body")
        assert footer.region.bottom == 24 and footer.region.height == 2
        assert view.region.bottom == footer.region.y and view.region.height == 3
        assert body.region.bottom == view.region.y and body.region.height >= 5
        lines = screen_lines(app)
        assert "? help" in lines[-1] and "t train" in "\n".join(lines[-2:])
        await pilot.press("t")  # stop
        await wait_for(pilot, lambda: not app.background.training_runs)
        await pilot.pause()
        epochs = len(view.history)
        assert view.state == "stopped" and 2 <= epochs < 100_000
        assert not app.scenario.trained  # a stopped run changes no weight
        figures, curve, says = view.plain.splitlines()
        last = view.history[-1]
        assert figures == (
            f"epoch {epochs}/100000 · loss {last.loss:.4f} · train {last.accuracy:.1%} on 12"
            " · no held-out examples"
        )
        assert says.startswith(f"stopped at epoch {epochs}: weights unchanged · t trains again")
        # 100,000 planned epochs in the row: runs of them a column, the first ones drawn
        glyphs, scale = sparkline(curve), curve.split("  ", 1)[1]
        room = view.content_size.width - len("loss   ") - len(scale)
        losses = [r.loss for r in view.history]
        assert glyphs and glyphs == Sparkline(losses, capacity=100_000).glyphs(room)
        assert any(line.rstrip().endswith("esc/click closes") for line in screen_lines(app))
        assert app.training_status == "training stopped"  # late epochs do not overwrite it
        assert view.region.bottom == footer.region.y  # still above the footer
