"""The lesson schema: every key, its kind, default and meaning, in one table.

The loader checks files against it, the key reference of `docs/lessons.md` and
`lesson.schema.json` are generated from it (`python -m rnn_tui.lesson.schema`), and a
test keeps the committed copies equal to what it generates. Its keys are the scenario
schema's `Key`s, typed and turned into JSON Schema by the same code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..engine import CELLS, MERGES
from ..i18n import LANGUAGES, N_
from ..present.position import DIRECTIONS, MAX_INDEX
from ..scenario.schema import KIND_NAMES, Key, key_tables, kind_matches, write_generated
from ..scenario.schema import _json_type as scenario_json_type
from ..session.lines import PANES

MAX_LESSON_BYTES = 1024 * 1024
"""A lesson is hand-written text; larger is a mistake (the built-ins take ~10 KB)."""
MAX_STEPS = 200
MAX_CHOICES = 8
MIN_CHOICES = 2
MAX_LINE = 200
"""The longest title or choice, in characters."""
MAX_TEXT = 4000
"""The longest step text, hint, question or explanation, in characters."""
MAX_SECTION = 20
MAX_SCENARIO_NAME = 200
"""The longest `scenario` value (a built-in name or a relative path)."""
MAX_SCENARIOS = 16
"""Different scenarios one lesson may name (each is loaded to check the steps)."""
TASK_KINDS = ("view", "question")
SCENARIO_PATTERN = r"^(?![/\\])(?!.*(^|[/\\])\.\.([/\\]|$))(?![A-Za-z]:)[^\u0000-\u001f]+$"
"""A scenario: no leading / or \\, no ".." part, no drive letter, no control character
(the loader also checks that the file lies in the lesson's folder)."""

SCHEMA: dict[str, dict[str, Key]] = {
    "": {
        "title": Key(
            "line",
            required=True,
            help="The lesson's title, shown by `rnn-tui learn` and in the lesson panel.",
        ),
        "description": Key("text", None, help="What the lesson teaches, in a few lines."),
        "section": Key(
            "str",
            None,
            help="The tutorial's section it follows (e.g. `3.6`); `rnn-tui learn` shows it "
            f"and lists the lessons in its order. At most {MAX_SECTION} characters.",
        ),
        "step": Key(
            "steps",
            required=True,
            help=f"The steps, in order: `[[step]]` tables, 1 to {MAX_STEPS}.",
        ),
    },
    "step": {
        "scenario": Key(
            "str",
            None,
            pattern=SCENARIO_PATTERN,
            help="A built-in scenario's name (`rnn-tui list`), or a scenario file's path "
            "relative to the lesson, inside the lesson's folder (no absolute path, no `..`). "
            "Required in step 1; a step without it shows the scenario of the step before, "
            "as the student left it.",
        ),
        "view": Key(
            "view",
            None,
            help="What the step sets when it begins (a table of the keys under "
            "[step.view]); what it does not give stays as the student has it.",
        ),
        "text": Key("text", required=True, help="What the step says, pointing at the screen."),
        "task": Key(
            "task",
            None,
            help="What the student does before going on: a table of the keys under [step.task].",
        ),
    },
    "step.view": {
        "t": Key("int", None, minimum=1, maximum=MAX_INDEX, help="The step in time, 1 to T."),
        "layer": Key(
            "int", None, minimum=1, maximum=MAX_INDEX, help="The layer, 1 (bottom) to num_layers."
        ),
        "direction": Key(
            "str",
            None,
            DIRECTIONS,
            help="The direction shown; `backward` and `both` need a bidirectional network.",
        ),
        "unit": Key(
            "int",
            None,
            minimum=1,
            maximum=MAX_INDEX,
            help="The selected unit, 1 to hidden_size, whose numbers `2` writes out.",
        ),
        "pane": Key(
            "str",
            None,
            PANES,
            help="The view shown (the keys 1-6); all of them show at once on a wide screen.",
        ),
        "merge": Key(
            "str",
            None,
            MERGES,
            help="How the two directions combine (as the m key switches it); a "
            "bidirectional network only.",
        ),
        "cell": Key(
            "str",
            None,
            tuple(CELLS),
            help="The cell (as the c key switches it: the scenario's [siblings] weights, "
            "else fresh seeded ones).",
        ),
    },
    "step.task": {
        "kind": Key(
            "str",
            required=True,
            choices=TASK_KINDS,
            help="`view`: bring the screen to `target`; `question`: choose an answer.",
        ),
        "target": Key(
            "view",
            None,
            help="`view` tasks (required): the keys of [step.view] that must hold, e.g. "
            '`{ t = 3 }` ("press → until t = 3"), `{ direction = "backward" }`, '
            '`{ pane = "weights" }`.',
        ),
        "hint": Key("text", None, help="`view` tasks: how to get there (the keys to press)."),
        "question": Key("text", None, help="`question` tasks (required): the question."),
        "choices": Key(
            "lines",
            None,
            help=f"`question` tasks (required): {MIN_CHOICES} to {MAX_CHOICES} answers, "
            "each a text table.",
        ),
        "answer": Key(
            "int",
            None,
            minimum=1,
            maximum=MAX_CHOICES,
            help="`question` tasks (required): the right choice, 1-based.",
        ),
        "explanation": Key(
            "text",
            None,
            help="`question` tasks (required): why, pointing at what the screen shows.",
        ),
    },
    "text": {
        language: Key(
            "str",
            None,
            help=f"The text in {name}. A text gives one language or both; a built-in "
            "lesson gives both. Shown in the interface's language, else in the other.",
        )
        for language, name in zip(LANGUAGES, ("English", "Simplified Chinese"), strict=True)
    },
}
TASK_KEYS = {
    "view": ("kind", "target", "hint"),
    "question": ("kind", "question", "choices", "answer", "explanation"),
}
"""The keys each kind of task takes; the ones not marked optional here are required."""
OPTIONAL_TASK_KEYS = ("hint",)

LESSON_KIND_NAMES = {
    **KIND_NAMES,
    "line": N_('a text table like { en = "...", zh = "..." }'),
    "text": N_('a text table like { en = "...", zh = "..." }'),
    "lines": N_('a list of text tables like { en = "...", zh = "..." }'),
    "steps": N_("a list of [[step]] tables"),
    "view": N_("a table of view keys (t, layer, direction, unit, pane, merge, cell)"),
    "task": N_("a table [step.task]"),
}


def lesson_kind_matches(kind: str, value: Any) -> bool:
    """Whether a TOML value has the kind a lesson key wants (its inside is checked by
    the loader, key by key)."""
    if kind in ("line", "text", "view", "task"):
        return isinstance(value, dict)
    if kind in ("lines", "steps"):
        return isinstance(value, list) and all(isinstance(x, dict) for x in value)
    return kind_matches(kind, value)


# ---------------------------------------------------------------- JSON Schema
def _text_def(limit: int) -> dict:
    return {
        "type": "object",
        "properties": {
            name: {"type": "string", "maxLength": limit, "description": key.help}
            for name, key in SCHEMA["text"].items()
        },
        "minProperties": 1,
        "additionalProperties": False,
    }


def _json_type(key: Key) -> dict:
    refs = {"line": "line", "text": "text", "view": "view", "task": "task"}
    if key.kind in refs:
        return {"$ref": f"#/$defs/{refs[key.kind]}", "description": key.help}
    if key.kind == "lines":
        return {
            "type": "array",
            "items": {"$ref": "#/$defs/line"},
            "minItems": MIN_CHOICES,
            "maxItems": MAX_CHOICES,
            "description": key.help,
        }
    if key.kind == "steps":
        return {
            "type": "array",
            "items": {"$ref": "#/$defs/step"},
            "minItems": 1,
            "maxItems": MAX_STEPS,
            "description": key.help,
        }
    out = scenario_json_type(key)
    if key.kind == "str" and key is SCHEMA[""]["section"]:
        out["maxLength"] = MAX_SECTION
    if key.kind == "str" and key is SCHEMA["step"]["scenario"]:
        out["maxLength"] = MAX_SCENARIO_NAME
    return out


def _section(name: str, keys: tuple[str, ...] | None = None) -> dict:
    table = SCHEMA[name]
    chosen = keys if keys is not None else tuple(table)
    return {
        "type": "object",
        "properties": {k: _json_type(table[k]) for k in chosen},
        "required": [k for k in chosen if table[k].required],
        "additionalProperties": False,
    }


def _task_def() -> dict:
    kinds = []
    for kind, keys in TASK_KEYS.items():
        schema = _section("step.task", keys)
        schema["properties"]["kind"] = {
            "const": kind,
            "description": SCHEMA["step.task"]["kind"].help,
        }
        schema["required"] = [k for k in keys if k not in OPTIONAL_TASK_KEYS]
        kinds.append(schema)
    return {"oneOf": kinds}


def json_schema() -> dict:
    """A JSON Schema (draft 2020-12) for lesson files, for editors with TOML support."""
    view = _section("step.view")
    view["minProperties"] = 1
    top = _section("")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "rnn-tui lesson",
        **top,
        "$defs": {
            "line": _text_def(MAX_LINE),
            "text": _text_def(MAX_TEXT),
            "view": view,
            "task": _task_def(),
            "step": _section("step"),
        },
    }


# ---------------------------------------------------------------- docs/lessons.md
HEADINGS = {
    "": "top level",
    "step": "[[step]]",
    "step.view": "[step.view] (and a view task's target)",
    "step.task": "[step.task]",
    "text": "every text: { en, zh }",
}


def markdown_table() -> str:
    """The key reference of docs/lessons.md."""
    return key_tables(SCHEMA, HEADINGS.__getitem__, LESSON_KIND_NAMES, minimums=True)


DOC_START = "<!-- generated by rnn_tui.lesson.schema.markdown_table(); a test keeps it current -->"


def write_generated_files(root: Path) -> list[Path]:
    """Rewrite lesson.schema.json and the key table of docs/lessons.md under root."""
    return write_generated(
        root / "lesson.schema.json",
        json_schema(),
        root / "docs" / "lessons.md",
        DOC_START,
        markdown_table(),
    )


if __name__ == "__main__":  # regenerate the committed files after changing SCHEMA
    for path in write_generated_files(Path(__file__).resolve().parents[2]):
        print(f"wrote {path}")
