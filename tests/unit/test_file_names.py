"""Generated file names (rnn_tui.files): short, predictable, safe, and never taking a name
that is already used, even when another process takes it between the look and the write."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

from rnn_tui import files
from rnn_tui.files import (
    BUILTIN_DIR,
    WriteRefused,
    dated_name,
    first_free,
    numbered_name,
    safe_stem,
    save_new,
)


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("intent", "intent"),
        ("memory-fade_gru", "memory-fade_gru"),
        ("../x", "x"),
        ("../../etc/passwd", "etc-passwd"),
        ("意图", "rnn-tui"),
        ("意图 intent", "intent"),
        ("", "rnn-tui"),
        ("a b/c", "a-b-c"),
        ("\x1b]2;x\x07", "2-x"),
        ("-_-", "rnn-tui"),
        ("x" * 100, "x" * files.MAX_STEM),
        ("a" * 39 + " b", "a" * 39),  # cut at 40, and the cut's trailing - dropped
    ],
)
def test_safe_stem_keeps_ascii_words_only(name, stem):
    assert safe_stem(name) == stem


def test_numbered_and_dated_names():
    shot = numbered_name("intent", ".svg")
    assert [shot(n) for n in (1, 2, 999, 1000)] == [
        "intent-001.svg",
        "intent-002.svg",
        "intent-999.svg",
        "intent-1000.svg",
    ]
    session = dated_name("intent", ".jsonl", datetime.date(2026, 12, 5))
    assert [session(n) for n in (1, 2, 10)] == [
        "intent-2026-12-05-1.jsonl",
        "intent-2026-12-05-2.jsonl",
        "intent-2026-12-05-10.jsonl",
    ]
    today = datetime.date.today().isoformat()
    assert dated_name("x", ".jsonl")(1) == f"x-{today}-1.jsonl"


def test_first_free_skips_files_folders_and_broken_links(tmp_path):
    name_for = numbered_name("intent", ".svg")
    assert first_free(tmp_path, name_for) == tmp_path / "intent-001.svg"
    (tmp_path / "intent-001.svg").write_text("mine")
    (tmp_path / "intent-002.svg").mkdir()
    (tmp_path / "intent-003.svg").symlink_to(tmp_path / "nowhere")
    assert first_free(tmp_path, name_for) == tmp_path / "intent-004.svg"
    assert not (tmp_path / "intent-004.svg").exists()  # it only looks


def test_save_new_numbers_from_one_and_keeps_what_is_there(tmp_path):
    name_for = numbered_name("intent", ".svg")
    first = save_new(tmp_path, name_for, "<svg>1</svg>")
    assert first == tmp_path / "intent-001.svg" and first.read_text() == "<svg>1</svg>"
    theirs = tmp_path / "intent-002.svg"
    theirs.write_bytes(b"\x00their bytes\xff")
    os.chmod(theirs, 0o600)
    before = theirs.stat()
    second = save_new(tmp_path, name_for, b"<svg>2</svg>")
    assert second == tmp_path / "intent-003.svg" and second.read_bytes() == b"<svg>2</svg>"
    assert theirs.read_bytes() == b"\x00their bytes\xff"
    after = theirs.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_mode) == (
        before.st_ino,
        before.st_mtime_ns,
        before.st_mode,
    )
    assert first.read_text() == "<svg>1</svg>"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "intent-001.svg",
        "intent-002.svg",
        "intent-003.svg",
    ]  # no temporary file left
    umask = os.umask(0)
    os.umask(umask)
    assert (second.stat().st_mode & 0o777) == 0o666 & ~umask  # as any new file, not 0600


def test_save_new_skips_a_name_taken_between_the_look_and_the_write(tmp_path, monkeypatch):
    """Another process creates intent-001.svg just after save_new saw it free: the O_EXCL
    reservation fails, its file is kept byte for byte, ours takes the next number."""
    taken = tmp_path / "intent-001.svg"
    real_lexists = os.path.lexists

    def racing_lexists(path):
        free = not real_lexists(path)
        if Path(path) == taken and free:
            taken.write_bytes(b"the other process")  # right after we looked
        return not free

    monkeypatch.setattr(files.os.path, "lexists", racing_lexists)
    saved = save_new(tmp_path, numbered_name("intent", ".svg"), "ours")
    monkeypatch.undo()
    assert saved == tmp_path / "intent-002.svg" and saved.read_text() == "ours"
    assert taken.read_bytes() == b"the other process"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["intent-001.svg", "intent-002.svg"]


def test_save_new_refuses_the_builtins_and_leaves_nothing_there():
    before = sorted(p.name for p in BUILTIN_DIR.iterdir())
    with pytest.raises(WriteRefused, match="built-in scenarios"):
        save_new(BUILTIN_DIR, numbered_name("intent", ".toml"), "x")
    assert sorted(p.name for p in BUILTIN_DIR.iterdir()) == before


def test_save_new_into_a_missing_folder_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        save_new(tmp_path / "missing", numbered_name("intent", ".svg"), "x")
    assert not (tmp_path / "missing").exists()
