"""A typed sentence cut into the vocabulary's tokens (rnn_tui.scenario.segment)."""

from __future__ import annotations

import pytest

from rnn_tui.scenario import load_scenario
from rnn_tui.scenario.segment import segment, substitutions


@pytest.fixture(scope="module")
def zh_vocab() -> list[str]:
    vocab = load_scenario("intent-zh").vocab
    assert vocab is not None
    return vocab


@pytest.fixture(scope="module")
def en_vocab() -> list[str]:
    vocab = load_scenario("intent").vocab
    assert vocab is not None
    return vocab


def test_chinese_without_spaces_is_cut_into_the_vocabularys_words(zh_vocab):
    assert segment("明天天气怎么样？", zh_vocab) == (["明天", "天气", "怎么样", "？"], [])
    assert segment("现在几点了？", zh_vocab) == (["现在", "几点", "了", "？"], [])
    # the longest word wins: 你好 (a word) rather than 你 + 好 (both words too)
    assert "你" in zh_vocab and "好" in zh_vocab
    assert segment("你好啊", zh_vocab) == (["你好", "啊"], [])
    # so does 见到 over 见
    assert segment("很高兴见到你", zh_vocab).tokens == ["很", "高兴", "见到", "你"]


def test_a_character_that_starts_no_word_is_a_token_of_its_own(zh_vocab):
    tokens, outside = segment("我想吃饭吗", zh_vocab)
    assert tokens == ["我", "想", "吃", "饭", "吗"]
    assert outside == ["想", "吃", "饭"]  # each once, in order
    assert segment("饭饭", zh_vocab) == (["饭", "饭"], ["饭"])


def test_spaces_still_separate_words(zh_vocab):
    assert segment("现在 几点 了 ？", zh_vocab) == (["现在", "几点", "了", "？"], [])
    assert segment("  明天  见 ", zh_vocab) == (["明天", "见"], [])
    assert segment("   ", zh_vocab) == ([], [])


def test_english_with_spaces_is_unchanged(en_vocab):
    sentence = "what time is it ?"
    assert segment(sentence, en_vocab) == (sentence.split(), [])


def test_an_unknown_english_word_stays_whole(en_vocab):
    # "what" is a word, but "whatever" is not cut into "what" + letters
    assert segment("whatever time", en_vocab) == (["whatever", "time"], ["whatever"])
    assert segment("[b]zebra[/]", en_vocab) == (["[b]zebra[/]"], ["[b]zebra[/]"])


def test_english_punctuation_written_together_is_cut_when_every_piece_is_known(en_vocab):
    assert segment("what time is it?", en_vocab).tokens == ["what", "time", "is", "it", "?"]
    assert segment("hello,you", en_vocab).tokens == ["hello", ",", "you"]


def test_mixed_chinese_and_latin(zh_vocab):
    tokens, outside = segment("今天hello好？", zh_vocab)
    assert tokens == ["今天", "hello", "好", "？"]  # the Latin word kept whole
    assert outside == ["hello"]
    assert segment("明天 ok见", zh_vocab) == (["明天", "ok", "见"], ["ok"])


def test_substitutions_say_what_each_unknown_word_becomes():
    assert substitutions(["明天", "吧"], "<unk>") == ["明天 → <unk>", "吧 → <unk>"]
    assert substitutions(["吧"], None) == []  # nothing replaces it: the sentence is refused


def test_the_scenario_reads_the_cut_sentence_with_unknown_words_as_its_unknown_token():
    scenario = load_scenario("intent-zh")
    tokens, outside = segment("明天吃饭吗？", scenario.token_index())
    assert outside == ["吃", "饭"]
    read = scenario.with_tokens(tokens)
    unk = scenario.encode(["<unk>"])[0]
    assert (read.inputs[1] == unk).all() and (read.inputs[2] == unk).all()
    assert (read.inputs[0] == scenario.encode(["明天"])[0]).all()


def test_a_latin_word_inside_chinese_is_not_cut_at_a_known_prefix():
    vocab = ["今天", "what", "好"]
    assert segment("今天whatever好", vocab) == (["今天", "whatever", "好"], ["whatever"])
    assert segment("今天what好", vocab) == (["今天", "what", "好"], [])
