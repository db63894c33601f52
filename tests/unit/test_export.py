"""`rnn-tui export`: an asciicast v2 file of a session's frames (read back by the
asciinema package) and one SVG per action."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from rnn_tui.present.position import View
from rnn_tui.scenario import load_scenario
from rnn_tui.session import SessionWriter, read_session, state_hash
from rnn_tui.session.export import CLEAR, write_cast

DATA = Path(__file__).parents[1] / "app" / "data"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rnn_tui", *args],
                          capture_output=True, text=True, timeout=180, env=env)  # fmt: skip


@pytest.fixture(scope="module")
def session_file(tmp_path_factory) -> Path:
    """A short recorded walk, with a cell switch, at 90x28."""
    path = tmp_path_factory.mktemp("export") / "walk.jsonl"
    scenario = load_scenario(DATA / "snap-bidirectional.toml")
    writer = SessionWriter(path, scenario, columns=90, rows=28)
    views = [View(1), View(2), View(3, direction="both"), View(3, layer=2)]
    for i, view in enumerate(views):
        writer.action(key="right", action="step", view=view,
                      state=state_hash(scenario.trace(), view))  # fmt: skip
        if i == 1:
            scenario = scenario.with_network(cell="gru")
            writer.action(key="c", action="cell", view=view, change={"cell": "gru"},
                          state=state_hash(scenario.trace(), view))  # fmt: skip
    writer.close()
    return path


@pytest.fixture(scope="module")
def exported(session_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    done = run("export", str(session_file), "--cast", str(out / "walk.cast"),
               "--svg", str(out / "svg"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out, done


def test_the_cast_is_asciicast_v2_with_monotonic_timestamps(exported, session_file):
    out, _done = exported
    lines = (out / "walk.cast").read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["version"] == 2
    assert (header["width"], header["height"]) == (90, 28)
    assert isinstance(header["timestamp"], int)
    events = [json.loads(line) for line in lines[1:]]
    assert len(events) == len(read_session(session_file).actions) == 5
    times = [e[0] for e in events]
    assert times == sorted(times) and all(isinstance(t, (int, float)) for t in times)
    assert all(e[1] == "o" and isinstance(e[2], str) for e in events)
    assert "\x1b[" in events[0][2]  # ANSI text
    assert "gru" in events[-1][2] and "gru" not in events[0][2]


def test_the_asciinema_package_reads_the_cast(exported):
    from asciinema.asciicast import open_from_url

    out, _done = exported
    with open_from_url(str(out / "walk.cast")) as cast:
        header = cast.v2_header
        events = list(cast.events())
    assert header["version"] == 2 and header["width"] == 90
    assert len(events) == 5 and [e[1] for e in events] == ["o"] * 5


def test_every_frame_is_the_whole_screen_and_nothing_else(exported):
    """From the first on, each event clears the screen and draws it whole from the
    top-left, a line after the other: cursor moves, SGR and text, nothing a terminal
    driver writes besides (no alternate screen, mouse mode, cursor shape or title)."""
    out, _done = exported
    lines = (out / "walk.cast").read_text(encoding="utf-8").splitlines()
    height = json.loads(lines[0])["height"]
    for event in (json.loads(line) for line in lines[1:]):
        text = event[2]
        assert text.startswith(CLEAR + "\x1b[1;1H")
        body = text[len(CLEAR) :]
        rows = re.findall(r"\x1b\[(\d+);(\d+)H", body)
        assert rows == [(str(y + 1), "1") for y in range(height)]
        assert not re.sub(r"\x1b\[\d+;\d+H|\x1b\[[\d;]*m", "", body).count("\x1b")


def cast_without_timestamp(path: Path) -> list:
    header, *events = path.read_text(encoding="utf-8").splitlines()
    fields = json.loads(header)
    del fields["timestamp"]
    return [fields, *events]


def test_the_cast_is_truecolor_whatever_the_terminal_it_is_exported_from(
    exported, session_file, tmp_path
):
    """A cast is for other terminals: NO_COLOR, no COLORTERM, TERM=dumb or 16 colours
    declared to Textual where it is exported give the same file, in 24-bit colour."""
    out, _done = exported
    truecolor = dict(os.environ, COLORTERM="truecolor", TERM="xterm-256color")
    truecolor.pop("NO_COLOR", None)
    done = run("export", str(session_file), "--cast", str(tmp_path / "truecolor.cast"),
               env=truecolor)  # fmt: skip
    assert done.returncode == 0, done.stderr
    expected = cast_without_timestamp(tmp_path / "truecolor.cast")
    assert expected == cast_without_timestamp(out / "walk.cast")  # this shell's terminal
    assert all("\x1b[38;2;" in json.loads(e)[2] for e in expected[1:])
    bare = {k: v for k, v in os.environ.items() if k not in ("COLORTERM", "TERM")}
    for name, env in {
        "NO_COLOR": dict(bare, NO_COLOR="1"),
        "TERM=dumb": dict(bare, TERM="dumb"),
        "16 colours": dict(bare, TERM="linux", TEXTUAL_COLOR_SYSTEM="standard"),
    }.items():
        cast = tmp_path / f"{name}.cast"
        done = run("export", str(session_file), "--cast", str(cast), env=env)
        assert done.returncode == 0, done.stderr
        assert cast_without_timestamp(cast) == expected, name


def test_one_svg_per_action(exported, session_file):
    out, done = exported
    svgs = sorted((out / "svg").glob("*.svg"))
    assert len(svgs) == len(read_session(session_file).actions)
    assert svgs[0].name == "0001-step.svg" and svgs[2].name == "0003-cell.svg"
    assert svgs[0].read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert "5 SVG files" in done.stdout


def test_write_cast_makes_timestamps_monotonic(tmp_path):
    path = tmp_path / "x.cast"
    assert write_cast(path, [(0.5, "a"), (0.2, "b"), (1.0, "c")], width=80, height=24) == 3
    times = [json.loads(line)[0] for line in path.read_text().splitlines()[1:]]
    assert times == [0.5, 0.5, 1.0]


def test_export_errors_are_messages(tmp_path, session_file):
    done = run("export", str(session_file))
    assert done.returncode == 2 and "nothing to export" in done.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"format": "rnn-tui-session", "version": 7}\n')
    done = run("export", str(bad), "--cast", str(tmp_path / "x.cast"))
    assert done.returncode == 2 and "version 7" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.cast").exists()
    done = run("export", str(session_file), "--cast", str(tmp_path / "y.cast"), "--size", "9x9")
    assert done.returncode == 2 and "COLSxROWS" in done.stderr


def test_a_part_of_a_session_exports_those_actions_and_plays_from_its_start(
    session_file, exported, tmp_path
):
    whole, _done = exported
    done = run("export", str(session_file), "--cast", str(tmp_path / "part.cast"),
               "--svg", str(tmp_path / "svg"), "--actions", "2-4")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "3 frames" in done.stdout
    # the SVGs keep the numbers of their actions in the whole session
    assert (
        sorted(p.name for p in (tmp_path / "svg").iterdir())
        == sorted(p.name for p in (whole / "svg").iterdir())[1:4]
    )
    part = [json.loads(line) for line in (tmp_path / "part.cast").read_text().splitlines()[1:]]
    full = [json.loads(line) for line in (whole / "walk.cast").read_text().splitlines()[1:]]
    assert [e[2] for e in part] == [e[2] for e in full[1:4]]  # the same screens
    assert part[0][0] == 0.0
    assert [round(e[0] - part[0][0], 6) for e in part] == [
        round(e[0] - full[1][0], 6) for e in full[1:4]
    ]


@pytest.mark.parametrize("actions", ["0-2", "3-2", "1-6", "a-b", "-", "1-2-3", "99999999999"])
def test_actions_outside_the_session_are_a_message(session_file, tmp_path, actions):
    done = run("export", str(session_file), "--cast", str(tmp_path / "x.cast"),
               "--actions", actions)  # fmt: skip
    assert done.returncode == 2
    assert "--actions" in done.stderr and "1 ≤ A ≤ B ≤ 5" in done.stderr
    assert not (tmp_path / "x.cast").exists()


def test_more_frames_than_an_export_renders_at_once_are_refused_naming_the_way_out():
    from rnn_tui.session import SessionError
    from rnn_tui.session.export import MAX_EXPORT_FRAMES, check_export_size, parse_actions

    check_export_size(MAX_EXPORT_FRAMES, 20, 10)
    with pytest.raises(SessionError, match=r"--actions A-B, e.g. --actions 1-1000"):
        check_export_size(MAX_EXPORT_FRAMES + 1, 20, 10)
    assert parse_actions("1001-2000", 3000) == range(1000, 2000)
    assert parse_actions("7", 9) == range(6, 7)
