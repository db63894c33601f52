"""Session files: writing, reading, `replay --check`, tampering, truncation, crashes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rnn_tui.present.position import View
from rnn_tui.scenario import load_scenario
from rnn_tui.session import (
    SessionError,
    SessionWriter,
    check_session,
    read_session,
    restore_scenario,
    scenario_record,
    state_hash,
)
from rnn_tui.session.verify import apply_change


def record(path: Path, name: str = "bidirectional") -> list[tuple[str, dict | None, View]]:
    """Record a short walk: steps, a direction change, a layer change, a merge switch, an
    edited sentence. Returns what was recorded."""
    scenario = load_scenario(name)
    writer = SessionWriter(path, scenario, columns=120, rows=40)
    walk = [
        ("right", None, View(t=2)),
        ("right", None, View(t=3)),
        ("d", None, View(t=3, direction="backward")),
        ("up", None, View(t=3, layer=2, direction="backward")),
        ("m", {"merge": "sum"}, View(t=3, layer=2, direction="both")),
        ("e", {"tokens": ["the", "mat", "sat"]}, View(t=1, layer=2, direction="both")),
        ("end", None, View(t=3, layer=2, direction="both")),
    ]
    trace = scenario.trace()
    for key, change, view in walk:
        if change:
            scenario = apply_change(scenario, change, "test")
            trace = scenario.trace()
        writer.action(key=key, action=key, view=view, state=state_hash(trace, view), change=change)
    writer.close()
    return walk


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rnn_tui", *args],
                          capture_output=True, text=True, timeout=60)  # fmt: skip


def test_a_recording_reads_back_and_checks(tmp_path):
    path = tmp_path / "s.jsonl"
    walk = record(path)
    session = read_session(path)
    assert session.header["format"] == "rnn-tui-session" and session.header["version"] == 1
    assert session.header["terminal"] == {"columns": 120, "rows": 40}
    assert session.header["app_version"] == __import__("rnn_tui").__version__
    assert session.header["created"][:2] == "20"  # an ISO timestamp
    recorded = session.header["scenario"]
    assert recorded["text"] == load_scenario("bidirectional").text  # the full scenario text
    assert len(recorded["weights"]["sha256"]) == 64
    assert recorded["weights"]["embedded"]  # small: inside the file, base64 .npz
    import base64

    assert base64.b64decode(recorded["weights"]["embedded"])[:2] == b"PK"  # a zip: .npz
    assert [a.view for a in session.actions] == [v for _, _, v in walk]
    assert [a.line for a in session.actions] == list(range(2, 2 + len(walk)))
    assert all(a.time >= 0 for a in session.actions)
    assert check_session(session).failed_line is None
    result = run("replay", str(path), "--check")
    assert result.returncode == 0, result.stderr
    assert f"all {len(walk)} recorded states match" in result.stdout


def test_every_line_is_flushed_as_it_is_written(tmp_path):
    path = tmp_path / "s.jsonl"
    writer = SessionWriter(path, load_scenario("elman-by-hand"), columns=80, rows=24)
    assert path.read_text().count("\n") == 1  # header on disk before any action
    trace = load_scenario("elman-by-hand").trace()
    writer.action(key="right", action="step", view=View(t=2), state=state_hash(trace, View(t=2)))
    assert path.read_text().count("\n") == 2  # no close needed
    writer.close()


def test_a_tampered_hash_names_its_line(tmp_path):
    path = tmp_path / "s.jsonl"
    record(path)
    lines = path.read_text().splitlines()
    data = json.loads(lines[3])  # the third action, line 4
    data["state"] = "0" * 64
    lines[3] = json.dumps(data)
    path.write_text("\n".join(lines) + "\n")
    result = run("replay", str(path), "--check")
    assert result.returncode == 1
    assert f"{path}: line 4: state differs after 'd' (key d)" in result.stderr
    assert "2 actions matched before it" in result.stderr


def test_tampered_weights_are_refused(tmp_path):
    path = tmp_path / "s.jsonl"
    record(path)
    lines = path.read_text().splitlines()
    header = json.loads(lines[0])
    header["scenario"]["weights"]["sha256"] = "f" * 64
    lines[0] = json.dumps(header)
    path.write_text("\n".join(lines) + "\n")
    result = run("replay", str(path), "--check")
    assert result.returncode == 2
    assert "line 1: the weights differ from the recorded ones" in result.stderr


def test_a_file_cut_mid_line_checks_its_whole_lines(tmp_path):
    path = tmp_path / "s.jsonl"
    record(path)
    text = path.read_text()
    path.write_text(text[: len(text) - 40])  # the last line loses its end
    session = read_session(path)
    assert session.ends_mid_line and len(session.actions) == 6
    result = run("replay", str(path), "--check")
    assert result.returncode == 0, result.stderr
    assert "all 6 recorded states match" in result.stdout
    assert "ends mid-line" in result.stdout


def test_a_corrupt_line_is_named(tmp_path):
    path = tmp_path / "s.jsonl"
    record(path)
    lines = path.read_text().splitlines()
    lines[2] = lines[2][: len(lines[2]) // 2]  # half a line, then the next one
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(SessionError, match=r"line 3: corrupt"):
        read_session(path)
    result = run("replay", str(path), "--check")
    assert result.returncode == 2 and f"{path}: line 3: corrupt" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            {"format": "rnn-tui-session", "version": 99},
            "session format version 99 is not supported",
        ),
        ({"format": "asciicast", "version": 2}, "not an rnn-tui session"),
    ],
)
def test_unknown_format_or_version_is_refused(tmp_path, header, message):
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps(header) + "\n")
    result = run("replay", str(path), "--check")
    assert result.returncode == 2 and message in result.stderr


def test_an_action_line_with_a_bad_view_is_named(tmp_path):
    path = tmp_path / "s.jsonl"
    record(path)
    lines = path.read_text().splitlines()
    data = json.loads(lines[1])
    data["view"]["direction"] = "sideways"
    lines[1] = json.dumps(data)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(SessionError, match=r"line 2: not an action line \(view.direction"):
        read_session(path)


RECORDER = """
import sys, time
from rnn_tui.scenario import load_scenario
from rnn_tui.session import SessionWriter, state_hash
from rnn_tui.present.position import View
scenario = load_scenario("intent")
trace = scenario.trace()
writer = SessionWriter(sys.argv[1], scenario, columns=80, rows=24)
t = 1
while True:  # record forever, until killed
    t = t % 5 + 1
    view = View(t=t)
    writer.action(key="right", action="step", view=view, state=state_hash(trace, view))
    time.sleep(0.002)
