"""The session loop: hints, peeking, stopping with q, EOF or Ctrl-C keeps every answer given."""

from __future__ import annotations

import random

import pytest
from learner_support import T0, bank_of, count

from glossary import record
from glossary.model import CardId
from glossary.planning import PlannedCard
from glossary.quiz.bank import Bank
from glossary.quiz.base import AGAIN, Question
from glossary.session import Answered, run_session
from glossary.store import Store


@pytest.fixture
def bank(store: Store) -> Bank:
    return bank_of(store)


class ScriptedIO:
    """Answers from a list; an exception instance in the list is raised instead.

    With ``rates`` set, lines are also read at the rating screen (as a person at a terminal).
    """

    timed = False
    rates = False

    def __init__(self, lines: list) -> None:
        self.lines = list(lines)
        self.hints: list[str] = []
        self.cards: list[str] = []
        self.feedbacks: list[Answered] = []
        self.shown: list[str] = []
        self.screens: list[dict] = []
        self.undos: list[int] = []
        self.rated_lines: list[Answered] = []

    def question(self, question: Question, number: int, total: int) -> None:
        self.shown.append(str(question.card_id))

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

    def feedback(self, answered: Answered, final: bool = True) -> None:
        self.feedbacks.append(answered)

    def rate(self, answered: Answered, dues: dict, again: bool = False) -> str:
        self.screens.append(dues)
        return self.ask(answered.question)

    def rated(self, answered: Answered) -> None:
        self.rated_lines.append(answered)

    def undone(self, number: int) -> None:
        self.undos.append(number)

    def last_word(self) -> str:
        return self.ask(None)  # type: ignore[arg-type]


PLAN = [PlannedCard(CardId(slug, "define"), "new") for slug in ("bigram", "trigram", "n-gram")]


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
    assert result.stopped == "done" and result.recalled == 3
    assert count(store.conn, "reviews") == 3 and count(store.conn, "cards") == 3


def test_ctrl_c_while_showing_feedback_keeps_that_answer(store: Store, bank: Bank) -> None:
    class InterruptedFeedback(ScriptedIO):
        def feedback(self, answered: Answered, final: bool = True) -> None:
            raise KeyboardInterrupt

    io = InterruptedFeedback(["RIGHT", "RIGHT"])
    result = run_session(store.conn, bank, PLAN, io, random.Random(0), clock=lambda: T0)
    assert result.stopped == "interrupt" and len(result.answered) == 1
    assert count(store.conn, "reviews") == 1 and not store.conn.in_transaction


def test_ctrl_c_while_recording_rolls_that_answer_back_whole(store: Store, bank: Bank, monkeypatch) -> None:
    real = record.scheduler()
    calls = []

    class SecondInterrupts:
        def review_card(self, *args):
            calls.append(args)
            if len(calls) == 2:
                raise KeyboardInterrupt
            return real.review_card(*args)

    monkeypatch.setattr(record, "scheduler", lambda *settings: SecondInterrupts())
    io = ScriptedIO(["RIGHT", "RIGHT", "RIGHT"])
    result = run_session(store.conn, bank, PLAN, io, random.Random(0), clock=lambda: T0)
    assert result.stopped == "interrupt" and len(result.answered) == 1
    assert count(store.conn, "reviews") == 1 and count(store.conn, "cards") == 1
    assert not store.conn.in_transaction


def test_a_peek_counts_as_a_miss_in_the_score(store: Store, bank: Bank) -> None:
    io = ScriptedIO(["?", "RIGHT", "RIGHT"])
    result = run_session(store.conn, bank, PLAN[:2], io, random.Random(0), clock=lambda: T0)
    assert [a.grade.correct for a in result.answered] == [True, True]
    assert result.recalled == 1 and [a.recalled for a in result.answered] == [False, True]


class AtATerminal(ScriptedIO):
    """A person at a terminal: the rating screen, and the prompt after a wrong last answer."""

    rates = True


def test_u_after_a_wrong_last_answer_takes_it_back_and_asks_again(store: Store, bank: Bank) -> None:
    class Scripted(AtATerminal):
        def ask(self, question):  # "WRONG" picks an option that is not the answer
            line = super().ask(question)
            return str((question.answer_index + 1) % len(question.options) + 1) if line == "WRONG" else line

    io = Scripted(["RIGHT", "", "RIGHT", "", "WRONG", "u", "RIGHT", ""])
    result = run_session(store.conn, bank, PLAN, io, random.Random(0), clock=lambda: T0)
    assert result.stopped == "done" and io.undos == [3]
    assert [a.recalled for a in result.answered] == [True, True, True]
    assert count(store.conn, "reviews") == 3  # the undone answer left no review behind


def test_enter_after_a_wrong_last_answer_finishes_and_keeps_it(store: Store, bank: Bank) -> None:
    class Scripted(AtATerminal):
        def ask(self, question):
            line = super().ask(question)
            return str((question.answer_index + 1) % len(question.options) + 1) if line == "WRONG" else line

    io = Scripted(["RIGHT", "", "RIGHT", "", "WRONG", ""])
    result = run_session(store.conn, bank, PLAN, io, random.Random(0), clock=lambda: T0)
    assert result.stopped == "done" and io.undos == [] and result.recalled == 2
    assert count(store.conn, "reviews") == 3 and io.lines == []
