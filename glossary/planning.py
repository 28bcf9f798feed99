"""What to ask next: the cards of a session, the guided tour's questions, when the next is due.

A session takes the due cards first (most overdue first), then the cards of terms the learner
recently confused (until answered right again), then new cards in an order that respects the
links (N-gram before bigram, RNN before LSTM before forget gate), terms the learner looked up
with ``show`` first. About one question in five is a computed one where a term has one.

Normal study (quiz and review) asks at most one card of a term per learner day, across
sessions, as Anki buries siblings: ``forget-gate:define`` shows the summary that
``forget-gate:meaning`` would offer, so the second waits for tomorrow. The learner's day runs
from local midnight to local midnight in the clock's zone (``glossary.clock.zone``). A card
already studied today keeps its learning steps; the daily limits (``glossary.settings``) count
new cards introduced and cards already seen that start a review. Suspended cards are never
planned. ``ready_at`` is the one rule of when a card can be asked, so the summary's "next
review", ``review``, ``stats`` and ``cards`` can never disagree.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from glossary import record
from glossary.clock import iso
from glossary.model import CardId
from glossary.progress import confusions
from glossary.quiz import COMPUTED_SLUGS, available
from glossary.quiz.base import QTYPES
from glossary.today import Today

if TYPE_CHECKING:
    import sqlite3

    from glossary.quiz.bank import Bank
    from glossary.settings import Settings

# New cards of one term come in this order, one a day (see new_card_order).
INTRO_TYPES = ("define", "meaning", "relation", "example", "abbreviation", "recall", "computed")
INTRO_SPREAD = 4  # a term's next question type comes about this many terms later
CONFUSION_TYPES = ("define", "meaning", "example", "recall")
CONFUSION_WINDOW = timedelta(days=7)  # older mix-ups no longer pull their terms forward
TOUR_TYPES = ("define", "relation", "computed", "example", "abbreviation", "meaning", "recall")
TOUR_SLOTS = (("relation",), ("computed", "example", "abbreviation", "meaning"), ("recall",))
COMPUTED_SHARE = 5  # one question in this many is a computed one, where terms have one


@dataclass(frozen=True)
class PlannedCard:
    """A card chosen for a session and why it was chosen."""

    card_id: CardId
    reason: str  # due | confused | new | computed | practice | tour

    @property
    def slug(self) -> str:
        return self.card_id.slug

    @property
    def qtype(self) -> str:
        return self.card_id.qtype


def new_card_order(bank: Bank, first: Iterable[str] = ()) -> Iterator[CardId]:
    """Every possible card, in the order new ones are introduced, generated lazily.

    Terms follow the link order, terms in ``first`` (looked up by the learner) before the rest;
    a term's first question is a recognition one (define), its harder ones (typed recall,
    computed) come some terms later. A card's rank is its term's index plus ``INTRO_SPREAD``
    per earlier type; a heap yields them in rank order while only the terms reached are read.
    """
    ahead = [slug for slug in dict.fromkeys(first) if slug in bank.terms]
    chosen = set(ahead)
    slugs = list(ahead)
    pending: list[tuple[int, int, str]] = []
    rest = (slug for slug in bank.iter_introduction() if slug not in chosen)
    for index, slug in enumerate(itertools.chain(ahead, rest)):
        if index >= len(ahead):
            slugs.append(slug)
        for rank, qtype in enumerate(t for t in INTRO_TYPES if t in available(bank, slug)):
            heapq.heappush(pending, (index + INTRO_SPREAD * rank, index, qtype))
        while pending and pending[0][0] <= index:
            _, at, qtype = heapq.heappop(pending)
            yield CardId(slugs[at], qtype)
    while pending:
        _, at, qtype = heapq.heappop(pending)
        yield CardId(slugs[at], qtype)


class _Plan:
    """The cards chosen so far, with every rule a card must pass to join them."""

    def __init__(self, bank: Bank, today: Today, limit: int, slugs, types, known: dict[CardId, str]) -> None:
        self.bank, self.today, self.limit, self.known = bank, today, limit, known
        self.slugs, self.types = slugs, types
        self.cards: list[PlannedCard] = []
        self.terms: set[str] = set()

    def allows(self, card: CardId) -> bool:
        if card.slug in self.terms or card.slug not in self.bank.terms or card in self.today.suspended:
            return False
        if (self.slugs is not None and card.slug not in self.slugs) or card.qtype not in self.types:
            return False
        if card.slug in self.today.slugs and card not in self.today.studied:
            return False  # a sibling was studied today: buried until tomorrow
        return card.qtype in available(self.bank, card.slug)

    def add(self, card: CardId, reason: str, room: int | None = None) -> bool:
        """Add ``card`` if it passes every rule and the plan (or ``room``) has space."""
        if len(self.cards) >= (self.limit if room is None else room) or not self.allows(card):
            return False
        is_new = card not in self.known
        if is_new and self.today.new_left <= 0:
            return False
        if not is_new and card not in self.today.studied:
            if self.today.reviews_left <= 0:
                return False
            self.today.reviews_left -= 1
        self.today.new_left -= is_new
        self.cards.append(PlannedCard(card, reason))
        self.terms.add(card.slug)
        return True


def plan_session(
    conn: sqlite3.Connection,
    bank: Bank,
    now: datetime,
    limit: int,
    slugs: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
    due_only: bool = False,
    tz: tzinfo | None = None,
    settings: Settings | None = None,
) -> list[PlannedCard]:
    """Up to ``limit`` cards, one per term: due first, then recent confusions, then new ones in
    link order, with about one computed question in five (see the module docstring)."""
    from glossary import settings as learner_settings

    settings = settings or learner_settings.load(conn)
    today = Today.of(conn, now, tz, settings)
    known = record.card_dues(conn)
    wanted_types = set(types) if types is not None else set(QTYPES)
    plan = _Plan(bank, today, limit, set(slugs) if slugs is not None else None, wanted_types, known)
    moment = iso(now)
    for card, due in known.items():
        if due > moment:
            break  # card_dues is sorted by due
        plan.add(card, "due")
    if due_only:
        return plan.cards
    for confusion in confusions(conn, since=iso(now - CONFUSION_WINDOW)):
        for slug in (confusion.first, confusion.second):
            for qtype in CONFUSION_TYPES:
                card = CardId(slug, qtype)
                if plan.allows(card) and not record.answered_right_since(conn, card, confusion.last):
                    plan.add(card, "confused")
    quota = limit // COMPUTED_SHARE if "computed" in wanted_types else 0
    quota -= sum(p.qtype == "computed" for p in plan.cards)
    looked_up = record.looked_up(conn)
    quota = max(quota, 0)
    _add_new(plan, new_card_order(bank, looked_up), known, limit - quota, computed=False)
    _add_computed(plan, known, quota)
    if len(plan.cards) < limit:  # room left: too few computed ones, or only computed ones wanted
        _add_new(plan, new_card_order(bank, looked_up), known, limit, computed=True)
    return plan.cards


def _add_new(
    plan: _Plan, order: Iterator[CardId], known: dict[CardId, str], room: int, computed: bool
) -> None:
    """New cards from ``order`` until the plan holds ``room`` cards or today's new cards are spent."""
    while len(plan.cards) < room and plan.today.new_left > 0:
        card = next(order, None)
        if card is None:
            return
        if card not in known and (computed or card.qtype != "computed"):
            plan.add(card, "new", room=room)


