"""Replaying a recorded session in the app: at its pace or faster, pausable, steppable."""

from __future__ import annotations

import asyncio
import io
import os
import re
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

import textual.constants
from rich.console import Console
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.drivers.headless_driver import HeadlessDriver
from textual.keys import format_key
from textual.pilot import Pilot
from textual.timer import Timer
from textual.widgets import Static

from ..files import WriteRefused, check_target, write_atomic
from ..i18n import N_, _
from ..session import ScreenState, Session, session_files
from ..session.export import check_export_size, write_cast
from ..session.lines import TIMER_KEY
from ..session.player import delays, scenarios_of
from ..text import visible
from .app import RnnTuiApp
from .body import Body
from .keys import BINDINGS as APP_BINDINGS
from .widgets import TokenStripView

ACTION_LABELS = {
    "start": N_("start"),
    "record": N_("record"),
    "step": N_("step"),
    "first": N_("first step"),
    "last": N_("last step"),
    "go_to": N_("go to step"),
    "layer": N_("layer"),
    "direction": N_("direction"),
    "unit": N_("unit"),
    "select_unit": N_("unit"),
    "select_cell": N_("unit"),
    "play": N_("play"),
    "tick": N_("play step"),
    "show_pane": N_("view"),
    "influence_numbers": N_("∂ numbers"),
    "probe": N_("follow input"),
    "page": N_("page"),
    "theme": N_("theme"),
    "note": N_("note"),
    "merge": N_("merge"),
    "cell": N_("cell"),
    "edit": N_("edit"),
    "open": N_("open"),
    "train": N_("train"),
    "sequence": N_("sequence"),
    "language": N_("language"),
}
"""How the status line names a recorded action (the file keeps the app's action names)."""
KEY_LABELS = {TIMER_KEY: N_("timer")}
"""How the status line names a recorded key that was no key (a play tick)."""


class NoteBar(Static):
    """The teacher's note at the line shown (the last one made up to it), above the
    footer: "✎ the note". The note is data: shown as plain text, never markup."""

    DEFAULT_CSS = """
    NoteBar {
        height: auto;
        max-height: 3;
        padding: 0 1;
        color: $text;
        background: $accent-muted;
        display: none;
    }
    """

    def show(self, note: str | None) -> None:
        """Show `note` (made visible when the session was read), or nothing."""
        self.display = bool(note)
        self.update(Content.assemble(("✎ ", "bold"), note) if note else "")


