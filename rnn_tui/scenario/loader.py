"""TOML -> a validated Scenario (a network plus its input sequences).

Every problem a user can cause is a ScenarioError whose messages name the file
and the field (``s.toml: model.hidden_size: expected an integer, found "eight"``);
the loader gathers all it can find before it stops.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import reprlib
import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..engine import Network, Trace, init_state_dict, parameter_shapes, softmax
from ..files import BUILTIN_DIR, Unreadable, open_regular
from ..i18n import _, current_language
from ..text import visible
from .schema import KIND_NAMES, SCHEMA, SECTIONS, Key, kind_matches
from .weights import WeightsError, read_weights

BUILTIN_DEFAULT = "intent"
MAX_TOML_BYTES = 4 * 1024 * 1024  # a scenario is hand-written text; larger is a mistake
MAX_NESTING = 32  # tables and arrays inside each other; a scenario needs 6
MAX_PROBLEMS = 100  # reported of one file; the rest are counted
MAX_MODEL_BYTES = 128 * 2**20  # the parameters, as float64: far beyond a model meant to be read
MAX_SEQUENCE_BYTES = 128 * 2**20  # a sequence's input vectors, or its states in one trace
DEFAULT_SEQUENCE = "default"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where, and what."""

    file: str
    field: str
    message: str

    def __post_init__(self) -> None:
        # A file name, a key or a value quoted in a message came from a file or the file
        # system: shown with its control and bidi characters escaped, wherever it goes.
        for name in ("file", "field", "message"):
            object.__setattr__(self, name, visible(str(getattr(self, name))))

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return visible(f"{self.file}: {where}{self.message}")


