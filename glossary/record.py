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

import copy
import json
import zlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from glossary.clock import iso, utc
from glossary.errors import StoreError
from glossary.model import CardId
from glossary.quiz.base import TERM_ANSWER_TYPES
from glossary.schema import write_transaction

if TYPE_CHECKING:
    import sqlite3

    import fsrs

    from glossary.quiz.base import Grade, Question
    from glossary.settings import Settings


LEECH_LAPSES = 8  # a card forgotten this often after it was learnt is a leech, and is suspended
REVIEW_STATE = 2  # fsrs.State.Review: a lapse is an Again from this state


@dataclass(frozen=True)
class Recorded:
    """What the store now holds for the card just answered.

    ``due`` is None for a practice answer on a card never scheduled; ``leech`` is set when this
    answer was the card's ``LEECH_LAPSES``-th lapse and the card is now suspended.
    """

    card_id: CardId
    rating: int
    reviewed_at: datetime
    due: datetime | None
    review_id: int
    practice: bool = False
    lapses: int = 0
    leech: bool = False


@lru_cache(maxsize=8)
def scheduler(
    desired_retention: float = 0.9, maximum_interval: int = 36500, parameters: tuple[float, ...] = ()
) -> fsrs.Scheduler:
    """FSRS with the learner's retention, longest interval and (when fitted) parameters, and no
    fuzz (seeded sessions repeat)."""
    import fsrs

    extra = {"parameters": parameters} if parameters else {}
    return fsrs.Scheduler(
        desired_retention=desired_retention, maximum_interval=maximum_interval, enable_fuzzing=False, **extra
    )


def scheduler_for(settings: Settings) -> fsrs.Scheduler:
    """The scheduler the learner's settings ask for."""
    return scheduler(settings.desired_retention, settings.maximum_interval, settings.parameters)


def stable_int(text: str) -> int:
    """A stable integer for a card id (FSRS cards want an int id; crc32 is deterministic)."""
    return zlib.crc32(text.encode())


def load_card(state: str | None, card_id: CardId) -> fsrs.Card:
    """A card's stored FSRS state, or a new card when it was never answered."""
    import fsrs

    if state:
        return fsrs.Card.from_dict(json.loads(state))
    return fsrs.Card(card_id=stable_int(str(card_id)))  # an explicit id: no 1 ms sleep per new card


_CARD_COLUMNS = "state, due, introduced, reps, lapses"


def _snapshot(conn: sqlite3.Connection, card_id: str) -> dict:
    """The card's row and suspension exactly as stored, for undo (``before`` of a review)."""
    row = conn.execute(f"SELECT {_CARD_COLUMNS} FROM cards WHERE card_id = ?", (card_id,)).fetchone()
    held = conn.execute("SELECT reason, since FROM suspended WHERE card_id = ?", (card_id,)).fetchone()
    return {"card": list(row) if row else None, "suspended": list(held) if held else None}


def _restore(conn: sqlite3.Connection, card_id: str, slug: str, qtype: str, before: dict) -> None:
    """Put a card's row and suspension back as ``_snapshot`` saw them."""
    conn.execute("DELETE FROM cards WHERE card_id = ?", (card_id,))
    conn.execute("DELETE FROM suspended WHERE card_id = ?", (card_id,))
    if before["card"] is not None:
        conn.execute(
            f"INSERT INTO cards (card_id, slug, qtype, {_CARD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (card_id, slug, qtype, *before["card"]),
        )
    if before["suspended"] is not None:
        conn.execute("INSERT INTO suspended VALUES (?, ?, ?, ?)", (card_id, slug, *before["suspended"]))


def preview_dues(
    conn: sqlite3.Connection, card_id: CardId, now: datetime, settings: Settings
) -> dict[int, datetime]:
    """When the card would next be due after each rating (1-4): FSRS run on a copy for each."""
    import fsrs

    row = conn.execute("SELECT state FROM cards WHERE card_id = ?", (str(card_id),)).fetchone()
    card = load_card(row[0] if row else None, card_id)
    fsrs_scheduler = scheduler_for(settings)
    return {
        rating: utc(fsrs_scheduler.review_card(copy.deepcopy(card), fsrs.Rating(rating), utc(now))[0].due)
        for rating in (1, 2, 3, 4)
    }


