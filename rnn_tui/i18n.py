"""Message catalogues: every user-facing string goes through `_()`, or `ngettext()` where
it counts something.

The catalogues are GNU gettext files: `locale/rnn_tui.pot` (the English template,
extracted from the source), `locale/<lang>/LC_MESSAGES/rnn_tui.po` (a translation) and
beside it `rnn_tui.mo`, the .po compiled. `python -m rnn_tui.i18n` writes all three
(with polib, a development tool); at run time the standard `gettext` module reads the
.mo, which is fast and honours the .po's Plural-Forms. The .mo is committed, not built
at install time, so an editable checkout and a wheel behave the same.

click says its own words ("Usage:", "Missing argument") through the standard
`gettext.gettext`, whose catalogue is chosen by the text domain and the LANGUAGE
variable: `standard_gettext` points both at ours while the command line runs.

The language comes from `--lang`, else LC_ALL / LC_MESSAGES / LANG, else English.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import ast  # extraction only: not imported when the program starts

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "rnn_tui"
LANGUAGES = ("en", "zh")
# a translation's Plural-Forms header, written into its .po when missing
PLURAL_FORMS = {"zh": "nplurals=1; plural=0;"}
UPDATE = "After editing strings, update with: python -m rnn_tui.i18n"
POT_HEADER = f"The messages of rnn-tui. {UPDATE}"


def po_path(language: str) -> Path:
    """Where the translation into `language` lives."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    """Where the translation into `language` lives compiled, as the program reads it."""
    return po_path(language).with_suffix(".mo")


def read_po(path: Path) -> Any:
    """A .po or .pot file as a polib.POFile."""
    import polib

    # the text, not the path: polib.pofile takes a path that does not exist for the
    # contents of a file, and would read it as an empty catalogue
    return polib.pofile(Path(path).read_text(encoding="utf-8"), encoding="utf-8")


def compile_po(path: Path) -> bytes:
    """A .po file as the .mo bytes msgfmt would write: its translated entries only (fuzzy,
    obsolete and empty ones are left to fall back to English)."""
    return bytes(read_po(path).to_binary())


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
        _active = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])
    return language


def current_language() -> str:
    """The language `_()` translates into now."""
    return _language


def _(message: str) -> str:
    """The message in the current language (English when it has no translation)."""
    return _active.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message that counts `n` things, in the current language: English
    has two ("1 action", "2 actions"), Chinese one; the caller formats `n` into it."""
    return _active.ngettext(singular, plural, n)


