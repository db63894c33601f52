"""The hostile corpus: every input with the outcome it must have (issue 12).

`cases()` lists the cases; it is cheap, so pytest can collect one test per case. Each
case's `make(folder, shared)` writes its inputs into a folder of its own at test time:
small scenario files are committed in `corpus/` (first line `# expect: ...`, see
`corpus_expectation`); everything large or binary (a 3 MB .npz inflating to 3 GiB,
TOML nested 100,000 deep, 300,000-word vocabularies, sessions) is made here, never
committed.

A case runs `python -m rnn_tui ARGV` in its folder; `shared.outside` is a folder beside
every case folder holding a secret .npz and a scenario that no case may read, and
`VICTIM` paths that no case may create.

    python tests/hostile/make_corpus.py OUT     # write every case's inputs under OUT/
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import struct
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
REPO = HERE.parents[1]
BUILTIN_DIR = REPO / "scenarios"  # rnn_tui.files.BUILTIN_DIR in a checkout
VICTIM = "/tmp/rnn-tui-hostile-VICTIM"
"""An absolute path outside every case folder that no case may create (markup tries)."""

Make = Callable[[Path, "Shared"], None]
Check = Callable[[Path, Any], None]


@dataclass(frozen=True)
class Case:
    """One command on one hostile input, and what must come of it."""

    id: str
    input: str  # the hostile input's name: cases sharing it count as one input
    owner: str  # who fixes a failure: loader | sessions | CLI | UI
    argv: tuple[str, ...]  # after `python -m rnn_tui`
    make: Make | None = None
    exit: frozenset[int] = frozenset({2})
    message: tuple[str, ...] = ()  # each must appear in stdout + stderr
    absent: tuple[str, ...] = ()  # none may appear in stdout + stderr
    stdout: str | None = None  # a path stdout goes to instead of a file (/dev/full)
    json: bool = False  # stdout is `trace --json`: strict JSON, visible strings
    writes: tuple[str, ...] = ()  # files of the folder the command may create or change
    check: Check | None = None  # more assertions: check(folder, run)
    hostile: bool = True  # False: a control run proving the harness passes good input
    note: str = ""  # why this outcome, where it is a judgement call


@dataclass
class Shared:
    """What cases share: the folder outside them, and inputs too dear to make twice."""

    base: Path
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def outside(self) -> Path:
        return self.base / "outside"

    def setup(self) -> None:
        """The outside folder: a secret .npz with the session scenario's weights halved,
        and a scenario reading it (sessions must never reach either)."""
        self.outside.mkdir(parents=True, exist_ok=True)
        import numpy as np

        secret = {k: v * 0.5 for k, v in session_arrays().items()}
        np.savez(self.outside / "secret.npz", **secret)
        (self.outside / "victim.toml").write_text(
            session_toml().replace("seed = 3", 'file = "secret.npz"'), encoding="utf-8"
        )

    def void_member(self) -> tuple[bytes, int, int]:
        """A deflated .npy of dtype |V1048576, shape (1024,): 1 GiB of zeros in 1 MB."""
        if "void" not in self._cache:
            header = npy_header("|V1048576", (1024,))
            compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
            crc = zlib.crc32(header)
            chunks = [compressor.compress(header)]
            zeros = bytes(1 << 24)
            for _ in range(64):
                crc = zlib.crc32(zeros, crc)
                chunks.append(compressor.compress(zeros))
            chunks.append(compressor.flush())
            self._cache["void"] = (b"".join(chunks), len(header) + (1 << 30), crc)
        return self._cache["void"]


# ---------------------------------------------------------------- file formats
def npy_header(descr: Any, shape: tuple, fortran: bool = False, raw: str | None = None) -> bytes:
    """A version 1.0 .npy header (raw: the header dict's text as given)."""
    text = raw if raw is not None else (
        f"{{'descr': {descr!r}, 'fortran_order': {fortran!r}, 'shape': {tuple(shape)!r}, }}"
    )  # fmt: skip
    body = text.encode("latin-1")
    body += b" " * (63 - (10 + len(body)) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(body)) + body


def npy(array: Any) -> bytes:
    import io

    import numpy as np

    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=True)
    return buffer.getvalue()


@dataclass
class Member:
    name: str
    data: bytes  # as stored (compressed or not)
    size: int  # uncompressed size, as declared
    crc: int
    method: int = 0  # 0 stored, 8 deflate, others as declared
    flags: int = 0


def stored(name: str, data: bytes) -> Member:
    return Member(name, data, len(data), zlib.crc32(data))


def deflated(name: str, data: bytes) -> Member:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Member(name, c.compress(data) + c.flush(), len(data), zlib.crc32(data), 8)


def zip_bytes(members: list[Member]) -> bytes:
    """A zip archive written byte by byte, so that it can lie (flags, methods, CRCs, sizes)."""
    out, central = bytearray(), bytearray()
    for m in members:
        name = m.name.encode("utf-8", "surrogateescape")
        flags = m.flags | 0x800  # names in UTF-8
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, m.method, 0, 0x21, m.crc,
                           len(m.data), m.size, len(name), 0)  # fmt: skip
        out += name + m.data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, m.method, 0,
                               0x21, m.crc, len(m.data), m.size, len(name), 0, 0, 0, 0, 0,
                               offset)  # fmt: skip
        central += name
    start = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central),
                       start, 0)  # fmt: skip
    return bytes(out)


def safetensors_bytes(header: Any, data: bytes = b"", length: int | None = None) -> bytes:
    raw = header if isinstance(header, bytes) else json.dumps(header).encode("utf-8")
    return struct.pack("<Q", len(raw) if length is None else length) + raw + data


# ---------------------------------------------------------------- the weights scenario
WEIGHT_SHAPES = {
    "weight_ih_l0": (2, 2), "weight_hh_l0": (2, 2), "bias_ih_l0": (2,), "bias_hh_l0": (2,),
}  # fmt: skip


def weights_toml(file: str) -> str:
    return (
        f'title = "weights from a hostile file"\n[model]\nhidden_size = 2\n'
        f"[weights]\nfile = {json.dumps(file)}\n[input]\nvectors = [[0.1, 0.2], [0.3, 0.4]]\n"
    )


def good_arrays(dtype: str = "<f8") -> dict[str, Any]:
    import numpy as np

    return {k: np.full(s, 0.25, dtype=dtype) for k, s in WEIGHT_SHAPES.items()}


def good_npz_members(**replace: bytes) -> list[Member]:
    """The four parameters as stored .npy members; `replace` swaps a member's bytes."""
    arrays = good_arrays()
    return [stored(f"{k}.npy", replace.get(k, npy(a))) for k, a in arrays.items()]


def good_safetensors(modify: Callable[[dict], None] | None = None, *,
                     length: int | None = None, cut: int = 0) -> bytes:  # fmt: skip
    header: dict[str, Any] = {"__metadata__": {"format": "np"}}
    data = b""
    for key, shape in WEIGHT_SHAPES.items():
        blob = struct.pack(f"<{max(1, _count(shape))}d", *[0.25] * _count(shape))
        header[key] = {"dtype": "F64", "shape": list(shape),
                       "data_offsets": [len(data), len(data) + len(blob)]}  # fmt: skip
        data += blob
    if modify is not None:
        modify(header)
    raw = safetensors_bytes(header, data, length)
    return raw[: len(raw) - cut] if cut else raw


def _count(shape: tuple) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


# ---------------------------------------------------------------- sessions
def session_toml(title: str = "a session", description: str = "recorded") -> str:
    return (
        f"title = {json.dumps(title)}\ndescription = {json.dumps(description)}\n"
        '[model]\nhidden_size = 3\nreadout = "last"\n[weights]\nseed = 3\n'
        '[input]\ntokens = ["a", "b", "c"]\nunknown = "<unk>"\n'
        '[output]\nlabels = ["x", "y"]\n'
    )


def session_arrays() -> dict[str, Any]:
    from rnn_tui.scenario import parse_scenario
    from rnn_tui.session.format import scenario_weights

    return {k: v.copy() for k, v in scenario_weights(parse_scenario(session_toml())).items()}


def record(path: Path, text: str, walk: list[tuple[str, str, dict | None, dict]] | None = None,
           *, scenario_file: str = "s.toml", columns: int = 100, rows: int = 30) -> None:  # fmt: skip
    """Record a session of the scenario `text` (written beside it as scenario_file) by
    the app's own writer: (key, action, change, view) per line, states hashed as the
    app does."""
    from rnn_tui.present.position import View
    from rnn_tui.scenario import load_scenario
    from rnn_tui.session import SessionWriter, state_hash
    from rnn_tui.session.verify import apply_change

    source = path.parent / scenario_file
    source.write_text(text, encoding="utf-8")
    scenario = load_scenario(source)
    if walk is None:
        walk = [("right", "step", None, {"t": 2}), ("right", "step", None, {"t": 3}),
                ("end", "last", None, {"t": 3})]  # fmt: skip
    writer = SessionWriter(path, scenario, columns=columns, rows=rows)
    trace = scenario.trace()
    for key, action, change, view in walk:
        if change:
            scenario = apply_change(scenario, change, "make_corpus", path.parent)
            trace = scenario.trace()
        state = View(**view)
        writer.action(key=key, action=action, view=state, state=state_hash(trace, state),
                      change=change)  # fmt: skip
    writer.close()


def edit_lines(path: Path, edit: Callable[[list[Any]], None]) -> None:
    """Rewrite a session through `edit(lines)`, lines as decoded JSON values."""
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    edit(lines)
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")


# ---------------------------------------------------------------- hostile strings
OSC52 = "\x1b]52;c;QUFB\x07"
OSC2 = "\x1b]2;PWNED\x1b\\"
WIPE = "\x1b[?1049l\x1b[2J"
ALL_CONTROL = f"{OSC52} {OSC2} {WIPE} \x1b[31mred \x00nul \x07bel \x7fdel \x9b31m \u202eevil\u202c \u2066x\u2069"
MARKUP = '[@click=app.screenshot("VICTIM.svg")]Intent demo[/] [/] [bold]b[/bold] [link=file:///etc/passwd]p[/link]'
MARKUP_NAME = '[@click=app.screenshot("VICTIM.svg")]x[bold]y[link=https:z]'  # no "/"
CONTROL_NAME = "n\x1b]2;PWNED\x07\x9b\u202e[bold]"  # no "/": it is a file name


# ---------------------------------------------------------------- corpus/*.toml
EXPECT = re.compile(r'(\w+)(?:(~?=)("(?:[^"\\]|\\.)*"|[\w,.]+))?')


