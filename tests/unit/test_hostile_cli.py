"""The command line against hostile arguments, files and disks (issue 12, items 2, 5, 7, 8):
writes are atomic and never onto an input or into the built-ins, a full disk is a message,
nothing printed carries a raw control character, `trace --json` is valid JSON, and no
traceback reaches the user."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from rnn_tui.scenario import BUILTIN_DIR, load_scenario

ROOT = Path(__file__).resolve().parents[2]
APP_DATA = ROOT / "tests" / "app" / "data"
# What must never reach a terminal from data: C0 (but newline), DEL, C1, bidi controls.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
OSC_TITLE = "\x1b]2;pwned\x07"
OSC_CLIPBOARD = "\x1b]52;c;SGVsbG8=\x1b\\"


def invoke(capsys, *args: str) -> tuple[int, str, str]:
    """`rnn-tui ARGS` in this process: (exit status, stdout, stderr)."""
    from rnn_tui.cli import main

    try:
        main(list(args))
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


def run(*args: str, cwd: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
    """`rnn-tui ARGS` as a real process (30 s at most)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    if "stdout" not in kwargs and "stderr" not in kwargs:
        kwargs["capture_output"] = True
    return subprocess.run([sys.executable, "-m", "rnn_tui", *args], text=True, timeout=30,
                          cwd=cwd, env=env, **kwargs)  # fmt: skip


def assert_clean(*outputs: str) -> None:
    """No traceback and no raw control or bidi character in what the user sees."""
    for text in outputs:
        assert "Traceback" not in text
        assert RAW.search(text) is None, repr(text)


def one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def seeded_intent(folder: Path) -> Path:
    """The built-in intent scenario with seeded weights, as a user's own file."""
    text = (BUILTIN_DIR / "intent.toml").read_text(encoding="utf-8")
    text = text.replace('file = "intent.npz"\ntrained = true', "seed = 7")
    assert "seed = 7" in text
    path = folder / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def builtins_untouched():
    """The built-in scenarios' folder is the same after the test as before it."""
    before = {p.name: digest(p) for p in BUILTIN_DIR.rglob("*") if p.is_file()}
    yield
    after = {p.name: digest(p) for p in BUILTIN_DIR.rglob("*") if p.is_file()}
    assert after == before


@pytest.fixture(scope="module")
def session_file(tmp_path_factory) -> Path:
    """A short recorded session (three steps) at 80x24."""
    from rnn_tui.present.position import View
    from rnn_tui.session import SessionWriter, state_hash

    path = tmp_path_factory.mktemp("session") / "walk.jsonl"
    scenario = load_scenario(APP_DATA / "by-hand.toml")
    writer = SessionWriter(path, scenario, columns=80, rows=24)
    for t in (1, 2, 3):
        view = View(t)
        writer.action(key="right", action="step", view=view,
                      state=state_hash(scenario.trace(), view))  # fmt: skip
    writer.close()
    return path


# ---------------------------------------------------------------- item 7: writes
def test_train_of_a_builtin_trains_into_the_current_folder_and_says_so(
    tmp_path, monkeypatch, capsys, builtins_untouched
):
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(capsys, "train", "intent", "--epochs", "2")
    assert code == 0, err
    written = tmp_path / "intent.npz"
    assert f"weights written to {written}" in out
    assert f"intent is a built-in scenario, never written: training into {tmp_path}" in err
    assert "run again with --update for a copy of intent here" in out
    with np.load(written) as npz:
        assert "weight_hh_l0" in npz.files and "embedding.weight" in npz.files
    assert sorted(p.name for p in tmp_path.iterdir()) == ["intent.npz"]


def test_train_update_of_a_builtin_writes_a_copy_here_never_the_builtin(
    tmp_path, monkeypatch, capsys, builtins_untouched
):
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(capsys, "train", "intent", "--epochs", "2", "--update")
    assert code == 0, err
    copy = tmp_path / "intent.toml"
    assert (
        f"wrote {copy}, a copy of intent that reads its weights from {tmp_path / 'intent.npz'}"
        in out
    )
    data = tomllib.loads(copy.read_text(encoding="utf-8"))
    assert data["weights"] == {"file": "intent.npz", "trained": True}
    s = load_scenario(copy)
    assert s.trained and s.weights_source == "file"
    with np.load(tmp_path / "intent.npz") as npz:
        np.testing.assert_array_equal(s.network.params["weight_hh_l0"], npz["weight_hh_l0"])
    # the copy is the user's now: a second --update of the built-in does not overwrite it
    before = digest(copy)
    code, out, err = invoke(capsys, "train", "intent", "--epochs", "1", "--update")
    assert code == 2
    assert f"{copy} exists; to train that copy: rnn-tui train {copy} --update" in one_line(err)
    assert digest(copy) == before


