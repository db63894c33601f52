"""The body of `rnn-tui trace`: a scenario's whole computation as JSON on standard output,
every array of it in an .npz file, or both, streamed in the memory of the trace itself.

`trace_files.write_trace_npz` and `trace.write_trace_json` read a compact trace a few
blocks at a time, so a 100,000-step trace is written without its numbers, or their text,
ever being whole in memory.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from .cli_common import refuse_target, say, shown, to_stdout
from .files import WriteRefused, reason, write_streamed
from .i18n import _
from .scenario import Scenario


def npz_target(name: str, inputs: list[Path]) -> Path:
    """The file `--npz NAME` writes: NAME, with .npz appended when it has another suffix
    (numpy's habit, as `train -o`), refused (a message, exit 2) when it is an input, lies
    in the built-ins or is not a regular file."""
    requested = Path(name)
    refuse_target(requested, inputs=inputs)  # `--npz /dev/full`, `--npz x.toml` onto the input
    target = requested if requested.suffix == ".npz" else Path(f"{requested}.npz")
    refuse_target(target, inputs=inputs)
    return target


def run_trace(
    s: Scenario,
    *,
    as_json: bool = True,
    npz: str | None = None,
    write: Callable[[str], object] | None = None,
) -> None:
    """`rnn-tui trace SCENARIO [--json] [--npz FILE]` of the loaded scenario `s`: the JSON
    on `write` (standard output by default) when `as_json`, and every array in the .npz
    `npz` when given, the .npz first. Influence follows the app's limit
    (limits.influence_plan): when skipped it is null and standard error says why. Errors
    are click exceptions (one line, exit 2)."""
    from .engine.trace import LARGE_JSON_NUMBERS, layout_numbers, trace_layout, write_trace_json
    from .engine.trace_files import write_trace_npz
    from .scenario.limits import influence_plan

    inputs = [p for p in (s.path, s.weights_file) if p is not None]
    target = npz_target(npz, inputs) if npz is not None else None
    plan = influence_plan(s.network, s.inputs.shape[0])  # the app's limit; null when skipped
    if plan.how == "skip":
        say(plan.reason, err=True)
    influence = None if plan.how == "skip" else s.influence()
    trace = s.trace()

    def layout() -> dict:  # each writer fills its own `nonfinite`
        return trace_layout(trace, scenario=s.name, model=s.model_config(), influence=influence)

    if target is not None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)  # as train -o does
            write_streamed(target, lambda f: write_trace_npz(layout(), f), inputs=inputs)
        except WriteRefused as e:
            raise click.ClickException(str(e)) from None
        except OSError as e:
            raise click.ClickException(
                _("{path}: cannot write: {reason}").format(path=shown(target), reason=reason(e))
            ) from None
        say(_("trace written to {path}").format(path=shown(target)), err=True)
    if not as_json:
        return
    out = layout()
    count = layout_numbers(out)
    if count > LARGE_JSON_NUMBERS:
        note = _(
            "the trace holds {count:,} numbers: its JSON is large and slow to write; "
            "--npz FILE writes the same arrays smaller and faster"
        )
        say(note.format(count=count), err=True)
    emit = write or sys.stdout.write
    # its texts were escaped by the loader (names, tokens, labels): nothing raw reaches stdout;
    # arrays written a block of rows at a time; NaN and ±Infinity as null, listed in
    # "nonfinite": valid JSON
    to_stdout(lambda: write_trace_json(out, emit))
    to_stdout(lambda: (emit("\n"), sys.stdout.flush()))
