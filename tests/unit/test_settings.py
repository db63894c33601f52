"""The settings file and its precedence (rnn_tui.settings): flag > environment > file, a
hostile file never stopping anything, and `remember` writing only what the app changed."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from rnn_tui.files import BUILTIN_DIR
from rnn_tui.settings import (
    MAX_CONFIG_BYTES,
    SPEEDS,
    Settings,
    check,
    config_path,
    describe,
    load_settings,
)

RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
THEMES = ("nord", "gruvbox", "textual-dark", "dracula")


def load(config: Path, environ: dict[str, str] | None = None, **flags):
    return load_settings(
        environ={"RNN_TUI_CONFIG": str(config), **(environ or {})}, themes=THEMES, **flags
    )


@pytest.fixture
def config(tmp_path) -> Path:
    return tmp_path / "config.toml"


# --------------------------------------------------------------------------- where
def test_config_path_is_the_variable_else_the_platforms_config_folder(tmp_path, monkeypatch):
    assert config_path({"RNN_TUI_CONFIG": "/x/y.toml"}) == Path("/x/y.toml")
    assert config_path({"RNN_TUI_CONFIG": "~/y.toml"}) == Path.home() / "y.toml"
    if sys.platform.startswith("linux"):  # XDG_CONFIG_HOME: the conftest's, per test
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
        expected = tmp_path / "xdg" / "rnn-tui" / "config.toml"
        assert config_path({}) == expected
        assert config_path({"RNN_TUI_CONFIG": ""}) == expected  # empty: not set


def test_the_tests_never_touch_the_real_settings_file(own_settings_file):
    assert config_path() == own_settings_file
    assert "settings-home" in str(own_settings_file)
    assert load_settings()[0].path == own_settings_file


def test_describe_names_the_file_escaped_and_every_variable():
    text = describe(Path("/home/u/.config/rnn-tui\x1b]2;x\x07/config.toml"))
    assert text.startswith("\b\n")  # click's mark: the path's paragraph is not rewrapped
    text = text.removeprefix("\b\n")
    assert "/home/u/.config/rnn-tui␛]2;x␇/config.toml" in text and RAW.search(text) is None
    for word in ("RNN_TUI_CONFIG", "RNN_TUI_THEME", "RNN_TUI_LANG", "RNN_TUI_SPEED",
                 "RNN_TUI_FOLDER", "--theme", "--lang", "--speed", "--folder"):  # fmt: skip
        assert word in text


# --------------------------------------------------------------------------- precedence
def test_nothing_set_is_all_none_and_no_problem(config):
    settings, problems = load(config)
    assert settings == Settings(path=config) and problems == []
    assert settings.save_folder() == Path.cwd()


def test_flag_wins_over_environment_wins_over_file(config, tmp_path):
    by_file, by_env, by_flag = (tmp_path / name for name in ("file", "env", "flag"))
    for folder in (by_file, by_env, by_flag):
        folder.mkdir()
    config.write_text(
        f'theme = "nord"\nlanguage = "zh"\nspeed = 8\nfolder = "{by_file}"\n', encoding="utf-8"
    )
    settings, problems = load(config)
    assert (settings.theme, settings.language, settings.speed, settings.folder) == (
        "nord", "zh", 8.0, by_file,
    )  # fmt: skip
    assert problems == [] and isinstance(settings.speed, float)
    environ = {"RNN_TUI_THEME": "gruvbox", "RNN_TUI_LANG": "en", "RNN_TUI_SPEED": "0.5",
               "RNN_TUI_FOLDER": str(by_env)}  # fmt: skip
    settings, problems = load(config, environ)
    assert (settings.theme, settings.language, settings.speed, settings.folder) == (
        "gruvbox", "en", 0.5, by_env,
    )  # fmt: skip
    settings, problems = load(
        config, environ, theme="dracula", language="zh", speed=32, folder=str(by_flag)
    )
    assert (settings.theme, settings.language, settings.speed, settings.folder) == (
        "dracula", "zh", 32.0, by_flag,
    )  # fmt: skip
    assert problems == [] and settings.path == config
    assert settings.save_folder() == by_flag


def test_a_wrong_value_is_a_problem_and_the_next_source_decides(config):
    config.write_text('speed = 4\ntheme = "nord"\n', encoding="utf-8")
    environ = {"RNN_TUI_SPEED": "fast", "RNN_TUI_THEME": "nrod", "RNN_TUI_LANG": "fr"}
    settings, problems = load(config, environ)
    assert (settings.speed, settings.theme, settings.language) == (4.0, "nord", None)
    assert problems == [
        "RNN_TUI_THEME: no theme named 'nrod'; did you mean nord?",
        "RNN_TUI_LANG: 'fr' is not a language; one of: en, zh",
        "RNN_TUI_SPEED: must be a number, not 'fast'",
    ]
    settings, problems = load(config, speed=3.0)
    assert settings.speed == 4.0
    assert problems == ["--speed: 3.0 is not a playing speed; one of: 0.5, 1, 2, 4, 8, 16, 32"]


def test_an_empty_variable_counts_as_unset(config):
    config.write_text('theme = "nord"\n', encoding="utf-8")
    settings, problems = load(config, {"RNN_TUI_THEME": "", "RNN_TUI_SPEED": ""})
    assert settings.theme == "nord" and settings.speed is None and problems == []


def test_check_each_key():
    assert check("speed", 2) == 2.0 and check("language", "zh") == "zh"
    assert check("theme", "any-well-formed_name.1") == "any-well-formed_name.1"  # no list: ok
    for key, value in [("speed", True), ("speed", float("nan")), ("speed", float("inf")),
                       ("speed", "2"), ("language", "EN"), ("theme", ""), ("theme", 3),
                       ("theme", "a b"), ("theme", "x" * 65), ("folder", 1)]:  # fmt: skip
        with pytest.raises(ValueError):
            check(key, value)
    assert SPEEDS == (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)


def test_folder_is_absolute_and_must_be_a_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shots").mkdir()
    (tmp_path / "a-file").write_text("x")
    assert check("folder", "shots") == tmp_path / "shots"  # relative: to the current folder
    monkeypatch.setenv("HOME", str(tmp_path))
    assert check("folder", "~/shots") == tmp_path / "shots"
    with pytest.raises(ValueError, match="'a-file' is not a folder"):
        check("folder", "a-file")
    with pytest.raises(ValueError, match="is not a folder"):
        check("folder", "missing")
    with pytest.raises(ValueError, match="NUL"):
        check("folder", "a\0b")
    with pytest.raises(ValueError, match="built-in scenarios"):
        check("folder", str(BUILTIN_DIR))


# --------------------------------------------------------------------------- hostile files
HOSTILE = {
    "huge": (b'theme = "nord"\n' + b"#" * MAX_CONFIG_BYTES, "longer than 65,536 bytes; not read"),
    "binary": (b'theme = "nord"\n\xff\xfe\x00\x01', "not UTF-8 text (byte 15)"),
    "bad toml": (b'theme = "nord\nspeed = 4\n', "not valid TOML: "),
    "nul": (b'theme = "no\x00rd"\n', "not valid TOML: "),
    "deep": (b"theme = " + b"[" * 30000 + b"\n", "not valid TOML: nested too deeply"),
    "unknown key": (
        b'theme = "nord"\n"\\u001b[2J" = 1\n[colors]\nx = 1\n',
        "'␛[2J': unknown setting; the settings are theme, language, speed, folder",
    ),
    "wrong types": (
        b'theme = ["nord"]\nspeed = true\nlanguage = 1\nfolder = 2\n',
        "theme: must be a theme's name (text), not ['nord']",
    ),  # fmt: skip
    "control characters": (
        b'theme = "\\u001b]52;c;QUFB\\u0007\\u202e"\n',
        "theme: no theme named '␛]52;c;QUFB␇\\u202e'",
    ),
    "long value": (
        b'theme = "' + b"x" * 5000 + b'"\n',
        "theme: no theme named '" + "x" * 60 + "…'",
    ),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_file_is_a_problem_naming_it_never_an_exception(config, kind):
    content, expected = HOSTILE[kind]
    config.write_bytes(content)
    settings, problems = load(config, speed=2.0)
    assert problems, kind
    assert all(problem.startswith(f"{config}: ") for problem in problems), problems
    assert any(expected in problem for problem in problems), problems
    assert all(RAW.search(problem) is None and len(problem) < 300 for problem in problems)
    assert settings.speed == 2.0 and settings.path == config  # the rest still applies
    if kind not in ("unknown key",):
        assert settings.theme is None


def test_wrong_types_each_say_their_key(config):
    config.write_bytes(HOSTILE["wrong types"][0])
    settings, problems = load(config)
    assert settings == Settings(path=config)
    assert problems == [
        f"{config}: theme: must be a theme's name (text), not ['nord']",
        f"{config}: language: 1 is not a language; one of: en, zh",
        f"{config}: speed: must be a number, not True",
        f"{config}: folder: must be a folder's path (text), not 2",
    ]


def test_a_folder_a_fifo_or_a_broken_link_as_the_file(tmp_path):
    (tmp_path / "folder.toml").mkdir()
    (tmp_path / "link.toml").symlink_to(tmp_path / "nowhere")
    expected = {"folder.toml": "is not a regular file: a directory",
                "link.toml": "is a broken symbolic link"}  # fmt: skip
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo.toml")  # read without blocking: refused
        expected["fifo.toml"] = "is not a regular file: a fifo"
    for name, why in expected.items():
        settings, problems = load(tmp_path / name)
        assert problems == [f"{tmp_path / name}: {why}"]
        assert settings == Settings(path=tmp_path / name)


# --------------------------------------------------------------------------- remember
def test_remember_writes_the_file_and_it_reads_back(config):
    settings = Settings(path=config)
    assert settings.remember(speed=4, theme="nord") is None
    assert settings.speed == 4.0 and settings.theme == "nord"
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# rnn-tui settings")
    assert 'theme = "nord"' in text and "speed = 4.0" in text
    assert settings.remember(language="zh") is None
    loaded, problems = load(config)
    assert problems == []
    assert (loaded.theme, loaded.speed, loaded.language) == ("nord", 4.0, "zh")
    assert settings.remember(theme=None) is None  # None removes the key
    assert load(config)[0].theme is None
    assert sorted(p.name for p in config.parent.iterdir()) == ["config.toml"]  # no temporary


def test_remember_creates_the_folder_and_without_a_path_writes_nothing(tmp_path):
    config = tmp_path / "a" / "b" / "config.toml"
    assert Settings(path=config).remember(speed=8) is None
    assert load(config)[0].speed == 8.0
    settings = Settings()
    assert settings.remember(speed=16) is None and settings.speed == 16.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]


def test_remember_writes_what_changed_not_this_runs_flags(config):
    config.write_text(
        '# my settings\ntheme = "nord"  # for the projector\nextra = "kept"\n', encoding="utf-8"
    )
    settings, problems = load(config, theme="gruvbox", speed=32)  # flags for this run
    assert settings.theme == "gruvbox"
    assert problems == [
        f"{config}: 'extra': unknown setting; the settings are theme, language, speed, folder"
    ]
    assert settings.remember(language="zh") is None
    assert config.read_text(encoding="utf-8") == (
        '# my settings\ntheme = "nord"  # for the projector\nextra = "kept"\nlanguage = "zh"\n'
    )
    assert settings.remember(theme="dracula") is None  # now the user changed the theme
    assert 'theme = "dracula"' in config.read_text(encoding="utf-8")
    assert "speed" not in config.read_text(encoding="utf-8")


def test_remember_of_an_unchanged_value_does_not_write(config):
    settings = Settings(path=config)
    settings.remember(speed=2)
    before = config.stat()
    settings.remember(speed=2.0)
    after = config.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_remember_is_atomic_and_keeps_the_old_file_when_the_write_fails(config, monkeypatch):
    from rnn_tui import files

    Settings(path=config).remember(theme="nord")
    old = config.read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)
    message = Settings(path=config).remember(theme="dracula")
    monkeypatch.undo()
    assert message == f"Could not save the settings in {config}: No space left on device"
    assert config.read_bytes() == old
    assert sorted(p.name for p in config.parent.iterdir()) == ["config.toml"]


def test_remember_where_it_may_not_write_is_a_message(config, monkeypatch):
    from rnn_tui import files

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", denied)  # as in a read-only folder, as root
    settings = Settings(path=config)
    assert (
        settings.remember(speed=4) == f"Could not save the settings in {config}: Permission denied"
    )
    assert settings.speed == 4.0 and not config.exists()


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes into read-only folders"
)
def test_remember_in_a_read_only_folder_is_a_message(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    os.chmod(folder, 0o500)
    try:
        settings = Settings(path=folder / "config.toml")
        message = settings.remember(speed=4)
        assert (
            message == f"Could not save the settings in {folder / 'config.toml'}: Permission denied"
        )
        assert settings.speed == 4.0  # kept for this run
        message = Settings(path=folder / "sub" / "config.toml").remember(speed=4)
        assert message is not None and "Permission denied" in message
    finally:
        os.chmod(folder, 0o700)
    assert list(folder.iterdir()) == []


def test_remember_where_a_file_stands_in_the_way_is_a_message(tmp_path):
    (tmp_path / "not-a-folder").write_text("mine")
    settings = Settings(path=tmp_path / "not-a-folder" / "config.toml")
    message = settings.remember(theme="nord")
    assert message is not None
    assert message.startswith(f"Could not save the settings in {settings.path}: ")
    assert settings.theme == "nord" and (tmp_path / "not-a-folder").read_text() == "mine"


def test_remember_leaves_a_file_with_errors_alone(config, tmp_path):
    broken = b'theme = "nord\n# my notes\x1b\n'
    config.write_bytes(broken)
    message = Settings(path=config).remember(speed=4)
    assert message is not None
    assert message.startswith(f"{config} was not changed, since it has an error (")
    assert message.endswith("); fix or remove it") and RAW.search(message) is None
    assert config.read_bytes() == broken
    deep = tmp_path / "deep.toml"
    deep.write_bytes(b"theme = " + b"[" * 30000 + b"\n")
    message = Settings(path=deep).remember(speed=4)
    assert message is not None and message.startswith(f"{deep} was not changed, since it has")
    assert deep.read_bytes() == b"theme = " + b"[" * 30000 + b"\n"
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (MAX_CONFIG_BYTES + 1))
    message = Settings(path=big).remember(speed=4)
    assert message == f"Could not save the settings in {big}: longer than 65,536 bytes; not read"
    assert big.read_bytes() == b"#" * (MAX_CONFIG_BYTES + 1)
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    message = Settings(path=folder).remember(speed=4)
    assert message == (
        f"Could not save the settings in {folder}: is not a regular file: a directory"
    )
    assert list(folder.iterdir()) == []


def test_remember_through_a_link_writes_the_linked_file(tmp_path):
    real = tmp_path / "dotfiles" / "rnn-tui.toml"
    real.parent.mkdir()
    real.write_text('theme = "nord"\n', encoding="utf-8")
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    assert Settings(path=link).remember(speed=4) is None
    assert link.is_symlink() and real.read_text(encoding="utf-8") == 'theme = "nord"\nspeed = 4.0\n'


def test_remember_refuses_the_builtins(tmp_path):
    before = sorted(p.name for p in BUILTIN_DIR.iterdir())
    message = Settings(path=BUILTIN_DIR / "config.toml").remember(speed=4)
    assert message is not None and "built-in scenarios" in message
    assert sorted(p.name for p in BUILTIN_DIR.iterdir()) == before


def test_remember_checks_what_it_is_given(config):
    settings = Settings(path=config)
    with pytest.raises(TypeError):
        settings.remember(colour="red")
    message = settings.remember(speed=3, theme="nord")  # a wrong value: nothing changes
    assert message == "speed: 3 is not a playing speed; one of: 0.5, 1, 2, 4, 8, 16, 32"
    assert settings == Settings(path=config) and not config.exists()
