"""Plain data of the knowledge base: terms, typed links and how a link reads from either end.

No I/O here, so packs, the store, the quiz and the views can all share these types cheaply.
The records are typed ``NamedTuple``s rather than frozen dataclasses: both are immutable, but a
frozen dataclass costs ~0.7 ms to define against ~0.1 ms, and every lookup pays that at start-up.
Use ``._asdict()`` / ``._replace()`` where a dataclass would use ``asdict`` / ``replace``.

No ``from __future__ import annotations`` here: with string annotations, ``typing.NamedTuple``
compiles each field's annotation as a ForwardRef (~25 ``compile`` calls, ~0.5 ms at start-up).
"""

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

HIT_START, HIT_END = "\x02", "\x03"  # search snippet markers: never valid in content, split out by views


class Relation(NamedTuple):
    """A link type, stored once in its canonical direction and worded from both ends."""

    key: str  # canonical key, as written in packs and stored in the links table
    inverse_key: str  # the key a pack may use to write the link from the other end
    forward_label: str  # read from the source: "LSTM addresses ..."
    inverse_label: str  # read from the target: "vanishing gradient problem is addressed by ..."

    @property
    def symmetric(self) -> bool:
        """A symmetric relation reads the same from both ends (compare, contrast, see also)."""
        return self.key == self.inverse_key


RELATIONS: tuple[Relation, ...] = (
    Relation("is-a", "has-kind", "is a kind of", "has kinds"),
    Relation("part-of", "has-part", "part of", "has parts"),
    Relation("mitigates", "mitigated-by", "mitigates", "mitigated by"),
    Relation("addresses", "addressed-by", "addresses", "addressed by"),
    Relation("used-in", "uses", "used in", "uses"),
    Relation("compare", "compare", "compare with", "compare with"),
    Relation("contrast", "contrast", "contrast with", "contrast with"),
    Relation("see-also", "see-also", "see also", "see also"),
)
RELATION_BY_KEY: dict[str, Relation] = {r.key: r for r in RELATIONS}
INVERSE_KEYS: dict[str, Relation] = {r.inverse_key: r for r in RELATIONS if not r.symmetric}
LINK_KEYS: tuple[str, ...] = tuple(RELATION_BY_KEY) + tuple(INVERSE_KEYS)


class Example(NamedTuple):
    """A labelled group of examples, e.g. ``N = 2: "to go", "eat lunch"``."""

    label: str
    items: tuple[str, ...]


class Term(NamedTuple):
    """One glossary entry as authored in a pack."""

    slug: str
    name: str
    summary: str
    definition: str
    source: str
    topic: str
    abbreviation: str = ""
    aliases: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    demo: str = ""
    demo_params: Mapping[str, object] = MappingProxyType({})


class Link(NamedTuple):
    """A typed edge, always in canonical direction (``source`` is-a ``target``)."""

    source: str
    relation: str
    target: str


class LinkView(NamedTuple):
    """A link as seen from one term: the wording from that end and the term at the other."""

    label: str
    relation: str
    outgoing: bool
    other_slug: str
    other_name: str
    other_abbreviation: str = ""  # so a sentence can say "an LSTM"


# What the store returns (defined here, with the other records, to keep the store about queries).


class Resolution(NamedTuple):
    """How a user's query found its term, so the card can say "LSTM is an abbreviation for ..."."""

    slug: str
    query: str
    kind: str  # slug | name | alias | abbreviation


class CardId(NamedTuple):
    """One card of the learner's record: a question type asked about a term.

    Written ``"<slug>:<qtype>"`` (``str(card)``) in the store, the JSON and on screen; slugs
    never hold a colon, so ``parse`` splits at the last one.
    """

    slug: str
    qtype: str

    def __str__(self) -> str:
        return f"{self.slug}:{self.qtype}"

    @classmethod
    def parse(cls, text: str) -> "CardId":
        """Read ``"bigram:define"`` back; anything else is a ValueError."""
        slug, colon, qtype = text.rpartition(":")
        if not (colon and slug and qtype):
            raise ValueError(f"not a card id (slug:type): {text!r}")
        return cls(slug, qtype)


# The four FSRS answer buttons, named as the learner sees them (the ratings are FSRS's 1-4).
RATING_NAMES: Mapping[int, str] = MappingProxyType({1: "Again", 2: "Hard", 3: "Good", 4: "Easy"})


def canonical_link(slug: str, key: str, other: str) -> Link:
    """Turn a link written on ``slug``'s entry under ``key`` into its single stored form."""
    if key in RELATION_BY_KEY:
        relation = RELATION_BY_KEY[key]
        if relation.symmetric and other < slug:
            return Link(other, key, slug)
        return Link(slug, key, other)
    if key in INVERSE_KEYS:
        return Link(other, INVERSE_KEYS[key].key, slug)
    raise KeyError(key)


def view_link(link: Link, from_slug: str, other_name: str, other_abbreviation: str = "") -> LinkView:
    """Word ``link`` as read from ``from_slug``'s card."""
    relation = RELATION_BY_KEY[link.relation]
    outgoing = link.source == from_slug
    other = link.target if outgoing else link.source
    label = relation.forward_label if outgoing else relation.inverse_label
    return LinkView(label, link.relation, outgoing, other, other_name, other_abbreviation)


def shared_links(left: tuple, right: tuple) -> list[LinkView]:
    """Links both terms have to the same third term in the same way (both are kinds of N-gram),
    as seen from the left term; what ``compare`` says when the two are not linked directly."""
    theirs = {(view.relation, view.outgoing, view.other_slug) for view in right}
    return [view for view in left if (view.relation, view.outgoing, view.other_slug) in theirs]


def lookup_key(text: str) -> str:
    """Fold a user's spelling for lookup: ignore case, spaces, hyphens and underscores."""
    return "".join(text.casefold().split()).replace("-", "").replace("_", "")


# What a lookup hands to a view or to JSON (the other commands' records are in glossary.results).


class Card(NamedTuple):
    """A term as its card shows it: the term, its links worded from its end, how it was found."""

    term: Term
    links: tuple  # of LinkView
    origin: str  # bundled | user
    query: str = ""
    kind: str = "slug"  # how the query matched: slug | name | alias | abbreviation
