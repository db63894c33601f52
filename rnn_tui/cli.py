"""The command line: `rnn-tui [SCENARIO]` opens the app; subcommands script the rest.

Every message goes through the catalogue (`rnn_tui.i18n`); help texts are marked
with N_ where they are declared and translated once the language is known.
"""

from __future__ import annotations

import json
import sys

import click

from . import __version__
from .i18n import LANGUAGES, N_, _, set_language
from .scenario import BUILTIN_DEFAULT, ScenarioError, builtin_names, load_scenario

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


class _DefaultToOpen(click.Group):
    """`rnn-tui X` means `rnn-tui open X` unless X is a subcommand (after --lang)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        head, rest = _split_lang(args)
        passthrough = {"--help", "-h", "--version"}
        if not rest or (rest[0] not in self.commands and rest[0] not in passthrough):
            rest = ["open", *rest]
        return super().parse_args(ctx, head + rest)


def _split_lang(args: list[str]) -> tuple[list[str], list[str]]:
    """Leading --lang options, and the rest."""
    head: list[str] = []
    rest = list(args)
    while rest:
        if rest[0] == "--lang" and len(rest) > 1:
            head, rest = head + rest[:2], rest[2:]
        elif rest[0].startswith("--lang="):
            head, rest = head + rest[:1], rest[1:]
        else:
            break
    return head, rest


def _language_of(args: list[str]) -> str | None:
    head, _rest = _split_lang(args)
    value = None
    for i, arg in enumerate(head):
        value = head[i + 1] if arg == "--lang" else arg.partition("=")[2] if "=" in arg else value
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
            click.echo(
                f"{name:<{width}}  " + _("(broken: {reason})").format(reason=e.problems[0].message)
            )
            continue
        net = s.network
        shape = (
            f"{net.cell} {net.num_layers}L{' bi' if net.bidirectional else ''} H={net.hidden_size}"
        )
        marker = "*" if name == BUILTIN_DEFAULT else " "
        click.echo(f"{name:<{width}} {marker} {shape:<16}  {s.title}")


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
        click.echo(_("ok: {file}: {title}").format(file=file, title=s.title))
    if bad:
        click.echo(
            _("{bad} of {count} file(s) invalid").format(bad=bad, count=len(files)), err=True
        )
        sys.exit(2)


@cli.command(help=N_("The whole computation of SCENARIO as JSON on stdout."))
@click.argument("scenario")
@click.option("--json", "as_json", is_flag=True, default=True,
              help=N_("JSON on stdout (the default and only format)."))  # fmt: skip
def trace(scenario: str, as_json: bool) -> None:
    from .engine import trace_to_dict

    s = load_scenario(scenario)
    data = trace_to_dict(
        s.trace(), scenario=s.name, model=s.model_config(), influence=s.influence()
    )
    json.dump(data, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


@cli.command(help=N_("Fit SCENARIO's weights on its [train] examples (BPTT, Adam), with progress."))
@click.argument("scenario")
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False),
    default=None,
    help=N_("Where the weights go (.npz). Default: SCENARIO's name with .npz, beside it."),
)
@click.option(
    "--epochs", type=click.IntRange(1, 100_000), default=None, help=N_("Default: [train] epochs.")
)
@click.option(
    "--lr",
    type=click.FloatRange(0, 10, min_open=True),
    default=None,
    help=N_("Adam's learning rate. Default: [train] lr."),
)
@click.option(
    "--seed",
    type=click.IntRange(0),
    default=None,
    help=N_("Batch-order seed. Default: [train] seed."),
)
@click.option("--update", is_flag=True, help=N_("Point the scenario's [weights] at the new file."))
def train(scenario: str, out: str | None, epochs: int | None, lr: float | None,
          seed: int | None, update: bool) -> None:  # fmt: skip
    from pathlib import Path

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from .engine.train import Trainer
    from .scenario.training import point_weights_at, relative_to, train_config, training_examples
    from .scenario.weights import write_npz

    s = load_scenario(scenario)
    examples = training_examples(s)
    if not examples:
        raise click.ClickException(
            f"{s.path}: train.examples: "
            + _(
                "nothing to train on; add examples such as [train] examples = "
                '[{ text = "what time is it ?", label = "ask_time" }] '
                "(training also needs token inputs and output.labels)"
            )
        )
    config = train_config(s, epochs=epochs, lr=lr, seed=seed)
    assert s.path is not None
    target = Path(out) if out else s.path.with_suffix(".npz")
    trainer = Trainer(s.network, examples, vocab_size=len(s.vocab or []), embedding=s.embedding,
                      config=config)  # fmt: skip
    console = Console(stderr=True)
    heading = _("training {name} ({cell}, {count} examples, {epochs} epochs, lr {lr}, seed {seed})")
    console.print(heading.format(
        name=s.name, cell=s.network.cell, count=len(examples), epochs=config.epochs,
        lr=config.lr, seed=config.seed,
    ))  # fmt: skip
    columns = (
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn(_("loss") + " {task.fields[loss]:.4f}"),
        TextColumn(_("accuracy") + " {task.fields[accuracy]:6.1%}"),
    )  # fmt: skip
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(_("epochs"), total=config.epochs, loss=float("nan"), accuracy=0.0)
        for stats in trainer.epochs():
            progress.update(task, advance=1, loss=stats.loss, accuracy=stats.accuracy)
    report = _("training accuracy {accuracy:.1%} on {count} examples").format(
        accuracy=trainer.accuracy(examples), count=len(examples)
    )
    heldout = training_examples(s, "heldout")
    if heldout:
        report += _("; held-out accuracy {accuracy:.1%} on {count}").format(
            accuracy=trainer.accuracy(heldout), count=len(heldout)
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target = write_npz(target, trainer.state_dict())
    except OSError as e:
        raise click.ClickException(
            _("{path}: cannot write: {reason}").format(path=target, reason=e.strerror)
        ) from None
    click.echo(report)
    click.echo(_("weights written to {path}").format(path=target))
    relative = relative_to(target, s.path.parent)
    if update:
        try:
            text = point_weights_at(s.text, relative)
        except ValueError as e:
            raise click.ClickException(
                f"{s.path}: weights: " + _("cannot update: {reason}").format(reason=e)
            ) from None
        s.path.write_text(text, encoding="utf-8")
        click.echo(
            _("{scenario} now reads its weights from {path}").format(scenario=s.path, path=target)
        )
    else:
        hint = _('use them: in {scenario}, [weights] file = "{path}" (or run again with --update)')
        click.echo(hint.format(scenario=s.path, path=relative))


@cli.command(help=N_("Replay a recorded SESSION; with --check, verify it: exit 0 when every state "
                     "matches, 1 naming the first line that differs."))  # fmt: skip
@click.argument("session", type=click.Path(dir_okay=False))
@click.option("--check", is_flag=True, help=N_("Recompute every state without a screen."))
@click.option("--speed", type=click.FloatRange(0.01, 1000), default=1.0, show_default=True,
              help=N_("Play this many times faster than recorded."))  # fmt: skip
@click.option("--paused", is_flag=True, help=N_("Start paused (space plays, → and ← step)."))
def replay(session: str, check: bool, speed: float, paused: bool) -> None:
    from pathlib import Path

    from .session import SessionError, check_session, read_session

    if not check:
        try:
            from .ui.replay import ReplayApp

            app = ReplayApp(read_session(Path(session)), speed=speed, paused=paused)
        except SessionError as e:
            raise click.ClickException(str(e)) from None
        app.run()
        sys.exit(app.return_code or 0)
    try:
        recorded = read_session(Path(session))
        result = check_session(recorded)
    except SessionError as e:
        raise click.ClickException(str(e)) from None
    if result.failed_line is not None:
        from .session.format import line_of

        click.echo(f"{line_of(session, result.failed_line)}: {result.reason}", err=True)
        click.echo(_("{count} action(s) matched before it").format(count=result.checked), err=True)
        sys.exit(1)
    click.echo(
        _("{session}: all {count} recorded states match").format(
            session=session, count=result.checked
        )
    )
    if recorded.ends_mid_line:
        click.echo(_("{session}: the file ends mid-line (a recording cut short); its whole lines "
                     "were checked").format(session=session))  # fmt: skip


@cli.command(help=N_("Export a recorded SESSION: an asciicast v2 file (--cast) of its frames, "
                     "and / or one SVG per action (--svg)."))  # fmt: skip
@click.argument("session", type=click.Path(dir_okay=False))
@click.option("--cast", "cast", type=click.Path(dir_okay=False), default=None,
              help=N_("Write an asciicast v2 file here (asciinema play OUT.cast)."))  # fmt: skip
@click.option("--svg", "svg", type=click.Path(file_okay=False), default=None,
              help=N_("Write one SVG per action into this directory."))  # fmt: skip
@click.option("--size", default=None, metavar="COLSxROWS",
              help=N_("Render at this size instead of the recorded terminal's."))  # fmt: skip
def export(session: str, cast: str | None, svg: str | None, size: str | None) -> None:
    import asyncio
    from pathlib import Path

    from .session import SessionError, read_session
    from .session.export import write_cast

    if cast is None and svg is None:
        raise click.ClickException(_("nothing to export: give --cast OUT.cast and / or --svg DIR"))
    shape = None
    if size is not None:
        cols, _x, rows = size.lower().partition("x")
        if not (cols.isdigit() and rows.isdigit() and int(cols) >= 20 and int(rows) >= 10):
            raise click.ClickException(
                _("--size {size}: expected COLSxROWS, e.g. 120x40").format(size=size)
            )
        shape = (int(cols), int(rows))
    try:
        recorded = read_session(Path(session))
        from .session.player import scenarios_of

        scenarios_of(recorded)  # every change applies, before any file is written
    except SessionError as e:
        raise click.ClickException(str(e)) from None
    from .ui.replay import render_frames

    svg_dir = None if svg is None else Path(svg)
    try:
        if svg_dir is not None:
            svg_dir.mkdir(parents=True, exist_ok=True)

        async def collect() -> list[tuple[float, str]]:
            return [f async for f in render_frames(recorded, size=shape, svg_dir=svg_dir)]

        frames = asyncio.run(collect())
        terminal = recorded.header.get("terminal") or {}
        width, height = shape or (terminal.get("columns", 80), terminal.get("rows", 24))
        if cast is not None:
            write_cast(Path(cast), frames, width=int(width), height=int(height),
                       title=f"rnn-tui: {Path(session).name}")  # fmt: skip
    except OSError as e:
        raise click.ClickException(_("cannot write: {reason}").format(reason=e)) from None
    if cast is not None:
        click.echo(
            _("wrote {path}: {count} frame(s) at {width}x{height}").format(
                path=cast, count=len(frames), width=width, height=height
            )
        )
    if svg_dir is not None:
        click.echo(
            _("wrote {count} SVG file(s) into {path}").format(count=len(frames), path=svg_dir)
        )


@cli.command(help=N_("Run the app in a browser (textual-serve) on this machine: open the URL "
                     "it prints. Works offline."))  # fmt: skip
@click.argument("scenario", required=False)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help=N_("Port to listen on."))  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True,
              help=N_("Address to listen on (keep it local: the app runs as you)."))  # fmt: skip
def serve(scenario: str | None, port: int, host: str) -> None:
    load_scenario(scenario)  # fail here, with a message, not in the browser
    try:
        from .ui.serve import serve as run_server
    except ImportError:
        raise click.ClickException(
            _("serving needs textual-serve: pip install 'textual-serve>=1.1,<2'")
        ) from None
    run_server(scenario, host=host, port=port)


@cli.command(help=N_("Write a commented starter scenario NAME.toml to edit."))
@click.argument("name")
@click.option("--cell", type=click.Choice(["rnn", "lstm", "gru"]), default="rnn", show_default=True)
@click.option("--layers", type=click.IntRange(1, 16), default=1, show_default=True)
@click.option("--bidirectional", is_flag=True, help=N_("Add a backward direction."))
@click.option("--hidden", type=click.IntRange(1, 4096), default=8, show_default=True)
@click.option("--force", is_flag=True, help=N_("Overwrite an existing file."))
def new(name: str, cell: str, layers: int, bidirectional: bool, hidden: int, force: bool) -> None:
    from pathlib import Path

    from .scenario.starter import starter_text

    path = Path(name if name.endswith(".toml") else f"{name}.toml")
    if path.exists() and not force:
        raise click.ClickException(
            _("{path} exists; choose another name or pass --force").format(path=path)
        )
    text = starter_text(
        path.name, cell=cell, layers=layers, bidirectional=bidirectional, hidden=hidden
    )
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise click.ClickException(
            _("{path}: cannot write: {reason}").format(path=path, reason=e.strerror)
        ) from None
    click.echo(_("wrote {path}: open it with `rnn-tui {path}`").format(path=path))


def _echo_problems(error: ScenarioError) -> None:
    for problem in error.problems:
        click.echo(_("error: {problem}").format(problem=problem), err=True)


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


def main(argv: list[str] | None = None) -> None:
    """Entry point: every user-caused error becomes a message and exit status 2."""
    args = list(sys.argv[1:] if argv is None else argv)
    set_language(_language_of(args))  # before anything is said
    _translate_click(cli)
    try:
        cli.main(args=args, prog_name="rnn-tui", standalone_mode=False)
    except ScenarioError as e:
        _echo_problems(e)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo(_("Aborted!"), err=True)
        sys.exit(1)
    except click.ClickException as e:
        e.show()
        sys.exit(2 if e.exit_code in (1, 2) else e.exit_code)
    except BrokenPipeError:  # `rnn-tui trace x | head`
        sys.stderr.close()
        sys.exit(0)


if __name__ == "__main__":
    main()
