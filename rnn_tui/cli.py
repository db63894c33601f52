"""The command line: `rnn-tui [SCENARIO]` opens the app; subcommands script the rest.

This module holds the command group (a bare scenario means `open`; --lang anywhere), the
app's commands (open, serve) and `main`, which turns every error into one line and an
exit status. The scenario commands are in `cli_scenario`, the session commands in
`cli_session`, what they share in `cli_common`.

Every message goes through the catalogue (`rnn_tui.i18n`); help texts are marked
with N_ where they are declared and translated once the language is known, and click's
own words come from the same catalogue (`i18n.standard_gettext`). Everything printed is
escaped (no control or bidi character from a file, a path or an argument reaches the
terminal), and every file written goes through `rnn_tui.files.write_atomic` (never onto
an input, never into the built-ins).
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from . import __version__
from .ui import collector_paused  # (no textual: the app is loaded when it starts)

with collector_paused():  # numpy and the engine come with these: as the app's start-up
    from .cli_common import (
        PipeClosed,
        drop_stdout,
        echo_problems,
        need_terminal,
        say,
        shown,
        to_stdout,
    )
    from .cli_lesson import learn, lesson_group
    from .cli_scenario import list_builtins, new, trace, train, validate
    from .cli_session import export, replay
    from .files import WriteRefused, reason
    from .i18n import LANGUAGES, N_, _, set_language, standard_gettext
    from .scenario import ScenarioError, builtin_names, load_scenario
    from .settings import InvalidSetting, Settings, check, config_path, describe, load_settings
    from .text import visible

# click's own words, so that they are in the catalogue too (see i18n.standard_gettext)
CLICK_MESSAGES = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Missing argument"),
    N_("Missing option"),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Show the version and exit."),
    N_("Show this message and exit."),
    N_("Aborted!"),
    N_("Missing command."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{name} {filename!r} does not exist."),
    N_("default: {default}"),
)

INTERNAL_ERROR = 70  # EX_SOFTWARE: a bug of rnn-tui, not of the user's input


class _DefaultToOpen(click.Group):
    """`rnn-tui X` means `rnn-tui open X` unless X is a subcommand; --lang may come
    anywhere (`rnn-tui serve --lang zh` is `rnn-tui --lang zh serve`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        head, rest = _split_lang(args)
        if head and head[-1] == "--lang":
            raise click.UsageError(
                _("--lang needs a value: {choices}").format(choices=", ".join(LANGUAGES)), ctx
            )
        passthrough = {"--help", "-h", "--version"}
        if not rest or (rest[0] not in self.commands and rest[0] not in passthrough):
            if rest:
                _refuse_mistyped_command(rest[0], sorted(self.commands))
            rest = ["open", *rest]
        return super().parse_args(ctx, head + rest)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Where the settings file is, found when the help is shown (RNN_TUI_CONFIG)."""
        self.epilog = describe(config_path())
        super().format_epilog(ctx, formatter)


def _refuse_mistyped_command(word: str, commands: list[str]) -> None:
    """`rnn-tui validte x.toml` is a mistyped command, not a scenario named "validte":
    a bare word that is no file and no built-in, close to a command, is refused."""
    if word.startswith("-") or "/" in word or "." in word or word in builtin_names():
        return
    if os.path.lexists(word):
        return
    close = difflib.get_close_matches(word, commands, n=1, cutoff=0.6)
    if close:
        raise click.ClickException(
            _("no such command or scenario '{name}'; did you mean {command}?").format(
                name=visible(word), command=close[0]
            )
        )


def _split_lang(args: list[str]) -> tuple[list[str], list[str]]:
    """The --lang options found anywhere before a `--`, and the other arguments in order.
    A --lang without a value ends `head` alone (parse_args says so)."""
    head: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg == "--lang":
            head.extend(args[i : i + 2])
            i += 2
        elif arg.startswith("--lang="):
            head.append(arg)
            i += 1
        else:
            rest.append(arg)
            i += 1
    return head, rest


def _language_of(args: list[str]) -> str | None:
    head, _rest = _split_lang(args)
    value = None
    for i, arg in enumerate(head):
        if arg == "--lang":
            value = head[i + 1] if i + 1 < len(head) else value
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
    return value if value in LANGUAGES else None


@click.group(
    cls=_DefaultToOpen,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=N_(
        "Step through a recurrent neural network one timestep at a time.\n\n"
        "With no command, opens the app on SCENARIO (a file or a built-in name; "
        "default: the intent scenario)."
    ),
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help=N_(
        "Language of the interface: en or zh. Default: RNN_TUI_LANG, else the settings "
        "file, else from LANG / LC_ALL, else en."
    ),
)
@click.version_option(__version__, prog_name="rnn-tui")
def cli(lang: str | None) -> None:
    """The command group (the language was set before parsing, in main)."""


LONG_SEQUENCE = 10_000  # steps from which the trace before the first frame is noticeable


def _setting(key: str) -> Callable[[click.Context, click.Parameter, object], object]:
    """A click callback checking an option as the settings check its key."""

    def checked(ctx: click.Context, param: click.Parameter, value: object) -> object:
        if value is None:
            return None
        try:
            return check(key, value)
        except InvalidSetting as e:
            raise click.BadParameter(str(e), ctx, param) from None

    return checked


@click.command("open", help=N_("Open the app on SCENARIO (default: the built-in intent scenario)."))
@click.argument("scenario", required=False)
@click.option(
    "--record",
    "record",
    type=click.Path(dir_okay=False),
    default=None,
    help=N_("Record the session into this file (JSON Lines; r stops)."),
)
@click.option(
    "--theme",
    metavar="NAME",
    default=None,
    help=N_(
        "Colour theme for this run (nord, gruvbox, textual-light, …; ctrl+p Theme lists them)."
    ),
)
@click.option(
    "--speed",
    type=float,
    metavar="N",
    default=None,
    callback=_setting("speed"),
    help=N_("Playing speed for this run, in steps a second: 0.5, 1, 2, 4, 8, 16 or 32."),
)
@click.option(
    "--folder",
    metavar="DIR",
    default=None,
    callback=_setting("folder"),
    help=N_("Save screenshots, recordings and numbers into DIR (default: the current folder)."),
)
def open_app(
    scenario: str | None,
    record: str | None,
    theme: str | None,
    speed: float | None,
    folder: Path | None,
) -> None:
    loaded = load_scenario(scenario)  # fail here, with a message, before the screen switches
    if record is not None:  # `rnn-tui mine.toml --record mine.toml` would replace the scenario
        from .session import check_record_target

        inputs = [p for p in (loaded.path, loaded.weights_file) if p is not None]
        try:  # the recorder's own check, before the screen switches
            check_record_target(Path(record), inputs=inputs)
        except WriteRefused as e:
            raise click.ClickException(str(e)) from None
    need_terminal()
    steps = loaded.inputs.shape[0]
    if steps >= LONG_SEQUENCE:  # seconds of tracing before the first frame: say why
        click.echo(_("rnn-tui: tracing {steps:,} steps…").format(steps=steps), err=True)
    from .ui import make_app

    settings = _settings_of_run(theme=theme, speed=speed, folder=folder)
    app = make_app(scenario, record=record, settings=settings)
    app.run()
    sys.exit(app.return_code or 0)


def _settings_of_run(*, theme: str | None, speed: float | None, folder: Path | None) -> Settings:
    """This run's settings: the flags (a wrong --theme refused), then the environment and
    the settings file, whose problems are warnings (the app starts without them)."""
    from .ui import theme_names

    themes = theme_names()
    if theme is not None:
        try:
            check("theme", theme, themes=themes)
        except InvalidSetting as e:
            raise click.BadParameter(str(e), param_hint="'--theme'") from None
    language = click.get_current_context().find_root().params.get("lang")
    settings, problems = load_settings(
        theme=theme, language=language, speed=speed, folder=folder, themes=themes
    )
    for problem in problems:
        say(_("warning: {problem}").format(problem=problem), err=True)
    return settings


@click.command(
    help=N_(
        "Run the app in a browser (textual-serve): open a URL it prints, with "
        "its secret token. Works offline. Binds 127.0.0.1 unless --host says "
        "otherwise (e.g. --host 0.0.0.0 for a class on one network)."
    )
)
@click.argument("scenario", required=False)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    help=N_("Port to listen on."),
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help=N_("Address to listen on (keep it local: the app runs as you)."),
)
@click.option(
    "--max-sessions",
    type=click.IntRange(1, 1024),
    default=32,
    show_default=True,
    help=N_("Browser sessions (app processes) at once; more are refused."),
)
def serve(scenario: str | None, port: int, host: str, max_sessions: int) -> None:
    load_scenario(scenario)  # fail here, with a message, not in the browser
    from .ui.serve import serve as run_server  # here: textual-serve takes a while to import

    try:
        run_server(scenario, host=host, port=port, max_sessions=max_sessions)
    except OSError as e:  # the port is taken, the address is not this machine's, ...
        raise click.ClickException(
            _("cannot serve on {host} port {port}: {reason}").format(
                host=visible(host), port=port, reason=visible(e.strerror or str(e))
            )
        ) from None


for command in (
    open_app,
    list_builtins,
    validate,
    trace,
    train,
    replay,
    export,
    serve,
    new,
    learn,
    lesson_group,
):
    cli.add_command(command)


def _translate_help(group: click.Group) -> None:
    """Help texts in the active language."""

    def visit(command: click.Command) -> None:
        if command.help:
            command.help = _(command.help)
        for param in command.params:
            if isinstance(param, click.Option) and param.help:
                param.help = _(param.help)
        if isinstance(command, click.Group):
            for sub in command.commands.values():
                visit(sub)

    visit(group)


def _os_error_message(error: OSError) -> str:
    """One line naming the file an OSError is about, and why."""
    if isinstance(error, WriteRefused):
        return str(error)
    name = error.filename
    if isinstance(name, (str, bytes, os.PathLike)):
        return _("{path}: {reason}").format(path=shown(name), reason=reason(error))
    return reason(error)


def _fail(message: str) -> None:
    click.echo(_("Error: {message}").format(message=visible(message)), err=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point: every user-caused error becomes a message and exit status 2; an
    unexpected exception one line and exit status 70 (its traceback with RNN_TUI_DEBUG)."""
    args = list(sys.argv[1:] if argv is None else argv)
    chosen = _language_of(args) or load_settings()[0].language  # the file's problems: in open
    language = set_language(chosen)  # before anything is said
    _translate_help(cli)
    with standard_gettext(language):  # click's words ("Usage:") in the same language
        _run(args)


def _run(args: list[str]) -> None:
    """The command line's run, each kind of failure said in one line with its exit status."""
    try:
        try:
            cli.main(args=args, prog_name="rnn-tui", standalone_mode=False)
        finally:
            if sys.stdout is not None:  # a full disk shows here, not in Python's exit
                to_stdout(sys.stdout.flush)
    except ScenarioError as e:
        echo_problems(e)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo(_("Aborted!"), err=True)
        sys.exit(1)
    except click.ClickException as e:
        # show() prints format_message(), which may quote a file or an argument: escaped
        # (the message itself is Final from click 8.5 on, so the method is wrapped)
        unescaped = e.format_message
        setattr(e, "format_message", lambda: visible(unescaped()))  # noqa: B010
        e.show()
        sys.exit(2 if e.exit_code in (1, 2) else e.exit_code)
    except (BrokenPipeError, PipeClosed):  # `rnn-tui trace x | head`
        drop_stdout()
        sys.stderr.close()
        sys.exit(0)
    except OSError as e:  # a file that cannot be read or written, a full disk
        _fail(_os_error_message(e))
        sys.exit(2)
    except Exception as e:
        from .session import SessionError

        if isinstance(e, SessionError):
            _fail(str(e))
            sys.exit(2)
        if os.environ.get("RNN_TUI_DEBUG"):
            raise
        detail = visible(f"{type(e).__name__}: {e}")[:500]
        click.echo("rnn-tui: " + _("internal error: {detail}").format(detail=detail), err=True)
        click.echo(
            _("rnn-tui: this is a bug; please report it (RNN_TUI_DEBUG=1 shows the traceback)"),
            err=True,
        )
        sys.exit(INTERNAL_ERROR)


if __name__ == "__main__":
    main()
