"""The errors the core raises for the user to act on; kept apart so the lookup path imports no parser."""

from __future__ import annotations

import os


class StoreError(Exception):
    """A problem with the store the user can act on (bad path, newer schema, broken content)."""


class PackError(ValueError):
    """A pack that cannot be used, with the place to fix it: ``file:line: what is wrong``."""

    def __init__(self, path: str | os.PathLike[str], line: int | None, message: str) -> None:
        self.path, self.line, self.message = os.fspath(path), line, message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")