class ScenarioError(Exception):
    """A scenario could not be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Scenario:
    """A validated scenario: a network, its input sequences and what to show about them."""

    name: str
    title: str
    description: str
    path: Path | None
    network: Network
    inputs: np.ndarray  # (T, input_size), after encoding, of the selected sequence
    tokens: list[str] | None = None  # of the selected sequence
    vocab: list[str] | None = None
    encoding: str | None = None
    embedding: np.ndarray | None = None  # (vocab, input_size)
    unknown: str | None = None
    labels: list[str] | None = None
    trained: bool = False  # False: seeded, untrained weights
    weights_source: str = "seed"  # seed | file | inline
    weights_file: Path | None = None  # the [weights] file read, when weights_source is file
    seed: int = 0  # [weights] seed, also for the fresh weights of a switched cell or merge
    examples: list[dict] = field(default_factory=list)
    heldout: list[dict] = field(default_factory=list)
    train_settings: dict[str, Any] = field(default_factory=dict)  # epochs, lr, seed, ...
    sequences: dict[str, list[str] | np.ndarray] = field(default_factory=dict)
    sequence: str = DEFAULT_SEQUENCE  # the selected one
    text: str = ""  # the TOML source, kept for recordings
    _index: tuple[list[str], dict[str, int]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def token_index(self) -> dict[str, int]:
        """Token -> its row in the vocabulary, built once (lookups stay linear)."""
        if self.vocab is None:
            return {}
        if self._index is None or self._index[0] is not self.vocab:
            self._index = (self.vocab, {tok: i for i, tok in enumerate(self.vocab)})
        return self._index[1]

    def trace(self) -> Trace:
        """Run the network over the inputs; tokens, labels and probabilities filled in."""
        trace = self.network.trace(self.inputs)
        trace.tokens = list(self.tokens) if self.tokens is not None else None
        if self.labels and trace.outputs is not None:
            trace.labels = list(self.labels)
            trace.probabilities = softmax(trace.outputs)
            names = [self.labels[i] for i in np.argmax(trace.probabilities, axis=-1)]
            trace.prediction = names[0] if self.network.readout == "last" else names
        return trace

    def influence(self) -> np.ndarray | None:
        """(T, T) influence[t, k] = ‖∂s_t/∂x_k‖_F of the top layer's merged state on each
        input; None where limits.influence_plan skips it (its reason says why)."""
        from .limits import influence_plan

        if influence_plan(self.network, self.inputs.shape[0]).how == "skip":
            return None
        from ..engine.backward import influence

        return influence(self.network, self.inputs)

    def model_config(self) -> dict:
        """The `model` block of `trace --json`."""
        cfg = self.network.config()
        cfg["dtype"] = str(self.network.dtype)
        return cfg

    def encode(self, tokens: list[str]) -> np.ndarray:
        """Tokens -> input vectors (T, input_size). Tokens outside the vocabulary become
        the `unknown` token, or raise ValueError naming the first one."""
        if self.vocab is None:
            raise ValueError(_("this scenario's inputs are vectors, not tokens"))
        rows = self.token_index()
        width = self.embedding.shape[1] if self.embedding is not None else len(self.vocab)
        size = len(tokens) * width * self.network.dtype.itemsize
        if size > MAX_SEQUENCE_BYTES:
            raise ValueError(
                _("{steps:,} tokens of width {width:,} need {size:,} bytes; the limit is {limit:,}")
                .format(steps=len(tokens), width=width, size=size, limit=MAX_SEQUENCE_BYTES)
            )  # fmt: skip
        index = []
        for tok in tokens:
            row = rows.get(tok)
            if row is None and self.unknown is not None:
                row = rows.get(self.unknown)
            if row is None:
                raise ValueError(_('"{token}" is not in the vocabulary').format(token=visible(tok)))
            index.append(row)
        if self.encoding == "embedding":
            assert self.embedding is not None
            return self.embedding[index]
        return _one_hot(index, len(self.vocab), self.network.dtype)

    def with_tokens(self, tokens: list[str]) -> Scenario:
        """A copy reading another sentence (ValueError for unknown tokens without `unknown`).
        The tokens are escaped as the loader escapes the vocabulary, so they match it."""
        if not tokens:
            raise ValueError(_("the sentence is empty"))
        tokens = [visible(tok) for tok in tokens]
        return replace(self, tokens=list(tokens), inputs=self.encode(tokens))

    def select(self, name: str) -> Scenario:
        """A copy reading the named input sequence."""
        seq = self.sequences[name]
        if isinstance(seq, np.ndarray):
            return replace(self, inputs=seq, tokens=None, sequence=name)
        return replace(self.with_tokens(seq), sequence=name)

    def with_weights(
        self, state_dict: dict[str, np.ndarray], *, embedding: np.ndarray | None = None,
        trained: bool = True,
    ) -> Scenario:  # fmt: skip
        """A copy computing with other weights of the same shapes (e.g. after training):
        state_dict in PyTorch names (an `embedding.weight` in it, or `embedding`, replaces
        the embedding table); the inputs are re-encoded with the new embedding."""
        params = dict(state_dict)
        table = params.pop("embedding.weight", embedding)
        network = self.network.copy()
        network.set_params(params)
        new = replace(
            self,
            network=network,
            trained=trained,
            weights_source="file" if trained else self.weights_source,
        )
        if table is not None:
            if self.embedding is None or np.shape(table) != self.embedding.shape:
                raise ValueError("embedding.weight does not fit this scenario's embedding table")
            new.embedding = np.asarray(table, dtype=network.dtype)
            if new.tokens is not None:
                new.inputs = new.encode(new.tokens)
        return new

    def with_network(self, **changes: Any) -> Scenario:
        """A copy whose network is rebuilt with some settings changed: fresh weights from the
        scenario's seed, as if its file named the new settings."""
        net = self.network
        settings: dict[str, Any] = dict(
            cell=net.cell, input_size=net.input_size, hidden_size=net.hidden_size,
            num_layers=net.num_layers, bidirectional=net.bidirectional, merge=net.merge,
            nonlinearity=net.nonlinearity, output_size=net.output_size, readout=net.readout,
            bias=net.bias, dtype=net.dtype, seed=self.seed,
        )  # fmt: skip
        settings.update(changes)
        return replace(
            self, network=Network(**settings), trained=False, weights_source="seed",
            weights_file=None,
        )  # fmt: skip


# ---------------------------------------------------------------- finding files
def _one_hot(index: list[int], size: int, dtype: Any) -> np.ndarray:
    """Token indices (T,) -> one-hot rows (T, size), without a size × size identity."""
    out = np.zeros((len(index), size), dtype=dtype)
    out[np.arange(len(index)), index] = 1
    return out


def builtin_names() -> list[str]:
    """Names of the built-in scenarios, sorted."""
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.toml"))