def corpus_expectation(path: Path) -> dict[str, Any]:
    """The first line of a corpus file: `# expect: exit=2 message~="model.cell"`, with
    flags `train=0` (train --epochs 1 succeeds), `open` (also open it), `lang=zh`."""
    first = path.read_bytes().decode("utf-8-sig").split("\n", 1)[0]
    assert first.startswith("# expect:"), f"{path.name}: first line must be # expect: ..."
    out: dict[str, Any] = {"exit": {2}, "message": [], "train": {2}, "open": False, "lang": None}
    for key, _op, value in EXPECT.findall(first.removeprefix("# expect:")):
        if key == "exit":
            out["exit"] = {int(v) for v in value.split(",")}
        elif key == "train":
            out["train"] = {int(v) for v in value.split(",")}
        elif key == "message":
            out["message"].append(json.loads(value))
        elif key == "open":
            out["open"] = True
        elif key == "lang":
            out["lang"] = value
        else:
            raise AssertionError(f"{path.name}: unknown expectation {key}")
    return out


def copy_in(source: Path, name: str | None = None) -> Make:
    def make(folder: Path, shared: Shared) -> None:
        shutil.copyfile(source, folder / (name or source.name))

    return make


def corpus_cases() -> list[Case]:
    out = []
    for path in sorted(CORPUS.glob("*.toml")):
        e = corpus_expectation(path)
        name, stem = path.name, path.stem
        make = copy_in(path)
        lang = ("--lang", e["lang"]) if e["lang"] else ()
        message = tuple(e["message"]) + ((name,) if e["exit"] == {2} else ())
        common = dict(input=f"corpus/{name}", owner="loader", make=make, exit=frozenset(e["exit"]),
                      message=message)  # fmt: skip
        out.append(Case(f"validate-{stem}", argv=("validate", name, *lang), **common))
        out.append(Case(f"trace-{stem}", argv=("trace", name, "--json", *lang),
                        json=e["exit"] == {0}, **common))  # fmt: skip
        if e["exit"] != {0}:  # train loads as validate does: the same path, run once there
            continue
        train_exit = e["train"]
        out.append(Case(
            f"train-{stem}", argv=("train", name, "--epochs", "1", *lang),
            **{**common, "exit": frozenset(train_exit), "owner": "CLI"},
            writes=(f"{stem}.npz",),
        ))  # fmt: skip
        if e["open"]:
            # "rnn-tui needs a terminal; for scripts use trace --json", in either language
            terminal = ("trace --json",) if e["exit"] == {0} else message
            for argv, label in (("open", name), "open"), ((name,), "default-open"):
                out.append(Case(f"{label}-{stem}", argv=(*argv, *lang),
                                **{**common, "exit": frozenset({2}), "message": terminal,
                                   "owner": "CLI"}))  # fmt: skip
    return out


# ---------------------------------------------------------------- generated scenarios
def write(name: str, data: bytes | str | Callable[[Shared], bytes | str]) -> Make:
    def make(folder: Path, shared: Shared) -> None:
        value = data(shared) if callable(data) else data
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(value, str):
            path.write_bytes(value.encode("utf-8", "surrogateescape"))
        else:
            path.write_bytes(value)

    return make


def both(*makes: Make) -> Make:
    def make(folder: Path, shared: Shared) -> None:
        for m in makes:
            m(folder, shared)

    return make


def symlink(name: str, target: str | Callable[[Path, Shared], str]) -> Make:
    def make(folder: Path, shared: Shared) -> None:
        os.symlink(target(folder, shared) if callable(target) else target, folder / name)

    return make


def sparse(name: str, size: int = 10 << 30) -> Make:
    """A file of `size` bytes (10 GiB) that takes no disk: holes read as zeros."""

    def make(folder: Path, shared: Shared) -> None:
        with open(folder / name, "wb") as f:
            f.truncate(size)

    return make


def fifo(name: str) -> Make:
    def make(folder: Path, shared: Shared) -> None:
        os.mkfifo(folder / name)

    return make


def directory(name: str) -> Make:
    def make(folder: Path, shared: Shared) -> None:
        (folder / name).mkdir(parents=True)

    return make


PLAIN = session_toml("plain", "a plain scenario")
TRAINABLE = (
    'title = "trainable"\n[model]\nhidden_size = 3\nreadout = "last"\n[weights]\nseed = 1\n'
    '[input]\ntokens = ["a", "b"]\n[output]\nlabels = ["x", "y"]\n'
    '[train]\nexamples = [{ text = "a b", label = "x" }, { text = "b a", label = "y" }]\n'
    "epochs = 1\n"
)


def vectors_toml(steps: int, width: int, hidden: int) -> str:
    row = "[" + ", ".join(f"{0.01 * (i % 7):.2f}" for i in range(width)) + "]"
    return (
        f'title = "T = {steps}, H = {hidden}"\n[model]\nhidden_size = {hidden}\n'
        f"[weights]\nseed = 2\n[input]\nvectors = [{', '.join([row] * steps)}]\n"
        "[output]\nsize = 2\n"
    )


def scenario_commands(stem: str, name: str, make: Make, *, valid: bool,
                      message: tuple[str, ...] = (), absent: tuple[str, ...] = (),
                      train: int | None = None, note: str = "", open_: bool = False,
                      json_check: Check | None = None,
                      name_shown: str | None = None) -> list[Case]:  # fmt: skip
    """validate and trace --json (and train / open when asked) on one generated file;
    `name_shown`: a file name that validate must print, escaped."""
    from rnn_tui.text import visible

    exit_ = frozenset({0} if valid else {2})
    common = dict(input=f"generated/{stem}", owner="loader", make=make, exit=exit_,
                  message=message, absent=absent, note=note)  # fmt: skip
    shown = (visible(name_shown),) if name_shown else ()
    out = [
        Case(f"validate-{stem}", argv=("validate", name), **{**common, "message": message + shown}),
        Case(f"trace-{stem}", argv=("trace", name, "--json"), json=valid, check=json_check,
             **common),
    ]  # fmt: skip
    if train is not None:
        out.append(Case(f"train-{stem}", argv=("train", name, "--epochs", "1"),
                        **{**common, "exit": frozenset({train}), "owner": "CLI"},
                        writes=(str(Path(name).with_suffix(".npz")),)))  # fmt: skip
    if open_:
        out.append(Case(f"open-{stem}", argv=("open", name),
                        **{**common, "exit": frozenset({2}), "owner": "CLI",
                           "message": ("terminal",) if valid else message}))  # fmt: skip
    return out


def influence_skipped(folder: Path, run: Any) -> None:
    data = json.loads(run.stdout)
    assert data["influence"] is None, "the influence limit of the app applies to trace too"


