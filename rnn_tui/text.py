"""Text from files, users, paths and exceptions, made safe to show anywhere.

A terminal acts on control characters (ESC starts a sequence that can set the
clipboard or the window title, wipe the screen, ...), bidi overrides reorder what
a reader sees, and XML (SVG) refuses most C0 characters. `visible` replaces each
of them with a visible stand-in, once, where the text enters the program (the
scenario loader, the session reader, a dialog's input), so every output downstream
(screen, CLI, JSON, cast, SVG) is safe by construction.

No textual or rich here: the loader and the session reader use it too.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls; bidi embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069) and the marks (U+200E, U+200F, U+061C);
# line/paragraph separators; lone surrogates (from JSON "\ud800"), which no
# terminal or file encoding accepts.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_UNSAFE_KEEPING_LINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
    "\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _stand_in(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␛ for ESC, ␀ for NUL
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def visible(text: str, *, lines: bool = False) -> str:
    """`text` with every control, bidi-override and lone-surrogate character replaced
    by a visible stand-in (ESC -> ␛, U+202E -> \\u202e). With `lines`, newline and
    tab are kept (for multi-line descriptions and notes)."""
    pattern = _UNSAFE_KEEPING_LINES if lines else _UNSAFE
    return pattern.sub(_stand_in, text)


def is_visible(text: str, *, lines: bool = False) -> bool:
    """True when `visible(text, lines=lines)` would change nothing."""
    pattern = _UNSAFE_KEEPING_LINES if lines else _UNSAFE
    return pattern.search(text) is None
