"""`rnn-tui trace --npz` and the streamed `--json` (issue 16): the .npz holds every array of
the JSON bit for bit (non-finite numbers kept where the JSON writes null), the JSON is
byte for byte what the writer before streaming wrote, a compact trace's blocks are
computed once for all of a direction's arrays, and the file is written atomically, never
onto an input or into the built-ins."""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import click
import numpy as np
import pytest

import rnn_tui.engine.compact as compact
import rnn_tui.engine.trace_files as trace_files
from rnn_tui.cli_trace import run_trace
from rnn_tui.engine import Network
from rnn_tui.engine.trace import JSON_ROWS, LayoutArray, trace_layout, write_trace_json
from rnn_tui.engine.trace_files import LAYOUT_KEY, write_trace_npz
from rnn_tui.scenario import BUILTIN_DIR, builtin_names, load_scenario

OVERFLOW = (Path(__file__).parent / "data" / "readout-overflow.toml").read_text()
"""A readout of ±1e308: its outputs overflow to inf and -1e308 (test_hostile_cli too)."""


def plain(layout: object, nonfinite: list[str]) -> object:
    """A trace_layout as plain data, every array converted whole with tolist() (a
    non-finite number as None, its path added to `nonfinite` once, in layout order)."""
    if isinstance(layout, LayoutArray):
        values = np.asarray(layout.array)
        if values.dtype.kind in "fc" and not np.isfinite(values).all():
            if layout.where not in nonfinite:
                nonfinite.append(layout.where)
            values = np.where(np.isfinite(values), values, None)
        return values.tolist()
    if isinstance(layout, dict):
        return {key: plain(value, nonfinite) for key, value in layout.items()}
    if isinstance(layout, list) and layout is not nonfinite:
        return [plain(value, nonfinite) for value in layout]
    return layout


def first_difference(a: str, b: str) -> str:
    """Where two long texts part (pytest's own diff of them is quadratic), "" if equal."""
    if a == b:
        return ""
    at = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return f"at {at}: {a[at - 20 : at + 20]!r} != {b[at - 20 : at + 20]!r}"


def whole_json(layout: dict) -> str:
    """What write_trace_json promises to stream: json.dumps of the whole layout as plain
    data (ensure_ascii=False, allow_nan=False), made here without streaming."""
    data = plain(layout, layout["nonfinite"])
    return json.dumps(data, ensure_ascii=False, allow_nan=False)


