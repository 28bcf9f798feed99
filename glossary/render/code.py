"""Source code as a learner copies it: highlighted, never wrapped.

A wrapped line is no longer valid code, so a line wider than the screen is cut and ends in a dim
ellipsis instead (the pager or a wider terminal shows it whole); piped, the CLI makes the console
as wide as ``code_width`` so nothing is cut at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult


def code_width(sources: Sequence[tuple[str, str]]) -> int:
    """Columns the longest line of (name, source) pairs needs."""
    lines = [line for _, source in sources for line in source.splitlines()]
    return max((len(line.expandtabs()) for line in lines), default=0)


class SourceBlock:
    """One piece of source in ``lexer``'s colours, never wrapped."""

    def __init__(self, source: str, lexer: str = "python") -> None:
        self.source = source
        self.lexer = lexer

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The highlighted source at its full width, each line cropped to the screen."""
        from rich.syntax import Syntax

        syntax = Syntax(self.source, self.lexer, theme="ansi_dark", word_wrap=False)
        full = options.update(width=max(code_width([("", self.source)]), 1), no_wrap=True)
        limit = options.max_width
        for line in console.render_lines(syntax, full, pad=False):
            if Segment.get_line_length(line) > limit:
                line = [*Segment.adjust_line_length(line, limit - 1), Segment("…", Style(dim=True))]
            yield from line
            yield Segment.line()
