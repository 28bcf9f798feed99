"""A tree with guide lines (``├──``, ``│``, ``└──``), drawn line by line.

It draws what ``rich.tree.Tree`` draws, guides styled ``tree.line`` and ASCII guides where the
terminal has no box characters, but a label that fits its line (nearly every one) is rendered
directly instead of through the whole layout pipeline: rich spends ~130 us a node there, so the
tree of a hub term linked from 500 others took 60 ms to draw. A label too long for its line
wraps as rich wraps it, its continuation lines under the node's own guide.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, NamedTuple

from rich.segment import Segment

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, Group, RenderResult
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

    def parts(self, lines: int = 50) -> Iterator[Group]:
        """The tree in pieces of about ``lines`` nodes (the root's line, then whole branches of its
        children) that print one after another, so a hub's tree of hundreds starts at once."""
        from rich.console import Group

        part: list[Branch] = [Branch(Node(self.root.label), "", None)]
        size = 1
        for last, child in _with_last(self.root.children):
            if size >= lines:
                yield Group(*part)
                part, size = [], 0
            part.append(Branch(child, "", last))
            size += _count(child)
        yield Group(*part)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.parts()


class Branch:
    """One node and everything under it, drawn below guides ``above`` (``last``: whether the node
    is its parent's last child; None for the root, which has no guide of its own)."""

    def __init__(self, node: Node, above: str, last: bool | None) -> None:
        self.node, self.above, self.last = node, above, last

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The node's label after its guide, then its descendants depth first."""
        space, going_on, fork, end = _ASCII_GUIDES if options.ascii_only else _UNICODE_GUIDES
        style = console.get_style("tree.line")
        width = options.max_width
        if self.last is None:
            first = rest = self.above
        else:
            first = self.above + (end if self.last else fork)
            rest = self.above + (space if self.last else going_on)
        yield from _label_lines(console, self.node.label, first, rest, style, width)
        stack: list[tuple[str, Iterator[tuple[bool, Node]]]] = [(rest, _with_last(self.node.children))]
        while stack:
            above, children = stack[-1]
            step = next(children, None)
            if step is None:
                stack.pop()
                continue
            last, node = step
            first = above + (end if last else fork)
            below = above + (space if last else going_on)
            yield from _label_lines(console, node.label, first, below, style, width)
            if node.children:
                stack.append((below, _with_last(node.children)))


def _count(node: Node) -> int:
    """The node and all its descendants."""
    return 1 + sum(_count(child) for child in node.children)


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
        yield from _segments(console, line)
        yield Segment.line()


def _segments(console: Console, text: Text) -> Iterable[Segment]:
    """``text`` as segments. A label whose styled spans do not overlap (a link's verb, then a
    name) is cut at its spans directly, a third of the cost of ``Text.render``."""
    spans = sorted(text.spans, key=lambda span: span.start)
    if text.style:
        base = console.get_style(text.style)
        if not spans:  # Text.render styles a text only through its spans
            return [Segment(text.plain, base)]
        return text.render(console)
    if any(left.end > right.start for left, right in pairwise(spans)):
        return text.render(console)
    plain, segments, position = text.plain, [], 0
    for span in spans:
        if span.start > position:
            segments.append(Segment(plain[position : span.start]))
        if span.end > span.start:
            segments.append(Segment(plain[span.start : span.end], console.get_style(span.style)))
        position = max(position, span.end)
    if position < len(plain):
        segments.append(Segment(plain[position:]))
    return segments
