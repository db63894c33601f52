"""The scenario schema: every key, its kind, default and meaning, in one table.

The loader checks files against it, `docs/scenarios.md` and
`scenario.schema.json` are generated from it (`python -m rnn_tui.scenario.schema`),
and a test keeps the committed copies equal to what it generates.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine import CELLS, MERGES, NONLINEARITIES, READOUTS
from ..files import write_atomic
from ..i18n import N_

ENCODINGS = ("one-hot", "embedding")
DTYPES = ("float64", "float32")
MAX_SEED = 2**63 - 1  # a seed fits a signed 64-bit integer, as in TOML itself
MAX_STEP = 2**24  # [memory] step: no sequence within the byte budgets is longer
SIBLING_PATTERN = r"^(?!.*\.\.)[^/\\\u0000-\u001f]+\.toml$"
"""A sibling's file name: no folder (/ or \\), no "..", no control character, .toml."""


@dataclass(frozen=True)
class Key:
    """One key of the schema: its kind, default and meaning."""

    kind: str  # str | int | bool | str_list | str_table | matrix | table | examples | sequences
    default: Any = None
    choices: tuple[str, ...] = ()
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None  # far above any model meant to be read, below what exhausts memory
    help: str = ""
    pattern: str = ""  # for the JSON Schema: what a string must match (the loader says why)


SCHEMA: dict[str, dict[str, Key]] = {
    "": {
        "title": Key(
            "str", required=True, help="One line, shown in the app and by `rnn-tui list`."
        ),
        "description": Key("str", "", help="What the scenario shows; shown in the app."),
    },
    "zh": {
        "title": Key("str", None, help="The title in Simplified Chinese, shown with --lang zh."),
        "description": Key(
            "str", None, help="The description in Simplified Chinese, shown with --lang zh."
        ),
    },
    "model": {
        "cell": Key("str", "rnn", tuple(CELLS), help="The recurrent cell."),
        "input_size": Key(
            "int",
            None,
            minimum=1,
            maximum=65536,
            help="Input width. Required for embeddings; inferred for one-hot and vectors.",
        ),
        "hidden_size": Key(
            "int", required=True, minimum=1, maximum=8192, help="Units per layer and direction (H)."
        ),
        "num_layers": Key(
            "int", 1, minimum=1, maximum=64, help="Stacked layers; layer k+1 reads layer k."
        ),
        "bidirectional": Key("bool", False, help="Add a backward direction to every layer."),
        "merge": Key(
            "str", "concat", MERGES, help="How the two directions combine (PyTorch: concat)."
        ),
        "nonlinearity": Key(
            "str",
            "tanh",
            NONLINEARITIES,
            help="RNN only: the activation (an error with `lstm` or `gru`, which have gates).",
        ),
        "readout": Key(
            "str",
            "every",
            READOUTS,
            help="`every`: o_t for each t; `last`: one output from the final states.",
        ),
        "bias": Key("bool", True, help="Whether the cell has bias vectors."),
        "dtype": Key("str", "float64", DTYPES, help="Floating-point precision."),
    },
    "weights": {
        "seed": Key(
            "int",
            None,
            minimum=0,
            maximum=MAX_SEED,
            help="Draw PyTorch's default initialisation from this seed (untrained).",
        ),
        "file": Key(
            "str",
            None,
            help="A .npz or .safetensors file, relative to the scenario, keys in PyTorch's names.",
        ),
        "prefix": Key("str", "", help="Stripped from every key of the file, e.g. `rnn.`."),
        "rename": Key(
            "table", None, help='File key -> rnn-tui name, e.g. `"fc.weight" = "readout.weight"`.'
        ),
        "values": Key(
            "table", None, help="Inline arrays: name -> a number or nested lists of numbers."
        ),
        "forget_bias": Key(
            "number",
            None,
            help="With seed: added to the bias of the gate that keeps the old state (LSTM f, "
            "GRU z), as Keras' unit_forget_bias does; helps gated cells learn long memories.",
        ),
        "trained": Key(
            "bool",
            None,
            help="Whether the weights were trained; default: true for file and values.",
        ),
    },
    "input": {
        "tokens": Key("str_list", None, help="The input sentence, one token per step."),
        "vectors": Key(
            "matrix", None, help="Explicit input vectors: T rows of input_size numbers."
        ),
        "encoding": Key("str", "one-hot", ENCODINGS, help="How tokens become vectors."),
        "vocab": Key(
            "str_list",
            None,
            help="Token order. Default: sorted tokens of every sequence and example.",
        ),
        "unknown": Key(
            "str",
            None,
            help="Stands in for tokens outside the vocabulary (e.g. `<unk>`); "
            "without it they are errors.",
        ),
        "sequences": Key(
            "sequences",
            None,
            help="More named inputs, switchable in the app: name -> tokens or vectors.",
        ),
        "answers": Key(
            "str_table",
            None,
            help="Readout `last` only: sequence name -> its known right label, one of "
            'output.labels (`default` names input.tokens), e.g. `{ default = "A", B = "B" }`.',
        ),
    },
    "output": {
        "labels": Key("str_list", None, help="Class names: o_t becomes a softmax over them."),
        "size": Key(
            "int", None, minimum=1, maximum=65536, help="Output width when there are no labels."
        ),
    },
    "train": {
        "examples": Key(
            "examples",
            None,
            help='`[{ text = "...", label = "..." }]`: what training fits. With readout '
            "`every`, `label` gives one label per token, separated by spaces.",
        ),
        "heldout": Key(
            "examples", None, help="Examples kept out of training, to measure accuracy on."
        ),
        "epochs": Key("int", 200, minimum=1, maximum=1_000_000, help="Passes over the examples."),
        "lr": Key("number", 0.01, help="Adam's learning rate."),
        "seed": Key(
            "int",
            0,
            minimum=0,
            maximum=MAX_SEED,
            help="Seed of the batch order (training is deterministic).",
        ),
        "batch_size": Key("int", 16, minimum=1, maximum=65536, help="Examples per gradient step."),
        "clip": Key("number", 5.0, help="Largest gradient norm; larger ones are scaled down."),
    },
    "memory": {
        "step": Key(
            "int",
            1,
            minimum=1,
            maximum=MAX_STEP,
            help="The input x_k whose memory curve is shown first (1-based, at most the "
            "length of input.tokens).",
        ),
        "swap": Key(
            "str_table",
            None,
            help='Token -> the token it is replaced with, e.g. `{ A = "B", B = "A" }`; both '
            "in the vocabulary.",
        ),
        "baseline": Key(
            "str",
            None,
            help='What the other tokens are replaced with: `"zero"` (a zero vector), '
            '`"unknown"` (input.unknown) or a token of the vocabulary. Default: `"unknown"` '
            'when input.unknown is set, else `"zero"`.',
        ),
    },
    "siblings": {
        cell: Key(
            "str",
            None,
            pattern=SIBLING_PATTERN,
            help=f"The same task trained with cell = `{cell}`: a scenario file in the same "
            "folder (a bare file name ending in .toml), whose weights the cell key switches to.",
        )
        for cell in CELLS
    },
}
SECTIONS = tuple(name for name in SCHEMA if name)

