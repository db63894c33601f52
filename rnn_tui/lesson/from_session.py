"""A recording with notes -> a lesson: teachers write lessons by doing.

Each action line with a note (the `a` key while recording) becomes one step: the view
of that line (t, layer, direction, unit), the view shown (the line's "screen" pane, when
recorded), the network's cell (and merge, when bidirectional) at that line, and the
note as the step's text, in the slot of the interface's language.

Which scenario a step names:
- a built-in scenario's name, when the recording's scenario is that built-in, unchanged:
  the same text, and, at the recorded cell and merge, the same weights (sha256) as the
  built-in switched there (Scenario.switch, as the app's c and m keys);
- else a copy written beside the lesson, `LESSON-scenario-N.toml`: the recorded
  scenario's text at its recorded cell and merge, its [siblings] taken out (those files
  are not copied). When the text alone gives the recorded weights (a seed, inline
  values), it is kept as it is; else the recorded weights go into
  `LESSON-scenario-N.npz` beside it, which its [weights] file names.
A session is hostile until shown otherwise: it is read by rnn_tui.session, nothing
outside its own folder is read, and what is written goes through rnn_tui.files (never
onto the session or its weights files, never into the built-ins). An input the
recording changed (an edited sentence, another sequence) cannot be set by a lesson step:
the step shows the scenario's own input, and a warning says so.
"""

from __future__ import annotations

import io
import tomllib
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import tomlkit

from ..engine import CELLS, MERGES
from ..files import WriteRefused, check_target, write_atomic
from ..i18n import _, current_language
from ..present.position import View
from ..scenario import Scenario, ScenarioError, builtin_names, load_scenario, parse_scenario
from ..scenario.training import point_weights_at
from ..session import read_session, restore_scenario, session_files, weights_digest
from ..session.errors import SessionError, _expected, line_of
from ..session.lines import Action, Session
from ..session.weights import scenario_weights
from ..text import visible
from .loader import BUILTIN_LESSONS, load_lesson
from .model import Lesson, ViewTarget
from .schema import MAX_SCENARIOS, MAX_STEPS, MAX_TEXT


@dataclass(eq=False)
class _Base:
    """A scenario record a note's step starts from: the header's, or a whole scenario
    that a later line recorded (a file opened, weights trained, a sibling switched to)."""

    record: dict
    where: str
    scenario: Scenario | None = None
    reference: str | None = None  # what the steps write as `scenario`
    copy: tuple[str, str, bytes | None] | None = None  # (toml name, text, npz bytes)


@dataclass
class Draft:
    """A lesson made from a recording, not yet written: its TOML text, the scenario
    copies to write beside it (file name -> bytes), and warnings for the teacher."""

    text: str
    copies: dict[str, bytes] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    steps: int = 0


def draft_lesson(session: Session, out: Path) -> Draft:
    """The lesson `out` would hold, made from the notes of `session` (see the module's
    docstring). Raises SessionError for a session without notes or one that cannot be
    replayed, naming the file and the line."""
    notes = [a for a in session.actions if a.note]
    shown = visible(str(session.path))
    if not notes:
        raise SessionError(
            f"{shown}: "
            + _("no notes: a lesson step is made from each note (press a while recording)")
        )
    if len(notes) > MAX_STEPS:
        raise SessionError(
            f"{shown}: "
            + _("{count:,} notes; a lesson has at most {limit:,} steps").format(
                count=len(notes), limit=MAX_STEPS
            )
        )
    language = current_language()
    folder = session.path.parent
    base = _Base(session.header.get("scenario") or {}, line_of(session.path, 1))
    bases: list[_Base] = []
    network = _network(base.record)
    input_changed = _input_changed(base.record)
    draft = Draft("")
    document = tomlkit.document()
    document.add(
        tomlkit.comment(
            _("Made by rnn-tui lesson from-session from {name}.").format(
                name=visible(session.path.name)
            )
        )
    )
    steps = tomlkit.aot()
    shown_scenario: str | None = None  # the scenario of the step before
    for action in session.actions:
        where = line_of(session.path, action.line)
        change = action.change or {}
        if "scenario" in change:
            base = _Base(change["scenario"], where)
            network = _network(base.record)
            input_changed = _input_changed(base.record)
        elif "cell" in change or "merge" in change:
            network = {**network, **_switched(change, where)}
        elif "tokens" in change or "sequence" in change:
            input_changed = True
        if not action.note:
            continue
        if not any(b is base for b in bases):
            if len(bases) >= MAX_SCENARIOS:
                raise SessionError(
                    f"{where}: "
                    + _(
                        "the notes span more than {limit} scenarios; a lesson names at most {limit}"
                    ).format(limit=MAX_SCENARIOS)
                )
            _settle(base, folder, out, len([b for b in bases if b.copy]) + 1)
            bases.append(base)
            if base.copy is not None:
                name, text, npz = base.copy
                draft.copies[name] = text.encode("utf-8")
                if npz is not None:
                    draft.copies[name.removesuffix(".toml") + ".npz"] = npz
        number = len(steps) + 1
        if input_changed:
            draft.warnings.append(
                _(
                    "step {number} ({where}): the recording read another input (an edited "
                    "sentence or another sequence); the lesson step shows the scenario's own"
                ).format(number=number, where=where)
            )
        named = base.reference != shown_scenario
        steps.append(_step(action, base, network, language, named=named))
        shown_scenario = base.reference
    document.add(
        "title",
        _inline({language: _("From the recording {name}").format(name=visible(session.path.stem))}),
    )
    document.add("step", steps)
    draft.text = tomlkit.dumps(document)
    draft.steps = len(steps)
    return draft


