"""The learner's record: every SQL statement on the ``cards`` and ``reviews`` tables.

One FSRS card per (term, question type), stored as the ``fsrs.Card`` JSON in ``cards``; every
answer is a row of ``reviews``. An answer and its card's new state are written in one
``BEGIN IMMEDIATE`` transaction that first re-reads the card, so two sessions in two terminals
answering the same card both count (the second review starts from the first one's state), and
quitting at any moment loses nothing already answered. The tables themselves are created and
migrated by the store; times are stored as UTC ISO text (``glossary.clock.iso``), so they sort.

``fsrs`` costs ~25 ms to import, so it is imported only when a card is reviewed or rated.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from glossary.clock import iso, utc
from glossary.model import CardId
from glossary.quiz.base import TERM_ANSWER_TYPES
from glossary.schema import write_transaction

if TYPE_CHECKING:
    import sqlite3

    import fsrs

    from glossary.quiz.base import Grade, Question


@dataclass(frozen=True)
class Recorded:
    """What the store now holds for the card just answered."""

    card_id: CardId
    rating: int
    reviewed_at: datetime
    due: datetime
    review_id: int


@lru_cache(maxsize=1)
def scheduler() -> fsrs.Scheduler:
    """FSRS with default parameters and no fuzz, so a seeded session is reproducible."""
    import fsrs

    return fsrs.Scheduler(enable_fuzzing=False)


def stable_int(text: str) -> int:
    """A stable integer for a card id (FSRS cards want an int id; crc32 is deterministic)."""
    return zlib.crc32(text.encode())


def load_card(state: str | None, card_id: CardId) -> fsrs.Card:
    """A card's stored FSRS state, or a new card when it was never answered."""
    import fsrs

    if state:
        return fsrs.Card.from_dict(json.loads(state))
    return fsrs.Card(card_id=stable_int(str(card_id)))  # an explicit id: no 1 ms sleep per new card


def record_answer(
    conn: sqlite3.Connection,
    question: Question,
    verdict: Grade,
    now: datetime,
    response_ms: int | None,
    session: str = "",
) -> Recorded:
    """Store one answer and the card's new FSRS state in one transaction (read under the lock)."""
    import fsrs

    now = utc(now)
    card_id = str(question.card_id)
    with write_transaction(conn):
        row = conn.execute("SELECT state, introduced FROM cards WHERE card_id = ?", (card_id,)).fetchone()
        card = load_card(row[0] if row else None, question.card_id)
        card, _log = scheduler().review_card(card, fsrs.Rating(verdict.rating), now)
        due = utc(card.due)
        conn.execute(
            "INSERT OR REPLACE INTO cards (card_id, slug, qtype, state, due, introduced) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (card_id, question.slug, question.qtype, json.dumps(card.to_dict()), iso(due),
             row[1] if row else iso(now)),
        )  # fmt: skip
        flags = ",".join(name for name, on in (("peeked", verdict.peeked), ("typo", verdict.typo)) if on)
        cursor = conn.execute(
            "INSERT INTO reviews (reviewed_at, card_id, slug, qtype, rating, correct, chosen, "
            "chosen_slug, answer, response_ms, answer_slug, flags, session) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (iso(now), card_id, question.slug, question.qtype, verdict.rating, int(verdict.correct),
             verdict.chosen, verdict.chosen_slug, question.answer, response_ms, question.answer_slug,
             flags, session),
        )  # fmt: skip
    return Recorded(question.card_id, verdict.rating, now, due, int(cursor.lastrowid or 0))


def card_dues(conn: sqlite3.Connection) -> dict[CardId, str]:
    """Every card ever answered and when it falls due (UTC ISO), earliest first."""
    rows = conn.execute("SELECT card_id, due FROM cards ORDER BY due, card_id")
    return {CardId.parse(card_id): due for card_id, due in rows}


def earliest_due(conn: sqlite3.Connection) -> datetime | None:
    """When the earliest card falls due (None when no card was ever reviewed)."""
    row = conn.execute("SELECT min(due) FROM cards").fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


def card_states(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """(slug, FSRS state JSON, due) of every card."""
    return [tuple(row) for row in conn.execute("SELECT slug, state, due FROM cards")]


def review_outcomes(conn: sqlite3.Connection) -> list[tuple[str, int, int]]:
    """(reviewed_at, rating, correct) of every review, oldest first (correct: the pick was right)."""
    rows = conn.execute("SELECT reviewed_at, rating, correct FROM reviews ORDER BY reviewed_at, id")
    return [tuple(row) for row in rows]


_WRONG_TERM = "correct = 0 AND chosen_slug != '' AND answer_slug != '' AND answer_slug != chosen_slug"


def latest_ratings(conn: sqlite3.Connection) -> dict[str, int]:
    """Each reviewed term's rating in its latest review (of any of its cards)."""
    rows = conn.execute("SELECT slug, rating FROM reviews ORDER BY reviewed_at, id")
    return dict(tuple(row) for row in rows)


def mixed_up_answers(conn: sqlite3.Connection, since: str = "") -> list[tuple[str, str, str]]:
    """(answer slug, chosen slug, reviewed_at) of wrong answers that took another term for the answer."""
    marks = ", ".join("?" for _ in TERM_ANSWER_TYPES)
    rows = conn.execute(
        f"SELECT answer_slug, chosen_slug, reviewed_at FROM reviews WHERE {_WRONG_TERM} "
        f"AND qtype IN ({marks}) AND reviewed_at >= ?",
        (*TERM_ANSWER_TYPES, since),
    )
    return [tuple(row) for row in rows]


def relation_misses(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """(subject slug, chosen slug, answer slug) of wrong picks in relation questions."""
    rows = conn.execute(
        f"SELECT slug, chosen_slug, answer_slug FROM reviews WHERE {_WRONG_TERM} AND qtype = 'relation'"
    )
    return [tuple(row) for row in rows]


def answered_right_since(conn: sqlite3.Connection, card_id: CardId, moment: str) -> bool:
    """Whether the card was recalled after ``moment`` (UTC ISO): right, and not after a peek."""
    row = conn.execute(
        "SELECT 1 FROM reviews WHERE card_id = ? AND rating > 1 AND reviewed_at > ? LIMIT 1",
        (str(card_id), moment),
    ).fetchone()
    return row is not None
