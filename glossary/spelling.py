"""How a typed term finds its entry: folded keys, English inflections and a trigram index.

Three layers, cheapest first, so an exact hit costs one indexed SELECT and nothing else:

1. ``lookup`` holds every spelling's folded key (``model.lookup_key``) and, written at store-build
   time, the English plural and singular of each spelling (kind ``inflected``): "LSTMs",
   "forget gates", "exploding gradient" are plain keys, found by the same SELECT.
2. On a miss, a unique prefix or a unique containment ("perplex", "short-term memory") names one
   clear candidate; the card is shown with a note saying what was matched.
3. Otherwise ``key_grams`` (trigrams of every key) gives a few dozen candidates that difflib ranks,
   so a typo's suggestions cost the same on 60 terms as on 10,000.

Inflections are our own rules, not a library's: ``inflect`` spends ~2.8 s of CPU importing
(typeguard instruments it) and the Snowball stemmer leaves "LSTMs" and "RNNs" unstemmed and imports
all of its 30 languages (16-50 ms) at query time. Nouns of this vocabulary follow the regular rules
below plus a short table of Latin and Greek plurals.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from glossary.model import lookup_key

INFLECTED = "inflected"  # the lookup kind of a generated plural or singular
MAX_KEY = 64  # longer queries are cut to this many characters before fuzzy matching
MAX_CANDIDATES = 60  # at most this many keys go into difflib
FUZZY_CUTOFF = 0.72

_IRREGULAR = {
    "corpus": "corpora",
    "index": "indices",
    "matrix": "matrices",
    "vertex": "vertices",
    "datum": "data",
    "criterion": "criteria",
    "phenomenon": "phenomena",
    "analysis": "analyses",
    "hypothesis": "hypotheses",
    "basis": "bases",
    "axis": "axes",
    "radius": "radii",  # spectral radii
    "child": "children",
}
_SINGULAR = {plural: single for single, plural in _IRREGULAR.items()}
_VOWELS = set("aeiou")


def plural(word: str) -> str:
    """English plural of one word: gate -> gates, memory -> memories, softmax -> softmaxes, LSTM -> LSTMs."""
    lower = word.lower()
    if lower in _IRREGULAR:
        return word[: len(word) - len(lower)] + _IRREGULAR[lower]
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in _VOWELS:
        return word[:-1] + "ies"
    return word + "s"


def singular(word: str) -> str | None:
    """English singular of a word that looks plural (gradients -> gradient), else None."""
    lower = word.lower()
    if lower in _SINGULAR:
        return _SINGULAR[lower]
    if len(lower) > 4 and lower.endswith("ies"):
        return word[:-3] + "y"
    if lower.endswith(("sses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if len(lower) > 3 and lower.endswith("s") and not lower.endswith(("ss", "us", "is", "ias")):
        return word[:-1]
    return None


def inflections(spelling: str) -> set[str]:
    """Folded keys of the other number of ``spelling``: its last word (or the head before " of ")."""
    words = spelling.split()
    if not words:
        return set()
    heads = [len(words) - 1]
    if "of" in words[1:]:
        heads.append(words.index("of", 1) - 1)  # "bag of words" -> "bags of words"
    keys = set()
    for head in heads:
        for form in (plural(words[head]), singular(words[head])):
            if form:
                keys.add(lookup_key(" ".join([*words[:head], form, *words[head + 1 :]])))
    return keys - {lookup_key(spelling)}


def grams(key: str) -> set[str]:
    """Trigrams of a key padded with spaces at both ends, so short keys and word edges count."""
    padded = f" {key} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


# --------------------------------------------------------------------------- writing the index


def index_spellings(conn: sqlite3.Connection, spellings: Iterable[tuple[str, str, str, str]]) -> None:
    """Write (text, slug, kind, origin) spellings: exact keys, their inflections and their trigrams.

    An exact key replaces an inflected one (a learner's "Transformers" beats the plural of
    "Transformer"); an inflection two terms share is left out, so it falls to the suggestions.
    """
    rows = [(lookup_key(text), slug, kind, origin, text) for text, slug, kind, origin in spellings]
    exact = [row for row in rows if row[0]]
    conn.executemany("DELETE FROM lookup WHERE key = ? AND kind = ?", [(row[0], INFLECTED) for row in exact])
    conn.executemany("INSERT OR IGNORE INTO lookup VALUES (?, ?, ?, ?)", [row[:4] for row in exact])
    claimed: dict[str, set[str]] = {}
    origins: dict[str, str] = {}
    for _key, slug, _kind, origin, text in exact:
        for key in inflections(text):
            claimed.setdefault(key, set()).add(slug)
            origins[key] = origin
    conn.executemany(
        "INSERT OR IGNORE INTO lookup VALUES (?, ?, ?, ?)",
        [(key, slugs.pop(), INFLECTED, origins[key]) for key, slugs in claimed.items() if len(slugs) == 1],
    )
    _index_grams(conn, {row[0] for row in exact})


def _index_grams(conn: sqlite3.Connection, keys: set[str]) -> None:
    """Write the trigrams of ``keys`` (what ``grams`` gives) to ``key_grams``.

    SQLite cuts them itself and writes them in index order: binding 230,000 (gram, key) pairs
    from Python cost a 10,000-term import ~0.5 s, this ~0.25. SQLite's ``length`` and ``substr``
    count characters as Python does, except that they stop at a NUL, so a key holding one (a
    hostile pack's) is cut in Python.
    """
    plain = [(key,) for key in keys if "\0" not in key]
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS new_keys (key TEXT NOT NULL)")
    conn.executemany("INSERT INTO new_keys VALUES (?)", plain)
    conn.execute(
        "WITH RECURSIVE position(i) AS "
        "(SELECT 1 UNION ALL SELECT i + 1 FROM position WHERE i < (SELECT max(length(key)) FROM new_keys)) "
        "INSERT OR IGNORE INTO key_grams SELECT substr(' ' || key || ' ', i, 3), key "
        "FROM new_keys JOIN position ON i <= length(key) ORDER BY 1, 2"
    )
    conn.execute("DELETE FROM new_keys")
    odd = [(gram, key) for key in keys if "\0" in key for gram in grams(key)]
    conn.executemany("INSERT OR IGNORE INTO key_grams VALUES (?, ?)", odd)


def drop_orphan_grams(conn: sqlite3.Connection) -> None:
    """Forget the trigrams of keys no longer in ``lookup`` (after a re-sync or a re-import)."""
    conn.execute(
        "DELETE FROM key_grams WHERE NOT EXISTS "
        "(SELECT 1 FROM lookup WHERE lookup.key = key_grams.key AND lookup.kind != ?)",
        (INFLECTED,),
    )


def term_spellings(term, origin: str) -> list[tuple[str, str, str, str]]:
    """A term's spellings as (text, slug, kind, origin): slug, name, abbreviation, aliases."""
    spellings = [(term.slug, "slug"), (term.name, "name")]
    spellings += [(term.abbreviation, "abbreviation")] if term.abbreviation else []
    spellings += [(alias, "alias") for alias in term.aliases]
    return [(text, term.slug, kind, origin) for text, kind in spellings]


# --------------------------------------------------------------------------- reading it on a miss


def _prefix_rows(conn: sqlite3.Connection, key: str, limit: int) -> list[tuple[str, str]]:
    """(key, slug) of keys that start with ``key``, by the primary-key index."""
    return conn.execute(
        "SELECT key, slug FROM lookup WHERE key >= ? AND key < ? AND kind != ? ORDER BY key LIMIT ?",
        (key, key + "\U0010ffff", INFLECTED, limit),
    ).fetchall()


def _gram_rows(conn: sqlite3.Connection, key: str) -> list[tuple[str, str, int]]:
    """(key, slug, shared trigrams) of the keys sharing the most trigrams with ``key``."""
    wanted = sorted(grams(key))
    marks = ", ".join("?" * len(wanted))
    return conn.execute(
        "SELECT lookup.key, lookup.slug, shared FROM "
        f"(SELECT key, count(*) AS shared FROM key_grams WHERE gram IN ({marks}) "
        " GROUP BY key ORDER BY shared DESC, key LIMIT ?) AS best "
        "JOIN lookup ON lookup.key = best.key",
        (*wanted, MAX_CANDIDATES),
    ).fetchall()


def clear_candidate(conn: sqlite3.Connection, query: str) -> str | None:
    """The one term a missed query must mean: a unique prefix, or a unique containment.

    Only for three characters or more, and never a fuzzy match: a typo keeps its did-you-mean.
    """
    key = lookup_key(query)
    if not 3 <= len(key) <= MAX_KEY:
        return None
    slugs = {slug for _key, slug in _prefix_rows(conn, key, 50)}
    if not slugs:
        inner = grams(key) - {f" {key[:2]}", f"{key[-2:]} "}
        marks = ", ".join("?" * len(inner))
        rows = conn.execute(
            "SELECT lookup.key, lookup.slug FROM "
            f"(SELECT key FROM key_grams WHERE gram IN ({marks}) GROUP BY key HAVING count(*) = ?) AS hit "
            "JOIN lookup ON lookup.key = hit.key",
            (*inner, len(inner)),
        ).fetchall()
        slugs = {slug for candidate, slug in rows if key in candidate}
    return slugs.pop() if len(slugs) == 1 else None


def suggest(conn: sqlite3.Connection, query: str, limit: int = 5) -> list[tuple[str, str]]:
    """(slug, name) of the terms the user probably meant: prefixes first, then close spellings."""
    import difflib

    key = lookup_key(query)[:MAX_KEY]
    if not key:
        return []
    candidates = {row[0]: row[1] for row in _prefix_rows(conn, key, 20)}
    candidates.update({row[0]: row[1] for row in _gram_rows(conn, key)})
    scored: dict[str, float] = {}
    for candidate, slug in candidates.items():
        if candidate.startswith(key) or key.startswith(candidate):
            score = 2.0 + min(len(key), len(candidate)) / max(len(key), len(candidate))
        elif key in candidate:
            score = 1.5
        else:
            score = difflib.SequenceMatcher(None, key, candidate).ratio()
            if score < FUZZY_CUTOFF:
                continue
        scored[slug] = max(score, scored.get(slug, 0.0))
    names = _names(conn, list(scored))
    ranked = sorted(scored, key=lambda slug: (-scored[slug], names[slug]))
    return [(slug, names[slug]) for slug in ranked[:limit]]


def _names(conn: sqlite3.Connection, slugs: list[str]) -> dict[str, str]:
    marks = ", ".join("?" * len(slugs))
    return dict(conn.execute(f"SELECT slug, name FROM terms WHERE slug IN ({marks})", slugs).fetchall())