def _network(record: Any) -> dict[str, str]:
    network = record.get("network") if isinstance(record, dict) else None
    return {k: v for k, v in (network or {}).items() if k in ("cell", "merge")}


def _switched(change: dict, where: str) -> dict[str, str]:
    """The cell and merge a recorded switch names, each one that exists (as
    session.verify.apply_change checks them), else a SessionError naming the line."""
    out = {}
    for key, allowed in (("cell", tuple(CELLS)), ("merge", MERGES)):
        if key in change:
            if change[key] not in allowed:
                raise SessionError(f"{where}: " + _expected(key, " | ".join(allowed), change[key]))
            out[key] = str(change[key])
    return out


def _input_changed(record: Any) -> bool:
    """Whether a scenario record reads other than its own main input."""
    if not isinstance(record, dict):
        return False
    sequence = record.get("sequence")
    return record.get("tokens") is not None or (sequence not in (None, "default"))


def _settle(base: _Base, folder: Path, out: Path, copy_number: int) -> None:
    """Restore the base's scenario (from the session's folder only) and decide what the
    steps name: the built-in, or a copy beside the lesson."""
    base.scenario = restore_scenario(base.record, base.where, folder)
    builtin = _same_builtin(base.record, base.scenario)
    if builtin is not None:
        base.reference = builtin
        return
    name = f"{out.stem}-scenario-{copy_number}.toml"
    base.reference = name
    base.copy = (name, *_scenario_copy(base.record, base.scenario, name, base.where))


def _same_builtin(record: dict, scenario: Scenario) -> str | None:
    """The built-in scenario the record is, unchanged (its text, and its weights at the
    recorded cell and merge), or None."""
    name = record.get("name")
    if not isinstance(name, str) or name not in builtin_names():
        return None
    try:
        own = load_scenario(name)
    except ScenarioError:
        return None
    if own.text != record.get("text"):
        return None
    net = scenario.network
    if (own.network.cell, own.network.merge) != (net.cell, net.merge):
        try:
            own = own.switch(cell=net.cell, merge=net.merge).scenario
        except (ValueError, TypeError):
            return None
    same = weights_digest(scenario_weights(own)) == weights_digest(scenario_weights(scenario))
    return name if same else None


def _scenario_copy(
    record: dict, scenario: Scenario, name: str, where: str
) -> tuple[str, bytes | None]:
    """(TOML text, npz bytes or None) of a scenario file that loads as the recorded
    scenario: its text at the recorded cell and merge, without [siblings]; with the
    recorded weights in an .npz beside it unless the text alone gives them."""
    net = scenario.network
    try:
        document = tomlkit.parse(str(record.get("text", "")).removeprefix("\ufeff"))
        model = document.get("model")
        if not isinstance(model, MutableMapping):
            raise ValueError("model")
        model["cell"] = net.cell
        if net.cell != "rnn" and "nonlinearity" in model:
            del model["nonlinearity"]
        if net.bidirectional:
            model["merge"] = net.merge
        if "siblings" in document:
            del document["siblings"]
        text = tomlkit.dumps(document)
    except (tomlkit.exceptions.TOMLKitError, ValueError, KeyError, TypeError) as e:
        raise SessionError(
            f"{where}: " + _("the recorded scenario cannot be copied ({reason})").format(reason=e)
        ) from None
    wanted = weights_digest(scenario_weights(scenario))
    if _gives_weights(text, wanted):
        return text, None
    npz = io.BytesIO()
    np.savez(npz, **scenario_weights(scenario))  # type: ignore[arg-type]
    npz_name = name.removesuffix(".toml") + ".npz"
    try:
        if not isinstance(tomllib.loads(text).get("weights"), dict):
            text = text.rstrip("\n") + "\n\n[weights]\nseed = 0\n"
        document = tomlkit.parse(point_weights_at(text, npz_name))
        weights = document["weights"]
        assert isinstance(weights, MutableMapping)
        weights["trained"] = bool(record.get("trained", True))  # as recorded, not "from a file"
        text = tomlkit.dumps(document)
    except (ValueError, tomllib.TOMLDecodeError, tomlkit.exceptions.TOMLKitError) as e:
        raise SessionError(
            f"{where}: " + _("the recorded scenario cannot be copied ({reason})").format(reason=e)
        ) from None
    return text, npz.getvalue()


