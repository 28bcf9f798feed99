"""Term cards, term lists, link trees, comparisons and search results as rich renderables.

Every string from the store goes through ``plain`` (inside ``Text``, which never parses markup),
so a hostile imported term cannot style, link or move the cursor of the learner's terminal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.segment import Segment
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

    from glossary.model import Card
    from glossary.render.tree import GuidedTree
    from glossary.results import Comparison, LinkTree, Route, SearchResults, TermList

from glossary.model import RELATIONS, LinkView, Term, shared_links
from glossary.render.prose import CAP, Prose, wrap_lines
from glossary.render.safe import plain


def _t(text: str, style: str = "") -> Text:
    """Stored text as inert rich Text."""
    return Text(plain(text), style=style)


def title_of(term: Term) -> Text:
    """``Long Short-Term Memory (LSTM)``."""
    title = _t(term.name, "bold")
    if term.abbreviation:
        title.append(f" ({plain(term.abbreviation)})", style="bold")
    return title


def resolution_note(term: Term, query: str, kind: str) -> Text | None:
    """Say why a lookup landed here, only when the title does not already say it.

    "LSTM is an abbreviation for Long Short-Term Memory." only for a lookup by the abbreviation;
    "Showing Long Short-Term Memory (LSTM) for 'LSTMs'." for a plural or a clear prefix.
    """
    if kind == "abbreviation":
        return _t(f"{term.abbreviation} is an abbreviation for {term.name}.", "italic")
    if kind == "alias":
        return _t(f"\u201c{query.strip()}\u201d is another name for {term.name}.", "italic")
    if kind in ("inflected", "matched"):
        # ASCII quotes: curly ones make rich load its Unicode width tables (~5 ms) on this path
        return _t(f"Showing {title_of(term).plain} for '{query.strip()}'.", "italic")
    return None


def grouped_links(links: Sequence[LinkView]) -> list[tuple[str, list[str]]]:
    """Links grouped under their wording, in the model's relation order (outgoing first)."""
    order = {r.key: i for i, r in enumerate(RELATIONS)}
    groups: dict[str, list[str]] = {}
    for view in sorted(links, key=lambda v: (order[v.relation], not v.outgoing)):
        groups.setdefault(view.label, []).append(view.other_name)
    return list(groups.items())


def _line(console: Console, line: Text) -> Iterator[Segment]:
    """An already wrapped line as segments: yielding the Text itself would make rich wrap it again.

    ``Text.render`` leaves out the Text's own base style (``__rich_console__`` adds it), so it is
    applied here under the spans' styles.
    """
    base = console.get_style(line.style) if line.style else None
    yield from Segment.apply_style(line.render(console, end=""), base)
    yield Segment.line()


class Rows:
    """Label / value rows with hanging indents: the card's layout without rich.table.

    ``rich.table`` costs ~4 ms to import (it pulls in fractions and decimal), more than the rest
    of a card; two aligned columns need only this.
    """

    def __init__(self, rows: Sequence[tuple[Text, Text]], gap: int = 2, indent: int = 0) -> None:
        self.rows = list(rows)
        self.gap = gap
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        label_width = max((cell_len(label.plain) for label, _ in self.rows), default=0) + self.gap
        value_width = max(min(options.max_width, CAP) - self.indent - label_width, 10)
        for label, value in self.rows:
            for index, line in enumerate(wrap_lines(value, value_width)):
                prefix = label.copy() if index == 0 else Text()
                prefix.align("left", label_width)
                yield from _line(console, Text.assemble(" " * self.indent, prefix, line))


