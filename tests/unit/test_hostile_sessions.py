"""Hostile session files (issue 12, items 1, 2, 5, 6 and 7 for sessions).

A session is hostile until shown otherwise: every bad line is a SessionError naming the
file and the line (never another exception), every string read from it is made visible,
nothing outside its own folder is ever opened, the recorder never replaces a file and
survives a full disk, and an export never writes onto the session and stays well formed
whatever the session holds."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

import rnn_tui.session.format as fmt
from rnn_tui.files import BUILTIN_DIR, WriteRefused
from rnn_tui.present.position import View
from rnn_tui.scenario import load_scenario, parse_scenario
from rnn_tui.session import (
    SessionError,
    SessionWriteError,
    SessionWriter,
    check_session,
    read_session,
    state_hash,
)
from rnn_tui.text import is_visible, visible

INTENT = BUILTIN_DIR / "intent.toml"
RAW = "\x1b]52;c;QUFBQQ==\x07\x1b]2;PWNED\x1b\\\x00\u202e\x9b2J"
"""Control, OSC (clipboard, window title), NUL, bidi override and C1 CSI characters."""


# ---------------------------------------------------------------- files opened
_OPENED: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    if event == "open" and _OPENED is not None and args and args[0] is not None:
        with contextlib.suppress(TypeError, ValueError):
            _OPENED.append(os.path.realpath(os.fsdecode(args[0])))


sys.addaudithook(_audit)


@contextlib.contextmanager
def opened_files() -> Iterator[list[str]]:
    """Every path opened (open(), os.open, zipfile, numpy) inside the block, resolved."""
    global _OPENED
    _OPENED = []
    try:
        yield _OPENED
    finally:
        _OPENED = None


# ---------------------------------------------------------------- sessions
def record(path: Path, source: Path | str = INTENT, steps: int = 3) -> Path:
    """A session of `steps` step actions, recorded with SessionWriter."""
    scenario = load_scenario(source)
    trace = scenario.trace()
    writer = SessionWriter(path, scenario, columns=100, rows=30)
    for t in range(1, steps + 1):
        view = View(t=t)
        writer.action(key="right", action="step", view=view, state=state_hash(trace, view))
    assert writer.close() is None
    return path


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write(path: Path, items: list) -> Path:
    out = []
    for item in items:
        out.append(item if isinstance(item, str) else json.dumps(item, ensure_ascii=False))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def assert_names(error: BaseException, path: Path, line: int | None) -> str:
    """The message names the file (escaped) and the line, and shows no raw control."""
    message = str(error)
    assert message.startswith(visible(str(path))), message
    if line is not None:
        assert f"line {line}:" in message, message
    assert is_visible(message), repr(message)
    assert "Traceback" not in message
    return message


def refused(path: Path, line: int | None) -> str:
    with pytest.raises(SessionError) as caught:
        check_session(read_session(path))
    return assert_names(caught.value, path, line)


@pytest.fixture
def session(tmp_path) -> Path:
    return record(tmp_path / "s.jsonl")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rnn_tui", *args], capture_output=True,
                          text=True, timeout=60, cwd=cwd)  # fmt: skip


# ---------------------------------------------------------------- 1. the reader's bounds
def test_an_integer_of_5000_digits_is_a_message_naming_its_line(session):
    text = session.read_text().splitlines()
    big = "9" * 5000  # past Python's int-digit limit: a ValueError inside json
    write(session, [text[0].replace('"version": 1', f'"version": {big}'), *text[1:]])
    assert "corrupt" in refused(session, 1)
    text[2] = text[2].replace('"time": ', f'"time": {big}, "x": ', 1)
    write(session, text)
    assert "corrupt" in refused(session, 3)


@pytest.mark.parametrize("line", [1, 2])
def test_json_nested_100k_deep_is_a_message(session, line):
    text = session.read_text().splitlines()
    text[line - 1] = "[" * 100_000 + "]" * 100_000
    write(session, text)
    refused(session, line)
    text[line - 1] = '{"a": ' * 100_000 + "1" + "}" * 100_000
    write(session, text)
    refused(session, line)


def test_json_nested_deeper_than_a_recorder_writes_is_refused(session):
    items = lines(session)
    deep: object = 1
    for _ in range(40):
        deep = [deep]
    items[2]["change"] = {"tokens": deep}
    write(session, items)
    assert "nested deeper than" in refused(session, 3)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_numbers_json_does_not_allow_are_refused(session, constant):
    text = session.read_text().splitlines()
    text[1] = text[1].replace('"time": ', f'"time": {constant}, "x": ', 1)
    write(session, text)
    refused(session, 2)


def test_a_line_longer_than_the_cap_is_refused(session, monkeypatch):
    text = session.read_text().splitlines()
    monkeypatch.setattr(fmt, "MAX_LINE_BYTES", len(text[0].encode()) + 100)
    assert check_session(read_session(session)).failed_line is None
    items = lines(session)
    items[1]["pad"] = "x" * (len(text[0]) + 200)
    write(session, items)
    assert "longer than" in refused(session, 2)
    monkeypatch.setattr(fmt, "MAX_LINE_BYTES", 1000)  # the header itself
    assert "longer than" in refused(session, 1)


def test_a_real_line_of_20_mb_is_refused_without_reading_it_whole(tmp_path):
    path = record(tmp_path / "s.jsonl")
    with open(path, "ab") as f:
        f.write(b'{"time": 0, "key": "' + b"x" * (20 * 1024 * 1024) + b'"}\n')
    assert "longer than" in refused(path, 5)


def test_files_too_big_or_with_too_many_lines_are_refused(session, monkeypatch):
    monkeypatch.setattr(fmt, "MAX_SESSION_BYTES", 1000)
    assert "limited to 1,000" in refused(session, None)
    monkeypatch.undo()
    monkeypatch.setattr(fmt, "MAX_ACTIONS", 2)
    assert "limited to 2 actions" in refused(session, 4)
    monkeypatch.undo()
    items = lines(session)
    items[1]["change"] = items[2]["change"] = {"sequence": "default"}
    write(session, items)
    monkeypatch.setattr(fmt, "MAX_CHANGES", 1)
    assert "model changes" in refused(session, 3)


@pytest.mark.parametrize(
    "terminal",
    [
        [],
        "100x30",
        None,
        {"columns": "abc", "rows": 30},
        {"columns": 1e308, "rows": 30},
        {"columns": -5, "rows": 30},
        {"columns": 100000, "rows": 30},
        {"columns": 100.0, "rows": 30},
        {"columns": True, "rows": 30},
        {"columns": 19, "rows": 30},
        {"columns": 100, "rows": "abc"},
        {"columns": 100, "rows": 1e308},
        {"columns": 100, "rows": -5},
        {"columns": 100, "rows": 100000},
        {"columns": 100, "rows": None},
        {"columns": 100000, "rows": 100000},
    ],
)
def test_a_terminal_of_the_wrong_type_or_size_is_a_message(session, terminal):
    items = lines(session)
    items[0]["terminal"] = terminal
    write(session, items)
    message = refused(session, 1)
    assert "terminal" in message


def test_the_terminal_is_bounded_and_defaults_when_absent(session):
    items = lines(session)
    del items[0]["terminal"]
    write(session, items)
    assert read_session(session).terminal == (80, 24)
    items[0]["terminal"] = {"columns": 1000, "rows": 500}
    write(session, items)
    assert read_session(session).terminal == (1000, 500)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("format", 5),
        ("format", "rnn-tui-session\x1b]2;x\x07"),
        ("version", "1"),
        ("version", True),
        ("version", 1.0),
        ("app_version", 5),
        ("created", ["x"]),
        ("scenario", "text"),
        ("scenario", None),
        ("scenario", []),
    ],
)
def test_header_fields_of_the_wrong_type_are_messages(session, field, value):
    items = lines(session)
    items[0][field] = value
    write(session, items)
    refused(session, 1)


def _set(path: tuple, value: object) -> Callable[[dict], None]:
    def change(item: dict) -> None:
        for key in path[:-1]:
            item = item[key]
        item[path[-1]] = value

    return change


def _drop(name: str) -> Callable[[dict], None]:
    return lambda item: item.pop(name)


ACTION_MUTATIONS = {
    "key-int": _set(("key",), 5),
    "key-null": _set(("key",), None),
    "key-list": _set(("key",), ["right"]),
    "action-dict": _set(("action",), {"a": 1}),
    "action-huge": _set(("action",), "x" * 5000),
    "state-int": _set(("state",), 0),
    "time-string": _set(("time",), "0.5"),
    "time-negative": _set(("time",), -1),
    "time-huge": _set(("time",), 1e300),
    "time-bool": _set(("time",), True),
    "view-list": _set(("view",), [1, 1, "forward", 1]),
    "view-string": _set(("view",), "t=1"),
    "view-t-string": _set(("view", "t"), "1"),
    "view-t-float": _set(("view", "t"), 1.5),
    "view-t-bool": _set(("view", "t"), True),
    "view-t-zero": _set(("view", "t"), 0),
    "view-t-huge": _set(("view", "t"), 10**40),
    "view-layer-null": _set(("view", "layer"), None),
    "view-unit-list": _set(("view", "unit"), [1]),
    "view-direction-int": _set(("view", "direction"), 5),
    "view-direction-control": _set(("view", "direction"), "\x1b]2;x\x07"),
    "change-list": _set(("change",), ["cell", "gru"]),
    "change-string": _set(("change",), "cell"),
    "no-key": _drop("key"),
    "no-view": _drop("view"),
    "no-state": _drop("state"),
    "no-time": _drop("time"),
}


@pytest.mark.parametrize("mutation", list(ACTION_MUTATIONS))
def test_action_fields_of_the_wrong_type_are_messages(session, mutation):
    items = lines(session)
    ACTION_MUTATIONS[mutation](items[2])
    write(session, items)
    refused(session, 3)


@pytest.mark.parametrize(
    "change",
    [
        {"cell": "bogus"},
        {"cell": 5},
        {"cell": ["gru"]},
        {"merge": {"x": 1}},
        {"tokens": "what time"},
        {"tokens": [1, 2]},
        {"tokens": []},
        {"tokens": ["what"] * 10_001},
        {"tokens": ["no-such-word" + RAW]},
        {"sequence": 5},
        {"sequence": "no such sequence" + RAW},
        {"scenario": 5},
        {"scenario": {"weights": {}, "text": 5}},
        {"cell": "gru", "tokens": ["what"]},
        {"exec": "rm -rf /"},
        {"screenshot": "/tmp/x.svg"},
        {RAW: 1},
    ],
)
def test_changes_outside_the_closed_set_are_messages(session, change):
    items = lines(session)
    items[2]["change"] = change
    write(session, items)
    refused(session, 3)


SCENARIO_MUTATIONS = {
    "text-int": _set(("text",), 5),
    "text-too-long": _set(("text",), "#" * (4 * 1024 * 1024 + 1)),
    "text-deep": _set(("text",), "x = " + "[" * 5000 + "]" * 5000),
    "text-not-toml": _set(("text",), "[[[ not toml" + RAW),
    "name-int": _set(("name",), 5),
    "path-list": _set(("path",), ["/etc/passwd"]),
    "sequence-int": _set(("sequence",), 5),
    "trained-string": _set(("trained",), "yes"),
    "tokens-string": _set(("tokens",), "what time"),
    "network-list": _set(("network",), ["gru"]),
    "network-cell": _set(("network", "cell"), "transformer"),
    "weights-list": _set(("weights",), []),
    "weights-sha-int": _set(("weights", "sha256"), 5),
    "weights-sha-wrong": _set(("weights", "sha256"), "0" * 64),
    "weights-embedded-int": _set(("weights", "embedded"), 7),
    "weights-embedded-junk": _set(("weights", "embedded"), "not base64 !"),
    "weights-embedded-not-npz": _set(("weights", "embedded"), "UEsDBAo="),
    "weights-path-int": _set(("weights", "path"), 5),
}


@pytest.mark.parametrize("mutation", list(SCENARIO_MUTATIONS))
def test_scenario_records_of_the_wrong_shape_are_messages(session, mutation):
    items = lines(session)
    header = json.loads(json.dumps(items[0]))
    SCENARIO_MUTATIONS[mutation](items[0]["scenario"])
    write(session, items)
    refused(session, 1)
    record = json.loads(json.dumps(header["scenario"]))  # the same in a change, line 3
    SCENARIO_MUTATIONS[mutation](record)
    items[0] = header
    items[2]["change"] = {"scenario": record}
    write(session, items)
    refused(session, 3)


def test_a_fifo_a_folder_or_a_device_is_not_read(tmp_path):
    fifo = tmp_path / "fifo.jsonl"
    os.mkfifo(fifo)
    signal.alarm(20)  # an open() of a fifo would block: fail rather than hang
    try:
        for path in (fifo, tmp_path, Path("/dev/zero")):
            with pytest.raises(SessionError) as caught:
                read_session(path)
            assert_names(caught.value, path, None)
    finally:
        signal.alarm(0)


def test_undecodable_bytes_and_junk_lines_are_messages(session):
    data = session.read_bytes().splitlines(keepends=True)
    for junk in (b"\xff\xfe\x00garbage\n", b"\n", b"[1, 2]\n", b'"a string"\n', b"\x1b[2J\n"):
        session.write_bytes(b"".join([data[0], junk, *data[1:]]))
        refused(session, 2)


def test_export_of_a_100000_square_terminal_is_a_message_at_once(session, tmp_path):
    items = lines(session)
    items[0]["terminal"] = {"columns": 100000, "rows": 100000}
    write(session, items)
    start = time.monotonic()
    done = run("export", str(session), "--cast", str(tmp_path / "out.cast"))
    assert time.monotonic() - start < 30
    assert done.returncode == 2, done.stderr
    assert "line 1" in done.stderr and "terminal.columns" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "out.cast").exists()


def test_export_sizes_are_bounded_before_rendering(session):
    from rnn_tui.session.export import MAX_EXPORT_CELLS, check_export_size, parse_size
    from rnn_tui.ui.replay import export_session

    assert parse_size("120x40") == (120, 40)
    for bad in ("99999x99999", "9x9", "abcxdef", "120", "1e3x40", "٣٠x٢٠", "120x40\x1b"):
        with pytest.raises(SessionError) as caught:
            parse_size(bad)
        assert is_visible(str(caught.value)) and "COLSxROWS" in str(caught.value)
    check_export_size(MAX_EXPORT_CELLS // (1000 * 500), 1000, 500)
    with pytest.raises(SessionError, match="choose a smaller --size"):
        check_export_size(MAX_EXPORT_CELLS // (1000 * 500) + 1, 1000, 500)
    recorded = read_session(session)
    recorded.actions = recorded.actions * 100  # 300 frames at 1000x500: refused at once
    start = time.monotonic()
    with pytest.raises(SessionError, match="smaller --size"):
        export_session(recorded, cast=session.with_suffix(".cast"), size=(1000, 500))
    with pytest.raises(SessionError):
        export_session(recorded, cast=session.with_suffix(".cast"), size=(99999, 99999))
    assert time.monotonic() - start < 5 and not session.with_suffix(".cast").exists()


# ---------------------------------------------------------------- 2. escaped at the boundary
def test_every_string_of_a_session_is_read_visible(session):
    items = lines(session)
    items[0]["scenario"]["name"] = "intent" + RAW
    items[0]["scenario"]["path"] = "/home/x/" + RAW + ".toml"
    items[0]["app_version"] = RAW
    items[1]["key"] = "ctrl+q" + RAW
    items[1]["action"] = "[@click=app.quit]" + RAW
    items[2]["change"] = {"tokens": ["what", "time" + RAW]}
    items[2]["note" + RAW] = RAW
    write(session, items)
    read = read_session(session)

    def strings(value: object) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield key
                if key != "text":
                    yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)

    found = list(strings(read.header))
    for action in read.actions:
        found += [action.key, action.action, action.state, *strings(action.change)]
    assert RAW not in "".join(found) and all(is_visible(s) for s in found)
    assert read.actions[0].key == "ctrl+q" + visible(RAW)
    assert read.actions[0].action.startswith("[@click=app.quit]␛]52;c;")
    assert read.header["scenario"]["name"] == "intent" + visible(RAW)
    assert read.actions[1].change == {"tokens": ["what", "time" + visible(RAW)]}


def test_messages_quoting_a_sessions_values_carry_no_control_characters(tmp_path):
    path = record(tmp_path / ("s" + RAW.replace("\x00", "") + ".jsonl"))
    items = lines(path)
    items[1]["state"] = "f" * 64
    items[1]["key"] = items[1]["action"] = RAW
    write(path, items)
    result = check_session(read_session(path))
    assert result.failed_line == 2 and is_visible(result.reason)
    assert visible(RAW) in result.reason and RAW not in result.reason
    done = run("replay", str(path), "--check")
    assert done.returncode == 1 and "line 2" in done.stderr
    assert is_visible(done.stderr, lines=True) and "\x1b" not in done.stdout + done.stderr
    items[1]["view"]["direction"] = RAW
    write(path, items)
    refused(path, 2)
    done = run("replay", str(path), "--check")
    assert done.returncode == 2 and is_visible(done.stderr, lines=True), done.stderr


VOCAB_SCENARIO = r"""
title = "tokens with control characters"
[model]
cell = "rnn"
hidden_size = 2
[weights]
seed = 1
[input]
tokens = ["a", "\u001b]2;x\u0007", "b"]
"""


def test_a_recorded_sentence_is_escaped_as_the_vocabulary_is(tmp_path):
    """A raw token in a recorded sentence is read visible, so it is the same token the
    loader made of the vocabulary's entry: the replay reads it, and checks."""
    scenario = parse_scenario(VOCAB_SCENARIO, name="v")
    assert scenario.vocab is not None and "␛]2;x␇" in scenario.vocab
    path = tmp_path / "s.jsonl"
    writer = SessionWriter(path, scenario, columns=80, rows=24)
    edited = scenario.with_tokens(["␛]2;x␇", "a"])
    view = View(t=1)
    writer.action(
        key="e",
        action="edit",
        view=view,
        state=state_hash(edited.trace(), view),
        change={"tokens": ["\x1b]2;x\x07", "a"]},
    )  # raw, as a hostile file has it
    assert writer.close() is None
    assert "\\u001b]2;x" in path.read_text(encoding="utf-8")  # JSON-escaped in the file
    session = read_session(path)
    assert session.actions[0].change == {"tokens": ["␛]2;x␇", "a"]}
    result = check_session(session)
    assert result.failed_line is None and result.checked == 1, result.reason


