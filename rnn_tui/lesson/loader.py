"""TOML -> a validated Lesson.

Every problem a user can cause is a LessonError (a ScenarioError) whose messages name
the file and the field, 1-based as on screen (``l.toml: step[3].view.pane: expected one
of ..., found "weight" (did you mean "weights"?)``); the loader gathers all it can find
before it stops. A lesson is shared between people: it is read bounded in size, counts
and nesting, its texts are escaped as they enter, and the scenario files it names must
lie in its own folder. With `check_scenarios` each scenario is loaded once and every
view and target is checked against it (t within 1..T, a backward direction only on a
bidirectional network, ...).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from ..i18n import LANGUAGES, _
from ..scenario import Scenario, ScenarioError, builtin_names, load_scenario
from ..scenario.builder import Problems, value_problem
from ..scenario.loader import fs_name, parse_toml, read_file_text
from ..scenario.model import Problem
from ..scenario.schema import Key
from ..scenario.values import did_you_mean, quoted
from ..text import visible
from .model import VIEW_FIELDS, Lesson, LessonError, LessonStep, LocalText, Task, ViewTarget
from .schema import (
    LESSON_KIND_NAMES,
    MAX_CHOICES,
    MAX_LESSON_BYTES,
    MAX_LINE,
    MAX_SCENARIO_NAME,
    MAX_SCENARIOS,
    MAX_SECTION,
    MAX_STEPS,
    MAX_TEXT,
    MIN_CHOICES,
    OPTIONAL_TASK_KEYS,
    SCHEMA,
    TASK_KEYS,
    lesson_kind_matches,
)

__all__ = [
    "BUILTIN_LESSONS",
    "builtin_lesson_names",
    "is_lesson_source",
    "load_lesson",
    "parse_lesson",
    "resolve_lesson",
]

# A source checkout keeps the built-in lessons at the top of the repository, a wheel
# inside the package (as rnn_tui.files does for the scenarios).
_CHECKOUT_DIR = Path(__file__).resolve().parents[2] / "lessons"
_PACKAGE_DIR = Path(__file__).resolve().parents[1] / "lessons"
BUILTIN_LESSONS = _CHECKOUT_DIR if _CHECKOUT_DIR.is_dir() else _PACKAGE_DIR


# ---------------------------------------------------------------- finding files
def _section_key(section: str | None) -> tuple[tuple[int, ...], str]:
    """ "3.10" after "3.7": sections compared number by number; none sorts last."""
    if not section:
        return ((1 << 30,), "")
    numbers = tuple(int(part) for part in re.findall(r"\d+", section)[:8])
    return (numbers or (1 << 29,), section)


def builtin_lesson_names() -> list[str]:
    """Names of the built-in lessons, in the tutorial's order (their `section`), then by name."""
    names = [p.stem for p in BUILTIN_LESSONS.glob("*.toml")]
    sections = {}
    for name in names:
        try:
            sections[name] = load_lesson(name, check_scenarios=False).section
        except ScenarioError:
            sections[name] = None  # a broken built-in is a bug; the tests say which
    return sorted(names, key=lambda n: (_section_key(sections[n]), n))


def _is_path(source: str) -> bool:
    return source.endswith(".toml") or "/" in source or os.path.lexists(fs_name(source))


def resolve_lesson(source: str | Path) -> Path:
    """A path, or a built-in lesson's name -> the lesson file's path."""
    if isinstance(source, Path) or _is_path(source):
        return Path(source)
    builtin = BUILTIN_LESSONS / f"{source}.toml"
    if builtin.exists():
        return builtin
    names = sorted(p.stem for p in BUILTIN_LESSONS.glob("*.toml"))
    hint = did_you_mean(source, names)
    raise LessonError(
        [
            Problem(
                str(source),
                "",
                _("no such file or built-in lesson (built-ins: {names})").format(
                    names=", ".join(names)
                )
                + hint,
            )
        ]
    )


_STEP_TABLE = re.compile(r"""^[ \t]*\[\[[ \t]*(step|"step"|'step')[ \t]*\]\]""", re.MULTILINE)
_STEP_ARRAY = re.compile(r"""^[ \t]*(step|"step"|'step')[ \t]*=[ \t]*\[""", re.MULTILINE)
_MODEL_TABLE = re.compile(r"""^[ \t]*\[[ \t]*(model|"model"|'model')[ \t]*[\].]""", re.MULTILINE)


