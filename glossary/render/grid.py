"""Aligned columns of numbers as plain Text lines: no table padding, so no line ends in spaces.

Rich tables pad every cell to its column's width, which leaves trailing whitespace on piped
output and folds numbers when the console is narrow. A grid knows its own width, so a view can
ask ``width`` first and choose which columns to show; cells are never cut.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from rich.text import Text

GAP = 2  # spaces between columns


class Grid:
    """Rows of text cells under a header; each column right-aligned unless marked left."""

    def __init__(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        left: Sequence[bool] | None = None,
        indent: int = 0,
    ) -> None:
        self.headers = list(headers)
        self.rows = [list(row) for row in rows]
        if any(len(row) != len(self.headers) for row in self.rows):
            raise ValueError("every row needs one cell per header")
        self.left = list(left) if left is not None else [False] * len(self.headers)
        self.indent = indent
        self.widths = [
            max(len(cell) for cell in column) for column in zip(self.headers, *self.rows, strict=True)
        ]

    @property
    def width(self) -> int:
        """Columns the grid needs: cell widths, gaps and the indent."""
        return self.indent + sum(self.widths) + GAP * (len(self.widths) - 1)

    def _line(self, cells: Sequence[str]) -> str:
        """One row, aligned; trailing spaces stripped."""
        parts = [
            cell.ljust(width) if left else cell.rjust(width)
            for cell, width, left in zip(cells, self.widths, self.left, strict=True)
        ]
        return (" " * self.indent + (" " * GAP).join(parts)).rstrip()

    def text(self, header_style: str = "bold") -> Text:
        """The header line (styled) then one line per row, joined with newlines."""
        result = Text()
        result.append(self._line(self.headers), style=header_style)
        for row in self.rows:
            result.append("\n" + self._line(row))
        return result


def wrapped(text: str, width: int, style: str = "") -> Text:
    """Prose wrapped at spaces to ``width``: rich's own wrap leaves a space at each line's end.

    Words (and so numbers and formulas without spaces) are never split; a word longer than the
    width stays whole on its own line.
    """
    lines = textwrap.wrap(text, width=max(width, 1), break_long_words=False, break_on_hyphens=False)
    return Text("\n".join(lines), style=style)
