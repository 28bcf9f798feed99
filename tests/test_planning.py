"""Planning a session: new cards in link order, due cards first, confusions, filters, the tour."""

from __future__ import annotations

from datetime import timedelta

import pytest
from learner_support import T0, answer, bank_of

from glossary.model import CardId
from glossary.planning import PlannedCard, new_card_order, next_due, plan_session, tour_cards
from glossary.quiz.bank import Bank
from glossary.store import Store


@pytest.fixture
def bank(store: Store) -> Bank:
    return bank_of(store)


def test_new_cards_follow_the_links_and_start_with_recognition(bank: Bank) -> None:
    order = [str(card) for card in new_card_order(bank)]
    assert order.index("n-gram:define") < order.index("bigram:define") < order.index("bigram:recall")
    assert order.index("recurrent-neural-network:define") < order.index("long-short-term-memory:define")
    assert order.index("long-short-term-memory:define") < order.index("forget-gate:define")
    assert len(set(order)) == len(order)


def test_due_cards_come_first_and_review_takes_only_them(store: Store, bank: Bank) -> None:
    answer(store.conn, bank, "trigram:define", False, T0)
    later = T0 + timedelta(hours=1)
    plan = plan_session(store.conn, bank, later, 5)
    assert plan[0] == PlannedCard(CardId("trigram", "define"), "due")
    assert [str(p.card_id) for p in plan_session(store.conn, bank, later, 5, due_only=True)] == [
        "trigram:define"
    ]
    assert plan_session(store.conn, bank, T0 - timedelta(days=1), 5, due_only=True) == []


def test_confused_terms_come_up_before_new_cards_until_answered_right(store: Store, bank: Bank) -> None:
    for minute in range(3):
        answer(store.conn, bank, "bigram:define", False, T0 + timedelta(minutes=minute), pick="trigram")
    tomorrow = T0 + timedelta(days=1)  # bigram's siblings were buried for the rest of day one
    plan = plan_session(store.conn, bank, tomorrow, 6, types=["meaning", "example"])
    confused = [str(p.card_id) for p in plan if p.reason == "confused"]
    assert confused == ["bigram:meaning", "trigram:meaning"]  # one card of each term a day
    answer(store.conn, bank, "trigram:meaning", True, tomorrow)
    later = tomorrow + timedelta(days=1)
    replan = plan_session(store.conn, bank, later, 6, types=["meaning", "example"])
    assert "trigram:meaning" not in [str(p.card_id) for p in replan if p.reason == "confused"]


def test_plan_respects_terms_and_types(store: Store, bank: Bank) -> None:
    plan = plan_session(store.conn, bank, T0, 50, slugs={"bigram", "trigram"}, types=["define", "example"])
    assert {str(p.card_id) for p in plan} == {"bigram:define", "trigram:define"}  # one card per term
    plan = plan_session(store.conn, bank, T0, 50, slugs={"bigram", "trigram"}, types=["example"])
    assert {str(p.card_id) for p in plan} == {"bigram:example", "trigram:example"}


def test_next_due_is_none_until_a_card_is_reviewed(store: Store, bank: Bank) -> None:
    assert next_due(store.conn) is None
    recorded = answer(store.conn, bank, "bigram:define", True, T0)
    assert next_due(store.conn) == recorded.due.replace(microsecond=0)


def test_tour_asks_three_kinds_of_question_on_one_term(bank: Bank) -> None:
    cards = tour_cards(bank, "long-short-term-memory")
    assert [str(c.card_id) for c in cards] == [
        "long-short-term-memory:relation",
        "long-short-term-memory:computed",
        "long-short-term-memory:recall",
    ]


def test_a_tour_without_a_computed_question_still_places_uses_and_recalls_the_term(bank: Bank) -> None:
    kinds = [c.card_id.qtype for c in tour_cards(bank, "perplexity")]
    assert "computed" not in kinds
    assert kinds[0] == "relation" and kinds[-1] == "recall" and len(set(kinds)) == 3


def test_a_peeked_right_answer_does_not_clear_a_confusion(store: Store, bank: Bank) -> None:
    from learner_support import question

    from glossary.quiz.grading import grade, read_reply
    from glossary.record import record_answer

    answer(store.conn, bank, "bigram:define", False, T0, pick="trigram")
    asked = question(bank, "trigram:meaning")
    reply = read_reply(asked, str(asked.answer_index + 1))
    later = T0 + timedelta(seconds=10)
    record_answer(store.conn, asked, grade(asked, reply, bank.spellings, peeked=True), later, None)
    from glossary.record import answered_right_since

    assert not answered_right_since(store.conn, CardId("trigram", "meaning"), T0.isoformat())
    plan = plan_session(store.conn, bank, T0 + timedelta(days=1), 8, types=["meaning"])
    assert CardId("trigram", "meaning") in [p.card_id for p in plan]