def test_train_never_writes_into_the_builtins_even_when_asked(capsys, builtins_untouched):
    code, _out, err = invoke(capsys, "train", "intent", "-o", str(BUILTIN_DIR / "x.npz"))
    assert code == 2
    assert "refusing to write into the built-in scenarios' folder" in one_line(err)
    assert not (BUILTIN_DIR / "x.npz").exists()


def test_train_update_with_quotes_in_the_output_name_writes_valid_toml(tmp_path, capsys):
    path = seeded_intent(tmp_path)
    out_name = tmp_path / 'my "best" run.npz'
    code, out, err = invoke(capsys, "train", str(path), "--epochs", "2", "--update",
                            "-o", str(out_name))  # fmt: skip
    assert code == 0, err
    assert f"{path} now reads its weights from {out_name}" in out
    text = path.read_text(encoding="utf-8")
    assert tomllib.loads(text)["weights"] == {"file": 'my "best" run.npz', "trained": True}
    assert "input_size = 8        # embedding width" in text  # comments kept
    s = load_scenario(path)
    assert s.trained and s.weights_source == "file"


def test_train_refuses_to_write_onto_its_own_scenario(tmp_path, capsys):
    path = seeded_intent(tmp_path)
    before = digest(path)
    code, _out, err = invoke(capsys, "train", str(path), "-o", str(path))
    assert code == 2
    assert f"{path}: refusing to write onto {path}, an input of this command" in one_line(err)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.toml"]


def test_open_refuses_to_record_onto_its_scenario_before_the_app_starts(
    tmp_path, monkeypatch, capsys
):
    import rnn_tui.ui

    def no_app(*args, **kwargs):
        raise AssertionError("the app must not start")

    monkeypatch.setattr(rnn_tui.ui, "make_app", no_app)
    path = seeded_intent(tmp_path)
    before = digest(path)
    code, _out, err = invoke(capsys, str(path), "--record", str(path))
    assert code == 2
    assert "an input of this command" in one_line(err)
    assert digest(path) == before
    weights = tmp_path / "good.npz"  # nor onto the weights file it reads
    weights.write_bytes((ROOT / "tests/unit/data/good.npz").read_bytes())
    other = scenario_file(
        tmp_path, "other.toml", (ROOT / "tests/unit/data/good-npz.toml").read_text()
    )
    code, _out, err = invoke(capsys, str(other), "--record", str(weights))
    assert code == 2
    assert f"refusing to write onto {weights}, an input of this command" in one_line(err)
    code, _out, err = invoke(capsys, "--record", "/dev/full", str(path))
    assert code == 2
    assert one_line(err) == "Error: /dev/full: cannot write: not a regular file"
    kept = tmp_path / "yesterday.jsonl"  # a recording never replaces a file: said up front
    kept.write_text("the class of yesterday\n")
    code, _out, err = invoke(capsys, str(path), "--record", str(kept))
    assert code == 2
    assert "refusing to record into an existing file" in one_line(err)
    assert kept.read_text() == "the class of yesterday\n"


def test_export_refuses_to_write_onto_its_session(tmp_path, capsys):
    keep = tmp_path / "keep.jsonl"
    keep.write_text('{"format": "rnn-tui-session"}\n', encoding="utf-8")
    before = digest(keep)
    code, _out, err = invoke(capsys, "export", str(keep), "--cast", str(keep))
    assert code == 2
    assert f"{keep}: refusing to write onto {keep}, an input of this command" in one_line(err)
    assert digest(keep) == before


