"""The learner's settings: daily limits, desired retention and the longest interval.

They live in the learner's store (the ``settings`` table), so they travel with the record they
shape: copy the database to another machine and the schedule is the same. Unset keys read as
their defaults; ``glossary config KEY VALUE`` checks the range before anything is written.

    new-cards-per-day    20      new cards introduced per learner day (0-9999)
    reviews-per-day      200     cards already seen that start their review per day (0-99999)
    desired-retention    0.90    the recall probability FSRS schedules for (0.70-0.97)
    maximum-interval     36500   the longest interval in days (1-36500)

The learner's day runs from local midnight to local midnight in the clock's zone (see
``glossary.clock.zone``); learning steps of a card already started today never count against
the review limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from glossary.errors import Invalid
from glossary.schema import write_transaction

if TYPE_CHECKING:
    import sqlite3


@dataclass(frozen=True)
class Setting:
    """One setting: its key, kind, default, allowed range and what it does."""

    key: str
    kind: type
    default: float
    minimum: float
    maximum: float
    help: str

    def parse(self, text: str) -> int | float:
        """The value ``text`` stands for, or Invalid with the range when it is not allowed."""
        try:
            value = self.kind(text.strip())
        except ValueError:
            raise Invalid(f"{self.key} must be {self._wanted()}; got '{text[:40]}'") from None
        if not self.minimum <= value <= self.maximum:
            raise Invalid(f"{self.key} must be {self._wanted()}; got {text.strip()[:40]}")
        return value

    def _wanted(self) -> str:
        kind = "a whole number" if self.kind is int else "a number"
        return f"{kind} from {self.show(self.minimum)} to {self.show(self.maximum)}"

    def show(self, value: float) -> str:
        """A value as the learner writes it (0.9 as 0.90, 20 as 20)."""
        return f"{value:.2f}" if self.kind is float else str(int(value))


SETTINGS: tuple[Setting, ...] = (
    Setting("new-cards-per-day", int, 20, 0, 9999, "New cards introduced per day."),
    Setting("reviews-per-day", int, 200, 0, 99999, "Cards already seen that may start a review per day."),
    Setting("desired-retention", float, 0.90, 0.70, 0.97, "Chance of recall FSRS schedules each review for."),
    Setting("maximum-interval", int, 36500, 1, 36500, "Longest interval between two reviews, in days."),
)
BY_KEY = {setting.key: setting for setting in SETTINGS}
PARAMETERS_KEY = "fsrs-parameters"  # written by ``glossary stats --fit --save`` (glossary.fitting)


def _parameters(text: str) -> tuple[float, ...]:
    """Stored FSRS parameters, or () (the defaults) when they are not 21 finite numbers."""
    import json
    import math

    try:
        values = tuple(float(v) for v in json.loads(text))
    except (ValueError, TypeError):
        return ()
    return values if len(values) == 21 and all(math.isfinite(v) for v in values) else ()


@dataclass(frozen=True)
class Settings:
    """The values in force (defaults where the learner set nothing)."""

    new_cards_per_day: int = 20
    reviews_per_day: int = 200
    desired_retention: float = 0.90
    maximum_interval: int = 36500
    parameters: tuple[float, ...] = ()  # the learner's fitted FSRS parameters; () = FSRS's defaults

    def value(self, key: str) -> int | float:
        """The value of a setting by its key (``desired-retention``)."""
        return getattr(self, key.replace("-", "_"))


def setting(key: str) -> Setting:
    """The setting called ``key``, or Invalid naming the keys there are."""
    found = BY_KEY.get(key.strip().lower())
    if found is None:
        raise Invalid(f"unknown setting '{key[:40]}'; choose from {', '.join(BY_KEY)}")
    return found


def load(conn: sqlite3.Connection) -> Settings:
    """The learner's settings; a stored value out of range (edited by hand) reads as the default."""
    values: dict = {}
    for key, text in conn.execute("SELECT key, value FROM settings"):
        if key == PARAMETERS_KEY:
            values["parameters"] = _parameters(text)
        elif key in BY_KEY:
            try:
                values[key.replace("-", "_")] = BY_KEY[key].parse(text)
            except Invalid:
                continue
    return Settings(**values)


def store(conn: sqlite3.Connection, key: str, text: str) -> int | float:
    """Check and save one setting; returns the value saved."""
    found = setting(key)
    value = found.parse(text)
    with write_transaction(conn):
        conn.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (found.key, found.show(value)))
    return value
