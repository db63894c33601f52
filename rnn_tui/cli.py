"""The command line: `rnn-tui [SCENARIO]` opens the app; subcommands script the rest."""

from __future__ import annotations

import json
import sys

import click

from . import __version__
from .scenario import BUILTIN_DEFAULT, ScenarioError, builtin_names, load_scenario


class _DefaultToOpen(click.Group):
    """`rnn-tui X` means `rnn-tui open X` unless X is a subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        passthrough = {"--help", "-h", "--version"}
        if not args or (args[0] not in self.commands and args[0] not in passthrough):
            args = ["open", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToOpen, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rnn-tui")
def cli() -> None:
    """Step through a recurrent neural network one timestep at a time.

    With no command, opens the app on SCENARIO (a file or a built-in name;
    default: the intent scenario)."""


@cli.command("open")
@click.argument("scenario", required=False)
def open_app(scenario: str | None) -> None:
    """Open the app on SCENARIO (default: the built-in intent scenario)."""
    load_scenario(scenario)  # fail here, with a message, before the terminal switches modes
    from .ui import make_app

    app = make_app(scenario)
    app.run()
    sys.exit(app.return_code or 0)


@cli.command("list")
def list_builtins() -> None:
    """The built-in scenarios, one line each."""
    names = builtin_names()
    width = max(len(n) for n in names)
    for name in names:
        try:
            s = load_scenario(name)
        except ScenarioError as e:  # a broken built-in is a bug, but list the rest
            click.echo(f"{name:<{width}}  (broken: {e.problems[0].message})")
            continue
        net = s.network
        shape = (
            f"{net.cell} {net.num_layers}L{' bi' if net.bidirectional else ''} H={net.hidden_size}"
        )
        marker = "*" if name == BUILTIN_DEFAULT else " "
        click.echo(f"{name:<{width}} {marker} {shape:<16}  {s.title}")


@cli.command()
@click.argument("files", nargs=-1, required=True)
def validate(files: tuple[str, ...]) -> None:
    """Check scenario files; exit 0 when all are valid, 2 otherwise."""
    bad = 0
    for file in files:
        try:
            s = load_scenario(file)
        except ScenarioError as e:
            bad += 1
            for problem in e.problems:
                click.echo(f"error: {problem}", err=True)
            continue
        click.echo(f"ok: {file}: {s.title}")
    if bad:
        click.echo(f"{bad} of {len(files)} file(s) invalid", err=True)
        sys.exit(2)


@cli.command()
@click.argument("scenario")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    default=True,
    help="JSON on stdout (the default and only format).",
)
def trace(scenario: str, as_json: bool) -> None:
    """The whole computation of SCENARIO as JSON on stdout."""
    from .engine import trace_to_dict

    s = load_scenario(scenario)
    data = trace_to_dict(
        s.trace(), scenario=s.name, model=s.model_config(), influence=s.influence()
    )
    json.dump(data, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


@cli.command()
@click.argument("scenario")
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Where the weights go (.npz). Default: SCENARIO's name with .npz, beside it.",
)
@click.option(
    "--epochs", type=click.IntRange(1, 100_000), default=None, help="Default: [train] epochs."
)
@click.option(
    "--lr",
    type=click.FloatRange(0, 10, min_open=True),
    default=None,
    help="Adam's learning rate. Default: [train] lr.",
)
@click.option(
    "--seed", type=click.IntRange(0), default=None, help="Batch-order seed. Default: [train] seed."
)
@click.option("--update", is_flag=True, help="Point the scenario's [weights] at the new file.")
def train(
    scenario: str,
    out: str | None,
    epochs: int | None,
    lr: float | None,
    seed: int | None,
    update: bool,
) -> None:
    """Fit SCENARIO's weights on its [train] examples (BPTT, Adam), with progress."""
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
            f"{s.path}: train.examples: nothing to train on; add examples such as "
            '[train] examples = [{ text = "what time is it ?", label = "ask_time" }] '
            "(training also needs token inputs and output.labels)"
        )
    config = train_config(s, epochs=epochs, lr=lr, seed=seed)
    assert s.path is not None
    target = Path(out) if out else s.path.with_suffix(".npz")
    trainer = Trainer(s.network, examples, vocab_size=len(s.vocab or []), embedding=s.embedding,
                      config=config)  # fmt: skip
    console = Console(stderr=True)
    console.print(
        f"training [bold]{s.name}[/] ({s.network.cell}, {len(examples)} examples, "
        f"{config.epochs} epochs, lr {config.lr}, seed {config.seed})"
    )
    columns = (
        TextColumn("[progress.description]{task.description}"), BarColumn(),
        MofNCompleteColumn(), TextColumn("loss {task.fields[loss]:.4f}"),
        TextColumn("accuracy {task.fields[accuracy]:6.1%}"),
    )  # fmt: skip
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("epochs", total=config.epochs, loss=float("nan"), accuracy=0.0)
        for stats in trainer.epochs():
            progress.update(task, advance=1, loss=stats.loss, accuracy=stats.accuracy)
    accuracy = trainer.accuracy(examples)
    report = f"training accuracy {accuracy:.1%} on {len(examples)} examples"
    heldout = training_examples(s, "heldout")
    if heldout:
        report += f"; held-out accuracy {trainer.accuracy(heldout):.1%} on {len(heldout)}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_npz(target, trainer.state_dict())
    except OSError as e:
        raise click.ClickException(f"{target}: cannot write: {e.strerror}") from None
    click.echo(report)
    click.echo(f"weights written to {target}")
    if update:
        try:
            text = point_weights_at(s.text, relative_to(target, s.path.parent))
        except ValueError as e:
            raise click.ClickException(f"{s.path}: weights: cannot update: {e}") from None
        s.path.write_text(text, encoding="utf-8")
        click.echo(f"{s.path} now reads its weights from {target}")
    else:
        click.echo(
            f'use them: in {s.path}, [weights] file = "{relative_to(target, s.path.parent)}"'
            " (or run again with --update)"
        )


