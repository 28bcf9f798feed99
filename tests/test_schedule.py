"""Scheduling a learner can trust: ratings they own, buried siblings, limits, practice, undo, leeches."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone

import pytest
from learner_support import T0, answer, bank_of, count, question
from test_session import ScriptedIO

from glossary import record
from glossary.model import CardId
from glossary.planning import PlannedCard, next_due, plan_session
from glossary.quiz.bank import Bank
from glossary.quiz.base import AGAIN, EASY, GOOD
from glossary.quiz.grading import grade, read_rating, read_reply
from glossary.session import run_session
from glossary.settings import Settings
from glossary.store import Store
from glossary.today import Today, day_bounds

ZONE = timezone(timedelta(hours=1))


@pytest.fixture
def bank(store: Store) -> Bank:
    return bank_of(store)


def state_of(store: Store, card: str) -> str | None:
    row = store.conn.execute("SELECT state FROM cards WHERE card_id = ?", (card,)).fetchone()
    return row[0] if row else None


# --------------------------------------------------------------------------- ratings


def test_a_rating_word_after_the_answer_is_the_learners_rating_for_a_right_answer(bank: Bank) -> None:
    asked = question(bank, "bigram:define")
    right = str(asked.answer_index + 1)
    assert grade(asked, read_reply(asked, f"{right} easy"), {}).rating == EASY
    assert grade(asked, read_reply(asked, f"{right} again"), {}).rating == AGAIN  # "I guessed"
    wrong = str((asked.answer_index + 1) % len(asked.options) + 1)
    assert grade(asked, read_reply(asked, f"{wrong} easy"), {}).rating == AGAIN  # wrong stays Again
    typed = question(bank, "long-short-term-memory:recall")
    reply = read_reply(typed, "lstm easy")
    assert (reply.text, reply.rating) == ("lstm", EASY)
    assert read_reply(typed, "easy").text == "easy"  # a lone word is the answer itself


def test_the_rating_prompt_reads_enter_keys_words_and_undo() -> None:
    assert read_rating("", GOOD) == GOOD
    assert [read_rating(k, GOOD) for k in ("1", "h", "g", "E", "easy")] == [1, 2, 3, 4, 4]
    assert read_rating("u", GOOD) == "undo" and read_rating("x", GOOD) == ""


def test_the_rating_screen_offers_each_ratings_interval_and_enter_keeps_the_default(
    store: Store, bank: Bank
) -> None:
    io = ScriptedIO(["RIGHT", ""])
    io.rates = True
    plan = [PlannedCard(CardId("bigram", "define"), "new")]
    result = run_session(store.conn, bank, plan, io, random.Random(0), clock=lambda: T0)
    dues = io.screens[0]
    assert sorted(dues) == [1, 2, 3, 4] and dues[1] < dues[2] < dues[3] < dues[4]
    recorded = result.answered[0].recorded
    assert recorded.rating == GOOD and recorded.due == dues[GOOD]
    assert count(store.conn, "reviews") == 1


def test_picking_easy_on_the_screen_rerates_the_answer_as_if_easy_was_given(store: Store, bank: Bank) -> None:
    io = ScriptedIO(["RIGHT", "e"])
    io.rates = True
    plan = [PlannedCard(CardId("bigram", "define"), "new")]
    result = run_session(store.conn, bank, plan, io, random.Random(0), clock=lambda: T0)
    assert (
        result.answered[0].recorded.rating == EASY and result.answered[0].recorded.due == io.screens[0][EASY]
    )
    rows = store.conn.execute("SELECT rating FROM reviews").fetchall()
    assert [r[0] for r in rows] == [EASY]
    card = store.conn.execute("SELECT reps, lapses FROM cards").fetchone()
    assert tuple(card) == (1, 0)


def test_a_wrong_answer_gets_no_rating_screen(store: Store, bank: Bank) -> None:
    io = ScriptedIO(["1" if question(bank, "bigram:define").answer_index != 0 else "2"])
    io.rates = True
    run_session(store.conn, bank, [PlannedCard(CardId("bigram", "define"), "new")], io, random.Random(0),
                clock=lambda: T0)  # fmt: skip
    assert io.screens == [] and io.feedbacks[0].grade.rating == AGAIN


def test_eof_at_the_rating_screen_keeps_the_answer_with_its_default(store: Store, bank: Bank) -> None:
    io = ScriptedIO(["RIGHT"])
    io.rates = True
    plan = [PlannedCard(CardId(s, "define"), "new") for s in ("bigram", "trigram")]
    result = run_session(store.conn, bank, plan, io, random.Random(0), clock=lambda: T0)
    assert result.stopped == "eof" and [a.recorded.rating for a in result.answered] == [GOOD]
    assert count(store.conn, "reviews") == 1


# --------------------------------------------------------------------------- undo


def test_undo_at_the_next_question_restores_the_card_byte_for_byte_and_asks_again(
    store: Store, bank: Bank
) -> None:
    answer(store.conn, bank, "bigram:define", True, T0 - timedelta(days=3))
    before = state_of(store, "bigram:define")
    plan = [PlannedCard(CardId(s, "define"), "due") for s in ("bigram", "trigram")]
    io = ScriptedIO(["RIGHT", "u", "1"])
    result = run_session(store.conn, bank, plan, io, random.Random(0), clock=lambda: T0)
    assert io.undos == [1]
    assert io.shown == ["bigram:define", "trigram:define", "bigram:define", "trigram:define"]
    assert state_of(store, "bigram:define") != before  # answered again with "1"
    assert [str(a.question.card_id) for a in result.answered] == ["bigram:define"]
    assert [str(q.card_id) for q in result.asked] == ["bigram:define", "trigram:define"]
    assert count(store.conn, "reviews") == 2


def test_undo_removes_the_review_and_restores_state_exactly(store: Store, bank: Bank) -> None:
    answer(store.conn, bank, "bigram:define", True, T0 - timedelta(days=3))
    row_before = store.conn.execute("SELECT * FROM cards").fetchall()
    recorded = answer(store.conn, bank, "bigram:define", False, T0)
    assert store.conn.execute("SELECT * FROM cards").fetchall() != row_before
    record.undo_answer(store.conn, recorded.review_id)
    assert [tuple(r) for r in store.conn.execute("SELECT * FROM cards")] == [tuple(r) for r in row_before]
    assert count(store.conn, "reviews") == 1


def test_undo_of_a_first_answer_forgets_the_card(store: Store, bank: Bank) -> None:
    recorded = answer(store.conn, bank, "bigram:define", True, T0)
    record.undo_answer(store.conn, recorded.review_id)
    assert count(store.conn, "cards") == 0 and count(store.conn, "reviews") == 0


# --------------------------------------------------------------------------- leeches, suspension


def test_eight_lapses_make_a_leech_that_is_suspended_and_never_planned(store: Store, bank: Bank) -> None:
    when = T0
    recorded = None
    for _ in range(12):
        answer(store.conn, bank, "bigram:define", True, when)
        answer(store.conn, bank, "bigram:define", True, when + timedelta(minutes=15))
        when += timedelta(days=3)
        recorded = answer(store.conn, bank, "bigram:define", False, when)  # a lapse from review state
        when += timedelta(days=1)
        if recorded.leech:
            break
    assert recorded is not None and recorded.leech and recorded.lapses == 8
    assert record.suspended_cards(store.conn) == {CardId("bigram", "define"): "leech"}
    plan = plan_session(
        store.conn, bank, when + timedelta(days=30), 200, settings=Settings(new_cards_per_day=0)
    )
    assert CardId("bigram", "define") not in [p.card_id for p in plan]


def test_suspended_cards_are_never_planned(store: Store, bank: Bank) -> None:
    record.suspend(store.conn, [CardId("n-gram", "define")], T0)
    plan = plan_session(store.conn, bank, T0, 10)
    assert CardId("n-gram", "define") not in [p.card_id for p in plan]


# --------------------------------------------------------------------------- practice


def test_practice_answers_are_logged_and_move_no_schedule(store: Store, bank: Bank) -> None:
    answer(store.conn, bank, "bigram:define", True, T0 - timedelta(days=2))
    before = store.conn.execute("SELECT * FROM cards").fetchall()
    plan = [
        PlannedCard(CardId("bigram", "define"), "practice"),
        PlannedCard(CardId("trigram", "define"), "practice"),
    ]
    io = ScriptedIO(["RIGHT", "1"])
    result = run_session(store.conn, bank, plan, io, random.Random(0), clock=lambda: T0, practice=True)
    assert [tuple(r) for r in store.conn.execute("SELECT * FROM cards")] == [tuple(r) for r in before]
    assert [r[0] for r in store.conn.execute("SELECT practice FROM reviews ORDER BY id")] == [0, 1, 1]
    assert all(a.recorded.practice for a in result.answered)
    assert len(record.review_outcomes(store.conn)) == 1  # practice is not retention


# --------------------------------------------------------------------------- siblings and limits


def test_one_card_per_term_per_day_across_sessions(store: Store, bank: Bank) -> None:
    first = plan_session(store.conn, bank, T0, 10, tz=ZONE)
    slugs = [p.slug for p in first]
    assert len(slugs) == len(set(slugs)) == 10
    answer(store.conn, bank, str(first[0].card_id), True, T0)
    later = T0 + timedelta(hours=2)
    second = plan_session(store.conn, bank, later, 40, tz=ZONE)
    studied = first[0].card_id
    assert all(p.slug != studied.slug or p.card_id == studied for p in second)
    # the next morning (local midnight passed) the siblings are back
    others = [t for t in ("define", "meaning", "recall", "relation") if t != studied.qtype]
    tomorrow = plan_session(store.conn, bank, T0 + timedelta(days=1), 200, types=others, tz=ZONE,
                            settings=Settings(new_cards_per_day=500))  # fmt: skip
    assert any(p.slug == studied.slug and p.card_id != studied for p in tomorrow)


def test_the_learners_day_ends_at_local_midnight_in_the_clocks_zone() -> None:
    late = datetime(2026, 3, 1, 23, 30, tzinfo=ZONE)
    start, end = day_bounds(late, ZONE)
    assert start == datetime(2026, 3, 1, 0, 0, tzinfo=ZONE) and end == datetime(2026, 3, 2, 0, 0, tzinfo=ZONE)
    assert day_bounds(late, timezone.utc)[0] == datetime(2026, 3, 1, 0, 0, tzinfo=timezone.utc)


def test_new_and_review_limits_per_day(store: Store, bank: Bank) -> None:
    plan = plan_session(store.conn, bank, T0, 50, settings=Settings(new_cards_per_day=3))
    assert len(plan) == 3
    for card in plan:
        answer(store.conn, bank, str(card.card_id), True, T0)
    assert plan_session(store.conn, bank, T0, 50, settings=Settings(new_cards_per_day=3)) == []
    days_later = T0 + timedelta(days=20)
    limited = plan_session(store.conn, bank, days_later, 50, due_only=True,
                           settings=Settings(reviews_per_day=2))  # fmt: skip
    assert len(limited) == 2 and all(p.reason == "due" for p in limited)


def test_a_default_session_has_computed_questions_and_no_two_cards_of_a_term(
    store: Store, bank: Bank
) -> None:
    plan = plan_session(store.conn, bank, T0, 10)
    assert sum(p.qtype == "computed" for p in plan) == 2
    assert len({p.slug for p in plan}) == 10


def test_a_looked_up_term_is_introduced_before_one_never_looked_at(store: Store, bank: Bank) -> None:
    untouched = [p.slug for p in plan_session(store.conn, bank, T0, 10)]
    last = list(bank.introduction_order())[-1]
    assert last not in untouched
    with_clock = {"GLOSSARY_NOW": T0.isoformat()}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in with_clock.items():
            patch.setenv(key, value)
        store.note_lookup(last)
    assert store.conn.execute("SELECT looked_up_at FROM lookups").fetchone()[0] == record.iso(T0)
    assert plan_session(store.conn, bank, T0, 10)[0].slug == last


# --------------------------------------------------------------------------- what is due agrees


def test_next_review_now_always_means_review_has_a_card(store: Store, bank: Bank) -> None:
    rng = random.Random(3)
    moment = T0
    for step in range(60):
        cards = plan_session(store.conn, bank, moment, 3, types=["define", "meaning"], tz=ZONE)
        for card in cards:
            answer(store.conn, bank, str(card.card_id), rng.random() < 0.7, moment)
        moment += timedelta(minutes=rng.choice([1, 5, 11, 90, 600, 1500]))
        upcoming = next_due(store.conn, bank, moment, ZONE)
        has_due = bool(plan_session(store.conn, bank, moment, 50, due_only=True, tz=ZONE))
        assert (upcoming is not None and upcoming <= moment) == has_due, step


def test_a_sibling_due_today_is_held_until_tomorrow_not_reported_now(store: Store, bank: Bank) -> None:
    answer(store.conn, bank, "bigram:define", True, T0 - timedelta(days=5))
    answer(store.conn, bank, "bigram:meaning", True, T0 - timedelta(days=5))
    answer(store.conn, bank, "bigram:define", True, T0)  # today: bigram:meaning is now buried
    today = Today.of(store.conn, T0 + timedelta(minutes=1), ZONE)
    due = datetime.fromisoformat(record.card_dues(store.conn)[CardId("bigram", "meaning")])
    assert due <= T0 and today.ready_at(CardId("bigram", "meaning"), due) == today.end
    states = json.loads(state_of(store, "bigram:define") or "{}")
    assert states["step"] is not None or states["state"] == 2
