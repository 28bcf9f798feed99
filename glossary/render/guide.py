"""The pack format (``glossary help packs``) as the terminal draws a Markdown document."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from rich.markdown import CodeBlock, Markdown

from glossary.render.code import SourceBlock

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult

WIDTH = 100  # as wide as click draws a command's help
_FENCED = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


class _Example(CodeBlock):
    """A fenced example, never wrapped (a wrapped TOML line is no longer TOML), and as wide as
    the console rather than the prose's ``WIDTH``: piped, the CLI widens the console to fit it."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        example = SourceBlock(str(self.text).rstrip(), self.lexer_name)
        yield from console.render(example, options.update(width=console.width))


class _Document(Markdown):
    elements: ClassVar[dict] = {**Markdown.elements, "fence": _Example, "code_block": _Example}

    def __init__(self, markup: str, **options: Any) -> None:
        super().__init__(markup, **options)
        from markdown_it import MarkdownIt

        # rich's parser reads "<unk>" as an HTML tag and drops it ("Tokens to ids ( below a
        # cut-off)"); the format has no HTML, so angle brackets are text
        parser = MarkdownIt("commonmark", {"html": False}).enable("strikethrough").enable("table")
        self.parsed = parser.parse(markup)


def markdown_view(text: str, columns: int = WIDTH) -> RenderableType:
    """Headings, tables and prose wrapped to ``columns`` (the terminal's), at most ``WIDTH``
    (printed raw, the format's tables ran to 455 columns), and examples whole. Our own shipped
    text (data/README.md), never the store's, so it may hold Markdown; links are not made live."""
    from rich.constrain import Constrain

    return Constrain(_Document(text, code_theme="ansi_dark", hyperlinks=False), min(columns, WIDTH))


def code_columns(text: str) -> int:
    """Columns the widest line of the document's examples needs: piped, none is cut."""
    lines = [line for block in _FENCED.findall(text) for line in block.splitlines()]
    return max((len(line.expandtabs()) for line in lines), default=0)
