"""A wrapper that draws any renderable without whitespace at the ends of its lines.

rich pads table cells and justified text with spaces, so piped output (and the golden files)
carry trailing blanks on almost every line. ``Trimmed`` renders its content at the width it is
given, then cuts the blanks off each line; colours and styles of the kept text are untouched.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment


def _rstrip(line: list[Segment]) -> list[Segment]:
    """The line without trailing whitespace; control segments (cursor moves, links) are kept."""
    kept = list(line)
    while kept:
        last = kept[-1]
        if last.control:
            break
        text = last.text.rstrip()
        if text:
            kept[-1] = Segment(text, last.style, last.control)
            break
        kept.pop()
    return kept


class Trimmed:
    """Render ``renderable`` line by line with the trailing whitespace removed."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Each line of the content, cut at its last visible character."""
        for line in console.render_lines(self.renderable, options, pad=False):
            yield from _rstrip(line)
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """As wide as the content: trimming never widens anything."""
        return Measurement.get(console, options, self.renderable)
