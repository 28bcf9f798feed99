"""Spaced repetition with FSRS, the review log, session planning and the learner's statistics.

One FSRS card per (term, question type), stored as the ``fsrs.Card`` JSON in ``cards``; every
answer is a row of ``reviews``. An answer and its card's new state are written in one
``BEGIN IMMEDIATE`` transaction that first re-reads the card, so two sessions in two terminals
answering the same card both count (the second review starts from the first one's state), and
quitting at any moment loses nothing already answered.

A session takes the due cards first (most overdue first), then the cards of terms the learner
recently confused (until answered right again), then new cards in an order that respects the
links (N-gram before bigram, RNN before LSTM before forget gate).

``fsrs`` costs ~25 ms to import, so it is imported only when a card is reviewed or rated.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from glossary.clock import iso as _iso
from glossary.clock import now as clock_now
from glossary.clock import utc as _utc
from glossary.quiz import (
    QTYPES,
    RATING_NAMES,
    Bank,
    Grade,
    Question,
    Reply,
    grade,
    make_question,
    read_reply,
    stable_int,
)
from glossary.store import write_transaction

if TYPE_CHECKING:
    import sqlite3

    import fsrs

    from glossary.quiz import Rng

# New cards of one term come in this order, spread over the session (see new_card_order).
INTRO_TYPES = ("define", "meaning", "relation", "example", "abbreviation", "recall", "computed")
INTRO_SPREAD = 4  # a term's next question type comes about this many terms later
CONFUSION_TYPES = ("define", "meaning", "example", "recall")
FORECAST_DAYS = 7
# Mastery is the chance of recall a day from now: right after any answer FSRS says 100%, which
# would paint a just-missed term as known; a day ahead separates "Again" from "Good" cards.
MASTERY_HORIZON = timedelta(days=1)


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class PlannedCard:
    """A card chosen for a session and why it was chosen."""

    card_id: str
    reason: str  # due | confused | new

    @property
    def slug(self) -> str:
        return self.card_id.rpartition(":")[0]

    @property
    def qtype(self) -> str:
        return self.card_id.rpartition(":")[2]


@dataclass(frozen=True)
class Recorded:
    """What the store now holds for the card just answered."""

    card_id: str
    rating: int
    reviewed_at: datetime
    due: datetime
    review_id: int


@dataclass(frozen=True)
class Answered:
    """One question of a session and its verdict."""

    question: Question
    grade: Grade
    response_ms: int | None
    recorded: Recorded


@dataclass
class SessionResult:
    """Every question asked and how the session ended: done, quit, eof or interrupt."""

    answered: list[Answered] = field(default_factory=list)
    asked: list[Question] = field(default_factory=list)
    stopped: str = "done"

    @property
    def correct(self) -> int:
        return sum(a.grade.correct for a in self.answered)


@dataclass(frozen=True)
class Confusion:
    """Two terms the learner mixed up, and how often."""

    first: str
    second: str
    count: int
    last: str  # ISO time of the latest mix-up


@dataclass(frozen=True)
class TermMastery:
    """How well a term is known: mean FSRS retrievability of its cards a day ahead (None: never seen)."""

    slug: str
    name: str
    retrievability: float | None
    cards: int


@dataclass(frozen=True)
class Stats:
    """The learner's record at a glance."""

    reviews: int
    correct: int
    retention: float | None  # share of reviews not rated Again
    streak: int  # consecutive days with a review, ending today (or yesterday)
    reviewed_today: int
    forecast: list[tuple[str, int]]  # (ISO date, cards due), today first (overdue included)
    mastery: list[tuple[str, str, list[TermMastery]]]  # (topic, title, terms)
    confusions: list[tuple[str, str, int]]  # (name, name, count)
    next_due: str | None


# --------------------------------------------------------------------------- FSRS


@lru_cache(maxsize=1)
def scheduler() -> fsrs.Scheduler:
    """FSRS with default parameters and no fuzz, so a seeded session is reproducible."""
    import fsrs

    return fsrs.Scheduler(enable_fuzzing=False)


def _load_card(state: str | None, card_id: str) -> fsrs.Card:
    import fsrs

    if state:
        return fsrs.Card.from_dict(json.loads(state))
    return fsrs.Card(card_id=stable_int(card_id))  # an explicit id: no 1 ms sleep per new card


