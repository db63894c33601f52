"""Scenario files: TOML -> a validated Scenario (a network plus an input sequence).

Every problem a user can cause is reported as a ScenarioError whose message names
the file and the field (``intent.toml: model.hidden_size: expected an integer >= 1,
found "eight"``); nothing here lets a traceback reach the user.
"""

from __future__ import annotations

import math
import tomllib
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .engine import CELLS, MERGES, NONLINEARITIES, READOUTS, Network, Trace, softmax
from .engine.network import parameter_shapes

BUILTIN_DEFAULT = "intent"
# A source checkout keeps them at the top of the repository; a wheel inside the package.
_CHECKOUT_DIR = Path(__file__).resolve().parent.parent / "scenarios"
_PACKAGE_DIR = Path(__file__).resolve().parent / "scenarios"
BUILTIN_DIR = _CHECKOUT_DIR if _CHECKOUT_DIR.is_dir() else _PACKAGE_DIR
MAX_TOML_BYTES = 4 * 1024 * 1024  # a scenario is hand-written text; larger is a mistake
ENCODINGS = ("one-hot", "embedding")
DTYPES = ("float64", "float32")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where, and what."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.field}: {self.message}"
            if self.field
            else f"{self.file}: {self.message}"
        )


class ScenarioError(Exception):
    """A scenario could not be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# ---------------------------------------------------------------- the schema
@dataclass(frozen=True)
class Key:
    """One key of the schema: its kind, default and meaning."""

    kind: str  # str | int | bool | str_list | matrix | table | examples
    default: Any = None
    choices: tuple[str, ...] = ()
    required: bool = False
    help: str = ""


SCHEMA: dict[str, dict[str, Key]] = {
    "": {
        "title": Key("str", required=True, help="one line shown in the app and by `rnn-tui list`"),
        "description": Key("str", "", help="what the scenario shows; shown in the app"),
    },
    "model": {
        "cell": Key("str", "rnn", tuple(CELLS), help="recurrent cell"),
        "input_size": Key("int", None, help="input width; inferred for one-hot and vectors"),
        "hidden_size": Key("int", required=True, help="units per layer and direction (H)"),
        "num_layers": Key("int", 1, help="stacked layers"),
        "bidirectional": Key("bool", False, help="add a backward direction per layer"),
        "merge": Key("str", "concat", MERGES, help="how the two directions combine"),
        "nonlinearity": Key("str", "tanh", NONLINEARITIES, help="rnn only: activation"),
        "readout": Key(
            "str", "every", READOUTS, help="one output per step, or only after the last"
        ),
        "bias": Key("bool", True, help="whether the cell has bias vectors"),
        "dtype": Key("str", "float64", DTYPES, help="floating-point precision"),
    },
    "weights": {
        "seed": Key("int", None, help="draw PyTorch's default initialisation from this seed"),
        "file": Key("str", None, help=".npz beside the scenario, keys in PyTorch's names"),
        "prefix": Key("str", "", help="stripped from every key of the file (e.g. 'rnn.')"),
        "rename": Key(
            "table", None, help="file key -> rnn-tui name (e.g. 'fc.weight' = 'readout.weight')"
        ),
        "values": Key("table", None, help="inline arrays, name -> nested list"),
    },
    "input": {
        "tokens": Key("str_list", None, help="the input sentence, one token per step"),
        "vectors": Key("matrix", None, help="explicit input vectors, T rows of input_size numbers"),
        "encoding": Key("str", "one-hot", ENCODINGS, help="how tokens become vectors"),
        "vocab": Key("str_list", None, help="token order; derived (sorted) when absent"),
    },
    "output": {
        "labels": Key("str_list", None, help="class names; softmax over them"),
        "size": Key("int", None, help="output width when there are no labels"),
    },
    "train": {
        "examples": Key(
            "examples", None, help="[{text = '...', label = '...'}] for `rnn-tui train`"
        ),
    },
}
SECTIONS = tuple(name for name in SCHEMA if name)


def _kind_name(kind: str) -> str:
    return {
        "str": "a string",
        "int": "an integer",
        "bool": "true or false",
        "str_list": "a list of strings",
        "matrix": "a list of lists of numbers",
        "table": "a table",
        "examples": "a list of tables with text and label",
    }[kind]


def _found(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 60 else text[:57] + "..."


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _check_kind(kind: str, value: Any) -> bool:
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "str_list":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "matrix":
        return isinstance(value, list) and all(
            isinstance(r, list) and all(_is_number(v) for v in r) for r in value
        )
    if kind == "table":
        return isinstance(value, dict)
    if kind == "examples":
        return isinstance(value, list) and all(
            isinstance(e, dict)
            and isinstance(e.get("text"), str)
            and isinstance(e.get("label"), str)
            for e in value
        )
    raise AssertionError(kind)


def _did_you_mean(name: str, options: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, options, n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


# ---------------------------------------------------------------- the scenario
@dataclass
class Scenario:
    """A validated scenario: a network, its input sequence and what to show about it."""

    name: str
    title: str
    description: str
    path: Path | None
    network: Network
    inputs: np.ndarray  # (T, input_size), after encoding
    tokens: list[str] | None = None
    vocab: list[str] | None = None
    encoding: str | None = None
    embedding: np.ndarray | None = None  # (vocab, input_size)
    labels: list[str] | None = None
    trained: bool = False  # False: seeded, untrained weights
    weights_source: str = "seed"  # seed | file | inline
    examples: list[dict] = field(default_factory=list)
    text: str = ""  # the TOML source, kept for recordings

    def trace(self) -> Trace:
        """Run the network over the inputs; tokens, labels and probabilities filled in."""
        trace = self.network.trace(self.inputs)
        trace.tokens = list(self.tokens) if self.tokens is not None else None
        if self.labels and trace.outputs is not None:
            trace.labels = list(self.labels)
            trace.probabilities = softmax(trace.outputs)
            best = np.argmax(trace.probabilities, axis=-1)
            names = [self.labels[i] for i in best]
            trace.prediction = names[0] if self.network.readout == "last" else names
        return trace

    def model_config(self) -> dict:
        """The `model` block of `trace --json`."""
        cfg = self.network.config()
        cfg["dtype"] = str(self.network.dtype)
        return cfg

    def with_network(self, **changes) -> Scenario:
        """A copy whose network is rebuilt with some settings changed (fresh seeded weights)."""
        net = self.network
        settings: dict[str, Any] = dict(
            cell=net.cell, input_size=net.input_size, hidden_size=net.hidden_size,
            num_layers=net.num_layers, bidirectional=net.bidirectional, merge=net.merge,
            nonlinearity=net.nonlinearity, output_size=net.output_size, readout=net.readout,
            bias=net.bias, dtype=net.dtype,
        )  # fmt: skip
        settings.update(changes)
        return replace(self, network=Network(**settings), trained=False, weights_source="seed")


# ---------------------------------------------------------------- loading
def builtin_names() -> list[str]:
    """Names of the built-in scenarios, sorted."""
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.toml"))


def resolve(source: str | Path | None) -> Path:
    """A path, or a built-in name, or None (the default) -> the scenario file's path."""
    if source is None:
        source = BUILTIN_DEFAULT
    path = Path(source)
    if path.suffix == ".toml" or path.exists() or "/" in str(source):
        return path
    builtin = BUILTIN_DIR / f"{source}.toml"
    if builtin.exists():
        return builtin
    names = ", ".join(builtin_names())
    raise ScenarioError(
        [Problem(str(source), "", f"no such file or built-in scenario (built-ins: {names})")]
    )