# ---------------------------------------------------------------- 3. self-contained
def test_a_session_of_scenarios_intent_checks_after_moving_it_and_changing_the_cwd(
    tmp_path, monkeypatch
):
    first = tmp_path / "first"
    first.mkdir()
    path = record(first / "s.jsonl", INTENT)
    header = lines(path)[0]["scenario"]
    assert header["path"] == "intent.toml"  # a name for information, not a place to read
    assert header["weights"]["embedded"] and header["weights"]["path"] is None
    moved = tmp_path / "elsewhere" / "deeper"
    moved.mkdir(parents=True)
    shutil.move(str(path), moved / "walk.jsonl")
    shutil.rmtree(first)
    away = tmp_path / "cwd"
    away.mkdir()
    monkeypatch.chdir(away)
    with opened_files() as opened:
        result = check_session(read_session(moved / "walk.jsonl"))
    assert result.failed_line is None and result.checked == 3, result.reason
    assert not [p for p in opened if p.endswith((".npz", ".toml", ".safetensors"))
                and not p.startswith("/tmp/tmp")]  # fmt: skip
    done = run("replay", str(moved / "walk.jsonl"), "--check", cwd=away)
    assert done.returncode == 0 and "all 3 recorded states match" in done.stdout, done.stderr


def test_weights_too_big_to_embed_travel_beside_the_session(tmp_path, monkeypatch):
    monkeypatch.setattr(fmt, "MAX_EMBEDDED_BYTES", 10)
    first = tmp_path / "first"
    first.mkdir()
    record(first / "s.jsonl", INTENT)
    header = lines(first / "s.jsonl")[0]["scenario"]["weights"]
    assert header == {"sha256": header["sha256"], "embedded": None, "path": "s.weights-1.npz"}
    moved = tmp_path / "moved"
    shutil.move(str(first), moved)
    monkeypatch.chdir(tmp_path)
    with opened_files() as opened:
        result = check_session(read_session(moved / "s.jsonl"))
    assert result.failed_line is None and result.checked == 3, result.reason
    weights = [p for p in opened if p.endswith(".npz")]
    assert weights == [str((moved / "s.weights-1.npz").resolve())]