def is_lesson_text(text: str) -> bool:
    """Whether TOML text is a lesson rather than a scenario: it has a top-level
    `[[step]]` (or `step = [...]`) and no `[model]`. Decided on the text, so that a
    lesson that is not valid TOML is still reported as a lesson."""
    has_steps = _STEP_TABLE.search(text) is not None or _STEP_ARRAY.search(text) is not None
    return has_steps and _MODEL_TABLE.search(text) is None


def is_lesson_source(source: str | Path) -> bool:
    """Whether `source` (what `rnn-tui validate` is given) is a lesson: a built-in
    lesson's name that no scenario has, or a file whose text is_lesson_text. A file
    that cannot be read is not one (the scenario loader then says why)."""
    if isinstance(source, str) and not _is_path(source):
        builtin = (BUILTIN_LESSONS / f"{source}.toml").exists()
        return builtin and source not in builtin_names()
    try:
        text = _read_text(Path(source))
    except ScenarioError:
        return False
    return is_lesson_text(text)


def _read_text(path: Path) -> str:
    """The file's text: a regular file, at most MAX_LESSON_BYTES, UTF-8."""
    too_big = _("file is {size:,} bytes; lessons are limited to {limit:,}")
    return read_file_text(path, MAX_LESSON_BYTES, too_big, LessonError)


def load_lesson(source: str | Path, *, check_scenarios: bool = True) -> Lesson:
    """Load a lesson file, or a built-in lesson by name; raise LessonError on any problem.
    With `check_scenarios`, every scenario it names is loaded and each step's view and
    target checked against it; without, only the file itself (for listing)."""
    path = resolve_lesson(source)
    text = _read_text(path)
    builtin = _is_builtin_lesson(path)
    return parse_lesson(text, path=path, builtin=builtin, check_scenarios=check_scenarios)


def _is_builtin_lesson(path: Path) -> bool:
    try:
        return path.resolve().parent == BUILTIN_LESSONS.resolve()
    except (OSError, ValueError):
        return False


def parse_lesson(
    text: str,
    *,
    path: Path | None = None,
    name: str | None = None,
    builtin: bool = False,
    check_scenarios: bool = True,
) -> Lesson:
    """TOML text -> Lesson. `path` names the file in messages and anchors the scenario
    files it names; `builtin` asks for every text in both languages."""
    label = str(path) if path is not None else (name or "<lesson>")
    data = parse_toml(text, label, LessonError)
    lesson_name = visible(name or (path.stem if path is not None else "lesson"))
    return _LessonBuilder(label, path, data, builtin=builtin).build(
        lesson_name, check_scenarios=check_scenarios
    )