def load_scenario(source: str | Path | None = None) -> Scenario:
    """Load a scenario file or a built-in by name; raise ScenarioError on any problem."""
    path = resolve(source)
    label = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ScenarioError([Problem(label, "", "file not found")]) from None
    except OSError as e:
        raise ScenarioError([Problem(label, "", f"cannot read: {e.strerror}")]) from None
    if not path.is_file():
        raise ScenarioError([Problem(label, "", "not a file")])
    if size > MAX_TOML_BYTES:
        raise ScenarioError(
            [Problem(label, "", f"file is {size} bytes; scenarios are limited to {MAX_TOML_BYTES}")]
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError([Problem(label, "", "not UTF-8 text")]) from None
    except OSError as e:
        raise ScenarioError([Problem(label, "", f"cannot read: {e.strerror}")]) from None
    return parse_scenario(text, path=path)


def parse_scenario(text: str, *, path: Path | None = None, name: str | None = None) -> Scenario:
    """TOML text -> Scenario. `path` names the file in messages and anchors relative files."""
    label = str(path) if path is not None else (name or "<scenario>")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError([Problem(label, "", f"not valid TOML: {e}")]) from None
    builder = _Builder(label, path, data)
    scenario = builder.build()
    scenario.text = text
    scenario.name = name or (path.stem if path is not None else "scenario")
    return scenario


class _Builder:
    """Validates the TOML data in stages, gathering problems, then builds the Scenario."""

    def __init__(self, label: str, path: Path | None, data: dict) -> None:
        self.label = label
        self.path = path
        self.data = data
        self.problems: list[Problem] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.label, where, message))

    def stop_if_any(self) -> None:
        if self.problems:
            raise ScenarioError(self.problems)

    # -- stage 1: keys and types
    def check_schema(self) -> dict[str, dict[str, Any]]:
        values: dict[str, dict[str, Any]] = {section: {} for section in SCHEMA}
        top_keys = list(SCHEMA[""]) + list(SECTIONS)
        for key, value in self.data.items():
            if key in SECTIONS:
                if not isinstance(value, dict):
                    self.problem(key, f"expected a table [{key}], found {_found(value)}")
                    continue
                for sub, v in value.items():
                    spec = SCHEMA[key].get(sub)
                    if spec is None:
                        hint = _did_you_mean(sub, list(SCHEMA[key]))
                        self.problem(f"{key}.{sub}", f"unknown key{hint}")
                    elif self._typed(f"{key}.{sub}", spec, v):
                        values[key][sub] = v
            elif key in SCHEMA[""]:
                if self._typed(key, SCHEMA[""][key], value):
                    values[""][key] = value
            else:
                self.problem(key, f"unknown key{_did_you_mean(key, top_keys)}")
        for section, keys in SCHEMA.items():
            for key, spec in keys.items():
                where = f"{section}.{key}" if section else key
                if key not in values[section] and spec.required:
                    if section and section not in self.data:
                        self.problem(section, "missing table")
                    elif where not in {p.field for p in self.problems}:
                        self.problem(where, f"missing; expected {_kind_name(spec.kind)}")
                values[section].setdefault(key, spec.default)
        self.stop_if_any()
        return values

    def _typed(self, where: str, spec: Key, value: Any) -> bool:
        if not _check_kind(spec.kind, value):
            self.problem(where, f"expected {_kind_name(spec.kind)}, found {_found(value)}")
            return False
        if spec.choices and value not in spec.choices:
            options = ", ".join(f'"{c}"' for c in spec.choices)
            self.problem(where, f"expected one of {options}, found {_found(value)}")
            return False
        if spec.kind == "int" and value < (0 if where == "weights.seed" else 1):
            low = 0 if where == "weights.seed" else 1
            self.problem(where, f"expected an integer >= {low}, found {value}")
            return False
        return True

    # -- stage 2: inputs
    def build_inputs(self, v: dict) -> tuple:
        inp, model = v["input"], v["model"]
        tokens, vectors = inp["tokens"], inp["vectors"]
        if (tokens is None) == (vectors is None):
            self.problem("input", "give exactly one of tokens or vectors")
            self.stop_if_any()
        if vectors is not None:
            if not vectors or not vectors[0]:
                self.problem("input.vectors", "expected at least one non-empty row")
                self.stop_if_any()
            width = len(vectors[0])
            for i, row in enumerate(vectors):
                if len(row) != width:
                    self.problem(
                        f"input.vectors[{i}]", f"expected {width} numbers, found {len(row)}"
                    )
                elif not all(math.isfinite(x) for x in row):
                    self.problem(f"input.vectors[{i}]", "NaN or infinity is not an input")
            if model["input_size"] is not None and model["input_size"] != width:
                self.problem(
                    "model.input_size",
                    f"is {model['input_size']} but input.vectors rows have {width} numbers",
                )
            self.stop_if_any()
            return np.array(vectors, dtype=np.float64), None, None, None
        if not tokens:
            self.problem("input.tokens", "expected at least one token")
            self.stop_if_any()
        examples = v["train"]["examples"] or []
        vocab = inp["vocab"]
        if vocab is None:
            words = set(tokens)
            for e in examples:
                words.update(e["text"].split())
            vocab = sorted(words)
        else:
            dupes = sorted({w for w in vocab if vocab.count(w) > 1})
            if dupes:
                self.problem("input.vocab", f"repeats {', '.join(dupes)}")
            for i, tok in enumerate(tokens):
                if tok not in vocab:
                    self.problem(f"input.tokens[{i}]", f'"{tok}" is not in input.vocab')
        encoding = inp["encoding"]
        if encoding == "one-hot":
            if model["input_size"] is not None and model["input_size"] != len(vocab):
                self.problem(
                    "model.input_size",
                    f"is {model['input_size']} but one-hot over a vocabulary of {len(vocab)} "
                    f"tokens needs {len(vocab)} (leave it out to infer it)",
                )
        elif model["input_size"] is None:
            self.problem("model.input_size", 'required with encoding = "embedding"')
        self.stop_if_any()
        return None, list(tokens), list(vocab), encoding

    # -- stage 3: weights
    def load_weights(self, w: dict) -> tuple[dict[str, np.ndarray] | None, str]:
        sources = [k for k in ("seed", "file", "values") if w[k] is not None]
        if len(sources) != 1:
            found = ", ".join(sources) if sources else "none"
            self.problem("weights", f"give exactly one of seed, file or values (found {found})")
            self.stop_if_any()
        if w["seed"] is not None:
            return None, "seed"
        if w["values"] is not None:
            arrays = {}
            for name, value in w["values"].items():
                try:
                    array = np.array(value, dtype=np.float64)
                except (ValueError, TypeError):
                    self.problem(
                        f"weights.values.{name}",
                        "expected a number or nested lists of numbers of equal length",
                    )
                    continue
                if array.dtype == object:
                    self.problem(f"weights.values.{name}", "rows have different lengths")
                    continue
                arrays[name] = array
            self.stop_if_any()
            return arrays, "inline"
        return self._read_npz(w["file"]), "file"

    def _read_npz(self, name: str) -> dict[str, np.ndarray]:
        base = self.path.parent if self.path is not None else Path.cwd()
        file = (base / name).resolve()
        if not file.is_file():
            self.problem("weights.file", f'"{name}" not found (looked for {file})')
            self.stop_if_any()
        try:
            with np.load(file, allow_pickle=False) as npz:
                if not isinstance(npz, np.lib.npyio.NpzFile):
                    self.problem(
                        "weights.file", f'"{name}" is a single array, not an .npz of named arrays'
                    )
                    self.stop_if_any()
                arrays = {}
                for key in npz.files:
                    try:
                        arrays[key] = npz[key]
                    except ValueError:
                        self.problem(
                            f"weights.file[{key}]", "holds Python objects (pickle); refused"
                        )
        except ScenarioError:
            raise
        except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
            self.problem("weights.file", f'"{name}" is not a readable .npz ({e})')
        self.stop_if_any()
        return arrays

    def map_names(self, arrays: dict[str, np.ndarray], w: dict) -> dict[str, np.ndarray]:
        prefix, rename = w["prefix"], w["rename"] or {}
        for src, dst in rename.items():
            if not isinstance(dst, str):
                self.problem(f"weights.rename.{src}", f"expected a string, found {_found(dst)}")
        self.stop_if_any()
        out = {}
        for key, array in arrays.items():
            if key in rename:
                key = rename[key]
            elif prefix and key.startswith(prefix):
                key = key[len(prefix) :]
            out[key] = array
        return out

    # -- all stages
    def build(self) -> Scenario:
        v = self.check_schema()
        model, w, out = v["model"], v["weights"], v["output"]
        vectors, tokens, vocab, encoding = self.build_inputs(v)
        if (
            out["labels"] is not None
            and out["size"] is not None
            and out["size"] != len(out["labels"])
        ):
            self.problem(
                "output.size", f"is {out['size']} but output.labels has {len(out['labels'])}"
            )
        labels = out["labels"]
        if labels is not None and len(set(labels)) != len(labels):
            self.problem("output.labels", "repeats a label")
        if labels is not None and not labels:
            self.problem("output.labels", "expected at least one label")
        for i, e in enumerate(v["train"]["examples"] or []):
            extra = set(e) - {"text", "label"}
            if extra:
                self.problem(f"train.examples[{i}]", f"unknown key {sorted(extra)[0]}")
            if labels is not None and e["label"] not in labels:
                self.problem(
                    f"train.examples[{i}].label", f'"{e["label"]}" is not in output.labels'
                )
        self.stop_if_any()
        output_size = len(labels) if labels else (out["size"] or 0)
        if tokens is None:
            input_size = vectors.shape[1]
        elif encoding == "one-hot":
            input_size = len(vocab)
        else:
            input_size = model["input_size"]
        arch = dict(
            cell=model["cell"], input_size=input_size, hidden_size=model["hidden_size"],
            num_layers=model["num_layers"], bidirectional=model["bidirectional"],
            merge=model["merge"], nonlinearity=model["nonlinearity"],
            output_size=output_size, readout=model["readout"], bias=model["bias"],
        )  # fmt: skip
        shapes = parameter_shapes(**{k: arch[k] for k in (
            "cell", "input_size", "hidden_size", "num_layers", "bidirectional", "merge",
            "output_size", "bias")})  # fmt: skip
        if encoding == "embedding":
            shapes["embedding.weight"] = (len(vocab), input_size)

        arrays, source = self.load_weights(w)
        if arrays is None:
            from .engine import init_state_dict

            arrays = init_state_dict(shapes, model["hidden_size"], w["seed"])
        else:
            arrays = self.map_names(arrays, w)
        where = "weights.values" if source == "inline" else "weights.file"
        for name, shape in shapes.items():
            if name not in arrays:
                self.problem(f"{where}.{name}", f"missing; expected an array of shape {shape}")
            elif arrays[name].shape != shape:
                self.problem(
                    f"{where}.{name}",
                    f"expected shape {shape}, found {tuple(arrays[name].shape)}",
                )
            elif not np.issubdtype(arrays[name].dtype, np.number):
                self.problem(
                    f"{where}.{name}", f"expected numbers, found dtype {arrays[name].dtype}"
                )
            elif not np.all(np.isfinite(arrays[name])):
                self.problem(f"{where}.{name}", "contains NaN or infinity")
        for name in arrays:
            if name not in shapes:
                hint = _did_you_mean(name, list(shapes))
                self.problem(f"{where}.{name}", f"not a parameter of this model{hint}")
        self.stop_if_any()

        dtype = np.float32 if model["dtype"] == "float32" else np.float64
        embedding = None
        if vectors is not None:
            inputs = vectors
        else:
            index = [vocab.index(tok) for tok in tokens]
            if encoding == "one-hot":
                inputs = np.eye(len(vocab))[index]
            else:
                embedding = np.asarray(arrays.pop("embedding.weight"), dtype=dtype)
                inputs = embedding[index]
        network = Network(**arch, state_dict=arrays, dtype=dtype)
        return Scenario(
            name="",
            title=v[""]["title"],
            description=v[""]["description"],
            path=self.path,
            network=network,
            inputs=np.asarray(inputs, dtype=dtype),
            tokens=tokens,
            vocab=vocab,
            encoding=encoding,
            embedding=embedding,
            labels=labels,
            trained=source != "seed",
            weights_source=source,
            examples=list(v["train"]["examples"] or []),
        )