"""


def test_a_killed_recording_replays_up_to_its_last_whole_line(tmp_path):
    path = tmp_path / "killed.jsonl"
    proc = subprocess.Popen([sys.executable, "-c", RECORDER, str(path)])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (not path.exists() or path.read_text().count("\n") < 20):
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    session = read_session(path)
    assert len(session.actions) >= 19
    result = run("replay", str(path), "--check")
    assert result.returncode == 0, result.stderr
    assert f"all {len(session.actions)} recorded states match" in result.stdout


def test_big_weights_are_never_referenced_by_the_scenarios_path(tmp_path, monkeypatch):
    """Weights too big to embed go into a file beside the session (SessionWriter); a
    record with nowhere to put them is refused rather than pointing at the scenario's
    own file, and a record that names such a file (as sessions before issue 12 did)
    is refused on replay, without reading it: a session carries its weights."""
    import rnn_tui.session.format as fmt

    monkeypatch.setattr(fmt, "MAX_EMBEDDED_BYTES", 10)
    scenario = load_scenario("memory-fade-gru")
    with pytest.raises(SessionError, match="too big to embed"):
        scenario_record(scenario)
    rec = scenario_record(scenario, tmp_path / "s.weights-1.npz")
    assert rec["weights"]["embedded"] is None and rec["weights"]["path"] == "s.weights-1.npz"
    assert rec["path"] == "memory-fade-gru.toml"  # the file's name, for information only
    assert len(rec["weights"]["sha256"]) == 64
    restored = fmt.restore_scenario(rec, "here", tmp_path)
    assert restored.trained and restored.network.cell == "gru"
    old = dict(rec, weights=dict(rec["weights"], path=str(scenario.path)))
    with pytest.raises(SessionError, match="refusing the recorded weights file"):
        fmt.restore_scenario(old, "here", tmp_path)


# ---------------------------------------------------------------- fuzzing the reader
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_FUZZ_BASE: dict[str, bytes] = {}


def _base_session(tmp_dir: Path) -> bytes:
    if "text" not in _FUZZ_BASE:
        path = tmp_dir / "base.jsonl"
        record(path, "bidirectional")
        _FUZZ_BASE["text"] = path.read_bytes()
    return _FUZZ_BASE["text"]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzz_the_session_reader_and_checker(tmp_path, data):
    base = _base_session(tmp_path)
    start = data.draw(st.integers(0, len(base)))
    end = data.draw(st.integers(start, min(len(base), start + 40)))
    junk = data.draw(st.binary(max_size=30))
    path = tmp_path / "fuzzed.jsonl"
    path.write_bytes(base[:start] + junk + base[end:])
    try:
        result = check_session(read_session(path))
    except SessionError as e:
        assert str(e).startswith(str(path))  # a message naming the file, never a traceback
    else:
        assert result.checked >= 0


@pytest.mark.parametrize(
    "scenario",
    [
        [],
        "text",
        {"weights": 3},
        {"weights": {}, "text": 5},
        {"weights": {"embedded": 7}, "text": "x"},
    ],
)
def test_malformed_header_scenario_entries_are_messages(tmp_path, scenario):
    path = tmp_path / "s.jsonl"
    path.write_text(
        json.dumps({"format": "rnn-tui-session", "version": 1, "scenario": scenario}) + "\n"
    )
    with pytest.raises(SessionError, match="line 1"):
        check_session(read_session(path))


def test_a_change_that_is_not_an_object_is_a_message(tmp_path):
    path = tmp_path / "s.jsonl"
    record(path)
    lines = path.read_text().splitlines()
    data = json.loads(lines[1])
    data["change"] = ["cell", "lstm"]
    lines[1] = json.dumps(data)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(SessionError, match="line 2: change is not an object"):
        check_session(read_session(path))


def test_big_weights_made_in_the_app_go_into_a_file_beside_the_session(tmp_path, monkeypatch):
    """Weights over the embedding limit that exist in no scenario file (changed in the
    app, as training does) are written beside the session, named by path and sha256, and
    `replay --check` reads them from there; a missing or altered file is a message."""
    import rnn_tui.session.format as fmt

    monkeypatch.setattr(fmt, "MAX_EMBEDDED_BYTES", 10)
    scenario = load_scenario("elman-by-hand")
    path = tmp_path / "big.jsonl"
    writer = SessionWriter(path, scenario, columns=80, rows=24)
    trained = scenario.with_network()
    trained.network.set_params({k: v * 0.5 for k, v in scenario.network.params.items()})
    view = View(t=2)
    record = writer.scenario_record(trained)
    writer.action(key="t", action="train", view=view, state=state_hash(trained.trace(), view),
                  change={"scenario": record})  # fmt: skip
    writer.close()
    header = json.loads(path.read_text().splitlines()[0])["scenario"]["weights"]
    assert header["embedded"] is None and header["path"] == "big.weights-1.npz"
    assert record["weights"]["embedded"] is None
    assert record["weights"]["path"] == "big.weights-2.npz"
    assert (tmp_path / "big.weights-2.npz").is_file()
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    for f in tmp_path.glob("big*"):
        f.rename(moved / f.name)  # the session and its weights travel together
    result = check_session(read_session(moved / "big.jsonl"))
    assert result.failed_line is None and result.checked == 1, result.reason
    done = run("replay", str(moved / "big.jsonl"), "--check")
    assert done.returncode == 0, done.stderr
    (moved / "big.weights-2.npz").unlink()
    with pytest.raises(SessionError, match=r"line 2: the recorded weights file .* is missing"):
        check_session(read_session(moved / "big.jsonl"))


def test_weights_trained_in_the_app_replay_as_trained(tmp_path):
    """A seeded scenario trained while recording: its recorded record says trained, and
    the scenario the replay rebuilds from it is trained too (no "untrained" badge)."""
    scenario = load_scenario("bidirectional")
    assert not scenario.trained
    trained = scenario.with_network()
    trained.network.set_params({k: v * 0.5 for k, v in scenario.network.params.items()})
    trained.trained = True  # what the app's training does
    record = scenario_record(trained)
    assert record["trained"] is True and scenario_record(scenario)["trained"] is False
    assert restore_scenario(record, "line 2", tmp_path).trained
    assert not restore_scenario(scenario_record(scenario), "line 1", tmp_path).trained
