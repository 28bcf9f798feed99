"""The learner's day and the one rule of when a card can be asked (``Today.ready_at``).

The day runs from local midnight to local midnight in the clock's zone (``glossary.clock.zone``:
``GLOSSARY_NOW``'s offset, else the machine's). Normal study asks at most one card of a term per
day, across sessions (Anki buries siblings the same way), so a card whose sibling was answered
today waits until tomorrow; a card already answered today keeps its learning steps. The daily
limits of ``glossary.settings`` count new cards introduced today and cards already seen that
start a review today. Planning, ``review``, the session summary, ``stats`` and ``cards`` all ask
this module, so they cannot disagree about what is due.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from glossary import record
from glossary.clock import iso, utc

if TYPE_CHECKING:
    import sqlite3

    from glossary.model import CardId
    from glossary.settings import Settings


def day_bounds(now: datetime, tz: tzinfo | None) -> tuple[datetime, datetime]:
    """The learner's day around ``now``: local midnight to the next one in ``tz``, in UTC."""
    local = utc(now).astimezone(tz)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return utc(start), utc(start + timedelta(days=1))


@dataclass
class Today:
    """What the learner has done today, and the rule of when each card can be asked."""

    start: datetime
    end: datetime
    studied: set[CardId]  # cards answered today (practice aside)
    slugs: set[str]  # their terms: their other cards are buried until tomorrow
    reviews_left: int
    new_left: int
    suspended: set[CardId]

    @classmethod
    def of(
        cls, conn: sqlite3.Connection, now: datetime, tz: tzinfo | None, settings: Settings | None = None
    ) -> Today:
        """Read today's answers, the limits left and the suspended cards from the record."""
        from glossary import settings as learner_settings

        settings = settings or learner_settings.load(conn)
        start, end = day_bounds(now, tz)
        studied, old, new = record.studied_since(conn, iso(start))
        return cls(start, end, studied, {card.slug for card in studied},
                   max(settings.reviews_per_day - old, 0), max(settings.new_cards_per_day - new, 0),
                   set(record.suspended_cards(conn)))  # fmt: skip

    def ready_at(self, card: CardId, due: datetime) -> datetime | None:
        """When a known card may be asked: its due time, tomorrow when a sibling was studied today
        or the review limit is spent, never (None) when it is suspended."""
        if card in self.suspended:
            return None
        if card in self.studied:
            return due
        if card.slug in self.slugs or self.reviews_left <= 0:
            return max(due, self.end)
        return due

    def next_ready(self, dues: dict[CardId, str], known: Callable[[CardId], bool]) -> datetime | None:
        """The earliest moment any card in ``dues`` (card -> UTC ISO due) for which ``known`` holds
        can be asked (None when none ever can)."""
        times = []
        for card, due in dues.items():
            if known(card):
                ready = self.ready_at(card, datetime.fromisoformat(due))
                if ready is not None:
                    times.append(ready)
        return min(times) if times else None
