"""The store's file: connect, write transactions, numbered migrations and the bundled sync.

Everything that shapes the database (tables, WAL, the busy timeout, ``PRAGMA user_version``)
lives here, so ``store.py`` only reads and imports content and ``record.py`` only writes the
learner's record. ``sqlite_utils`` (it imports numpy, ~120 ms) is loaded only to migrate.
"""

from __future__ import annotations

import os
import sqlite3
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from glossary.errors import StoreError
from glossary.model import Term
from glossary.paths import data_root

if TYPE_CHECKING:
    from pathlib import Path

SCHEMA_VERSION = 4
# Bumped whenever the way bundled terms are written into the tables changes (not the tables
# themselves: that is SCHEMA_VERSION), so stores built by older code re-sync their bundled terms.
CONTENT_FORMAT = 3  # 3: inflected lookup keys and the trigram index of keys
BUSY_TIMEOUT_SECONDS = 10.0


# --------------------------------------------------------------------------- schema


def _migrate_to_1(db) -> None:
    """Terms, their spellings, typed links, topics, metadata and the FTS5 index."""
    db["terms"].create(
        {
            "slug": str,
            "name": str,
            "abbreviation": str,
            "aliases": str,  # one per line
            "keywords": str,  # abbreviation and aliases as text, for the FTS index
            "summary": str,
            "definition": str,
            "examples": str,  # JSON list of {label, items}
            "source": str,
            "topic": str,
            "demo": str,
            "demo_params": str,  # JSON object
            "origin": str,  # bundled | user
            "position": int,
        },
        pk="slug",
        not_null={"name", "summary", "definition", "origin"},
    )
    db["lookup"].create({"key": str, "slug": str, "kind": str, "origin": str}, pk="key")
    db["lookup"].create_index(["slug"])
    db["links"].create(
        {"source": str, "relation": str, "target": str, "origin": str},
        pk=("source", "relation", "target"),
    )
    db["links"].create_index(["target"])
    db["topics"].create(
        {"topic": str, "title": str, "description": str, "origin": str, "position": int},
        pk="topic",
    )
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["terms"].enable_fts(
        ["name", "keywords", "summary", "definition"], tokenize="porter", create_triggers=True
    )


def _migrate_to_2(db) -> None:
    """The learner's record: one FSRS card per (term, question type) and every answer given."""
    db["cards"].create(
        {
            "card_id": str,  # "<slug>:<question type>"
            "slug": str,
            "qtype": str,
            "state": str,  # JSON of the FSRS card
            "due": str,  # ISO-8601 UTC, indexed for "what is due"
            "introduced": str,
        },
        pk="card_id",
    )
    db["cards"].create_index(["due"])
    db["reviews"].create(
        {
            "id": int,
            "reviewed_at": str,
            "card_id": str,
            "slug": str,
            "qtype": str,
            "rating": int,
            "correct": int,
            "chosen": str,
            "chosen_slug": str,
            "answer": str,
            "response_ms": int,
        },
        pk="id",
    )
    db["reviews"].create_index(["card_id"])
    db["reviews"].create_index(["chosen_slug"])


def _migrate_to_3(db) -> None:
    """Reviews name the term the answer stood for, how it was given and the session it belongs to.

    ``answer_slug`` makes confusions ("you confuse bigram and trigram") a plain query even when a
    card's answer is another term (relation questions); ``flags`` keeps "peeked" and "typo".
    """
    db["reviews"].add_column("answer_slug", str, not_null_default="")
    db["reviews"].add_column("flags", str, not_null_default="")
    db["reviews"].add_column("session", str, not_null_default="")
    db["reviews"].create_index(["reviewed_at"])


def _migrate_to_4(db) -> None:
    """Lookup forgives: a trigram index of every key, and a learner's terms get their inflections.

    Bundled terms are rewritten by the re-sync that follows (CONTENT_FORMAT 3); a learner's
    imported terms are indexed here from their stored spellings.
    """
    from glossary.spelling import index_spellings

    conn = db.conn
    conn.execute(
        "CREATE TABLE key_grams (gram TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (gram, key)) "
        "WITHOUT ROWID"
    )
    rows = conn.execute("SELECT slug, name, abbreviation, aliases FROM terms WHERE origin = 'user'")
    spellings = []
    for slug, name, abbreviation, aliases in rows.fetchall():
        spellings += [(slug, slug, "slug", "user"), (name, slug, "name", "user")]
        spellings += [(abbreviation, slug, "abbreviation", "user")] if abbreviation else []
        spellings += [(alias, slug, "alias", "user") for alias in (aliases or "").split("\n") if alias]
    conn.execute("DELETE FROM lookup WHERE origin = 'user'")
    index_spellings(conn, spellings)


MIGRATIONS: dict[int, Callable] = {1: _migrate_to_1, 2: _migrate_to_2, 3: _migrate_to_3, 4: _migrate_to_4}


# --------------------------------------------------------------------------- connection


def connect(path: str | Path) -> sqlite3.Connection:
    """Open with WAL, a busy timeout and manual transactions (``isolation_level=None``)."""
    path = os.fspath(path)
    if path != ":memory:":
        if os.path.isdir(path):
            raise StoreError(f"{path} is a directory, not a database file")
        folder = os.path.dirname(os.path.abspath(path))
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create {folder}: {error.strerror}") from None
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        _ensure_wal(conn)
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path}: not a usable glossary database ({error})") from None
    return conn


