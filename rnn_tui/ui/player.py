"""Playing: the app's view stepping by itself, at one of SPEEDS steps a second."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.timer import Timer

from ..i18n import _
from .keys import SPEEDS

if TYPE_CHECKING:
    from .app import RnnTuiApp


class Player:
    """Runs the timer behind the app's `playing` and `speed`; each tick is one step
    forward along the reading order, recorded as "tick" with the key "(timer)" (no key
    was pressed; space, which starts playing, is recorded as "play")."""

    def __init__(self, app: RnnTuiApp) -> None:
        self.app = app
        self.timer: Timer | None = None

    def toggle(self) -> None:
        """Start or stop; from the end it starts again at the first step."""
        app = self.app
        if app.playing:
            app.playing = False
            return
        if app.stage.is_last(app.view):
            app.view = app.stage.first(app.view)
        app.playing = True

    def restart(self) -> None:
        """The timer for the app's `playing` and `speed` now."""
        if self.timer is not None:
            self.timer.stop()
            self.timer = None
        if self.app.playing:
            self.timer = self.app.set_interval(1 / SPEEDS[self.app.speed], self.tick)
        self.app.show_activity()

    def tick(self) -> None:
        from ..session.lines import TIMER_KEY  # not at start-up: sessions load on demand

        app = self.app
        if app.stage.is_last(app.view):
            app.playing = False
            app.say(_("The end of the sequence: space plays it again."), timeout=3)
            return
        with app.recording.acting("tick", TIMER_KEY):
            app.view = app.stage.step(app.view, 1)

    def change_speed(self, delta: int) -> None:
        """Play faster or slower (steps per second), and say how fast."""
        app = self.app
        app.speed = min(max(app.speed + delta, 0), len(SPEEDS) - 1)
        app.say(
            _("Playing speed: {speed:g} steps a second.").format(speed=SPEEDS[app.speed]), timeout=2
        )
