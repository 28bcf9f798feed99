"""The learner's review log as CSV in the layout the FSRS optimizer reads.

Columns (the ``review_logs`` schema of the ``fsrs-optimizer`` package, which the FSRS benchmark
and the optimizer's ``revlog.csv`` share):

    card_id          integer: the FSRS card id we already store (crc32 of "<slug>:<type>")
    review_time      UTC milliseconds since the Unix epoch
    review_rating    1 Again, 2 Hard, 3 Good, 4 Easy
    review_state     the card's state when it was reviewed: 0 New, 1 Learning, 2 Review, 3 Relearning
    review_duration  milliseconds the learner took to answer (0 when not measured)

Practice answers (``glossary cram``) moved no schedule, so they are left out, as the optimizer
leaves out Anki's cram reviews. The state comes from the card as stored just before the answer;
for answers recorded before that snapshot was kept, it is replayed through FSRS from the start.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import TYPE_CHECKING

from glossary.clock import utc
from glossary.record import load_card, scheduler, stable_int

if TYPE_CHECKING:
    import sqlite3

COLUMNS = ("card_id", "review_time", "review_rating", "review_state", "review_duration")
NEW = 0


def review_rows(
    conn: sqlite3.Connection, slugs: set[str] | None = None
) -> list[tuple[int, int, int, int, int]]:
    """Every scheduled review (of the given terms, or all), oldest first within each card."""
    import fsrs

    from glossary.model import CardId

    rows = conn.execute(
        "SELECT card_id, slug, reviewed_at, rating, coalesce(response_ms, 0), before FROM reviews "
        "WHERE practice = 0 ORDER BY card_id, reviewed_at, id"
    ).fetchall()
    out = []
    card: fsrs.Card | None = None
    current = None
    for card_id, slug, reviewed_at, rating, duration, before in rows:
        if card_id != current:
            current, card = card_id, None
        snapshot = json.loads(before)["card"] if before else None
        if snapshot and snapshot[0]:
            card = fsrs.Card.from_dict(json.loads(snapshot[0]))
        elif before:
            card = None  # the snapshot says the card was new
        state = NEW if card is None else int(card.state.value)
        moment = utc(datetime.fromisoformat(reviewed_at))
        card, _log = scheduler().review_card(
            card or load_card(None, CardId.parse(card_id)), fsrs.Rating(rating), moment
        )
        if slugs is None or slug in slugs:
            out.append((stable_int(card_id), int(moment.timestamp() * 1000), rating, state, max(0, duration)))
    out.sort(key=lambda row: (row[1], row[0]))
    return out


def write_reviews_csv(rows: list[tuple[int, int, int, int, int]]) -> str:
    """The rows under their header, comma-separated, ``\\n`` line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()
