"""The session commands of the command line (`rnn_tui.cli`): replay (and verify, with
--check) and export a recorded session. The session reader's messages name the file and
the line; what these print and write goes through `rnn_tui.cli_common`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli_common import finite, need_terminal, refuse_target, say, shown
from .files import WriteRefused, reason
from .i18n import N_, _, ngettext
from .text import visible


@click.command(
    help=N_(
        "Replay a recorded SESSION; with --check, verify it: exit 0 when every "
        "state matches, 1 naming the first line that differs."
    )
)
@click.argument("session", type=click.Path(dir_okay=False))
@click.option("--check", is_flag=True, help=N_("Recompute every state without a screen."))
@click.option(
    "--speed",
    type=click.FloatRange(0.01, 1000),
    default=1.0,
    show_default=True,
    callback=finite,
    help=N_("Play this many times faster than recorded."),
)
@click.option("--paused", is_flag=True, help=N_("Start paused (space plays, → and ← step)."))
def replay(session: str, check: bool, speed: float, paused: bool) -> None:
    from .session import SessionError, check_session, read_session

    if not check:
        try:
            from .ui.replay import ReplayApp

            app = ReplayApp(read_session(Path(session)), speed=speed, paused=paused)
        except SessionError as e:
            raise click.ClickException(str(e)) from None
        need_terminal()
        app.run()
        sys.exit(app.return_code or 0)
    try:
        recorded = read_session(Path(session))
        result = check_session(recorded)
    except SessionError as e:
        raise click.ClickException(str(e)) from None
    if result.failed_line is not None:
        from .session.format import line_of

        say(f"{line_of(shown(session), result.failed_line)}: {result.reason}", err=True)
        matched = ngettext(
            "{count} action matched before it", "{count} actions matched before it", result.checked
        )
        say(matched.format(count=result.checked), err=True)
        sys.exit(1)
    say(
        _("{session}: all {count} recorded states match").format(
            session=shown(session), count=result.checked
        )
    )
    if recorded.ends_mid_line:
        say(
            _(
                "{session}: the file ends mid-line (a recording cut short); its whole lines "
                "were checked"
            ).format(session=shown(session))
        )


@click.command(
    help=N_(
        "Export a recorded SESSION: an asciicast v2 file (--cast) of its frames, "
        "and / or one SVG per action (--svg)."
    )
)
@click.argument("session", type=click.Path(dir_okay=False))
@click.option(
    "--cast",
    "cast",
    type=click.Path(dir_okay=False),
    default=None,
    help=N_("Write an asciicast v2 file here (asciinema play OUT.cast)."),
)
@click.option(
    "--svg",
    "svg",
    type=click.Path(file_okay=False),
    default=None,
    help=N_("Write one SVG per action into this directory."),
)
@click.option(
    "--size",
    default=None,
    metavar="COLSxROWS",
    help=N_("Render at this size instead of the recorded terminal's (from 20x10 to 1000x500)."),
)
@click.option(
    "--actions",
    default=None,
    metavar="A-B",
    help=N_(
        "Only the recorded actions A to B (1-based): a long session is exported "
        "in parts of at most 1,000 frames."
    ),
)
def export(
    session: str, cast: str | None, svg: str | None, size: str | None, actions: str | None
) -> None:
    from .session import SessionError, read_session
    from .session.export import parse_actions, parse_size

    if cast is None and svg is None:
        raise click.ClickException(_("nothing to export: give --cast OUT.cast and / or --svg DIR"))
    source = Path(session)
    cast_path = None if cast is None else Path(cast)
    svg_dir = None if svg is None else Path(svg)
    try:
        shape = None if size is None else parse_size(size)  # bounded: 99999x99999 is refused
    except SessionError as e:
        raise click.ClickException(str(e)) from None
    if cast_path is not None:  # `export keep.jsonl --cast keep.jsonl`, before reading it
        refuse_target(cast_path, inputs=[source])
    try:
        recorded = read_session(source)
        chosen = None if actions is None else parse_actions(actions, len(recorded.actions))
        from .ui.replay import export_session

        # every file written atomically, never onto the session or its weights files
        count, width, height = export_session(
            recorded,
            cast=cast_path,
            svg_dir=svg_dir,
            size=shape,
            title=f"rnn-tui: {visible(source.name)}",
            actions=chosen,
        )
    except SessionError as e:
        raise click.ClickException(str(e)) from None
    except WriteRefused as e:
        raise click.ClickException(str(e)) from None
    except OSError as e:  # a full disk: the old files stay whole
        where = e.filename or " / ".join(str(p) for p in (cast_path, svg_dir) if p is not None)
        raise click.ClickException(
            _("{path}: cannot write: {reason}").format(path=shown(where), reason=reason(e))
        ) from None
    if cast_path is not None:
        say(
            ngettext(
                "wrote {path}: {count} frame at {width}x{height}",
                "wrote {path}: {count} frames at {width}x{height}",
                count,
            ).format(path=shown(cast_path), count=count, width=width, height=height)
        )
    if svg_dir is not None:
        wrote = ngettext(
            "wrote {count} SVG file into {path}", "wrote {count} SVG files into {path}", count
        )
        say(wrote.format(count=count, path=shown(svg_dir)))
