"""What to ask next: the cards of a session, the guided tour's questions, when the next is due.

A session takes the due cards first (most overdue first), then the cards of terms the learner
recently confused (until answered right again), then new cards in an order that respects the
links (N-gram before bigram, RNN before LSTM before forget gate).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from glossary import record
from glossary.clock import iso
from glossary.model import CardId
from glossary.progress import confusions
from glossary.quiz import available
from glossary.quiz.base import QTYPES

if TYPE_CHECKING:
    import sqlite3

    from glossary.quiz.bank import Bank

# New cards of one term come in this order, spread over the session (see new_card_order).
INTRO_TYPES = ("define", "meaning", "relation", "example", "abbreviation", "recall", "computed")
INTRO_SPREAD = 4  # a term's next question type comes about this many terms later
CONFUSION_TYPES = ("define", "meaning", "example", "recall")
CONFUSION_WINDOW = timedelta(days=7)  # older mix-ups no longer pull their terms forward
TOUR_TYPES = ("define", "relation", "computed", "example", "abbreviation", "meaning", "recall")


@dataclass(frozen=True)
class PlannedCard:
    """A card chosen for a session and why it was chosen."""

    card_id: CardId
    reason: str  # due | confused | new | tour

    @property
    def slug(self) -> str:
        return self.card_id.slug

    @property
    def qtype(self) -> str:
        return self.card_id.qtype


def new_card_order(bank: Bank) -> list[CardId]:
    """Every possible card, in the order new ones are introduced.

    Terms follow the link order; a term's first question is a recognition one (define), its
    harder ones (typed recall, computed) come some terms later, so a session is not seven
    questions on one word.
    """
    ranked = []
    for index, slug in enumerate(bank.introduction_order()):
        for rank, qtype in enumerate(t for t in INTRO_TYPES if t in available(bank, slug)):
            ranked.append((index + INTRO_SPREAD * rank, index, CardId(slug, qtype)))
    return [card for _, _, card in sorted(ranked)]


def plan_session(
    conn: sqlite3.Connection,
    bank: Bank,
    now: datetime,
    limit: int,
    slugs: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
    due_only: bool = False,
) -> list[PlannedCard]:
    """Choose up to ``limit`` cards: due first, then recent confusions, then new ones in link order."""
    wanted_slugs = set(slugs) if slugs is not None else set(bank.terms)
    wanted_types = set(types) if types is not None else set(QTYPES)

    def wanted(card: CardId) -> bool:
        if card.slug not in wanted_slugs or card.qtype not in wanted_types:
            return False
        return card.slug in bank.terms and card.qtype in available(bank, card.slug)

    plan: list[PlannedCard] = []
    chosen: set[CardId] = set()

    def add(card: CardId, reason: str) -> None:
        if len(plan) < limit and card not in chosen and wanted(card):
            plan.append(PlannedCard(card, reason))
            chosen.add(card)

    known = record.card_dues(conn)
    for card, due in known.items():
        if due <= iso(now):
            add(card, "due")
    if due_only:
        return plan
    for confusion in confusions(conn, since=iso(now - CONFUSION_WINDOW)):
        for slug in (confusion.first, confusion.second):
            for qtype in CONFUSION_TYPES:
                card = CardId(slug, qtype)
                if not record.answered_right_since(conn, card, confusion.last):
                    add(card, "confused")
    for card in new_card_order(bank):
        if card not in known:
            add(card, "new")
    return plan


def next_due(conn: sqlite3.Connection) -> datetime | None:
    """When the earliest card falls due (None when no card was ever reviewed)."""
    return record.earliest_due(conn)


def tour_cards(bank: Bank, slug: str, count: int = 3) -> list[PlannedCard]:
    """The guided tour's questions on one term: recognise it, place it in the graph, then use it."""
    kinds = available(bank, slug)
    return [PlannedCard(CardId(slug, t), "tour") for t in TOUR_TYPES if t in kinds][:count]
