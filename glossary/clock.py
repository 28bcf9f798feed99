"""The learner's clock: what time it is, and how times are written in the record.

Everything the quiz side does depends on "now": which cards are due, when the next review
falls, which day a streak counts. Reading the time in one place lets ``GLOSSARY_NOW`` fix it
(ISO 8601 with a zone, e.g. ``2026-03-01T09:00:00+01:00``), so a session can be replayed on
another day, a test can walk a learner through a week, and golden outputs stay the same.
When ``GLOSSARY_NOW`` is set its offset is also the learner's zone: a day boundary (streaks,
"reviewed today", the forecast) then does not depend on the machine's time zone either.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone, tzinfo

ENV = "GLOSSARY_NOW"


class ClockError(ValueError):
    """``GLOSSARY_NOW`` holds something that is not an ISO 8601 time with a zone."""


def _fixed() -> datetime | None:
    """The time ``GLOSSARY_NOW`` asks for, as written (None when it is unset or blank)."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ClockError(
            f"{ENV}={value[:40]!r} is not an ISO 8601 time; write e.g. 2026-03-01T09:00:00+01:00"
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ClockError(f"{ENV}={value[:40]!r} has no time zone; add one, e.g. +01:00 or Z")
    return moment


def now() -> datetime:
    """The current time, aware and in UTC (``GLOSSARY_NOW`` when set)."""
    fixed = _fixed()
    return (fixed or datetime.now(timezone.utc)).astimezone(timezone.utc)


def zone() -> tzinfo | None:
    """The learner's zone for day boundaries: ``GLOSSARY_NOW``'s offset, else the machine's (None)."""
    fixed = _fixed()
    return fixed.tzinfo if fixed else None


def utc(moment: datetime) -> datetime:
    """A moment in UTC; a naive one is taken to be UTC already (how the record stores times)."""
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def iso(moment: datetime) -> str:
    """The record's time format: UTC, to the second (sorts as text)."""
    return utc(moment).isoformat(timespec="seconds")
