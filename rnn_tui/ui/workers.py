"""The app's background work: the influence ‖∂s_t/∂x_k‖, the memory measures (every
input replaced in turn; the memory curves of the models compared) and training, in
threads.

A widget with no look of its own hosts the workers and reports by Message, so the app
only starts them and shows what they send; what is computed, and when it is too much,
is decided below the UI (scenario.limits.influence_plan and replacement_plan,
scenario.training.fit).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
from textual import work
from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, get_current_worker

from ..i18n import _
from ..present.view import Stage
from ..scenario.limits import influence_plan, replacement_plan
from ..scenario.memory import followed_step
from ..text import visible

if TYPE_CHECKING:
    from ..present.memory import MemoryMeasure


class OneBlasThread:
    """One BLAS thread while any trace is computed in the background. threadpoolctl's
    limit is the whole process's, and restores on leaving what it found on entering:
    two traces that overlapped (a scenario switched while the old one ends its chunk)
    left numpy on one thread for good. Counted: set by the first, restored by the last."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._limiter: Any = None

    @contextmanager
    def held(self) -> Iterator[None]:
        from threadpoolctl import threadpool_limits  # (not at start-up)

        with self._lock:
            if self._users == 0:
                self._limiter = threadpool_limits(limits=1, user_api="blas")
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0:
                    self._limiter.restore_original_limits()
                    self._limiter = None


ONE_BLAS_THREAD = OneBlasThread()
"""The traces' (ModelWorkers._trace)."""

PROGRESS_PER_SECOND = 10
"""How often at most the training worker reports its epochs (each report redraws)."""


def influence_of(stage: Stage) -> np.ndarray:
    """The engine's ‖∂s_t/∂x_k‖ (T, T) for the stage's network and inputs."""
    from ..engine.backward import influence

    return influence(stage.network, stage.trace.inputs)


def replaced_of(stage: Stage) -> tuple[Any, Any]:
    """(Probe, Replaced): every input of the stage's scenario replaced in turn."""
    from ..scenario.memory import replaced_each

    return replaced_each(stage.scenario)


def memory_of(stage: Stage, k: int | None) -> MemoryMeasure:
    """The memory curves of input k (None: the probe's) for the stage's scenario and
    its trained siblings."""
    from ..present.memory import compared, measure_memory  # not at start-up: when asked

    models, note = compared(stage.scenario)
    return measure_memory(stage, models, k, note)