@pytest.mark.parametrize(
    "args",
    [
        ("train", "{mine}", "-o", "/dev/full"),
        ("train", "{mine}", "-o", "/dev/full", "--update"),
        ("new", "/dev/full"),
        ("new", "/dev/full", "--force"),
        ("export", "{session}", "--cast", "/dev/full"),
        ("export", "{session}", "--svg", "/dev/full"),
    ],
)
def test_writing_to_a_full_disk_is_one_line_and_exit_2(args, tmp_path, capsys, session_file):
    mine = seeded_intent(tmp_path)
    args = tuple(a.format(mine=mine, session=session_file) for a in args)
    code, out, err = invoke(capsys, *args)
    assert code == 2
    assert "/dev/full" in one_line(err) and one_line(err).startswith("Error: ")
    assert_clean(out, err)
    assert not Path("/dev/full.npz").exists() and not Path("/dev/full.toml").exists()


@pytest.mark.parametrize("args", [("list",), ("validate", "intent"), ("trace", "intent"),
                                  ("trace", "memory-fade")])  # fmt: skip
def test_standard_output_on_a_full_disk_is_one_line_and_exit_2(args):
    with open("/dev/full", "w") as full:
        done = run(*args, stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == 2
    assert done.stderr == "Error: standard output: cannot write: No space left on device\n"


def test_trace_into_a_closed_pipe_ends_quietly():
    done = subprocess.run(f"{sys.executable} -m rnn_tui trace memory-fade | head -c 10",
                          shell=True, capture_output=True, text=True, timeout=30, cwd=ROOT)  # fmt: skip
    assert done.stdout == '{"scenario'
    assert done.stderr == ""


@pytest.fixture
def full_disk(monkeypatch):
    """Every fsync fails as on a full disk (write_atomic fsyncs before it replaces)."""

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", fsync)


def test_a_full_disk_during_train_leaves_the_previous_weights_whole(tmp_path, capsys, full_disk):
    path = seeded_intent(tmp_path)
    old = tmp_path / "mine.npz"
    old.write_bytes(b"the previous weights")
    code, out, err = invoke(capsys, "train", str(path), "--epochs", "1", "--update")
    assert code == 2
    assert err.splitlines()[-1] == f"Error: {old}: cannot write: No space left on device"
    assert old.read_bytes() == b"the previous weights"
    assert "seed = 7" in path.read_text(encoding="utf-8")  # not updated
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.npz", "mine.toml"]  # no temporaries
    assert "weights written" not in out


def test_a_full_disk_during_new_leaves_the_previous_file_whole(tmp_path, capsys, full_disk):
    target = tmp_path / "mine.toml"
    target.write_text("# my notes\n", encoding="utf-8")
    code, _out, err = invoke(capsys, "new", str(target), "--force")
    assert code == 2
    assert one_line(err) == f"Error: {target}: cannot write: No space left on device"
    assert target.read_text(encoding="utf-8") == "# my notes\n"
    assert [p.name for p in tmp_path.iterdir()] == ["mine.toml"]


def test_a_full_disk_during_export_leaves_the_previous_cast_whole(
    tmp_path, capsys, session_file, monkeypatch
):
    cast = tmp_path / "walk.cast"
    cast.write_text("the previous cast\n", encoding="utf-8")
    import rnn_tui.files

    def fail(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(rnn_tui.files.os, "fsync", fail)
    code, _out, err = invoke(capsys, "export", str(session_file), "--cast", str(cast))
    assert code == 2
    assert one_line(err) == f"Error: {cast}: cannot write: No space left on device"
    assert cast.read_text(encoding="utf-8") == "the previous cast\n"


def test_export_writes_every_file_atomically_and_counts_them(tmp_path, capsys, session_file):
    svg = tmp_path / "svg"
    code, out, err = invoke(capsys, "export", str(session_file), "--cast", str(tmp_path / "w.cast"),
                            "--svg", str(svg))  # fmt: skip
    assert code == 0, err
    names = sorted(p.name for p in svg.iterdir())
    assert names == ["0001-step.svg", "0002-step.svg", "0003-step.svg"]
    assert f"wrote 3 SVG files into {svg}" in out
    header = json.loads((tmp_path / "w.cast").read_text(encoding="utf-8").splitlines()[0])
    assert (header["width"], header["height"]) == (80, 24)
    assert f"wrote {tmp_path / 'w.cast'}: 3 frames at 80x24" in out


# ---------------------------------------------------------------- item 5: messages, not tracebacks
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("nan", "Invalid value for '--lr': nan is not a finite number"),
        ("inf", "Invalid value for '--lr': inf is not in the range 0<x<=10."),
        ("-inf", "Invalid value for '--lr': -inf is not in the range 0<x<=10."),
        ("-1", "Invalid value for '--lr': -1.0 is not in the range 0<x<=10."),
    ],
)
def test_train_lr_must_be_a_finite_positive_number(value, message, tmp_path, capsys):
    path = seeded_intent(tmp_path)
    code, out, err = invoke(capsys, "train", str(path), "--lr", value)
    assert code == 2
    assert message in err
    assert not (tmp_path / "mine.npz").exists()


