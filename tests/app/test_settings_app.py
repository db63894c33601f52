"""The app and its settings: what the user changes (speed, theme, language) is in the
settings file and the next run starts with it; flags are not saved; screenshots get
numbered names in the save folder and never replace a file."""

from __future__ import annotations

from rnn_tui.i18n import set_language
from rnn_tui.settings import SPEEDS, Settings, load_settings
from rnn_tui.ui import make_app
from rnn_tui.ui.commands import switch_language

SIZE = (100, 30)


def messages(app) -> str:
    return "\n".join(str(n.message) for n in app.notices)


def read_back(config):
    settings, problems = load_settings(environ={"RNN_TUI_CONFIG": str(config)})
    assert problems == []
    return settings


async def test_what_the_user_changes_is_saved_and_the_next_run_starts_with_it(tmp_path):
    config = tmp_path / "settings" / "config.toml"
    app = make_app(settings=Settings(path=config))
    try:
        async with app.run_test(size=SIZE) as pilot:
            assert SPEEDS[app.speed] == 2.0 and not config.exists()  # starting writes nothing
            await pilot.press("plus")
            assert SPEEDS[app.speed] == 4.0
            assert read_back(config).speed == 4.0
            app.theme = "nord"  # as the palette's Theme does
            await pilot.pause()
            switch_language(app, "zh")  # the palette's language entry
            saved = read_back(config)
            assert (saved.speed, saved.theme, saved.language) == (4.0, "nord", "zh")
    finally:
        set_language("en")
    again = make_app(settings=read_back(config))
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert SPEEDS[again.speed] == 4.0 and again.theme == "nord"
        await pilot.press("minus", "minus")
        assert read_back(config).speed == 1.0


async def test_a_flag_is_for_one_run_and_a_failed_save_is_a_message(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('theme = "nord"\nspeed = 8.0\n', encoding="utf-8")
    settings, problems = load_settings(
        theme="gruvbox", speed=0.5, environ={"RNN_TUI_CONFIG": str(config)}
    )
    assert problems == []
    app = make_app(settings=settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert app.theme == "gruvbox" and SPEEDS[app.speed] == 0.5
        await pilot.press("plus")
        assert config.read_text(encoding="utf-8") == 'theme = "nord"\nspeed = 1.0\n'
        config.unlink()
        config.mkdir()  # the file became a folder: the next save fails
        app.theme = "dracula"
        await pilot.pause()
        assert app.is_running and app.theme == "dracula"
        assert f"Could not save the settings in {config}: " in messages(app)


async def test_screenshots_take_numbered_names_and_never_replace_a_file(tmp_path):
    shots = tmp_path / "shots"
    shots.mkdir()
    app = make_app(settings=Settings(folder=shots))
    assert app.screenshot_dir == shots
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("s", "s")
        assert sorted(p.name for p in shots.iterdir()) == ["intent-001.svg", "intent-002.svg"]
        theirs = shots / "intent-003.svg"
        theirs.write_bytes(b"not ours")
        await pilot.press("s")
        assert app.last_screenshot == shots / "intent-004.svg"
        assert theirs.read_bytes() == b"not ours"
        assert (shots / "intent-004.svg").read_text(encoding="utf-8").startswith("<svg")
        assert f"Screenshot saved to {shots / 'intent-004.svg'}" in messages(app)
    assert sorted(p.name for p in shots.iterdir()) == [f"intent-00{n}.svg" for n in (1, 2, 3, 4)]