class ModelWorkers(Widget):
    """Starts and stops the trace, influence and training workers; posts what they find."""

    DEFAULT_CSS = "ModelWorkers { display: none; }"

    class TraceReady(Message):
        """The trace of a partial `stage` (Stage.run), computed in the background, and
        `whole`, the Stage of the finished trace (its colour scales read too); None with
        `problem` saying why (the run failed)."""

        def __init__(self, stage: Stage, whole: Stage | None, problem: str = "") -> None:
            self.stage, self.whole, self.problem = stage, whole, problem
            super().__init__()

    class InfluenceReady(Message):
        """‖∂s_t/∂x_k‖ (T, T) of `stage`, computed in the background."""

        def __init__(self, stage: Stage, values: np.ndarray) -> None:
            super().__init__()
            self.stage, self.values = stage, values

    class ReplacedReady(Message):
        """Every input of `stage` replaced in turn: `probe` (scenario.memory.Probe) and
        `replaced` (engine.memory.Replaced), computed in the background."""

        def __init__(self, stage: Stage, probe: Any, replaced: Any) -> None:
            super().__init__()
            self.stage, self.probe, self.replaced = stage, probe, replaced

    class MemoryReady(Message):
        """The memory curves (present.memory.MemoryMeasure) of a stage, computed in the
        background."""

        def __init__(self, measure: MemoryMeasure) -> None:
            super().__init__()
            self.measure = measure

    class TrainingProgress(Message):
        """Epochs of training run `run` ended: the reports of every epoch so far
        (scenario.training.EpochReport), oldest first."""

        def __init__(self, run: int, history: tuple[Any, ...]) -> None:
            super().__init__()
            self.run, self.history = run, history

        @property
        def stats(self) -> Any:
            """The last epoch's report."""
            return self.history[-1]

        @property
        def epochs(self) -> int:
            """The epochs the run is to take."""
            return int(self.history[-1].epochs)

    class TrainingDone(Message):
        """Training run `run` of `scenario` ended: `fitted` (scenario.training.Fitted)
        and the report of every epoch (EpochReport), oldest first."""

        def __init__(self, run: int, scenario: Any, fitted: Any, history: tuple[Any, ...]) -> None:
            super().__init__()
            self.run, self.scenario, self.fitted, self.history = run, scenario, fitted, history

    def __init__(self) -> None:
        super().__init__()
        self.training: Worker | None = None
        """The training worker, while one runs or after it ended."""
        self.runs = 0
        """Training runs started: the number of the last one, which its messages carry."""

    # ------------------------------------------------------------------ influence
    def start_trace(self, stage: Stage) -> None:
        """Compute a partial stage's trace in a thread (Stage.compute); TraceReady when
        it is whole. A run stopped (TraceRun.stop: another scenario, or quitting) posts
        nothing."""
        self._trace(stage)

    @work(thread=True, group="trace")
    def _trace(self, stage: Stage) -> None:
        try:
            # one BLAS thread: the products are small, and a second thread spinning for
            # work takes the core the UI needs (measured: the trace twice as slow, keys
            # up to 150 ms, on 2 cores; benchmarks/long_app.py)
            with ONE_BLAS_THREAD.held():
                trace = stage.compute()
                # the whole stage here too: its colour scales read every layer (~0.1 s
                # at 100,000 steps) off the UI's thread
                whole = None if trace is None else Stage(stage.scenario, trace)
        except Exception as error:  # said on screen, the app kept (a thread's error would end it)
            reason = visible(str(error)) or type(error).__name__
            problem = _("The trace could not be computed: {error}").format(error=reason)
            self.post_message(self.TraceReady(stage, None, problem))
            return
        if whole is not None:
            self.post_message(self.TraceReady(stage, whole))

    def start_influence(self, stage: Stage) -> tuple[np.ndarray | None, str]:
        """The influence for `stage` and a note: (values, "") at once when cheap; else
        (None, why) when skipped, or (None, "computing…") and an InfluenceReady later."""
        plan = influence_plan(stage.network, stage.steps)
        if plan.how == "skip":
            return None, plan.reason
        if stage.partial:  # the trace has the CPU first; the app asks again once whole
            return None, stage.failure or _(
                "influence ‖∂s_t/∂x_k‖: computed when the trace is complete"
            )
        if plan.how == "inline":
            return influence_of(stage), ""
        self._influence(stage)
        return None, _("influence ‖∂s_t/∂x_k‖: computing in the background…")

    @work(thread=True, exclusive=True, group="influence")
    def _influence(self, stage: Stage) -> None:
        values = influence_of(stage)
        if not get_current_worker().is_cancelled:
            self.post_message(self.InfluenceReady(stage, values))

    # ------------------------------------------------------------------ memory
    def start_replaced(self, stage: Stage) -> tuple[tuple[Any, Any] | None, str]:
        """Every input replaced in turn, for the memory strip and the colour mixing:
        ((probe, replaced), "") at once when cheap; else (None, why) when skipped, or
        (None, "computing…") and a ReplacedReady later (limits.replacement_plan)."""
        plan = replacement_plan(stage.network, stage.steps)
        if plan.how == "skip":
            return None, plan.reason
        if stage.partial:
            return None, stage.failure or _(
                "memory ‖s_t − s_t(x_k replaced)‖: measured when the trace is complete"
            )
        if plan.how == "inline":
            return replaced_of(stage), ""
        self._replaced(stage)
        return None, _("memory ‖s_t − s_t(x_k replaced)‖: computing in the background…")

    @work(thread=True, exclusive=True, group="replaced")
    def _replaced(self, stage: Stage) -> None:
        found, replaced = replaced_of(stage)
        if not get_current_worker().is_cancelled:
            self.post_message(self.ReplacedReady(stage, found, replaced))

    @staticmethod
    def memory_plan(stage: Stage, k: int | None) -> tuple[int, str, str]:
        """How the memory pane's curves of input k (None: the scenario's own) are
        measured: (k, how, why) with how "inline", "background" or "skip" (why says
        why). Two runs a model, but the siblings' files are read too: by the same plan
        as the memory strip's; not while the trace is computed."""
        plan = replacement_plan(stage.network, stage.steps)
        k = followed_step(stage.scenario) if k is None else k
        if plan.how == "skip":
            return k, "skip", plan.reason
        if stage.partial:
            return k, "skip", stage.failure or _("measured when the trace is complete")
        return k, plan.how, ""

    def start_memory(self, stage: Stage, k: int | None) -> MemoryMeasure:
        """The memory curves of input k for the memory pane (memory_plan): at once when
        cheap, else a measure that says it is computing (or why not) and a MemoryReady
        later."""
        from ..present.memory import MemoryMeasure

        k, how, why = self.memory_plan(stage, k)
        if how == "skip":
            return MemoryMeasure(stage, k, (), (why,))
        if how == "inline":
            return memory_of(stage, k)
        self._memory(stage, k)
        return MemoryMeasure(stage, k, (), (_("computing in the background…"),))

    def measure_memory_ahead(self, stage: Stage, k: int | None) -> None:
        """The curves start_memory would measure at once, measured in a thread now
        (MemoryReady), for a pane not on screen yet. Only cheap ones: those it would
        measure in a thread anyway are left to it (ahead, they would take the CPU from
        the keys after every change of model, for a pane perhaps never shown)."""
        k, how, _why = self.memory_plan(stage, k)
        if how == "inline":
            self._memory(stage, k)

    @work(thread=True, exclusive=True, group="memory")
    def _memory(self, stage: Stage, k: int) -> None:
        measure = memory_of(stage, k)
        if not get_current_worker().is_cancelled:
            self.post_message(self.MemoryReady(measure))

    # ------------------------------------------------------------------ training
    @property
    def training_runs(self) -> bool:
        return self.training is not None and self.training.is_running

    def start_training(self, scenario: Any, config: Any) -> int:
        """Fit a copy of `scenario`'s network with `config` in a thread (the CLI's `fit`);
        returns the run's number, which its TrainingProgress and TrainingDone carry."""
        self.runs += 1
        self.training = self._train(self.runs, scenario, config)
        return self.runs

    def stop_training(self) -> None:
        if self.training is not None:
            self.training.cancel()

    @work(thread=True, exclusive=True, group="train")
    def _train(self, run: int, scenario: Any, config: Any) -> None:
        from ..scenario.training import fit

        worker = get_current_worker()
        history: list[Any] = []
        posted, posted_at = 0, -math.inf  # epochs reported so far, and when

        def post() -> None:
            nonlocal posted, posted_at
            if len(history) > posted:
                self.post_message(self.TrainingProgress(run, tuple(history)))
                posted, posted_at = len(history), time.monotonic()

        def on_epoch(report: Any) -> bool:
            if worker.is_cancelled:
                return False
            history.append(report)
            # fast epochs are reported in runs: at most PROGRESS_PER_SECOND redraws
            if (
                report.epoch == report.epochs
                or time.monotonic() - posted_at >= 1 / PROGRESS_PER_SECOND
            ):
                post()
            return True

        fitted = fit(scenario, config, on_epoch, heldout_each_epoch=True)
        if fitted is None or worker.is_cancelled:
            post()  # the epochs that ended before the stop: a stopped run keeps its curve
            return
        self.post_message(self.TrainingDone(run, scenario, fitted, tuple(history)))
