"""Checking a parsed scenario table, field by field, and building the Scenario: every
problem gathered (up to MAX_PROBLEMS) with the file and the field it concerns."""

from __future__ import annotations

import math
import os
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from ..engine import CELLS, Network, init_state_dict, parameter_shapes
from ..i18n import _, current_language
from ..text import visible
from .model import (
    DEFAULT_SEQUENCE,
    MAX_SEQUENCE_BYTES,
    MAX_STATES_BYTES,
    Problem,
    Scenario,
    ScenarioError,
)
from .schema import KIND_NAMES, SCHEMA, SECTIONS, Key, kind_matches
from .values import (
    add_keep_gate_bias,
    did_you_mean,
    escape_example,
    is_finite,
    numeric_tree,
    quoted,
    sibling_name_problem,
)
from .weights import WeightsError, prefix_hint, read_weights, shape_hint, shared_prefix

MAX_PROBLEMS = 100  # reported of one file; the rest are counted
MAX_MODEL_BYTES = 128 * 2**20  # the parameters, as float64: far beyond a model meant to be read


# ---------------------------------------------------------------- validation
def value_problem(
    spec: Key, value: Any, *, kind_ok: bool, kind: str, hint: bool = False
) -> str | None:
    """What is wrong with `value` for `spec` (a scenario's key, or a lesson's), or None:
    not of its `kind` (`kind_ok` False; `kind` its name, translated), not one of its
    choices (with a did-you-mean when `hint`), below its minimum or above its maximum."""
    if not kind_ok:
        return _("expected {kind}, found {found}").format(kind=kind, found=quoted(value))
    if spec.choices and value not in spec.choices:
        options = ", ".join(f'"{c}"' for c in spec.choices)
        guess = did_you_mean(value, list(spec.choices)) if hint and isinstance(value, str) else ""
        return (
            _("expected one of {options}, found {found}").format(
                options=options, found=quoted(value)
            )
            + guess
        )
    if spec.minimum is not None and value < spec.minimum:
        return _("expected an integer >= {minimum}, found {found}").format(
            minimum=spec.minimum, found=quoted(value)
        )
    if spec.maximum is not None and value > spec.maximum:
        return _("expected an integer <= {maximum}, found {found}").format(
            maximum=spec.maximum, found=quoted(value)
        )
    return None