def resolve(source: str | Path | None) -> Path:
    """A path, or a built-in name, or None (the default) -> the scenario file's path."""
    if source is None:
        source = BUILTIN_DEFAULT
    path = Path(source)
    if path.suffix == ".toml" or os.path.lexists(_fs(path)) or "/" in str(source):
        return path
    builtin = BUILTIN_DIR / f"{source}.toml"
    if builtin.exists():
        return builtin
    names = ", ".join(builtin_names())
    raise ScenarioError(
        [
            Problem(
                str(source),
                "",
                _("no such file or built-in scenario (built-ins: {names})").format(names=names),
            )
        ]
    )


def load_scenario(source: str | Path | None = None) -> Scenario:
    """Load a scenario file or a built-in by name; raise ScenarioError on any problem."""
    path = resolve(source)
    label = str(path)

    def fail(message: str) -> ScenarioError:
        return ScenarioError([Problem(label, "", message)])

    if not os.path.lexists(_fs(path)):
        raise fail(_("file not found"))
    try:
        # Only a regular file: a fifo or /dev/urandom (or a link to one) would block or
        # never end; a directory or a device is named for what it is.
        with open_regular(path) as f:
            size = os.fstat(f.fileno()).st_size
            data = f.read(MAX_TOML_BYTES + 1) if size <= MAX_TOML_BYTES else b""
    except Unreadable as e:
        raise fail(visible(str(e))) from None
    except OSError as e:
        raise fail(_("cannot be read: {reason}").format(reason=e.strerror or e)) from None
    if size > MAX_TOML_BYTES or len(data) > MAX_TOML_BYTES:
        raise fail(
            _("file is {size:,} bytes; scenarios are limited to {limit:,}").format(
                size=max(size, len(data)), limit=MAX_TOML_BYTES
            )
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise fail(
            _("not UTF-8 text (byte {offset:,} cannot be decoded)").format(offset=e.start)
        ) from None
    return parse_scenario(text, path=path)


def _fs(path: Path) -> str:
    """A path for os functions; a name with a NUL byte (which no file has) becomes one
    that does not exist, instead of a ValueError."""
    name = str(path)
    return name if "\0" not in name else ""


def parse_scenario(text: str, *, path: Path | None = None, name: str | None = None) -> Scenario:
    """TOML text -> Scenario. `path` names the file in messages and anchors relative files."""
    label = str(path) if path is not None else (name or "<scenario>")

    def fail(message: str) -> ScenarioError:
        return ScenarioError([Problem(label, "", message)])

    source = text.removeprefix("\ufeff")  # a byte-order mark, as some editors write
    long_key = _LONG_DOTTED_KEY.search(source)
    if long_key is not None:  # tomllib takes time and memory quadratic in a key's parts
        line = source.count("\n", 0, long_key.start()) + 1
        raise fail(
            _("line {line}: a dotted key of more than {limit} parts").format(
                line=line, limit=MAX_NESTING
            )
        )
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as e:
        detail = str(e).replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        raise fail(_("not valid TOML: {detail}").format(detail=detail)) from None
    except RecursionError:  # tomllib recurses once per level of nested arrays and tables
        raise fail(
            _("not valid TOML: nested more than {limit} levels deep").format(limit=MAX_NESTING)
        ) from None
    except ValueError as e:  # an integer of more than 4,300 digits
        raise fail(_("not valid TOML: {detail}").format(detail=str(e).split(";")[0])) from None
    deep = _too_deep(data, MAX_NESTING)
    if deep is not None:
        raise ScenarioError(
            [
                Problem(
                    label,
                    deep,
                    _("nested more than {limit} levels deep").format(limit=MAX_NESTING),
                )
            ]
        )
    scenario = _Builder(label, path, data).build()
    scenario.text = text
    scenario.name = visible(name or (path.stem if path is not None else "scenario"))
    return scenario


_KEY_PART = r"""(?:[A-Za-z0-9_-]++|"[^"\n]*+"|'[^'\n]*+')"""
# MAX_NESTING + 1 parts joined by dots, starting where no key part or dot precedes: one
# attempt per chain, possessive parts, so the search stays linear over any text.
_LONG_DOTTED_KEY = re.compile(
    r"""(?<![A-Za-z0-9_."'-])""" + _KEY_PART + rf"(?:[ \t]*+\.[ \t]*+{_KEY_PART}){{{MAX_NESTING}}}"
)


def _too_deep(data: dict, limit: int) -> str | None:
    """Where tables and arrays nest more than `limit` deep (dotted keys nest without
    brackets), or None. Iterative: no recursion whatever the depth."""
    stack: list[tuple[Any, int, str]] = [(data, 1, "")]
    while stack:
        value, depth, where = stack.pop()
        if depth > limit:
            return where if len(where) <= 80 else where[:77] + "..."
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, (dict, list)):
                    stack.append((item, depth + 1, f"{where}.{key}" if where else str(key)))
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, (dict, list)):
                    stack.append((item, depth + 1, where))
    return None


