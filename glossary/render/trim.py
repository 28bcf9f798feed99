"""The one place trailing whitespace is cut from everything the glossary prints.

rich pads table cells, panels and justified text with spaces, so piped output (and the golden
files) would carry blanks at the end of almost every line. ``Trimmed`` draws any renderable and
cuts the whitespace before each newline; styles of the kept text are untouched, and a last line
left open (a prompt printed with ``end=""``) is passed on as it is, its space before the cursor
kept. ``trimming(console)`` installs it as a render hook, so every ``print`` on that console is
trimmed: the CLI builds all its consoles through it, and no view needs to remember to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderableType, RenderHook, RenderResult
from rich.measure import Measurement
from rich.segment import Segment

if TYPE_CHECKING:
    from rich.console import RichCast


def _rstrip(line: list[Segment]) -> list[Segment]:
    """The line without trailing whitespace; zero-width control segments (cursor moves) are kept."""
    kept = list(line)
    index = len(kept) - 1
    while index >= 0:
        segment = kept[index]
        if segment.control:
            index -= 1
            continue
        text = segment.text.rstrip()
        if text:
            kept[index] = Segment(text, segment.style)
            break
        del kept[index]
        index -= 1
    return kept


class Trimmed:
    """Draw ``renderable`` with the whitespace at the end of every line cut off."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The content's own segments, trimmed line by line (nothing re-wrapped or padded).

        A line wider than the console (a table or a no-wrap formula at 40 columns) is cropped
        here, before trimming: cropped later by the console, its cut could land on a space.
        """
        segments = console.render(self.renderable, options)
        lines = Segment.split_and_crop_lines(segments, options.max_width, pad=False, include_new_lines=True)
        newline = Segment.line()
        for line in lines:
            if line and line[-1] == newline:  # a closed line: trimmed where the split left it
                yield from _rstrip(line[:-1])
                yield newline
            else:  # the open last line (a prompt printed with end=""), as it is
                yield from line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """As wide as the content: trimming never widens anything."""
        return Measurement.get(console, options, self.renderable)


class _TrimHook(RenderHook):
    """Wrap every renderable a console prints in ``Trimmed``."""

    def process_renderables(
        self, renderables: list[ConsoleRenderable | RichCast]
    ) -> list[ConsoleRenderable | RichCast]:
        """Each renderable of one ``print`` call, trimmed."""
        return [Trimmed(renderable) for renderable in renderables]


def trimming(console: Console) -> Console:
    """``console``, from now on printing every line without trailing whitespace."""
    console.push_render_hook(_TrimHook())
    return console
