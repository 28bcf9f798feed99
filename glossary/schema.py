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
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

from glossary.errors import StoreError
from glossary.model import Term
from glossary.paths import data_root

if TYPE_CHECKING:
    from pathlib import Path

SCHEMA_VERSION = 7
# Bumped whenever the way bundled terms are written into the tables changes (not the tables
# themselves: that is SCHEMA_VERSION), so stores built by older code re-sync their bundled terms.
CONTENT_FORMAT = 4  # 3: inflected lookup keys and the trigram index of keys; 4: radius -> radii


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
    """Settings, practice reviews, undo, leeches, suspension and lookups (issue 8).

    ``settings`` holds the learner's limits and desired retention, so they travel with the record.
    A review row keeps ``before``, the card as it was (JSON), so undo restores it exactly, and
    ``practice`` marks a cram answer that moved no schedule. Cards count their reviews and lapses
    (backfilled: a lapse is an Again after a recalled answer at least 20 hours earlier, the FSRS
    review state); ``suspended`` holds cards kept out of study, and ``lookups`` the terms the
    learner opened with ``show``, which the quiz introduces sooner.
    """
    db["settings"].create({"key": str, "value": str}, pk="key")
    db["reviews"].add_column("practice", int, not_null_default=0)
    db["reviews"].add_column("before", str, not_null_default="")
    db["cards"].add_column("reps", int, not_null_default=0)
    db["cards"].add_column("lapses", int, not_null_default=0)
    db.execute("UPDATE cards SET reps = (SELECT count(*) FROM reviews WHERE reviews.card_id = cards.card_id)")
    db.execute(
        "UPDATE cards SET lapses = (SELECT count(*) FROM (SELECT rating, lag(rating) OVER w AS prior, "
        "julianday(reviewed_at) - julianday(lag(reviewed_at) OVER w) AS gap FROM reviews "
        "WHERE reviews.card_id = cards.card_id WINDOW w AS (ORDER BY reviewed_at, id)) "
        "WHERE rating = 1 AND prior > 1 AND gap >= 20.0 / 24)"
    )
    db["suspended"].create({"card_id": str, "slug": str, "reason": str, "since": str}, pk="card_id")
    db["lookups"].create({"slug": str, "looked_up_at": str}, pk="slug")


def _migrate_to_5(db) -> None:
    """A learner's link remembers the pack that declared it, so re-importing or removing one pack
    never drops another pack's links. Older links are credited to their source term's pack."""
    db["links"].add_column("pack", str, not_null_default="")
    db.conn.execute(
        "UPDATE links SET pack = coalesce((SELECT topic FROM terms WHERE slug = links.source), '') "
        "WHERE origin = 'user'"
    )


def _migrate_to_6(db) -> None:
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


def _migrate_to_7(db) -> None:
    """An index that holds what ``glossary list`` reads first: each topic's terms in order, and
    every title to size the name column. On 10,000 terms the list then starts printing after
    ~5 ms of reading instead of ~40 (a scan of whole rows, definitions and all)."""
    db.execute("CREATE INDEX IF NOT EXISTS terms_by_topic ON terms (topic, position, name, abbreviation)")


MIGRATIONS: dict[int, Callable] = {
    1: _migrate_to_1,
    2: _migrate_to_2,
    3: _migrate_to_3,
    4: _migrate_to_4,
    5: _migrate_to_5,
    6: _migrate_to_6,
    7: _migrate_to_7,
}


# --------------------------------------------------------------------------- connection


def connect(path: str | Path, read_only: bool | None = None) -> sqlite3.Connection:
    """Open our store with WAL, a busy timeout and manual transactions (``isolation_level=None``).

    A file that is not ours is refused untouched (``storefile``); a store we may not write is
    opened read-only (``read_only=None`` decides from the permissions).
    """
    from glossary.storefile import describe, open_store

    path = os.fspath(path)
    conn = open_store(path, SCHEMA_VERSION, read_only)
    if path == ":memory:" or conn.read_only:
        return conn
    try:
        _ensure_wal(conn)
    except sqlite3.DatabaseError as error:
        conn.close()
        raise StoreError(describe(error, path)) from None
    except StoreError:
        conn.close()
        raise
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


# How long a write waits for another process's lock before saying so, and before giving up.
LOCK_NOTICE_SECONDS = 1.0
LOCK_GIVE_UP_SECONDS = 300.0