def _gives_weights(text: str, digest: str) -> bool:
    """Whether the text alone (no weights file: a seed or inline values) loads with the
    weights whose sha256 is `digest`."""
    try:
        weights = tomllib.loads(text).get("weights")
    except tomllib.TOMLDecodeError:
        return False
    if isinstance(weights, dict) and "file" in weights:
        return False  # never opened here: a file named by a recording is not read
    try:
        alone = parse_scenario(text, path=None, name="copy")
    except ScenarioError:
        return False
    return weights_digest(scenario_weights(alone)) == digest


def _inline(values: dict[str, Any]) -> Any:
    table = tomlkit.inline_table()
    table.update(values)
    return table


def _step(
    action: Action, base: _Base, network: dict[str, str], language: str, *, named: bool
) -> Any:
    """One [[step]] table for a note: the scenario (when the step before showed
    another), the view of the line, the note as its text."""
    assert base.scenario is not None and base.reference is not None and action.note
    view = _view_of(action, base.scenario, network)
    table = tomlkit.table()
    if named:
        table["scenario"] = base.reference
    table["view"] = _inline(view.to_dict())
    table["text"] = _inline({language: visible(action.note)[:MAX_TEXT]})
    return table


def _view_of(action: Action, scenario: Scenario, network: dict[str, str]) -> ViewTarget:
    """The view a noted line recorded, within the scenario's bounds, with the view shown
    and the network's cell (and merge, when it is bidirectional)."""
    net = scenario.network
    steps = int(scenario.inputs.shape[0])
    view: View = action.view
    direction = view.direction if net.bidirectional else "forward"
    pane = action.screen.pane if action.screen is not None else None
    return ViewTarget(
        t=min(max(view.t, 1), steps),
        layer=min(max(view.layer, 1), net.num_layers),
        direction=direction,
        unit=min(max(view.unit, 1), net.hidden_size),
        pane=pane,
        merge=network.get("merge", net.merge) if net.bidirectional else None,
        cell=network.get("cell", net.cell),
    )


# ---------------------------------------------------------------- writing
@dataclass(frozen=True)
class Written:
    """What lesson_from_session wrote: the lesson (loaded back), the copies beside it,
    and warnings for the teacher."""

    lesson: Lesson
    path: Path
    copies: tuple[Path, ...]
    warnings: tuple[str, ...]


def lesson_from_session(session_path: Path, out: Path, *, force: bool = False) -> Written:
    """Make a lesson from the notes of the recording at `session_path` and write it to
    `out` (with its scenario copies beside it); the lesson is loaded back and checked.
    Refuses (WriteRefused) an `out` or a copy that exists unless `force`, one that is
    the session or its weights files, or lies among the built-ins. SessionError for a
    session that cannot be used; LessonError if what was written does not load (a bug)."""
    session = read_session(Path(session_path))
    out = Path(out)
    inputs = session_files(session)
    draft = draft_lesson(session, out)
    targets = [out] + [out.with_name(name) for name in draft.copies]
    for target in targets:
        check_target(target, inputs=inputs)
        if _in_builtin_lessons(target):
            raise WriteRefused(
                _("{path}: refusing to write into the built-in lessons' folder").format(
                    path=visible(str(target))
                )
            )
        if not force and target.exists():
            raise WriteRefused(
                _("{path} exists; choose another name or pass --force").format(
                    path=visible(str(target))
                )
            )
    out.parent.mkdir(parents=True, exist_ok=True)
    copies = []
    for name, data in draft.copies.items():
        copies.append(write_atomic(out.with_name(name), data, inputs=inputs))
    write_atomic(out, draft.text, inputs=inputs)
    lesson = load_lesson(out)  # what was written must load, scenarios and all
    return Written(lesson, out, tuple(copies), tuple(draft.warnings))


def _in_builtin_lessons(path: Path) -> bool:
    try:
        return path.resolve().is_relative_to(BUILTIN_LESSONS.resolve())
    except (OSError, ValueError):
        return False
