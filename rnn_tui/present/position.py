"""The view position: where the user is in a trace (step t, layer, direction, unit).

One frozen type for the app, the stage that draws a view, and the sessions that record,
replay and check views. It imports nothing of ours but `text` (and the engine's Trace
for type checking only), and neither textual nor rich, so the sessions import it
without the drawing code beside it.

Time is 1-based as on screen. The backward direction reads t from T down to 1; "both"
shows the two directions and steps forward.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from ..text import visible

DIRECTIONS = ("forward", "backward", "both")
"""The directions a view shows, in the order the d key cycles them."""
MAX_INDEX = 10**9
"""The largest t, layer or unit a recorded view may name."""


@dataclass(frozen=True)
class View:
    """Where the user is: step t and layer (1-based, layer 1 at the bottom), direction
    (forward/backward/both), and the selected unit (1-based) whose equation the numbers
    panel shows."""

    t: int = 1
    layer: int = 1
    direction: str = "forward"
    unit: int = 1

    # ------------------------------------------------------------------ directions
    @property
    def reading(self) -> str:
        """The direction time runs in for stepping: backward, or forward for both."""
        return "backward" if self.direction == "backward" else "forward"

    @property
    def shown(self) -> tuple[str, ...]:
        """The directions whose states the view shows: both of them for "both"."""
        return ("forward", "backward") if self.direction == "both" else (self.direction,)

    def previous(self, direction: str | None = None) -> int:
        """The step whose state the run in `direction` (default: the reading direction)
        reads at t: t - 1 going forward, t + 1 going backward. 0 or T + 1 at the edge of
        the sequence, where the run starts from the zero state."""
        direction = direction or self.reading
        return self.t + 1 if direction == "backward" else self.t - 1

    def turned(self) -> View:
        """The view with the next direction: forward -> backward -> both -> forward."""
        at = DIRECTIONS.index(self.direction) if self.direction in DIRECTIONS else -1
        return replace(self, direction=DIRECTIONS[(at + 1) % len(DIRECTIONS)])

    # ------------------------------------------------------------------ stepping
    def stepped(self, delta: int) -> View:
        """`delta` steps along the reading order (backward: t goes down); not clamped."""
        sign = -1 if self.reading == "backward" else 1
        return replace(self, t=self.t + sign * delta)

    def first(self, steps: int) -> View:
        """The first step in reading order of a T-step trace: t = 1, or t = T backward."""
        return replace(self, t=steps if self.reading == "backward" else 1)

    def last(self, steps: int) -> View:
        """The last step in reading order of a T-step trace: t = T, or t = 1 backward."""
        return replace(self, t=1 if self.reading == "backward" else steps)

    def is_last(self, steps: int) -> bool:
        """Has the reading reached its end (where a many-to-one output appears)?"""
        return self.t == self.last(steps).t

    def clamped_to(self, steps: int, layers: int, bidirectional: bool, hidden: int) -> View:
        """The view with t, layer, direction and unit made valid for a network of
        `layers` layers of `hidden` units over `steps` steps: within 1..T, 1..layers and
        1..H; an unknown direction, or any but forward on a one-way network, becomes
        forward."""
        direction = self.direction if self.direction in DIRECTIONS else "forward"
        if not bidirectional:
            direction = "forward"
        return View(
            t=min(max(self.t, 1), steps),
            layer=min(max(self.layer, 1), layers),
            direction=direction,
            unit=min(max(self.unit, 1), hidden),
        )

    # ------------------------------------------------------------------ recording
    def to_dict(self) -> dict:
        """{"t": …, "layer": …, "direction": …, "unit": …}, as a session line keeps it."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> View:
        """From a recorded line; ValueError naming the field when it is malformed (the
        message quotes at most 40 characters of the value, made visible)."""
        if not isinstance(data, dict):
            raise ValueError(f"view: expected an object, found {type(data).__name__}")
        out = {}
        for name, default in asdict(cls()).items():
            value = data.get(name, default)
            if type(value) is not type(default):
                found = visible(repr(value))[:40]
                raise ValueError(f"view.{name}: expected {type(default).__name__}, found {found}")
            if isinstance(value, int) and not 1 <= value <= MAX_INDEX:
                raise ValueError(f"view.{name}: outside 1..{MAX_INDEX}")
            out[name] = value
        if out["direction"] not in DIRECTIONS:
            raise ValueError(f"view.direction: expected one of {', '.join(DIRECTIONS)}")
        return cls(**out)
