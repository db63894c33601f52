"""The scenario commands of the command line (`rnn_tui.cli`): list, validate (scenarios
and lessons), trace, train and new. Each reads scenarios through the loader, whose
messages name the file and the field; what they print and write goes through `rnn_tui.cli_common`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .cli_common import echo_problems, finite, refuse_target, say, shown, write_file
from .files import is_builtin, reason
from .i18n import N_, _, ngettext
from .scenario import BUILTIN_DEFAULT, ScenarioError, builtin_names, load_scenario
from .text import visible


@click.command("list", help=N_("The built-in scenarios, one line each."))
def list_builtins() -> None:
    names = builtin_names()
    width = max(len(n) for n in names)
    for name in names:
        try:
            s = load_scenario(name)
        except ScenarioError as e:  # a broken built-in is a bug, but list the rest
            broken = _("(broken: {reason})").format(reason=e.problems[0].message)
            say(f"{name:<{width}}  {broken}")
            continue
        net = s.network
        shape = (
            f"{net.cell} {net.num_layers}L{' bi' if net.bidirectional else ''} H={net.hidden_size}"
        )
        marker = "*" if name == BUILTIN_DEFAULT else " "
        say(f"{name:<{width}} {marker} {shape:<16}  {s.title}")


@click.command(help=N_("Check scenario and lesson files; exit 0 when all are valid, 2 otherwise."))
@click.argument("files", nargs=-1, required=True)
def validate(files: tuple[str, ...]) -> None:
    from .lesson import is_lesson_source, load_lesson

    bad = 0
    for file in files:
        try:
            if is_lesson_source(file):  # a top-level [[step]] and no [model]
                lesson = load_lesson(file)  # its scenarios loaded, every step checked
                count = len(lesson.steps)
                ok = ngettext(
                    "ok: {file}: lesson {title} ({count} step)",
                    "ok: {file}: lesson {title} ({count} steps)",
                    count,
                )
                say(ok.format(file=shown(file), title=lesson.title.shown(), count=count))
                continue
            s = load_scenario(file)
        except ScenarioError as e:  # a LessonError is one
            bad += 1
            echo_problems(e)
            continue
        say(_("ok: {file}: {title}").format(file=shown(file), title=s.title))
    if bad:
        invalid = ngettext(
            "{bad} of {count} file invalid", "{bad} of {count} files invalid", len(files)
        )
        say(invalid.format(bad=bad, count=len(files)), err=True)
        sys.exit(2)


@click.command(
    help=N_("The whole computation of SCENARIO: JSON on stdout, or its arrays in an .npz file.")
)
@click.argument("scenario")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help=N_("JSON on stdout (the default; with --npz, as well as the file)."),
)
@click.option(
    "--npz",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help=N_("Every array of the JSON in FILE (.npz), NaN and infinity kept."),
)
def trace(scenario: str, as_json: bool, npz: str | None) -> None:
    from .cli_trace import run_trace

    run_trace(load_scenario(scenario), as_json=as_json or npz is None, npz=npz)


@click.command(
    help=N_("Fit SCENARIO's weights on its [train] examples (BPTT, Adam), with progress.")
)
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
    callback=finite,
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
def train(
    scenario: str,
    out: str | None,
    epochs: int | None,
    lr: float | None,
    seed: int | None,
    update: bool,
) -> None:
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
            f"{shown(s.path)}: train.examples: "
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
        refuse_target(requested, inputs=[s.path])  # `-o x.toml` onto the input, `-o /dev/full`
        # numpy's habit, kept: a name without .npz gets it appended (and said as it is)
        target = requested if requested.suffix == ".npz" else Path(f"{requested}.npz")
    else:
        target = scenario_out.with_suffix(".npz")
    refuse_target(target, inputs=[s.path])
    if update:
        if builtin and scenario_out.exists():
            raise click.ClickException(
                _("{path} exists; to train that copy: rnn-tui train {path} --update").format(
                    path=shown(scenario_out)
                )
            )
        refuse_target(scenario_out, inputs=[])
    if builtin:
        notice = _("{name} is a built-in scenario, never written: training into {folder}")
        say(notice.format(name=s.name, folder=shown(here)), err=True)
    console = Console(stderr=True)
    heading = _("training {name} ({cell}, {count} examples, {epochs} epochs, lr {lr}, seed {seed})")
    console.print(
        visible(
            heading.format(
                name=s.name,
                cell=s.network.cell,
                count=len(examples),
                epochs=config.epochs,
                lr=config.lr,
                seed=config.seed,
            )
        ),
        markup=False,
        highlight=False,
    )
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(_("loss") + " {task.fields[loss]:.4f}"),
        TextColumn(_("accuracy") + " {task.fields[accuracy]:6.1%}"),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(_("epochs"), total=config.epochs, loss=float("nan"), accuracy=0.0)
        # in place: the command discards the scenario, so no copy of a big network
        fitted = fit(
            s,
            config,
            lambda stats: progress.update(
                task, advance=1, loss=stats.loss, accuracy=stats.accuracy
            ),
            in_place=True,
        )
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
            _("{path}: cannot write: {reason}").format(path=shown(target.parent), reason=reason(e))
        ) from None
    write_file(target, npz.getvalue(), inputs=[s.path])
    say(report)
    say(_("weights written to {path}").format(path=shown(target)))
    relative = relative_to(target, scenario_out.parent)
    if update:
        try:
            text = point_weights_at(s.text, relative)
        except ValueError as e:
            raise click.ClickException(
                f"{shown(s.path)}: weights: " + _("cannot update: {reason}").format(reason=e)
            ) from None
        try:  # what is written must load, reading the new weights
            parse_scenario(text, path=scenario_out)
        except ScenarioError as e:
            raise click.ClickException(
                f"{shown(s.path)}: weights: "
                + _("cannot update: {reason}").format(reason=e.problems[0])
            ) from None
        write_file(scenario_out, text, inputs=[])
        if builtin:
            message = _("wrote {scenario}, a copy of {name} that reads its weights from {path}")
        else:
            message = _("{scenario} now reads its weights from {path}")
        say(message.format(scenario=shown(scenario_out), name=s.name, path=shown(target)))
    elif builtin:
        hint = _("use them: run again with --update for a copy of {name} here that reads them")
        say(hint.format(name=s.name))
    else:
        hint = _("use them: in {scenario}, [weights] file = {path} (or run again with --update)")
        say(hint.format(scenario=shown(s.path), path=json.dumps(relative, ensure_ascii=False)))


@click.command(help=N_("Write a commented starter scenario NAME.toml to edit."))
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
        refuse_target(given, inputs=[])  # `new /dev/full` names a device, not a new file
    refuse_target(path, inputs=[])
    if path.exists() and not force:
        raise click.ClickException(
            _("{path} exists; choose another name or pass --force").format(path=shown(path))
        )
    text = starter_text(
        path.name, cell=cell, layers=layers, bidirectional=bidirectional, hidden=hidden
    )
    try:  # the starter must load as written (its title is made from the name)
        parse_scenario(text, path=path)
    except ScenarioError:
        raise click.ClickException(
            _(
                "{path}: cannot make a starter scenario of this name; use letters, digits, "
                "'-' and '_'"
            ).format(path=shown(path))
        ) from None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # as train -o does
    except OSError as e:
        raise click.ClickException(
            _("{path}: cannot write: {reason}").format(path=shown(path.parent), reason=reason(e))
        ) from None
    write_file(path, text, inputs=[])
    say(_("wrote {path}: open it with `rnn-tui {path}`").format(path=shown(path)))