def generated_scenarios() -> list[Case]:
    out: list[Case] = []
    add = out.extend
    deep = 3000
    add(scenario_commands("toml-array-3000-deep", "s.toml",
                          write("s.toml", PLAIN + "x = " + "[" * deep + "]" * deep + "\n"),
                          valid=False, message=("s.toml",)))  # fmt: skip
    add(scenario_commands("toml-table-3000-deep", "s.toml",
                          write("s.toml", PLAIN + "x = " + "{a=" * deep + "1" + "}" * deep + "\n"),
                          valid=False, message=("s.toml",)))  # fmt: skip
    add(scenario_commands("toml-array-100k-deep-title", "s.toml",
                          write("s.toml", "title = " + "[" * 100_000 + "]" * 100_000 + "\n"),
                          valid=False, message=("s.toml",)))  # fmt: skip
    add(scenario_commands("toml-dotted-key-3000", "s.toml",
                          write("s.toml", PLAIN + "x" + ".x" * deep + " = 1\n"),
                          valid=False, message=("s.toml",)))  # fmt: skip
    add(scenario_commands("toml-values-900-deep", "s.toml",
                          write("s.toml", PLAIN.replace("seed = 3", "[weights.values]\nweight_ih_l0 = "
                                                        + "[" * 900 + "]" * 900)),
                          valid=False, message=("s.toml",)))  # fmt: skip
    add(scenario_commands("int-5000-digits", "s.toml",
                          write("s.toml", PLAIN.replace("hidden_size = 3", "hidden_size = " + "7" * 5000)),
                          valid=False, message=("s.toml",),
                          note="tomllib refuses ints past 4,300 digits with a ValueError"))  # fmt: skip
    add(scenario_commands("int-5000-digits-in-vectors", "s.toml",
                          write("s.toml", vectors_toml(2, 2, 2).replace("0.01", "1" * 5000, 1)),
                          valid=False, message=("s.toml",)))  # fmt: skip
    add(scenario_commands("int-4299-digits", "s.toml",
                          write("s.toml", PLAIN.replace("hidden_size = 3", "hidden_size = " + "7" * 4299)),
                          valid=False, message=("model.hidden_size",)))  # fmt: skip
    add(scenario_commands("float-1e999", "s.toml",
                          write("s.toml", PLAIN.replace("hidden_size = 3", "hidden_size = 1e999")),
                          valid=False, message=("model.hidden_size",)))  # fmt: skip
    add(scenario_commands("toml-over-4mb", "s.toml",
                          write("s.toml", PLAIN + "# " + "x" * (4 * 1024 * 1024) + "\n"),
                          valid=False, message=("s.toml",)))  # fmt: skip
    add(scenario_commands("vectors-T2048-H64", "s.toml", write("s.toml", vectors_toml(2048, 64, 64)),
                          valid=True, json_check=influence_skipped,
                          note="12 KB that once ran 2 minutes in trace: the influence limit applies"))  # fmt: skip
    add(scenario_commands("vectors-T40-H1024", "s.toml", write("s.toml", vectors_toml(40, 4, 1024)),
                          valid=True, json_check=influence_skipped))  # fmt: skip
    add(scenario_commands("vectors-T1999-H36", "s.toml", write("s.toml", vectors_toml(1999, 4, 36)),
                          valid=True,
                          note="just under the influence limits (T <= 2000, 3.7e11 < 4e11 "
                               "multiply-adds): trace must still finish in 30 s"))  # fmt: skip

    def near_limit(cell: str, hidden: int, layers: int, bidirectional: bool, steps: int) -> str:
        return (
            f'title = "near the size limit"\n[model]\ncell = "{cell}"\nhidden_size = {hidden}\n'
            f"num_layers = {layers}\nbidirectional = {str(bidirectional).lower()}\n"
            'readout = "last"\n[weights]\nseed = 1\n'
            f"[input]\ntokens = {json.dumps(['a', 'b'] * (steps // 2))}\n"
            '[output]\nlabels = ["x", "y"]\n[train]\nexamples = [{ text = "a b", label = "x" }, '
            '{ text = "b a", label = "y" }]\nepochs = 1\n'
        )

    for stem, args in {
        "near-limit-rnn-H4090": ("rnn", 4090, 1, False, 2),
        "near-limit-lstm-bi-2x720": ("lstm", 720, 2, True, 2),
        "near-limit-gru-64x205": ("gru", 205, 64, False, 2),
    }.items():
        add(scenario_commands(stem, "s.toml", write("s.toml", near_limit(*args)), valid=True,
                              train=0, note="the largest models the limits allow run within "
                              "the budget (the limits are in bytes)"))  # fmt: skip
    for stem, args in {
        "near-limit-rnn-H4090-T1900": ("rnn", 4090, 1, False, 1900),
        "near-limit-gru-64x205-T1200": ("gru", 205, 64, False, 1200),
    }.items():
        for c in scenario_commands(stem, "s.toml", write("s.toml", near_limit(*args)),
                                   valid=True, train=0):  # fmt: skip
            if c.argv[0] == "trace":  # a trace this big: its arrays in binary (--npz)
                # --json writes any size in bounded memory now (issue 16), but 10^8 numbers
                # of text take minutes; --npz is the way for traces this big
                c = Case(**dict(c.__dict__, argv=("trace", "s.toml", "--npz", "s.npz"),
                                json=False, writes=("s.npz",), exit=frozenset({0, 2}),
                                note="judgement: ~10^7-10^8 numbers: written as .npz within "
                                     "the budget (0) or refused with a message (2)"))  # fmt: skip
            out.append(c)
    words = [f"w{i}" for i in range(50_000)]
    add(scenario_commands(
        "vocab-50000", "s.toml",
        write("s.toml", 'title = "50,000 words"\n[model]\nhidden_size = 2\n[weights]\nseed = 1\n'
                        f'[input]\ntokens = ["w1", "w49999"]\nvocab = {json.dumps(words)}\n'),
        valid=True, note="the duplicate check must be linear"))  # fmt: skip
    many = [f"w{i}" for i in range(300_000)] + ["w17"]
    add(scenario_commands(
        "vocab-300000-repeat", "s.toml",
        write("s.toml", 'title = "300,001 words"\n[model]\nhidden_size = 2\n[weights]\nseed = 1\n'
                        f'[input]\ntokens = ["w1"]\nvocab = {json.dumps(many)}\n'),
        valid=False, message=("input.vocab",)))  # fmt: skip
    add(scenario_commands(
        "tokens-20000", "s.toml",
        write("s.toml", 'title = "20,000 steps"\n[model]\nhidden_size = 4\n[weights]\nseed = 1\n'
                        f'[input]\ntokens = {json.dumps(["a", "b"] * 10_000)}\n'),
        valid=True, json_check=influence_skipped))  # fmt: skip
    add(scenario_commands(
        "title-1mb", "s.toml",
        write("s.toml", PLAIN.replace('title = "plain"', 'title = "' + "\\u001b]2;X\\u0007" * 40_000 + '"')),
        valid=True))  # fmt: skip
    seqs = ", ".join(f'"s{i}\\u001b[2J" = ["a"]' for i in range(10_000))
    add(scenario_commands(
        "sequences-10000-control-names", "s.toml",
        write("s.toml", PLAIN.replace('unknown = "<unk>"', f'unknown = "<unk>"\nsequences = {{ {seqs} }}')),
        valid=True))  # fmt: skip
    add(scenario_commands("not-utf8", "s.toml",
                          write("s.toml", PLAIN.replace("plain", "pl\xe4in").encode("latin-1")),
                          valid=False, message=("s.toml", "UTF-8")))  # fmt: skip
    add(scenario_commands("utf16", "s.toml", write("s.toml", PLAIN.encode("utf-16")),
                          valid=False, message=("s.toml",)))  # fmt: skip
    add(scenario_commands("bom-then-nul", "s.toml",
                          write("s.toml", b"\xef\xbb\xbf\x00" + PLAIN.encode()),
                          valid=False, message=("s.toml",)))  # fmt: skip
    # what a scenario path can be
    special = dict(
        valid=False,
        absent=("not found",),
        note="the file exists: the message says what it is, never 'not found'",
    )
    add(scenario_commands("fifo", "s.toml", fifo("s.toml"), message=("s.toml",), **special))
    add(
        scenario_commands(
            "directory", "s.toml", directory("s.toml"), message=("s.toml",), **special
        )
    )
    add(scenario_commands("symlink-dev-zero", "s.toml", symlink("s.toml", "/dev/zero"),
                          message=("s.toml",), **special))  # fmt: skip
    add(scenario_commands("symlink-dev-urandom", "s.toml", symlink("s.toml", "/dev/urandom"),
                          message=("s.toml",), **special))  # fmt: skip
    add(scenario_commands("symlink-proc-self-mem", "s.toml", symlink("s.toml", "/proc/self/mem"),
                          message=("s.toml",), **special,))  # fmt: skip
    add(scenario_commands("symlink-etc-shadow", "s.toml", symlink("s.toml", "/etc/shadow"),
                          valid=False, message=("s.toml",),
                          note="as root /etc/shadow is readable (and not TOML); as a user it is not"))  # fmt: skip
    add(scenario_commands("sparse-10GiB", "s.toml", sparse("s.toml"), valid=False,
                          message=("s.toml",)))  # fmt: skip
    add(scenario_commands("symlink-loop", "s.toml", symlink("s.toml", "s.toml"),
                          valid=False, message=("s.toml",)))  # fmt: skip
    if os.geteuid() != 0:  # as root chmod 000 does not make a file unreadable: not counted there

        def unreadable(folder: Path, shared: Shared) -> None:
            (folder / "s.toml").write_text(PLAIN, encoding="utf-8")
            os.chmod(folder / "s.toml", 0)

        add(scenario_commands("chmod-000", "s.toml", unreadable, message=("s.toml",), **special))
    # file names with control characters and markup
    for stem, name in (
        ("name-control", CONTROL_NAME + ".toml"),
        ("name-markup", "[bold]x[red]y[link=https:x].toml"),
        ("name-click", MARKUP_NAME + ".toml"),
        ("name-not-utf8", os.fsdecode(b"\xff\xfe-\xc3.toml")),
        ("name-newline", "two\nlines.toml"),
    ):
        add(scenario_commands(stem, name, write(name, TRAINABLE), valid=True, train=0,
                              open_=stem == "name-control", name_shown=name))  # fmt: skip
    add(scenario_commands("name-control-invalid", CONTROL_NAME + "-bad.toml",
                          write(CONTROL_NAME + "-bad.toml", PLAIN.replace("hidden_size = 3", "hidden_size = 0")),
                          valid=False, message=("model.hidden_size",)))  # fmt: skip
    add(scenario_commands("folder-control", f"d{OSC2}[bold]/s.toml", write(f"d{OSC2}[bold]/s.toml", TRAINABLE),
                          valid=True, train=0))  # fmt: skip
    return out


