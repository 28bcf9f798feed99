"""The content indexed for question making: neighbours by relation, every spelling, link order.

Wrong options come from the link graph first (contrast and compare partners, siblings under the
same parent, neighbours), so a mistake says something: picking "trigram" for "bigram" is a
confusion worth logging, picking a random word is not. ``tiers`` ranks the candidates and
``introduction_order`` decides which term a new learner meets first.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from glossary.model import RELATION_BY_KEY, Link, Term, lookup_key
from glossary.quiz.base import fold_text, randrange, shuffled

if TYPE_CHECKING:
    from glossary.quiz.base import Rng

PREREQUISITES = ("is-a", "part-of", "addresses", "mitigates", "used-in")  # source waits for target
SAMPLE_ABOVE = 256  # a topic or glossary larger than this is sampled for options, not shuffled whole
SAMPLE_TRIES = 20  # draws per wanted option before a sampled pool gives up


@dataclass
class Bank:
    """Terms and links indexed for question making: neighbours, siblings, spellings, intro order."""

    terms: dict[str, Term]
    links: tuple[Link, ...]
    neighbours: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # slug -> key -> slugs
    spellings: dict[str, str] = field(default_factory=dict)  # folded spelling -> slug
    position: dict[str, int] = field(default_factory=dict)
    topics: dict[str, list[str]] = field(default_factory=dict)  # topic -> slugs, pack order
    # relation key -> far-end slug -> how many terms link to it that way (who plays that role)
    roles: dict[str, dict[str, int]] = field(default_factory=dict)
    kinds: dict[str, list[str]] = field(default_factory=dict)  # slug -> question types (a cache)
    degree: dict[str, int] = field(default_factory=dict)  # slug -> linked terms, by relation key
    _order: list[str] | None = None
    _sorted: list[str] | None = None

    @classmethod
    def build(cls, terms: Iterable[Term], links: Iterable[Link]) -> Bank:
        """Index once per session; every question after that is a few dictionary look-ups."""
        bank = cls({t.slug: t for t in terms}, tuple(links))
        bank.position = {slug: i for i, slug in enumerate(bank.terms)}
        for slug, term in bank.terms.items():
            bank.neighbours[slug] = {}
            bank.topics.setdefault(term.topic, []).append(slug)
        for link in bank.links:
            if link.source not in bank.terms or link.target not in bank.terms:
                continue
            relation = RELATION_BY_KEY[link.relation]
            for near, key, far in ((link.source, relation.key, link.target),
                                   (link.target, relation.inverse_key, link.source)):  # fmt: skip
                linked = bank.neighbours[near].setdefault(key, set())
                if far not in linked:
                    linked.add(far)
                    bank.degree[near] = bank.degree.get(near, 0) + 1
                    role = bank.roles.setdefault(key, {})
                    role[far] = role.get(far, 0) + 1
        for term in bank.terms.values():
            for spelling in spellings_of(term):
                bank.spellings.setdefault(lookup_key(spelling), term.slug)
        return bank

    def related(self, slug: str, *keys: str) -> set[str]:
        """Terms linked to ``slug`` by any of the relation keys (written from ``slug``'s end)."""
        found: set[str] = set()
        for key in keys:
            found |= self.neighbours.get(slug, {}).get(key, set())
        return found

    def graph_tiers(self, slug: str) -> list[set[str]]:
        """Wrong answers the graph suggests for ``slug``: rivals, family, neighbours, theirs."""
        rivals = self.related(slug, "contrast", "compare")
        parents = self.related(slug, "is-a", "part-of")
        siblings = set()
        for parent in parents:
            siblings |= self.related(parent, "has-kind", "has-part")
        family = siblings | parents | self.related(slug, "has-kind", "has-part")
        near = set().union(*self.neighbours.get(slug, {}).values()) if self.neighbours.get(slug) else set()
        far = set()
        for other in near:
            far |= set().union(*self.neighbours[other].values())
        return [rivals, family, near, far]

    def tiers(self, slug: str) -> list[set[str]]:
        """Candidate wrong answers for ``slug``, most instructive first (the graph, its topic, all)."""
        return [*self.graph_tiers(slug), set(self.topics[self.terms[slug].topic]), set(self.terms)]

    def same_role(self, key: str, candidates: set[str], besides: str) -> set[str]:
        """The ``candidates`` some term other than ``besides`` links to by ``key`` (without a scan)."""
        role = self.roles.get(key, {})
        own = self.related(besides, key)
        return {slug for slug in candidates if role.get(slug, 0) - (slug in own) > 0}

    def distractors(
        self, answer: str, rng: Rng, exclude: set[str], count: int, show: Callable[[str], str]
    ) -> list[str]:
        """Up to ``count`` wrong terms, graph first, whose shown text is unique among the options.

        The graph tiers are small and shuffled whole. The answer's topic and then every term come
        last; in a small glossary they are shuffled whole too, in a large one (over ``SAMPLE_ABOVE``
        terms) options are drawn from them at random, so a question never sorts 10,000 names.
        """
        chosen: list[str] = []
        seen_text = {fold_text(show(answer))}
        used = {answer} | exclude
        answer_keys = self.keys_of(answer)

        def take(slug: str) -> None:
            text = fold_text(show(slug))
            if not text or text in seen_text or lookup_key(show(slug)) in answer_keys:
                return
            seen_text.add(text)
            used.add(slug)
            chosen.append(slug)

        pools: list[set[str] | list[str]] = [*self.graph_tiers(answer), self.topics[self.terms[answer].topic]]
        pools.append(self._sorted_slugs())
        for pool in pools:
            if isinstance(pool, list) and len(pool) > SAMPLE_ABOVE:
                for _ in range(SAMPLE_TRIES * count):
                    if len(chosen) == count:
                        return chosen
                    slug = pool[randrange(rng, len(pool))]
                    if slug not in used:
                        take(slug)
                continue
            tier = set(pool)
            for slug in shuffled(rng, sorted(tier - used)):
                if len(chosen) == count:
                    return chosen
                take(slug)
            used |= tier
        return chosen

    def _sorted_slugs(self) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self.terms)
        return self._sorted

    def keys_of(self, slug: str) -> set[str]:
        """Every spelling of ``slug``, folded for lookup (no option may spell the answer)."""
        return {lookup_key(s) for s in spellings_of(self.terms[slug])}

    def introduction_order(self) -> list[str]:
        """Terms in an order that respects the links (computed once per bank, see ``iter_introduction``)."""
        if self._order is None:
            self._order = list(self.iter_introduction())
        return self._order

    def iter_introduction(self) -> Iterator[str]:
        """Terms in an order that respects the links: N-gram before bigram, RNN before LSTM.

        A term waits for its prerequisites: the kind it is a kind of, the whole it is part of, the
        problem it addresses or mitigates, the thing it is used in. Among the terms ready, the most
        linked comes first (the hubs a learner needs most), then pack order, so the result is stable.
        Generated lazily (Kahn's algorithm with a heap): a session that needs the first hundred
        terms of a 10,000-term glossary does not order the other 9,900.
        """
        if self._order is not None:
            yield from self._order
            return
        waiting = dict.fromkeys(self.terms, 0)
        dependants: dict[str, list[str]] = {}
        pairs = set()
        for link in self.links:
            source, target = link.source, link.target
            usable = source in waiting and target in waiting and source != target
            if usable and link.relation in PREREQUISITES and (source, target) not in pairs:
                pairs.add((source, target))
                waiting[source] += 1
                dependants.setdefault(target, []).append(source)
        degree, position = self.degree, self.position
        ready = [(-degree.get(s, 0), position[s], s) for s, count in waiting.items() if not count]
        heapq.heapify(ready)
        placed: set[str] = set()
        while len(placed) < len(self.terms):
            if not ready:  # a cycle: release the earliest waiting term in pack order
                slug = min((s for s in self.terms if s not in placed), key=position.__getitem__)
                heapq.heappush(ready, (-degree.get(slug, 0), position[slug], slug))
            slug = heapq.heappop(ready)[2]
            if slug in placed:
                continue
            placed.add(slug)
            yield slug
            for dependant in dependants.get(slug, ()):
                waiting[dependant] -= 1
                if not waiting[dependant] and dependant not in placed:
                    heapq.heappush(ready, (-degree.get(dependant, 0), position[dependant], dependant))


def spellings_of(term: Term) -> list[str]:
    """Every way to write a term: name, abbreviation, aliases and the slug."""
    return [s for s in (term.name, term.abbreviation, *term.aliases, term.slug.replace("-", " ")) if s]
