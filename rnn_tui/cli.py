"""The command line: `rnn-tui [SCENARIO]` opens the app; subcommands script the rest.

Every message goes through the catalogue (`rnn_tui.i18n`); help texts are marked
with N_ where they are declared and translated once the language is known.
Everything printed goes through `visible` (no control or bidi character from a file,
a path or an argument reaches the terminal), and every file written goes through
`rnn_tui.files.write_atomic` (never onto an input, never into the built-ins).
"""

from __future__ import annotations

import difflib
import json
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from . import __version__
from .files import WriteRefused, check_target, is_builtin, reason, write_atomic
from .i18n import LANGUAGES, N_, _, set_language
from .scenario import BUILTIN_DEFAULT, ScenarioError, builtin_names, load_scenario
from .text import visible

# click's own words, so that they are in the catalogue too (see _translate_click)
CLICK_MESSAGES = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Error: {message}"),
    N_("Try '{command} {option}' for help."), N_("Missing argument"), N_("Missing option"),
    N_("No such option {name!r}."), N_("No such command {name!r}."),
    N_("Invalid value for {param_hint}: {message}"), N_("Show the version and exit."),
    N_("Show this message and exit."), N_("Aborted!"), N_("Missing command."),
    N_("{value!r} is not a valid {number_type}."), N_("{value} is not in the range {range}."),
    N_("{name} {filename!r} does not exist."), N_("default: {default}"),
)  # fmt: skip

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


def _v(value: object) -> str:
    """A path or an argument, as it may be printed: control and bidi characters escaped."""
    text = os.fsdecode(value) if isinstance(value, (str, bytes, os.PathLike)) else str(value)
    return visible(text)


def _say(text: str, *, err: bool = False) -> None:
    """Print one line: anything from a file, a path or an argument in it shown escaped."""
    if err:
        click.echo(visible(text), err=True)
    else:
        _to_stdout(lambda: click.echo(visible(text)))


class _PipeClosed(Exception):
    """Standard output's reader has gone (`rnn-tui trace x | head`); click would turn the
    BrokenPipeError into exit status 1, this gets to main, which ends quietly."""


def _to_stdout(write: Callable[[], object]) -> None:
    """Run `write`; standard output that cannot take it (a full disk) is a message."""
    try:
        write()
    except BrokenPipeError:  # `rnn-tui list | head`: main ends quietly
        raise _PipeClosed() from None
    except OSError as e:
        _drop_stdout()
        raise click.ClickException(
            _("standard output: cannot write: {reason}").format(reason=reason(e))
        ) from None


def _drop_stdout() -> None:
    """Send what is still waiting for standard output to /dev/null, so that Python's own
    flush at exit does not fail a second time, with a traceback."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def _has_terminal() -> bool:
    """Whether stdin and stdout are a terminal: the app needs one (without, it would spin
    on a closed input). Tests replace this."""
    return all(stream is not None and stream.isatty() for stream in (sys.stdin, sys.stdout))


def _need_terminal() -> None:
    if not _has_terminal():
        raise click.ClickException(_("rnn-tui needs a terminal; for scripts use trace --json"))


def _finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """A FloatRange lets NaN through (it compares false with both bounds): refuse it."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(_("{value} is not a finite number").format(value=value))
    return value


def _write(path: Path, data: bytes | str, *, inputs: list[Path]) -> Path:
    """write_atomic, its failures as a message naming the file (exit 2)."""
    try:
        return write_atomic(path, data, inputs=inputs)
    except WriteRefused as e:
        raise click.ClickException(str(e)) from None
    except OSError as e:
        raise click.ClickException(
            _("{path}: cannot write: {reason}").format(path=_v(path), reason=reason(e))
        ) from None


def _check_target(path: Path, *, inputs: list[Path]) -> None:
    """check_target before any work, its refusal as a message (exit 2)."""
    try:
        check_target(path, inputs=inputs)
    except WriteRefused as e:
        raise click.ClickException(str(e)) from None


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
    help=N_("Language of the interface: en or zh. Default: from LANG / LC_ALL, else en."),
)
@click.version_option(__version__, prog_name="rnn-tui")
def cli(lang: str | None) -> None:
    """The command group (the language was set before parsing, in main)."""


LONG_SEQUENCE = 10_000  # steps from which the trace before the first frame is noticeable


@cli.command("open", help=N_("Open the app on SCENARIO (default: the built-in intent scenario)."))
@click.argument("scenario", required=False)
@click.option("--record", "record", type=click.Path(dir_okay=False), default=None,
              help=N_("Record the session into this file (JSON Lines; r stops)."))  # fmt: skip