@contextmanager
def standard_gettext(language: str) -> Iterator[None]:
    """Within: the standard `gettext.gettext` and `ngettext`, through which click says its
    words, serve our catalogue in `language` (they look for the text domain's .mo in the
    languages LANGUAGE lists); both are put back after."""
    saved_domain, saved_language = gettext.textdomain(), os.environ.get("LANGUAGE")
    gettext.bindtextdomain(DOMAIN, LOCALE_DIR)
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = language
    try:
        yield
    finally:
        gettext.textdomain(saved_domain)
        if saved_language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = saved_language


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; translate it with `_()` where
    it is shown (e.g. in tables built at import time)."""
    return message


# ---------------------------------------------------------------- extraction
class Message(NamedTuple):
    """One catalogue entry: its English text, and its English plural for ngettext."""

    msgid: str
    plural: str | None = None


def _literal(node: ast.expr) -> str | None:
    import ast

    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _message_of(node: ast.AST) -> Message | None:
    """The message of a `_("...")`, `N_("...")` or `ngettext("...", "...", n)` call."""
    import ast

    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args):
        return None
    first = _literal(node.args[0])
    if node.func.id in ("_", "N_") and first is not None:
        return Message(first)
    if node.func.id == "ngettext" and first is not None and len(node.args) >= 2:
        plural = _literal(node.args[1])
        return None if plural is None else Message(first, plural)
    return None


def extract(root: Path | None = None) -> list[Message]:
    """Every literal passed to _(), N_() or ngettext() in the package, in first-seen
    order (files by name, each walked the same way): the same source, the same list."""
    import ast

    root = root or Path(__file__).resolve().parent
    found: dict[str, Message] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            message = _message_of(node)
            if message is None:
                continue
            seen = found.setdefault(message.msgid, message)
            if seen.plural != message.plural:  # gettext keys both by msgid: one would be lost
                raise ValueError(
                    f"{path}:{getattr(node, 'lineno', '?')}: {message.msgid!r} is used with "
                    f"plural {message.plural!r} and with {seen.plural!r}"
                )
    return list(found.values())


def _catalogue(metadata: dict[str, str], header: str = "") -> Any:
    import polib

    po = polib.POFile(wrapwidth=78)  # xgettext's width: long messages continue over lines
    po.header = header
    po.metadata = {
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        **metadata,
    }
    return po


def template(messages: list[Message]) -> str:
    """The .pot text for messages."""
    import polib

    pot = _catalogue({}, POT_HEADER)
    for m in messages:
        if m.plural is None:
            pot.append(polib.POEntry(msgid=m.msgid, msgstr=""))
        else:
            forms = {0: "", 1: ""}  # English has two
            pot.append(polib.POEntry(msgid=m.msgid, msgid_plural=m.plural, msgstr_plural=forms))
    return str(pot) + "\n"


def nplurals(plural_forms: str) -> int:
    """The number of forms a Plural-Forms header declares ("nplurals=1; plural=0;": 1)."""
    for part in plural_forms.split(";"):
        name, _sep, value = part.partition("=")
        if name.strip() == "nplurals":
            return int(value)
    raise ValueError(f"Plural-Forms without nplurals: {plural_forms!r}")


def update_translation(po_file: Path, messages: list[Message], language: str) -> list[str]:
    """Rewrite a .po file to hold `messages`, in their order, keeping existing translations
    and the header (given a Plural-Forms if it had none), as msgmerge does: a translated
    entry no longer in the source is kept as obsolete (#~), and comes back with its
    msgid. Returns the msgids still untranslated."""
    import polib

    old = read_po(po_file) if po_file.exists() else _catalogue({})
    defaults = {"Language": language, "Plural-Forms": PLURAL_FORMS.get(language, "")}
    metadata = {k: v for k, v in defaults.items() if v} | dict(old.metadata)
    forms = nplurals(metadata.get("Plural-Forms", "nplurals=2; plural=(n != 1);"))
    po = _catalogue(metadata, old.header or f"The {language} translation of rnn-tui. {UPDATE}")
    known = {e.msgid: e for e in old}
    todo = []
    for m in messages:
        before = known.pop(m.msgid, None)
        if m.plural is None:
            kept = before.msgstr if before is not None and not before.msgid_plural else ""
            entry = polib.POEntry(msgid=m.msgid, msgstr=kept)
        else:
            olds = before.msgstr_plural if before is not None and before.msgid_plural else {}
            entry = polib.POEntry(
                msgid=m.msgid,
                msgid_plural=m.plural,
                msgstr_plural={i: olds.get(i, "") for i in range(forms)},
            )
        if before is not None and before.fuzzy:
            entry.flags.append("fuzzy")
        po.append(entry)
        if not entry.translated():
            todo.append(m.msgid)
    for gone in known.values():  # translations of strings the source no longer has
        if gone.msgstr or any(gone.msgstr_plural.values()):
            gone.obsolete = True
            po.append(gone)
    po_file.write_text(str(po) + "\n", encoding="utf-8")
    return todo


if __name__ == "__main__":  # refresh the template and the translations after editing strings
    msgs = extract()
    (LOCALE_DIR / f"{DOMAIN}.pot").write_text(template(msgs), encoding="utf-8")
    for lang in LANGUAGES[1:]:
        todo = update_translation(po_path(lang), msgs, lang)
        mo_path(lang).write_bytes(compile_po(po_path(lang)))
        print(f"{lang}: {len(msgs) - len(todo)} of {len(msgs)} translated")
        for msgid in todo:
            print(f"  untranslated: {msgid!r}")