def record(
    conn: sqlite3.Connection,
    question: Question,
    verdict: Grade,
    now: datetime,
    response_ms: int | None,
    session: str = "",
) -> Recorded:
    """Store one answer and the card's new FSRS state in one transaction (read under the lock)."""
    import fsrs

    now = _utc(now)
    with write_transaction(conn):
        row = conn.execute(
            "SELECT state, introduced FROM cards WHERE card_id = ?", (question.card_id,)
        ).fetchone()
        card = _load_card(row[0] if row else None, question.card_id)
        card, _log = scheduler().review_card(card, fsrs.Rating(verdict.rating), now)
        due = _utc(card.due)
        conn.execute(
            "INSERT OR REPLACE INTO cards (card_id, slug, qtype, state, due, introduced) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                question.card_id,
                question.slug,
                question.qtype,
                json.dumps(card.to_dict()),
                _iso(due),
                row[1] if row else _iso(now),
            ),
        )
        flags = ",".join(name for name, on in (("peeked", verdict.peeked), ("typo", verdict.typo)) if on)
        cursor = conn.execute(
            "INSERT INTO reviews (reviewed_at, card_id, slug, qtype, rating, correct, chosen, "
            "chosen_slug, answer, response_ms, answer_slug, flags, session) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                _iso(now),
                question.card_id,
                question.slug,
                question.qtype,
                verdict.rating,
                int(verdict.correct),
                verdict.chosen,
                verdict.chosen_slug,
                question.answer,
                response_ms,
                question.answer_slug,
                flags,
                session,
            ),
        )
    return Recorded(question.card_id, verdict.rating, now, due, int(cursor.lastrowid or 0))


# --------------------------------------------------------------------------- planning


def new_card_order(bank: Bank) -> list[str]:
    """Every possible card, in the order new ones are introduced.

    Terms follow the link order; a term's first question is a recognition one (define), its
    harder ones (typed recall, computed) come some terms later, so a session is not seven
    questions on one word.
    """
    ranked = []
    for index, slug in enumerate(bank.introduction_order()):
        for rank, qtype in enumerate(t for t in INTRO_TYPES if t in bank.available(slug)):
            ranked.append((index + INTRO_SPREAD * rank, index, f"{slug}:{qtype}"))
    return [card for _, _, card in sorted(ranked)]


def confusions(conn: sqlite3.Connection, since: str = "") -> list[Confusion]:
    """Pairs of terms mixed up (a wrong answer that named another term), most frequent first."""
    rows = conn.execute(
        "SELECT answer_slug, chosen_slug, reviewed_at FROM reviews "
        "WHERE correct = 0 AND chosen_slug != '' AND answer_slug != '' AND answer_slug != chosen_slug "
        "AND reviewed_at >= ?",
        (since,),
    ).fetchall()
    counts: Counter[tuple[str, str]] = Counter()
    last: dict[tuple[str, str], str] = {}
    for answer, chosen, at in rows:
        pair = (min(answer, chosen), max(answer, chosen))
        counts[pair] += 1
        last[pair] = max(last.get(pair, ""), at)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [Confusion(a, b, count, last[(a, b)]) for (a, b), count in ranked]


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

    def wanted(card_id: str) -> bool:
        slug, _, qtype = card_id.rpartition(":")
        return slug in wanted_slugs and qtype in wanted_types and qtype in bank.available(slug)

    plan: list[PlannedCard] = []
    chosen: set[str] = set()

    def add(card_id: str, reason: str) -> None:
        if len(plan) < limit and card_id not in chosen and wanted(card_id):
            plan.append(PlannedCard(card_id, reason))
            chosen.add(card_id)

    known = {r[0]: r[1] for r in conn.execute("SELECT card_id, due FROM cards ORDER BY due, card_id")}
    for card_id, due in known.items():
        if due <= _iso(now):
            add(card_id, "due")
    if due_only:
        return plan
    week_ago = _iso(now - timedelta(days=7))
    for confusion in confusions(conn, since=week_ago):
        for slug in (confusion.first, confusion.second):
            for qtype in CONFUSION_TYPES:
                card_id = f"{slug}:{qtype}"
                if not _answered_right_since(conn, card_id, confusion.last):
                    add(card_id, "confused")
    for card_id in new_card_order(bank):
        if card_id not in known:
            add(card_id, "new")
    return plan


