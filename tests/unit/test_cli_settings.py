"""The command line and the settings: `rnn-tui --help` says where the file is, `open`'s
--theme / --speed / --folder, the file's problems as warnings, and the language's
precedence (--lang > RNN_TUI_LANG > the file > LANG / LC_ALL > en)."""

from __future__ import annotations

import re

import pytest
from test_hostile_cli import invoke

from rnn_tui.i18n import set_language

RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(autouse=True)
def english_after():
    """main() sets the language for the process: English again after each test."""
    yield
    set_language("en")


@pytest.fixture
def opened(monkeypatch):
    """`rnn-tui open` up to the app: the settings make_app was given (the app not run)."""
    import rnn_tui.cli_common
    import rnn_tui.ui

    seen: dict = {}

    class NoApp:
        return_code = 0

        def run(self) -> None:
            pass

    def fake_make_app(scenario, *, record=None, settings=None, size=None):
        seen.update(scenario=scenario, record=record, settings=settings)
        return NoApp()

    monkeypatch.setattr(rnn_tui.ui, "make_app", fake_make_app)
    monkeypatch.setattr(rnn_tui.cli_common, "has_terminal", lambda: True)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    return seen


def test_help_says_where_the_settings_file_is(capsys, monkeypatch, tmp_path):
    config = tmp_path / "my config\x1b]2;x\x07" / "config.toml"
    monkeypatch.setenv("RNN_TUI_CONFIG", str(config))
    code, out, err = invoke(capsys, "--help")
    assert code == 0 and err == ""
    shown = str(config).replace("\x1b", "␛").replace("\x07", "␇")
    assert f"Settings (theme, language, speed, folder) are kept in:\n    {shown}\n" in out
    assert RAW.search(out) is None
    for word in ("RNN_TUI_CONFIG", "RNN_TUI_THEME", "RNN_TUI_LANG", "RNN_TUI_SPEED",
                 "RNN_TUI_FOLDER"):  # fmt: skip
        assert word in out
    assert not config.parent.exists()  # looking is not writing


def test_help_names_the_platforms_folder_without_the_variable(capsys, monkeypatch, tmp_path):
    import sys

    if not sys.platform.startswith("linux"):
        pytest.skip("XDG_CONFIG_HOME is Linux's")
    monkeypatch.delenv("RNN_TUI_CONFIG")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    code, out, _err = invoke(capsys, "--help")
    assert code == 0 and f"    {tmp_path / 'xdg' / 'rnn-tui' / 'config.toml'}\n" in out


def test_open_takes_theme_speed_and_folder_for_this_run(capsys, opened, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    monkeypatch.setenv("RNN_TUI_CONFIG", str(config))
    config.write_text('theme = "dracula"\nspeed = 8\n', encoding="utf-8")
    monkeypatch.setenv("RNN_TUI_THEME", "gruvbox")
    code, out, err = invoke(capsys, "open", "intent", "--speed", "4", "--folder", str(tmp_path))
    assert code == 0 and err == "", err
    settings = opened["settings"]
    assert (settings.theme, settings.speed, settings.folder, settings.language) == (
        "gruvbox", 4.0, tmp_path, None,
    )  # fmt: skip
    assert settings.path == config
    code, _out, err = invoke(capsys, "--lang", "zh", "intent", "--theme", "nord")
    assert code == 0, err
    settings = opened["settings"]
    assert (settings.theme, settings.speed, settings.language) == ("nord", 8.0, "zh")
    assert config.read_text(encoding="utf-8") == 'theme = "dracula"\nspeed = 8\n'  # not written


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--speed", "3"], "Invalid value for '--speed': 3.0 is not a playing speed; one of: 0.5, 1, 2, 4, 8, 16, 32"),
        (["--speed", "nan"], "Invalid value for '--speed': nan is not a playing speed"),
        (["--theme", "nrod"], "Invalid value for '--theme': no theme named 'nrod'; did you mean nord?"),
        (["--theme", "\x1b]2;x\x07"], "Invalid value for '--theme': no theme named '␛]2;x␇'"),
        (["--folder", "missing"], "Invalid value for '--folder': 'missing' is not a folder"),
    ],
)  # fmt: skip
def test_a_wrong_flag_is_refused_before_the_app(
    capsys, opened, args, message, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(capsys, "intent", *args)
    assert code == 2 and out == ""
    assert message in err and RAW.search(err) is None
    assert opened == {}  # no app


def test_the_files_problems_are_warnings_and_the_app_starts(capsys, opened, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    monkeypatch.setenv("RNN_TUI_CONFIG", str(config))
    config.write_bytes(b'theme = "\\u001b]0;pwned\\u0007"\nspeed = "fast"\nspeeed = 2\n')
    monkeypatch.setenv("RNN_TUI_SPEED", "3")
    code, _out, err = invoke(capsys, "intent")
    assert code == 0 and opened["settings"].theme is None and opened["settings"].speed is None
    assert err.splitlines() == [
        f"warning: {config}: 'speeed': unknown setting; the settings are theme, language, speed, folder",
        f"warning: {config}: theme: no theme named '␛]0;pwned␇'",
        "warning: RNN_TUI_SPEED: 3.0 is not a playing speed; one of: 0.5, 1, 2, 4, 8, 16, 32",
        f"warning: {config}: speed: must be a number, not 'fast'",
    ]
    config.write_bytes(b"\xff\xfe binary")
    monkeypatch.delenv("RNN_TUI_SPEED")
    code, _out, err = invoke(capsys, "intent")
    assert code == 0 and err == f"warning: {config}: not UTF-8 text (byte 0)\n"
    code, out, err = invoke(capsys, "list")  # other commands: no word about it
    assert code == 0 and err == "" and "intent" in out


@pytest.mark.parametrize(
    ("environment", "file", "args", "language"),
    [
        ({}, None, [], "en"),
        ({"LANG": "zh_CN.UTF-8"}, None, [], "zh"),  # as before: from LANG
        ({"LANG": "zh_CN.UTF-8"}, "en", [], "en"),  # the file over LANG
        ({}, "zh", [], "zh"),
        ({"RNN_TUI_LANG": "en"}, "zh", [], "en"),  # the environment over the file
        ({"RNN_TUI_LANG": "en"}, "zh", ["--lang", "zh"], "zh"),  # the flag over all
        ({"RNN_TUI_LANG": "fr", "LANG": "zh_CN.UTF-8"}, None, [], "zh"),  # wrong: ignored
    ],
)
def test_the_language_precedence(capsys, monkeypatch, tmp_path, environment, file, args, language):
    from rnn_tui.i18n import current_language

    config = tmp_path / "config.toml"
    monkeypatch.setenv("RNN_TUI_CONFIG", str(config))
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    if file:
        config.write_text(f'language = "{file}"\n', encoding="utf-8")
    code, out, _err = invoke(capsys, *args, "--help")
    assert code == 0 and current_language() == language
    assert out.startswith("用法：" if language == "zh" else "Usage:")