def traced(source: str, tmp_path: Path, capsys) -> tuple[dict, dict[str, np.ndarray]]:
    """run_trace with --json and --npz: (the JSON parsed, the .npz's arrays)."""
    text = io.StringIO()
    run_trace(load_scenario(source), as_json=True, npz=str(tmp_path / "t.npz"), write=text.write)
    capsys.readouterr()
    with np.load(tmp_path / "t.npz", allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    return json.loads(text.getvalue()), arrays


def same_numbers(numbers: list, array: np.ndarray, where: str) -> None:
    """A JSON array and an .npz array hold the same numbers: equal bit for bit where the
    JSON has a number, non-finite where it has null."""
    nulls = np.array(numbers, dtype=object) == None  # noqa: E711  # elementwise
    filled = np.array(np.where(nulls, 0.0, np.array(numbers, dtype=object)), dtype=np.float64)
    assert array.shape == filled.shape, where
    wide = array.astype(np.float64)  # float32 -> float64 is exact, as the JSON's numbers are
    bits = wide[~nulls].view(np.uint64)  # -0.0 is not 0.0
    assert np.array_equal(bits, filled[~nulls].view(np.uint64)), where
    assert np.isfinite(wide[~nulls]).all() and not np.isfinite(wide[nulls]).any(), where


def compare(data: object, skeleton: object, arrays: dict[str, np.ndarray]) -> int:
    """Walk the JSON and the .npz's layout together; how many arrays were compared."""
    if isinstance(skeleton, str) and skeleton in arrays and isinstance(data, list):
        same_numbers(data, arrays[skeleton], skeleton)
        return 1
    if isinstance(skeleton, dict):
        assert isinstance(data, dict) and list(data) == list(skeleton)
        return sum(compare(data[k], skeleton[k], arrays) for k in skeleton)
    if isinstance(skeleton, list) and skeleton and isinstance(skeleton[0], (dict, str)):
        assert isinstance(data, list) and len(data) == len(skeleton)
        return sum(compare(a, b, arrays) for a, b in zip(data, skeleton, strict=True))
    assert data == skeleton
    return 0


@pytest.mark.parametrize("name", ["intent", "memory-fade-lstm", "gru-gates", "deep"])
def test_the_npz_holds_every_array_of_the_json_bit_for_bit(name, tmp_path, capsys):
    data, arrays = traced(name, tmp_path, capsys)
    skeleton = json.loads(str(arrays[LAYOUT_KEY]))
    count = compare(data, skeleton, arrays)
    assert count == len(arrays) - 1  # every member but the layout is an array of the JSON
    s = load_scenario(name)
    trace = s.trace()
    assert np.array_equal(arrays["inputs"], s.inputs) and arrays["inputs"].dtype == s.inputs.dtype
    top = len(trace.layers) - 1
    assert np.array_equal(arrays[f"layers[{top}].output"], trace.layers[-1].output)
    if trace.layers[0].forward.c is not None:
        assert np.array_equal(arrays["layers[0].forward.c"], trace.layers[0].forward.c)
    gates = [k.rsplit(".", 1)[1] for k in arrays if k.startswith("layers[0].forward.gates.")]
    assert gates == list(s.network.spec.gate_names)
    assert ("influence" in arrays) == (data["influence"] is not None)


def test_non_finite_numbers_are_kept_in_the_npz_where_the_json_writes_null(tmp_path, capsys):
    path = tmp_path / "overflow.toml"
    path.write_text(OVERFLOW)
    data, arrays = traced(str(path), tmp_path, capsys)
    assert data["nonfinite"] == ["outputs", "probabilities"]
    assert json.loads(str(arrays[LAYOUT_KEY]))["nonfinite"] == ["outputs", "probabilities"]
    assert data["outputs"][0] == [None, -1e308]
    assert arrays["outputs"][0, 0] == np.inf and arrays["outputs"][0, 1] == -1e308
    assert np.isnan(arrays["probabilities"][0]).all()
    compare(data, json.loads(str(arrays[LAYOUT_KEY])), arrays)

    # NaN and -inf in the states too, and the order of `nonfinite` is the JSON's
    net = Network("lstm", 2, 3, 1, True)
    trace = net.trace(np.zeros((4, 2)))
    trace.layers[0].backward.gates["f"][2, 1] = np.inf
    trace.layers[0].forward.h[0, 0] = np.nan
    trace.layers[0].forward.h[1, 1] = -0.0  # "-0.0" in the JSON: the sign is kept in both
    influence = np.full((4, 4), -np.inf)
    text = io.StringIO()
    write_trace_json(trace_layout(trace, scenario="s", model={}, influence=influence), text.write)
    buffer = io.BytesIO()
    write_trace_npz(trace_layout(trace, scenario="s", model={}, influence=influence), buffer)
    npz = np.load(io.BytesIO(buffer.getvalue()), allow_pickle=False)
    data = json.loads(text.getvalue())
    where = ["layers[0].forward.h", "layers[0].backward.gates.f", "influence"]
    assert data["nonfinite"] == json.loads(str(npz[LAYOUT_KEY]))["nonfinite"] == where
    whole = whole_json(trace_layout(trace, scenario="s", model={}, influence=influence))
    assert not first_difference(text.getvalue(), whole)  # in rows, nulls and all: the same
    assert np.isnan(npz["layers[0].forward.h"][0, 0])
    assert np.signbit(npz["layers[0].forward.h"][1, 1]) and "-0.0" in text.getvalue()
    assert npz["layers[0].backward.gates.f"][2, 1] == np.inf
    assert (npz["influence"] == -np.inf).all()
    compare(data, json.loads(str(npz[LAYOUT_KEY])), {k: npz[k] for k in npz.files})


@pytest.mark.parametrize("name", builtin_names())
def test_the_streamed_json_is_byte_for_byte_the_whole_layout_dumped_at_once(name):
    s = load_scenario(name)
    trace, influence = s.trace(), s.influence()
    layout = trace_layout(trace, scenario=s.name, model=s.model_config(), influence=influence)
    now = io.StringIO()
    run_trace(s, write=now.write)
    assert not first_difference(now.getvalue(), whole_json(layout) + "\n")


@pytest.mark.parametrize("compact", [False, True])
def test_a_json_of_many_rows_is_the_whole_layout_dumped_at_once(compact):
    """More rows than one write (JSON_ROWS), from a full and from a compact trace."""
    steps = 2 * JSON_ROWS + 5
    net = Network("lstm", 2, 3, 1, True, output_size=2, seed=1)
    x = np.random.default_rng(0).standard_normal((steps, 2))
    trace = net.trace(x, compact=compact)
    text = io.StringIO()
    write_trace_json(trace_layout(trace, scenario="s", model={}), text.write)
    whole = whole_json(trace_layout(trace, scenario="s", model={}))
    assert not first_difference(text.getvalue(), whole), first_difference(text.getvalue(), whole)
    assert len(json.loads(text.getvalue())["layers"][0]["backward"]["c"]) == steps


@pytest.mark.parametrize(("cell", "step"), [("lstm", "_lstm_activations"), ("gru", "gru_step")])
def test_a_compact_trace_is_computed_once_per_block_for_all_of_its_arrays(cell, step, monkeypatch):
    rows = []  # how many rows each computation of gates covered
    original = getattr(compact, step)
    monkeypatch.setattr(
        compact, step, lambda first, *a: rows.append(len(first)) or original(first, *a)
    )
    net = Network(cell, 3, 5, 2, True, output_size=2, seed=2, dtype=np.float32)
    steps = 300 + 8 * 64  # 13 blocks: more than one writer's slice, the last one short
    inputs = np.random.default_rng(0).standard_normal((steps, 3)).astype(np.float32)
    trace = net.trace(inputs, compact=True)
    assert trace.compact
    buffer = io.BytesIO()
    write_trace_npz(trace_layout(trace, scenario="s", model={}), buffer)
    # each row of each direction and layer once, a slice of 8 blocks in one product
    assert rows == [8 * 64, steps - 8 * 64] * 2 * 2
    npz = np.load(io.BytesIO(buffer.getvalue()), allow_pickle=False)
    full = net.trace(inputs, compact=False)  # the compact rows agree with a full trace
    for k in range(2):
        for direction in ("forward", "backward"):
            d = getattr(trace.layers[k], direction)
            assert d.projection is not None
            np.testing.assert_allclose(
                np.asarray(d.projection), getattr(full.layers[k], direction).projection, atol=1e-5
            )
            where = f"layers[{k}].{direction}"
            for name, gate in d.gates.items():
                assert np.array_equal(npz[f"{where}.gates.{name}"], np.asarray(gate))
                full_gate = getattr(full.layers[k], direction).gates[name]
                np.testing.assert_allclose(npz[f"{where}.gates.{name}"], full_gate, atol=1e-5)
            if d.c is not None:
                assert np.array_equal(npz[f"{where}.c"], np.asarray(d.c))
            assert np.array_equal(npz[f"{where}.h"], d.h)
    text = io.StringIO()
    write_trace_json(trace_layout(trace, scenario="s", model={}), text.write)
    compare(json.loads(text.getvalue()), json.loads(str(npz[LAYOUT_KEY])), dict(npz))


def test_the_npz_is_a_plain_zip_and_the_same_trace_gives_the_same_bytes(tmp_path, capsys):
    run_trace(
        load_scenario("bidirectional"), as_json=False, npz=str(tmp_path / "a")
    )  # .npz appended
    run_trace(load_scenario("bidirectional"), as_json=False, npz=str(tmp_path / "b.npz"))
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"trace written to {tmp_path / 'a.npz'}\ntrace written to {tmp_path / 'b.npz'}\n"
    first, second = (tmp_path / "a.npz").read_bytes(), (tmp_path / "b.npz").read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "a.npz") as archive:
        assert archive.testzip() is None  # every member's CRC-32 checks
        names = archive.namelist()
        assert names[0] == "inputs.npy" and names[-1] == "layout.npy"
        assert "layers[0].backward.h.npy" in names
        assert all(i.compress_type == zipfile.ZIP_STORED for i in archive.infolist())
    assert sorted(tmp_path.iterdir()) == [tmp_path / "a.npz", tmp_path / "b.npz"]