# ---------------------------------------------------------------- validation
class _LessonBuilder(Problems):
    """Checks the TOML data key by key, gathering problems, then builds the Lesson."""

    error = LessonError

    def __init__(self, label: str, path: Path | None, data: dict, *, builtin: bool) -> None:
        super().__init__(label)
        self.path = path
        self.data = data
        self.builtin = builtin

    # -- keys and kinds
    def _keys(self, where: str, table: dict, allowed: tuple[str, ...]) -> None:
        """A problem for each key of `table` not in `allowed`, with a did-you-mean."""
        for key in table:
            if key not in allowed:
                path = f"{where}.{key}" if where else str(key)
                self.problem(path, _("unknown key") + did_you_mean(str(key), list(allowed)))

    def _typed(self, where: str, spec: Key, value: Any) -> bool:
        kind = _(LESSON_KIND_NAMES[spec.kind])
        ok = lesson_kind_matches(spec.kind, value)
        message = value_problem(spec, value, kind_ok=ok, kind=kind, hint=True)
        if message is not None:
            self.problem(where, message)
        return message is None

    def _missing(self, where: str, spec: Key) -> None:
        self.problem(
            where, _("missing; expected {kind}").format(kind=_(LESSON_KIND_NAMES[spec.kind]))
        )

    def _text(self, where: str, value: Any, *, limit: int, lines: bool) -> LocalText | None:
        """A text table {en, zh}: at least one language (both in a built-in), each a
        string of at most `limit` characters; escaped."""
        self._keys(where, value, LANGUAGES)
        texts: dict[str, str] = {}
        for language in LANGUAGES:
            if language not in value:
                continue
            text = value[language]
            if not isinstance(text, str):
                self.problem(
                    f"{where}.{language}",
                    _("expected {kind}, found {found}").format(
                        kind=_(LESSON_KIND_NAMES["str"]), found=quoted(text)
                    ),
                )
            elif not text.strip():
                self.problem(f"{where}.{language}", _("empty text"))
            elif len(text) > limit:
                self.problem(
                    f"{where}.{language}",
                    _("{count:,} characters; at most {limit:,}").format(
                        count=len(text), limit=limit
                    ),
                )
            else:
                texts[language] = visible(text.strip(), lines=lines)
        if not any(language in value for language in LANGUAGES):
            self.problem(
                where,
                _("give the text in at least one language: {names}").format(
                    names=", ".join(LANGUAGES)
                ),
            )
        elif self.builtin:
            for language in LANGUAGES:
                if language not in value:
                    self.problem(
                        f"{where}.{language}", _("missing: a built-in lesson gives every text")
                    )
        return LocalText(**texts) if texts else None

    def _view(self, where: str, value: dict) -> ViewTarget:
        """A view table: its keys, each of its kind and within its bounds."""
        keys = SCHEMA["step.view"]
        self._keys(where, value, tuple(keys))
        given = {}
        for name in VIEW_FIELDS:
            if name in value and self._typed(f"{where}.{name}", keys[name], value[name]):
                given[name] = value[name]
        return ViewTarget(**given)

    # -- the whole lesson
    def build(self, name: str, *, check_scenarios: bool) -> Lesson:
        top = SCHEMA[""]
        self._keys("", self.data, tuple(top))
        title = description = None
        section = None
        if "title" not in self.data:
            self._missing("title", top["title"])
        elif self._typed("title", top["title"], self.data["title"]):
            title = self._text("title", self.data["title"], limit=MAX_LINE, lines=False)
        if "description" in self.data and self._typed(
            "description", top["description"], self.data["description"]
        ):
            description = self._text(
                "description", self.data["description"], limit=MAX_TEXT, lines=True
            )
        if "section" in self.data and self._typed("section", top["section"], self.data["section"]):
            raw = self.data["section"]
            if not raw.strip() or len(raw) > MAX_SECTION:
                self.problem(
                    "section",
                    _("expected 1 to {limit} characters, found {found}").format(
                        limit=MAX_SECTION, found=quoted(raw)
                    ),
                )
            else:
                section = visible(raw.strip())
        steps: list[LessonStep] = []
        raw_steps = self.data.get("step")
        if raw_steps is None:
            self._missing("step", top["step"])
        elif self._typed("step", top["step"], raw_steps):
            if not raw_steps:
                self.problem("step", _("a lesson needs at least one step"))
            elif len(raw_steps) > MAX_STEPS:
                self.problem(
                    "step",
                    _("{count:,} steps; a lesson has at most {limit:,}").format(
                        count=len(raw_steps), limit=MAX_STEPS
                    ),
                )
            else:
                steps = self._steps(raw_steps)
        self.stop_if_any()
        if check_scenarios:
            self._check_against_scenarios(steps)
            self.stop_if_any()
        assert title is not None
        return Lesson(
            name=name,
            title=title,
            steps=tuple(steps),
            description=description,
            section=section,
            path=self.path,
            builtin=self.builtin,
        )

    def _steps(self, raw_steps: list[dict]) -> list[LessonStep]:
        spec = SCHEMA["step"]
        steps: list[LessonStep] = []
        scenario: tuple[str, str | Path] | None = None  # (as written, what load_scenario takes)
        for number, raw in enumerate(raw_steps, start=1):
            where = f"step[{number}]"
            self._keys(where, raw, tuple(spec))
            if "scenario" in raw:
                if self._typed(f"{where}.scenario", spec["scenario"], raw["scenario"]):
                    found = self._scenario(f"{where}.scenario", raw["scenario"])
                    scenario = found if found is not None else scenario
            elif number == 1:
                self.problem(
                    f"{where}.scenario",
                    _("missing: the first step names its scenario (a built-in name or a file)"),
                )
            view = ViewTarget()
            if "view" in raw and self._typed(f"{where}.view", spec["view"], raw["view"]):
                view = self._view(f"{where}.view", raw["view"])
            text = None
            if "text" not in raw:
                self._missing(f"{where}.text", spec["text"])
            elif self._typed(f"{where}.text", spec["text"], raw["text"]):
                text = self._text(f"{where}.text", raw["text"], limit=MAX_TEXT, lines=True)
            task = None
            if "task" in raw and self._typed(f"{where}.task", spec["task"], raw["task"]):
                task = self._task(f"{where}.task", raw["task"], view)
            if scenario is not None and text is not None:
                steps.append(
                    LessonStep(
                        number=number,
                        scenario=scenario[0],
                        source=scenario[1],
                        view=view,
                        text=text,
                        task=task,
                    )
                )
        return steps

    def _scenario(self, where: str, value: str) -> tuple[str, str | Path] | None:
        """A step's scenario: a built-in name, or a .toml file relative to the lesson and
        inside its folder. (as written, what load_scenario takes), or None."""
        shown = value if len(value) <= 60 else value[:57] + "..."
        if not value.strip() or len(value) > MAX_SCENARIO_NAME or visible(value) != value:
            self.problem(where, _('"{name}" is not a usable file name').format(name=shown))
            return None
        if not ("/" in value or "\\" in value or value.endswith(".toml")):
            names = builtin_names()
            if value not in names:
                self.problem(
                    where,
                    _("no built-in scenario {name} (built-ins: {names})").format(
                        name=quoted(value), names=", ".join(names)
                    )
                    + did_you_mean(value, names),
                )
                return None
            return value, value
        parts = value.replace("\\", "/").split("/")
        if (
            "\\" in value
            or value.startswith("/")
            or ".." in parts
            or re.match(r"^[A-Za-z]:", value)
            or not value.endswith(".toml")
        ):
            self.problem(
                where,
                _(
                    '"{name}" is not a scenario beside the lesson: a path relative to the '
                    'lesson\'s folder, inside it, with "/" between folders and no "..", '
                    "ending in .toml"
                ).format(name=shown),
            )
            return None
        folder = self.path.parent if self.path is not None else Path.cwd()
        file = folder / value
        try:
            inside = file.resolve().is_relative_to(folder.resolve())
        except (OSError, ValueError, RuntimeError):  # a loop of links
            inside = False
        if not inside:
            self.problem(
                where,
                _('"{name}" leads outside the lesson\'s folder (through a link)').format(
                    name=shown
                ),
            )
            return None
        return value, file

    def _task(self, where: str, raw: dict, view: ViewTarget) -> Task | None:
        spec = SCHEMA["step.task"]
        kind = raw.get("kind")
        if "kind" not in raw:
            self._missing(f"{where}.kind", spec["kind"])
            self._keys(where, raw, tuple(spec))
            return None
        if not self._typed(f"{where}.kind", spec["kind"], kind):
            self._keys(where, raw, tuple(spec))
            return None
        allowed = TASK_KEYS[str(kind)]
        for key in raw:
            if key in spec and key not in allowed:
                self.problem(
                    f"{where}.{key}",
                    _("not a key of a {kind} task (it takes {keys})").format(
                        kind=quoted(kind), keys=", ".join(allowed)
                    ),
                )
            elif key not in spec:
                self.problem(
                    f"{where}.{key}", _("unknown key") + did_you_mean(str(key), list(allowed))
                )
        for key in allowed:
            if key not in raw and key not in OPTIONAL_TASK_KEYS:
                self._missing(f"{where}.{key}", spec[key])
        values = {
            k: raw[k] for k in allowed if k in raw and self._typed(f"{where}.{k}", spec[k], raw[k])
        }
        if kind == "view":
            target = None
            if "target" in values:
                target = self._view(f"{where}.target", values["target"])
                if target.is_empty() and values["target"] == {}:
                    self.problem(f"{where}.target", _("empty: say what must hold, e.g. t = 3"))
                elif target.given() and all(
                    view.given().get(k) == v for k, v in target.given().items()
                ):
                    self.problem(
                        f"{where}.target",
                        _("already holds when the step begins (its view sets the same)"),
                    )
            hint = None
            if "hint" in values:
                hint = self._text(f"{where}.hint", values["hint"], limit=MAX_TEXT, lines=True)
            return Task("view", target=target, hint=hint)
        question = explanation = None
        if "question" in values:
            question = self._text(
                f"{where}.question", values["question"], limit=MAX_TEXT, lines=True
            )
        if "explanation" in values:
            explanation = self._text(
                f"{where}.explanation", values["explanation"], limit=MAX_TEXT, lines=True
            )
        choices: list[LocalText] = []
        if "choices" in values:
            raw_choices = values["choices"]
            if not MIN_CHOICES <= len(raw_choices) <= MAX_CHOICES:
                self.problem(
                    f"{where}.choices",
                    _("{count} choices; a question has {low} to {high}").format(
                        count=len(raw_choices), low=MIN_CHOICES, high=MAX_CHOICES
                    ),
                )
            for i, choice in enumerate(raw_choices[:MAX_CHOICES], start=1):
                checked = self._text(f"{where}.choices[{i}]", choice, limit=MAX_LINE, lines=False)
                if checked is not None:
                    choices.append(checked)
        answer = values.get("answer", 0)
        if "answer" in values and "choices" in values and answer > len(values["choices"]):
            self.problem(
                f"{where}.answer",
                _("choice {answer} of {count}: there is no such choice").format(
                    answer=answer, count=len(values["choices"])
                ),
            )
        return Task(
            "question",
            question=question,
            choices=tuple(choices),
            answer=answer,
            explanation=explanation,
        )

    # -- against the scenarios
    def _check_against_scenarios(self, steps: list[LessonStep]) -> None:
        """Load each scenario once; check every view and target against its network."""
        loaded: dict[str, Scenario | None] = {}
        for step in steps:
            key = str(step.source)
            where = f"step[{step.number}]"
            if key not in loaded:
                if len(loaded) >= MAX_SCENARIOS:
                    self.problem(
                        f"{where}.scenario",
                        _("a lesson names at most {limit} different scenarios").format(
                            limit=MAX_SCENARIOS
                        ),
                    )
                    return
                try:
                    loaded[key] = load_scenario(step.source)
                except ScenarioError as e:
                    loaded[key] = None
                    first = e.problems[0]
                    reason = f"{first.field}: {first.message}" if first.field else first.message
                    self.problem(
                        f"{where}.scenario",
                        _("{name} does not load: {reason}").format(
                            name=quoted(step.scenario), reason=reason
                        ),
                    )
            scenario = loaded[key]
            if scenario is None:
                continue
            self._fits(f"{where}.view", step.view, scenario, step.scenario)
            if step.task is not None and step.task.target is not None:
                self._fits(f"{where}.task.target", step.task.target, scenario, step.scenario)

    def _fits(self, where: str, view: ViewTarget, scenario: Scenario, name: str) -> None:
        net = scenario.network
        steps = int(scenario.inputs.shape[0])
        bounds = {"t": steps, "layer": net.num_layers, "unit": net.hidden_size}
        words = {
            "t": _("{name} has T = {limit} steps"),
            "layer": _("{name} has {limit} layers"),
            "unit": _("{name} has {limit} units a layer (H)"),
        }
        for field, limit in bounds.items():
            value = getattr(view, field)
            if value is not None and value > limit:
                self.problem(
                    f"{where}.{field}",
                    _("{value} is out of range: {why}").format(
                        value=value, why=words[field].format(name=quoted(name), limit=limit)
                    ),
                )
        if not net.bidirectional:
            if view.direction in ("backward", "both"):
                self.problem(
                    f"{where}.direction",
                    _("{name} is unidirectional: there is only the forward direction").format(
                        name=quoted(name)
                    ),
                )
            if view.merge is not None and view.merge != net.merge:
                self.problem(
                    f"{where}.merge",
                    _("{name} is unidirectional: there is nothing to merge").format(
                        name=quoted(name)
                    ),
                )