@pytest.fixture
def secret(tmp_path) -> Path:
    """A valid .npz of intent's own weights outside the session's folder: opening it
    would work, so only a refusal keeps it closed."""
    outside = tmp_path / "outside"
    outside.mkdir()
    path = outside / "secret.npz"
    shutil.copy(BUILTIN_DIR / "intent.npz", path)
    return path.resolve()


def _hostile_text(reference: str) -> str:
    text = INTENT.read_text(encoding="utf-8")
    assert 'file = "intent.npz"' in text
    return text.replace('file = "intent.npz"', reference)


@pytest.mark.parametrize(
    "reference",
    [
        'file = "{secret}"',
        'file = "../outside/secret.npz"',
        'file = "../../outside/secret.npz"',
        '"fil\\u0065" = "{secret}"',
        "file = '{secret}'",
    ],
)
def test_the_embedded_scenarios_weights_file_is_never_opened(tmp_path, secret, reference):
    folder = tmp_path / "session"
    folder.mkdir()
    path = record(folder / "s.jsonl")
    items = lines(path)
    items[0]["scenario"]["text"] = _hostile_text(reference.format(secret=secret))
    items[0]["scenario"]["text"] = "\ufeff" + items[0]["scenario"]["text"]  # as the loader
    write(path, items)
    with opened_files() as opened:  # the recorded weights replace the file: it checks
        result = check_session(read_session(path))
    assert result.failed_line is None and result.checked == 3, result.reason
    assert str(secret) not in opened
    items[0]["scenario"]["weights"]["embedded"] = None  # now the session does not carry them
    write(path, items)
    with opened_files() as opened:
        message = refused(path, 1)
    assert "does not carry its weights" in message and str(secret) not in opened


