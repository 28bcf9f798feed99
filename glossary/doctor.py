"""``glossary doctor``: check the store and repair what can be repaired, as Anki's Check Database.

Checks SQLite's own ``integrity_check``, the FTS5 index against the terms table (``integrity-check``
with rank 1 compares the index with its content table), and the rows that only make sense next
to a term: spellings and links pointing at a term that is gone, terms without their spellings.
Repairs run in one transaction, so they happen whole or not at all, and only on a file whose
pages are sound: on a damaged file, writing could spread the damage, so the report points at the
backups instead. A second run finds nothing: every repair leaves the state its check wants.
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

from glossary.model import lookup_key
from glossary.schema import connect, write_transaction


class Finding(NamedTuple):
    """One check: ``status`` is ok, repaired (what was wrong is fixed) or problem (it is not)."""

    check: str
    status: str
    detail: str


class DoctorReport(NamedTuple):
    """Every check of one run, in order; ``healthy`` when nothing is left wrong."""

    store: str
    findings: tuple[Finding, ...]

    @property
    def healthy(self) -> bool:
        return all(finding.status != "problem" for finding in self.findings)

    @property
    def repaired(self) -> int:
        return sum(finding.status == "repaired" for finding in self.findings)


_ORPHAN_LOOKUP = "FROM lookup WHERE slug NOT IN (SELECT slug FROM terms)"
_ORPHAN_LINKS = (
    "FROM links WHERE source NOT IN (SELECT slug FROM terms) OR target NOT IN (SELECT slug FROM terms)"
)
_UNSPELLED = (
    "SELECT slug, name, abbreviation, aliases, origin FROM terms WHERE slug NOT IN (SELECT slug FROM lookup)"
)


def run_doctor(db_path: str) -> DoctorReport:
    """Check the store at ``db_path`` and repair what is safe to repair, in one transaction."""
    from glossary.storefile import backups_dir

    conn = connect(db_path)
    try:
        pages = _integrity(conn)
        if pages:
            advice = f"restore a backup with: glossary restore FILE (backups: {backups_dir(db_path)})"
            finding = Finding("integrity", "problem", f"{'; '.join(pages[:3])}; {advice}")
            return DoctorReport(db_path, (finding,))
        found = _problems(conn)
        findings = [Finding("integrity", "ok", "every page and index of the file is sound")]
        read_only = getattr(conn, "read_only", False)
        if any(count for count, _ in found.values()) and not read_only:
            with write_transaction(conn):
                _repair(conn, found)
        for check, (count, what) in found.items():
            if not count:
                findings.append(Finding(check, "ok", what or _OK[check]))
            elif read_only:
                findings.append(Finding(check, "problem", f"{what}; the store is read-only, so not repaired"))
            else:
                findings.append(Finding(check, "repaired", f"{what}; {_DONE[check]}"))
        return DoctorReport(db_path, tuple(findings))
    finally:
        conn.close()


_OK = {
    "search index": "the search index matches the terms",
    "spellings": "every spelling belongs to a term",
    "links": "every link joins two terms",
    "terms": "every term can be looked up by its slug",
}


_DONE = {
    "search index": "rebuilt it",
    "spellings": "removed them",
    "links": "removed them",
    "terms": "restored their spellings",
}


def _integrity(conn: sqlite3.Connection) -> list[str]:
    """SQLite's verdict on the file's pages and indexes: [] when sound."""
    try:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
    except sqlite3.DatabaseError as error:
        return [str(error)]
    return [] if rows == ["ok"] else rows


def _problems(conn: sqlite3.Connection) -> dict[str, tuple[int, str]]:
    """What is wrong besides the pages: check -> (how many, what)."""
    try:
        conn.execute("INSERT INTO terms_fts(terms_fts, rank) VALUES ('integrity-check', 1)")
        index = (0, "")
    except sqlite3.DatabaseError as error:
        if "readonly" not in str(error):  # the FTS5 check is spelled as an INSERT: it needs write access
            index = (1, "the search index did not match the terms")
        else:
            index = (0, "not checked: the FTS5 check needs write access, and the store is read-only")
    lookup = conn.execute(f"SELECT count(*) {_ORPHAN_LOOKUP}").fetchone()[0]
    links = conn.execute(f"SELECT count(*) {_ORPHAN_LINKS}").fetchone()[0]
    unspelled = len(conn.execute(_UNSPELLED).fetchall())
    return {
        "search index": index,
        "spellings": (lookup, f"{lookup} spelling(s) of terms that are gone"),
        "links": (links, f"{links} link(s) to terms that are gone"),
        "terms": (unspelled, f"{unspelled} term(s) could not be looked up"),
    }


def _repair(conn: sqlite3.Connection, found: dict[str, tuple[int, str]]) -> None:
    if found["spellings"][0]:
        conn.execute(f"DELETE {_ORPHAN_LOOKUP}")
    if found["links"][0]:
        conn.execute(f"DELETE {_ORPHAN_LINKS}")
    if found["terms"][0]:
        for slug, name, abbreviation, aliases, origin in conn.execute(_UNSPELLED).fetchall():
            spellings = [(slug, "slug"), (name, "name"), (abbreviation, "abbreviation")]
            spellings += [(alias, "alias") for alias in (aliases or "").split("\n")]
            conn.executemany(
                "INSERT OR IGNORE INTO lookup VALUES (?, ?, ?, ?)",
                [(lookup_key(text), slug, kind, origin) for text, kind in spellings if text],
            )
    if found["search index"][0]:
        conn.execute("INSERT INTO terms_fts(terms_fts) VALUES ('rebuild')")
