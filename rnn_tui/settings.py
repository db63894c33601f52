"""Settings that outlive a run: the theme, the language, the playing speed and the folder
files are saved into.

They come from, highest first: a flag of this run (`--theme`, `--lang`, `--speed`,
`--folder`), the environment (RNN_TUI_THEME, RNN_TUI_LANG, RNN_TUI_SPEED, RNN_TUI_FOLDER),
the settings file (`config_path`: RNN_TUI_CONFIG, else `config.toml` in the platform's
config folder). A language none of them gives comes from LC_ALL / LC_MESSAGES / LANG,
else English (`rnn_tui.i18n`). A value that is wrong is a problem (a message naming where
it came from) and the next source down decides.

The settings file is the user's, and it may be anything: it is read bounded in size,
each key checked, and a broken one never stops the app. What the user changes in the app
(`Settings.remember`) is written into it, that key only, keeping the rest of the file as
it is (comments too); a flag given for one run is never written. A file with errors is
left alone, not rewritten. No textual or rich here.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .files import Unreadable, is_builtin, open_regular, reason, write_atomic
from .i18n import LANGUAGES, _
from .text import visible

SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
"""Playing speeds, steps per second (the app's - and + move through them)."""

KEYS = ("theme", "language", "speed", "folder")
"""The keys of the settings file, in the order they are written."""
ENVIRONMENT = {
    "theme": "RNN_TUI_THEME",
    "language": "RNN_TUI_LANG",
    "speed": "RNN_TUI_SPEED",
    "folder": "RNN_TUI_FOLDER",
}
"""The environment variable that sets each key for a run."""
CONFIG_VARIABLE = "RNN_TUI_CONFIG"
"""Names another settings file."""
FLAGS = {"theme": "--theme", "language": "--lang", "speed": "--speed", "folder": "--folder"}
"""The command line's option for each key."""

MAX_CONFIG_BYTES = 64 * 1024
"""A settings file longer than this is not read (four keys take a hundred bytes)."""
MAX_THEME_NAME = 64
_SHOWN = 60  # characters of a wrong value quoted in a message


class InvalidSetting(ValueError):
    """A value a key cannot take; the message says why (without saying where from)."""


@dataclass
class Settings:
    """What a run uses, merged from its flags, the environment and the settings file."""

    theme: str | None = None
    """A Textual theme's name; None: Textual's default."""
    language: str | None = None
    """"en" or "zh"; None: from LC_ALL / LC_MESSAGES / LANG."""
    speed: float | None = None
    """Playing speed in steps a second, one of SPEEDS; None: the app's default."""
    folder: Path | None = None
    """Where screenshots, sessions and saved numbers go; None: the current folder."""
    path: Path | None = None
    """The settings file that `remember` writes; None: nothing is ever written."""

    def save_folder(self) -> Path:
        """The folder files are saved into: `folder`, else the current one."""
        return self.folder if self.folder is not None else Path.cwd()

    def remember(self, **changes: Any) -> str | None:
        """Set the fields named (theme, language, speed, folder; None removes the key) and
        write them into the settings file, if there is one: those keys only, the rest of
        the file kept. Returns why the file could not be written (a message naming it)
        or a value could not be taken (nothing is changed then), else None; never raises
        OSError."""
        checked = {}
        for key, value in changes.items():
            if key not in KEYS:
                raise TypeError(f"remember() got an unknown setting {key!r}")
            try:
                checked[key] = None if value is None else check(key, value)
            except InvalidSetting as e:
                return f"{key}: {e}"
        for key, value in checked.items():
            setattr(self, key, value)
        if self.path is None:
            return None
        try:
            _write_keys(self.path, {key: getattr(self, key) for key in changes})
        except _FileHasErrors as e:
            return str(e)
        except OSError as e:
            return _("Could not save the settings in {path}: {reason}").format(
                path=visible(str(self.path)), reason=visible(reason(e))
            )
        return None


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """The settings file: $RNN_TUI_CONFIG when set, else config.toml in the platform's
    config folder (~/.config/rnn-tui on Linux, XDG_CONFIG_HOME honoured;
    ~/Library/Application Support/rnn-tui on macOS; %LOCALAPPDATA%\\rnn-tui on Windows)."""
    env = os.environ if environ is None else environ
    named = env.get(CONFIG_VARIABLE)
    if named:
        return _expanded(Path(named))
    import platformdirs  # here: not loaded when RNN_TUI_CONFIG names the file

    return platformdirs.user_config_path("rnn-tui", appauthor=False) / "config.toml"


def load_settings(
    *,
    theme: str | None = None,
    language: str | None = None,
    speed: float | None = None,
    folder: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    themes: Collection[str] | None = None,
) -> tuple[Settings, list[str]]:
    """The settings of a run: each key from its flag (the arguments), else its
    environment variable, else the settings file; (settings whose `path` is the file,
    the problems found, each a message naming the file or the variable and the key).
    `themes`: the theme names there are (a name not among them is a problem); None:
    any well-formed name."""
    env = os.environ if environ is None else environ
    path = config_path(env)
    problems: list[str] = []
    stored = _read_file(path, problems)
    flags = {"theme": theme, "language": language, "speed": speed, "folder": folder}
    chosen: dict[str, Any] = {}
    for key in KEYS:
        candidates = [
            (FLAGS[key], flags[key]),
            (ENVIRONMENT[key], _from_environment(key, env.get(ENVIRONMENT[key]))),
            (f"{visible(str(path))}: {key}", stored.get(key)),
        ]
        for where, value in candidates:
            if value is None or value == "":
                continue
            try:
                chosen[key] = check(key, value, themes=themes)
                break
            except InvalidSetting as e:
                problems.append(f"{where}: {e}")
    return Settings(**chosen, path=path), problems


def check(key: str, value: Any, *, themes: Collection[str] | None = None) -> Any:
    """`value` as the setting `key` keeps it (a speed as a float, a folder as an absolute
    Path), or InvalidSetting saying why it cannot be."""
    if key == "theme":
        return _theme(value, themes)
    if key == "language":
        if value not in LANGUAGES:
            raise InvalidSetting(
                _("{value} is not a language; one of: {choices}").format(
                    value=_quoted(value), choices=", ".join(LANGUAGES)
                )
            )
        return value
    if key == "speed":
        return _speed(value)
    if key == "folder":
        return _folder(value)
    raise KeyError(key)


def describe(path: Path) -> str:
    """Where the settings come from, in a few lines (for `rnn-tui --help`)."""
    variables = ", ".join(ENVIRONMENT[key] for key in KEYS)
    flags = ", ".join(FLAGS[key] for key in KEYS)
    return "\n\n".join(
        [
            "\b\n"  # click keeps this paragraph's lines as they are: the path is not cut
            + _("Settings (theme, language, speed, folder) are kept in:")
            + f"\n  {visible(str(path))}",
            _(
                "{variable} names another file. A flag ({flags}) sets one for this run "
                "only; so does the environment ({variables}). What you change in the "
                "app (theme, language, speed) is saved in the file."
            ).format(variable=CONFIG_VARIABLE, flags=flags, variables=variables),
        ]
    )


# ---------------------------------------------------------------- the keys
def _quoted(value: Any) -> str:
    """A wrong value for a message: text in quotes, anything else as Python writes it;
    escaped, and cut when long."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > _SHOWN:
        text = text[:_SHOWN] + "…"
    return f"'{visible(text)}'" if isinstance(value, str) else visible(text)


def _theme(value: Any, themes: Collection[str] | None) -> str:
    if not isinstance(value, str):
        raise InvalidSetting(
            _("must be a theme's name (text), not {value}").format(value=_quoted(value))
        )
    well_formed = 0 < len(value) <= MAX_THEME_NAME and all(
        c.isascii() and (c.isalnum() or c in "-_.") for c in value
    )
    if not well_formed or (themes is not None and value not in themes):
        close = difflib.get_close_matches(value, sorted(themes or ()), n=1)
        if close:
            raise InvalidSetting(
                _("no theme named {value}; did you mean {theme}?").format(
                    value=_quoted(value), theme=close[0]
                )
            )
        raise InvalidSetting(_("no theme named {value}").format(value=_quoted(value)))
    return value


def _speed(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidSetting(_("must be a number, not {value}").format(value=_quoted(value)))
    if value not in SPEEDS:  # NaN and infinities are not in it either
        raise InvalidSetting(
            _("{value} is not a playing speed; one of: {choices}").format(
                value=_quoted(value), choices=", ".join(f"{s:g}" for s in SPEEDS)
            )
        )
    return float(value)


def _folder(value: Any) -> Path:
    if not isinstance(value, (str, os.PathLike)):
        raise InvalidSetting(
            _("must be a folder's path (text), not {value}").format(value=_quoted(value))
        )
    text = os.fspath(value)
    shown = _quoted(text)
    if "\0" in text:
        raise InvalidSetting(_("{value}: a path cannot hold a NUL character").format(value=shown))
    folder = _expanded(Path(text)).absolute()
    try:
        is_folder = folder.is_dir()
    except OSError as e:
        raise InvalidSetting(_("{path}: {reason}").format(path=shown, reason=reason(e))) from None
    if not is_folder:
        raise InvalidSetting(_("{value} is not a folder").format(value=shown))
    if is_builtin(folder):
        raise InvalidSetting(
            _("{value} is the built-in scenarios' folder, which is never written").format(
                value=shown
            )
        )
    return folder


def _expanded(path: Path) -> Path:
    """`path` with a leading ~ as the home folder; as it is when there is no home."""
    try:
        return path.expanduser()
    except RuntimeError:  # no HOME and no password entry
        return path


def _from_environment(key: str, text: str | None) -> Any:
    """An environment variable's text as the value its key takes (a speed a number)."""
    if text is None or key != "speed":
        return text
    try:
        return float(text)
    except ValueError:
        return text  # check() says it is not a number


# ---------------------------------------------------------------- the file
class _FileHasErrors(Exception):
    """The settings file cannot be changed without losing what it holds."""


def _load_text(path: Path) -> str | None:
    """The settings file's text; None when there is none. Unreadable (why) when it is
    not a regular file, cannot be read, is too long or is not UTF-8."""
    if not os.path.lexists(path):
        return None
    with open_regular(path) as f:
        data = f.read(MAX_CONFIG_BYTES + 1)
    if len(data) > MAX_CONFIG_BYTES:
        raise Unreadable(_("longer than {limit:,} bytes; not read").format(limit=MAX_CONFIG_BYTES))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Unreadable(_("not UTF-8 text (byte {offset})").format(offset=e.start)) from None


def _read_file(path: Path, problems: list[str]) -> dict[str, Any]:
    """The settings file's keys (unchecked values); what is wrong with it appended to
    `problems`, naming the file and the key."""
    shown = visible(str(path))
    try:
        text = _load_text(path)
    except OSError as e:
        problems.append(_("{path}: {reason}").format(path=shown, reason=visible(reason(e))))
        return {}
    if text is None:
        return {}
    import tomllib  # here: most runs have no settings file

    try:
        table = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as e:
        why = _("nested too deeply") if isinstance(e, RecursionError) else str(e)
        problems.append(
            _("{path}: not valid TOML: {reason}").format(path=shown, reason=visible(why))
        )
        return {}
    for key in table:
        if key not in KEYS:
            problems.append(
                _("{path}: {key}: unknown setting; the settings are {keys}").format(
                    path=shown, key=_quoted(key), keys=", ".join(KEYS)
                )
            )
    return {key: table[key] for key in KEYS if key in table}


def _write_keys(path: Path, values: Mapping[str, Any]) -> None:
    """Set (None: remove) `values` in the settings file at `path`, atomically, keeping
    the rest of it; a file that does not parse is left as it is (_FileHasErrors), one
    that cannot be read too (OSError)."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    target = Path(os.path.realpath(path))  # a link (to a dotfiles folder) stays a link
    text = _load_text(target)  # Unreadable: a folder, too long, not UTF-8
    if text is None:
        document = tomlkit.document()
        for line in (
            _("rnn-tui settings: rnn-tui --help says where this file is."),
            _("The app writes what you change in it (theme, language, speed); edit freely."),
        ):
            document.add(tomlkit.comment(line))
    else:
        try:
            document = tomlkit.parse(text)
        except (TOMLKitError, RecursionError) as e:
            why = _("nested too deeply") if isinstance(e, RecursionError) else str(e)
            raise _FileHasErrors(_not_changed(path, why)) from None
    for key, value in values.items():
        if value is None:
            document.pop(key, None)
        else:
            document[key] = str(value) if isinstance(value, Path) else value
    written = tomlkit.dumps(document)
    if written == text:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, written)


def _not_changed(path: Path, why: str) -> str:
    return _("{path} was not changed, since it has an error ({reason}); fix or remove it").format(
        path=visible(str(path)), reason=visible(why)
    )