class Paragraph:
    """Text wrapped to the width (at most ``CAP``), never inside a formula or a command."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in wrap_lines(self.text, min(options.max_width, CAP)):
            yield from _line(console, line)


class Heading:
    """Title on the left, a dim tag on the right, a rule under both: the card's masthead.

    A rich Panel around the card looked good but cost ~2 ms of imports and layout on every
    lookup, and its box characters got in the way of copying text out of a piped card.
    """

    def __init__(self, title: Text, tag: Text) -> None:
        self.title = title
        self.tag = tag

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = min(options.max_width, CAP)  # as wide as the card's prose, not the terminal
        room = width - cell_len(self.title.plain) - cell_len(self.tag.plain)
        if room >= 2:
            yield Text.assemble(self.title, " " * room, self.tag)
        else:
            yield self.title
            yield self.tag
        yield Text("\u2500" * width, style="dim")


def _section(heading: str) -> Text:
    return Text(heading, style="bold underline")


def examples_rows(term: Term) -> Rows:
    """Examples in two columns, one row per label (N = 2, N = 3, ...)."""
    return Rows(
        [
            (_t(example.label, "bold"), _t(", ".join(f"\u201c{item}\u201d" for item in example.items)))
            for example in term.examples
        ],
        indent=2,
    )


def links_rows(links: Sequence[LinkView]) -> Rows:
    """Relation wording on the left, linked terms on the right."""
    return Rows(
        [(Text(label, style="cyan"), _t(", ".join(names))) for label, names in grouped_links(links)], indent=2
    )


def term_card(
    term: Term,
    links: Sequence[LinkView],
    query: str = "",
    kind: str = "slug",
    imported: bool = False,
) -> RenderableType:
    """The full card: what it is, how it is written, what it links to, the demo to run."""
    parts: list[RenderableType] = [Heading(title_of(term), _t(f"{term.slug} \u00b7 {term.topic}", "dim"))]
    note = resolution_note(term, query, kind)
    if note is not None:
        parts += [Paragraph(note), Text()]
    parts.append(Paragraph(_t(term.summary, "bold")))
    if term.aliases:
        parts.append(Paragraph(_t("Also: " + ", ".join(term.aliases), "dim")))
    parts.append(Text())
    for paragraph in [p.strip() for p in term.definition.split("\n\n") if p.strip()]:
        parts += [Paragraph(_t(" ".join(paragraph.split()))), Text()]
    if term.examples:
        parts += [_section("Examples"), examples_rows(term), Text()]
    if links:
        parts += [_section("Links"), links_rows(links), Text()]
    footer = [(Text("Demo", style="bold"), _t(demo_command(term), "green"))] if term.demo else []
    footer.append((Text("Source", style="bold"), _t(term.source, "dim")))
    if imported:
        footer.append((Text("Origin", style="bold"), Text("imported by you", style="dim")))
    parts.append(Rows(footer))
    return Group(*parts)


_SHELL_SAFE = re.compile(r"^[A-Za-z0-9_.,:+=/@%-]+$")


def shell_word(value: object) -> str:
    """Quote a value the way a POSIX shell reads it back ("three purple" -> 'three purple')."""
    text = str(value)
    return text if _SHELL_SAFE.match(text) else "'" + text.replace("'", "'\"'\"'") + "'"


def demo_command(term: Term) -> str:
    """The command a learner types, copy-pastable, to run this term's demo with its own parameters."""
    options = " ".join(
        f"--{name.replace('_', '-')} {shell_word(value)}" for name, value in sorted(term.demo_params.items())
    )
    return f"glossary demo {term.demo}" + (f" {options}" if options else "")


def _title_cells(name: str, abbreviation: str) -> int:
    """Columns of a term's title in the list: printable ASCII (nearly every title) is a column a
    character, the one check 10,000 titles can afford; anything else is measured as drawn."""
    text = f"{name} ({abbreviation})" if abbreviation else name
    return len(text) if text.isascii() and text.isprintable() else cell_len(plain(text))


def term_list_chunks(
    groups: Sequence[tuple[str, Iterable[Term]]], titles: Iterable[tuple[str, str]], size: int = 50
) -> Iterator[RenderableType]:
    """The term list topic by topic: a heading, then the topic's terms in tables of ``size`` rows,
    printed as the terms are read (a rich Table lays out all its rows before printing any: on
    10,000 terms, seconds of silence). The name column has one width throughout, from ``titles``
    (the name and abbreviation of every listed term)."""
    width = 2 + max((_title_cells(name, abbreviation) for name, abbreviation in titles), default=2)
    for index, (title, terms) in enumerate(groups):
        yield _t(title, "bold magenta") if index == 0 else Text.assemble("\n", _t(title, "bold magenta"))
        pending = iter(terms)
        while chunk := list(islice(pending, size)):
            yield _ListRows(chunk, width)


