"""A learner's packs in the store: import (and re-import), and ``glossary remove PACK``.

A learner's pack is named by its ``topic``. Re-importing it replaces it whole: its title and
description follow the file, a term dropped from the file leaves the store (its review history
stays, archived: the cards come back if the term does), and the links it declared are replaced,
while links other packs declared stay. A pack may not take over a slug or a spelling of a bundled
term or of another pack: remove that pack first.

The file is parsed and checked on its own *before* the write lock is taken (a 10,000-term pack
parses in about a second, and another process's quiz must not wait for that); under the lock
only the checks against the store and the inserts run, each a dict or set lookup: linear.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, NamedTuple

from glossary.errors import NotFound, PackError, check_text
from glossary.schema import insert_packs, write_transaction
from glossary.spelling import drop_orphan_grams

if TYPE_CHECKING:
    from pathlib import Path


class Removed(NamedTuple):
    """A learner's pack that left the store; ``archived_cards`` keep their review history."""

    topic: str
    title: str
    terms: int
    archived_cards: int


def import_pack(conn: sqlite3.Connection, path: str | Path, format: str | None = None) -> int:
    """Add or replace the learner's pack at ``path``; return how many terms it now holds.

    A TOML pack, or a CSV or Markdown file (by its extension, or ``format``), read into the same
    records, so every check and line number below applies to all three.
    """
    from pathlib import Path

    from glossary.formats.common import import_format
    from glossary.packs import ParsedPack, check_packs, parse_pack

    if import_format(path, format) == "toml":
        parsed = parse_pack(Path(path))  # outside the lock: parsing is the slow part
    else:
        from glossary.formats.reader import parse_file

        parsed = ParsedPack(*parse_file(path, format))
    topic = parsed.pack.topic
    with write_transaction(conn):
        owned = _pack_slugs(conn, topic)
        bundled_topic = conn.execute(
            "SELECT 1 FROM topics WHERE topic = ? AND origin = 'bundled'", (topic,)
        ).fetchone()
        owners = {
            row[0]: ("bundled" if row[1] == "bundled" else row[2])
            for row in conn.execute("SELECT slug, origin, topic FROM terms")
            if row[0] not in owned
        }
        clash = next((t.slug for t in parsed.pack.terms if owners.get(t.slug) == "bundled"), None)
        if clash:
            raise PackError(
                path, parsed.term_lines.get(clash), f"'{clash}' is a bundled term; choose another slug"
            )
        rows = conn.execute("SELECT key, slug FROM lookup WHERE kind != 'inflected'")
        existing = {key: slug for key, slug in rows if slug not in owned}
        (pack,) = check_packs([parsed], existing, owners)
        new_slugs = {term.slug for term in pack.terms}
        _delete_terms(conn, owned)
        # Links this pack declared go (it declares them anew); links into terms it dropped too.
        conn.execute("DELETE FROM links WHERE origin = 'user' AND pack = ?", (topic,))
        gone = owned - new_slugs
        _delete_links_touching(conn, gone)
        if not bundled_topic:
            conn.execute("DELETE FROM topics WHERE topic = ? AND origin = 'user'", (topic,))
        count = insert_packs(conn, [pack], "user")
        if owned:  # only a re-import drops spellings whose trigrams may now be orphans
            drop_orphan_grams(conn)
        return count


def remove_pack(conn: sqlite3.Connection, topic: str) -> Removed:
    """Remove a learner's pack: its terms, spellings and links; review history stays, archived."""
    check_text(topic)  # a lone surrogate would reach SQLite and crash there
    with write_transaction(conn):
        owned = _pack_slugs(conn, topic)
        row = conn.execute(
            "SELECT title FROM topics WHERE topic = ? AND origin = 'user'", (topic,)
        ).fetchone()
        if not owned and row is None:
            packs = conn.execute("SELECT topic, title FROM topics WHERE origin = 'user' ORDER BY topic")
            raise NotFound(topic, [(row[0], row[1]) for row in packs], what="pack of yours")
        marks = ", ".join("?" * len(owned))
        cards = conn.execute(f"SELECT count(*) FROM cards WHERE slug IN ({marks})", tuple(owned)).fetchone()[
            0
        ]
        _delete_terms(conn, owned)
        _delete_links_touching(conn, owned)
        conn.execute("DELETE FROM links WHERE origin = 'user' AND pack = ?", (topic,))
        conn.execute("DELETE FROM topics WHERE topic = ? AND origin = 'user'", (topic,))
        drop_orphan_grams(conn)
    return Removed(topic, row[0] if row else topic, len(owned), cards)


def _pack_slugs(conn: sqlite3.Connection, topic: str) -> set[str]:
    rows = conn.execute("SELECT slug FROM terms WHERE origin = 'user' AND topic = ?", (topic,))
    return {row[0] for row in rows}


def _delete_terms(conn: sqlite3.Connection, slugs: set[str]) -> None:
    rows = [(slug,) for slug in slugs]
    conn.executemany("DELETE FROM lookup WHERE slug = ?", rows)
    conn.executemany("DELETE FROM terms WHERE slug = ?", rows)


def _delete_links_touching(conn: sqlite3.Connection, slugs: set[str]) -> None:
    rows = [(slug, slug) for slug in slugs]
    conn.executemany("DELETE FROM links WHERE origin = 'user' AND (source = ? OR target = ?)", rows)