# ---------------------------------------------------------------- validation
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring, _REPR.maxother = 3, 4, 4, 30, 30


def _found(value: Any) -> str:
    """A value from the file in a message: short whatever its size or depth."""
    if isinstance(value, str):
        text = f'"{value}"'
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        text = _("an integer of {digits} digits").format(digits=len(str(abs(value))))
    else:
        text = _REPR.repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _finite(x: Any) -> bool:
    """A number that is finite as a float (an integer too large for a float is not)."""
    try:
        return math.isfinite(x)
    except OverflowError:
        return False


def _escape_example(example: dict, every: bool) -> dict:
    """A training example with its words and label(s) escaped as tokens and labels are:
    word by word (training splits the text at spaces), the label whole (readout last) or
    word by word (readout every)."""
    out = dict(example)
    out["text"] = " ".join(visible(word) for word in example["text"].split())
    label = example["label"]
    out["label"] = " ".join(visible(x) for x in label.split()) if every else visible(label)
    return out


def _numeric_tree(value: Any, depth: int = 4) -> bool:
    """A number, or lists (at most `depth` deep) of numbers only: no strings, no
    booleans, no tables, nothing too large for a float."""
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, list):
            if level >= depth:
                return False
            stack.extend((x, level + 1) for x in item)
        elif isinstance(item, bool) or not isinstance(item, (int, float)):
            return False
        elif isinstance(item, int) and not _finite(item):
            return False
    return True


