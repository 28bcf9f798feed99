"""The store: lookup by any spelling, suggestions, safe full-text search, links, sync and migrations."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

import glossary.schema as schema_module
from glossary.model import Link
from glossary.schema import SCHEMA_VERSION, write_transaction
from glossary.store import Store, StoreError
from glossary.storefile import APPLICATION_ID

USER_PACK = """[pack]
topic = "my-notes"
title = "My notes"
description = "Terms I added myself."

[[terms]]
slug = "echo-state-network"
name = "echo state network"
abbreviation = "ESN"
summary = "A recurrent network with a fixed random reservoir"
definition = "Only the readout weights are trained."
source = "my notes"
[terms.links]
compare = ["long-short-term-memory"]
"""


@pytest.mark.parametrize(
    ("query", "slug", "kind"),
    [
        ("LSTM", "long-short-term-memory", "abbreviation"),
        ("lstm", "long-short-term-memory", "abbreviation"),
        ("long short term memory", "long-short-term-memory", "slug"),
        ("Long-Short-Term-Memory", "long-short-term-memory", "slug"),
        ("2-gram", "bigram", "alias"),
        ("time step", "timestep", "slug"),
        ("RNN", "recurrent-neural-network", "abbreviation"),
        ("  vanishing   gradients ", "vanishing-gradient-problem", "alias"),
    ],
)
def test_resolve_ignores_case_spaces_and_hyphens(store: Store, query: str, slug: str, kind: str) -> None:
    assert store.resolve(query) == (slug, query, kind)


@pytest.mark.parametrize(
    ("typo", "slug"),
    [
        ("vanishng gradient", "vanishing-gradient-problem"),
        ("lstn", "long-short-term-memory"),
        ("recurent neural network", "recurrent-neural-network"),
        ("exploding", "exploding-gradient-problem"),
    ],
)
def test_a_miss_suggests_the_intended_term_first(store: Store, typo: str, slug: str) -> None:
    assert store.resolve(typo) is None
    assert store.suggest(typo)[0][0] == slug


def test_suggestions_rank_prefix_matches_before_fuzzy_ones(store: Store) -> None:
    slugs = [slug for slug, _ in store.suggest("gradient")]
    assert slugs[0].startswith("gradient")


def test_nothing_close_gives_no_suggestions(store: Store) -> None:
    assert store.suggest("qqqqzzzz") == []


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "multi-agent",
        "don't",
        "AND",
        "NOT",
        "(",
        "gate)",
        "a OR",
        "*",
        "NEAR(",
        "forget-gate",
        "x' --",
    ],
)
def test_search_accepts_any_string_without_error(store: Store, query: str) -> None:
    assert isinstance(store.search(query), list)


def test_search_ranks_the_term_named_by_the_query_first(store: Store) -> None:
    assert store.search("forget gate")[0].slug == "forget-gate"
    assert store.search("perplexity")[0].slug == "perplexity"


def test_search_trailing_star_does_prefix_search(store: Store) -> None:
    assert store.search("perplexit") == []
    assert store.search("perplexit*")[0].slug == "perplexity"
    assert store.search("clipp*")[0].slug == "gradient-clipping"  # "clipping" is indexed as "clip"


def test_search_falls_back_to_any_word_when_all_words_find_nothing(store: Store) -> None:
    slugs = [hit.slug for hit in store.search("perplexity zzzyzzy")]
    assert "perplexity" in slugs


def test_links_read_correctly_from_both_ends(store: Store) -> None:
    exploding = {(v.label, v.other_slug) for v in store.links_of("exploding-gradient-problem")}
    clipping = {(v.label, v.other_slug) for v in store.links_of("gradient-clipping")}
    assert ("mitigated by", "gradient-clipping") in exploding
    assert ("mitigates", "exploding-gradient-problem") in clipping
    assert ("compare with", "vanishing-gradient-problem") in exploding


def test_each_link_is_stored_once(store: Store) -> None:
    links = store.all_links()
    assert len(links) == len(set(links))
    assert Link("exploding-gradient-problem", "compare", "vanishing-gradient-problem") in links
    assert Link("vanishing-gradient-problem", "compare", "exploding-gradient-problem") not in links


def test_path_finds_the_shortest_chain_of_links(store: Store) -> None:
    steps = store.path("forget-gate", "vanishing-gradient-problem")
    assert [s.target for s in steps] == ["Long Short-Term Memory", "vanishing gradient problem"]
    assert store.path("forget-gate", "forget-gate") == []


def test_store_is_built_in_wal_mode_with_current_schema(store: Store) -> None:
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_changed_bundled_content_resyncs_and_keeps_user_terms_and_answers(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(db_path)
    pack = tmp_path / "mine.toml"
    pack.write_text(USER_PACK, encoding="utf-8")
    assert store.import_pack(pack) == 1
    with write_transaction(store.conn):
        store.conn.execute(
            "INSERT INTO reviews (reviewed_at, card_id, slug, qtype, rating, correct) "
            "VALUES ('2026-01-01T00:00:00+00:00', 'bigram:definition', 'bigram', 'definition', 3, 1)"
        )
    store.close()
    bundled = tmp_path / "bundled"
    shutil.copytree(Path(schema_module.data_root()) / "terms", bundled)
    sequence = bundled / "sequence-models.toml"
    sequence.write_text(
        sequence.read_text(encoding="utf-8").replace('name = "bigram"', 'name = "bigram (2-gram)"'),
        encoding="utf-8",
    )
    monkeypatch.setattr(schema_module, "bundled_pack_paths", lambda: sorted(bundled.glob("*.toml")))
    store = Store.open(db_path)
    assert store.term("bigram").name == "bigram (2-gram)"
    assert store.resolve("ESN").slug == "echo-state-network"
    assert ("compare with", "echo-state-network") in {
        (v.label, v.other_slug) for v in store.links_of("long-short-term-memory")
    }
    assert store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1
    store.close()


def test_reimporting_a_user_pack_replaces_its_terms(store: Store, tmp_path: Path) -> None:
    pack = tmp_path / "mine.toml"
    pack.write_text(USER_PACK, encoding="utf-8")
    store.import_pack(pack)
    pack.write_text(USER_PACK.replace("fixed random reservoir", "fixed reservoir"), encoding="utf-8")
    store.import_pack(pack)
    assert store.term("echo-state-network").summary == "A recurrent network with a fixed reservoir"
    assert store.origin("echo-state-network") == "user"


def test_every_trigram_points_at_a_spelling_after_import_reimport_and_removal(
    store: Store, tmp_path: Path
) -> None:
    from glossary.spelling import grams

    def orphans() -> set[tuple[str, str]]:
        keys = {row[0] for row in store.conn.execute("SELECT key FROM lookup WHERE kind != 'inflected'")}
        return {
            tuple(row) for row in store.conn.execute("SELECT gram, key FROM key_grams") if row[1] not in keys
        }

    def indexed(key: str) -> bool:
        return set(grams(key)) <= {
            row[0] for row in store.conn.execute("SELECT gram FROM key_grams WHERE key = ?", (key,))
        }

    pack = tmp_path / "mine.toml"
    pack.write_text(USER_PACK, encoding="utf-8")
    store.import_pack(pack)
    assert orphans() == set() and indexed("echostatenetwork") and indexed("esn")
    pack.write_text(USER_PACK.replace('abbreviation = "ESN"\n', ""), encoding="utf-8")
    store.import_pack(pack)  # the abbreviation is gone: so are its trigrams
    assert orphans() == set() and indexed("echostatenetwork") and not indexed("esn")
    store.remove_pack("my-notes")
    assert orphans() == set() and not indexed("echostatenetwork")


def test_a_user_pack_cannot_redefine_a_bundled_term(store: Store, tmp_path: Path) -> None:
    from glossary.packs import PackError

    pack = tmp_path / "mine.toml"
    pack.write_text(USER_PACK.replace('"echo-state-network"', '"bigram"'), encoding="utf-8")
    with pytest.raises(PackError, match="bundled term"):
        store.import_pack(pack)
    assert store.origin("bigram") == "bundled"


def test_a_failed_import_leaves_the_store_unchanged(store: Store, tmp_path: Path) -> None:
    before = store.conn.execute("SELECT count(*) FROM terms").fetchone()[0]
    pack = tmp_path / "mine.toml"
    pack.write_text(USER_PACK.replace('["long-short-term-memory"]', '["nope"]'), encoding="utf-8")
    with pytest.raises(ValueError, match="unknown term 'nope'"):
        store.import_pack(pack)
    assert store.conn.execute("SELECT count(*) FROM terms").fetchone()[0] == before
    assert not store.conn.in_transaction


def test_an_older_schema_is_migrated_keeping_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = schema_module.connect(path)
    with write_transaction(conn):
        import sqlite_utils

        schema_module.MIGRATIONS[1](sqlite_utils.Database(conn))
        conn.execute("PRAGMA user_version = 1")
        conn.execute("INSERT INTO meta VALUES ('note', 'kept')")
    conn.close()
    store = Store.open(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.conn.execute("SELECT value FROM meta WHERE key = 'note'").fetchone()[0] == "kept"
    assert store.resolve("lstm") is not None
    store.close()


def test_a_newer_schema_is_refused_rather_than_damaged(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer seqml-glossary"):
        Store.open(path)


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some text, not sqlite\n" * 100, encoding="utf-8")
    with pytest.raises(StoreError, match="not a usable glossary database"):
        Store.open(path)


def test_two_processes_opening_a_new_store_at_once_both_succeed(tmp_path: Path) -> None:
    path = tmp_path / "race.db"
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            Store.open(path).close()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    store = Store.open(path)
    assert store.conn.execute("SELECT count(*) FROM terms").fetchone()[0] >= 45
    store.close()


def test_term_examples_and_demo_params_round_trip(store: Store) -> None:
    ngram = store.term("n-gram")
    assert [e.label for e in ngram.examples] == ["N = 2", "N = 3", "N = 4"]
    assert "three blind mice" in ngram.examples[1].items
    assert json.loads(json.dumps(dict(store.term("bigram").demo_params))) == {"n": 2}