# ---------------------------------------------------------------- generated weights
def weights_cases() -> list[Case]:
    import numpy as np

    out: list[Case] = []

    def add(stem: str, file: str, make_file: Make, *, valid: bool = False,
            message: tuple[str, ...] = ("weights.file",), absent: tuple[str, ...] = (),
            exit_: set[int] | None = None, note: str = "", open_: bool = False) -> None:  # fmt: skip
        make = both(write("s.toml", weights_toml(file)), make_file)
        cases = scenario_commands(stem, "s.toml", make, valid=valid, absent=absent,
                                  message=() if valid else ("s.toml", *message), note=note,
                                  open_=open_)  # fmt: skip
        for c in cases:
            fields = dict(c.__dict__, input=f"weights/{stem}")
            if exit_ is not None:
                fields["exit"] = frozenset(exit_)
                fields["json"] = False
                if 0 in exit_:
                    fields["message"] = ()
            out.append(Case(**fields))

    def npz(*members: Member) -> Callable[[Shared], bytes]:
        return lambda shared: zip_bytes(list(members))

    def void(shared: Shared) -> bytes:
        data, size, crc = shared.void_member()
        return zip_bytes([Member(f"{k}.npy", data, size, crc, 8) for k in
                          ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0")])  # fmt: skip

    add("npz-valid", "w.npz", write("w.npz", npz(*good_npz_members())), valid=True)
    add("npz-void-1MiB-items-3MB", "w.npz", write("w.npz", void), message=("weights.file",),
        note="3 MB inflating to 3 GiB of |V1048576: refused by dtype and bytes before reading",
        open_=True)  # fmt: skip
    add(
        "npz-void-60M-items",
        "w.npz",
        write("w.npz", npz(stored("weight_ih_l0.npy", npy_header("|V1048576", (60_000_000,))))),
    )
    for stem, array in {
        "complex": np.full((2, 2), 1 + 2j),
        "unicode": np.full((2, 2), "ab"),
        "bytes": np.full((2, 2), b"ab"),
        "bool": np.ones((2, 2), bool),
        "datetime": np.full((2, 2), np.datetime64("2020-01-01")),
        "timedelta": np.full((2, 2), np.timedelta64(5, "s")),
        "structured": np.zeros((2, 2), dtype=[("a", "<f8"), ("b", "<f8")]),
        "void-small": np.zeros((2, 2), dtype="V8"),
        "object": np.array([[1.0, None], [2.0, 3.0]], dtype=object),
    }.items():
        add(
            f"npz-dtype-{stem}",
            "w.npz",
            write("w.npz", npz(*good_npz_members(weight_ih_l0=npy(array)))),
        )
    big = {
        "shape-100000x100000": npy_header("<f8", (100_000, 100_000)),
        "shape-2-64-overflow": npy_header("<f8", (4294967296, 4294967296)),
        "shape-64-dims": npy_header("<f8", (2,) * 64),
        "shape-negative": npy_header("<f8", (-1, 2)),
        "header-python-expression": npy_header(
            None,
            (),
            raw="{'descr': __import__('os').system('touch VICTIM'), 'fortran_order': False, 'shape': (2, 2), }",
        ),
        "header-garbage": npy_header(None, (), raw="\x1b]2;PWNED\x07 not a dict"),
        "header-descr-evil": npy_header("\x1b]52;c;QUFB\x07", (2, 2)),
        "version-9": b"\x93NUMPY\x09\x00" + npy(np.zeros((2, 2)))[8:],
        "bad-magic": b"\x93NOTNPY" + npy(np.zeros((2, 2)))[7:],
        "truncated-data": npy_header("<f8", (2, 2)) + b"\x00" * 5,
    }
    for stem, member in big.items():
        add(f"npz-{stem}", "w.npz", write("w.npz", npz(*good_npz_members(weight_ih_l0=member))))
    members = good_npz_members()
    encrypted = [*members[:-1], Member(**{**members[-1].__dict__, "flags": 1})]
    add("npz-encrypted-member", "w.npz", write("w.npz", npz(*encrypted)))
    unknown = [*members[:-1], Member(**{**members[-1].__dict__, "method": 99})]
    add("npz-unknown-compression", "w.npz", write("w.npz", npz(*unknown)))
    for method, stem in ((12, "bzip2"), (14, "lzma"), (93, "zstd")):
        add(f"npz-method-{stem}-garbage", "w.npz",
            write("w.npz", npz(*members[:-1], Member("bias_hh_l0.npy", b"\x00garbage", 96, 0, method))))  # fmt: skip
    bad_crc = [*members[:-1], Member(**{**members[-1].__dict__, "crc": members[-1].crc ^ 0xFFFF})]
    add("npz-bad-crc", "w.npz", write("w.npz", npz(*bad_crc)))
    lying = [
        *members[:-1],
        Member(
            **{
                **deflated("bias_hh_l0.npy", npy(np.zeros(2)) + bytes(50 << 20)).__dict__,
                "size": 96,
            }
        ),
    ]
    add(
        "npz-lying-size-bomb",
        "w.npz",
        write("w.npz", npz(*lying)),
        exit_={0, 2},
        note="a member whose header understates its size: at most its declared bytes are read",
    )
    add("npz-truncated", "w.npz", write("w.npz", lambda s: zip_bytes(good_npz_members())[:300]))
    add("npz-not-a-zip", "w.npz", write("w.npz", "this is not a zip archive\n"))
    add("npz-empty", "w.npz", write("w.npz", b""))
    add(
        "npz-not-npy-member",
        "w.npz",
        write("w.npz", npz(*members, stored("evil.py", b"import os"))),
    )
    add(
        "npz-member-traversal",
        "w.npz",
        write("w.npz", npz(*members, stored("../../../VICTIM.npy", npy(np.zeros(2))))),
    )
    add(
        "npz-member-name-control",
        "w.npz",
        write("w.npz", npz(*members, stored(f"{OSC2}{MARKUP}.npy", npy(np.zeros(2))))),
        note="the key is named in the message ('not a parameter'): escaped, not markup",
    )
    add(
        "npz-10000-members",
        "w.npz",
        write(
            "w.npz",
            lambda s: zip_bytes(
                members + [stored(f"x{i}.npy", npy(np.zeros(1))) for i in range(10_000)]
            ),
        ),
    )
    add(
        "npz-nan",
        "w.npz",
        write("w.npz", npz(*good_npz_members(weight_hh_l0=npy(np.full((2, 2), np.nan))))),
    )
    add(
        "npz-inf",
        "w.npz",
        write("w.npz", npz(*good_npz_members(bias_ih_l0=npy(np.full(2, -np.inf))))),
    )
    add("npz-0d", "w.npz", write("w.npz", npz(*good_npz_members(bias_ih_l0=npy(np.float64(1))))))
    add("npz-float16", "w.npz",
        write("w.npz", npz(*[stored(f"{k}.npy", npy(a.astype("<f2"))) for k, a in good_arrays().items()])),
        valid=True, note="float16 is a real float kind: accepted")  # fmt: skip
    add("npz-int8", "w.npz",
        write("w.npz", npz(*[stored(f"{k}.npy", npy(np.ones(a.shape, "i1"))) for k, a in good_arrays().items()])),
        valid=True, note="int8 is a real integer kind: accepted")  # fmt: skip
    # what a weights path can be
    special = dict(
        absent=("not found",),
        note="the file exists: the message says what it is (issue item 8), never 'not found'",
    )
    add("npz-symlink-dev-urandom", "w.npz", symlink("w.npz", "/dev/urandom"), **special)
    add("npz-symlink-dev-zero", "w.npz", symlink("w.npz", "/dev/zero"), **special)
    add("npz-symlink-proc-self-mem", "w.npz", symlink("w.npz", "/proc/self/mem"), **special)
    add("npz-symlink-etc-shadow", "w.npz", symlink("w.npz", "/etc/shadow"), **special)
    add("weights-file-etc-shadow", "/etc/shadow", lambda f, s: None, **special)
    add("weights-symlink-etc-shadow", "shadow", symlink("shadow", "/etc/shadow"), **special)
    add("npz-fifo", "w.npz", fifo("w.npz"), **special)
    add("npz-sparse-10GiB", "w.npz", sparse("w.npz"))
    add("st-sparse-10GiB", "w.safetensors", sparse("w.safetensors"))
    add("npz-directory", "w.npz", directory("w.npz"), **special)
    add("npz-symlink-loop", "w.npz", symlink("w.npz", "w.npz"))
    add("weights-name-control", f"{OSC52}{MARKUP_NAME}.npz", write(f"{OSC52}{MARKUP_NAME}.npz", npz(*good_npz_members())),
        valid=True)  # fmt: skip
    if os.geteuid() != 0:  # as root chmod 000 does not make a file unreadable: not counted there

        def unreadable(folder: Path, shared: Shared) -> None:
            (folder / "w.npz").write_bytes(zip_bytes(good_npz_members()))
            os.chmod(folder / "w.npz", 0)

        add("npz-chmod-000", "w.npz", unreadable, **special)

    for stem, extra, message in (
        (
            "rename-key-control",
            f'rename = {{ {json.dumps(OSC2 + MARKUP)} = "x" }}',
            "weights.rename",
        ),
        (
            "rename-value-control",
            f'rename = {{ "bias_hh_l0" = {json.dumps(OSC52 + MARKUP)} }}',
            "weights.file",
        ),
        ("prefix-control", f"prefix = {json.dumps(OSC2)}", None),
    ):
        text = weights_toml("w.npz").replace('file = "w.npz"', f'file = "w.npz"\n{extra}')
        make = both(write("s.toml", text), write("w.npz", npz(*good_npz_members())))
        valid = message is None
        for c in scenario_commands(f"npz-{stem}", "s.toml", make, valid=valid,
                                   message=() if valid else ("s.toml", message)):  # fmt: skip
            out.append(Case(**dict(c.__dict__, input=f"weights/npz-{stem}")))

    # safetensors
    def st(stem: str, modify: Callable[[dict], None] | None = None, **kw: Any) -> None:
        valid = kw.pop("valid", False)
        exit_ = kw.pop("exit_", None)
        note = kw.pop("note", "")
        add(f"st-{stem}", "w.safetensors", write("w.safetensors", good_safetensors(modify, **kw)),
            valid=valid, exit_=exit_, note=note)  # fmt: skip

    def shape(value: Any) -> Callable[[dict], None]:
        return lambda h: h["weight_ih_l0"].__setitem__("shape", value)

    st("valid", valid=True)
    st("metadata-hostile", lambda h: h["__metadata__"].update({OSC2: MARKUP, "x": ALL_CONTROL}),
       valid=True)  # fmt: skip
    for stem, value in {
        "shape-strings": ["2", "2"],
        "shape-objects": [{}, {}],
        "shape-null": None,
        "shape-null-items": [None, 2],
        "shape-2-64": [2**64, 1],
        "shape-negative": [-2, -2],
        "shape-float": [2.0, 2.0],
        "shape-bool": [True, True],
        "shape-string": "2x2",
        "shape-object": {"a": 1},
        "shape-huge-product": [2**32, 2**32],
        "shape-1e400": [1e400],
        "shape-64-dims": [2] * 64,
        "shape-nested": [[2], [2]],
    }.items():
        st(stem, shape(value))
    st("shape-missing", lambda h: h["weight_ih_l0"].pop("shape"))
    st("offsets-past-end", lambda h: h["bias_hh_l0"].__setitem__("data_offsets", [96, 10**9]))
    st("offsets-reversed", lambda h: h["bias_hh_l0"].__setitem__("data_offsets", [112, 96]))
    st("offsets-strings", lambda h: h["bias_hh_l0"].__setitem__("data_offsets", ["a", "b"]))
    st("offsets-missing", lambda h: h["bias_hh_l0"].pop("data_offsets"))
    st("entry-string", lambda h: h.__setitem__("bias_hh_l0", "F64"))
    st("dtype-bf16", lambda h: h["bias_hh_l0"].__setitem__("dtype", "BF16"))
    st("dtype-object", lambda h: h["bias_hh_l0"].__setitem__("dtype", {"a": 1}))
    st("dtype-control", lambda h: h["bias_hh_l0"].__setitem__("dtype", OSC52))
    st("name-control", lambda h: h.__setitem__(OSC2 + MARKUP, dict(h["bias_hh_l0"])),
       note="the extra key is named in the message: escaped, not markup")  # fmt: skip
    st(
        "metadata-not-object",
        lambda h: h.__setitem__("__metadata__", [1, 2]),
        exit_={0, 2},
        note="judgement: metadata is not used; ignoring it (0) or refusing it (2) are both fine",
    )
    st("header-length-lies", length=10_000)
    st("header-length-2-63", length=2**63)
    st("truncated-data", cut=40)
    add(
        "st-header-nested-100k",
        "w.safetensors",
        write(
            "w.safetensors", safetensors_bytes(b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
        ),
    )
    add("st-header-5000-digit-int", "w.safetensors",
        write("w.safetensors", safetensors_bytes(
            b'{"weight_ih_l0": {"dtype": "F64", "shape": [' + b"9" * 5000 + b'], "data_offsets": [0, 8]}}',
            bytes(8))))  # fmt: skip
    add("st-header-array", "w.safetensors", write("w.safetensors", safetensors_bytes([1, 2, 3])))
    add(
        "st-header-not-json",
        "w.safetensors",
        write("w.safetensors", safetensors_bytes(b"\x1b]2;PWNED\x07 not json")),
    )
    add(
        "st-header-not-utf8",
        "w.safetensors",
        write("w.safetensors", safetensors_bytes(b'{"\xff": 1}')),
    )
    add(
        "st-header-nan",
        "w.safetensors",
        write(
            "w.safetensors",
            safetensors_bytes(
                b'{"weight_ih_l0": {"dtype": "F64", "shape": [NaN], "data_offsets": [0, 8]}}',
                bytes(8),
            ),
        ),
    )
    add("st-empty", "w.safetensors", write("w.safetensors", b""))
    add("st-too-short", "w.safetensors", write("w.safetensors", b"\x01\x02\x03"))
    add("st-symlink-dev-zero", "w.safetensors", symlink("w.safetensors", "/dev/zero"), **special)
    add("st-fifo", "w.safetensors", fifo("w.safetensors"), **special)
    return out


# ---------------------------------------------------------------- sessions
def recorded(edit: Callable[[list[Any]], None] | None = None, *, title: str = "a session",
             description: str = "recorded", walk: list | None = None,
             name: str = "s.jsonl", raw: Callable[[bytes], bytes] | None = None) -> Make:  # fmt: skip
    def make(folder: Path, shared: Shared) -> None:
        path = folder / name
        record(path, session_toml(title, description), walk)
        if edit is not None:
            edit_lines(path, edit)
        if raw is not None:
            path.write_bytes(raw(path.read_bytes()))

    return make


def cast_is_clean(marker: str | None = None) -> Check:
    """The cast is asciicast v2 in strict JSON; its frames hold no sequence from the file
    (OSC, alternate screen, C1 CSI, BEL, NUL, DEL, bidi); `marker` shows in some frame."""

    def check(folder: Path, run: Any) -> None:
        lines = (folder / "out.cast").read_text(encoding="utf-8").splitlines()
        header = json.loads(lines[0], parse_constant=_refuse)
        assert isinstance(header["width"], int) and isinstance(header["height"], int)
        assert 0 < header["width"] <= 1000 and 0 < header["height"] <= 1000
        assert not _unsafe(json.dumps(header, ensure_ascii=False)), header.get("title")
        frames = [json.loads(line, parse_constant=_refuse) for line in lines[1:]]
        assert frames, "no frames"
        text = "".join(f[2].removeprefix("\x1b[H\x1b[2J") for f in frames)
        for bad in ("\x1b]", "\x1b[?1049", "\x1b[2J", "\x1bP", "\x1b_", "\x1b^", "\x07", "\x9b",
                    "\x00", "\x7f", "\u202e", "\u2066"):  # fmt: skip
            assert bad not in text, f"{bad!r} from the file reaches the cast"
        if marker is not None:
            assert marker in text, f"{marker!r} is not shown in any frame"

    return check


def svgs_are_xml(marker: str | None = None) -> Check:
    def check(folder: Path, run: Any) -> None:
        import xml.etree.ElementTree as ET

        files = sorted((folder / "svg").glob("*.svg"))
        assert files, "no SVG written"
        texts = []
        for f in files:
            data = f.read_bytes()
            assert b"\x1b" not in data, f"{f.name}: raw ESC"
            ET.fromstring(data)  # well-formed XML
            texts.append(data.decode("utf-8"))
        if marker is not None:
            assert any(marker in t for t in texts), f"{marker!r} is not in any SVG"

    return check


def _refuse(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _unsafe(text: str) -> list[str]:
    return sorted({repr(m.group()) for m in UNSAFE.finditer(text)})


def session_cases() -> list[Case]:
    out: list[Case] = []

    def add(stem: str, make: Make, *, check: int | set[int] = 2, export: int | set[int] | None = None,
            message: tuple[str, ...] = (), absent: tuple[str, ...] = (), marker: str | None = None,
            name: str = "s.jsonl", note: str = "", hostile: bool = True,
            export_message: tuple[str, ...] | None = None) -> None:  # fmt: skip
        check_exit = frozenset({check} if isinstance(check, int) else check)
        export_exit = (
            check_exit
            if export is None
            else frozenset({export} if isinstance(export, int) else export)
        )
        common = dict(input=f"session/{stem}", owner="sessions", make=make, absent=absent,
                      note=note, hostile=hostile)  # fmt: skip
        named = (name,) if name == "s.jsonl" else ()  # a refusal names the file
        out.append(Case(f"replay-check-{stem}", argv=("replay", name, "--check"), exit=check_exit,
                        message=message + (named if check_exit == {2} else ()), **common))  # fmt: skip
        em = message if export_message is None else export_message
        em += named if export_exit == {2} else ()
        out.append(Case(f"export-cast-{stem}", argv=("export", name, "--cast", "out.cast"),
                        exit=export_exit, message=em, writes=("out.cast",),
                        check=cast_is_clean(marker) if export_exit == {0} else None, **common))  # fmt: skip
        if 0 not in export_exit:  # refused before anything is rendered: --cast showed it
            return
        out.append(Case(f"export-svg-{stem}", argv=("export", name, "--svg", "svg"),
                        exit=export_exit, message=em, writes=("svg",),
                        check=svgs_are_xml(marker) if export_exit == {0} else None, **common))  # fmt: skip

    add(
        "plain",
        recorded(),
        check=0,
        hostile=False,
        note="a control: the harness passes a good session",
    )
    # valid sessions carrying hostile text: shown escaped, never acted on
    add("title-markup-control", recorded(title=f"{OSC2} {OSC52} {MARKUP} {ALL_CONTROL}", description=ALL_CONTROL),
        check=0, marker="PWNED")  # fmt: skip
    hostile_tokens = [OSC52, OSC2, WIPE, "\x9b2J", "\u202eevil", "[/]", MARKUP, "\x00", "\x7f"]
    add("edited-tokens-control", recorded(walk=[
        ("right", "step", None, {"t": 2}),
        ("e", "edit", {"tokens": hostile_tokens}, {"t": 1}),
        ("right", "step", None, {"t": 2}),
    ]), check=0)  # fmt: skip

    def hostile_keys(lines: list) -> None:
        for i, line in enumerate(lines[1:]):
            line["key"] = [OSC52, WIPE, MARKUP][i % 3]
            line["action"] = [MARKUP, OSC2, "\u202eevil"][i % 3]

    add(
        "key-action-hostile",
        recorded(hostile_keys),
        check=0,
        note="key and action are the file's words: the replay's status line shows them escaped",
    )

    def mismatch(lines: list) -> None:
        lines[1]["key"], lines[1]["action"] = OSC52 + "\ud800", MARKUP + OSC2
        lines[1]["state"] = "0" * 64

    add("state-mismatch-hostile-key", recorded(mismatch), check=1, export={0, 2},
        message=("line 2",), export_message=(),
        note="check names the line and the recorded key and action, escaped (a lone surrogate too); "
             "export renders what the file says or refuses: either")  # fmt: skip

    def surrogate_title(lines: list) -> None:
        s = lines[0]["scenario"]
        s["text"] = s["text"].replace(
            'title = "a session"', 'title = "lone \ud800 \udfff surrogates"'
        )

    add(
        "lone-surrogates-title",
        recorded(surrogate_title),
        check={0, 2},
        export={0, 2},
        note="judgement: a lone surrogate in the embedded text is shown escaped (0) or refused (2)",
    )

    def surrogate_key(lines: list) -> None:
        lines[1]["key"] = "\ud800\udc00\udfff"

    add("lone-surrogates-key", recorded(surrogate_key), check=0)
    add("name-control", recorded(name=CONTROL_NAME + ".jsonl"), check=0, name=CONTROL_NAME + ".jsonl",
        note="the session's name is printed (check) and is the cast's title: escaped")  # fmt: skip
    add("name-not-utf8", recorded(name=os.fsdecode(b"s\xff.jsonl")), check=0,
        name=os.fsdecode(b"s\xff.jsonl"))  # fmt: skip
    add("ends-mid-line", recorded(raw=lambda b: b[:-20]), check=0, export={0},
        message=("mid-line",), export_message=())  # fmt: skip

    # self-contained: moved sessions still check
    def moved(folder: Path, shared: Shared) -> None:
        import numpy as np

        a = folder / "a"
        a.mkdir()
        np.savez(a / "w.npz", **session_arrays())
        record(a / "s.jsonl", session_toml().replace("seed = 3", 'file = "w.npz"'))
        (folder / "b").mkdir()
        os.replace(a / "s.jsonl", folder / "b" / "s.jsonl")
        shutil.rmtree(a)

    add("moved-after-recording", moved, check=0, name="b/s.jsonl", hostile=False,
        note="issue item 6: recorded from a scenario whose weights file is beside it; the folder "
             "is gone, the session alone must check")  # fmt: skip

    def moved_sidecar(folder: Path, shared: Shared) -> None:
        a = folder / "a"
        a.mkdir()
        text = session_toml().replace("hidden_size = 3", "hidden_size = 400")
        record(a / "s.jsonl", text, [("right", "step", None, {"t": 2})])
        sidecars = sorted(a.glob("s.weights-*.npz"))
        assert sidecars, "weights over 1 MB go into a sidecar beside the session"
        os.replace(a, folder / "b")
        (folder / "b" / "s.toml").unlink()

    add("moved-with-sidecar", moved_sidecar, check=0, name="b/s.jsonl", hostile=False,
        note="weights too big to embed live beside the session and move with it")  # fmt: skip

    # reading outside the session's folder
    def outside(edit: Callable[[list, Path, Shared], None]) -> Make:
        def make(folder: Path, shared: Shared) -> None:
            from rnn_tui.session.format import weights_digest

            path = folder / "s.jsonl"
            record(path, session_toml())
            import numpy as np

            with np.load(shared.outside / "secret.npz") as z:
                secret = {k: z[k] for k in z.files}

            def apply(lines: list) -> None:
                w = lines[0]["scenario"]["weights"]
                w["embedded"], w["path"] = None, None
                w["sha256"] = weights_digest(secret)
                edit(lines, folder, shared)

            edit_lines(path, apply)

        return make

    def text_file(value: Callable[[Path, Shared], str]) -> Callable[[list, Path, Shared], None]:
        def edit(lines: list, folder: Path, shared: Shared) -> None:
            s = lines[0]["scenario"]
            s["text"] = s["text"].replace("seed = 3", f"file = {json.dumps(value(folder, shared))}")
            s["path"] = None

        return edit

    def weights_path(value: Callable[[Path, Shared], str]) -> Callable[[list, Path, Shared], None]:
        def edit(lines: list, folder: Path, shared: Shared) -> None:
            lines[0]["scenario"]["weights"]["path"] = value(folder, shared)

        return edit

    refuse = dict(check=2, message=("line 1",),
                  note="issue item 6: the only copy of these weights is outside the session's "
                       "folder; a replay that reads it would match (exit 0), one that never "
                       "opens it cannot")  # fmt: skip
    add(
        "embedded-scenario-weights-absolute",
        outside(text_file(lambda f, s: str(s.outside / "secret.npz"))),
        **refuse,
    )
    add(
        "embedded-scenario-weights-dotdot",
        outside(text_file(lambda f, s: os.path.relpath(s.outside / "secret.npz", f))),
        **refuse,
    )
    add("weights-path-absolute", outside(weights_path(lambda f, s: str(s.outside / "secret.npz"))),
        **refuse)  # fmt: skip
    add(
        "weights-path-dotdot",
        outside(weights_path(lambda f, s: os.path.relpath(s.outside / "secret.npz", f))),
        **refuse,
    )

    def scenario_path_outside(lines: list, folder: Path, shared: Shared) -> None:
        s = lines[0]["scenario"]
        s["path"] = str(shared.outside / "victim.toml")
        s["text"] = s["text"].replace("seed = 3", 'file = "secret.npz"')

    add("scenario-path-outside", outside(scenario_path_outside), **refuse)

    def symlinked(folder: Path, shared: Shared) -> None:
        outside(weights_path(lambda f, s: "w.npz"))(folder, shared)
        os.symlink(shared.outside / "secret.npz", folder / "w.npz")

    add(
        "weights-symlink-outside",
        symlinked,
        **{**refuse, "note": "judgement: a symlink in the folder that leads outside it is outside"},
    )

    def change_outside(folder: Path, shared: Shared) -> None:
        path = folder / "s.jsonl"
        record(path, session_toml())
        import numpy as np

        from rnn_tui.session.format import weights_digest

        with np.load(shared.outside / "secret.npz") as z:
            secret = {k: z[k] for k in z.files}

        def edit(lines: list) -> None:
            scenario = json.loads(json.dumps(lines[0]["scenario"]))
            scenario["weights"] = {"sha256": weights_digest(secret), "embedded": None,
                                   "path": str(shared.outside / "secret.npz")}  # fmt: skip
            lines[2]["change"] = {"scenario": scenario}

        edit_lines(path, edit)

    add(
        "change-scenario-outside",
        change_outside,
        check={1, 2},
        message=("line 3",),
        note="a later 'open' change may not read outside either; 1 (state differs) or 2 (refused)",
    )

    def hostile_header_fields(lines: list) -> None:
        h = lines[0]
        h["app_version"], h["created"] = OSC2 + MARKUP, WIPE + "\u202e2026"
        h["scenario"]["name"] = OSC52 + MARKUP
        h["scenario"]["path"] = f"/nonexistent/{OSC2}[bold]/s.toml"

    add(
        "header-fields-hostile",
        recorded(hostile_header_fields),
        check=0,
        note="the recorded name, path, version and date are the file's words: never acted on",
    )

    sequences_text = session_toml(f"{OSC2} sequences").replace(
        'unknown = "<unk>"',
        f'unknown = "<unk>"\nsequences = {{ {json.dumps(OSC52 + MARKUP)} = ["b", "a"] }}',
    )

    def sequence_walk(folder: Path, shared: Shared) -> None:
        from rnn_tui.scenario import parse_scenario

        # the name as the app knows it (the loader may show it escaped): what it records
        (name,) = [k for k in parse_scenario(sequences_text).sequences if k != "default"]
        record(folder / "s.jsonl", sequences_text, [
            ("right", "step", None, {"t": 2}),
            ("n", "sequence", {"sequence": name}, {"t": 1}),
            ("right", "step", None, {"t": 2}),
        ])  # fmt: skip

    add("sequence-name-hostile", sequence_walk, check=0)

    def opened_hostile(folder: Path, shared: Shared) -> None:
        from rnn_tui.scenario import parse_scenario
        from rnn_tui.session.format import scenario_record

        other = parse_scenario(session_toml(f"{OSC2} opened {MARKUP}", ALL_CONTROL), name=OSC52)
        record(folder / "s.jsonl", session_toml(), [
            ("right", "step", None, {"t": 2}),
            ("o", "open", {"scenario": scenario_record(other)}, {"t": 1}),
            ("right", "step", None, {"t": 2}),
        ])  # fmt: skip

    add(
        "change-open-hostile-scenario",
        opened_hostile,
        check=0,
        marker="PWNED",
        note="a scenario opened during the recording, with hostile text: shown escaped after it",
    )

    def long_key(lines: list) -> None:
        lines[1]["key"] = OSC2 * 50_000
        lines[1]["action"] = MARKUP * 5_000

    add(
        "key-1mb",
        recorded(long_key),
        check={0, 2},
        message=(),
        export={0, 2},
        note="judgement: a 1 MB key is shown escaped (0) or refused naming line 2 (2)",
    )

    def embedded_hostile_member(lines: list) -> None:
        import io

        import numpy as np

        w = lines[0]["scenario"]["weights"]
        with np.load(io.BytesIO(base64.b64decode(w["embedded"]))) as z:
            arrays = {k: z[k] for k in z.files}
        members = [stored(f"{k}.npy", npy(a)) for k, a in arrays.items()]
        members.append(stored(f"{OSC2}{MARKUP}.npy", npy(np.zeros(2))))
        w["embedded"] = base64.b64encode(zip_bytes(members)).decode()

    add("embedded-weights-hostile-member", recorded(embedded_hostile_member), message=("line 1",))

    def many_lines(folder: Path, shared: Shared) -> None:
        path = folder / "s.jsonl"
        record(path, session_toml())
        lines = path.read_bytes().split(b"\n")
        path.write_bytes(b"\n".join([lines[0], *[lines[1]] * 20_000, b""]))

    add(
        "20000-lines",
        many_lines,
        check=0,
        export={0, 2},
        note="judgement: 20,000 recorded steps (2 MB) check within the budget; export renders "
        "them within it or refuses with a message (a frame cap), never runs on",
    )

    def plain_lines(folder: Path, shared: Shared) -> None:
        path = folder / "s.jsonl"
        record(path, session_toml())
        lines = path.read_bytes().split(b"\n")
        path.write_bytes(b"\n".join([lines[0], *[lines[1]] * 3000, b""]))

    add("3000-lines", plain_lines, check=0, export={0, 2},
        note="300 KB of ordinary steps: export renders them within the budget or refuses with "
             "a message saying why; it never runs for minutes")  # fmt: skip

    def most_lines(folder: Path, shared: Shared) -> None:
        path = folder / "s.jsonl"
        record(path, session_toml())
        lines = path.read_bytes().split(b"\n")
        path.write_bytes(b"\n".join([lines[0], *[lines[1]] * 199_999, b""]))

    add(
        "200000-lines",
        most_lines,
        check=0,
        export={0, 2},
        note="40 MB, 200,000 steps: checked within the budget; export refuses (frame cap)",
    )
    switches = [("c", "cell", {"cell": c}, {"t": 1}) for c in ("lstm", "gru", "rnn") * 300]
    add(
        "900-cell-switches",
        recorded(walk=switches),
        check=0,
        export={0, 2},
        note="each line retraces the model: export stays within the budget or refuses",
    )

    # malformed headers and lines: exit 2 naming the line
    def header(edit: Callable[[dict], None]) -> Make:
        return recorded(lambda lines: edit(lines[0]))

    def line2(edit: Callable[[dict], None]) -> Make:
        return recorded(lambda lines: edit(lines[1]))

    def setter(*path: Any, value: Any) -> Callable[[dict], None]:
        def edit(d: dict) -> None:
            for p in path[:-1]:
                d = d[p]
            d[path[-1]] = value

        return edit

    l1, l2 = ("line 1",), ("line 2",)
    add("empty", write("s.jsonl", b""), message=("s.jsonl",))
    add("truncated-header", recorded(raw=lambda b: b[: b.index(b"\n") // 2]), message=("s.jsonl",))
    add("header-only-cut", recorded(raw=lambda b: b[: b.index(b"\n") + 1] + b'{"time": 0.1, "ke'),
        check=0, export={0}, note="a recording cut short: its whole lines check")  # fmt: skip
    add("not-json", write("s.jsonl", "\x1b]2;PWNED\x07 not json\n"), message=l1)
    add("header-array", write("s.jsonl", "[1, 2]\n"), message=l1)
    add("format-wrong", header(setter("format", value=OSC2 + MARKUP)), message=l1)
    add("version-2", header(setter("version", value=2)), message=l1)
    add("version-string", header(setter("version", value="1")), message=l1)
    add("version-huge", header(setter("version", value=10**300)), message=l1)
    for stem, edit in {
        "scenario-string": setter("scenario", value="abc"),
        "scenario-array": setter("scenario", value=[1]),
        "scenario-null": setter("scenario", value=None),
        "scenario-text-int": setter("scenario", "text", value=5),
        "scenario-text-missing": lambda h: h["scenario"].pop("text"),
        "scenario-text-invalid-toml": setter("scenario", "text", value="title = [\x1b]2;X"),
        "scenario-text-over-4mb": setter(
            "scenario", "text", value=session_toml() + "#" + "x" * (5 << 20)
        ),
        "scenario-text-deep": setter(
            "scenario", "text", value="title = " + "[" * 5000 + "]" * 5000
        ),
        "scenario-network-string": setter("scenario", "network", value="rnn"),
        "scenario-network-cell-bad": setter(
            "scenario", "network", value={"cell": OSC2, "merge": 5}
        ),
        "scenario-sequence-int": setter("scenario", "sequence", value=5),
        "scenario-tokens-objects": setter("scenario", "tokens", value=[{"a": 1}, [2], None]),
        "weights-int": setter("scenario", "weights", value=5),
        "weights-sha-int": setter("scenario", "weights", "sha256", value=5),
        "weights-embedded-int": setter("scenario", "weights", "embedded", value=12345),
        "weights-embedded-not-base64": setter("scenario", "weights", "embedded", value="!!" + OSC2),
        "weights-embedded-not-zip": setter(
            "scenario", "weights", "embedded", value=base64.b64encode(b"not a zip").decode()
        ),
        "weights-embedded-void-npz": setter(
            "scenario",
            "weights",
            "embedded",
            value=base64.b64encode(
                zip_bytes([stored("weight_ih_l0.npy", npy_header("|V1048576", (60_000_000,)))])
            ).decode(),
        ),
        "weights-embedded-pickle": setter(
            "scenario",
            "weights",
            "embedded",
            value=base64.b64encode(
                zip_bytes(
                    [
                        stored(
                            "weight_ih_l0.npy", npy(__import__("numpy").array([None], dtype=object))
                        )
                    ]
                )
            ).decode(),
        ),
        "weights-path-fifo-name": setter("scenario", "weights", "path", value="fifo.npz"),
    }.items():
        if stem == "weights-path-fifo-name":  # not embedded: the path is what is read
            make = both(header(lambda h, edit=edit: (edit(h), setter("scenario", "weights",
                                                                    "embedded", value=None)(h))),
                        fifo("fifo.npz"))  # fmt: skip
        else:
            make = header(edit)
        add(f"header-{stem}", make, message=l1)
    add(
        "header-trained-string",
        header(setter("scenario", "trained", value="yes")),
        check={0, 2},
        export={0, 2},
        note="judgement: a non-boolean 'trained' is ignored (0) or refused (2)",
    )
    # the recorded terminal (export renders at its size)
    for stem, value in {
        "string": "abc",
        "array": [80, 24],
        "columns-string": {"columns": "abc", "rows": 24},
        "columns-1e308": {"columns": 1e308, "rows": 24},
        "huge": {"columns": 100_000, "rows": 100_000},
        "negative": {"columns": -5, "rows": 0},
        "bool": {"columns": True, "rows": True},
        "null": {"columns": None, "rows": None},
    }.items():
        add(f"terminal-{stem}", header(setter("terminal", value=value)), check={0, 2}, export=2,
            export_message=("terminal",),
            note="issue item 5: export names the terminal field (exit 2); check does not need "
                 "the terminal, so it may pass (0) or refuse the header (2)")  # fmt: skip
    # action lines
    for stem, edit, want in (
        ("time-string", setter("time", value="abc"), {2}),
        ("time-inf", setter("time", value=float("inf")), {0, 2}),
        ("time-negative", setter("time", value=-5.0), {0, 2}),
        ("view-string", setter("view", value="x"), {2}),
        ("view-t-string", setter("view", "t", value="1"), {2}),
        ("view-t-1e308", setter("view", "t", value=1e308), {2}),
        ("view-t-huge", setter("view", "t", value=10**30), {1, 2}),
        ("view-layer-zero", setter("view", "layer", value=0), {1, 2}),
        ("view-direction-control", setter("view", "direction", value=OSC2), {2}),
        ("change-string", setter("change", value="abc"), {2}),
        ("change-cell-control", setter("change", value={"cell": OSC52}), {2}),
        ("change-unknown", setter("change", value={MARKUP: 1}), {2}),
        ("change-tokens-int", setter("change", value={"tokens": 5}), {2}),
        ("change-sequence-missing", setter("change", value={"sequence": OSC2}), {2}),
        ("change-scenario-string", setter("change", value={"scenario": "abc"}), {2}),
        ("state-int", setter("state", value=5), {1, 2}),
        ("missing-view", lambda d: d.pop("view"), {2}),
    ):
        note = (
            (
                "judgement: time only paces the replay; a non-finite or negative time is refused "
                "(2) or clamped (0)"
            )
            if stem.startswith("time-") and want == {0, 2}
            else ""
        )
        add(f"line-{stem}", line2(edit), check=want, export={2} if want != {0, 2} else want,
            message=l2, export_message=l2 if want != {0, 2} else (), note=note)  # fmt: skip

    def raw_line(line: bytes, at: int = 2) -> Make:
        def edit(data: bytes) -> bytes:
            lines = data.split(b"\n")
            lines.insert(at - 1, line)
            return b"\n".join(lines)

        return recorded(raw=edit)

    add("line-5000-digit-int", raw_line(b'{"time": ' + b"1" * 5000 + b', "key": "x", "action": "x", "view": {}, "change": null, "state": "0"}'),
        message=l2)  # fmt: skip
    add("line-nested-100k", raw_line(b'{"time": 0, "change": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
        message=l2)  # fmt: skip
    add("header-nested-100k", write("s.jsonl", b'{"format": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"),
        message=l1)  # fmt: skip
    add("header-5000-digit-columns", _header_5000_digits, message=l1)
    add("line-not-utf8", raw_line(b'{"time": 0.5, "key": "\xff\xfe", "action": "x"}'), message=l2)
    add("line-nul-bytes", raw_line(b"\x00\x00\x1b]2;PWNED\x07"), message=l2)
    add(
        "bom",
        recorded(raw=lambda b: b"\xef\xbb\xbf" + b),
        check={0, 2},
        export={0, 2},
        note="judgement: a BOM before the header is skipped (0) or named as line 1 (2)",
    )
    # what a session path can be
    special = dict(
        absent=("not found",),
        message=("s.jsonl",),
        note="it exists: say what it is, quickly, never block on it or read it all",
    )
    add("fifo", fifo("s.jsonl"), **special)
    add(
        "sparse-10GiB",
        sparse("s.jsonl"),
        message=("s.jsonl",),
        note="10 GiB of zeros (a sparse file): refused by its size, never read whole",
    )
    add("directory", directory("s.jsonl"), **special)
    add("symlink-dev-zero", symlink("s.jsonl", "/dev/zero"), **special)
    add("symlink-dev-urandom", symlink("s.jsonl", "/dev/urandom"), **special)
    add("symlink-proc-self-mem", symlink("s.jsonl", "/proc/self/mem"), **special)
    return out


def _header_5000_digits(folder: Path, shared: Shared) -> None:
    path = folder / "s.jsonl"
    record(path, session_toml())
    lines = path.read_bytes().split(b"\n")
    lines[0] = lines[0].replace(b'"columns": 100', b'"columns": ' + b"9" * 5000)
    path.write_bytes(b"\n".join(lines))


# ---------------------------------------------------------------- command-line arguments
def builtin_unchanged_note() -> str:
    return "built-ins are never written: the suite compares their sha256 before and after"


def cli_cases() -> list[Case]:
    out: list[Case] = []
    plain = write("s.toml", PLAIN)
    trainable = write("s.toml", TRAINABLE)
    session = recorded()

    def add(stem: str, argv: tuple[str, ...], make: Make | None = None, *, exit_: frozenset[int] = frozenset({2}),
            message: tuple[str, ...] = (), owner: str = "CLI", **kw: Any) -> None:  # fmt: skip
        out.append(Case(f"cli-{stem}", input=f"cli/{stem}", owner=owner, argv=argv, make=make,
                        exit=frozenset(exit_), message=message, **kw))  # fmt: skip

    add("validte", ("validte", "s.toml"), plain, message=("validate",))
    add("lst", ("lst",), message=("list",))
    add("trcae", ("trcae", "intent"), message=("trace",))
    add("exprot", ("exprot", "s.jsonl", "--cast", "o.cast"), session, message=("export",))
    add("list-lang-after", ("list", "--lang", "zh"), exit_={0})
    add("validate-lang-after", ("validate", "s.toml", "--lang", "zh"), plain, exit_={0})
    add(
        "trace-lang-after",
        ("trace", "s.toml", "--json", "--lang", "zh"),
        plain,
        exit_={0},
        json=True,
    )
    add("train-lang-after", ("train", "s.toml", "--epochs", "1", "--lang", "zh"), trainable,
        exit_={0}, writes=("s.npz",))  # fmt: skip
    add("lang-unknown", ("--lang", "xx", "list"), message=("--lang",))
    add("lang-control", ("list", "--lang", OSC2), message=("--lang",))
    for value in ("nan", "inf", "-inf", "-1", "0", "1e999", "abc", "NaN"):
        add(f"train-lr-{value}", ("train", "s.toml", "--lr", value, "--epochs", "1"), trainable,
            message=("--lr",))  # fmt: skip
    for value in ("0", "-1", "99999999999999999999", "abc", "1.5", "1e3"):
        add(f"train-epochs-{value}", ("train", "s.toml", "--epochs", value), trainable,
            message=("--epochs",))  # fmt: skip
    for value in ("-1", "1e3", "99999999999999999999999"):
        add(f"train-seed-{value}", ("train", "s.toml", "--epochs", "1", "--seed", value), trainable,
            exit_={2} if value != "99999999999999999999999" else {0, 2}, message=("--seed",) if value != "99999999999999999999999" else (),
            writes=("s.npz",), note="judgement: a huge seed is a seed (0) or out of range (2)")  # fmt: skip
    add("train-output-onto-input", ("train", "s.toml", "--epochs", "1", "-o", "s.toml"), trainable,
        message=("s.toml",))  # fmt: skip
    add("train-output-dev-full", ("train", "s.toml", "--epochs", "1", "-o", "/dev/full"), trainable,
        message=("/dev/full",))  # fmt: skip
    add("train-output-into-builtins", ("train", "s.toml", "--epochs", "1", "-o", str(BUILTIN_DIR / "hostile.npz")),
        trainable, message=("hostile.npz",), note=builtin_unchanged_note())  # fmt: skip
    add("train-output-fifo", ("train", "s.toml", "--epochs", "1", "-o", "w.npz"),
        both(trainable, fifo("w.npz")), message=("w.npz",))  # fmt: skip

    def wrote_npz_here(folder: Path, run: Any) -> None:
        found = sorted(p.name for p in folder.glob("*.npz"))
        assert found, "training a built-in writes its weights into the current folder"
        assert any(name in run.stdout.decode() for name in found), "and says where"

    add("train-builtin", ("train", "intent", "--epochs", "1"), exit_={0}, writes=("intent.npz",),
        check=wrote_npz_here, note=builtin_unchanged_note())  # fmt: skip
    add("train-builtin-update", ("train", "intent", "--epochs", "1", "--update"), exit_={0, 2},
        writes=("intent.npz", "intent.toml"),
        note="judgement: --update on a built-in copies it here (0) or refuses (2); "
             + builtin_unchanged_note())  # fmt: skip

    def updated_to(name: str) -> Check:
        def check(folder: Path, run: Any) -> None:
            import tomllib

            data = tomllib.loads((folder / "s.toml").read_text(encoding="utf-8-sig"))
            assert data["weights"]["file"] == name, data["weights"]
            assert "seed" not in data["weights"]
            assert (folder / name).is_file()
            from rnn_tui.scenario import load_scenario

            assert load_scenario(folder / "s.toml").trained

        return check

    quoted = 'my "best" run.npz'
    add("train-update-quoted-output", ("train", "s.toml", "--epochs", "1", "--update", "-o", quoted),
        trainable, exit_={0}, writes=("s.toml", quoted), check=updated_to(quoted),
        note="the updated scenario is still TOML and names the file exactly")  # fmt: skip
    nasty = "o\\ \"q\" '[bold]'.npz"
    add("train-update-backslash-output", ("train", "s.toml", "--epochs", "1", "--update", "-o", nasty),
        trainable, exit_={0}, writes=("s.toml", nasty), check=updated_to(nasty))  # fmt: skip
    for stem, text in (
        (
            "inline-table",
            TRAINABLE.replace("[weights]\nseed = 1\n", "").replace(
                'title = "trainable"\n', 'title = "trainable"\nweights = { seed = 1 }\n'
            ),
        ),
        (
            "dotted-keys",
            TRAINABLE.replace("[weights]\nseed = 1\n", "").replace(
                'title = "trainable"\n', 'title = "trainable"\nweights.seed = 1\n'
            ),
        ),
        (
            "comments-crlf-bom",
            "\ufeff"
            + TRAINABLE.replace("seed = 1", "seed = 1  # [weights] seed = 2").replace("\n", "\r\n"),
        ),
    ):
        add(f"train-update-{stem}", ("train", "s.toml", "--epochs", "1", "--update", "-o", "w.npz"),
            write("s.toml", text), exit_={0}, writes=("s.toml", "w.npz"), check=updated_to("w.npz"),
            note="--update edits [weights] however it is written, and the result still loads")  # fmt: skip
    add("export-svg-control-dir", ("export", "s.jsonl", "--svg", f"d{OSC2}[bold]"), session, exit_={0},
        writes=(f"d{OSC2}[bold]",))  # fmt: skip
    control = f"o{OSC2}[bold].npz"
    add("train-control-output", ("train", "s.toml", "--epochs", "1", "-o", control), trainable,
        exit_={0}, writes=(control,))  # fmt: skip
    # export's arguments
    for value in (
        "99999x99999",
        "100000x100000",
        "\u00b2\u00b2x\u00b2\u00b2",
        "\uff19\uff19x\uff19\uff19x",
        "0x0",
        "80x",
        "x24",
        "-80x24",
        "80x24x3",
        "1e3x1e3",
        OSC2,
    ):
        add(f"export-size-{value.encode('unicode_escape').decode()}",
            ("export", "s.jsonl", "--cast", "out.cast", "--size", value), session, message=("--size",))  # fmt: skip
    hostile_session = recorded(title=f"{OSC2} {MARKUP}", description=ALL_CONTROL)
    add("export-size-minimum", ("export", "s.jsonl", "--cast", "out.cast", "--size", "20x10"),
        hostile_session, exit_={0}, writes=("out.cast",), check=cast_is_clean())  # fmt: skip
    zh_session = recorded(
        title="plain", description="plain",
        edit=lambda lines: lines[0]["scenario"].__setitem__("text", lines[0]["scenario"]["text"]
                                                            + f"[zh]\ntitle = {json.dumps(OSC2 + ' 标题 ' + MARKUP)}\n"),
    )  # fmt: skip
    add("export-lang-zh-hostile-zh-title", ("export", "s.jsonl", "--cast", "out.cast", "--lang", "zh"),
        zh_session, exit_={0}, writes=("out.cast",), check=cast_is_clean("PWNED"))  # fmt: skip
    add(
        "export-cast-onto-input",
        ("export", "s.jsonl", "--cast", "s.jsonl"),
        session,
        message=("s.jsonl",),
    )
    add(
        "export-svg-onto-input",
        ("export", "s.jsonl", "--svg", "s.jsonl"),
        session,
        message=("s.jsonl",),
    )
    add("export-cast-onto-svg-dir", ("export", "s.jsonl", "--cast", "d", "--svg", "d"), session,
        message=("d",))  # fmt: skip
    add(
        "export-cast-dev-full",
        ("export", "s.jsonl", "--cast", "/dev/full"),
        session,
        message=("/dev/full",),
    )
    add(
        "export-svg-dev-full",
        ("export", "s.jsonl", "--svg", "/dev/full"),
        session,
        message=("/dev/full",),
    )
    add("export-cast-fifo", ("export", "s.jsonl", "--cast", "out.cast"), both(session, fifo("out.cast")),
        message=("out.cast",))  # fmt: skip
    add("export-cast-into-builtins", ("export", "s.jsonl", "--cast", str(BUILTIN_DIR / "x.cast")), session,
        message=("x.cast",), note=builtin_unchanged_note())  # fmt: skip
    add("export-nothing", ("export", "s.jsonl"), session, message=("--cast",))
    add("export-missing", ("export", f"{OSC2}.jsonl", "--cast", "out.cast"), message=("jsonl",))
    add("replay-speed-nan", ("replay", "s.jsonl", "--speed", "nan"), session, message=("--speed",))
    add("replay-speed-inf", ("replay", "s.jsonl", "--speed", "inf"), session, message=("--speed",))
    add("replay-without-terminal", ("replay", "s.jsonl"), session, message=("terminal",))
    # the app without a terminal, and --record onto its input
    add("no-arguments", (), message=("terminal",))
    add("open-no-file", ("open",), message=("terminal",))
    add("open-valid", ("open", "s.toml"), plain, message=("terminal",))
    add("default-open-valid", ("s.toml",), plain, message=("terminal",))
    add("open-record-onto-scenario", ("open", "s.toml", "--record", "s.toml"), plain, message=("s.toml",),
        note="refused, and without a terminal anyway: either message; s.toml is unchanged")  # fmt: skip
    add(
        "default-open-record-onto-scenario",
        ("s.toml", "--record", "s.toml"),
        plain,
        message=("s.toml",),
    )
    add("open-record-dev-full", ("open", "s.toml", "--record", "/dev/full"), plain)
    add("open-record-into-builtins", ("intent", "--record", str(BUILTIN_DIR / "x.jsonl")),
        note=builtin_unchanged_note())  # fmt: skip
    add("open-control-name", ("open", f"{OSC2}[bold].toml"), message=("toml",))
    add("default-open-control-name", (f"x{WIPE}",), message=("x",))
    # names and arguments with control characters and markup
    add("validate-control-name-missing", ("validate", f"{OSC52}{MARKUP}.toml"), message=("toml",))
    add(
        "trace-control-builtin-name",
        ("trace", f"{OSC2}[bold]"),
        message=("intent",),
        note="not a file nor a built-in: the message lists the built-ins, and the name escaped",
    )
    add("validate-name-100k", ("validate", "x" * 100_000 + ".toml"), message=("toml",))
    add("validate-dash", ("validate", "-"), message=("-",))
    add("validate-dot", ("validate", "."), message=(".",))

    # new
    def loads(name: str) -> Check:
        def check(folder: Path, run: Any) -> None:
            from rnn_tui.scenario import load_scenario

            load_scenario(folder / name)

        return check

    add("new-control-name", ("new", f"x{OSC2}"), exit_={0}, writes=(f"x{OSC2}.toml",),
        check=loads(f"x{OSC2}.toml"))  # fmt: skip
    add("new-markup-name", ("new", "[bold]x[red]"), exit_={0}, writes=("[bold]x[red].toml",),
        check=loads("[bold]x[red].toml"))  # fmt: skip
    add("new-quoted-name", ("new", 'my "q" \\ name'), exit_={0}, writes=('my "q" \\ name.toml',),
        check=loads('my "q" \\ name.toml'),
        note="the starter names itself in TOML: it must still load")  # fmt: skip
    add("new-onto-fifo", ("new", "x", "--force"), fifo("x.toml"), message=("x.toml",))
    add("new-exists", ("new", "s"), plain, message=("s.toml",))
    add("new-into-builtins", ("new", str(BUILTIN_DIR / "hostile"), "--force"), message=("hostile",),
        note=builtin_unchanged_note())  # fmt: skip
    add("new-hidden-huge", ("new", "x", "--hidden", "99999"), message=("--hidden",))

    # outputs that are symlinks leading out of the folder: the link is replaced, never followed
    def link_out(name: str) -> Make:
        def make(folder: Path, shared: Shared) -> None:
            target = shared.outside / f"target-{folder.name}"
            target.write_text("untouched\n", encoding="utf-8")
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, folder / name)

        return make

    def target_untouched(folder: Path, run: Any) -> None:
        target = folder.parents[1] / "outside" / f"target-{folder.name}"
        assert target.read_text(encoding="utf-8") == "untouched\n", "wrote through a symlink"

    links = dict(exit_={0, 2}, check=target_untouched,
                 note="judgement: replacing the link (0) or refusing it (2); the file it "
                      "points to outside the folder is never written")  # fmt: skip
    add("train-output-symlink-out", ("train", "s.toml", "--epochs", "1", "-o", "w.npz"),
        both(trainable, link_out("w.npz")), writes=("w.npz",), **links)  # fmt: skip
    add("export-cast-symlink-out", ("export", "s.jsonl", "--cast", "out.cast"),
        both(session, link_out("out.cast")), writes=("out.cast",), **links)  # fmt: skip
    add("export-svg-file-symlink-out", ("export", "s.jsonl", "--svg", "svg"),
        both(session, link_out("svg/0001-step.svg")), writes=("svg",), **links)  # fmt: skip
    add("new-force-symlink-out", ("new", "x", "--force"), link_out("x.toml"), writes=("x.toml",),
        **links)  # fmt: skip

    # stdout on a full disk
    for stem, argv, make in (
        ("list", ("list",), None),
        ("validate", ("validate", "s.toml"), plain),
        ("trace", ("trace", "intent", "--json"), None),
        ("replay-check", ("replay", "s.jsonl", "--check"), session),
        ("new", ("new", "y"), None),
        ("export", ("export", "s.jsonl", "--cast", "o.cast"), session),
        ("train", ("train", "s.toml", "--epochs", "1"), trainable),
    ):
        add(f"stdout-dev-full-{stem}", argv, make, stdout="/dev/full",
            writes=("y.toml", "o.cast", "s.npz"),
            note="issue item 5: output to a full disk is one message on stderr and exit 2")  # fmt: skip
    return out


def cases() -> list[Case]:
    """Every case, in a stable order, ids unique."""
    out = corpus_cases() + generated_scenarios() + weights_cases() + session_cases() + cli_cases()
    ids = [c.id for c in out]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    return out


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        sys.exit("usage: python tests/hostile/make_corpus.py OUT")
    base = Path(argv[0])
    shared = Shared(base)
    shared.setup()
    for i, case in enumerate(cases()):
        folder = base / "cases" / f"{i:04d}"
        folder.mkdir(parents=True)
        (folder.parent / f"{i:04d}.id").write_text(case.id + "\n", encoding="utf-8")
        if case.make is not None:
            case.make(folder, shared)
    print(f"{len(cases())} cases under {base / 'cases'}")


if __name__ == "__main__":
    main(sys.argv[1:])