def record_answer(
    conn: sqlite3.Connection,
    question: Question,
    verdict: Grade,
    now: datetime,
    response_ms: int | None,
    session: str = "",
    settings: Settings | None = None,
    practice: bool = False,
) -> Recorded:
    """Store one answer and the card's new FSRS state in one transaction (read under the lock).

    A practice answer (``glossary quiz --cram``) is logged with ``practice = 1`` and leaves the
    card exactly as it was. ``now`` keeps its zone in the result, so views can show local times.
    """
    with write_transaction(conn):
        return _write_answer(conn, question, verdict, now, response_ms, session, settings, practice)


def _write_answer(
    conn: sqlite3.Connection,
    question: Question,
    verdict: Grade,
    now: datetime,
    response_ms: int | None,
    session: str,
    settings: Settings | None,
    practice: bool,
) -> Recorded:
    import fsrs

    from glossary import settings as learner_settings

    shown = now if now.tzinfo else utc(now)
    now = utc(now)
    card_id = str(question.card_id)
    before = _snapshot(conn, card_id)
    old = before["card"]
    if practice:
        due = datetime.fromisoformat(old[1]).astimezone(shown.tzinfo) if old else None
        lapses, leech = (old[4] if old else 0), False
    else:
        settings = settings or learner_settings.load(conn)
        card = load_card(old[0] if old else None, question.card_id)
        was_review = card.state == fsrs.State.Review
        card, _log = scheduler_for(settings).review_card(card, fsrs.Rating(verdict.rating), now)
        due = utc(card.due)
        lapses = (old[4] if old else 0) + int(was_review and verdict.rating == 1)
        conn.execute(
            f"INSERT OR REPLACE INTO cards (card_id, slug, qtype, {_CARD_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (card_id, question.slug, question.qtype, json.dumps(card.to_dict()), iso(due),
             old[2] if old else iso(now), (old[3] if old else 0) + 1, lapses),
        )  # fmt: skip
        leech = lapses >= LEECH_LAPSES and lapses > (old[4] if old else 0) and before["suspended"] is None
        if leech:
            conn.execute(
                "INSERT INTO suspended VALUES (?, ?, 'leech', ?)", (card_id, question.slug, iso(now))
            )
        due = due.astimezone(shown.tzinfo)
    flags = ",".join(name for name, on in (("peeked", verdict.peeked), ("typo", verdict.typo)) if on)
    cursor = conn.execute(
        "INSERT INTO reviews (reviewed_at, card_id, slug, qtype, rating, correct, chosen, "
        "chosen_slug, answer, response_ms, answer_slug, flags, session, practice, before) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (iso(now), card_id, question.slug, question.qtype, verdict.rating, int(verdict.correct),
         verdict.chosen, verdict.chosen_slug, question.answer, response_ms, question.answer_slug,
         flags, session, int(practice), json.dumps(before)),
    )  # fmt: skip
    review_id = int(cursor.lastrowid or 0)
    return Recorded(question.card_id, verdict.rating, shown, due, review_id, practice, lapses, leech)


def _take_back(conn: sqlite3.Connection, review_id: int) -> None:
    """Delete one review and put its card back as it was before it (inside a transaction)."""
    row = conn.execute(
        "SELECT card_id, slug, qtype, practice, before FROM reviews WHERE id = ?", (review_id,)
    ).fetchone()
    if row is None:
        raise StoreError(f"review {review_id} is no longer in the record")
    later = conn.execute(
        "SELECT 1 FROM reviews WHERE card_id = ? AND id > ? AND practice = 0", (row[0], review_id)
    ).fetchone()
    if later is not None and not row[3]:
        raise StoreError(f"{row[0]} was answered again since (in another session); that answer stays")
    if not row[3] and row[4]:
        _restore(conn, row[0], row[1], row[2], json.loads(row[4]))
    conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))


def undo_answer(conn: sqlite3.Connection, review_id: int) -> None:
    """Undo one answer: its review row removed and its card restored exactly, in one transaction."""
    with write_transaction(conn):
        _take_back(conn, review_id)


def rerate_answer(
    conn: sqlite3.Connection,
    recorded: Recorded,
    question: Question,
    verdict: Grade,
    response_ms: int | None,
    session: str = "",
    settings: Settings | None = None,
) -> Recorded:
    """Replace an answer's rating: undo it and record it again at the same moment, in one transaction."""
    with write_transaction(conn):
        _take_back(conn, recorded.review_id)
        return _write_answer(
            conn, question, verdict, recorded.reviewed_at, response_ms, session, settings, recorded.practice
        )


