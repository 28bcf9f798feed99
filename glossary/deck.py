"""The card browser and the cards a ``TERM[:type]`` names: what ``cards``, ``suspend`` and
``unsuspend`` work on.

A card is one question type asked about one term. The browser shows, for each, its FSRS state,
when it can next be asked (``Today.ready_at``: buried or limited cards wait for tomorrow, exactly
as ``review`` sees them), its stability, difficulty and chance of recall now, and how often it
was reviewed and lapsed. A leech is a card that lapsed ``record.LEECH_LAPSES`` times; it is
suspended when it gets there, and stays a leech after it is unsuspended.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from glossary import record
from glossary.errors import Invalid
from glossary.model import CardId
from glossary.quiz import available
from glossary.today import Today

if TYPE_CHECKING:
    import sqlite3

    from glossary.quiz.bank import Bank
    from glossary.store import Store

STATE_NAMES = {1: "learning", 2: "review", 3: "relearning"}  # fsrs.State values


@dataclass(frozen=True)
class CardInfo:
    """One card as the browser shows it (None where a new card has no value yet)."""

    card_id: CardId
    name: str
    state: str  # new | learning | review | relearning
    suspended: str | None  # None, "leech" or "manual"
    due: datetime | None  # FSRS's due time
    ready: datetime | None  # when it can be asked (later than due when buried or limited)
    stability: float | None  # days
    difficulty: float | None  # 1-10
    recall_now: float | None
    reviews: int
    lapses: int

    @property
    def leech(self) -> bool:
        return self.lapses >= record.LEECH_LAPSES or self.suspended == "leech"


@dataclass(frozen=True)
class CardList:
    """The cards a ``glossary cards`` call asked for, and the moment they were read."""

    cards: tuple[CardInfo, ...]
    now: datetime
    filters: tuple[str, ...]


def card_list(
    conn: sqlite3.Connection,
    bank: Bank,
    now: datetime,
    tz: tzinfo | None,
    slug: str | None = None,
    filters: tuple[str, ...] = (),
) -> CardList:
    """Recorded and suspended cards (for one term, all its new ones too), filtered by ``due``, ``leeches``,
    ``suspended``."""
    import fsrs

    today = Today.of(conn, now, tz)
    fsrs_scheduler = record.scheduler()
    cards: list[CardInfo] = []
    seen = set()
    for card_id, state, due, reps, lapses, reason in record.card_rows(conn, slug):
        card = CardId.parse(card_id)
        seen.add(card)
        fsrs_card = fsrs.Card.from_dict(json.loads(state))
        due_at = datetime.fromisoformat(due)
        name = bank.terms[card.slug].name if card.slug in bank.terms else card.slug
        recall = fsrs_scheduler.get_card_retrievability(fsrs_card, now)
        state_name = STATE_NAMES.get(int(fsrs_card.state), "learning")
        cards.append(CardInfo(card, name, state_name, reason, due_at, today.ready_at(card, due_at),
                              fsrs_card.stability, fsrs_card.difficulty, recall, reps, lapses))  # fmt: skip
    suspended = record.suspended_cards(conn)
    if slug is not None:
        new = [CardId(slug, qtype) for qtype in available(bank, slug)] if slug in bank.terms else []
    else:  # a card suspended before its first answer is listed too: `cards --suspended` shows it
        new = [card for card in suspended if card.slug in bank.terms]
    for card in new:
        if card not in seen:
            cards.append(CardInfo(card, bank.terms[card.slug].name, "new", suspended.get(card), None, None,
                                  None, None, None, 0, 0))  # fmt: skip
    keep = {
        "due": lambda c: c.ready is not None and c.ready <= now,
        "leeches": lambda c: c.leech,
        "suspended": lambda c: c.suspended is not None,
    }
    chosen = [c for c in cards if all(keep[f](c) for f in filters)]
    return CardList(tuple(chosen), now, filters)


def named_cards(store: Store, bank: Bank, spec: str) -> tuple[str, list[CardId]]:
    """The term's name and the cards ``TERM`` (all its cards) or ``TERM:type`` (one) names.

    TERM is any spelling ``show`` accepts (NotFound otherwise); a type the term has no card of is
    Invalid, naming the types it has.
    """
    term, _, qtype = spec.rpartition(":")
    if not term or store.resolve(spec) is not None:
        term, qtype = spec, ""
    slug = store.find(term).slug
    kinds = available(bank, slug)
    name = bank.terms[slug].name
    if not qtype:
        return name, [CardId(slug, kind) for kind in kinds]
    if qtype not in kinds:
        raise Invalid(f"{name} has no '{qtype}' card; its cards are: {', '.join(kinds)}")
    return name, [CardId(slug, qtype)]
