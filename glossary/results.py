"""What the browsing commands return: one record per command, handed to a view or to JSON.

Kept apart from ``glossary.model`` so that a lookup, which needs only terms, links and cards,
does not pay for defining these at start-up (a ``NamedTuple`` costs ~60-100 us to define, most
of it ``collections.namedtuple`` compiling its constructor). The store imports them inside the
methods that build them.
"""

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from glossary.model import Card, Term


class SearchHit(NamedTuple):
    """One full-text match: the term and the highlighted fragment that matched."""

    slug: str
    name: str
    summary: str
    snippet: str
    score: float


class TopicInfo(NamedTuple):
    """A topic (one pack) and how many terms it holds."""

    topic: str
    title: str
    description: str
    count: int


class PathStep(NamedTuple):
    """One hop of a chain of links: ``source`` --label--> ``target``."""

    source: str
    label: str
    target: str
    source_slug: str = ""
    target_slug: str = ""


class TopicGroup(NamedTuple):
    """One topic of the list and its terms in pack order, read from the store as they are drawn
    (iterate ``terms`` once)."""

    topic: TopicInfo
    terms: Iterable  # of Term


class TermList(NamedTuple):
    """The terms grouped by topic, as ``glossary list`` shows them, and the (name, abbreviation)
    of every listed term: what the name column's width needs, without reading whole rows first
    (iterate ``titles`` once)."""

    groups: tuple  # of TopicGroup
    titles: Iterable  # of (name, abbreviation)


class Comparison(NamedTuple):
    """Two cards side by side and the relation words that link the first to the second."""

    left: Card
    right: Card
    relation: tuple  # of str, worded from the left term's end


class LinkTree(NamedTuple):
    """A term and the terms within a few links of it, by parent slug (breadth first)."""

    root: Term
    children: Mapping  # slug -> list of LinkView


class Route(NamedTuple):
    """The shortest chain of links between two terms; ``steps`` is None when none exists."""

    start: Term
    goal: Term
    steps: tuple | None  # of PathStep


class SearchResults(NamedTuple):
    """A search and its ranked hits."""

    query: str
    hits: tuple  # of SearchHit


class DemoFailure(NamedTuple):
    """A term's demo that could not run (a bad pack value, an unknown demo): one line of why."""

    name: str
    message: str
