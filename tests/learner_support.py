"""Helpers shared by the learner's tests (record, planning, session, progress): answer a card at a time."""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timezone

from glossary.model import CardId
from glossary.quiz import make_question
from glossary.quiz.bank import Bank
from glossary.quiz.base import Question
from glossary.quiz.grading import grade, read_reply
from glossary.record import Recorded, record_answer
from glossary.store import Store

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def bank_of(store: Store) -> Bank:
    return Bank.build(store.terms(), store.all_links())


def question(bank: Bank, card: str, seed: int = 0) -> Question:
    made = make_question(bank, CardId.parse(card), random.Random(seed))
    assert made is not None
    return made


def answer(
    conn: sqlite3.Connection, bank: Bank, card: str, right: bool, when: datetime, pick: str = ""
) -> Recorded:
    """Record one multiple-choice answer: the right option, a named wrong one, or the first wrong one."""
    asked = question(bank, card)
    if right:
        index = asked.answer_index
    elif pick:
        index = next(i for i, o in enumerate(asked.options) if o.slug == pick)
    else:
        index = next(i for i, o in enumerate(asked.options) if o.text != asked.answer)
    verdict = grade(asked, read_reply(asked, str(index + 1)), bank.spellings)
    return record_answer(conn, asked, verdict, when, None, "test")


def count(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
