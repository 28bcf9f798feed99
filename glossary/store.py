"""The SQLite store: schema and migrations, sync of the bundled packs, lookup, search and links.

Reads use the stdlib ``sqlite3`` only: ``sqlite_utils`` imports numpy when it is installed (~120 ms),
so it is imported just where the schema is built or content is written. Every write runs in one
``BEGIN IMMEDIATE`` transaction on a WAL database, so a concurrent writer waits instead of failing
half-way, and a learner's own terms and progress survive every re-sync of the bundled content.
"""

from __future__ import annotations

import os
import re
import sqlite3
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from glossary.errors import PackError, StoreError
from glossary.model import (
    RELATIONS,
    Example,
    Link,
    LinkView,
    PathStep,
    Resolution,
    SearchHit,
    Term,
    TopicInfo,
    lookup_key,
    view_link,
)
from glossary.paths import data_root

if TYPE_CHECKING:
    from pathlib import Path

SCHEMA_VERSION = 3
# Bumped whenever the way bundled terms are written into the tables changes (not the tables
# themselves: that is SCHEMA_VERSION), so stores built by older code re-sync their bundled terms.
CONTENT_FORMAT = 2
BUSY_TIMEOUT_SECONDS = 10.0
HIT_START, HIT_END = "\x02", "\x03"  # snippet markers; never valid in content, split out by the view


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


MIGRATIONS: dict[int, Callable] = {1: _migrate_to_1, 2: _migrate_to_2, 3: _migrate_to_3}


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


def _insert_packs(conn: sqlite3.Connection, packs: list, origin: str) -> int:
    """Insert packs' topics, terms, spellings and links; never overwrite what is already there."""
    position = conn.execute("SELECT coalesce(max(position), 0) FROM terms").fetchone()[0]
    count = 0
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
            spellings = [(term.slug, "slug"), (term.name, "name")]
            spellings += [(term.abbreviation, "abbreviation")] if term.abbreviation else []
            spellings += [(alias, "alias") for alias in term.aliases]
            conn.executemany(
                "INSERT OR IGNORE INTO lookup VALUES (?, ?, ?, ?)",
                [(lookup_key(text), term.slug, kind, origin) for text, kind in spellings],
            )
        conn.executemany(
            "INSERT OR IGNORE INTO links VALUES (?, ?, ?, ?)",
            [(link.source, link.relation, link.target, origin) for link in pack.links],
        )
    return count


def _sync_bundled(conn: sqlite3.Connection, digest: str, paths: list[str]) -> None:
    """Replace the bundled terms with the current packs; a learner's terms and record stay."""
    from glossary.packs import load_packs

    packs = load_packs(paths)
    for table in ("links", "lookup", "terms", "topics"):
        conn.execute(f"DELETE FROM {table} WHERE origin = 'bundled'")
    _insert_packs(conn, packs, "bundled")
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('content_hash', ?)", (digest,))


def _migrate(conn: sqlite3.Connection) -> None:
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


# --------------------------------------------------------------------------- the store