def test_the_npz_is_never_written_onto_an_input_or_into_the_builtins(tmp_path, capsys):
    path = tmp_path / "overflow.toml"
    path.write_text(OVERFLOW)
    with pytest.raises(click.ClickException, match="refusing to write onto"):
        run_trace(load_scenario(str(path)), npz=str(path))  # .toml: refused before .npz is appended
    assert path.read_text() == OVERFLOW
    weights = BUILTIN_DIR / "intent.npz"
    with pytest.raises(click.ClickException, match="refusing to write onto"):
        run_trace(load_scenario("intent"), npz=str(weights))  # its weights are an input too
    with pytest.raises(click.ClickException, match="built-in scenarios' folder"):
        run_trace(load_scenario("intent"), npz=str(BUILTIN_DIR / "trace.npz"))
    assert not (BUILTIN_DIR / "trace.npz").exists()
    with pytest.raises(click.ClickException, match="not a regular file"):
        run_trace(load_scenario("intent"), npz="/dev/null")
    assert capsys.readouterr().out == ""  # refused before any JSON


def test_a_failed_npz_write_leaves_the_old_file_whole_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "t.npz"
    target.write_bytes(b"the old trace")

    def full_disk(layout: dict, file) -> None:
        file.write(b"part of a new one")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("rnn_tui.engine.trace_files.write_trace_npz", full_disk)
    with pytest.raises(click.ClickException, match="t.npz: cannot write: No space left"):
        run_trace(load_scenario("intent"), npz=str(target))
    assert target.read_bytes() == b"the old trace"
    assert list(tmp_path.iterdir()) == [target]