def suspend(conn: sqlite3.Connection, cards: list[CardId], now: datetime, reason: str = "manual") -> int:
    """Keep cards out of study until unsuspended; returns how many were not suspended already."""
    with write_transaction(conn):
        before = conn.total_changes
        conn.executemany(
            "INSERT OR IGNORE INTO suspended VALUES (?, ?, ?, ?)",
            [(str(card), card.slug, reason, iso(now)) for card in cards],
        )
        return conn.total_changes - before


def unsuspend(conn: sqlite3.Connection, cards: list[CardId]) -> int:
    """Let suspended cards be studied again; returns how many were suspended."""
    with write_transaction(conn):
        before = conn.total_changes
        conn.executemany("DELETE FROM suspended WHERE card_id = ?", [(str(card),) for card in cards])
        return conn.total_changes - before


def suspended_cards(conn: sqlite3.Connection) -> dict[CardId, str]:
    """Every suspended card and why (leech | manual)."""
    return {
        CardId.parse(card_id): reason
        for card_id, reason in conn.execute("SELECT card_id, reason FROM suspended")
    }


def looked_up(conn: sqlite3.Connection) -> list[str]:
    """Terms the learner opened with ``show``, most recent first."""
    return [row[0] for row in conn.execute("SELECT slug FROM lookups ORDER BY looked_up_at DESC, slug")]


def studied_since(conn: sqlite3.Connection, moment: str) -> tuple[set[CardId], int, int]:
    """Since ``moment`` (UTC ISO): cards reviewed (practice aside), old cards among them, new cards.

    Old cards are those introduced before ``moment``: each counts once against the review limit
    however many learning steps it takes; a card introduced since counts against the new limit.
    """
    rows = conn.execute(
        "SELECT DISTINCT reviews.card_id, coalesce(cards.introduced, '') < ? FROM reviews "
        "LEFT JOIN cards USING (card_id) WHERE reviews.reviewed_at >= ? AND reviews.practice = 0",
        (moment, moment),
    ).fetchall()
    new = conn.execute("SELECT count(*) FROM cards WHERE introduced >= ?", (moment,)).fetchone()[0]
    return {CardId.parse(r[0]) for r in rows}, sum(1 for r in rows if r[1]), new


def card_rows(conn: sqlite3.Connection, slug: str | None = None) -> list[tuple]:
    """(card_id, state JSON, due, reps, lapses, suspended reason or None) of recorded cards, by due."""
    where = "WHERE cards.slug = ?" if slug else ""
    return [
        tuple(row)
        for row in conn.execute(
            "SELECT cards.card_id, state, due, reps, lapses, suspended.reason FROM cards "
            f"LEFT JOIN suspended USING (card_id) {where} ORDER BY due, cards.card_id",
            (slug,) if slug else (),
        )
    ]


def card_dues(conn: sqlite3.Connection) -> dict[CardId, str]:
    """Every card ever answered and when it falls due (UTC ISO), earliest first."""
    rows = conn.execute("SELECT card_id, due FROM cards ORDER BY due, card_id")
    return {CardId.parse(card_id): due for card_id, due in rows}


def earliest_due(conn: sqlite3.Connection) -> datetime | None:
    """When the earliest card falls due (None when no card was ever reviewed)."""
    row = conn.execute("SELECT min(due) FROM cards").fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


def card_states(conn: sqlite3.Connection) -> list[tuple[str, str, str, str]]:
    """(slug, question type, FSRS state JSON, due) of every card."""
    return [tuple(row) for row in conn.execute("SELECT slug, qtype, state, due FROM cards")]


def review_outcomes(conn: sqlite3.Connection) -> list[tuple[str, int, int]]:
    """(reviewed_at, rating, correct) of every review, oldest first; practice (cram) is left out."""
    rows = conn.execute(
        "SELECT reviewed_at, rating, correct FROM reviews WHERE practice = 0 ORDER BY reviewed_at, id"
    )
    return [tuple(row) for row in rows]


_WRONG_TERM = "correct = 0 AND chosen_slug != '' AND answer_slug != '' AND answer_slug != chosen_slug"


def latest_ratings(conn: sqlite3.Connection) -> dict[str, int]:
    """Each reviewed term's rating in its latest review (of any of its cards)."""
    rows = conn.execute("SELECT slug, rating FROM reviews WHERE practice = 0 ORDER BY reviewed_at, id")
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