def test_the_weights_file_in_a_change_is_never_opened_either(tmp_path, secret):
    folder = tmp_path / "session"
    folder.mkdir()
    path = record(folder / "s.jsonl")
    items = lines(path)
    record_ = json.loads(json.dumps(items[0]["scenario"]))
    record_["text"] = _hostile_text(f'file = "{secret}"')
    items[2]["change"] = {"scenario": record_}
    write(path, items)
    with opened_files() as opened:
        result = check_session(read_session(path))
    assert result.failed_line is None and str(secret) not in opened, result.reason


@pytest.mark.parametrize(
    "name",
    ["{secret}", "../outside/secret.npz", "sub/secret.npz", "link.npz", "fifo.npz",
     "secret.toml", "..", ".npz\x00x", "C:\\secret.npz"],
)  # fmt: skip
def test_a_weights_path_outside_the_sessions_folder_is_refused(tmp_path, secret, name):
    folder = tmp_path / "session"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(secret, folder / "sub" / "secret.npz")
    (folder / "link.npz").symlink_to(Path("..") / "outside" / "secret.npz")
    os.mkfifo(folder / "fifo.npz")
    (folder / "secret.toml").write_text("x = 1\n")
    path = record(folder / "s.jsonl")
    items = lines(path)
    weights = items[0]["scenario"]["weights"]
    weights["embedded"], weights["path"] = None, name.format(secret=secret)
    write(path, items)
    signal.alarm(20)  # opening the fifo would block
    try:
        with opened_files() as opened:
            message = refused(path, 1)
        assert "refusing the recorded weights file" in message
        assert str(secret) not in opened and not any(p.endswith("fifo.npz") for p in opened)
        header = lines(path)[0]
        items = lines(record(folder / f"t{len(name)}.jsonl"))
        items[2]["change"] = {"scenario": header["scenario"]}
        write(folder / "t.jsonl", items)
        with opened_files() as opened:
            refused(folder / "t.jsonl", 3)
        assert str(secret) not in opened
    finally:
        signal.alarm(0)


