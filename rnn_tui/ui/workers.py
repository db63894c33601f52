"""The app's background work: the influence ‖∂s_t/∂x_k‖ and training, in threads.

A widget with no look of its own hosts the workers and reports by Message, so the app
only starts them and shows what they send; what is computed, and when it is too much,
is decided below the UI (scenario.limits.influence_plan, scenario.training.fit).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from textual import work
from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, get_current_worker

from ..i18n import _
from ..present.view import Stage
from ..scenario.limits import influence_plan


def influence_of(stage: Stage) -> np.ndarray:
    """The engine's ‖∂s_t/∂x_k‖ (T, T) for the stage's network and inputs."""
    from ..engine.backward import influence

    return influence(stage.network, stage.trace.inputs)


class ModelWorkers(Widget):
    """Starts and stops the influence and the training workers; posts what they find."""

    DEFAULT_CSS = "ModelWorkers { display: none; }"

    class InfluenceReady(Message):
        """‖∂s_t/∂x_k‖ (T, T) of `stage`, computed in the background."""

        def __init__(self, stage: Stage, values: np.ndarray) -> None:
            super().__init__()
            self.stage, self.values = stage, values

    class TrainingProgress(Message):
        """An epoch ended: its figures, of `epochs`."""

        def __init__(self, stats: Any, epochs: int) -> None:
            super().__init__()
            self.stats, self.epochs = stats, epochs

    class TrainingDone(Message):
        """Training of `scenario` ended: `fitted` (scenario.training.Fitted)."""

        def __init__(self, scenario: Any, fitted: Any) -> None:
            super().__init__()
            self.scenario, self.fitted = scenario, fitted

    def __init__(self) -> None:
        super().__init__()
        self.training: Worker | None = None
        """The training worker, while one runs or after it ended."""

    # ------------------------------------------------------------------ influence
    def start_influence(self, stage: Stage) -> tuple[np.ndarray | None, str]:
        """The influence for `stage` and a note: (values, "") at once when cheap; else
        (None, why) when skipped, or (None, "computing…") and an InfluenceReady later."""
        plan = influence_plan(stage.network, stage.steps)
        if plan.how == "inline":
            return influence_of(stage), ""
        if plan.how == "skip":
            return None, plan.reason
        self._influence(stage)
        return None, _("influence ‖∂s_t/∂x_k‖: computing in the background…")

    @work(thread=True, exclusive=True, group="influence")
    def _influence(self, stage: Stage) -> None:
        values = influence_of(stage)
        if not get_current_worker().is_cancelled:
            self.post_message(self.InfluenceReady(stage, values))

    # ------------------------------------------------------------------ training
    @property
    def training_runs(self) -> bool:
        return self.training is not None and self.training.is_running

    def start_training(self, scenario: Any, config: Any) -> None:
        """Fit a copy of `scenario`'s network with `config` in a thread (the CLI's `fit`)."""
        self.training = self._train(scenario, config)

    def stop_training(self) -> None:
        if self.training is not None:
            self.training.cancel()

    @work(thread=True, exclusive=True, group="train")
    def _train(self, scenario: Any, config: Any) -> None:
        from ..scenario.training import fit

        worker = get_current_worker()

        def on_epoch(stats: Any) -> bool:
            if worker.is_cancelled:
                return False
            self.post_message(self.TrainingProgress(stats, config.epochs))
            return True

        fitted = fit(scenario, config, on_epoch)
        if fitted is not None and not worker.is_cancelled:
            self.post_message(self.TrainingDone(scenario, fitted))
