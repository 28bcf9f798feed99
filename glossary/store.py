"""The glossary as the lookup commands see it: resolve, cards, search, topics, links, paths, import.

Reads use the stdlib ``sqlite3`` only: ``sqlite_utils`` imports numpy when it is installed (~120 ms),
so it is imported just where the schema is built or content is written. Every write runs in one
``BEGIN IMMEDIATE`` transaction on a WAL database, so a concurrent writer waits instead of failing
half-way, and a learner's own terms and progress survive every re-sync of the bundled content.
"""

from __future__ import annotations

import os
import re
import sqlite3
from typing import TYPE_CHECKING

from glossary.errors import Invalid, NotFound, PackError, StoreError, check_text
from glossary.model import (
    HIT_END,
    HIT_START,
    Card,
    Example,
    Link,
    LinkView,
    Resolution,
    Term,
    lookup_key,
)
from glossary.schema import connect, prepare

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from glossary.importing import Removed
    from glossary.results import (
        Comparison,
        LinkTree,
        PathStep,
        Route,
        SearchHit,
        SearchResults,
        TermList,
        TopicInfo,
    )


# --------------------------------------------------------------------------- the store

MAX_SEARCH_WORDS = 32  # a pasted paragraph searches by its first words, at once


class Store:
    """A glossary database: built on first use, re-synced when the bundled packs change."""

    def __init__(self, conn: sqlite3.Connection, path: str | Path) -> None:
        self.conn = conn
        self.db_path = path

    @classmethod
    def open(
        cls, path: str | Path, read_only: bool | None = None, on_lock_wait: Callable[[], None] | None = None
    ) -> Store:
        """Open ``path``, creating, migrating and syncing it as needed.

        ``read_only`` None opens read-only exactly when the file or folder cannot be written;
        ``on_lock_wait`` is called once when a write waits for another process's lock. Every
        failure, a broken bundled pack included, surfaces as a StoreError with the place to fix.
        """
        from glossary.storefile import describe

        conn = connect(path, read_only)
        if on_lock_wait is not None:
            conn.on_lock_wait = on_lock_wait  # type: ignore[attr-defined]
        store = cls(conn, path)
        try:
            store.ensure_ready()
        except PackError as error:
            conn.close()
            raise StoreError(f"bundled content: {error}") from None
        except StoreError:
            conn.close()
            raise
        except sqlite3.DatabaseError as error:
            conn.close()
            raise StoreError(describe(error, str(path))) from None
        return store

    @property
    def read_only(self) -> bool:
        """Whether the store was opened read-only (a read-only file or folder)."""
        return bool(getattr(self.conn, "read_only", False))

    def check_writable(self, consequence: str) -> None:
        """Refuse up front, before the learner types anything, when nothing can be saved."""
        if self.read_only:
            raise StoreError(f"{self.db_path}: the store is read-only, so {consequence}")

    def ensure_ready(self) -> None:
        """Migrate and sync only when needed (see ``schema.prepare``)."""
        prepare(self.conn)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    # ---- lookup

    def resolve(self, query: str) -> Resolution | None:
        """Find a term by any folded spelling or its inflection: one indexed SELECT, nothing else."""
        key = lookup_key(query)
        if not key:
            return None
        row = self.conn.execute("SELECT slug, kind FROM lookup WHERE key = ?", (key,)).fetchone()
        return Resolution(row["slug"], query, row["kind"]) if row else None

    def _resolve_possessive(self, query: str) -> Resolution | None:
        """``LSTM's`` and ``RNNs'`` as ``LSTM`` and ``RNNs``: an apostrophe of possession is no part
        of a spelling (tried only after a miss, so a name that holds an apostrophe still wins)."""
        if "'" not in query and "\u2019" not in query:
            return None
        bare = re.sub(r"(?<=\w)['\u2019]s?(?!\w)", "", query)
        found = self.resolve(bare) if bare != query else None
        return Resolution(found.slug, query, "inflected") if found else None

    def suggest(self, query: str, limit: int = 5) -> list[tuple[str, str]]:
        """Terms the user probably meant: prefix matches first, then close spellings."""
        from glossary.spelling import suggest

        return suggest(self.conn, query, limit)

    def find(self, query: str) -> Resolution:
        """Resolve ``query`` or raise: Invalid when empty or not text, NotFound (with suggestions).

        A miss with one clear candidate (a unique prefix or containment) resolves with kind
        ``matched``, so the card can say what it showed.
        """
        check_text(query)
        if not lookup_key(query):
            raise Invalid("the term is empty; give a name, slug, alias or abbreviation.")
        try:
            query.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: a byte the terminal's encoding could not decode
            raise Invalid(
                "the term holds a byte that is not UTF-8 text; check the terminal's encoding."
            ) from None
        resolution = self.resolve(query) or self._resolve_possessive(query)
        if resolution is None:
            from glossary.spelling import clear_candidate

            slug = clear_candidate(self.conn, query)
            if slug is not None:
                return Resolution(slug, query, "matched")
            raise NotFound(query, self.suggest(query))
        return resolution

    def note_lookup(self, slug: str) -> None:
        """Remember that the learner opened a term, so the quiz introduces it sooner (best effort).

        On the lookup path, so it loads nothing and writes only when the note is news: a term
        already noted, or already being studied, costs one indexed read (the first write of a
        process costs a few milliseconds of WAL set-up). The time is SQLite's own clock (or
        ``GLOSSARY_NOW`` as given, converted to UTC by SQLite), in the record's format; a read-only
        or busy store skips the note rather than fail or delay the lookup.
        """
        moment = os.environ.get("GLOSSARY_NOW") or "now"
        try:
            known = self.conn.execute(
                "SELECT 1 FROM lookups WHERE slug = ?1 UNION ALL SELECT 1 FROM cards WHERE slug = ?1 LIMIT 1",
                (slug,),
            ).fetchone()
            if known:
                return
            self.conn.execute("PRAGMA synchronous = NORMAL")  # a lookup note is not worth an fsync
            self.conn.execute("PRAGMA busy_timeout = 50")
            self.conn.execute(
                "INSERT OR REPLACE INTO lookups VALUES "
                "(?, coalesce(strftime('%Y-%m-%dT%H:%M:%S+00:00', ?), strftime('%Y-%m-%dT%H:%M:%S+00:00')))",
                (slug, moment),
            )
        except sqlite3.Error:
            return

    # ---- what each lookup command shows: one call, one record

    def card(self, query: str) -> Card:
        """The card of the term ``query`` names, remembering how it matched."""
        found = self.find(query)
        return self.card_of(found.slug, query, found.kind)

    def card_of(self, slug: str, query: str = "", kind: str = "slug") -> Card:
        """The card of a known slug."""
        return Card(self.term(slug), tuple(self.links_of(slug)), self.origin(slug), query, kind)

    def comparison(self, first: str, second: str) -> Comparison:
        """Two different terms side by side, with the words that link the first to the second."""
        from glossary.results import Comparison

        left = self.card_of(self.find(first).slug)
        right = self.card_of(self.find(second).slug)
        if left.term.slug == right.term.slug:
            raise Invalid(f"both name {left.term.name}; compare two different terms.")
        words = tuple(view.label for view in left.links if view.other_slug == right.term.slug)
        return Comparison(left, right, words)

    def term_list(self, topic: str | None = None) -> TermList:
        """Every term by topic, or one topic's terms, named by slug or title (ignoring case)."""
        from glossary.results import TermList, TopicGroup

        topics = self.topics()
        if topic is not None:
            slug = self.topic_slug(topic, known=topics)
            topics = [info for info in topics if info.topic == slug]
        groups = tuple(TopicGroup(info, self.term_headers(info.topic)) for info in topics)
        marks = ", ".join("?" * len(topics))
        titles = self.conn.execute(
            f"SELECT name, abbreviation FROM terms WHERE topic IN ({marks})", [info.topic for info in topics]
        )
        return TermList(groups, (tuple(row) for row in titles))

    def topic_slug(
        self, name: str, option: str = "--topic", what: str = "topic", known: list[TopicInfo] | None = None
    ) -> str:
        """The topic ``name`` means: its slug or its title, in any case, spacing or hyphenation
        (``Language models``, ``language-models``, ``LANGUAGE_MODELS``). Invalid names the choices
        (of ``known``, the topics when the caller has read them already)."""
        check_text(name)
        wanted = lookup_key(name)
        topics = self.topics() if known is None else known
        for info in topics:
            if wanted in (lookup_key(info.topic), lookup_key(info.title)):
                return info.topic
        raise Invalid(f"unknown {what}; choose from {', '.join(info.topic for info in topics)}", option)

    def term_headers(self, topic: str) -> Iterator[Term]:
        """A topic's terms with only what a list shows (slug, name, abbreviation, summary), read
        from the cursor as they are used, so 10,000 terms start printing at once.

        The definition, examples and JSON columns are left empty: on 10,000 terms, reading and
        parsing them costs a quarter of a second that ``glossary list`` never uses.
        """
        rows = self.conn.execute(
            "SELECT slug, name, summary, abbreviation FROM terms WHERE topic = ? ORDER BY position", (topic,)
        )
        return (Term(row[0], row[1], row[2], "", "", topic, row[3] or "") for row in rows)

    def link_tree(self, query: str, depth: int) -> LinkTree:
        """The term ``query`` names and the terms within ``depth`` links of it."""
        from glossary.results import LinkTree

        root = self.term(self.find(query).slug)
        return LinkTree(root, self.neighbourhood(root.slug, depth))

    def route(self, first: str, second: str) -> Route:
        """The shortest chain of links from one term to another (steps None when unconnected)."""
        from glossary.results import Route

        start, goal = self.term(self.find(first).slug), self.term(self.find(second).slug)
        steps = self.path(start.slug, goal.slug)
        return Route(start, goal, None if steps is None else tuple(steps))

    def search_results(self, query: str, limit: int = 10) -> SearchResults:
        """A full-text search (see ``search``); an empty query is a usage error."""
        from glossary.results import SearchResults

        if not query.strip():
            raise Invalid("the search query is empty.")
        return SearchResults(query, tuple(self.search(query, limit)))

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
        from glossary.results import TopicInfo

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
        from glossary.graph import links_of

        return links_of(self.conn, slug)

    def neighbourhood(self, slug: str, depth: int) -> dict[str, list[LinkView]]:
        """Terms within ``depth`` links of ``slug``, each reached once (breadth first), by parent."""
        from glossary.graph import neighbourhood

        return neighbourhood(self.conn, slug, depth)

    def path(self, start: str, goal: str) -> list[PathStep] | None:
        """The shortest chain of links between two terms (see ``glossary.graph``)."""
        from glossary.graph import shortest_path

        return shortest_path(self.conn, start, goal)

    def names_of(self, slugs: set[str]) -> dict[str, str]:
        """slug -> display name for just these terms."""
        from glossary.graph import names_of

        return names_of(self.conn, slugs)

    # ---- search

    def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        """Full-text search ranked by bm25; any string is safe (it is never passed as FTS syntax).

        Words are quoted one by one, so quotes, hyphens, AND/NOT and parentheses are just words.
        All words must match; if that finds nothing, any word may. A trailing ``*`` makes the
        last word a prefix; as the index holds Porter stems ("clipping" is stored as "clip"),
        a prefix that finds nothing is retried up to two letters shorter. A query of more than
        ``MAX_SEARCH_WORDS`` words keeps its first ones and its last (FTS5's work on a query
        grows with the square of its words: 3,000 took 4.6 s).
        """
        from glossary.results import SearchHit

        words = re.findall(r"\w+", query)
        if len(words) > MAX_SEARCH_WORDS:
            words = words[: MAX_SEARCH_WORDS - 1] + words[-1:]
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

    def import_pack(self, path: str | Path, format: str | None = None) -> int:
        """Add or replace a learner's pack (see ``glossary.importing``); bundled terms cannot be shadowed.

        A CSV or Markdown file (by its extension, or ``format``) is read into the same records.
        """
        from glossary.importing import import_pack

        return import_pack(self.conn, path, format)

    def remove_pack(self, topic: str) -> Removed:
        """Remove a learner's pack; its review history stays, archived (see ``glossary.importing``)."""
        from glossary.importing import remove_pack

        return remove_pack(self.conn, topic)


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
