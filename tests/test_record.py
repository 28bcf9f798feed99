"""The learner's record: FSRS state per card, atomic answers, two writers, the v2 -> v3 migration."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from learner_support import T0, answer, bank_of, count

from glossary import record
from glossary.quiz.bank import Bank
from glossary.quiz.base import AGAIN, GOOD
from glossary.schema import SCHEMA_VERSION, connect
from glossary.store import Store


@pytest.fixture
def bank(store: Store) -> Bank:
    return bank_of(store)


def test_record_stores_the_answer_and_the_cards_new_fsrs_state(store: Store, bank: Bank) -> None:
    recorded = answer(store.conn, bank, "bigram:define", True, T0)
    row = store.conn.execute("SELECT * FROM reviews").fetchone()
    assert (row["card_id"], row["rating"], row["correct"], row["answer"]) == (
        "bigram:define",
        GOOD,
        1,
        "bigram",
    )
    assert row["answer_slug"] == "bigram" and row["reviewed_at"] == "2026-03-02T09:00:00+00:00"
    card = store.conn.execute("SELECT * FROM cards").fetchone()
    state = json.loads(card["state"])
    assert state["last_review"].startswith("2026-03-02T09:00:00") and state["stability"] > 0
    assert card["due"] == recorded.due.isoformat(timespec="seconds") and recorded.due > T0


def test_a_wrong_pick_is_logged_with_the_term_it_stands_for(store: Store, bank: Bank) -> None:
    answer(store.conn, bank, "bigram:define", False, T0, pick="trigram")
    row = store.conn.execute("SELECT rating, correct, chosen, chosen_slug FROM reviews").fetchone()
    assert tuple(row) == (AGAIN, 0, "trigram", "trigram")


def test_an_interrupted_record_writes_nothing(store: Store, bank: Bank, monkeypatch) -> None:
    class Exploding:
        def review_card(self, *args):
            raise KeyboardInterrupt

    monkeypatch.setattr(record, "scheduler", lambda: Exploding())
    with pytest.raises(KeyboardInterrupt):
        answer(store.conn, bank, "bigram:define", True, T0)
    assert count(store.conn, "reviews") == 0 and count(store.conn, "cards") == 0
    assert not store.conn.in_transaction


def test_two_connections_answering_the_same_card_lose_nothing(
    store: Store, bank: Bank, db_path: Path
) -> None:
    other = connect(db_path)
    try:
        for step in range(6):
            conn = store.conn if step % 2 == 0 else other
            answer(conn, bank, "bigram:define", True, T0 + timedelta(minutes=15 * step))
    finally:
        other.close()
    assert count(store.conn, "reviews") == 6
    state = json.loads(store.conn.execute("SELECT state FROM cards").fetchone()[0])
    assert state["last_review"].startswith((T0 + timedelta(minutes=75)).isoformat()[:16])


def test_a_v2_store_with_reviews_migrates_to_v3_keeping_them(tmp_path: Path) -> None:
    import sqlite_utils

    from glossary.schema import MIGRATIONS

    path = tmp_path / "old.db"
    conn = connect(path)
    db = sqlite_utils.Database(conn)
    for step in (1, 2):
        MIGRATIONS[step](db)
    conn.execute("PRAGMA user_version = 2")
    conn.execute(
        "INSERT INTO reviews (reviewed_at, card_id, slug, qtype, rating, correct, chosen, chosen_slug, "
        "answer, response_ms) VALUES ('2026-01-01T00:00:00+00:00', 'bigram:define', 'bigram', "
        "'define', 3, 1, 'bigram', '', 'bigram', 900)"
    )
    conn.close()
    migrated = Store.open(path)
    try:
        assert migrated.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        row = migrated.conn.execute("SELECT * FROM reviews").fetchone()
        assert (row["card_id"], row["response_ms"], row["answer_slug"], row["flags"]) == (
            "bigram:define",
            900,
            "",
            "",
        )
    finally:
        migrated.close()
