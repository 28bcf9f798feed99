"""Renderables whose lines never end in whitespace, however the wrapped renderable pads them.

Rich tables pad every cell to the column width, so piped output carries trailing spaces. The
wrapper renders the inner renderable line by line and trims each line's end; styles and the
text itself are untouched.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment


class Trimmed:
    """Draw ``renderable``, cutting the whitespace at the end of every line."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Yield the inner lines with their trailing blank segments dropped and the last one cut."""
        for line in console.render_lines(self.renderable, options, pad=False):
            segments = [segment for segment in line if not segment.control]
            while segments and not segments[-1].text.rstrip():
                segments.pop()
            if segments:
                last = segments[-1]
                segments[-1] = Segment(last.text.rstrip(), last.style)
            yield from segments
            yield Segment.line()