def _begin_immediate(conn: sqlite3.Connection) -> None:
    """``BEGIN IMMEDIATE``, waiting for another process's write lock as long as it takes.

    After ``LOCK_NOTICE_SECONDS`` the connection's ``on_lock_wait`` is called once (the CLI says
    it is waiting for another glossary process), then the lock is tried again in short slices,
    so Ctrl-C stays responsive, until ``LOCK_GIVE_UP_SECONDS``: then a StoreError, nothing written.
    What the caller holds (a typed answer) stays in memory all along.
    """
    import time

    from glossary.storefile import describe, is_lock_error

    started = time.monotonic()
    slice_ms = max(1, int(min(LOCK_NOTICE_SECONDS, LOCK_GIVE_UP_SECONDS) * 1000))
    told = False
    normal_ms = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    try:
        while True:
            conn.execute(f"PRAGMA busy_timeout = {slice_ms}")
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not is_lock_error(error):
                    raise StoreError(describe(error, getattr(conn, "path", ""))) from None
            waited = time.monotonic() - started
            if waited >= LOCK_GIVE_UP_SECONDS:
                raise StoreError(
                    f"another glossary process kept the store locked for {waited:.0f} s; nothing of "
                    "this change was saved. Finish or close the other glossary and try again."
                )
            notice = getattr(conn, "on_lock_wait", None)
            if notice is not None and not told:
                notice()
                told = True
            slice_ms = max(1, int(min(0.25, LOCK_GIVE_UP_SECONDS - waited) * 1000))
    finally:
        conn.execute(f"PRAGMA busy_timeout = {normal_ms}")


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One ``BEGIN IMMEDIATE`` transaction: take the write lock first, so no read-then-write race.

    A read-only store refuses at once. SQLite errors become a StoreError with one clear line;
    ROLLBACK is issued only if SQLite has not already rolled back on its own (disk full, I/O error
    and corruption do), so the real error is never masked by "cannot rollback".
    """
    from glossary.storefile import describe

    if getattr(conn, "read_only", False):
        raise StoreError(
            f"{getattr(conn, 'path', 'the store')}: the store is read-only; nothing can be saved"
        )
    _begin_immediate(conn)
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as error:
        if conn.in_transaction:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        if isinstance(error, sqlite3.Error) and not isinstance(error, sqlite3.IntegrityError):
            raise StoreError(describe(error, getattr(conn, "path", ""))) from error
        raise


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
    """Insert packs' topics, terms, spellings and links; never overwrite what is already there.

    One ``executemany`` per table, not one statement per term: a 10,000-term pack is one pass;
    the spellings (exact keys, their inflections and trigrams) are indexed once at the end.
    """
    from glossary.spelling import index_spellings, term_spellings

    position = conn.execute("SELECT coalesce(max(position), 0) FROM terms").fetchone()[0]
    present = {row[0] for row in conn.execute("SELECT slug FROM terms")}
    count = 0
    spellings: list[tuple[str, str, str, str]] = []
    for pack_index, pack in enumerate(packs):
        conn.execute(
            "INSERT OR IGNORE INTO topics VALUES (?, ?, ?, ?, ?)",
            (pack.topic, pack.title, pack.description, origin, pack_index),
        )
        pack_of_links = pack.topic if origin == "user" else ""
        # A learner's term of the same slug wins over a newer bundled one.
        terms = [term for term in pack.terms if term.slug not in present]
        present.update(term.slug for term in terms)
        rows = [_term_row(term, origin, position + index) for index, term in enumerate(terms, start=1)]
        position += len(terms)
        if rows:
            columns = ", ".join(rows[0])
            conn.executemany(
                f"INSERT INTO terms ({columns}) VALUES ({', '.join('?' * len(rows[0]))})",
                [tuple(row.values()) for row in rows],
            )
        for term in terms:
            spellings += term_spellings(term, origin)
        count += len(terms)
        conn.executemany(
            "INSERT OR IGNORE INTO links (source, relation, target, origin, pack) VALUES (?, ?, ?, ?, ?)",
            [(link.source, link.relation, link.target, origin, pack_of_links) for link in pack.links],
        )
    index_spellings(conn, spellings)  # after every term, so exact keys win over inflections
    return count


def sync_bundled(conn: sqlite3.Connection, digest: str, packs: list) -> None:
    """Replace the bundled terms with the current packs (parsed before the lock); a learner's stay."""
    from glossary.spelling import drop_orphan_grams

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
    """Marked as ours, at SCHEMA_VERSION, and the bundled terms match the packs' hash."""
    from glossary.storefile import APPLICATION_ID

    if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        return False
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        return False
    row = conn.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
    return row is not None and row[0] == digest


def prepare(conn: sqlite3.Connection) -> None:
    """Migrate and sync only when needed: a version and a hash check on the common path.

    The packs are parsed before the write lock is taken; a store that holds a record is backed
    up (``glossary.backup``) before it is migrated or re-synced. A read-only store at the current
    schema is served as it is; one that needs a migration cannot be.
    """
    paths = bundled_pack_paths()
    digest = content_hash(paths)
    if is_current(conn, digest):
        return
    path = getattr(conn, "path", "")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if getattr(conn, "read_only", False):
        if version != SCHEMA_VERSION:
            raise StoreError(
                f"{path}: the store is read-only and needs an upgrade (schema {version} -> "
                f"{SCHEMA_VERSION}), which would write it; make it writable once"
            )
        return  # readable as it is; the bundled content is re-synced when it can be written
    from glossary.packs import load_packs

    packs = load_packs(paths)
    with write_transaction(conn):
        # Checked again under the write lock: another process may have just done it.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        synced = version >= 1 and conn.execute("SELECT 1 FROM meta WHERE key = 'content_hash'").fetchone()
        stale = version != SCHEMA_VERSION or not is_current(conn, digest)
        if stale and synced and path not in ("", ":memory:"):
            _backup_before(conn, path, "migration" if version != SCHEMA_VERSION else "resync", digest)
        if version != SCHEMA_VERSION:
            migrate(conn)
        _mark_ours(conn)
        if not is_current(conn, digest):
            sync_bundled(conn, digest, packs)


def _backup_before(conn: sqlite3.Connection, path: str, reason: str, digest: str) -> None:
    """An automatic backup, unless the only change is the mark (nothing of the learner's moves)."""
    from glossary.storefile import automatic_backup

    row = conn.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
    if reason == "resync" and row is not None and row[0] == digest:
        return
    automatic_backup(path, reason)


def _mark_ours(conn: sqlite3.Connection) -> None:
    """Adopt a store written before ``application_id`` marked our files."""
    from glossary.storefile import APPLICATION_ID

    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