# ---------------------------------------------------------------- 4. writes
def test_the_recorder_refuses_the_scenario_and_any_file_it_would_replace(tmp_path):
    scenario_path = tmp_path / "mine.toml"
    shutil.copy(BUILTIN_DIR / "elman-by-hand.toml", scenario_path)
    before = scenario_path.read_bytes()
    scenario = load_scenario(scenario_path)
    with pytest.raises(WriteRefused, match="input of this command"):
        SessionWriter(scenario_path, scenario, columns=80, rows=24)
    assert scenario_path.read_bytes() == before
    kept = tmp_path / "keep.jsonl"
    kept.write_text("precious\n")
    with pytest.raises(WriteRefused, match="never replaces"):
        SessionWriter(kept, scenario, columns=80, rows=24)
    assert kept.read_text() == "precious\n"
    link = tmp_path / "link.jsonl"
    empty = tmp_path / "empty-target"
    empty.write_text("")
    link.symlink_to(empty)
    with pytest.raises(WriteRefused):
        SessionWriter(link, scenario, columns=80, rows=24)
    assert empty.read_text() == ""
    with pytest.raises(WriteRefused):
        SessionWriter(Path("/dev/full"), scenario, columns=80, rows=24)
    with pytest.raises(WriteRefused, match="built-in"):
        SessionWriter(BUILTIN_DIR / "new-session.jsonl", scenario, columns=80, rows=24)
    assert not (BUILTIN_DIR / "new-session.jsonl").exists()
    made = tmp_path / "made.jsonl"
    made.write_text("")  # an empty file made for the recording (mktemp) is used
    writer = SessionWriter(made, scenario, columns=80, rows=24)
    assert writer.close() is None and lines(made)[0]["format"] == "rnn-tui-session"