def test_a_large_json_is_written_whole_and_points_to_npz(monkeypatch, capsys):
    monkeypatch.setattr("rnn_tui.engine.trace.LARGE_JSON_NUMBERS", 20)
    text = io.StringIO()
    run_trace(load_scenario("intent"), write=text.write)
    err = capsys.readouterr().err
    assert err.startswith("the trace holds ") and "--npz FILE" in err
    assert json.loads(text.getvalue())["scenario"] == "intent"


def test_the_command_line_writes_the_npz_and_the_json_when_asked(tmp_path):
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "rnn_tui", "trace", *args],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    only = run("intent", "--npz", str(tmp_path / "x.npz"))
    assert (only.returncode, only.stdout) == (0, ""), only.stderr
    both = run("intent", "--json", "--npz", str(tmp_path / "y.npz"))
    assert both.returncode == 0, both.stderr
    assert json.loads(both.stdout)["scenario"] == "intent"
    assert (tmp_path / "x.npz").read_bytes() == (tmp_path / "y.npz").read_bytes()
    assert run("intent").stdout == both.stdout  # the JSON alone, as before


def test_the_npz_file_is_reserved_first_and_synced_while_it_is_written(tmp_path, monkeypatch):
    net = Network("lstm", 3, 5, 1, True, seed=2, dtype=np.float32)
    inputs = np.random.default_rng(0).standard_normal((200, 3)).astype(np.float32)
    layout = trace_layout(net.trace(inputs, compact=True), scenario="s", model={})
    synced, reserved = [], []
    monkeypatch.setattr(trace_files, "FLUSH_BYTES", 1000)
    monkeypatch.setattr(os, "fdatasync", lambda fd: synced.append(fd), raising=False)

    def fallocate(fd: int, offset: int, size: int) -> None:
        reserved.append(size)
        raise OSError(errno.EOPNOTSUPP, "not on this filesystem")  # then written as usual

    monkeypatch.setattr(os, "posix_fallocate", fallocate, raising=False)
    with open(tmp_path / "t.npz", "w+b") as f:
        write_trace_npz(layout, f)
        assert synced and set(synced) == {f.fileno()}
    with zipfile.ZipFile(tmp_path / "t.npz") as archive:
        assert archive.testzip() is None
        first, last = archive.infolist()[0], archive.infolist()[-1]
        assert (first.filename, last.filename) == ("inputs.npy", "layout.npy")
        assert reserved == [last.header_offset]  # every array's member, before the layout

    def full_disk(fd: int, offset: int, size: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "posix_fallocate", full_disk)
    read = []
    monkeypatch.setattr(compact, "_lstm_activations", lambda *a: read.append(1))
    # a fresh trace: the one written above has every block of gates and c cached
    fresh = trace_layout(net.trace(inputs, compact=True), scenario="s", model={})
    with open(tmp_path / "u.npz", "w+b") as f, pytest.raises(OSError, match="No space"):
        write_trace_npz(fresh, f)  # refused before anything is computed or written
    assert read == [] and (tmp_path / "u.npz").stat().st_size == 0
