"""Message catalogues: every user-facing string goes through `_()`.

The catalogues are GNU gettext files: `locale/rnn_tui.pot` (the English template,
extracted from the source by `python -m rnn_tui.i18n`) and
`locale/<lang>/LC_MESSAGES/rnn_tui.po` (a translation). They are compiled when first
used, in memory, the way msgfmt compiles them, and served through the standard
`gettext.NullTranslations` interface; nothing is built at install time, so an
editable checkout and a wheel behave the same.

The language comes from `--lang`, else LC_ALL / LC_MESSAGES / LANG, else English.
"""

from __future__ import annotations

import ast
import gettext
import os
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "rnn_tui"
LANGUAGES = ("en", "zh")


class Catalogue(gettext.NullTranslations):
    """A compiled .po file: msgid -> msgstr; untranslated entries fall back to English."""

    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self.messages = messages

    def gettext(self, message: str) -> str:
        return self.messages.get(message) or message


def _unquote(text: str) -> str:
    return ast.literal_eval(text)  # a .po string is a C-style quoted string


def parse_po(text: str) -> dict[str, str]:
    """msgid -> msgstr of a .po file (header and fuzzy entries left out)."""
    messages: dict[str, str] = {}
    entry: dict[str, str] = {}
    key = None
    fuzzy = False

    def flush() -> None:
        nonlocal entry, fuzzy
        if entry.get("msgid") and not fuzzy:
            messages[entry["msgid"]] = entry.get("msgstr", "")
        entry, fuzzy = {}, False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            key = None
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgid ", "msgstr ")):
            key, _, rest = line.partition(" ")
            if key == "msgid" and "msgid" in entry:
                flush()
            entry[key] = _unquote(rest)
        elif line.startswith('"') and key:
            entry[key] += _unquote(line)
    flush()
    return messages


def quote_po(text: str) -> str:
    """A Python string as a .po quoted string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def language_from_environment(environ: dict[str, str] | None = None) -> str:
    """ "zh" when LC_ALL, LC_MESSAGES or LANG (the first set) names Chinese, else "en"."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


_active: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def set_language(language: str | None) -> str:
    """Switch every later `_()` to `language` ("en", "zh", or None: from the
    environment). Returns the language now in use."""
    global _active, _language
    language = language or language_from_environment()
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    _language = language
    if language == "en":
        _active = gettext.NullTranslations()
    else:
        po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        _active = Catalogue(parse_po(po.read_text(encoding="utf-8")))
    return language


def current_language() -> str:
    """The language `_()` translates into now."""
    return _language


def _(message: str) -> str:
    """The message in the current language (English when it has no translation)."""
    return _active.gettext(message)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; translate it with `_()` where
    it is shown (e.g. in tables built at import time)."""
    return message


# ---------------------------------------------------------------- extraction
def extract(root: Path | None = None) -> list[str]:
    """Every literal passed to _() or N_() in the package, in first-seen order."""
    root = root or Path(__file__).resolve().parent
    found: dict[str, None] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, None)
    return list(found)


def template(messages: list[str]) -> str:
    """The .pot text for messages."""
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    return head + "".join(f'\nmsgid {quote_po(m)}\nmsgstr ""\n' for m in messages)


def update_translation(po_path: Path, messages: list[str]) -> list[str]:
    """Rewrite a .po file to hold exactly `messages`, keeping existing translations;
    returns the messages still untranslated."""
    old = parse_po(po_path.read_text(encoding="utf-8")) if po_path.exists() else {}
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    body = "".join(f"\nmsgid {quote_po(m)}\nmsgstr {quote_po(old.get(m, ''))}\n" for m in messages)
    po_path.write_text(head + body, encoding="utf-8")
    return [m for m in messages if not old.get(m)]


if __name__ == "__main__":  # refresh the template and the translations after editing strings
    msgs = extract()
    (LOCALE_DIR / f"{DOMAIN}.pot").write_text(template(msgs), encoding="utf-8")
    for lang in LANGUAGES[1:]:
        todo = update_translation(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", msgs)
        print(f"{lang}: {len(msgs) - len(todo)} of {len(msgs)} translated")
        for m in todo:
            print(f"  untranslated: {m!r}")