def open_app(scenario: str | None, record: str | None) -> None:
    loaded = load_scenario(scenario)  # fail here, with a message, before the screen switches
    if record is not None:  # `rnn-tui mine.toml --record mine.toml` would replace the scenario
        from .session import check_record_target

        inputs = [p for p in (loaded.path, loaded.weights_file) if p is not None]
        try:  # the recorder's own check, before the screen switches
            check_record_target(Path(record), inputs=inputs)
        except WriteRefused as e:
            raise click.ClickException(str(e)) from None
    _need_terminal()
    steps = loaded.inputs.shape[0]
    if steps >= LONG_SEQUENCE:  # seconds of tracing before the first frame: say why
        click.echo(_("rnn-tui: tracing {steps:,} steps…").format(steps=steps), err=True)
    from .ui import make_app

    app = make_app(scenario, record=record)
    app.run()
    sys.exit(app.return_code or 0)


@cli.command("list", help=N_("The built-in scenarios, one line each."))
def list_builtins() -> None:
    names = builtin_names()
    width = max(len(n) for n in names)
    for name in names:
        try:
            s = load_scenario(name)
        except ScenarioError as e:  # a broken built-in is a bug, but list the rest
            broken = _("(broken: {reason})").format(reason=e.problems[0].message)
            _say(f"{name:<{width}}  {broken}")
            continue
        net = s.network
        shape = (
            f"{net.cell} {net.num_layers}L{' bi' if net.bidirectional else ''} H={net.hidden_size}"
        )
        marker = "*" if name == BUILTIN_DEFAULT else " "
        _say(f"{name:<{width}} {marker} {shape:<16}  {s.title}")


@cli.command(help=N_("Check scenario files; exit 0 when all are valid, 2 otherwise."))
@click.argument("files", nargs=-1, required=True)
def validate(files: tuple[str, ...]) -> None:
    bad = 0
    for file in files:
        try:
            s = load_scenario(file)
        except ScenarioError as e:
            bad += 1
            _echo_problems(e)
            continue
        _say(_("ok: {file}: {title}").format(file=_v(file), title=s.title))
    if bad:
        _say(_("{bad} of {count} file(s) invalid").format(bad=bad, count=len(files)), err=True)
        sys.exit(2)


@cli.command(help=N_("The whole computation of SCENARIO as JSON on stdout."))
@click.argument("scenario")
@click.option("--json", "as_json", is_flag=True, default=True,
              help=N_("JSON on stdout (the default and only format)."))  # fmt: skip
def trace(scenario: str, as_json: bool) -> None:
    from .engine.trace import MAX_JSON_NUMBERS, layout_numbers, trace_layout, write_trace_json
    from .scenario.limits import influence_plan

    s = load_scenario(scenario)
    plan = influence_plan(s.network, s.inputs.shape[0])  # the app's limit; null when skipped
    if plan.how == "skip":
        _say(plan.reason, err=True)
    influence = None if plan.how == "skip" else s.influence()
    layout = trace_layout(s.trace(), scenario=s.name, model=s.model_config(), influence=influence)
    count = layout_numbers(layout)
    if count > MAX_JSON_NUMBERS:
        raise click.ClickException(
            _("{path}: the trace holds {count:,} numbers, more than trace --json writes "
              "({limit:,}); read it in Python: load_scenario(...).trace()").format(
                path=_v(s.path or s.name), count=count, limit=MAX_JSON_NUMBERS
            )
        )  # fmt: skip
    # its texts were escaped by the loader (names, tokens, labels): nothing raw reaches stdout
    # arrays written a block of rows at a time (memory stays the trace's own); NaN and
    # ±Infinity as null, listed in "nonfinite": valid JSON
    _to_stdout(lambda: write_trace_json(layout, sys.stdout.write))
    _to_stdout(lambda: (sys.stdout.write("\n"), sys.stdout.flush()))


