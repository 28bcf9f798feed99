"""When a card is due, written the same way on every screen (quiz, review, stats, cards).

Relative first ("in 10 minutes", "in 3 days"); when it is more than a day away, the local time
and its zone follow in brackets, so "in 3 days (Wed 04 Mar 09:00 UTC+01:00)" needs no mental
arithmetic. "now" is said only when the card is due at that very moment or earlier, so a
"Next review now." is never followed by ``glossary review`` finding nothing. Times are shown in
the zone of ``now`` (the CLI passes the learner's clock in the learner's zone).
"""

from __future__ import annotations

import math
from datetime import datetime

DAY = 86400.0


def due_text(due: datetime, now: datetime) -> str:
    """'now', 'in 1 minute', 'in 5 hours', 'in 3 days (Wed 04 Mar 09:00 UTC+01:00)'."""
    seconds = (due - now).total_seconds()
    if seconds <= 0:
        return "now"
    if seconds < 3600:
        return _count(max(1, math.ceil(seconds / 60 - 1e-9)), "minute")
    if seconds < DAY:
        return _count(round(seconds / 3600), "hour")
    return f"{_count(round(seconds / DAY), 'day')} ({local_time(due, now)})"


def local_time(moment: datetime, now: datetime) -> str:
    """'Wed 04 Mar 09:00 UTC+01:00' in the zone of ``now`` (a year is added when it differs)."""
    local = moment.astimezone(now.tzinfo)
    year = f" {local.year}" if local.year != now.astimezone(now.tzinfo).year else ""
    zone = local.tzname() or local.strftime("%z")
    return f"{local:%a %d %b}{year} {local:%H:%M} {zone}"


def interval_text(seconds: float) -> str:
    """A rating button's interval, as short as Anki's: '<1m', '10m', '5h', '3d', '1.2mo', '2.1y'."""
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < DAY:
        return f"{round(seconds / 3600)}h"
    days = seconds / DAY
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


def _count(number: int, unit: str) -> str:
    return f"in {number} {unit}{'s' if number != 1 else ''}"