def _answered_right_since(conn: sqlite3.Connection, card_id: str, moment: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM reviews WHERE card_id = ? AND correct = 1 AND reviewed_at > ? LIMIT 1",
        (card_id, moment),
    ).fetchone()
    return row is not None


def next_due(conn: sqlite3.Connection) -> datetime | None:
    """When the earliest card falls due (None when no card was ever reviewed)."""
    row = conn.execute("SELECT min(due) FROM cards").fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


def tour_cards(bank: Bank, slug: str, count: int = 3) -> list[PlannedCard]:
    """The guided tour's questions on one term: recognise it, place it in the graph, then use it."""
    preference = ("define", "relation", "computed", "example", "abbreviation", "meaning", "recall")
    available = bank.available(slug)
    return [PlannedCard(f"{slug}:{t}", "tour") for t in preference if t in available][:count]


# --------------------------------------------------------------------------- a session


class QuizIO(Protocol):
    """The terminal (or pipe) a session talks to; the core never prints."""

    timed: bool  # response times mean something (a person at a terminal)

    def question(self, question: Question, number: int, total: int) -> None: ...
    def ask(self, question: Question) -> str: ...  # raises EOFError or KeyboardInterrupt
    def hint(self, text: str) -> None: ...
    def card(self, slug: str) -> None: ...
    def feedback(self, answered: Answered) -> None: ...


def run_session(
    conn: sqlite3.Connection,
    bank: Bank,
    plan: Sequence[PlannedCard],
    io: QuizIO,
    rng: Rng,
    clock: Callable[[], datetime] = clock_now,
    session: str = "",
) -> SessionResult:
    """Ask every planned card, recording each answer as it is given; q, EOF and Ctrl-C stop cleanly.

    Ctrl-C is honoured at any point, not only at the prompt: an answer whose transaction it
    interrupts is rolled back whole and left out of the result, every earlier one stays.
    """
    result = SessionResult()
    questions = [q for q in (make_question(bank, p.card_id, rng) for p in plan) if q is not None]
    try:
        for number, question in enumerate(questions, start=1):
            result.asked.append(question)
            io.question(question, number, len(questions))
            reply, peeked, response_ms = _read_answer(io, question)
            if reply is None:
                result.stopped = "eof" if peeked is None else "quit"
                return result
            verdict = grade(question, reply, bank.spellings, response_ms, bool(peeked))
            recorded = record(conn, question, verdict, clock(), response_ms, session)
            answered = Answered(question, verdict, response_ms, recorded)
            result.answered.append(answered)
            io.feedback(answered)
    except KeyboardInterrupt:
        result.stopped = "interrupt"
    return result


def _read_answer(io: QuizIO, question: Question) -> tuple[Reply | None, bool | None, int | None]:
    """Prompt until a usable answer: (reply, peeked, ms), or (None, None, None) at EOF and
    (None, False, None) when the learner quits."""
    started = time.monotonic()
    peeked = False
    while True:
        try:
            line = io.ask(question)
        except EOFError:
            return None, None, None
        reply = read_reply(question, line)
        if reply.kind == "invalid":
            io.hint(reply.hint)
        elif reply.kind == "card":
            peeked = True
            io.card(question.slug)
        elif reply.kind == "quit":
            return None, False, None
        else:
            response_ms = round((time.monotonic() - started) * 1000) if io.timed else None
            return reply, peeked, response_ms


def answered_json(answered: Answered) -> dict:
    """One answer as JSON: what was chosen, whether it was right, the rating and the next due date."""
    return {
        "card": answered.question.card_id,
        "chosen": answered.grade.chosen,
        "chosen_slug": answered.grade.chosen_slug,
        "correct": answered.grade.correct,
        "rating": RATING_NAMES[answered.grade.rating],
        "note": answered.grade.note,
        "peeked": answered.grade.peeked,
        "response_ms": answered.response_ms,
        "due": _iso(answered.recorded.due),
    }


# --------------------------------------------------------------------------- statistics


def _local_date(iso: str, tz: tzinfo | None) -> str:
    return datetime.fromisoformat(iso).astimezone(tz).date().isoformat()