@cli.command(help=N_("Fit SCENARIO's weights on its [train] examples (BPTT, Adam), with progress."))
@click.argument("scenario")
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False),
    default=None,
    help=N_(
        "Where the weights go (.npz). Default: SCENARIO's name with .npz, beside it "
        "(for a built-in: in the current folder)."
    ),
)
@click.option(
    "--epochs", type=click.IntRange(1, 100_000), default=None, help=N_("Default: [train] epochs.")
)
@click.option(
    "--lr",
    type=click.FloatRange(0, 10, min_open=True),
    default=None,
    callback=_finite,
    help=N_("Adam's learning rate. Default: [train] lr."),
)
@click.option(
    "--seed",
    type=click.IntRange(0),
    default=None,
    help=N_("Batch-order seed. Default: [train] seed."),
)
@click.option(
    "--update",
    is_flag=True,
    help=N_(
        "Point the scenario's [weights] at the new file (for a built-in: a copy of it in the "
        "current folder)."
    ),
)
def train(scenario: str, out: str | None, epochs: int | None, lr: float | None,
          seed: int | None, update: bool) -> None:  # fmt: skip
    import io

    import numpy as np
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from .scenario.loader import parse_scenario
    from .scenario.training import (
        fit,
        point_weights_at,
        relative_to,
        train_config,
        training_examples,
    )

    s = load_scenario(scenario)
    examples = training_examples(s)
    if not examples:
        raise click.ClickException(
            f"{_v(s.path)}: train.examples: "
            + _(
                "nothing to train on; add examples such as [train] examples = "
                '[{ text = "what time is it ?", label = "ask_time" }] '
                "(training also needs token inputs and output.labels)"
            )
        )
    config = train_config(s, epochs=epochs, lr=lr, seed=seed)
    assert s.path is not None
    # A built-in's files are never written: its weights, and with --update a copy of the
    # scenario reading them, go into the current folder.
    builtin = is_builtin(s.path)
    here = Path.cwd()
    scenario_out = here / s.path.name if builtin else s.path
    if out:
        requested = Path(out)
        _check_target(requested, inputs=[s.path])  # `-o x.toml` onto the input, `-o /dev/full`
        # numpy's habit, kept: a name without .npz gets it appended (and said as it is)
        target = requested if requested.suffix == ".npz" else Path(f"{requested}.npz")
    else:
        target = scenario_out.with_suffix(".npz")
    _check_target(target, inputs=[s.path])
    if update:
        if builtin and scenario_out.exists():
            raise click.ClickException(
                _("{path} exists; to train that copy: rnn-tui train {path} --update").format(
                    path=_v(scenario_out)
                )
            )
        _check_target(scenario_out, inputs=[])
    if builtin:
        notice = _("{name} is a built-in scenario, never written: training into {folder}")
        _say(notice.format(name=s.name, folder=_v(here)), err=True)
    console = Console(stderr=True)
    heading = _("training {name} ({cell}, {count} examples, {epochs} epochs, lr {lr}, seed {seed})")
    console.print(visible(heading.format(
        name=s.name, cell=s.network.cell, count=len(examples), epochs=config.epochs,
        lr=config.lr, seed=config.seed,
    )), markup=False, highlight=False)  # fmt: skip
    columns = (
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn(_("loss") + " {task.fields[loss]:.4f}"),
        TextColumn(_("accuracy") + " {task.fields[accuracy]:6.1%}"),
    )  # fmt: skip
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(_("epochs"), total=config.epochs, loss=float("nan"), accuracy=0.0)
        fitted = fit(s, config, lambda stats: progress.update(
            task, advance=1, loss=stats.loss, accuracy=stats.accuracy))  # fmt: skip
    assert fitted is not None  # only on_epoch returning False stops it
    report = _("training accuracy {accuracy:.1%} on {count} examples").format(
        accuracy=fitted.accuracy, count=fitted.examples
    )
    if fitted.heldout_accuracy is not None:
        report += _("; held-out accuracy {accuracy:.1%} on {count}").format(
            accuracy=fitted.heldout_accuracy, count=fitted.heldout
        )
    npz = io.BytesIO()
    np.savez(npz, **fitted.state_dict)  # type: ignore[arg-type]  # numpy's stub mistypes **kwds
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise click.ClickException(
            _("{path}: cannot write: {reason}").format(path=_v(target.parent), reason=reason(e))
        ) from None
    _write(target, npz.getvalue(), inputs=[s.path])
    _say(report)
    _say(_("weights written to {path}").format(path=_v(target)))
    relative = relative_to(target, scenario_out.parent)
    if update:
        try:
            text = point_weights_at(s.text, relative)
        except ValueError as e:
            raise click.ClickException(
                f"{_v(s.path)}: weights: " + _("cannot update: {reason}").format(reason=e)
            ) from None
        try:  # what is written must load, reading the new weights
            parse_scenario(text, path=scenario_out)
        except ScenarioError as e:
            raise click.ClickException(
                f"{_v(s.path)}: weights: "
                + _("cannot update: {reason}").format(reason=e.problems[0])
            ) from None
        _write(scenario_out, text, inputs=[])
        if builtin:
            message = _("wrote {scenario}, a copy of {name} that reads its weights from {path}")
        else:
            message = _("{scenario} now reads its weights from {path}")
        _say(message.format(scenario=_v(scenario_out), name=s.name, path=_v(target)))
    elif builtin:
        hint = _("use them: run again with --update for a copy of {name} here that reads them")
        _say(hint.format(name=s.name))
    else:
        hint = _("use them: in {scenario}, [weights] file = {path} (or run again with --update)")
        _say(hint.format(scenario=_v(s.path), path=json.dumps(relative, ensure_ascii=False)))