@cli.command()
@click.argument("session", type=click.Path(dir_okay=False))
@click.option("--check", is_flag=True, help="Recompute every state without a screen.")
def replay(session: str, check: bool) -> None:
    """Replay a recorded SESSION; with --check, verify it: exit 0 when every state
    matches, 1 naming the first line that differs."""
    from pathlib import Path

    from .session import SessionError, check_session, read_session

    if not check:
        raise click.ClickException(
            "replaying in the app is not built yet; `rnn-tui replay SESSION --check` verifies it"
        )
    try:
        recorded = read_session(Path(session))
        result = check_session(recorded)
    except SessionError as e:
        raise click.ClickException(str(e)) from None
    if result.failed_line is not None:
        click.echo(f"{session}: line {result.failed_line}: {result.reason}", err=True)
        click.echo(f"{result.checked} action(s) matched before it", err=True)
        sys.exit(1)
    click.echo(f"{session}: all {result.checked} recorded states match")
    if recorded.ends_mid_line:
        click.echo(f"{session}: the file ends mid-line (a recording cut short); "
                   "its whole lines were checked")  # fmt: skip


@cli.command()
@click.argument("name")
@click.option("--cell", type=click.Choice(["rnn", "lstm", "gru"]), default="rnn", show_default=True)
@click.option("--layers", type=click.IntRange(1, 16), default=1, show_default=True)
@click.option("--bidirectional", is_flag=True, help="Add a backward direction.")
@click.option("--hidden", type=click.IntRange(1, 4096), default=8, show_default=True)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def new(name: str, cell: str, layers: int, bidirectional: bool, hidden: int, force: bool) -> None:
    """Write a commented starter scenario NAME.toml to edit."""
    from pathlib import Path

    from .scenario.starter import starter_text

    path = Path(name if name.endswith(".toml") else f"{name}.toml")
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists; choose another name or pass --force")
    text = starter_text(
        path.name, cell=cell, layers=layers, bidirectional=bidirectional, hidden=hidden
    )
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise click.ClickException(f"{path}: cannot write: {e.strerror}") from None
    click.echo(f"wrote {path}: open it with `rnn-tui {path}`")


def main(argv: list[str] | None = None) -> None:
    """Entry point: every user-caused error becomes a message and exit status 2."""
    try:
        cli.main(args=argv, prog_name="rnn-tui", standalone_mode=False)
    except ScenarioError as e:
        for problem in e.problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as e:
        e.show()
        sys.exit(2 if e.exit_code in (1, 2) else e.exit_code)
    except BrokenPipeError:  # `rnn-tui trace x | head`
        sys.stderr.close()
        sys.exit(0)


if __name__ == "__main__":
    main()
