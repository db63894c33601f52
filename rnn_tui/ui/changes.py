"""The changes of the model a user asks for in the app: another cell or merge, input,
scenario, or trained weights. The model decides (Scenario.switch, select, with_tokens,
scenario.training.fit); these say what happened and hand the result to the app."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..i18n import _
from ..present.position import View
from ..text import visible
from .bars import KeyFooter
from .workers import ModelWorkers

if TYPE_CHECKING:
    from .app import RnnTuiApp
    from .training import TrainingView


class ModelChanges:
    """The app's model-changing actions (each refused in a replay by app.allowed)."""

    def __init__(self, app: RnnTuiApp) -> None:
        self.app = app
        self.training_key = ""
        """The key that started the training running (its end is recorded under it)."""
        self.training_run = 0
        """The number of the training run the panel shows (ModelWorkers.start_training)."""
        self.training_stopped = False
        """Was that run stopped (its last epochs may still be reported)?"""
        self.training_view: TrainingView | None = None
        """The training panel, from the first `t` on (it may have been closed since)."""

    def merge(self) -> None:
        """concat -> sum -> mean -> mul: how the two directions are combined (a
        one-way network has none: Scenario.switch says so)."""
        from ..scenario.switch import next_merge  # (not at start-up: on the key)

        self.set_network(merge=next_merge(self.app.stage.network.merge))

    def cell(self) -> None:
        """rnn -> lstm -> gru on the same scenario (see Scenario.switch for the weights)."""
        from ..scenario.switch import next_cell

        self.set_network(cell=next_cell(self.app.stage.network.cell))

    def set_network(self, *, cell: str | None = None, merge: str | None = None) -> None:
        """The same scenario with another cell or merge, by the model's one rule
        (Scenario.switch); the screen says which weights it computes with."""
        if not self.app.allowed("cell" if cell else "merge"):
            return
        try:
            switched = self.app.scenario.switch(cell=cell, merge=merge)
        except ValueError as e:
            self.app.say(str(e), timeout=4)
            return
        net = switched.scenario.network
        if switched.before != (net.cell, net.merge):
            with self.app.recording.acting("cell" if net.cell != switched.before[0] else "merge"):
                self.app.set_scenario(switched.scenario, switched.describe())

    def next_sequence(self) -> None:
        """The scenario's next named input sequence."""
        if not self.app.allowed("sequence"):
            return
        names = list(self.app.scenario.sequences)
        if len(names) < 2:
            self.app.say(_("This scenario has a single input sequence (e edits it)."), timeout=4)
            return
        current = (
            names.index(self.app.scenario.sequence) if self.app.scenario.sequence in names else -1
        )
        self.select_sequence(names[(current + 1) % len(names)])

    def select_sequence(self, name: str) -> None:
        """Read the named input sequence."""
        if not self.app.allowed("sequence"):
            return
        with self.app.recording.acting("sequence"):
            message = _("Input sequence: {name}.").format(name=name)
            self.app.set_scenario(self.app.scenario.select(name), message)

    def edit(self) -> None:
        """Type another input sentence (token scenarios only)."""
        if not self.app.allowed("edit"):
            return
        if self.app.scenario.vocab is None:
            self.app.say(
                _(
                    "This scenario's inputs are vectors, not words: edit its file, or open "
                    "another scenario (o)."
                ),
                timeout=5,
            )
            return
        from .screens import EditScreen, reading_notice

        key = self.app.recording.key

        def done(scenario: Any) -> None:
            if scenario is not None:
                with self.app.recording.acting("edit", key):
                    message = reading_notice(scenario)
                    self.app.set_scenario(scenario, message)

        self.app.push_screen(EditScreen(self.app.scenario), done)

    def open(self) -> None:
        """Pick a scenario file; one that does not load keeps the current scenario."""
        if not self.app.allowed("open"):
            return
        from .screens import OpenScreen

        key = self.app.recording.key

        def done(scenario: Any) -> None:
            if scenario is not None:
                with self.app.recording.acting("open", key):
                    self.open_scenario(scenario)

        self.app.push_screen(OpenScreen(Path.cwd(), self.app.scenario.path), done)

    def open_scenario(self, scenario: Any) -> None:
        """Show a newly loaded scenario from its first step."""
        self.app.playing = False
        if self.app.background.training_runs:
            self.app.background.stop_training()
            self.training_stopped = True  # its last epochs say nothing about this scenario
            self.app.training_status = ""
        self.close_training()  # its curve was the other scenario's
        with self.app.recording.acting("open"):
            name = visible(scenario.name)  # from the file's name
            message = _("Opened {name}: {title}").format(name=name, title=scenario.title)
            self.app.set_scenario(scenario, message)
            self.app.view = self.app.stage.clamp(View())

    def open_builtin(self, name: str) -> None:
        """Open a built-in scenario by name."""
        if not self.app.allowed("open"):
            return
        from ..scenario import ScenarioError, load_scenario

        try:
            self.open_scenario(load_scenario(name))
        except ScenarioError as e:  # a broken built-in is a bug; say it, keep going
            self.app.say(visible(str(e)), severity="error", timeout=8)

    def train(self) -> None:
        """Fit the weights on the scenario's [train] examples in a thread (the same
        `fit` as `rnn-tui train`); the heatmaps switch to the new weights when it ends.
        The training panel above the footer follows it epoch by epoch. Pressed again,
        it stops (the panel keeps the curve so far)."""
        if not self.app.allowed("train"):
            return
        if self.app.background.training_runs:
            self.app.background.stop_training()
            self.training_stopped = True
            self.app.training_status = _("training stopped")
            self.app.show_activity()
            if self.training_view is not None:
                self.training_view.stop()
            return
        from ..scenario.training import nothing_to_train, train_config

        why = nothing_to_train(self.app.scenario)
        if why:
            self.app.say(
                _(
                    "Nothing to train on: {why}. Add examples such as [train] examples = "
                    '[{{ text = "what time is it ?", label = "ask_time" }}] to its '
                    "file."
                ).format(why=why),
                title=_("train"),
                severity="warning",
                timeout=8,
            )
            return
        scenario = self.app.scenario
        config = train_config(scenario)
        count = len(scenario.examples)
        self.app.training_status = _("training on {count} examples…").format(count=count)
        self.app.show_activity()
        self.training_key = self.app.recording.key
        from .training import TrainingView  # not at start-up: when training starts

        self.show_training(TrainingView(config.epochs, count, len(scenario.heldout)))
        self.training_run = self.app.background.start_training(scenario, config)
        self.training_stopped = False

    def show_training(self, view: TrainingView) -> None:
        """The panel of a new run, above the footer, in place of the last run's: the
        step panels above it give up its three lines while it shows."""
        self.close_training()
        footer = self.app.query_one(KeyFooter)
        footer.screen.mount(view, before=footer)
        self.training_view = view

    def close_training(self) -> None:
        """Take the training panel away (esc, a click on it, another scenario)."""
        if self.training_view is not None and self.training_view.is_attached:
            self.training_view.remove()
        self.training_view = None

    def _shown(self, run: int) -> TrainingView | None:
        """The panel, when it is on screen and shows run `run`."""
        view = self.training_view
        if run != self.training_run or view is None or not view.is_attached:
            return None
        return view

    def training_progress(self, message: ModelWorkers.TrainingProgress) -> None:
        if message.run != self.training_run:
            return  # a stopped run's last epochs, reported after the next run started
        stats = message.stats
        if not self.training_stopped:  # "training stopped" stays
            self.app.training_status = _(
                "training {epoch}/{epochs} · loss {loss:.4f} · acc {accuracy:.2f}"
            ).format(
                epoch=stats.epoch, epochs=message.epochs, loss=stats.loss, accuracy=stats.accuracy
            )
            self.app.show_activity()
        view = self._shown(message.run)
        if view is not None:
            view.progress(message.history)

    def training_done(self, message: ModelWorkers.TrainingDone) -> None:
        applied = self.app.scenario.network is message.scenario.network
        view = self._shown(message.run)
        if view is not None:
            view.finish(message.history, message.fitted, applied=applied)
        if not applied:
            self.app.training_status = _("training finished for another network: not applied")
            self.app.show_activity()
            return
        stats = message.fitted.stats
        self.app.training_status = (
            _("trained: loss {loss:.4f}, accuracy {accuracy:.2f}").format(
                loss=stats.loss, accuracy=stats.accuracy
            )
            if stats
            else ""
        )
        done = _("Training done; the heatmaps show the new weights ({status}).")
        # the weights (and embedding) fitted, on whatever sentence is shown now
        trained = self.app.scenario.with_weights(message.fitted.state_dict, trained=True)
        with self.app.recording.acting("train", self.training_key):
            self.app.set_scenario(trained, done.format(status=self.app.training_status))