class _FullDisk:
    """The os module, but writes fail with ENOSPC after `allowed` successful ones (and
    fsync / close fail too when asked)."""

    def __init__(self, allowed: int, closing: bool = False) -> None:
        self.allowed, self.closing = allowed, closing

    def __getattr__(self, name: str):
        return getattr(os, name)

    def write(self, fd: int, data) -> int:
        if self.allowed <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.allowed -= 1
        return os.write(fd, data)

    def fsync(self, fd: int) -> None:
        if self.closing:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def close(self, fd: int) -> None:
        os.close(fd)
        if self.closing:
            raise OSError(errno.EIO, os.strerror(errno.EIO))


@pytest.mark.parametrize("closing", [False, True])
def test_a_full_disk_stops_the_recording_cleanly_and_keeps_its_lines(
    tmp_path, monkeypatch, closing
):
    path = tmp_path / "s.jsonl"
    scenario = load_scenario("intent")
    trace = scenario.trace()
    monkeypatch.setattr(fmt, "os", _FullDisk(allowed=3, closing=closing))
    writer = SessionWriter(path, scenario, columns=80, rows=24)
    views = [View(t=t) for t in (1, 2, 3, 4)]
    writer.action(key="right", action="step", view=views[0], state=state_hash(trace, views[0]))
    writer.action(key="right", action="step", view=views[1], state=state_hash(trace, views[1]))
    with pytest.raises(SessionWriteError) as caught:
        writer.action(key="right", action="step", view=views[2], state=state_hash(trace, views[2]))
    error = caught.value
    assert isinstance(error, OSError) and error.errno == errno.ENOSPC
    assert str(path) in str(error) and "3 lines before are kept" in str(error)
    with pytest.raises(SessionWriteError):  # stopped: no line after a failed one
        writer.action(key="right", action="step", view=views[3], state=state_hash(trace, views[3]))
    assert writer.close() is error and writer.close() is error  # never raises
    monkeypatch.undo()
    session = read_session(path)
    assert len(session.actions) == 2 and check_session(session).checked == 2


def test_a_failing_close_is_returned_not_raised(tmp_path, monkeypatch):
    path = tmp_path / "s.jsonl"
    monkeypatch.setattr(fmt, "os", _FullDisk(allowed=10, closing=True))
    writer = SessionWriter(path, load_scenario("intent"), columns=80, rows=24)
    failure = writer.close()
    assert isinstance(failure, SessionWriteError) and failure.errno == errno.ENOSPC
    assert writer.error is failure and writer.close() is failure


def test_the_apps_recorder_reports_a_full_disk_from_record_and_close(tmp_path, monkeypatch):
    from rnn_tui.present.view import Stage
    from rnn_tui.ui.recording import Recorder

    scenario = load_scenario("intent")
    stage = Stage(scenario)
    path = tmp_path / "s.jsonl"
    monkeypatch.setattr(fmt, "os", _FullDisk(allowed=2))
    recorder = Recorder(path, scenario, stage, columns=80, rows=24)
    app = SimpleNamespace(view=View(t=1), stage=stage, scenario=scenario)
    recorder.record(app, key="", action="start")  # type: ignore[arg-type]
    app.view = View(t=2)
    with pytest.raises(OSError) as caught:
        recorder.record(app, key="right", action="step")  # type: ignore[arg-type]
    assert recorder.lines == 1 and recorder.error is caught.value
    assert recorder.close() is caught.value
    monkeypatch.undo()
    assert [a.view.t for a in read_session(path).actions] == [1]


RLIMITED = """
import json, resource, signal, sys
from rnn_tui.scenario import load_scenario
from rnn_tui.session import SessionWriter, state_hash
from rnn_tui.present.position import View
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
scenario = load_scenario("intent")
trace = scenario.trace()
writer = SessionWriter(sys.argv[1], scenario, columns=80, rows=24)
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
written, error = 0, None
try:
    for t in [1, 2, 3, 4, 5] * 1000:
        view = View(t=t)
        writer.action(key="right", action="step", view=view, state=state_hash(trace, view))
        written += 1
except OSError as e:
    error = [type(e).__name__, e.errno, str(e)]
closed = writer.close()
print(json.dumps({"written": written, "error": error, "closed": str(closed)}))
"""


