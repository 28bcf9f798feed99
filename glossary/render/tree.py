"""A tree with guide lines (``├──``, ``│``, ``└──``), drawn line by line.

It draws what ``rich.tree.Tree`` draws, guides styled ``tree.line`` and ASCII guides where the
terminal has no box characters, but a label that fits its line (nearly every one) is rendered
directly instead of through the whole layout pipeline: rich spends ~130 us a node there, so the
tree of a hub term linked from 500 others took 60 ms to draw. A label too long for its line
wraps as rich wraps it, its continuation lines under the node's own guide.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from rich.segment import Segment

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.style import Style
    from rich.text import Text

# (space, continue, fork, end), as rich draws them
_UNICODE_GUIDES = ("    ", "│   ", "├── ", "└── ")
_ASCII_GUIDES = ("    ", "|   ", "+-- ", "`-- ")


class Node(NamedTuple):
    """A label and the nodes drawn under it."""

    label: Text
    children: Sequence[Node] = ()


class GuidedTree:
    """``root`` and its descendants, one line per node (more where a label wraps)."""

    def __init__(self, root: Node) -> None:
        self.root = root

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The root flush left, then each child under its parent's guides, depth first."""
        space, going_on, fork, end = _ASCII_GUIDES if options.ascii_only else _UNICODE_GUIDES
        style = console.get_style("tree.line")
        width = options.max_width
        yield from _label_lines(console, self.root.label, "", "", style, width)
        stack: list[tuple[str, Iterator[tuple[bool, Node]]]] = [("", _with_last(self.root.children))]
        while stack:
            above, children = stack[-1]
            step = next(children, None)
            if step is None:
                stack.pop()
                continue
            last, node = step
            first = above + (end if last else fork)
            rest = above + (space if last else going_on)
            yield from _label_lines(console, node.label, first, rest, style, width)
            if node.children:
                stack.append((rest, _with_last(node.children)))


def _with_last(nodes: Sequence[Node]) -> Iterator[tuple[bool, Node]]:
    return ((index == len(nodes) - 1, node) for index, node in enumerate(nodes))


def _label_lines(
    console: Console, label: Text, first: str, rest: str, style: Style, width: int
) -> Iterator[Segment]:
    """A node's label after its guide; wrapped lines continue under ``rest``."""
    room = max(width - len(first), 1)  # guides are one column a character
    fits = label.cell_len <= room and "\n" not in label.plain and "\t" not in label.plain
    for index, line in enumerate([label] if fits else label.wrap(console, room)):
        prefix = first if index == 0 else rest
        if prefix:
            yield Segment(prefix, style)
        segments = line.render(console)
        if line.style and not line.spans:  # Text.render styles a text only through its spans
            segments = Segment.apply_style(segments, console.get_style(line.style))
        yield from segments
        yield Segment.line()