class _ListRows:
    """Terms as rows of name and summary. The name column is as wide as the widest title but at
    most a third of the screen, so summaries keep room to read; a longer name wraps under itself.
    Both wrap as prose: never inside a formula such as 1 / (1 + exp(-x))."""

    def __init__(self, terms: list[Term], width: int) -> None:
        self.terms = terms
        self.width = width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.table import Table

        width = min(self.width, max(18, options.max_width // 3))
        table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
        table.add_column(min_width=width, max_width=width)
        table.add_column()
        for term in self.terms:
            table.add_row(Prose(Text("  ") + title_of(term), hang=2, fold=True), Prose(_t(term.summary)))
        yield table


# A link worded as the verb of a sentence whose subject is the term it is read from, so a tree
# line or a path step reads as English: "forget gate is part of LSTM", "RNN has the part timestep".
_VERB = {
    "has kinds": "has the kind",
    "part of": "is part of",
    "has parts": "has the part",
    "mitigated by": "is mitigated by",
    "addressed by": "is addressed by",
    "used in": "is used in",
    "compare with": "is compared with",
    "contrast with": "is contrasted with",
}


def one_link(label: str) -> str:
    """A relation's wording as a verb for one linked term ("has the part timestep")."""
    return _VERB.get(label, label)


def link_sentence(left: Term, right: Term, view: LinkView) -> str:
    """One link as an English sentence from ``left``'s end, worded by ``glossary.wording``:
    "An LSTM addresses the vanishing gradient problem.", "The tanh is used in an RNN."."""
    from glossary.wording import link_clause, reverse_key, sentence

    key = view.relation if view.outgoing else reverse_key(view.relation)
    return sentence(link_clause(key, left, right))


def shared_sentence(view: LinkView) -> str:
    """What two terms share, as a sentence: "Both are kinds of N-gram.", "Both use the sigmoid."."""
    from glossary.wording import Grammar, link_clause, named, reverse_key, sentence

    key = view.relation if view.outgoing else reverse_key(view.relation)
    both = Grammar("both", "", plural=True)
    return sentence(link_clause(key, both, named(view.other_name, view.other_slug, view.other_abbreviation)))


def link_tree(root: Term, children: Mapping[str, Sequence[LinkView]]) -> GuidedTree:
    """A term's neighbourhood as a tree: ``children[slug]`` are the links drawn under ``slug``."""
    from glossary.render.tree import GuidedTree, Node

    def grow(slug: str) -> tuple[Node, ...]:
        return tuple(
            Node(
                Text.assemble((f"{one_link(view.label)} ", "cyan"), _t(view.other_name)),
                grow(view.other_slug),
            )
            for view in children.get(slug, ())
        )

    return GuidedTree(Node(title_of(root), grow(root.slug)))


def comparison(
    left: Term,
    right: Term,
    relation_words: list[str],
    left_links: Sequence[LinkView],
    right_links: Sequence[LinkView],
) -> RenderableType:
    """Two cards side by side, row by row, with how the two terms are linked on top.

    The links read as English sentences from the left term's end ("The vanishing gradient problem
    is often compared with the exploding gradient problem."); without a direct link, what the two
    share (both are kinds of N-gram); with neither, the ``glossary path`` command to try. No
    sentence starts with a bare term name, so "tanh" is never written "Tanh".
    """
    direct = [link_sentence(left, right, view) for view in left_links if view.other_slug == right.slug]
    shared = [shared_sentence(view) for view in shared_links(tuple(left_links), tuple(right_links))]
    sentences = direct + shared
    if not direct:
        sentences.insert(0, f"There is no direct link between {left.name} and {right.name}.")
        if not shared:
            sentences[0] = sentences[0][:-1] + f"; try glossary path {left.slug} {right.slug}."
    header = Paragraph(_t(" ".join(sentences), "italic"))
    from rich.table import Table

    table = Table(show_lines=True, expand=True)
    table.add_column("", style="bold", no_wrap=True)
    table.add_column(title_of(left), ratio=1)
    table.add_column(title_of(right), ratio=1)
    table.add_row("summary", _t(left.summary), _t(right.summary))
    table.add_row(
        "definition",
        _t(" ".join(left.definition.split())),
        _t(" ".join(right.definition.split())),
    )

    def link_text(links: Sequence[LinkView]) -> Text:
        return _t("\n".join(f"{label}: {', '.join(n)}" for label, n in grouped_links(links)))

    table.add_row("links", link_text(left_links), link_text(right_links))
    table.add_row(
        "demo", _t(demo_command(left) if left.demo else "-"), _t(demo_command(right) if right.demo else "-")
    )
    return Group(header, Text(), table)


def search_results(query: str, hits: Sequence, hit_start: str, hit_end: str) -> RenderableType:
    """Ranked hits, with the matched words of each snippet highlighted."""
    if not hits:
        from glossary.errors import shown  # a 120 KB query is echoed cut short, bad bytes as \xNN

        return _t(f"No term matches \u201c{shown(query)}\u201d.")
    from rich.table import Table

    table = Table(box=None, show_header=True, header_style="bold", padding=(0, 2, 0, 0))
    table.add_column("term", no_wrap=True)
    table.add_column("match")
    for hit in hits:
        snippet = Text()
        for index, piece in enumerate(hit.snippet.replace(hit_end, hit_start).split(hit_start)):
            snippet.append(plain(" ".join(piece.split("\n"))), style="bold reverse" if index % 2 else "")
        table.add_row(Text.assemble(_t(hit.name, "bold"), "\n", _t(hit.slug, "dim")), snippet)
    return table


def path_view(steps: Sequence) -> Text:
    """A chain of links, each step indented under the last: forget gate / part of -> LSTM / ..."""
    text = _t(steps[0].source, "bold")
    for depth, step in enumerate(steps):
        text.append("\n" + "   " * depth + f"\u2514\u2500 {one_link(step.label)} \u2192 ", style="cyan")
        text.append(plain(step.target), style="bold")
    return text


# ---- one view per lookup command's record (see glossary.render.view_of)


def card_view(card: Card) -> RenderableType:
    """``glossary show``."""
    return term_card(card.term, card.links, card.query, card.kind, imported=card.origin == "user")


def comparison_view(pair: Comparison) -> RenderableType:
    """``glossary compare``."""
    return comparison(pair.left.term, pair.right.term, list(pair.relation), pair.left.links, pair.right.links)


def term_list_view(listing: TermList) -> RenderableType:
    """``glossary list``."""
    return Group(*term_list_parts(listing))


def term_list_parts(listing: TermList) -> Iterator[RenderableType]:
    """``glossary list`` in parts that can be printed (or paged) as they are drawn."""
    groups = [(f"{g.topic.title} ({g.topic.topic})", g.terms) for g in listing.groups]
    return term_list_chunks(groups, listing.titles)


def link_tree_view(tree: LinkTree) -> RenderableType:
    """``glossary links``."""
    return link_tree(tree.root, tree.children)


def link_tree_parts(tree: LinkTree) -> Iterator[RenderableType]:
    """``glossary links`` in parts that can be printed (or paged) as they are drawn."""
    return link_tree(tree.root, tree.children).parts()


def route_view(route: Route) -> RenderableType:
    """``glossary path`` (the command handles the unconnected case before drawing)."""
    if not route.steps:
        return Text("That is the same term.")
    return path_view(route.steps)


def search_view(results: SearchResults) -> RenderableType:
    """``glossary search``."""
    from glossary.model import HIT_END, HIT_START

    return search_results(results.query, results.hits, HIT_START, HIT_END)