def streak_days(dates: set[str], today: str) -> int:
    """Consecutive days with a review, counting back from today (or from yesterday if none today)."""
    day = datetime.fromisoformat(today).date()
    if today not in dates:
        day -= timedelta(days=1)
    count = 0
    while day.isoformat() in dates:
        count += 1
        day -= timedelta(days=1)
    return count


def stats(
    conn: sqlite3.Connection,
    bank: Bank,
    now: datetime,
    topics: Sequence[tuple[str, str]],
    tz: tzinfo | None = None,
) -> Stats:
    """Reviews, retention, streak, a 7-day forecast, mastery per term by topic, and confusions."""
    now = _utc(now)
    today = now.astimezone(tz).date()
    reviews = conn.execute("SELECT reviewed_at, rating, correct FROM reviews").fetchall()
    dates = {_local_date(r[0], tz) for r in reviews}
    recalled = sum(1 for r in reviews if r[1] > 1)
    forecast_counts: Counter[str] = Counter()
    by_slug: dict[str, list[float]] = {}
    rows = conn.execute("SELECT slug, state, due FROM cards").fetchall()
    if rows:
        import fsrs

        fsrs_scheduler = scheduler()
        for slug, state, due in rows:
            day = max(datetime.fromisoformat(due).astimezone(tz).date(), today)
            forecast_counts[day.isoformat()] += 1
            card = fsrs.Card.from_dict(json.loads(state))
            recall = fsrs_scheduler.get_card_retrievability(card, now + MASTERY_HORIZON)
            by_slug.setdefault(slug, []).append(recall)
    forecast = [
        ((today + timedelta(days=i)).isoformat(), forecast_counts[(today + timedelta(days=i)).isoformat()])
        for i in range(FORECAST_DAYS)
    ]
    mastery = []
    for topic, title in topics:
        terms = [
            TermMastery(
                term.slug,
                term.name,
                sum(by_slug[term.slug]) / len(by_slug[term.slug]) if term.slug in by_slug else None,
                len(by_slug.get(term.slug, [])),
            )
            for term in bank.terms.values()
            if term.topic == topic
        ]
        if terms:
            mastery.append((topic, title, terms))
    names = {slug: term.name for slug, term in bank.terms.items()}
    mixed = [(names.get(c.first, c.first), names.get(c.second, c.second), c.count) for c in confusions(conn)]
    upcoming = next_due(conn)
    return Stats(
        reviews=len(reviews),
        correct=sum(r[2] for r in reviews),
        retention=recalled / len(reviews) if reviews else None,
        streak=streak_days(dates, today.isoformat()),
        reviewed_today=sum(1 for r in reviews if _local_date(r[0], tz) == today.isoformat()),
        forecast=forecast,
        mastery=mastery,
        confusions=mixed,
        next_due=_iso(upcoming) if upcoming else None,
    )


def stats_json(result: Stats) -> dict:
    """Stats as plain JSON data."""
    return {
        "reviews": result.reviews,
        "correct": result.correct,
        "retention": result.retention,
        "streak_days": result.streak,
        "reviewed_today": result.reviewed_today,
        "next_due": result.next_due,
        "forecast": [{"date": day, "due": count} for day, count in result.forecast],
        "mastery": [
            {
                "topic": topic,
                "title": title,
                "terms": [
                    {"slug": t.slug, "name": t.name, "retrievability": t.retrievability, "cards": t.cards}
                    for t in terms
                ],
            }
            for topic, title, terms in result.mastery
        ],
        "confusions": [{"terms": [a, b], "count": count} for a, b, count in result.confusions],
    }


if __name__ == "__main__":
    import random

    from glossary.model import Link, Term
    from glossary.store import connect

    demo_conn = connect(":memory:")
    from glossary.store import _migrate

    _migrate(demo_conn)
    demo_bank = Bank.build(
        [
            Term("n-gram", "N-gram", "N words in order", "N words in order.", "x", "lm"),
            Term("bigram", "bigram", "An N-gram with N = 2", "Two words.", "x", "lm"),
        ],
        [Link("bigram", "is-a", "n-gram")],
    )
    print(plan_session(demo_conn, demo_bank, clock_now(), 5))
    first = make_question(demo_bank, "bigram:define", random.Random(0))
    assert first is not None
    print(record(demo_conn, first, grade(first, read_reply(first, "1"), {}), clock_now(), None))
