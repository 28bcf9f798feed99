"""The session loop: ask each planned card, read and grade the answer, record it at once.

The core never prints: a ``QuizIO`` (the terminal, a pipe, a test script) shows questions and
reads lines. Every answer is recorded in its own transaction as soon as it is given, so q,
end of input and Ctrl-C all stop cleanly with nothing already answered lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from glossary.clock import now as clock_now
from glossary.quiz import make_question
from glossary.quiz.grading import grade, read_reply
from glossary.record import Recorded, record_answer

if TYPE_CHECKING:
    import sqlite3

    from glossary.planning import PlannedCard
    from glossary.quiz.bank import Bank
    from glossary.quiz.base import Grade, Question, Reply, Rng


@dataclass(frozen=True)
class Answered:
    """One question of a session and its verdict."""

    question: Question
    grade: Grade
    response_ms: int | None
    recorded: Recorded

    @property
    def recalled(self) -> bool:
        return self.grade.recalled


@dataclass
class SessionResult:
    """Every question asked and how the session ended: done, quit, eof or interrupt."""

    answered: list[Answered] = field(default_factory=list)
    asked: list[Question] = field(default_factory=list)
    stopped: str = "done"

    @property
    def recalled(self) -> int:
        """Answers known without help (a peek is a miss, see ``Grade.recalled``)."""
        return sum(a.recalled for a in self.answered)


class QuizIO(Protocol):
    """The terminal (or pipe) a session talks to; the core never prints."""

    timed: bool  # response times mean something (a person at a terminal)

    def question(self, question: Question, number: int, total: int) -> None: ...
    def ask(self, question: Question) -> str: ...  # raises EOFError or KeyboardInterrupt
    def hint(self, text: str) -> None: ...
    def card(self, slug: str) -> None: ...
    def feedback(self, answered: Answered) -> None: ...


def run_session(
    conn: sqlite3.Connection,
    bank: Bank,
    plan: Sequence[PlannedCard],
    io: QuizIO,
    rng: Rng,
    clock: Callable[[], datetime] = clock_now,
    session: str = "",
) -> SessionResult:
    """Ask every planned card, recording each answer as it is given; q, EOF and Ctrl-C stop cleanly.

    Ctrl-C is honoured at any point, not only at the prompt: an answer whose transaction it
    interrupts is rolled back whole and left out of the result, every earlier one stays.
    """
    result = SessionResult()
    questions = [q for q in (make_question(bank, p.card_id, rng) for p in plan) if q is not None]
    try:
        for number, question in enumerate(questions, start=1):
            result.asked.append(question)
            io.question(question, number, len(questions))
            reply, peeked, response_ms = read_answer(io, question)
            if reply is None:
                result.stopped = "eof" if peeked is None else "quit"
                return result
            verdict = grade(question, reply, bank.spellings, response_ms, bool(peeked))
            recorded = record_answer(conn, question, verdict, clock(), response_ms, session)
            answered = Answered(question, verdict, response_ms, recorded)
            result.answered.append(answered)
            io.feedback(answered)
    except KeyboardInterrupt:
        result.stopped = "interrupt"
    return result


def read_answer(io: QuizIO, question: Question) -> tuple[Reply | None, bool | None, int | None]:
    """Prompt until a usable answer: (reply, peeked, ms), or (None, None, None) at EOF and
    (None, False, None) when the learner quits. A pipe is never timed: its ms is None."""
    started = time.monotonic()
    peeked = False
    while True:
        try:
            line = io.ask(question)
        except EOFError:
            return None, None, None
        reply = read_reply(question, line)
        if reply.kind == "invalid":
            io.hint(reply.hint)
        elif reply.kind == "card":
            peeked = True
            io.card(question.slug)
        elif reply.kind == "quit":
            return None, False, None
        else:
            response_ms = round((time.monotonic() - started) * 1000) if io.timed else None
            return reply, peeked, response_ms
