"""Aligned columns of numbers as plain Text lines, laid out before they are drawn.

Rich tables fold numbers when the console is narrow. A grid knows its own width, so a view can
ask ``width`` first and choose which columns to show; cells are never cut. (Trailing whitespace
is not this module's job: every console the CLI prints on trims it, see ``render/trim.py``.)
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from glossary.render.prose import CAP, Prose

GAP = 2  # spaces between columns


class Grid:
    """Rows of text cells under a header; each column right-aligned unless marked left."""

    def __init__(
        self,
        headers: Sequence[str] | None,
        rows: Sequence[Sequence[str]],
        left: Sequence[bool] | None = None,
        indent: int = 0,
    ) -> None:
        self.headers = list(headers) if headers is not None else None  # None: no header line
        self.rows = [list(row) for row in rows]
        columns = len(self.headers) if self.headers is not None else len(self.rows[0]) if self.rows else 0
        if any(len(row) != columns for row in self.rows):
            raise ValueError("every row needs one cell per column")
        self.left = list(left) if left is not None else [False] * columns
        self.indent = indent
        every = ([self.headers] if self.headers is not None else []) + self.rows
        self.widths = [max(len(cell) for cell in column) for column in zip(*every, strict=True)]

    @property
    def width(self) -> int:
        """Columns the grid needs: cell widths, gaps and the indent."""
        return self.indent + sum(self.widths) + GAP * max(len(self.widths) - 1, 0)

    def _line(self, cells: Sequence[str]) -> str:
        """One row, aligned; trailing spaces stripped."""
        parts = [
            cell.ljust(width) if left else cell.rjust(width)
            for cell, width, left in zip(cells, self.widths, self.left, strict=True)
        ]
        return (" " * self.indent + (" " * GAP).join(parts)).rstrip()

    def text(self, header_style: str = "bold") -> Text:
        """The header line (styled) then one line per row, joined with newlines."""
        lines = [self._line(row) for row in self.rows]
        result = Text()
        if self.headers is not None:
            result.append(self._line(self.headers), style=header_style)
            if lines:
                result.append("\n")
        result.append("\n".join(lines))
        return result


def wrapped(text: str, width: int, style: str = "") -> Prose:
    """Prose wrapped at ``width`` (at most ``prose.CAP``), never inside a formula or a number."""
    return Prose(text, style=style, cap=min(width, CAP))
