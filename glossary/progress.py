"""The learner's progress: reviews, retention, streaks, a due forecast, mastery and confusions.

Days are counted in the learner's zone (``tz``; the CLI passes ``glossary.clock.zone()``), so a
review at 23:30 belongs to that evening, not to the next UTC day. What is due follows
``glossary.today`` (buried siblings and daily limits included), as ``review`` does.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from glossary import record
from glossary.clock import iso, utc
from glossary.model import CardId
from glossary.quiz import available
from glossary.quiz.base import AGAIN
from glossary.today import Today

if TYPE_CHECKING:
    import sqlite3

    from glossary.quiz.bank import Bank

FORECAST_DAYS = 7
# Mastery is the chance of recall a day from now: right after any answer FSRS says 100%, which
# would paint a just-missed term as known; a day ahead separates "Again" from "Good" cards.
MASTERY_HORIZON = timedelta(days=1)


@dataclass(frozen=True)
class Confusion:
    """Two terms the learner mixed up, and how often."""

    first: str
    second: str
    count: int
    last: str  # ISO time of the latest mix-up


@dataclass(frozen=True)
class TermMastery:
    """How well a term is known: FSRS retrievability of its cards a day ahead (None: never seen).

    The mean over its cards, except when the term's latest review failed: then its weakest
    card's, and the view never calls it known, so one good card cannot hide the last miss.
    """

    slug: str
    name: str
    retrievability: float | None
    cards: int
    last_failed: bool = False


@dataclass(frozen=True)
class Stats:
    """The learner's record at a glance."""

    reviews: int
    correct: int  # reviews recalled: right and without a peek (rated above Again)
    retention: float | None  # share of reviews recalled
    streak: int  # consecutive days with a review, ending today (or yesterday)
    reviewed_today: int
    forecast: list[tuple[str, int]]  # (ISO date, cards due), today first (overdue included)
    mastery: list[tuple[str, str, list[TermMastery]]]  # (topic, title, terms)
    confusions: list[tuple[str, str, int]]  # (name, name, count)
    relation_errors: list[tuple[str, str, str, int]]  # (subject, picked, answer, count), by name
    next_due: str | None  # when review next has a card (UTC ISO), by the rule review follows
    due_now: int = 0  # cards review would ask now
    now: datetime | None = None  # the moment of these numbers, in the learner's zone


def confusions(conn: sqlite3.Connection, since: str = "") -> list[Confusion]:
    """Pairs of terms mixed up (a wrong answer that named another term), most frequent first."""
    counts: Counter[tuple[str, str]] = Counter()
    last: dict[tuple[str, str], str] = {}
    for answer, chosen, at in record.mixed_up_answers(conn, since):
        pair = (min(answer, chosen), max(answer, chosen))
        counts[pair] += 1
        last[pair] = max(last.get(pair, ""), at)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [Confusion(a, b, count, last[(a, b)]) for (a, b), count in ranked]


def _local_date(moment: str, tz: tzinfo | None) -> str:
    return datetime.fromisoformat(moment).astimezone(tz).date().isoformat()


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


def _recall_by_slug(
    conn: sqlite3.Connection, now: datetime, tz: tzinfo | None, learner_day: Today
) -> tuple[Counter[str], dict[str, list[float]], int]:
    """Cards ready per local day (overdue counted today), each term's chances of recall, and the
    number ready now. Readiness is ``Today.ready_at``'s: buried and limited cards count tomorrow,
    suspended ones never, exactly as ``review`` sees them."""
    today = now.astimezone(tz).date()
    due_days: Counter[str] = Counter()
    by_slug: dict[str, list[float]] = {}
    ready_now = 0
    rows = record.card_states(conn)
    if rows:
        import fsrs

        fsrs_scheduler = record.scheduler()
        for slug, qtype, state, due in rows:
            ready = learner_day.ready_at(CardId(slug, qtype), datetime.fromisoformat(due))
            if ready is not None:
                ready_now += ready <= now
                due_days[max(ready.astimezone(tz).date(), today).isoformat()] += 1
            card = fsrs.Card.from_dict(json.loads(state))
            recall = fsrs_scheduler.get_card_retrievability(card, now + MASTERY_HORIZON)
            by_slug.setdefault(slug, []).append(recall)
    return due_days, by_slug, ready_now


def _mastery(slug: str, name: str, recalls: list[float], last_failed: bool) -> TermMastery:
    if not recalls:
        return TermMastery(slug, name, None, 0)
    value = min(recalls) if last_failed else sum(recalls) / len(recalls)
    return TermMastery(slug, name, value, len(recalls), last_failed)


def stats(
    conn: sqlite3.Connection,
    bank: Bank,
    now: datetime,
    topics: Sequence[tuple[str, str]],
    tz: tzinfo | None = None,
) -> Stats:
    """Reviews, retention, streak, a 7-day forecast, mastery per term by topic, and confusions."""
    shown_now = now.astimezone(tz) if now.tzinfo else utc(now)
    now = utc(now)
    today = now.astimezone(tz).date()
    reviews = record.review_outcomes(conn)
    dates = {_local_date(r[0], tz) for r in reviews}
    recalled = sum(1 for r in reviews if r[1] > 1)
    learner_day = Today.of(conn, now, tz)
    due_days, by_slug, ready_now = _recall_by_slug(conn, now, tz, learner_day)
    days = [(today + timedelta(days=i)).isoformat() for i in range(FORECAST_DAYS)]
    latest = record.latest_ratings(conn)
    mastery = []
    for topic, title in topics:
        terms = [_mastery(term.slug, term.name, by_slug.get(term.slug, []), latest.get(term.slug) == AGAIN)
                 for term in bank.terms.values() if term.topic == topic]  # fmt: skip
        if terms:
            mastery.append((topic, title, terms))
    names = {slug: term.name for slug, term in bank.terms.items()}
    mixed = [(names.get(c.first, c.first), names.get(c.second, c.second), c.count) for c in confusions(conn)]
    misses = Counter(record.relation_misses(conn))
    relation_errors = [
        (names.get(subject, subject), names.get(chosen, chosen), names.get(answer, answer), count)
        for (subject, chosen, answer), count in sorted(misses.items(), key=lambda item: (-item[1], item[0]))
    ]
    upcoming = learner_day.next_ready(
        record.card_dues(conn),
        lambda card: card.slug in bank.terms and card.qtype in available(bank, card.slug),
    )
    return Stats(
        reviews=len(reviews),
        correct=recalled,
        retention=recalled / len(reviews) if reviews else None,
        streak=streak_days(dates, today.isoformat()),
        reviewed_today=sum(1 for r in reviews if _local_date(r[0], tz) == today.isoformat()),
        forecast=[(day, due_days[day]) for day in days],
        mastery=mastery,
        confusions=mixed,
        relation_errors=relation_errors,
        next_due=iso(upcoming) if upcoming else None,
        due_now=ready_now,
        now=shown_now,
    )
