"""The message catalogues: complete, current, with their placeholders and plural forms;
the language chosen by --lang, else the locale, else English."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import rnn_tui.i18n as i18n
from rnn_tui.i18n import (
    DOMAIN,
    LOCALE_DIR,
    Message,
    _,
    compile_po,
    extract,
    language_from_environment,
    mo_path,
    ngettext,
    nplurals,
    po_path,
    read_po,
    set_language,
    standard_gettext,
    template,
    update_translation,
)

DATA = Path(__file__).parent / "data"
ZH_PO = read_po(po_path("zh"))
ZH = {e.msgid: e for e in ZH_PO if not e.obsolete}
ZH_FORMS = nplurals(ZH_PO.metadata["Plural-Forms"])


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{[^{}]*\}", text))


def translations(entry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_the_english_template_is_current():
    committed = (LOCALE_DIR / f"{DOMAIN}.pot").read_text(encoding="utf-8")
    assert committed == template(extract()), "run: python -m rnn_tui.i18n"


def test_the_compiled_catalogue_is_current():
    assert mo_path("zh").read_bytes() == compile_po(po_path("zh")), "run: python -m rnn_tui.i18n"


def test_every_english_message_has_a_chinese_entry():
    missing = [m.msgid for m in extract() if m.msgid not in ZH or not ZH[m.msgid].translated()]
    assert not missing, f"untranslated (run python -m rnn_tui.i18n, then translate): {missing}"


def test_translations_keep_their_placeholders():
    for message, entry in ZH.items():
        wanted = placeholders(entry.msgid_plural or message)
        for translation in translations(entry):
            if translation:  # an untranslated one is the test above's
                assert placeholders(translation) == wanted, message


def test_chinese_has_one_plural_form_and_every_plural_entry_fills_it():
    assert ZH_PO.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    for message, entry in ZH.items():
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == list(range(ZH_FORMS)), message
            # English forms count the same things: the singular may not drop a placeholder
            assert placeholders(message) == placeholders(entry.msgid_plural), message


def test_the_catalogue_is_used_and_english_is_the_fallback():
    try:
        assert set_language("zh") == "zh"
        assert _("file not found") == "找不到文件"
        assert _("a message nobody translated") == "a message nobody translated"
        assert set_language("en") == "en"
        assert _("file not found") == "file not found"
    finally:
        set_language("en")


def test_every_chinese_entry_is_served_as_written_in_the_file():
    """Each translated entry, those continued over several quoted lines included, is what
    _() or ngettext() returns in Chinese."""
    text = po_path("zh").read_text(encoding="utf-8")
    assert '\nmsgid ""\n"' in text and '\nmsgstr ""\n"' in text  # multi-line entries exist
    try:
        set_language("zh")
        for message, entry in ZH.items():
            if not entry.translated():
                continue
            if entry.msgid_plural:
                for n in (0, 1, 2, 5):
                    assert ngettext(message, entry.msgid_plural, n) == entry.msgstr_plural[0]
            else:
                assert _(message) == entry.msgstr, message
    finally:
        set_language("en")


MULTI_LINE_PO = r"""# a catalogue whose entries continue over several quoted lines
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=1; plural=0;\n"

msgid "file not found"
msgstr "找不到"
"文件"

msgid ""
"a message long enough that xgettext wraps it "
"over lines"
msgstr ""
"一条很长的"
"消息"

msgid ""
"{count} line over"
" lines"
msgid_plural ""
"{count} lines over"
" lines"
msgstr[0] ""
"{count} 行"
"（跨行）"