def test_a_real_write_failure_past_the_file_size_limit_is_clean(tmp_path):
    path = tmp_path / "s.jsonl"
    probe = record(tmp_path / "probe.jsonl", "intent", steps=0)
    limit = probe.stat().st_size + 2000
    done = subprocess.run([sys.executable, "-c", RLIMITED, str(path), str(limit)],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    out = json.loads(done.stdout)
    assert out["error"][0] == "SessionWriteError" and out["error"][1] == errno.EFBIG
    assert out["written"] > 3 and out["closed"] == out["error"][2]
    session = read_session(path)
    assert len(session.actions) == out["written"]
    assert check_session(session).checked == out["written"]


def test_sidecar_weights_never_replace_a_file(tmp_path, monkeypatch):
    monkeypatch.setattr(fmt, "MAX_EMBEDDED_BYTES", 10)
    stale = tmp_path / "s.weights-1.npz"
    stale.write_bytes(b"someone else's file")
    record(tmp_path / "s.jsonl", INTENT)
    assert stale.read_bytes() == b"someone else's file"
    assert lines(tmp_path / "s.jsonl")[0]["scenario"]["weights"]["path"] == "s.weights-2.npz"
    assert check_session(read_session(tmp_path / "s.jsonl")).checked == 3
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically: no temporary left


def test_an_export_never_writes_onto_the_session_or_its_weights(tmp_path, monkeypatch):
    from rnn_tui.session.export import write_cast
    from rnn_tui.ui.replay import export_session

    monkeypatch.setattr(fmt, "MAX_EMBEDDED_BYTES", 10)
    path = record(tmp_path / "keep.jsonl", INTENT, steps=1)
    before = path.read_bytes()
    recorded = read_session(path)
    sidecar = tmp_path / "keep.weights-1.npz"
    for target in (path, sidecar):
        with pytest.raises(WriteRefused, match="input of this command"):
            export_session(recorded, cast=target)
    with pytest.raises(WriteRefused):
        write_cast(path, [(0.0, "x")], width=80, height=24, inputs=[path])
    assert path.read_bytes() == before and check_session(read_session(path)).checked == 1
    named = tmp_path / "0001-step.svg"  # a session whose name an SVG would take
    shutil.copy(path, named)
    with pytest.raises(WriteRefused):
        export_session(read_session(named), svg_dir=tmp_path)
    assert named.read_bytes() == before
    done = run("export", str(path), "--cast", str(path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert path.read_bytes() == before


HOSTILE_SCENARIO = r"""
title = "[@click=app.quit]Intent\u001b]2;PWNED\u0007 \u202e[/]demo [b]x[/b]"
description = "Edit the [train] section \u001b[2J\u0000 [/] [@click=app.screenshot('/tmp/x')]"

[model]
cell = "rnn"
hidden_size = 3

[weights]
seed = 3

[input]
tokens = ["\u001b]52;c;QUFBQQ==\u0007", "hi\u0000", "\u202eevil", "[@click=app.quit]", "[/]", "s[t-1]"]
"""


def test_a_hostile_session_exports_well_formed_svg_and_a_cast_without_escapes(tmp_path):
    """Tokens and title with ESC, NUL, bidi and markup: every SVG parses as XML, and no
    sequence from the data (OSC 52 clipboard, OSC 2 title, a screen wipe) reaches the
    cast's frames; hostile action names never make a path."""
    from rnn_tui.ui.replay import export_session

    scenario = parse_scenario(HOSTILE_SCENARIO, name="hostile")
    folder = tmp_path / "session"
    folder.mkdir()
    path = folder / "hostile.jsonl"
    writer = SessionWriter(path, scenario, columns=100, rows=30)
    trace = scenario.trace()
    names = ["step", "../../../escaped", "\x1b]2;TITLE\x07", "screenshot", "[@click=app.quit]"]
    for t, name in enumerate(names, start=1):
        view = View(t=t)
        writer.action(key=RAW, action=name, view=view, state=state_hash(trace, view))
    assert writer.close() is None
    recorded = read_session(path)
    assert check_session(recorded).checked == len(names)
    out = tmp_path / "out"
    frames, width, height = export_session(recorded, cast=tmp_path / "x.cast", svg_dir=out)
    assert (frames, width, height) == (len(names), 100, 30)
    svgs = sorted(p.name for p in out.iterdir())
    assert svgs == ["0001-step.svg", "0002-change.svg", "0003-change.svg",
                    "0004-change.svg", "0005-change.svg"]  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "session", "x.cast"]
    for svg in out.iterdir():
        text = svg.read_text(encoding="utf-8")
        ET.fromstring(text)  # well-formed XML
        assert is_visible(text, lines=True), svg.name
    cast = (tmp_path / "x.cast").read_text(encoding="utf-8")
    assert "\x1b" not in cast  # JSON escapes the app's own sequences too
    events = [json.loads(line) for line in cast.splitlines()[1:]]
    screen = "".join(e[2] for e in events)
    for sequence in ("\x1b]52", "\x1b]2;", "\x07", "\x00", "\u202e", "\x9b", "\x1b[2J\x00"):
        assert sequence not in screen, repr(sequence)
    assert "␛]52;c;QUFBQQ==␇" in screen  # the token, shown escaped
    assert is_visible(json.loads(cast.splitlines()[0]).get("title", ""))


def test_a_nul_in_a_session_path_is_a_message_not_a_value_error(tmp_path):
    with pytest.raises(SessionError, match="file not found") as caught:
        read_session(tmp_path / "a\x00b.jsonl")
    assert is_visible(str(caught.value)) and "a␀b.jsonl" in str(caught.value)
    with pytest.raises(WriteRefused, match="NUL") as refused_write:
        SessionWriter(tmp_path / "a\x00b.jsonl", load_scenario("intent"), columns=80, rows=24)
    assert is_visible(str(refused_write.value))


def test_the_cast_and_the_svgs_never_collide(session, tmp_path):
    from rnn_tui.ui.replay import export_session

    recorded = read_session(session)
    for cast, svg in [("d", "d"), ("d/0001-step.svg", "d")]:
        with pytest.raises(WriteRefused, match="where the SVGs go"):
            export_session(recorded, cast=tmp_path / cast, svg_dir=tmp_path / svg)
        assert not (tmp_path / "d").exists()  # refused before anything is written


def test_a_session_cut_after_its_header_exports_its_first_screen(session, tmp_path):
    from rnn_tui.ui.replay import export_session

    header = session.read_bytes().split(b"\n")[0]
    session.write_bytes(header + b'\n{"time": 0.1, "ke')
    recorded = read_session(session)
    assert recorded.actions == [] and recorded.ends_mid_line
    assert export_session(recorded, cast=tmp_path / "x.cast", svg_dir=tmp_path / "svg") == (
        1, 100, 30,
    )  # fmt: skip
    events = (tmp_path / "x.cast").read_text(encoding="utf-8").splitlines()[1:]
    assert len(events) == 1 and "what" in json.loads(events[0])[2]  # intent's first token
    assert [p.name for p in (tmp_path / "svg").iterdir()] == ["0000-start.svg"]


def test_model_changes_are_bounded_by_the_work_they_cost(session, monkeypatch):
    import rnn_tui.session.verify as verify
    from rnn_tui.session.player import scenarios_of

    items = lines(session)
    gru = read_session(session)
    gru_scenario = fmt.restore_scenario(gru.header["scenario"], "x", session.parent)
    gru_scenario = gru_scenario.with_network(cell="gru")
    for item in items[1:]:
        item["change"] = {"cell": "gru"}  # each a fresh seeded GRU, the same each time
        item["state"] = state_hash(gru_scenario.trace(), View(**item["view"]))
    write(session, items)
    assert check_session(read_session(session)).checked == 3
    cost = verify.change_cost(gru_scenario)
    assert cost > verify.CHANGE_OVERHEAD
    monkeypatch.setattr(verify, "MAX_REPLAY_WORK", 2 * cost)  # two changes, not three
    assert "would compute more than" in refused(session, 4)
    with pytest.raises(SessionError, match="line 4: replaying"):
        scenarios_of(read_session(session))
    monkeypatch.setattr(verify, "MAX_REPLAY_WORK", 3 * cost)
    assert len(scenarios_of(read_session(session))[1]) == 3


def test_a_record_target_can_be_checked_before_the_app_starts(tmp_path):
    from rnn_tui.session import check_record_target

    scenario = tmp_path / "mine.toml"
    scenario.write_text("x = 1\n")
    (tmp_path / "empty.jsonl").write_text("")
    (tmp_path / "link.jsonl").symlink_to(tmp_path / "empty.jsonl")
    check_record_target(tmp_path / "new.jsonl", inputs=[scenario])
    check_record_target(tmp_path / "empty.jsonl", inputs=[scenario])
    for target, words in [
        (scenario, "input of this command"),
        (tmp_path / "link.jsonl", "never replaces"),
        (tmp_path, "a folder"),
        (Path("/dev/full"), "not a regular file"),
        (BUILTIN_DIR / "x.jsonl", "built-in"),
        (tmp_path / "a\x00.jsonl", "NUL"),
    ]:
        with pytest.raises(WriteRefused, match=words) as caught:
            check_record_target(target, inputs=[scenario])
        assert is_visible(str(caught.value))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.jsonl", "link.jsonl", "mine.toml"]


def test_a_recording_never_writes_onto_the_weights_file_its_scenario_read(tmp_path):
    data = Path(__file__).parent / "data"
    shutil.copy(data / "good.npz", tmp_path / "good.npz")
    shutil.copy(data / "good-npz.toml", tmp_path / "s.toml")
    scenario = load_scenario(tmp_path / "s.toml")
    assert scenario.weights_file == tmp_path / "good.npz"
    before = (tmp_path / "good.npz").read_bytes()
    with pytest.raises(WriteRefused, match="an input of this command"):
        SessionWriter(tmp_path / "good.npz", scenario, columns=80, rows=24)
    assert (tmp_path / "good.npz").read_bytes() == before