@cli.command(help=N_("Replay a recorded SESSION; with --check, verify it: exit 0 when every state "
                     "matches, 1 naming the first line that differs."))  # fmt: skip
@click.argument("session", type=click.Path(dir_okay=False))
@click.option("--check", is_flag=True, help=N_("Recompute every state without a screen."))
@click.option("--speed", type=click.FloatRange(0.01, 1000), default=1.0, show_default=True,
              callback=_finite, help=N_("Play this many times faster than recorded."))  # fmt: skip
@click.option("--paused", is_flag=True, help=N_("Start paused (space plays, → and ← step)."))
def replay(session: str, check: bool, speed: float, paused: bool) -> None:
    from .session import SessionError, check_session, read_session

    if not check:
        try:
            from .ui.replay import ReplayApp

            app = ReplayApp(read_session(Path(session)), speed=speed, paused=paused)
        except SessionError as e:
            raise click.ClickException(str(e)) from None
        _need_terminal()
        app.run()
        sys.exit(app.return_code or 0)
    try:
        recorded = read_session(Path(session))
        result = check_session(recorded)
    except SessionError as e:
        raise click.ClickException(str(e)) from None
    if result.failed_line is not None:
        from .session.format import line_of

        _say(f"{line_of(_v(session), result.failed_line)}: {result.reason}", err=True)
        _say(_("{count} action(s) matched before it").format(count=result.checked), err=True)
        sys.exit(1)
    _say(
        _("{session}: all {count} recorded states match").format(
            session=_v(session), count=result.checked
        )
    )
    if recorded.ends_mid_line:
        _say(_("{session}: the file ends mid-line (a recording cut short); its whole lines "
               "were checked").format(session=_v(session)))  # fmt: skip


@cli.command(help=N_("Export a recorded SESSION: an asciicast v2 file (--cast) of its frames, "
                     "and / or one SVG per action (--svg)."))  # fmt: skip
@click.argument("session", type=click.Path(dir_okay=False))
@click.option("--cast", "cast", type=click.Path(dir_okay=False), default=None,
              help=N_("Write an asciicast v2 file here (asciinema play OUT.cast)."))  # fmt: skip
@click.option("--svg", "svg", type=click.Path(file_okay=False), default=None,
              help=N_("Write one SVG per action into this directory."))  # fmt: skip
@click.option("--size", default=None, metavar="COLSxROWS",
              help=N_("Render at this size instead of the recorded terminal's "
                      "(from 20x10 to 1000x500)."))  # fmt: skip
@click.option("--actions", default=None, metavar="A-B",
              help=N_("Only the recorded actions A to B (1-based): a long session is exported "
                      "in parts of at most 1,000 frames."))  # fmt: skip
def export(session: str, cast: str | None, svg: str | None, size: str | None,
           actions: str | None) -> None:  # fmt: skip
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
        _check_target(cast_path, inputs=[source])
    try:
        recorded = read_session(source)
        chosen = None if actions is None else parse_actions(actions, len(recorded.actions))
        from .ui.replay import export_session

        # every file written atomically, never onto the session or its weights files
        count, width, height = export_session(
            recorded, cast=cast_path, svg_dir=svg_dir, size=shape,
            title=f"rnn-tui: {visible(source.name)}", actions=chosen,
        )  # fmt: skip
    except SessionError as e:
        raise click.ClickException(str(e)) from None
    except WriteRefused as e:
        raise click.ClickException(str(e)) from None
    except OSError as e:  # a full disk: the old files stay whole
        where = e.filename or " / ".join(str(p) for p in (cast_path, svg_dir) if p is not None)
        raise click.ClickException(
            _("{path}: cannot write: {reason}").format(path=_v(where), reason=reason(e))
        ) from None
    if cast_path is not None:
        _say(
            _("wrote {path}: {count} frame(s) at {width}x{height}").format(
                path=_v(cast_path), count=count, width=width, height=height
            )
        )
    if svg_dir is not None:
        _say(_("wrote {count} SVG file(s) into {path}").format(count=count, path=_v(svg_dir)))


