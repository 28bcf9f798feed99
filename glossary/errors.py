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