def test_replay_speed_must_be_finite(capsys, session_file):
    code, _out, err = invoke(capsys, "replay", str(session_file), "--speed", "nan")
    assert code == 2
    assert "Invalid value for '--speed': nan is not a finite number" in err


@pytest.mark.parametrize("size", ["99999x99999", "1001x40", "120x501", "19x40", "abc", "0x0",
                                  "１２０x40", "²x40", "120x40x1", "-5x40", ""])  # fmt: skip
def test_export_size_is_bounded_and_checked(size, tmp_path, capsys, session_file):
    code, out, err = invoke(capsys, "export", str(session_file), "--cast",
                            str(tmp_path / "o.cast"), "--size", size)  # fmt: skip
    assert code == 2
    line = one_line(err)
    assert "expected COLSxROWS from 20x10 to 1000x500, e.g. 120x40" in line
    assert_clean(out, err)
    assert not (tmp_path / "o.cast").exists()


def test_export_size_at_the_bounds_is_accepted(tmp_path, capsys, session_file):
    code, out, err = invoke(capsys, "export", str(session_file), "--cast",
                            str(tmp_path / "o.cast"), "--size", "20x10")  # fmt: skip
    assert code == 0, err
    assert "3 frames at 20x10" in out


@pytest.mark.parametrize(
    "terminal",
    [
        {"columns": "abc", "rows": 24},
        {"columns": 1e308, "rows": 24},
        {"columns": 100000, "rows": 100000},
        {"columns": 80, "rows": -3},
        {"columns": True, "rows": 24},
        [80, 24],
        "80x24",
    ],
)
def test_export_with_a_malformed_recorded_terminal_is_a_message(terminal, tmp_path, capsys,
                                                                 session_file):  # fmt: skip
    lines = session_file.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    header["terminal"] = terminal
    hostile = tmp_path / "hostile.jsonl"
    hostile.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n", encoding="utf-8")
    code, out, err = invoke(capsys, "export", str(hostile), "--cast", str(tmp_path / "o.cast"))
    assert code == 2
    line = one_line(err)
    assert str(hostile) in line and "terminal" in line
    assert_clean(out, err)
    assert not (tmp_path / "o.cast").exists()


def test_a_session_error_from_any_command_is_a_message(monkeypatch, capsys, tmp_path):
    import rnn_tui.session
    from rnn_tui.session import SessionError

    def broken(path):
        raise SessionError(f"{path}: line 1: terminal: expected a table")

    monkeypatch.setattr(rnn_tui.session, "read_session", broken)
    code, _out, err = invoke(capsys, "export", "s.jsonl", "--cast", str(tmp_path / "o.cast"))
    assert code == 2
    assert one_line(err) == "Error: s.jsonl: line 1: terminal: expected a table"


def test_an_os_error_escaping_a_command_names_the_file(monkeypatch, capsys):
    import rnn_tui.cli_scenario

    def denied(source):
        raise PermissionError(errno.EACCES, "Permission denied", "/secret/x\x1b[2J.toml")

    monkeypatch.setattr(rnn_tui.cli_scenario, "load_scenario", denied)
    code, out, err = invoke(capsys, "trace", "x.toml")
    assert code == 2
    assert one_line(err) == "Error: /secret/x␛[2J.toml: Permission denied"
    assert out == ""