KIND_NAMES = {
    "str": N_("a string"),
    "int": N_("an integer"),
    "number": N_("a number"),
    "bool": N_("true or false"),
    "str_list": N_("a list of strings"),
    "str_table": N_("a table of name -> string"),
    "matrix": N_("a list of lists of numbers"),
    "table": N_("a table"),
    "examples": N_("a list of tables with text and label"),
    "sequences": N_("a table of name -> tokens or vectors"),
}


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_finite_number(v: Any) -> bool:
    """A number that is finite as a float: not NaN, not infinity, no integer beyond 1e308."""
    if not _is_number(v):
        return False
    try:
        return math.isfinite(v)
    except OverflowError:
        return False


def _is_str_list(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _is_matrix(v: Any) -> bool:
    return isinstance(v, list) and all(
        isinstance(r, list) and all(_is_number(x) for x in r) for r in v
    )


def kind_matches(kind: str, value: Any) -> bool:
    """Whether a TOML value has the kind a key wants."""
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return _is_finite_number(value) and value > 0
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "str_list":
        return _is_str_list(value)
    if kind == "str_table":
        return isinstance(value, dict) and all(isinstance(x, str) for x in value.values())
    if kind == "matrix":
        return _is_matrix(value)
    if kind == "table":
        return isinstance(value, dict)
    if kind == "examples":
        return isinstance(value, list) and all(
            isinstance(e, dict)
            and isinstance(e.get("text"), str)
            and isinstance(e.get("label"), str)
            for e in value
        )
    if kind == "sequences":
        return isinstance(value, dict) and all(
            _is_str_list(v) or _is_matrix(v) for v in value.values()
        )
    raise AssertionError(kind)


# ---------------------------------------------------------------- JSON Schema
def _json_type(key: Key) -> dict:
    matrix = {"type": "array", "items": {"type": "array", "items": {"type": "number"}}}
    strings = {"type": "array", "items": {"type": "string"}}
    kind = key.kind
    if kind == "str":
        out: dict = {"type": "string"}
        if key.choices:
            out["enum"] = list(key.choices)
        if key.pattern:
            out["pattern"] = key.pattern
    elif kind == "int":
        out = {"type": "integer"}
        if key.minimum is not None:
            out["minimum"] = key.minimum
        if key.maximum is not None:
            out["maximum"] = key.maximum
    elif kind == "number":
        out = {"type": "number", "exclusiveMinimum": 0}
    elif kind == "bool":
        out = {"type": "boolean"}
    elif kind == "str_list":
        out = strings
    elif kind == "str_table":
        out = {"type": "object", "additionalProperties": {"type": "string"}}
    elif kind == "matrix":
        out = matrix
    elif kind == "table":
        out = {"type": "object"}
    elif kind == "examples":
        out = {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"text": {"type": "string"}, "label": {"type": "string"}},
                "required": ["text", "label"],
                "additionalProperties": False,
            },
        }
    else:  # sequences
        out = {"type": "object", "additionalProperties": {"anyOf": [strings, matrix]}}
    out = dict(out)
    out["description"] = key.help
    if key.default is not None:
        out["default"] = key.default
    return out


