"""The message catalogues: complete, current, with their placeholders; the language
chosen by --lang, else the locale, else English."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from rnn_tui.i18n import (
    DOMAIN,
    LOCALE_DIR,
    _,
    extract,
    language_from_environment,
    parse_po,
    set_language,
    template,
)

DATA = Path(__file__).parent / "data"
ZH = parse_po((LOCALE_DIR / "zh" / "LC_MESSAGES" / f"{DOMAIN}.po").read_text(encoding="utf-8"))


def test_the_english_template_is_current():
    committed = (LOCALE_DIR / f"{DOMAIN}.pot").read_text(encoding="utf-8")
    assert committed == template(extract()), "run: python -m rnn_tui.i18n"


def test_every_english_message_has_a_chinese_entry():
    missing = [m for m in extract() if not ZH.get(m)]
    assert not missing, f"untranslated (run python -m rnn_tui.i18n, then translate): {missing}"


def test_translations_keep_their_placeholders():
    for message, translation in ZH.items():
        wanted = set(re.findall(r"\{[^{}]*\}", message))
        assert set(re.findall(r"\{[^{}]*\}", translation)) == wanted, message


def test_the_catalogue_is_used_and_english_is_the_fallback():
    try:
        assert set_language("zh") == "zh"
        assert _("file not found") == "找不到文件"
        assert _("a message nobody translated") == "a message nobody translated"
        assert set_language("en") == "en"
        assert _("file not found") == "file not found"
    finally:
        set_language("en")


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