def test_an_unexpected_exception_is_one_line_and_exit_70(monkeypatch, capsys):
    import rnn_tui.cli
    import rnn_tui.cli_scenario

    def bug(source):
        raise RuntimeError(f"boom {OSC_TITLE}")

    monkeypatch.setattr(rnn_tui.cli_scenario, "load_scenario", bug)
    monkeypatch.delenv("RNN_TUI_DEBUG", raising=False)
    code, out, err = invoke(capsys, "validate", "x.toml")
    assert code == 70
    assert err.splitlines() == [
        "rnn-tui: internal error: RuntimeError: boom ␛]2;pwned␇",
        "rnn-tui: this is a bug; please report it (RNN_TUI_DEBUG=1 shows the traceback)",
    ]
    assert_clean(out, err)
    monkeypatch.setenv("RNN_TUI_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        rnn_tui.cli.main(["validate", "x.toml"])


# ---------------------------------------------------------------- trace
def scenario_file(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


def reject(constant: str):
    raise AssertionError(f"not JSON: {constant}")


def test_trace_applies_the_apps_influence_limit_and_says_so(tmp_path):
    from rnn_tui.scenario.limits import INFLUENCE_STEPS

    steps = INFLUENCE_STEPS + 1
    words = ", ".join(['"a"', '"b"'] * (steps // 2) + ['"a"'] * (steps % 2))
    path = scenario_file(tmp_path, "long.toml", (
        'title = "long"\n[model]\ncell = "rnn"\nhidden_size = 2\n[weights]\nseed = 1\n'
        f"[input]\ntokens = [{words}]\n"
    ))  # fmt: skip
    done = run("trace", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stderr == f"influence not computed: T = {steps}, H = 2 would take too long\n"
    data = json.loads(done.stdout, parse_constant=reject)
    assert data["influence"] is None and len(data["inputs"]) == steps
    short = run("trace", "intent")
    assert short.stderr == ""
    assert np.array(json.loads(short.stdout)["influence"]).shape == (5, 5)


OVERFLOW = (Path(__file__).parent / "data" / "readout-overflow.toml").read_text()


def test_trace_json_has_no_nan_or_infinity_but_null_and_a_list_of_where(tmp_path):
    path = scenario_file(tmp_path, "overflow.toml", OVERFLOW)
    done = run("trace", str(path))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout, parse_constant=reject)  # no NaN, Infinity, -Infinity
    assert data["nonfinite"] == ["outputs", "probabilities"]
    assert data["outputs"][0] == [None, -1e308]  # 1e308·1 + 1e308 overflowed
    assert data["outputs"][2] == [1e308, 0.0]
    assert data["probabilities"][0] == [None, None]
    assert data["probabilities"][1] == [0.0, 1.0]
    assert run("trace", "intent").stdout.count('"nonfinite": []') == 1


def test_trace_to_dict_writes_every_non_finite_number_as_null():
    from rnn_tui.engine import Network, trace_to_dict

    net = Network("lstm", 2, 3, 1, True)
    trace = net.trace(np.zeros((4, 2)))
    trace.layers[0].backward.gates["f"][2, 1] = np.inf
    trace.layers[0].forward.h[0, 0] = np.nan
    influence = np.full((4, 4), -np.inf)
    data = trace_to_dict(trace, scenario="s", model={}, influence=influence)
    text = json.dumps(data, allow_nan=False)  # raises on any NaN or Infinity left
    back = json.loads(text)
    assert back["nonfinite"] == ["layers[0].forward.h", "layers[0].backward.gates.f",
                                 "influence"]  # fmt: skip
    assert back["layers"][0]["forward"]["h"][0][0] is None
    row = trace.layers[0].backward.gates["f"][2].tolist()
    assert back["layers"][0]["backward"]["gates"]["f"][2] == [row[0], None, row[2]]
    assert back["influence"] == [[None] * 4] * 4
    assert back["layers"][0]["forward"]["h"][1] == trace.layers[0].forward.h[1].tolist()


HOSTILE_TOKENS = """title = "\\u001b]2;pwned\\u0007 demo"
[model]
cell = "rnn"
hidden_size = 2
[weights]
seed = 1
[input]
tokens = ["\\u001b]52;c;SGVsbG8=\\u0007", "\\u202eevil", "ok\\u2066", "\\u009b31m"]
[output]
labels = ["\\u001b[2Jwipe", "fine"]
"""


def test_trace_json_strings_are_escaped(tmp_path):
    path = scenario_file(tmp_path, "hostile\x1b]2;x\x07.toml", HOSTILE_TOKENS)
    done = run("trace", str(path))
    assert done.returncode == 0, done.stderr
    assert_clean(done.stdout, done.stderr)
    assert "\\u001b" not in done.stdout  # not even as a JSON escape: escaped visibly
    data = json.loads(done.stdout, parse_constant=reject)
    assert data["tokens"] == ["␛]52;c;SGVsbG8=␇", "\\u202eevil", "ok\\u2066", "\\x9b31m"]
    assert data["labels"] == ["␛[2Jwipe", "fine"]
    assert data["scenario"] == "hostile␛]2;x␇"
    assert set(data["prediction"]) <= {"␛[2Jwipe", "fine"}  # one per step (readout "every")


# ---------------------------------------------------------------- item 8: the command line itself
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("validte", "x.toml"), "no such command or scenario 'validte'; did you mean validate?"),
        (("lst",), "no such command or scenario 'lst'; did you mean list?"),
        (("trian", "intent"), "no such command or scenario 'trian'; did you mean train?"),
        (("exprot", "s.jsonl"), "no such command or scenario 'exprot'; did you mean export?"),
    ],
)
def test_a_mistyped_command_is_named(args, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(capsys, *args)
    assert code == 2
    assert one_line(err) == f"Error: {message}"


def test_a_file_or_builtin_named_like_a_command_still_opens(capsys, tmp_path, monkeypatch):
    import rnn_tui.cli_common

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(rnn_tui.cli_common, "has_terminal", lambda: False)
    (tmp_path / "lst").write_text("title = 1\n", encoding="utf-8")
    code, _out, err = invoke(capsys, "lst")  # an existing file: opened, not corrected
    assert code == 2
    assert err.splitlines()[0] == "error: lst: title: expected a string, found 1"
    assert "did you mean" not in err
    code, _out, err = invoke(capsys, "deep")  # a built-in
    assert code == 2
    assert one_line(err) == "Error: rnn-tui needs a terminal; for scripts use trace --json"
    code, _out, err = invoke(capsys, "zzzzz")  # close to nothing: the loader's message
    assert code == 2
    assert "zzzzz: no such file or built-in scenario" in one_line(err)


def test_lang_may_come_after_the_subcommand():
    from rnn_tui.cli import _split_lang

    assert _split_lang(["serve", "--lang", "zh", "--port", "1"]) == (
        ["--lang", "zh"], ["serve", "--port", "1"])  # fmt: skip
    assert _split_lang(["trace", "x", "--lang=zh"]) == (["--lang=zh"], ["trace", "x"])
    assert _split_lang(["trace", "--", "--lang", "zh"]) == ([], ["trace", "--", "--lang", "zh"])
    zh_title = load_scenario(BUILTIN_DIR / "intent.toml").text.split('title = "')[2].split('"')[0]
    assert zh_title.startswith("意图识别")
    for args in (("validate", "--lang", "zh", "intent"), ("validate", "intent", "--lang=zh"),
                 ("--lang", "zh", "validate", "intent")):  # fmt: skip
        done = run(*args)
        assert done.returncode == 0, done.stderr
        assert zh_title in done.stdout
    done = run("trace", "intent", "--lang=zh")
    assert done.returncode == 0 and json.loads(done.stdout)["scenario"] == "intent"
    done = run("list", "--lang")
    assert done.returncode == 2 and "--lang needs a value: en, zh" in done.stderr


def test_without_a_terminal_the_app_does_not_start():
    done = run("intent", stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert done.returncode == 2
    assert done.stderr == "Error: rnn-tui needs a terminal; for scripts use trace --json\n"
    assert done.stdout == ""


def test_replay_without_a_terminal_does_not_start_but_check_runs(capsys, session_file):
    code, _out, err = invoke(capsys, "replay", str(session_file))  # pytest's stdin: no terminal
    assert code == 2
    assert one_line(err) == "Error: rnn-tui needs a terminal; for scripts use trace --json"
    code, out, err = invoke(capsys, "replay", str(session_file), "--check")
    assert code == 0, err
    assert f"{session_file}: all 3 recorded states match" in out


# ---------------------------------------------------------------- item 2: what the CLI prints
def test_validate_escapes_file_names_and_titles(tmp_path, capsys):
    good = scenario_file(tmp_path, "ok\x1b]2;x\x07\u202e.toml", HOSTILE_TOKENS)
    bad = scenario_file(tmp_path, "bad\x1b[2J.toml", "title = 1\n")
    code, out, err = invoke(capsys, "validate", str(good), str(bad))
    assert code == 2
    assert_clean(out, err)
    assert out == f"ok: {tmp_path}/ok␛]2;x␇\\u202e.toml: ␛]2;pwned␇ demo\n"
    assert f"error: {tmp_path}/bad␛[2J.toml: title: expected a string, found 1" in err


@pytest.mark.parametrize(
    "args",
    [
        ("trace", f"no{OSC_TITLE}such"),
        ("validate", f"{OSC_CLIPBOARD}.toml"),
        (f"x{OSC_TITLE}.toml",),
        ("train", f"x\u202e{OSC_TITLE}"),
        ("export", f"s{OSC_TITLE}.jsonl"),
        ("export", "s.jsonl", "--cast", "o.cast", "--size", f"1{OSC_TITLE}x2"),
        ("replay", f"s{OSC_TITLE}.jsonl", "--check"),
        ("list", f"--{OSC_TITLE}"),
        (f"lst{OSC_TITLE}",),
    ],
)
def test_hostile_arguments_are_echoed_escaped(args, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(capsys, *args)
    assert code == 2
    assert_clean(out, err)
    assert err.strip()


@pytest.mark.parametrize("name", [f"a{OSC_TITLE}", 'my "x"', "back\\slash", "a\u202eb"])
def test_new_with_a_hostile_name_writes_a_loadable_starter_or_nothing(name, tmp_path, capsys):
    target = tmp_path / name
    code, out, err = invoke(capsys, "new", str(target))
    assert_clean(out, err)
    written = list(tmp_path.iterdir())
    if code == 0:  # the name made a valid starter: it loads, its title escaped
        assert written == [tmp_path / f"{name}.toml"]
        assert_clean(load_scenario(written[0]).title)
    else:  # or it is refused with a message, and nothing is written
        assert code == 2
        assert "cannot make a starter scenario of this name" in one_line(err)
        assert written == []


def test_list_prints_no_raw_control_character():
    done = run("list")
    assert done.returncode == 0
    assert_clean(done.stdout, done.stderr)
    assert len(done.stdout.splitlines()) == len(list(BUILTIN_DIR.glob("*.toml")))


def test_new_makes_the_folders_of_its_path_but_never_in_the_builtins(
    tmp_path, capsys, builtins_untouched
):
    target = tmp_path / "[" / "[bold]x"  # `rnn-tui new '[/][bold]x'`: markup is a path here
    code, out, err = invoke(capsys, "new", str(target))
    assert code == 0, err
    assert out == f"wrote {target}.toml: open it with `rnn-tui {target}.toml`\n"
    assert load_scenario(Path(f"{target}.toml")).title == "[bold]x"
    code, _out, err = invoke(capsys, "new", str(BUILTIN_DIR / "sub" / "x"))
    assert code == 2
    assert "refusing to write into the built-in scenarios' folder" in one_line(err)
    assert not (BUILTIN_DIR / "sub").exists()


@pytest.mark.parametrize("name", ["intent", "bidirectional", "memory-fade-lstm"])
def test_trace_json_streams_the_same_json_as_the_whole_dict(name):
    import io

    from rnn_tui.engine.trace import trace_layout, trace_to_dict, write_trace_json

    s = load_scenario(name)
    trace, influence = s.trace(), s.influence()
    whole = trace_to_dict(trace, scenario=s.name, model=s.model_config(), influence=influence)
    streamed = io.StringIO()
    layout = trace_layout(trace, scenario=s.name, model=s.model_config(), influence=influence)
    write_trace_json(layout, streamed.write)
    assert streamed.getvalue() == json.dumps(whole, ensure_ascii=False, allow_nan=False)
