"""Make stored or imported text inert before it reaches the terminal.

rich parses ``[...]`` as markup (``[link=...]`` becomes a live hyperlink) and passes ESC, C1,
NUL, DEL and bidi overrides straight through, so every piece of content goes through here.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and the bidi embedding/override/isolate marks,
# each mapped to a visible escape code so nothing is silently lost. A translate table, not a regex:
# compiling that character class cost ~0.4 ms on every start.
_UNSAFE_CODES = (
    *range(0x00, 0x09),
    *range(0x0B, 0x20),
    *range(0x7F, 0xA0),
    0x200E,
    0x200F,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
)
_VISIBLE = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _UNSAFE_CODES}
# Anything rich could read as a tag: "[" followed by a tag-ish character (compiled on first use).
_MARKUP = r"(\\*)(\[[a-zA-Z#/@\]])"


def plain(text: str) -> str:
    """Text safe for ``rich.text.Text`` (which never parses markup): control characters made visible.

    Besides the table above, every character of Unicode categories Cc, Cf, Zl and Zp (U+061C,
    U+2028, U+FEFF...) and lone surrogates (Cs, which no terminal encoding can print) are shown
    as ``\\uXXXX``. ``str.isprintable`` is False for all of them, so printable text pays nothing.
    """
    if text.isprintable():
        return text
    text = text.translate(_VISIBLE)
    if all(character.isprintable() or character in "\t\n" for character in text):
        return text
    return "".join(_visible(character) for character in text)


def _visible(character: str) -> str:
    if character.isprintable() or character in "\t\n":
        return character
    import unicodedata

    if unicodedata.category(character) in ("Cc", "Cf", "Zl", "Zp", "Cs"):
        code = ord(character)
        return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
    return character  # a space separator (Zs), private use or unassigned: harmless on a terminal


def clean(text: str) -> str:
    """Text safe inside a rich markup string: control characters made visible and markup escaped."""
    return re.sub(_MARKUP, lambda m: m.group(1) * 2 + "\\" + m.group(2), plain(text))
