"""A typed sentence -> the vocabulary's tokens, for languages written without spaces too.

The sentence is split on whitespace first. A chunk the vocabulary knows is one token; any
other chunk is cut by longest match, left to right: at each place the longest vocabulary
word that starts there is taken, and a character that starts no vocabulary word is a
token of its own, so 明天天气怎么样？ reads as 明天 天气 怎么样 ？ with the Chinese intent
scenario's words.

Text in scripts written with spaces is cut only where that makes it all known words:
"it?" reads as "it" "?" when both are words of the vocabulary, but "whatever" (or
"[b]zebra") stays one unknown token rather than "what" + "e" + "v" + .... A chunk with a
character of a script written without spaces (Han, kana, Thai, a fullwidth ？) is always
cut, and letters of spaced scripts inside it stay together: 今天hello好 is 今天 hello 好.

Tokens outside the vocabulary are returned too (`Segmentation.outside`), so whoever
shows the sentence can say what each becomes: the scenario's `unknown` token, or a
refusal (Scenario.encode).

No textual or rich here: this is the scenario's business, checked without a screen.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

_SPACELESS_SCRIPTS = ("THAI ", "LAO ", "KHMER ", "MYANMAR ", "TIBETAN ")
"""Scripts written without spaces between words whose characters are not wide."""


class Segmentation(NamedTuple):
    """A sentence cut into tokens, and those of them the vocabulary does not hold."""

    tokens: list[str]
    """The tokens, in order: one time step each."""
    outside: list[str]
    """The tokens outside the vocabulary, each once, in the order they first appear."""


def _spaceless(char: str) -> bool:
    """Is `char` written in a script without spaces between words? Han, kana, Hangul and
    the fullwidth forms (wide characters), Thai, Lao, Khmer, Myanmar, Tibetan."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return True
    return unicodedata.name(char, "").startswith(_SPACELESS_SCRIPTS)


def _in_word(char: str) -> bool:
    """Is `char` a letter or digit of a script that separates words with spaces? Such a
    run of characters is one word, never cut in its middle."""
    return char.isalnum() and not _spaceless(char)


def _cut(chunk: str, known: set[str], longest: int) -> list[str]:
    """`chunk` (no whitespace) cut by longest match against `known` words of at most
    `longest` characters, left to right."""
    tokens: list[str] = []
    i, n = 0, len(chunk)
    while i < n:
        match = 0
        for j in range(min(n, i + longest), i, -1):
            if j < n and _in_word(chunk[j - 1]) and _in_word(chunk[j]):
                continue  # would end inside a word: "what" of "whatever"
            if chunk[i:j] in known:
                match = j
                break
        if not match:  # nothing known starts here: one character, or a whole word
            match = i + 1
            if _in_word(chunk[i]):
                while match < n and _in_word(chunk[match]):
                    match += 1
        tokens.append(chunk[i:match])
        i = match
    return tokens


def segment(text: str, vocab: Iterable[str]) -> Segmentation:
    """`text` as tokens of `vocab` (see the module): whitespace first, then longest match
    inside each chunk the vocabulary does not hold as it is (a chunk of a spaced script
    only when every piece is known). The tokens outside the vocabulary are listed in
    `outside`.

    >>> segment("明天天气怎么样？", ["明天", "天气", "怎么样", "？", "天"]).tokens
    ['明天', '天气', '怎么样', '？']
    """
    known = {word for word in vocab if word}
    longest = max((len(word) for word in known), default=1)
    tokens: list[str] = []
    for chunk in text.split():
        if chunk in known:
            tokens.append(chunk)
            continue
        pieces = _cut(chunk, known, longest)
        if any(_spaceless(char) for char in chunk) or all(p in known for p in pieces):
            tokens.extend(pieces)
        else:  # a word of a spaced script the vocabulary does not know: one token
            tokens.append(chunk)
    outside = list(dict.fromkeys(token for token in tokens if token not in known))
    return Segmentation(tokens, outside)


def substitutions(outside: Iterable[str], unknown: str | None) -> list[str]:
    """What each token outside the vocabulary becomes ("明天 → <unk>"), when the scenario
    has an unknown token (else nothing replaces them: the sentence is refused)."""
    if unknown is None:
        return []
    return [f"{token} → {unknown}" for token in outside]
