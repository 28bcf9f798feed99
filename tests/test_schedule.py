"""Scheduling and the review log: FSRS state per card, atomic records, planning, sessions, stats."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from glossary import schedule
from glossary.quiz import AGAIN, GOOD, Bank, Question, grade, make_question, read_reply
from glossary.schedule import (
    Answered,
    PlannedCard,
    next_due,
    plan_session,
    record,
    run_session,
    stats,
    streak_days,
    tour_cards,
)
from glossary.schema import SCHEMA_VERSION, connect
from glossary.store import Store

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def bank(store: Store) -> Bank:
    return Bank.build(store.terms(), store.all_links())


def question(bank: Bank, card: str, seed: int = 0) -> Question:
    made = make_question(bank, card, random.Random(seed))
    assert made is not None
    return made


def answer(conn: sqlite3.Connection, bank: Bank, card: str, right: bool, when: datetime, pick: str = ""):
    """Record one multiple-choice answer: the right option, a named wrong one, or the first wrong one."""
    asked = question(bank, card)
    if right:
        index = asked.answer_index
    elif pick:
        index = next(i for i, o in enumerate(asked.options) if o.slug == pick)
    else:
        index = next(i for i, o in enumerate(asked.options) if o.text != asked.answer)
    verdict = grade(asked, read_reply(asked, str(index + 1)), bank.spellings)
    return record(conn, asked, verdict, when, None, "test")


def count(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# --------------------------------------------------------------------------- recording


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

    monkeypatch.setattr(schedule, "scheduler", lambda: Exploding())
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
        assert migrated.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        row = migrated.conn.execute("SELECT * FROM reviews").fetchone()
        assert (row["card_id"], row["response_ms"], row["answer_slug"], row["flags"]) == (
            "bigram:define",
            900,
            "",
            "",
        )
    finally:
        migrated.close()


# --------------------------------------------------------------------------- planning


def test_new_cards_follow_the_links_and_start_with_recognition(store: Store, bank: Bank) -> None:
    plan = plan_session(store.conn, bank, T0, 500)
    order = [p.card_id for p in plan]
    assert all(p.reason == "new" for p in plan)
    assert order.index("n-gram:define") < order.index("bigram:define") < order.index("bigram:recall")
    assert order.index("recurrent-neural-network:define") < order.index("long-short-term-memory:define")
    assert order.index("long-short-term-memory:define") < order.index("forget-gate:define")
    assert len(set(order)) == len(order)


def test_due_cards_come_first_and_review_takes_only_them(store: Store, bank: Bank) -> None:
    answer(store.conn, bank, "trigram:define", False, T0)
    later = T0 + timedelta(hours=1)
    plan = plan_session(store.conn, bank, later, 5)
    assert plan[0] == PlannedCard("trigram:define", "due")
    assert [p.card_id for p in plan_session(store.conn, bank, later, 5, due_only=True)] == ["trigram:define"]
    assert plan_session(store.conn, bank, T0 - timedelta(days=1), 5, due_only=True) == []


def test_confused_terms_come_up_before_new_cards_until_answered_right(store: Store, bank: Bank) -> None:
    for minute in range(3):
        answer(store.conn, bank, "bigram:define", False, T0 + timedelta(minutes=minute), pick="trigram")
    soon = T0 + timedelta(minutes=3)  # nothing is due yet (learning step is 1 minute after the last)
    plan = plan_session(store.conn, bank, soon, 6, types=["meaning", "example"])
    confused = [p.card_id for p in plan if p.reason == "confused"]
    assert {"bigram:meaning", "trigram:meaning", "bigram:example", "trigram:example"} <= set(confused)
    answer(store.conn, bank, "trigram:meaning", True, soon)
    replan = plan_session(store.conn, bank, soon, 6, types=["meaning", "example"])
    assert "trigram:meaning" not in [p.card_id for p in replan if p.reason == "confused"]


def test_plan_respects_terms_and_types(store: Store, bank: Bank) -> None:
    plan = plan_session(store.conn, bank, T0, 50, slugs={"bigram", "trigram"}, types=["define", "example"])
    assert {p.card_id for p in plan} == {
        "bigram:define",
        "trigram:define",
        "bigram:example",
        "trigram:example",
    }


def test_next_due_is_none_until_a_card_is_reviewed(store: Store, bank: Bank) -> None:
    assert next_due(store.conn) is None
    recorded = answer(store.conn, bank, "bigram:define", True, T0)
    assert next_due(store.conn) == recorded.due.replace(microsecond=0)


def test_tour_asks_three_kinds_of_question_on_one_term(bank: Bank) -> None:
    cards = tour_cards(bank, "long-short-term-memory")
    assert [c.card_id for c in cards] == [
        "long-short-term-memory:define",
        "long-short-term-memory:relation",
        "long-short-term-memory:abbreviation",
    ]


# --------------------------------------------------------------------------- a session


class ScriptedIO:
    """Answers from a list; an exception instance in the list is raised instead."""

    timed = False

    def __init__(self, lines: list) -> None:
        self.lines = list(lines)
        self.hints: list[str] = []
        self.cards: list[str] = []
        self.feedbacks: list[Answered] = []
        self.shown: list[str] = []

    def question(self, question: Question, number: int, total: int) -> None:
        self.shown.append(question.card_id)

    def ask(self, question: Question) -> str:
        if not self.lines:
            raise EOFError
        line = self.lines.pop(0)
        if isinstance(line, BaseException):
            raise line
        if line == "RIGHT":
            return str(question.answer_index + 1)
        return line

    def hint(self, text: str) -> None:
        self.hints.append(text)

    def card(self, slug: str) -> None:
        self.cards.append(slug)

    def feedback(self, answered: Answered) -> None:
        self.feedbacks.append(answered)


PLAN = [PlannedCard(c, "new") for c in ("bigram:define", "trigram:define", "n-gram:define")]


@pytest.mark.parametrize(
    ("stop", "expected"), [("q", "quit"), (EOFError(), "eof"), (KeyboardInterrupt(), "interrupt")]
)
def test_stopping_mid_session_keeps_every_answer_given(store: Store, bank: Bank, stop, expected: str) -> None:
    io = ScriptedIO(["RIGHT", "", "42", stop])
    result = run_session(store.conn, bank, PLAN, io, random.Random(0), clock=lambda: T0)
    assert result.stopped == expected
    assert len(result.answered) == 1 and len(result.asked) == 2
    assert io.hints and "No answer given" in io.hints[0] and "no option 42" in io.hints[1]
    assert count(store.conn, "reviews") == 1 and not store.conn.in_transaction


def test_peeking_at_the_card_rates_again_even_when_right(store: Store, bank: Bank) -> None:
    io = ScriptedIO(["?", "RIGHT"])
    result = run_session(store.conn, bank, PLAN[:1], io, random.Random(0), clock=lambda: T0)
    assert io.cards == ["bigram"]
    verdict = result.answered[0].grade
    assert verdict.correct and verdict.peeked and verdict.rating == AGAIN
    assert store.conn.execute("SELECT flags FROM reviews").fetchone()[0] == "peeked"


def test_a_full_session_records_each_answer_once(store: Store, bank: Bank) -> None:
    io = ScriptedIO(["RIGHT", "RIGHT", "RIGHT"])
    result = run_session(store.conn, bank, PLAN, io, random.Random(0), clock=lambda: T0)
    assert result.stopped == "done" and result.correct == 3
    assert count(store.conn, "reviews") == 3 and count(store.conn, "cards") == 3


# --------------------------------------------------------------------------- stats


def test_streak_counts_back_from_today_or_yesterday() -> None:
    days = {"2026-03-01", "2026-03-02", "2026-03-03", "2026-02-27"}
    assert streak_days(days, "2026-03-03") == 3
    assert streak_days(days, "2026-03-04") == 3
    assert streak_days(days, "2026-03-05") == 0


def test_stats_report_retention_forecast_mastery_and_confusions(store: Store, bank: Bank) -> None:
    answer(store.conn, bank, "bigram:define", True, T0 - timedelta(days=1))
    for minute in range(3):
        answer(store.conn, bank, "bigram:define", False, T0 + timedelta(minutes=minute), pick="trigram")
    answer(store.conn, bank, "n-gram:define", True, T0)
    topics = [(t.topic, t.title) for t in store.topics()]
    result = stats(store.conn, bank, T0 + timedelta(minutes=5), topics, tz=timezone.utc)
    assert result.reviews == 5 and result.correct == 2 and result.retention == pytest.approx(2 / 5)
    assert result.streak == 2 and result.reviewed_today == 4
    assert result.confusions == [("bigram", "trigram", 3)]
    # both cards are in their first learning steps (minutes), so both are due today
    assert result.forecast[0] == ("2026-03-02", 2) and len(result.forecast) == 7
    by_slug = {t.slug: t for _, _, terms in result.mastery for t in terms}
    assert by_slug["trigram"].retrievability is None and by_slug["trigram"].cards == 0
    assert 0 < by_slug["bigram"].retrievability <= 1 and by_slug["n-gram"].cards == 1


def test_stats_of_a_new_learner_are_empty_not_an_error(store: Store, bank: Bank) -> None:
    result = stats(store.conn, bank, T0, [(t.topic, t.title) for t in store.topics()], tz=timezone.utc)
    assert result.reviews == 0 and result.retention is None and result.streak == 0
    assert result.next_due is None and all(c == 0 for _, c in result.forecast)


def test_ctrl_c_while_showing_feedback_keeps_that_answer(store: Store, bank: Bank) -> None:
    class InterruptedFeedback(ScriptedIO):
        def feedback(self, answered: Answered) -> None:
            raise KeyboardInterrupt

    io = InterruptedFeedback(["RIGHT", "RIGHT"])
    result = run_session(store.conn, bank, PLAN, io, random.Random(0), clock=lambda: T0)
    assert result.stopped == "interrupt" and len(result.answered) == 1
    assert count(store.conn, "reviews") == 1 and not store.conn.in_transaction


def test_ctrl_c_while_recording_rolls_that_answer_back_whole(store: Store, bank: Bank, monkeypatch) -> None:
    real = schedule.scheduler()
    calls = []

    class SecondInterrupts:
        def review_card(self, *args):
            calls.append(args)
            if len(calls) == 2:
                raise KeyboardInterrupt
            return real.review_card(*args)

    monkeypatch.setattr(schedule, "scheduler", lambda: SecondInterrupts())
    io = ScriptedIO(["RIGHT", "RIGHT", "RIGHT"])
    result = run_session(store.conn, bank, PLAN, io, random.Random(0), clock=lambda: T0)
    assert result.stopped == "interrupt" and len(result.answered) == 1
    assert count(store.conn, "reviews") == 1 and count(store.conn, "cards") == 1
    assert not store.conn.in_transaction