def json_schema() -> dict:
    """A JSON Schema (draft 2020-12) for scenario files, for editors with TOML support."""

    def section(keys: dict[str, Key]) -> dict:
        return {
            "type": "object",
            "properties": {name: _json_type(k) for name, k in keys.items()},
            "required": [name for name, k in keys.items() if k.required],
            "additionalProperties": False,
        }

    top = section(SCHEMA[""])
    for name in SECTIONS:
        top["properties"][name] = section(SCHEMA[name])
    # nonlinearity is RNN only: with a gated cell, the key is an error
    top["properties"]["model"]["if"] = {
        "properties": {"cell": {"enum": [c for c in CELLS if c != "rnn"]}},
        "required": ["cell"],
    }
    top["properties"]["model"]["then"] = {"not": {"required": ["nonlinearity"]}}
    top["required"] = [*top["required"], "model", "input"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "rnn-tui scenario",
        **top,
    }


def key_tables(
    schema: dict[str, dict[str, Key]],
    heading: Callable[[str], str],
    kind_names: dict[str, str],
    *,
    minimums: bool = False,
) -> str:
    """A schema's keys as Markdown tables, one per section (`heading(name)` above it):
    key, type (`kind_names`, the choices, or with `minimums` "an integer ≥ N"), default
    and meaning. The key reference of docs/scenarios.md and docs/lessons.md."""
    lines = []
    for name, keys in schema.items():
        lines.append(f"### {heading(name)}\n")
        lines.append("| key | type | default | meaning |")
        lines.append("|---|---|---|---|")
        for key_name, key in keys.items():
            kind = kind_names[key.kind]
            if key.choices:
                kind = " \\| ".join(f"`{c}`" for c in key.choices)
            elif minimums and key.kind == "int" and key.minimum is not None:
                kind = f"an integer ≥ {key.minimum}"
            default = (
                "required"
                if key.required
                else ("—" if key.default is None else f"`{json.dumps(key.default)}`")
            )
            lines.append(f"| `{key_name}` | {kind} | {default} | {key.help} |")
        lines.append("")
    return "\n".join(lines)


def markdown_table() -> str:
    """The key reference of docs/scenarios.md."""
    return key_tables(SCHEMA, lambda name: f"[{name}]" if name else "top level", KIND_NAMES)


DOC_START = (
    "<!-- generated by rnn_tui.scenario.schema.markdown_table(); a test keeps it current -->"
)
DOC_END = "<!-- end generated -->"


def write_generated_files(root: Path) -> list[Path]:
    """Rewrite scenario.schema.json and the key table of docs/scenarios.md under root."""
    return write_generated(
        root / "scenario.schema.json",
        json_schema(),
        root / "docs" / "scenarios.md",
        DOC_START,
        markdown_table(),
    )


def write_generated(
    schema_file: Path, schema: dict, doc: Path, doc_start: str, table: str
) -> list[Path]:
    """Write `schema` into `schema_file` (JSON) and `table` into `doc` between its
    `doc_start` and DOC_END markers (for the scenarios' files and the lessons')."""
    write_atomic(schema_file, json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
    text = doc.read_text(encoding="utf-8")
    head, rest = text.split(doc_start, 1)
    _, tail = rest.split(DOC_END, 1)
    write_atomic(doc, f"{head}{doc_start}\n{table}{DOC_END}{tail}")
    return [schema_file, doc]


if __name__ == "__main__":  # regenerate the committed files after changing SCHEMA
    for path in write_generated_files(Path(__file__).resolve().parents[2]):
        print(f"wrote {path}")
