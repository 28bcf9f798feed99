"""Make stored or imported text inert before it reaches the terminal.

rich parses ``[...]`` as markup (``[link=...]`` becomes a live hyperlink) and passes ESC, C1,
NUL, DEL and bidi overrides straight through, so every piece of content goes through here.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and the bidi embedding/override/isolate marks.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Anything rich could read as a tag: "[" followed by a tag-ish character.
_MARKUP = re.compile(r"(\\*)(\[[a-zA-Z#/@\]])")


def _visible(match: re.Match[str]) -> str:
    """Show a control character as its escape code, so nothing is silently lost."""
    return f"\\x{ord(match.group()):02x}" if ord(match.group()) < 0x100 else f"\\u{ord(match.group()):04x}"


def plain(text: str) -> str:
    """Text safe for ``rich.text.Text`` (which never parses markup): control characters made visible."""
    return _UNSAFE.sub(_visible, text)


def clean(text: str) -> str:
    """Text safe inside a rich markup string: control characters made visible and markup escaped."""
    return _MARKUP.sub(lambda m: m.group(1) * 2 + "\\" + m.group(2), plain(text))