class ReplayApp(RnnTuiApp):
    """The app showing a session line by line: space pauses and resumes, → and ← step
    through the recorded lines, home and end go to the first and the last."""

    TRACE_IN_BACKGROUND = False  # every frame of a replay shows its states whole

    BINDINGS = [
        Binding("space", "toggle_replay", N_("pause / play"), key_display="space", priority=True),
        Binding("right", "replay_step(1)", N_("next line"), key_display="→", priority=True),
        Binding("left", "replay_step(-1)", N_("line before"), key_display="←", priority=True),
        Binding("home", "replay_goto(0)", N_("first line"), priority=True),
        Binding("end", "replay_goto(-1)", N_("last line"), priority=True),
    ]
    REFUSED = {
        "open": N_("opening a scenario"),
        "edit": N_("editing the input"),
        "train": N_("training"),
        "cell": N_("switching the cell"),
        "merge": N_("switching the merge"),
        "sequence": N_("another input sequence"),
        "record": N_("recording"),
        "note": N_("adding a note"),
    }
    """What a key of the app would do to the model or the recording, refused here: a
    replay shows the recorded walk (the view keys, help, themes and quit still work)."""
    REPLACED = frozenset({"step", "first", "last", "play", "speed"})
    """The app's actions whose keys a replay gives to its own (→ ← home end space), or
    that do nothing here (- + : the replay's pace is --speed)."""

    REFUSED_KEYS: dict[str, str] = {}
    """The app's keys of the refused actions (below the class): pressed, they say why
    not."""

    def __init__(
        self,
        session: Session,
        *,
        speed: float = 1.0,
        paused: bool = False,
        exporting: bool = False,
        **kwargs: Any,
    ) -> None:
        first, self.scenarios = scenarios_of(session)
        super().__init__(first, **kwargs)
        self.session = session
        self.delays = delays(session, speed)
        self.position = -1
        """The index of the action shown (-1: the header's scenario, before any)."""
        self.replaying = not paused and not exporting
        self.exporting = exporting
        """Rendering frames: the status line does not show the replay."""
        self._replay_timer: Timer | None = None
        self.notes = notes_shown(session)
        """The note shown at each line: the last one made up to it, if any."""
        self.missing_themes: set[str] = set()
        """Recorded themes this app does not have (said once each)."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            yield widget
            if isinstance(widget, Body):
                yield NoteBar(id="note-bar")

    def on_mount(self) -> None:
        # RnnTuiApp.on_mount runs too, after this (Textual calls each class's handler)
        if self.exporting:  # frames are drawn at the recorded views only, each whole
            self.query_one(Body).draws_ahead = False
            self.holds_heights = False
        if self.session.ends_mid_line and not self.exporting:
            self.say(
                _(
                    "The recording ends mid-line (it was cut short): its {count} whole lines are "
                    "replayed."
                ).format(count=len(self.session.actions)),
                title=_("replay"),
                severity="warning",
                timeout=6,
            )
        self._schedule()

    def show_line(self, index: int) -> None:
        """Show the state after action `index` (its scenario and its view)."""
        self.position = index
        action = self.session.actions[index]
        scenario = self.scenarios[index]
        if scenario is not self.scenario:
            self.set_scenario(scenario)
        self.view = action.view
        if action.screen is not None:
            self.show_screen(action.screen)
        self.query_one(NoteBar).show(self.notes[index])
        self.show_activity()

    def show_screen(self, screen: ScreenState) -> None:
        """Show what else the recorded screen showed: the view shown, the ∂ numbers, the
        input followed, the theme (kept when this app has no such theme, said once),
        the columns' scroll. What a line does not say stays as it is."""
        from ..scenario.memory import followed_step

        if screen.pane is not None and screen.pane != self.pane:
            self.action_show_pane(screen.pane)
        strip = self.query_one(TokenStripView)
        if screen.numbers is not None and strip.numbers != screen.numbers:
            strip.numbers = screen.numbers
        if screen.probe is not None:
            own = followed_step(self.scenario)
            if (screen.probe or own) != (self.probed or own):
                self.probe(screen.probe or own, say=False)
        if screen.theme is not None and screen.theme != self.theme:
            if screen.theme in self.available_themes:
                self.theme = screen.theme
            elif screen.theme not in self.missing_themes and not self.exporting:
                self.missing_themes.add(screen.theme)
                self.say(
                    _(
                        "The recording used the theme {theme}, which is not here: the "
                        "current theme stays."
                    ).format(theme=screen.theme),
                    title=_("replay"),
                    severity="warning",
                    timeout=5,
                )
        if screen.scroll is not None:
            self.query_one(Body).restore_scroll(dict(screen.scroll))

    def scrolled_as_recorded(self) -> bool:
        """Are the columns scrolled as the line shown says (or does it not say)?"""
        if not 0 <= self.position < len(self.session.actions):
            return True
        screen = self.session.actions[self.position].screen
        if screen is None or screen.scroll is None:
            return True
        return self.query_one(Body).scroll_state() == dict(screen.scroll)

    def _schedule(self) -> None:
        if self._replay_timer is not None:
            self._replay_timer.stop()
            self._replay_timer = None
        if not self.replaying:
            return
        following = self.position + 1
        if following >= len(self.session.actions):
            self.replaying = False
            self.show_activity()
            self.say(_("The end of the recording: ← steps back, space plays it again."), timeout=4)
            return
        self._replay_timer = self.set_timer(max(self.delays[following], 0.001), self._advance)

    def _advance(self) -> None:
        self._replay_timer = None
        self.show_line(self.position + 1)
        self._schedule()

    def action_toggle_replay(self) -> None:
        """Pause, or play on from the line shown (from the start when at the end)."""
        self.replaying = not self.replaying
        if self.replaying and self.position + 1 >= len(self.session.actions):
            self.position = -1
        self._schedule()
        self.show_activity()

    def action_replay_step(self, delta: int) -> None:
        """Pause, and show the next or the previous recorded line."""
        self.replaying = False
        self._schedule()
        target = min(max(self.position + delta, 0), len(self.session.actions) - 1)
        if self.session.actions:
            self.show_line(target)

    def action_replay_goto(self, index: int) -> None:
        """Pause, and show the first (0) or the last (-1) recorded line."""
        self.replaying = False
        self._schedule()
        if self.session.actions:
            self.show_line(index % len(self.session.actions))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The app's actions refused or replaced here are not shown (the footer lists
        the keys that work in a replay); their keys say why not (on_key)."""
        if action in self.REFUSED or action in self.REPLACED:
            return False
        return super().check_action(action, parameters)

    def on_key(self, event: events.Key) -> None:
        """A key of a refused action (hidden, so no binding ran): say why not, instead
        of the app's "Press ? for keys."."""
        if self.screen.is_modal:
            return
        action = next((self.REFUSED_KEYS[k] for k in event.aliases if k in self.REFUSED_KEYS), None)
        if action is not None:
            event.prevent_default()  # RnnTuiApp.on_key: the key is known
            event.stop()
            self.allowed(action)

    def allowed(self, action: str) -> bool:
        """None of the actions that change the model or the recording: each says why not."""
        self.say(
            _(
                "Not while replaying: {what} would change the recorded walk. Quit (ctrl+q) and "
                "open the scenario with rnn-tui to explore it."
            ).format(what=_(self.REFUSED[action])),
            title=_("replay"),
            severity="warning",
            timeout=4,
        )
        return False

    def show_activity(self) -> None:
        super().show_activity()
        if not hasattr(self, "session") or self.exporting:
            return
        state = "▶" if self.replaying else "⏸"
        line = self.position + 1
        total = len(self.session.actions)
        fields = [(f"{state} " + _("replay "), f"{line}/{total}")]
        if 0 <= self.position < total:
            action = self.session.actions[self.position]
            # the session's own words (made visible when read) are shown, never translated
            label = ACTION_LABELS.get(action.action)
            what = _(label) if label is not None else action.action
            fields.append(("", f"{what} ({shown_key(action.key)})"))
        status = self.query_one("#status")
        status.set_activity(fields)  # type: ignore[attr-defined]


