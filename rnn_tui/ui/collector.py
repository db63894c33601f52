"""Full garbage collections while no key is pressed.

CPython's cyclic collector runs a full (generation 2) collection every tenth
generation-1 one (when the objects that reached the oldest generation since the last
are over a quarter of it); with the app's objects alive that takes 10-30 ms, and it
fell on a keypress about one key in twenty (benchmarks/ui.py: 6 of 124 keys, up to 30 ms). While
an app runs, the full collections are left to a timer that runs them once no key has
come for a moment; a collection still runs on a key after many are owed (keys held for
a long time), so garbage cannot pile up. The settings are restored when the app ends.
"""

from __future__ import annotations

import gc
import time

QUIET_SECONDS = 0.5
"""No key for this long: a full collection may run."""
OWED = 10
"""Generation-1 collections after which a full one is due (CPython's own count; its
quarter-of-the-oldest rule is not applied: while no key is pressed, a full collection
costs nobody a frame)."""
OVERDUE = 100
"""... and after which it runs anyway, at the next check."""


class IdleCollector:
    """Defer full collections to the moments when no key is pressed (see the module)."""

    def __init__(self) -> None:
        self.last_key = 0.0
        self._threshold: tuple[int, int, int] | None = None

    def start(self) -> None:
        """Stop CPython's own full collections (until `stop`); `check` runs them."""
        if self._threshold is not None or not gc.isenabled():
            return  # started, or the host manages the collector: leave it alone
        self._threshold = gc.get_threshold()
        young, middle, _ = self._threshold
        gc.set_threshold(young, middle, 1_000_000)  # a full one only when asked

    def key(self) -> None:
        """A key came now."""
        self.last_key = time.monotonic()

    def check(self) -> None:
        """Run the full collection that is due, if no key came lately (or if long overdue)."""
        if self._threshold is None:
            return
        owed = gc.get_count()[2]
        quiet = time.monotonic() - self.last_key >= QUIET_SECONDS
        if owed >= OVERDUE or (owed >= OWED and quiet):
            gc.collect(2)

    def stop(self) -> None:
        """CPython's own thresholds again."""
        if self._threshold is not None:
            gc.set_threshold(*self._threshold)
            self._threshold = None
