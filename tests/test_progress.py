"""The learner's statistics: retention, streaks, forecast, mastery and confusions."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from learner_support import T0, answer, bank_of, question

from glossary.progress import stats, streak_days
from glossary.quiz.bank import Bank
from glossary.quiz.grading import grade, read_reply
from glossary.record import record_answer
from glossary.store import Store


@pytest.fixture
def bank(store: Store) -> Bank:
    return bank_of(store)


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


def test_a_peeked_answer_counts_as_a_failure_in_correct_and_retention(store: Store, bank: Bank) -> None:
    asked = question(bank, "bigram:define")
    reply = read_reply(asked, str(asked.answer_index + 1))
    record_answer(store.conn, asked, grade(asked, reply, bank.spellings, peeked=True), T0, None)
    answer(store.conn, bank, "n-gram:define", True, T0)
    result = stats(store.conn, bank, T0, [(t.topic, t.title) for t in store.topics()], tz=timezone.utc)
    assert result.reviews == 2 and result.correct == 1 and result.retention == pytest.approx(1 / 2)


def test_a_wrong_relation_pick_is_a_relation_error_not_a_confusion(store: Store, bank: Bank) -> None:
    asked = question(bank, "forget-gate:relation")
    wrong = next(o for o in asked.options if o.text != asked.answer and o.slug)
    reply = read_reply(asked, wrong.text)
    record_answer(store.conn, asked, grade(asked, reply, bank.spellings), T0, None)
    result = stats(store.conn, bank, T0, [(t.topic, t.title) for t in store.topics()], tz=timezone.utc)
    assert result.confusions == []
    names = {slug: term.name for slug, term in bank.terms.items()}
    assert result.relation_errors == [("forget gate", names[wrong.slug], names[asked.answer_slug], 1)]


def test_a_wrong_computed_pick_naming_a_term_is_no_confusion(store: Store, bank: Bank) -> None:
    asked = next(
        q
        for seed in range(50)
        if any((q := question(bank, "vanishing-gradient-problem:computed", seed)).options)
        and any(o.slug and o.text != q.answer for o in q.options)
    )
    wrong = next(o for o in asked.options if o.slug and o.text != asked.answer)
    record_answer(store.conn, asked, grade(asked, read_reply(asked, wrong.text), bank.spellings), T0, None)
    result = stats(store.conn, bank, T0, [(t.topic, t.title) for t in store.topics()], tz=timezone.utc)
    assert result.confusions == [] and result.relation_errors == []


def test_a_term_failed_in_its_latest_review_is_not_shown_as_known(store: Store, bank: Bank) -> None:
    for days in (20, 10, 4):
        answer(store.conn, bank, "bigram:define", True, T0 - timedelta(days=days))
    answer(store.conn, bank, "bigram:meaning", False, T0)
    answer(store.conn, bank, "trigram:define", False, T0 - timedelta(days=1))
    answer(store.conn, bank, "trigram:define", True, T0)
    result = stats(store.conn, bank, T0, [(t.topic, t.title) for t in store.topics()], tz=timezone.utc)
    by_slug = {t.slug: t for _, _, terms in result.mastery for t in terms}
    bigram, trigram = by_slug["bigram"], by_slug["trigram"]
    assert bigram.last_failed and not trigram.last_failed
    assert bigram.cards == 2 and bigram.retrievability < 0.85  # the failed card, not the mean


def test_the_mastery_view_never_marks_a_just_failed_term_as_known() -> None:
    import io

    from rich.console import Console

    from glossary.progress import Stats, TermMastery
    from glossary.render.stats import mastery_view

    def drawn(last_failed: bool) -> str:
        term = TermMastery("x", "x-term", 0.9, 2, last_failed)
        view = Stats(1, 1, 1.0, 1, 1, [], [("t", "Topic", [term])], [], [], None)
        out = io.StringIO()
        Console(file=out, width=80, color_system=None).print(mastery_view(view))
        return out.getvalue().splitlines()[3]

    assert drawn(False).startswith("Topic █") and drawn(True).startswith("Topic ▒")
    assert "missed last time" in drawn(True)