class Problems:
    """The problems found in one file (`label`), gathered to be reported together: the
    first MAX_PROBLEMS kept, the rest counted; stop_if_any raises `error` with them."""

    error: type[Exception] = ScenarioError

    def __init__(self, label: str) -> None:
        self.label = label
        self.problems: list[Problem] = []
        self.more = 0  # problems past MAX_PROBLEMS, counted, not kept

    def problem(self, where: str, message: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.more += 1
            return
        self.problems.append(Problem(self.label, where, message))

    @property
    def full(self) -> bool:
        return len(self.problems) >= MAX_PROBLEMS

    def stop_if_any(self) -> None:
        if self.problems:
            problems = list(self.problems)
            if self.more:
                more = _("and {count:,} more problems").format(count=self.more)
                problems.append(Problem(self.label, "", more))
            raise self.error(problems)


class _Builder(Problems):
    """Validates the TOML data in stages, gathering problems, then builds the Scenario."""

    def __init__(self, label: str, path: Path | None, data: dict) -> None:
        super().__init__(label)
        self.path = path
        self.data = data
        self.weights_file: Path | None = None  # set by load_arrays when it reads one
        self.file_keys: dict[str, str] = {}  # name after map_names -> key in the file
        self.file_prefix = ""  # the [weights] prefix map_names stripped

    # -- keys and kinds
    def check_schema(self) -> dict[str, dict[str, Any]]:
        values: dict[str, dict[str, Any]] = {section: {} for section in SCHEMA}
        top_keys = list(SCHEMA[""]) + list(SECTIONS)
        for key, value in self.data.items():
            if key in SECTIONS:
                if not isinstance(value, dict):
                    self.problem(
                        key,
                        _("expected a table [{key}], found {found}").format(
                            key=key, found=quoted(value)
                        ),
                    )
                    continue
                for sub, v in value.items():
                    spec = SCHEMA[key].get(sub)
                    if spec is None:
                        hint = "" if self.full else did_you_mean(sub, list(SCHEMA[key]))
                        self.problem(f"{key}.{sub}", _("unknown key") + hint)
                    elif self._typed(f"{key}.{sub}", spec, v):
                        values[key][sub] = v
            elif key in SCHEMA[""]:
                if self._typed(key, SCHEMA[""][key], value):
                    values[""][key] = value
            else:
                hint = "" if self.full else did_you_mean(key, top_keys)
                self.problem(key, _("unknown key") + hint)
        reported = {p.field for p in self.problems}
        for section in ("model", "input"):
            if section not in self.data:
                self.problem(section, _("missing table"))
        for section, keys in SCHEMA.items():
            for key, spec in keys.items():
                where = f"{section}.{key}" if section else key
                present = section == "" or section in self.data
                if spec.required and key not in values[section] and present:
                    if where not in reported:
                        self.problem(
                            where,
                            _("missing; expected {kind}").format(kind=_(KIND_NAMES[spec.kind])),
                        )
                values[section].setdefault(key, spec.default)
        self.stop_if_any()
        return values

    def _typed(self, where: str, spec: Key, value: Any) -> bool:
        kind = _(KIND_NAMES[spec.kind])
        message = value_problem(spec, value, kind_ok=kind_matches(spec.kind, value), kind=kind)
        if message is not None:
            self.problem(where, message)
        return message is None

    # -- text from the file: escaped once, here
    def escape_texts(self, v: dict) -> None:
        """Every text of the file that is shown or printed, with its control and bidi
        characters made visible (text.visible). Tokens, vocabulary, sequence names,
        labels and examples are escaped alike, so lookups between them still match;
        two that read the same once escaped are duplicates."""
        top, zh, inp, out, train = v[""], v["zh"], v["input"], v["output"], v["train"]
        for table in (top, zh):
            if table["title"] is not None:
                table["title"] = visible(table["title"])
            if table["description"] is not None:
                table["description"] = visible(table["description"], lines=True)
        for table, key in ((inp, "tokens"), (inp, "vocab"), (out, "labels")):
            if table[key] is not None:
                table[key] = [visible(x) for x in table[key]]
        if inp["unknown"] is not None:
            inp["unknown"] = visible(inp["unknown"])
        if inp["sequences"] is not None:
            sequences: dict[str, Any] = {}
            for name, seq in inp["sequences"].items():
                shown = visible(name)
                if shown in sequences:
                    self.problem(
                        f"input.sequences.{name}",
                        _("reads the same as another name once control characters are shown"),
                    )
                tokens = bool(seq) and kind_matches("str_list", seq)
                sequences[shown] = [visible(x) for x in seq] if tokens else seq
            inp["sequences"] = sequences
        if inp["answers"] is not None:  # sequence names and labels, escaped as those are
            inp["answers"] = self._escaped_table("input.answers", inp["answers"])
        memory = v["memory"]
        if memory["swap"] is not None:  # tokens, escaped as the vocabulary is
            memory["swap"] = self._escaped_table("memory.swap", memory["swap"])
        if memory["baseline"] is not None:
            memory["baseline"] = visible(memory["baseline"])
        every = v["model"]["readout"] == "every"
        for group in ("examples", "heldout"):
            if train[group] is not None:
                train[group] = [escape_example(e, every) for e in train[group]]

    def _escaped_table(self, where: str, table: dict[str, str]) -> dict[str, str]:
        """A table of name -> text with both escaped; two names that read the same once
        escaped are a problem."""
        out: dict[str, str] = {}
        for name, value in table.items():
            shown = visible(name)
            if shown in out:
                self.problem(
                    f"{where}.{name}",
                    _("reads the same as another name once control characters are shown"),
                )
            out[shown] = visible(value)
        return out

    # -- inputs
    def _vectors(self, where: str, rows: list, width: int | None) -> np.ndarray | None:
        if not rows or not rows[0]:
            self.problem(where, _("expected at least one non-empty row"))
            return None
        width = width or len(rows[0])
        ok = True
        for i, row in enumerate(rows):
            if len(row) != width:
                self.problem(
                    f"{where}[{i}]",
                    _("expected {width} numbers, found {found}").format(
                        width=width, found=len(row)
                    ),
                )
                ok = False
            elif not all(is_finite(x) for x in row):
                self.problem(f"{where}[{i}]", _("NaN or infinity is not an input"))
                ok = False
        return np.array(rows, dtype=np.float64) if ok else None

    def build_inputs(self, v: dict) -> dict | None:
        """The input sequences, vocabulary and width; None when they cannot be made."""
        inp, model = v["input"], v["model"]
        tokens, vectors = inp["tokens"], inp["vectors"]
        if (tokens is None) == (vectors is None):
            self.problem("input", _("give exactly one of tokens or vectors"))
            return None
        extra = inp["sequences"] or {}
        if DEFAULT_SEQUENCE in extra:
            self.problem(
                f"input.sequences.{DEFAULT_SEQUENCE}", _("this name is the main sequence's")
            )
        if vectors is not None:
            main = self._vectors("input.vectors", vectors, None)
            width = len(vectors[0]) if vectors and vectors[0] else None
            sequences: dict[str, Any] = {DEFAULT_SEQUENCE: main}
            for name, seq in extra.items():
                if not kind_matches("matrix", seq):
                    self.problem(
                        f"input.sequences.{name}", _("expected vectors, like input.vectors")
                    )
                else:
                    sequences[name] = self._vectors(f"input.sequences.{name}", seq, width)
            if model["input_size"] is not None and width and model["input_size"] != width:
                self.problem(
                    "model.input_size",
                    _("is {size} but input.vectors rows have {width} numbers").format(
                        size=model["input_size"], width=width
                    ),
                )
            return {"sequences": sequences, "vocab": None, "encoding": None, "input_size": width}

        sequences = {DEFAULT_SEQUENCE: tokens}
        for name, seq in extra.items():
            if not kind_matches("str_list", seq):
                self.problem(f"input.sequences.{name}", _("expected tokens, like input.tokens"))
            else:
                sequences[name] = seq
        for name, seq in sequences.items():
            if not seq:
                where = "input.tokens" if name == DEFAULT_SEQUENCE else f"input.sequences.{name}"
                self.problem(where, _("expected at least one token"))
        examples = (v["train"]["examples"] or []) + (v["train"]["heldout"] or [])
        unknown, vocab = inp["unknown"], inp["vocab"]
        if vocab is None:
            words = {tok for seq in sequences.values() for tok in seq}
            words.update(w for e in examples for w in e["text"].split())
            if unknown is not None:
                words.add(unknown)
            vocab = sorted(words)
        else:
            # Counted once (linear): list.count per word took 37 s for 50,000 words.
            dupes = sorted(w for w, n in Counter(vocab).items() if n > 1)
            if dupes:
                shown = ", ".join(dupes[:10])
                if len(dupes) > 10:
                    shown += _(" and {count:,} more").format(count=len(dupes) - 10)
                self.problem("input.vocab", _("repeats {tokens}").format(tokens=shown))
            known = set(vocab)
            if unknown is not None and unknown not in known:
                self.problem(
                    "input.unknown", _('"{token}" is not in input.vocab').format(token=unknown)
                )
            elif unknown is None:
                for name, seq in sequences.items():
                    base = "input.tokens" if name == DEFAULT_SEQUENCE else f"input.sequences.{name}"
                    for i, tok in enumerate(seq):
                        if tok not in known:
                            self.problem(
                                f"{base}[{i}]",
                                _('"{token}" is not in input.vocab').format(token=tok),
                            )
        encoding = inp["encoding"]
        size = model["input_size"]
        if encoding == "one-hot":
            if size is not None and size != len(vocab):
                self.problem(
                    "model.input_size",
                    _(
                        "is {size} but one-hot over a vocabulary of {count} tokens needs "
                        "{count} (leave it out to infer it)"
                    ).format(size=size, count=len(vocab)),
                )
            size = len(vocab)
        elif size is None:
            self.problem("model.input_size", _('required with encoding = "embedding"'))
        return {
            "sequences": sequences,
            "vocab": vocab,
            "known": set(vocab),
            "encoding": encoding,
            "input_size": size,
        }

    # -- weights
    def load_arrays(
        self, w: dict, *, read: bool = True
    ) -> tuple[dict[str, np.ndarray] | None, str]:
        """The arrays of the weights source and its kind; a file is read only with `read`
        (not when the model is already over its budget)."""
        sources = [k for k in ("seed", "file", "values") if w[k] is not None]
        if len(sources) != 1:
            found = ", ".join(sources) if sources else "none"
            self.problem(
                "weights",
                _("give exactly one of seed, file or values (found {found})").format(found=found),
            )
            return None, "failed"
        if w["seed"] is not None:
            return None, "seed"
        if w["values"] is not None:
            arrays = {}
            for name, value in w["values"].items():
                array = None
                if numeric_tree(value):
                    try:
                        array = np.array(value, dtype=np.float64)
                    except (ValueError, TypeError, OverflowError):  # ragged rows
                        array = None
                if array is None:
                    self.problem(
                        f"weights.values.{name}",
                        _("expected a number or nested lists of numbers, rows of equal length"),
                    )
                    continue
                arrays[name] = array
            return arrays, "inline"
        if not read:
            return None, "failed"
        name = w["file"]
        base = self.path.parent if self.path is not None else Path.cwd()
        # Not resolved: a link named w.npz is read as an .npz, and judged by what it
        # points to (a device, an unreadable file), not by that file's own name.
        if "\0" in name:
            self.problem("weights.file", _('"{name}" is not a usable file name').format(name=name))
            return None, "failed"
        file = Path(os.path.abspath(base / name))
        if not os.path.lexists(file):
            self.problem(
                "weights.file",
                _('"{name}" not found (looked for {path})').format(name=name, path=file),
            )
            return None, "failed"
        try:
            arrays = read_weights(file)
        except WeightsError as e:
            where = f"weights.file[{e.key}]" if e.key else "weights.file"
            self.problem(where, f'"{name}" {e.message}' if e.key is None else e.message)
            return None, "failed"
        self.weights_file = file
        return self.map_names(arrays, w), "file"

    def map_names(self, arrays: dict[str, np.ndarray], w: dict) -> dict[str, np.ndarray]:
        prefix, rename = w["prefix"], w["rename"] or {}
        for src, dst in rename.items():
            if not isinstance(dst, str):
                self.problem(
                    f"weights.rename.{src}",
                    _("expected {kind}, found {found}").format(
                        kind=_(KIND_NAMES["str"]), found=quoted(dst)
                    ),
                )
            elif src not in arrays:
                self.problem(f"weights.rename.{src}", _("no such key in the file"))
        out = {}
        self.file_prefix = prefix
        for key, array in arrays.items():
            raw = key
            if key in rename:
                key = rename[key]
            elif prefix and key.startswith(prefix):
                key = key[len(prefix) :]
            if raw not in rename:
                self.file_keys[key] = raw
            out[key] = array
        return out

    def prefix_problem(self, arrays: dict, shapes: dict) -> set[str]:
        """One problem when the file's keys that name no parameter all miss one by the
        same module prefix (`lstm.weight_ih_l0` from a `self.lstm`), in place of one per
        key and one per missing parameter; the names (after map_names) it covers."""
        unknown = [
            self.file_keys[name] for name in arrays if name not in shapes and name in self.file_keys
        ]
        found = shared_prefix(unknown, {name for name in shapes if name not in arrays})
        if found is None:
            return set()
        prefix, carried = found
        names = [key[len(prefix) :] for key in carried]
        if len(set(names)) != len(names):  # two keys would become one name
            return set()
        every = len(carried) == len(self.file_keys) == len(arrays)
        old = (
            self.file_prefix if self.file_prefix and not prefix.startswith(self.file_prefix) else ""
        )
        self.problem("weights.file", prefix_hint(prefix, every=every, count=len(carried), old=old))
        carried_keys = set(carried)
        covered = set(names)
        covered.update(name for name, raw in self.file_keys.items() if raw in carried_keys)
        return covered

    def check_arrays(
        self, arrays: dict, shapes: dict, where: str, *, cell: str = "", hidden: int = 0
    ) -> None:
        covered = self.prefix_problem(arrays, shapes) if where == "weights.file" else set()
        for name, shape in shapes.items():
            if name in covered:
                continue
            if name not in arrays:
                self.problem(
                    f"{where}.{name}",
                    _("missing; expected an array of shape {shape}").format(shape=shape),
                )
                continue
            array = arrays[name]
            if array.shape != shape:
                hint = shape_hint(name, array.shape, cell, hidden)
                self.problem(
                    f"{where}.{name}",
                    _("expected shape {shape}, found {found}").format(
                        shape=shape, found=array.shape
                    )
                    + ("; " + hint if hint else ""),
                )
            elif not (
                np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)
            ):
                self.problem(
                    f"{where}.{name}",
                    _("expected numbers, found dtype {dtype}").format(dtype=array.dtype),
                )
            elif not np.all(np.isfinite(array)):
                self.problem(f"{where}.{name}", _("contains NaN or infinity"))
        for name in arrays:
            if name not in shapes and name not in covered:
                hint = did_you_mean(name, list(shapes))
                self.problem(f"{where}.{name}", _("not a parameter of this model") + hint)

    def check_example(
        self, where: str, e: dict, v: dict, inputs: dict | None, labels: set[str] | None
    ) -> None:
        extra = set(e) - {"text", "label"}
        if extra:
            self.problem(where, _("unknown key {key}").format(key=sorted(extra)[0]))
        words = e["text"].split()
        if not words:
            self.problem(f"{where}.text", _("expected at least one token"))
        if inputs is not None and inputs["vocab"] is not None and v["input"]["unknown"] is None:
            for word in words:
                if word not in inputs["known"]:
                    self.problem(
                        f"{where}.text", _('"{token}" is not in input.vocab').format(token=word)
                    )
                    break
        if inputs is not None and inputs["vocab"] is None:
            self.problem(where, _("training examples need token inputs, not vectors"))
        if labels is None:
            self.problem(where, _("training needs output.labels"))
            return
        wanted = e["label"].split() if v["model"]["readout"] == "every" else [e["label"]]
        if v["model"]["readout"] == "every" and len(wanted) != len(words):
            self.problem(
                f"{where}.label",
                _(
                    "readout every needs one label per token: {tokens} tokens, {labels} labels"
                ).format(tokens=len(words), labels=len(wanted)),
            )
        for label in wanted:
            if label not in labels:
                self.problem(
                    f"{where}.label", _('"{label}" is not in output.labels').format(label=label)
                )
                break

    # -- what the file says about its sequences: answers, [memory], [siblings]
    def check_answers(self, v: dict, inputs: dict | None) -> dict[str, str]:
        """input.answers: sequence name -> its right label, checked (readout last only)."""
        answers, labels = v["input"]["answers"], v["output"]["labels"]
        if answers is None:
            return {}
        if v["model"]["readout"] != "last":
            self.problem(
                "input.answers",
                _('applies only to readout = "last" (one label per sequence)'),
            )
            return {}
        if labels is None:
            self.problem("input.answers", _("needs output.labels"))
            return {}
        names = list(inputs["sequences"]) if inputs is not None else None
        known_names, known_labels = set(names or ()), set(labels)
        out: dict[str, str] = {}
        for name, label in answers.items():
            where = f"input.answers.{name}"
            if names is not None and name not in known_names:
                self.problem(
                    where,
                    _('no such sequence: expected "{default}" or a name in input.sequences').format(
                        default=DEFAULT_SEQUENCE
                    )
                    + self._hint(name, names),
                )
            elif label not in known_labels:
                self.problem(
                    where,
                    _('"{label}" is not in output.labels').format(label=label)
                    + self._hint(label, labels),
                )
            else:
                out[name] = label
        return out

    def check_memory(self, v: dict, inputs: dict | None) -> dict[str, Any]:
        """The [memory] table: the keys the file gives, checked against the inputs."""
        given = self.data.get("memory")
        if not isinstance(given, dict) or not given:
            return {}
        spec = {k: v["memory"][k] for k in SCHEMA["memory"] if k in given}
        if inputs is None:
            return spec
        main = inputs["sequences"].get(DEFAULT_SEQUENCE)
        step = spec.get("step")
        if step is not None and main is not None and step > len(main):
            self.problem(
                "memory.step",
                _("is {step} but the main input has {count} steps").format(
                    step=step, count=len(main)
                ),
            )
        vocab = inputs["vocab"]
        words = [k for k in ("swap", "baseline") if k in spec]
        if words and vocab is None:
            for key in words:
                self.problem(f"memory.{key}", _("needs token inputs (input.tokens), not vectors"))
            return spec
        known = inputs.get("known", set())
        for token, other in (spec.get("swap") or {}).items():
            for word in (token, other):
                if word not in known:
                    self.problem(
                        f"memory.swap.{token}",
                        _('"{token}" is not in input.vocab').format(token=word)
                        + self._hint(word, vocab),
                    )
                    break
        baseline = spec.get("baseline")
        if baseline == "unknown" and v["input"]["unknown"] is None:
            self.problem("memory.baseline", _('"unknown" needs input.unknown (e.g. "<unk>")'))
        elif baseline not in (None, "zero", "unknown") and baseline not in known:
            self.problem(
                "memory.baseline",
                _('expected "zero", "unknown" or a token of input.vocab, found {found}').format(
                    found=quoted(baseline)
                )
                + self._hint(baseline, ["zero", "unknown", *vocab]),
            )
        return spec

    def check_siblings(self, v: dict) -> dict[str, str]:
        """The [siblings] table: cell -> a bare scenario file name (not read here)."""
        own = v["model"]["cell"]
        out: dict[str, str] = {}
        for cell in CELLS:
            name = v["siblings"].get(cell)
            if name is None:
                continue
            where = f"siblings.{cell}"
            why = sibling_name_problem(name)
            if cell == own:
                self.problem(
                    where, _("is this scenario's own cell; a sibling is trained with another")
                )
            elif why is not None:
                self.problem(where, why)
            else:
                out[cell] = name
        return out

    def _hint(self, name: str, options: list[str]) -> str:
        """did_you_mean, while few problems are found and the options are few (difflib
        is quadratic: a hostile table of 100,000 names must not take minutes)."""
        if len(self.problems) >= 10 or len(options) > 1000:
            return ""
        return did_you_mean(name, options)

    def within_budget(self, shapes: dict, arch: dict, sequences: dict, itemsize: int) -> bool:
        """Whether the parameters (as float64) and the longest sequence's input vectors and
        states (`itemsize` bytes a number: the model's dtype) fit their byte budgets; a
        problem naming the bytes when not."""
        count = sum(math.prod(shape) for shape in shapes.values())
        if count * 8 > MAX_MODEL_BYTES:
            self.problem(
                "model",
                _(
                    "needs {count:,} parameters, {size:,} bytes as float64; "
                    "the limit is {limit:,} bytes"
                ).format(count=count, size=count * 8, limit=MAX_MODEL_BYTES),
            )
            return False
        longest = max((len(seq) for seq in sequences.values() if seq is not None), default=0)
        directions = 2 if arch["bidirectional"] else 1
        states = arch["num_layers"] * directions * arch["hidden_size"]
        # the inputs, and the states a (compact) trace keeps: each within its budget
        size = longest * arch["input_size"] * itemsize
        if size > MAX_SEQUENCE_BYTES:
            self.problem(
                "input",
                _(
                    "{steps:,} steps of this width need {size:,} bytes; the limit is {limit:,}"
                ).format(steps=longest, size=size, limit=MAX_SEQUENCE_BYTES),
            )
            return False
        size = longest * states * itemsize
        if size > MAX_STATES_BYTES:
            self.problem(
                "input",
                _(
                    "{steps:,} steps need {size:,} bytes of hidden states ({layers} layers × "
                    "{directions} directions × {hidden} units a step); the limit is {limit:,}"
                ).format(
                    steps=longest,
                    size=size,
                    layers=arch["num_layers"],
                    directions=directions,
                    hidden=arch["hidden_size"],
                    limit=MAX_STATES_BYTES,
                ),
            )
            return False
        return True

    # -- everything
    def build(self) -> Scenario:
        v = self.check_schema()
        model, w, out = v["model"], v["weights"], v["output"]
        if model["cell"] != "rnn" and "nonlinearity" in self.data["model"]:
            self.problem(
                "model.nonlinearity",
                _(
                    'applies only to cell = "rnn"; a {cell} has its own gates (remove the key)'
                ).format(cell=model["cell"]),
            )
        self.escape_texts(v)
        inputs = self.build_inputs(v)
        labels = out["labels"]
        if labels is not None:
            if out["size"] is not None and out["size"] != len(labels):
                self.problem(
                    "output.size",
                    _("is {size} but output.labels has {count}").format(
                        size=out["size"], count=len(labels)
                    ),
                )
            if len(set(labels)) != len(labels):
                self.problem("output.labels", _("repeats a label"))
            if not labels:
                self.problem("output.labels", _("expected at least one label"))
        known_labels = set(labels) if labels is not None else None
        for group in ("examples", "heldout"):
            for i, e in enumerate(v["train"][group] or []):
                self.check_example(f"train.{group}[{i}]", e, v, inputs, known_labels)
        answers = self.check_answers(v, inputs)
        memory = self.check_memory(v, inputs)
        siblings = self.check_siblings(v)
        # The model's size in bytes is checked before anything is read or drawn for it.
        shapes: dict[str, tuple[int, ...]] | None = None
        arch: dict[str, Any] = {}
        if inputs is not None and inputs["input_size"] is not None:
            arch = dict(
                cell=model["cell"],
                input_size=inputs["input_size"],
                hidden_size=model["hidden_size"],
                num_layers=model["num_layers"],
                bidirectional=model["bidirectional"],
                merge=model["merge"],
                output_size=len(labels) if labels else (out["size"] or 0),
                bias=model["bias"],
            )
            shapes = parameter_shapes(**arch)
            if inputs["encoding"] == "embedding":
                shapes["embedding.weight"] = (len(inputs["vocab"]), inputs["input_size"])
            itemsize = np.dtype(model["dtype"]).itemsize
            if not self.within_budget(shapes, arch, inputs["sequences"], itemsize):
                shapes = None
        # Problems of the weights source are reported together with those above; the
        # shapes are checked only once the input width they depend on is known to be right.
        arrays, source = self.load_arrays(w, read=shapes is not None)
        self.stop_if_any()
        assert inputs is not None and shapes is not None
        vocab, encoding = inputs["vocab"], inputs["encoding"]
        self.stop_if_any()
        if arrays is None:
            arrays = init_state_dict(shapes, model["hidden_size"], w["seed"])
            if w["forget_bias"] is not None:
                add_keep_gate_bias(arrays, model["cell"], model["hidden_size"], w["forget_bias"])
        elif w["forget_bias"] is not None:
            self.problem("weights.forget_bias", _("applies only to seeded weights (seed = ...)"))
        if w["forget_bias"] is not None and model["cell"] == "rnn":
            self.problem("weights.forget_bias", _('needs a gated cell: cell = "lstm" or "gru"'))
        self.check_arrays(
            arrays,
            shapes,
            "weights.values" if source == "inline" else "weights.file",
            cell=model["cell"],
            hidden=model["hidden_size"],
        )
        self.stop_if_any()

        dtype = np.float32 if model["dtype"] == "float32" else np.float64
        embedding = None
        if encoding == "embedding":
            embedding = np.asarray(arrays.pop("embedding.weight"), dtype=dtype)
        network = Network(
            **arch,
            nonlinearity=model["nonlinearity"],
            readout=model["readout"],
            state_dict=arrays,
            dtype=dtype,
        )
        trained = w["trained"] if w["trained"] is not None else source != "seed"
        zh = v["zh"]
        if current_language() == "zh":  # [zh] title / description, where the file has them
            title = zh["title"] or v[""]["title"]
            description = zh["description"] or v[""]["description"]
        else:
            title, description = v[""]["title"], v[""]["description"]
        scenario = Scenario(
            name="",
            title=title,
            description=description.strip(),
            path=self.path,
            network=network,
            inputs=np.empty((0, inputs["input_size"]), dtype=dtype),
            vocab=vocab,
            encoding=encoding,
            embedding=embedding,
            unknown=v["input"]["unknown"],
            labels=labels,
            trained=trained,
            weights_source=source,
            weights_file=self.weights_file,
            seed=w["seed"] if w["seed"] is not None else 0,
            examples=list(v["train"]["examples"] or []),
            heldout=list(v["train"]["heldout"] or []),
            train_settings={
                k: v["train"][k] for k in ("epochs", "lr", "seed", "batch_size", "clip")
            },
            answers=answers,
            memory=memory,
            siblings=siblings,
        )
        sequences = inputs["sequences"]
        if vocab is None:
            sequences = {k: np.asarray(s, dtype=dtype) for k, s in sequences.items()}
        scenario.sequences = sequences
        return scenario.select(DEFAULT_SEQUENCE)
