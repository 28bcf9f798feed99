"""The errors the core raises for the user to act on; the CLI maps each to one line and an exit code.

``NotFound`` and ``StoreError`` and ``PackError`` exit 1 (the request was fine, the answer is no);
``Invalid`` exits 2 (the request itself is malformed), as click does for usage errors. Kept apart
from the modules that raise them, so the lookup path imports no parser.
"""

from __future__ import annotations

import os


class NotFound(LookupError):
    """No term matches ``query``; ``suggestions`` are (slug, name) pairs the user probably meant."""

    def __init__(
        self, query: str, suggestions: list[tuple[str, str]] | None = None, what: str = "term"
    ) -> None:
        super().__init__(f"no {what} matches {query!r}")
        self.query, self.suggestions, self.what = query, list(suggestions or []), what


class Invalid(ValueError):
    """A request that cannot be right whatever the store holds: an empty term, an unknown topic."""

    def __init__(self, message: str, param: str = "") -> None:
        super().__init__(message)
        self.message, self.param = message, param


class StoreError(Exception):
    """A problem with the store the user can act on (bad path, newer schema, broken content)."""


class PackError(ValueError):
    """A pack that cannot be used, with the place to fix it: ``file:line: what is wrong``."""

    def __init__(self, path: str | os.PathLike[str], line: int | None, message: str) -> None:
        self.path, self.line, self.message = os.fspath(path), line, message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


def shown(text: str, limit: int = 60) -> str:
    """User input as it can be printed: undecodable bytes as \\xNN escapes, at most ``limit`` characters."""
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no byte stands for (U+D800): keep it as \\udXXX
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def check_text(text: str) -> None:
    """Refuse a command-line string holding bytes that are not UTF-8 (lone surrogates).

    Python keeps such bytes as surrogates (``$'caf\\xe9'`` in a UTF-8 shell); SQLite and the
    terminal would both raise UnicodeEncodeError on them, so they are named here instead.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid(
            f"'{shown(text)}' is not valid UTF-8 text; check your terminal's encoding (locale)."
        ) from None