#, fuzzy
msgid "a guess"
msgstr "猜的"
"""


@pytest.fixture
def zh_from(tmp_path, monkeypatch):
    """set_language("zh") reads the given .po text, compiled as python -m rnn_tui.i18n
    does, instead of the committed catalogue."""

    def use(text: str) -> None:
        monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
        po_path("zh").parent.mkdir(parents=True, exist_ok=True)
        po_path("zh").write_text(text, encoding="utf-8")
        mo_path("zh").write_bytes(compile_po(po_path("zh")))
        set_language("zh")

    yield use
    set_language("en")


def test_a_multi_line_entry_is_translated(zh_from):
    """msgid and msgstr continued over quoted lines are joined, not dropped."""
    zh_from(MULTI_LINE_PO)
    assert _("file not found") == "找不到文件"
    assert _("a message long enough that xgettext wraps it over lines") == "一条很长的消息"
    assert (
        ngettext("{count} line over lines", "{count} lines over lines", 3) == "{count} 行（跨行）"
    )
    assert _("a guess") == "a guess"  # fuzzy: English until a translator confirms it


def test_ngettext_follows_the_plural_forms_header(zh_from):
    plural_forms = (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
        "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
    )  # Russian's three forms: 1 / 2-4 / 5-20 (and 21 is like 1)
    zh_from(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        f'"Plural-Forms: {plural_forms}\\n"\n\n'
        'msgid "{n} file"\nmsgid_plural "{n} files"\n'
        'msgstr[0] "one"\nmsgstr[1] "few"\nmsgstr[2] "many"\n'
    )
    forms = [ngettext("{n} file", "{n} files", n) for n in (1, 2, 4, 5, 11, 21, 22)]
    assert forms == ["one", "few", "few", "many", "many", "one", "few"]
    assert ngettext("{n} thing", "{n} things", 1) == "{n} thing"  # untranslated: English


def test_english_plurals():
    assert ngettext("{n} file", "{n} files", 1) == "{n} file"
    assert ngettext("{n} file", "{n} files", 0) == "{n} files"
    assert ngettext("{n} file", "{n} files", 2) == "{n} files"


def test_extraction_finds_plain_marked_and_plural_messages_in_order(tmp_path):
    (tmp_path / "a.py").write_text(
        'x = _("first")\ny = N_("second")\nz = ngettext("{n} one", "{n} many", n)\n'
        'w = _("first")\nv = _(f"not a literal {x}")\n'
    )
    (tmp_path / "b.py").write_text('x = _("third")\n')
    assert extract(tmp_path) == [
        Message("first"),
        Message("second"),
        Message("{n} one", "{n} many"),
        Message("third"),
    ]
    (tmp_path / "c.py").write_text('x = _("{n} one")\n')
    with pytest.raises(ValueError, match="plural"):
        extract(tmp_path)


def test_updating_a_translation_keeps_revives_and_adds(tmp_path):
    po = tmp_path / "zh.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "kept"\nmsgstr "保留"\n\n'
        'msgid "gone"\nmsgstr "没了"\n\n'
        '#~ msgid "{n} back"\n#~ msgid_plural "{n} backs"\n#~ msgstr[0] "{n} 回来"\n',
        encoding="utf-8",
    )
    messages = [Message("kept"), Message("{n} back", "{n} backs"), Message("new")]
    assert update_translation(po, messages, "zh") == ["new"]
    again = read_po(po)
    assert again.metadata["Plural-Forms"] == "nplurals=1; plural=0;"  # added for zh
    assert [e.msgid for e in again if not e.obsolete] == ["kept", "{n} back", "new"]
    assert again.find("{n} back").msgstr_plural == {0: "{n} 回来"}
    assert [e.msgid for e in again.obsolete_entries()] == ["gone"]  # kept, as msgmerge does
    before = po.read_text(encoding="utf-8")
    update_translation(po, messages, "zh")
    assert po.read_text(encoding="utf-8") == before  # the same input, the same file


def test_clicks_words_follow_the_language_and_click_is_left_as_it_was():
    import click.formatting

    source = Path(click.formatting.__file__).read_text(encoding="utf-8")
    assert "from gettext import gettext as _" in source  # what standard_gettext relies on
    usage = click.formatting.HelpFormatter()
    with standard_gettext("zh"):
        usage.write_usage("rnn-tui", "[OPTIONS]")
    with standard_gettext("en"):
        usage.write_usage("rnn-tui", "[OPTIONS]")
    usage.write_usage("rnn-tui", "[OPTIONS]")  # after: click's own default again
    assert usage.getvalue().splitlines() == [
        "用法： rnn-tui [OPTIONS]",
        "Usage: rnn-tui [OPTIONS]",
        "Usage: rnn-tui [OPTIONS]",
    ]
    assert click.formatting._ is __import__("gettext").gettext  # not replaced


def test_english_starts_without_polib():
    """polib only reads catalogues; English needs none, so startup does not import it."""
    code = "import sys, rnn_tui.cli; sys.exit('polib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


@pytest.mark.parametrize(
    ("env", "language"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_MESSAGES": "zh_CN", "LANG": "en_US"}, "zh"),
        ({}, "en"),
    ],
)
def test_language_from_the_locale(env, language):
    assert language_from_environment(env) == language


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES")}
    return subprocess.run([sys.executable, "-m", "rnn_tui", *args], capture_output=True,
                          text=True, timeout=60, env={**base, **env})  # fmt: skip


def test_validate_speaks_chinese_with_lang_zh_naming_file_and_field():
    path = DATA / "wrong-type.toml"
    result = run(["--lang", "zh", "validate", str(path)])
    assert result.returncode == 2
    assert f'错误：{path}: model.hidden_size: 应为整数，实际为 "four"' in result.stderr
    assert "1 个文件中有 1 个无效" in result.stderr


def test_session_errors_speak_chinese_naming_file_and_line(tmp_path):
    """replay / export refuse an unknown version or a corrupt line in Chinese, naming the
    file and the line as in English."""
    bad = tmp_path / "v99.jsonl"
    bad.write_text('{"format": "rnn-tui-session", "version": 99}\n')
    result = run(["--lang", "zh", "replay", str(bad), "--check"])
    assert result.returncode == 2
    assert f"{bad}：第 1 行" in result.stderr and "不支持会话格式版本 99" in result.stderr
    bad.write_text("not json\n")
    result = run(["--lang", "zh", "export", str(bad), "--svg", str(tmp_path / "svg")])
    assert result.returncode == 2
    assert f"{bad}：第 1 行" in result.stderr and "已损坏" in result.stderr


def test_the_locale_picks_chinese_and_lang_en_overrides_it():
    path = DATA / "wrong-shape.toml"
    zh = run(["validate", str(path)], LANG="zh_CN.UTF-8")
    assert "weights.values.weight_ih_l0: 形状应为 (2, 1)，实际为 (2, 2)" in zh.stderr
    en = run(["--lang", "en", "validate", str(path)], LANG="zh_CN.UTF-8")
    assert "weights.values.weight_ih_l0: expected shape (2, 1), found (2, 2)" in en.stderr


def test_help_and_list_in_chinese():
    result = run(["--lang=zh", "--help"])
    assert result.returncode == 0
    assert "逐个时间步查看循环神经网络" in result.stdout and "用法" in result.stdout
    listed = run(["--lang", "zh", "list"])
    assert listed.returncode == 0 and "intent-zh" in listed.stdout


def test_scenario_titles_and_descriptions_follow_the_language():
    from rnn_tui.scenario import load_scenario

    try:
        set_language("zh")
        zh = load_scenario("elman-by-hand")
        assert zh.title == "可以手算的 Elman RNN" and "验算" in zh.description
        set_language("en")
        en = load_scenario("elman-by-hand")
        assert en.title == "An Elman RNN you can follow by hand"
    finally:
        set_language("en")
    for name in ("intent", "memory-fade-gru", "vectorized"):
        try:
            set_language("zh")
            title = load_scenario(name).title
        finally:
            set_language("en")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in title), name