def _ensure_wal(conn: sqlite3.Connection, attempts: int = 200) -> None:
    """Switch a new file to WAL (persistent, so once per file).

    The switch needs an exclusive lock and SQLite does not wait on the busy handler for it, so
    two processes opening a brand-new store at once can see "database is locked": the other one
    is switching it at that moment, so look again shortly rather than fail.
    """
    import time

    for _ in range(attempts):
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            time.sleep(0.01)
    raise StoreError("the store stayed locked while switching it to WAL mode")


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One ``BEGIN IMMEDIATE`` transaction: take the write lock first, so no read-then-write race."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def bundled_pack_paths() -> list[str]:
    """The bundled packs, in a stable order."""
    folder = os.path.join(data_root(), "terms")
    return sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(".toml"))


def content_hash(paths: list[str] | list[Path]) -> str:
    """CRC-32 and size of the packs' names and bytes: detects any edit, cheap on every start.

    (hashlib would load OpenSSL, ~4 ms; this only needs to notice change, not resist attack.)
    """
    checksum, size = zlib.crc32(f"format {CONTENT_FORMAT}".encode()), 0
    for path in paths:
        with open(path, "rb") as file:
            chunk = os.path.basename(path).encode() + b"\0" + file.read() + b"\0"
        checksum, size = zlib.crc32(chunk, checksum), size + len(chunk)
    return f"crc32:{checksum:08x}:{size}"


# --------------------------------------------------------------------------- writing content


def _term_row(term: Term, origin: str, position: int) -> dict:
    import json

    keywords = ", ".join(filter(None, [term.abbreviation, *term.aliases]))
    return {
        "slug": term.slug,
        "name": term.name,
        "abbreviation": term.abbreviation,
        "aliases": "\n".join(term.aliases),  # packs forbid newlines in aliases
        "keywords": keywords,
        "summary": term.summary,
        "definition": term.definition,
        "examples": json.dumps([{"label": e.label, "items": list(e.items)} for e in term.examples]),
        "source": term.source,
        "topic": term.topic,
        "demo": term.demo,
        "demo_params": json.dumps(term.demo_params, sort_keys=True),
        "origin": origin,
        "position": position,
    }


def insert_packs(conn: sqlite3.Connection, packs: list, origin: str) -> int:
    """Insert packs' topics, terms, spellings and links; never overwrite what is already there."""
    from glossary.spelling import index_spellings, term_spellings

    position = conn.execute("SELECT coalesce(max(position), 0) FROM terms").fetchone()[0]
    count = 0
    spellings: list[tuple[str, str, str, str]] = []
    for pack_index, pack in enumerate(packs):
        conn.execute(
            "INSERT OR IGNORE INTO topics VALUES (?, ?, ?, ?, ?)",
            (pack.topic, pack.title, pack.description, origin, pack_index),
        )
        for term in pack.terms:
            position += 1
            row = _term_row(term, origin, position)
            cursor = conn.execute(
                f"INSERT OR IGNORE INTO terms ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                tuple(row.values()),
            )
            if cursor.rowcount == 0:
                continue  # a learner's term of the same slug wins over a newer bundled one
            count += 1
            spellings += term_spellings(term, origin)
        conn.executemany(
            "INSERT OR IGNORE INTO links VALUES (?, ?, ?, ?)",
            [(link.source, link.relation, link.target, origin) for link in pack.links],
        )
    index_spellings(conn, spellings)  # after every term, so exact keys win over inflections
    return count


def sync_bundled(conn: sqlite3.Connection, digest: str, paths: list[str]) -> None:
    """Replace the bundled terms with the current packs; a learner's terms and record stay."""
    from glossary.packs import load_packs
    from glossary.spelling import drop_orphan_grams

    packs = load_packs(paths)
    for table in ("links", "lookup", "terms", "topics"):
        conn.execute(f"DELETE FROM {table} WHERE origin = 'bundled'")
    insert_packs(conn, packs, "bundled")
    drop_orphan_grams(conn)
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('content_hash', ?)", (digest,))


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema up to SCHEMA_VERSION, one numbered step at a time."""
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the store was written by a newer seqml-glossary (schema {version} > {SCHEMA_VERSION})"
        )
    for step in range(version + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[step](db)
        conn.execute(f"PRAGMA user_version = {step}")


def is_current(conn: sqlite3.Connection, digest: str) -> bool:
    """The schema is at SCHEMA_VERSION and the bundled terms match the packs' hash."""
    if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        return False
    row = conn.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
    return row is not None and row[0] == digest


def prepare(conn: sqlite3.Connection) -> None:
    """Migrate and sync only when needed: a version and a hash check on the common path."""
    paths = bundled_pack_paths()
    digest = content_hash(paths)
    if is_current(conn, digest):
        return
    with write_transaction(conn):
        # Checked again under the write lock: another process may have just done it.
        if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            migrate(conn)
        if not is_current(conn, digest):
            sync_bundled(conn, digest, paths)