class Store:
    """A glossary database: built on first use, re-synced when the bundled packs change."""

    def __init__(self, conn: sqlite3.Connection, path: str | Path) -> None:
        self.conn = conn
        self.db_path = path

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Open ``path``, creating, migrating and syncing it as needed.

        Every failure, a broken bundled pack included, surfaces as a StoreError with the place to fix.
        """
        conn = connect(path)
        store = cls(conn, path)
        try:
            store.ensure_ready()
        except PackError as error:
            conn.close()
            raise StoreError(f"bundled content: {error}") from None
        except sqlite3.OperationalError as error:
            conn.close()
            raise StoreError(f"{path}: {error}") from None
        except sqlite3.DatabaseError as error:
            conn.close()
            raise StoreError(f"{path}: not a usable glossary database ({error})") from None
        return store

    def ensure_ready(self) -> None:
        """Migrate and sync only when needed: a version and a hash check on the common path."""
        paths = bundled_pack_paths()
        digest = content_hash(paths)
        if self._is_current(digest):
            return
        with write_transaction(self.conn):
            # Checked again under the write lock: another process may have just done it.
            if self.conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                _migrate(self.conn)
            if not self._is_current(digest):
                _sync_bundled(self.conn, digest, paths)

    def _is_current(self, digest: str) -> bool:
        if self.conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            return False
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
        return row is not None and row[0] == digest

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    # ---- lookup

    def resolve(self, query: str) -> Resolution | None:
        """Find a term by slug, name, alias or abbreviation, ignoring case, spaces and hyphens."""
        key = lookup_key(query)
        if not key:
            return None
        row = self.conn.execute("SELECT slug, kind FROM lookup WHERE key = ?", (key,)).fetchone()
        return Resolution(row["slug"], query, row["kind"]) if row else None

    def suggest(self, query: str, limit: int = 5) -> list[tuple[str, str]]:
        """Terms the user probably meant: exact and prefix matches first, then close spellings."""
        import difflib

        key = lookup_key(query)
        rows = self.conn.execute(
            "SELECT lookup.key, lookup.slug, terms.name FROM lookup JOIN terms USING (slug)"
        ).fetchall()
        scored: dict[str, tuple[float, str]] = {}
        for row in rows:
            candidate = row["key"]
            if not key:
                continue
            if candidate == key:
                score = 3.0
            elif candidate.startswith(key) or key.startswith(candidate):
                score = 2.0 + min(len(key), len(candidate)) / max(len(key), len(candidate))
            elif key in candidate:
                score = 1.5
            else:
                score = difflib.SequenceMatcher(None, key, candidate).ratio()
                if score < 0.72:
                    continue
            if score > scored.get(row["slug"], (0.0, ""))[0]:
                scored[row["slug"]] = (score, row["name"])
        ranked = sorted(scored.items(), key=lambda item: (-item[1][0], item[1][1]))
        return [(slug, name) for slug, (_, name) in ranked[:limit]]

    def term(self, slug: str) -> Term:
        """The full term for a slug (raises KeyError if absent)."""
        row = self.conn.execute("SELECT * FROM terms WHERE slug = ?", (slug,)).fetchone()
        if row is None:
            raise KeyError(slug)
        return _term_from_row(row)

    def origin(self, slug: str) -> str:
        """'bundled' or 'user': user terms are shown as imported content."""
        row = self.conn.execute("SELECT origin FROM terms WHERE slug = ?", (slug,)).fetchone()
        return row[0] if row else ""

    def names(self) -> dict[str, str]:
        """slug -> display name for every term."""
        return {r[0]: r[1] for r in self.conn.execute("SELECT slug, name FROM terms")}

    def terms(self, topic: str | None = None) -> list[Term]:
        """All terms in pack order, optionally of one topic."""
        sql = "SELECT * FROM terms" + (" WHERE topic = ?" if topic else "") + " ORDER BY position"
        return [_term_from_row(r) for r in self.conn.execute(sql, (topic,) if topic else ())]

    def topics(self) -> list[TopicInfo]:
        """Topics with their term counts, in pack order."""
        rows = self.conn.execute(
            "SELECT topics.topic, title, description, count(terms.slug) AS n FROM topics "
            "LEFT JOIN terms USING (topic) GROUP BY topics.topic "
            "ORDER BY topics.origin = 'user', topics.position, topics.topic"
        )
        return [TopicInfo(r[0], r[1], r[2], r[3]) for r in rows]

    # ---- links

    def all_links(self) -> list[Link]:
        """Every link once, in canonical direction."""
        rows = self.conn.execute("SELECT source, relation, target FROM links ORDER BY rowid")
        return [Link(*row) for row in rows]

    def links_of(self, slug: str) -> list[LinkView]:
        """A term's links worded from its own end, with the name of the term at the other end."""
        rows = self.conn.execute(
            "SELECT links.source, links.relation, links.target, coalesce(terms.name, links.target) "
            "FROM links LEFT JOIN terms "
            "ON terms.slug = CASE WHEN links.source = ?1 THEN links.target ELSE links.source END "
            "WHERE links.source = ?1 OR links.target = ?1 ORDER BY links.rowid",
            (slug,),
        )
        return [view_link(Link(row[0], row[1], row[2]), slug, row[3]) for row in rows]

    def neighbourhood(self, slug: str, depth: int) -> dict[str, list[LinkView]]:
        """Terms within ``depth`` links of ``slug``, each reached once (breadth first), by parent.

        A parent's links come in the model's relation order (kinds and parts before see-also),
        so a drawn tree groups like a card does.
        """
        order = {relation.key: index for index, relation in enumerate(RELATIONS)}
        children: dict[str, list[LinkView]] = {}
        seen, frontier = {slug}, [slug]
        for _ in range(depth):
            reached = []
            for parent in frontier:
                views = sorted(
                    self.links_of(parent),
                    key=lambda v: (order[v.relation], not v.outgoing, v.other_name.casefold()),
                )
                for view in views:
                    if view.other_slug not in seen:
                        seen.add(view.other_slug)
                        children.setdefault(parent, []).append(view)
                        reached.append(view.other_slug)
            frontier = reached
        return children

    def path(self, start: str, goal: str) -> list[PathStep] | None:
        """Shortest chain of links between two terms (links walked from either end)."""
        neighbours: dict[str, list[tuple[str, str]]] = {}
        names = self.names()
        for link in self.all_links():
            for view_from in (link.source, link.target):
                view = view_link(link, view_from, "")
                neighbours.setdefault(view_from, []).append((view.other_slug, view.label))
        previous: dict[str, tuple[str, str] | None] = {start: None}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            if current == goal:
                break
            for other, label in sorted(neighbours.get(current, [])):
                if other not in previous:
                    previous[other] = (current, label)
                    queue.append(other)
        if goal not in previous:
            return None
        steps = []
        node = goal
        while previous[node] is not None:
            before, label = previous[node]
            steps.append(PathStep(names[before], label, names[node]))
            node = before
        return steps[::-1]

    # ---- search

    def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        """Full-text search ranked by bm25; any string is safe (it is never passed as FTS syntax).

        Words are quoted one by one, so quotes, hyphens, AND/NOT and parentheses are just words.
        All words must match; if that finds nothing, any word may. A trailing ``*`` makes the
        last word a prefix; as the index holds Porter stems ("clipping" is stored as "clip"),
        a prefix that finds nothing is retried up to two letters shorter.
        """
        words = re.findall(r"\w+", query)
        if not words:
            return []
        quoted = [f'"{word}"' for word in words]
        attempts = [quoted]
        if query.rstrip().endswith("*"):
            last = words[-1]
            attempts = [
                [*quoted[:-1], f'"{last[: len(last) - cut]}"*']
                for cut in range(3)
                if len(last) - cut >= 3 or cut == 0
            ]
        for terms in attempts:
            for joiner in (" ", " OR "):  # all words first; any word when that finds nothing
                rows = self.conn.execute(
                    "SELECT terms.slug, terms.name, terms.summary, "
                    f"snippet(terms_fts, -1, '{HIT_START}', '{HIT_END}', '…', 12) AS snippet, "
                    "bm25(terms_fts, 10.0, 8.0, 3.0, 1.0) AS score "
                    "FROM terms_fts JOIN terms ON terms.rowid = terms_fts.rowid "
                    "WHERE terms_fts MATCH ? ORDER BY score LIMIT ?",
                    (joiner.join(terms), limit),
                ).fetchall()
                if rows:
                    return [SearchHit(r[0], r[1], r[2], r[3], r[4]) for r in rows]
                if len(terms) == 1:
                    break
        return []

    # ---- a learner's own terms

    def import_pack(self, path: str | Path) -> int:
        """Add (or replace) a learner's pack of terms; bundled terms cannot be shadowed."""
        from pathlib import Path

        from glossary.packs import load_packs, read_pack

        pack, _links, _text = read_pack(path)
        new_slugs = {term.slug for term in pack.terms}
        with write_transaction(self.conn):
            bundled = self.conn.execute("SELECT slug FROM terms WHERE origin = 'bundled'").fetchall()
            clash = sorted(new_slugs & {row[0] for row in bundled})
            if clash:
                raise PackError(path, None, f"'{clash[0]}' is a bundled term; choose another slug")
            marks = ", ".join("?" * len(new_slugs))
            args = tuple(new_slugs)
            self.conn.execute(
                f"DELETE FROM links WHERE origin = 'user' AND (source IN ({marks}) OR target IN ({marks}))",
                args + args,
            )
            self.conn.execute(f"DELETE FROM lookup WHERE origin = 'user' AND slug IN ({marks})", args)
            self.conn.execute(f"DELETE FROM terms WHERE origin = 'user' AND slug IN ({marks})", args)
            existing = {r[0]: r[1] for r in self.conn.execute("SELECT key, slug FROM lookup")}
            packs = load_packs([Path(path)], existing_keys=existing)
            return _insert_packs(self.conn, packs, "user")


def _json_or(text: str | None, empty: object) -> object:
    """Parse a JSON column, importing json only when there is something to parse (~1.2 ms saved)."""
    if not text or text in ("[]", "{}"):
        return empty
    import json

    return json.loads(text)


def _term_from_row(row: sqlite3.Row) -> Term:
    return Term(
        slug=row["slug"],
        name=row["name"],
        summary=row["summary"],
        definition=row["definition"],
        source=row["source"] or "",
        topic=row["topic"] or "",
        abbreviation=row["abbreviation"] or "",
        aliases=tuple(row["aliases"].split("\n")) if row["aliases"] else (),
        examples=tuple(Example(e["label"], tuple(e["items"])) for e in _json_or(row["examples"], [])),
        demo=row["demo"] or "",
        demo_params=_json_or(row["demo_params"], {}),
    )