def _did_you_mean(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(name, options, n=1)
    return _(' (did you mean "{name}"?)').format(name=close[0]) if close else ""


def _add_keep_gate_bias(
    arrays: dict[str, np.ndarray], cell: str, hidden: int, value: float
) -> None:
    """Add `value` to the bias_hh rows of LSTM's forget gate or GRU's update gate (block 1
    of the stacked gates in both), in every layer and direction."""
    for name in arrays:
        if name.startswith("bias_hh_l") and cell in ("lstm", "gru"):
            arrays[name][hidden : 2 * hidden] += value


class _Builder:
    """Validates the TOML data in stages, gathering problems, then builds the Scenario."""

    def __init__(self, label: str, path: Path | None, data: dict) -> None:
        self.label = label
        self.path = path
        self.data = data
        self.problems: list[Problem] = []
        self.more = 0  # problems past MAX_PROBLEMS, counted, not kept
        self.weights_file: Path | None = None  # set by load_arrays when it reads one

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
                problems.append(
                    Problem(
                        self.label,
                        "",
                        _("and {count:,} more problems").format(count=self.more),
                    )
                )
            raise ScenarioError(problems)

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
                            key=key, found=_found(value)
                        ),
                    )
                    continue
                for sub, v in value.items():
                    spec = SCHEMA[key].get(sub)
                    if spec is None:
                        hint = "" if self.full else _did_you_mean(sub, list(SCHEMA[key]))
                        self.problem(f"{key}.{sub}", _("unknown key") + hint)
                    elif self._typed(f"{key}.{sub}", spec, v):
                        values[key][sub] = v
            elif key in SCHEMA[""]:
                if self._typed(key, SCHEMA[""][key], value):
                    values[""][key] = value
            else:
                hint = "" if self.full else _did_you_mean(key, top_keys)
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
        if not kind_matches(spec.kind, value):
            self.problem(
                where,
                _("expected {kind}, found {found}").format(
                    kind=_(KIND_NAMES[spec.kind]), found=_found(value)
                ),
            )
            return False
        if spec.choices and value not in spec.choices:
            options = ", ".join(f'"{c}"' for c in spec.choices)
            self.problem(
                where,
                _("expected one of {options}, found {found}").format(
                    options=options, found=_found(value)
                ),
            )
            return False
        if spec.minimum is not None and value < spec.minimum:
            self.problem(
                where,
                _("expected an integer >= {minimum}, found {found}").format(
                    minimum=spec.minimum, found=_found(value)
                ),
            )
            return False
        if spec.maximum is not None and value > spec.maximum:
            self.problem(
                where,
                _("expected an integer <= {maximum}, found {found}").format(
                    maximum=spec.maximum, found=_found(value)
                ),
            )
            return False
        return True

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
        every = v["model"]["readout"] == "every"
        for group in ("examples", "heldout"):
            if train[group] is not None:
                train[group] = [_escape_example(e, every) for e in train[group]]

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
            elif not all(_finite(x) for x in row):
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
            "sequences": sequences, "vocab": vocab, "known": set(vocab), "encoding": encoding,
            "input_size": size,
        }  # fmt: skip

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
                if _numeric_tree(value):
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
                        kind=_(KIND_NAMES["str"]), found=_found(dst)
                    ),
                )
            elif src not in arrays:
                self.problem(f"weights.rename.{src}", _("no such key in the file"))
        out = {}
        for key, array in arrays.items():
            if key in rename:
                key = rename[key]
            elif prefix and key.startswith(prefix):
                key = key[len(prefix) :]
            out[key] = array
        return out

    def check_arrays(self, arrays: dict, shapes: dict, where: str) -> None:
        for name, shape in shapes.items():
            if name not in arrays:
                self.problem(
                    f"{where}.{name}",
                    _("missing; expected an array of shape {shape}").format(shape=shape),
                )
                continue
            array = arrays[name]
            if array.shape != shape:
                self.problem(
                    f"{where}.{name}",
                    _("expected shape {shape}, found {found}").format(
                        shape=shape, found=array.shape
                    ),
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
            if name not in shapes:
                hint = _did_you_mean(name, list(shapes))
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

    def within_budget(self, shapes: dict, arch: dict, sequences: dict) -> bool:
        """Whether the parameters (as float64) and the longest sequence's input vectors and
        states fit their byte budgets; a problem naming the bytes when not."""
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
        size = longest * max(arch["input_size"], states) * 8
        if size > MAX_SEQUENCE_BYTES:
            self.problem(
                "input",
                _(
                    "{steps:,} steps of this width need {size:,} bytes; the limit is {limit:,}"
                ).format(steps=longest, size=size, limit=MAX_SEQUENCE_BYTES),
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
                _('applies only to cell = "rnn"; a {cell} has its own gates (remove the key)')
                .format(cell=model["cell"]),
            )  # fmt: skip
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
        # The model's size in bytes is checked before anything is read or drawn for it.
        shapes: dict[str, tuple[int, ...]] | None = None
        arch: dict[str, Any] = {}
        if inputs is not None and inputs["input_size"] is not None:
            arch = dict(
                cell=model["cell"], input_size=inputs["input_size"],
                hidden_size=model["hidden_size"], num_layers=model["num_layers"],
                bidirectional=model["bidirectional"], merge=model["merge"],
                output_size=len(labels) if labels else (out["size"] or 0), bias=model["bias"],
            )  # fmt: skip
            shapes = parameter_shapes(**arch)
            if inputs["encoding"] == "embedding":
                shapes["embedding.weight"] = (len(inputs["vocab"]), inputs["input_size"])
            if not self.within_budget(shapes, arch, inputs["sequences"]):
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
                _add_keep_gate_bias(arrays, model["cell"], model["hidden_size"], w["forget_bias"])
        elif w["forget_bias"] is not None:
            self.problem("weights.forget_bias", _("applies only to seeded weights (seed = ...)"))
        if w["forget_bias"] is not None and model["cell"] == "rnn":
            self.problem("weights.forget_bias", _('needs a gated cell: cell = "lstm" or "gru"'))
        self.check_arrays(
            arrays, shapes, "weights.values" if source == "inline" else "weights.file"
        )
        self.stop_if_any()

        dtype = np.float32 if model["dtype"] == "float32" else np.float64
        embedding = None
        if encoding == "embedding":
            embedding = np.asarray(arrays.pop("embedding.weight"), dtype=dtype)
        network = Network(
            **arch, nonlinearity=model["nonlinearity"], readout=model["readout"],
            state_dict=arrays, dtype=dtype,
        )  # fmt: skip
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
        )
        sequences = inputs["sequences"]
        if vocab is None:
            sequences = {k: np.asarray(s, dtype=dtype) for k, s in sequences.items()}
        scenario.sequences = sequences
        return scenario.select(DEFAULT_SEQUENCE)