def _add_computed(plan: _Plan, known: dict[CardId, str], quota: int) -> None:
    """Computed questions on terms not yet in the plan, spread through it (one in five)."""
    computed = [PlannedCard(card, "computed") for card in _computed_candidates(plan, known)]
    added = []
    for candidate in computed:
        if len(added) == quota:
            break
        if plan.add(candidate.card_id, "computed"):
            added.append(plan.cards.pop())
    for number, card in enumerate(added):
        plan.cards.insert(min(len(plan.cards), COMPUTED_SHARE * number + COMPUTED_SHARE - 1), card)


def _computed_candidates(plan: _Plan, known: dict[CardId, str]) -> list[CardId]:
    """New computed cards, terms the learner has met first, then pack order."""
    slugs = sorted((s for s in COMPUTED_SLUGS if s in plan.bank.terms), key=plan.bank.position.__getitem__)
    met = {card.slug for card in known}
    cards = [CardId(slug, "computed") for slug in slugs]
    return [c for c in cards if c.slug in met and c not in known] + [
        c for c in cards if c.slug not in met and c not in known
    ]


def cram_plan(bank: Bank, limit: int, slugs: Iterable[str] | None, types: Iterable[str] | None,
              suspended: set[CardId]) -> list[PlannedCard]:  # fmt: skip
    """Practice (``--cram``): every card of the chosen terms and types, due or not, one card of each
    term per round, so two cards of a term are as far apart as the list allows."""
    wanted = set(types) if types is not None else set(QTYPES)
    wanted_slugs = set(slugs) if slugs is not None else None
    terms = [s for s in bank.introduction_order() if wanted_slugs is None or s in wanted_slugs]
    rounds = [[CardId(s, t) for t in INTRO_TYPES if t in wanted and t in available(bank, s)] for s in terms]
    cards = []
    for depth in range(len(INTRO_TYPES)):
        cards += [row[depth] for row in rounds if depth < len(row) and row[depth] not in suspended]
    return [PlannedCard(card, "practice") for card in cards[:limit]]


def next_due(
    conn: sqlite3.Connection,
    bank: Bank | None = None,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    settings: Settings | None = None,
) -> datetime | None:
    """When ``glossary review`` will next have a card (None: no card was ever reviewed).

    Without ``now`` and ``bank`` it is the earliest due time; with them it follows ``ready_at``:
    buried and limited cards wait until tomorrow, suspended and retired ones never come.
    """
    if now is None or bank is None:
        return record.earliest_due(conn)
    today = Today.of(conn, now, tz, settings)
    return today.next_ready(record.card_dues(conn), lambda card: content_has(bank, card))


def content_has(bank: Bank, card: CardId) -> bool:
    """Whether the content still supports ``card`` (its term exists and can be asked that way)."""
    return card.slug in bank.terms and card.qtype in available(bank, card.slug)


def tour_cards(bank: Bank, slug: str, count: int = 3) -> list[PlannedCard]:
    """The guided tour's questions on one term, none answered by the screen right above it:
    place it in the graph (relation), use it (a computed question, else another kind), then
    recall it from its definition. Types the term lacks are replaced from ``TOUR_TYPES``."""
    kinds = available(bank, slug)
    chosen: list[str] = []
    for slot in TOUR_SLOTS:
        found = next((t for t in slot if t in kinds and t not in chosen), None)
        if found:
            chosen.append(found)
    chosen += [t for t in TOUR_TYPES if t in kinds and t not in chosen]
    order = [t for slot in TOUR_SLOTS for t in slot]
    picked = sorted(chosen[:count], key=lambda t: order.index(t) if t in order else len(order))
    return [PlannedCard(CardId(slug, t), "tour") for t in picked]