@cli.command(help=N_("Run the app in a browser (textual-serve): open a URL it prints, with its "
                     "secret token. Works offline. Binds 127.0.0.1 unless --host says otherwise "
                     "(e.g. --host 0.0.0.0 for a class on one network)."))  # fmt: skip
@click.argument("scenario", required=False)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help=N_("Port to listen on."))  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True,
              help=N_("Address to listen on (keep it local: the app runs as you)."))  # fmt: skip
@click.option("--max-sessions", type=click.IntRange(1, 1024), default=32, show_default=True,
              help=N_("Browser sessions (app processes) at once; more are refused."))  # fmt: skip
def serve(scenario: str | None, port: int, host: str, max_sessions: int) -> None:
    load_scenario(scenario)  # fail here, with a message, not in the browser
    try:
        from .ui.serve import serve as run_server
    except ImportError:
        raise click.ClickException(
            _("serving needs textual-serve: pip install 'textual-serve>=1.1,<2'")
        ) from None
    try:
        run_server(scenario, host=host, port=port, max_sessions=max_sessions)
    except OSError as e:  # the port is taken, the address is not this machine's, ...
        from .text import visible

        raise click.ClickException(
            _("cannot serve on {host} port {port}: {reason}").format(
                host=visible(host), port=port, reason=visible(e.strerror or str(e))
            )
        ) from None


@cli.command(help=N_("Write a commented starter scenario NAME.toml to edit."))
@click.argument("name")
@click.option("--cell", type=click.Choice(["rnn", "lstm", "gru"]), default="rnn", show_default=True)
@click.option("--layers", type=click.IntRange(1, 16), default=1, show_default=True)
@click.option("--bidirectional", is_flag=True, help=N_("Add a backward direction."))
@click.option("--hidden", type=click.IntRange(1, 4096), default=8, show_default=True)
@click.option("--force", is_flag=True, help=N_("Overwrite an existing file."))
def new(name: str, cell: str, layers: int, bidirectional: bool, hidden: int, force: bool) -> None:
    from .scenario.loader import parse_scenario
    from .scenario.starter import starter_text

    given = Path(name)
    path = given if name.endswith(".toml") else Path(f"{name}.toml")
    if path != given and given.exists() and not given.is_dir():
        _check_target(given, inputs=[])  # `new /dev/full` names a device, not a new file
    _check_target(path, inputs=[])
    if path.exists() and not force:
        raise click.ClickException(
            _("{path} exists; choose another name or pass --force").format(path=_v(path))
        )
    text = starter_text(
        path.name, cell=cell, layers=layers, bidirectional=bidirectional, hidden=hidden
    )
    try:  # the starter must load as written (its title is made from the name)
        parse_scenario(text, path=path)
    except ScenarioError:
        raise click.ClickException(
            _("{path}: cannot make a starter scenario of this name; use letters, digits, "
              "'-' and '_'").format(path=_v(path))
        ) from None  # fmt: skip
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # as train -o does
    except OSError as e:
        raise click.ClickException(
            _("{path}: cannot write: {reason}").format(path=_v(path.parent), reason=reason(e))
        ) from None
    _write(path, text, inputs=[])
    _say(_("wrote {path}: open it with `rnn-tui {path}`").format(path=_v(path)))


def _echo_problems(error: ScenarioError) -> None:
    for problem in error.problems:
        _say(_("error: {problem}").format(problem=problem), err=True)


def _translate_click(group: click.Group) -> None:
    """Help texts in the active language, and click's own words from our catalogue."""
    for module in (click.core, click.exceptions, click.formatting, click.decorators, click.types):
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]  # click looks its words up through `_`

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
        return _("{path}: {reason}").format(path=_v(name), reason=reason(error))
    return reason(error)


def _fail(message: str) -> None:
    click.echo(_("Error: {message}").format(message=visible(message)), err=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point: every user-caused error becomes a message and exit status 2; an
    unexpected exception one line and exit status 70 (its traceback with RNN_TUI_DEBUG)."""
    args = list(sys.argv[1:] if argv is None else argv)
    set_language(_language_of(args))  # before anything is said
    _translate_click(cli)
    try:
        try:
            cli.main(args=args, prog_name="rnn-tui", standalone_mode=False)
        finally:
            if sys.stdout is not None:  # a full disk shows here, not in Python's exit
                _to_stdout(sys.stdout.flush)
    except ScenarioError as e:
        _echo_problems(e)
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
    except (BrokenPipeError, _PipeClosed):  # `rnn-tui trace x | head`
        _drop_stdout()
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