ReplayApp.REFUSED_KEYS = {
    binding.key: binding.action.partition("(")[0]
    for binding in APP_BINDINGS
    if isinstance(binding, Binding) and binding.action.partition("(")[0] in ReplayApp.REFUSED
}


def shown_key(key: str) -> str:
    """A recorded key as the status line names it: "→", "timer" (a play tick), "no key"
    (the palette, a dialog's answer)."""
    if key in KEY_LABELS:
        return _(KEY_LABELS[key])
    return format_key(key) if key else _("no key")


def notes_shown(session: Session) -> list[str | None]:
    """The note to show at each action of `session`: the last one made up to it."""
    out: list[str | None] = []
    note = None
    for action in session.actions:
        note = action.note if action.note is not None else note
        out.append(note)
    return out


TOP_LEFT = "\x1b[1;1H"
"""The cursor move a whole screen starts with."""
SCREEN_UPDATE = re.compile(r"\x1b\[\d+;\d+H")
"""How Textual starts a screen update: a cursor move, then the lines from there."""
CURSOR_AT_THE_END = re.compile(r"\x1b\[\d+;\d+H\Z")
"""Where Textual puts the cursor after an update (the app's cursor_position)."""


class FrameDriver(HeadlessDriver):
    """The driver of an app that renders frames (`rnn-tui export --cast`), passed as its
    driver_class by frame_app and run with run_test(size=..., headless=False): no
    terminal, no input and the size asked for, as HeadlessDriver. Headless too, but
    while screen_ansi draws a frame: the app then renders its screen as for a terminal
    and writes it here, where it is kept (only the screen: what else an app writes to a
    terminal, the bell, a copy to the clipboard, a mouse pointer shape, is not)."""

    def __init__(self, app: App[Any], **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.drawing = False
        """screen_ansi is drawing a frame: the app writes its screen updates here."""
        self.updates: list[str] = []
        """The screen updates written while drawing."""
        _frame_drivers[app] = self

    @property
    def is_headless(self) -> bool:
        return not self.drawing

    def write(self, data: str) -> None:
        if self.drawing and SCREEN_UPDATE.match(data):
            self.updates.append(data)


_frame_drivers: WeakKeyDictionary[App[Any], FrameDriver] = WeakKeyDictionary()

TRUECOLOR_ENVIRONMENT: dict[str, str | None] = {
    "COLORTERM": "truecolor",
    "TERM": "xterm-256color",
    "NO_COLOR": None,
}
"""os.environ inside truecolor_terminal (None: unset)."""
TRUECOLOR_CONSTANTS: dict[str, str] = {"COLOR_SYSTEM": "truecolor", "FILTERS": ""}
"""textual.constants inside truecolor_terminal (from TEXTUAL_COLOR_SYSTEM and
TEXTUAL_FILTERS, read when textual is imported)."""


@contextmanager
def truecolor_terminal() -> Iterator[None]:
    """The environment of a truecolor terminal, whatever this process runs in: a frame is
    for other terminals. Textual gives an app the colours of the terminal it is made in
    (NO_COLOR: monochrome; COLORTERM and TERM: truecolor, 256 colours, 16 or none;
    TEXTUAL_COLOR_SYSTEM and TEXTUAL_FILTERS, read into textual.constants when textual
    is imported), and the app reads textual.constants.COLOR_SYSTEM as it draws too
    (few_colours: shades for 16 colours). Made and run inside it, an app draws in
    truecolor; os.environ and textual.constants are restored after, whatever happens."""
    environment = {name: os.environ.get(name) for name in TRUECOLOR_ENVIRONMENT}
    constants = {name: getattr(textual.constants, name) for name in TRUECOLOR_CONSTANTS}
    try:
        for name, value in TRUECOLOR_ENVIRONMENT.items():
            _set_environment(name, value)
        for name, value in TRUECOLOR_CONSTANTS.items():
            setattr(textual.constants, name, value)
        yield
    finally:
        for name, value in constants.items():
            setattr(textual.constants, name, value)
        for name, was in environment.items():
            _set_environment(name, was)


def _set_environment(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


AppT = TypeVar("AppT", bound=App[Any])


def frame_app(make: Callable[[], AppT]) -> AppT:
    """The app `make()` makes, made to render frames: made in truecolor_terminal, with
    FrameDriver. Run it with app.run_test(size=..., headless=False), inside
    truecolor_terminal too unless the environment is known (as render_frames does);
    screen_ansi(pilot) is then its screen."""
    with truecolor_terminal():
        app = make()
    app.driver_class = FrameDriver
    return app


async def screen_ansi(pilot: Pilot[Any]) -> str:
    """The app's screen as ANSI text, as its terminal gets it: the whole screen drawn
    from the top-left, line by line (cursor moves, truecolor SGR and text), the cursor
    left after the last line. The app: made by frame_app, run with
    run_test(headless=False). The screen as it is: nothing pending is handled first
    (pilot.pause() does that), an animated scroll ends."""
    app = pilot.app
    driver = _frame_drivers.get(app)
    if driver is None:
        raise RuntimeError("screen_ansi: an app made by frame_app, run with headless=False")
    await pilot.wait_for_animation()
    driver.updates.clear()
    driver.drawing = True
    try:
        app.screen.refresh()  # the whole screen, not only what changed since the last frame
        await pilot.wait_for_animation()  # none left: the screen is drawn now, nothing else runs
    finally:
        driver.drawing = False
    text = driver.updates[-1] if driver.updates else ""
    driver.updates.clear()
    if not (text.startswith(TOP_LEFT) and text.count("\n") == app.size.height - 1):
        raise RuntimeError(f"screen_ansi: not the whole screen: {visible(text[:40])}")
    # Textual then moves the cursor where the app wants it (the terminal's cursor is
    # hidden in the app, not in a player): left out, it stays after the last line
    return CURSOR_AT_THE_END.sub("", text)


def svg_name(index: int, action: str) -> str:
    """The file name of the SVG of action `index` (0-based): 0001-step.svg, ...; an
    action the app does not know is named "change" (a session's words never make a
    path)."""
    return f"{index + 1:04d}-{action if action in ACTION_LABELS else 'change'}.svg"


async def render_frames(
    session: Session,
    *,
    size: tuple[int, int] | None = None,
    svg_dir: Path | None = None,
    actions: range | None = None,
    ansi: bool = True,
) -> AsyncIterator[tuple[float, str]]:
    """The screen after each action, rendered with no terminal (FrameDriver) at the
    recorded terminal size (or `size`):
    (time, ANSI text) each; with `svg_dir`, an SVG of each too (0001-step.svg, ...),
    written with write_atomic, never onto the session or its weights files.
    `actions`: the 0-based indexes of the actions to render (default: all); `ansi`
    False: the SVGs only, "" for each ANSI text.
    A session without a whole action line (cut short after its header) gives one
    frame, its first screen (0000-start.svg). Raises SessionError before rendering
    anything when the size is outside the sizes a session may name or the frames
    would pass MAX_EXPORT_FRAMES or MAX_EXPORT_CELLS."""
    width, height = size or session.terminal
    indexes = actions if actions is not None else range(max(len(session.actions), 1))
    check_export_size(len(indexes), width, height)
    protected = session_files(session)
    names = svg_names(session)
    if svg_dir is not None:
        for index in indexes:
            check_target(svg_dir / names[index], inputs=protected)
    with truecolor_terminal():
        app = frame_app(lambda: ReplayApp(session, exporting=True))
        async with app.run_test(size=(width, height), headless=False) as pilot:
            for index in indexes:
                name = names[index]
                if session.actions:
                    app.show_line(index)
                # every pending event handled, twice: a layout that changes a column's
                # height sends its scrollbars a message of their own, handled in the
                # second round (without it the frame depends on the machine's load)
                await pilot.pause(0)
                await pilot.pause(0)
                if not app.scrolled_as_recorded():
                    await pilot.pause()  # a scroll that lands after the layout (a view shown)
                if svg_dir is not None:
                    write_atomic(svg_dir / name, frame_svg(app, index), inputs=protected)
                frame = await screen_ansi(pilot) if ansi else ""
                yield (session.actions[index].time if session.actions else 0.0), frame


def frame_svg(app: App[Any], index: int) -> str:
    """The screen as SVG, drawn as App.export_screenshot draws it, with an id of its own
    (rnn-tui-frame-N) for the SVG's styles: without one, Rich makes it from the repr of
    every segment of the screen, a third of an export's time. (Textual's method takes
    no id, so this reads the screen's compositor as that method does.)"""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    screen = app.screen
    console.print(screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_svg(title=app.title, unique_id=f"rnn-tui-frame-{index + 1}")


def svg_names(session: Session) -> list[str]:
    """The SVG file names of an export, one a frame (see render_frames)."""
    if not session.actions:
        return ["0000-start.svg"]
    return [svg_name(i, a.action) for i, a in enumerate(session.actions)]


def export_session(
    session: Session,
    *,
    cast: Path | None = None,
    svg_dir: Path | None = None,
    size: tuple[int, int] | None = None,
    title: str = "",
    actions: range | None = None,
) -> tuple[int, int, int]:
    """`rnn-tui export`: check that every change applies and that nothing would be
    written onto the session (its file or its weights files), then render the frames
    into an asciicast file `cast` and / or one SVG per action into `svg_dir`; only the
    actions of `actions` (0-based indexes) when given, the cast starting at the first.
    Returns (frames, columns, rows). Raises SessionError (a message naming the file and
    the line, or the size) or OSError / WriteRefused (a write refused or failed: an old
    file stays whole)."""
    width, height = size or session.terminal
    indexes = actions if actions is not None else range(max(len(session.actions), 1))
    check_export_size(len(indexes), width, height)
    scenarios_of(session)  # every change applies, before any file is written
    protected = session_files(session)
    names = svg_names(session)
    svgs = [] if svg_dir is None else [svg_dir / names[index] for index in indexes]
    if cast is not None:
        check_target(Path(cast), inputs=protected)
        where = Path(cast).resolve()
        if svg_dir is not None and where in {svg_dir.resolve(), *(p.resolve() for p in svgs)}:
            raise WriteRefused(  # --cast d --svg d: the cast and the SVGs would collide
                _("{path}: the cast would be written where the SVGs go").format(
                    path=visible(str(cast))
                )
            )
    for svg in svgs:
        check_target(svg, inputs=protected)
    if svg_dir is not None:
        svg_dir.mkdir(parents=True, exist_ok=True)

    async def collect() -> list[tuple[float, str]]:
        frames = render_frames(
            session, size=(width, height), svg_dir=svg_dir, actions=indexes, ansi=cast is not None
        )
        return [frame async for frame in frames]

    frames = asyncio.run(collect())
    start = frames[0][0] if frames else 0.0  # a part of a session plays from its own start
    frames = [(time - start, text) for time, text in frames]
    if cast is not None:
        write_cast(
            Path(cast),
            frames,
            width=width,
            height=height,
            inputs=protected,
            title=title or f"rnn-tui: {session.path.name}",
        )
    return len(frames), width, height
