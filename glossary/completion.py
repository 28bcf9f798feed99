"""Words for shell completion, read from the store only if it exists, and never written.

Completion runs on every Tab, so it opens the store read-only (``mode=ro``): it never builds,
migrates or syncs one, and a missing store completes nothing. Standard library only.
"""

from __future__ import annotations

import os
import sqlite3
from urllib.parse import quote


def _read_only(db_path: str) -> sqlite3.Connection | None:
    if not os.path.isfile(db_path):
        return None
    try:
        return sqlite3.connect(f"file:{quote(os.path.abspath(db_path))}?mode=ro", uri=True)
    except sqlite3.Error:
        return None


def _matching(words: list[str], incomplete: str) -> list[str]:
    folded = incomplete.casefold()
    return sorted({word for word in words if word and word.casefold().startswith(folded)})


def term_words(db_path: str, incomplete: str, spaces: bool = True) -> list[str]:
    """Slugs, names and abbreviations starting with ``incomplete`` (names with spaces optional:
    bash splits a completed word at spaces, so slugs stand in for them there)."""
    conn = _read_only(db_path)
    if conn is None:
        return []
    try:
        rows = conn.execute("SELECT slug, name, abbreviation FROM terms").fetchall()
    except sqlite3.Error:
        return []
    finally:
        conn.close()
    words = [word for row in rows for word in row if word and (spaces or " " not in word)]
    return _matching(words, incomplete)


def topic_words(db_path: str, incomplete: str, only_yours: bool = False) -> list[str]:
    """Topic slugs starting with ``incomplete`` (``only_yours``: the packs you imported)."""
    conn = _read_only(db_path)
    if conn is None:
        return []
    try:
        where = " WHERE origin = 'user'" if only_yours else ""
        rows = conn.execute(f"SELECT topic FROM topics{where}").fetchall()
    except sqlite3.Error:
        return []
    finally:
        conn.close()
    return _matching([row[0] for row in rows], incomplete)


def demo_terms(db_path: str, incomplete: str) -> list[str]:
    """Slugs of the terms that have a demo (``glossary demo TERM`` runs it)."""
    conn = _read_only(db_path)
    if conn is None:
        return []
    try:
        rows = conn.execute("SELECT slug FROM terms WHERE demo != ''").fetchall()
    except sqlite3.Error:
        return []
    finally:
        conn.close()
    return _matching([row[0] for row in rows], incomplete)
